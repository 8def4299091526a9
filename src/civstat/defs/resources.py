"""Resources shared by the civstat assets."""


from pathlib import Path

import dagster as dg

from civstat import paths
from civstat.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. Empty strings mean the project defaults (env CIVSTAT_*)."""

    path: str = ""
    raw_dir: str = ""
    reference_dir: str = ""

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse.at(self.path or None)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve() if self.raw_dir else paths.raw_dir()

    @property
    def reference_path(self) -> Path:
        return Path(self.reference_dir).resolve() if self.reference_dir else paths.reference_dir()


def default_resources() -> dict:
    return {"warehouse": WarehouseResource()}


# the code location's resources and executor (one process: DuckDB has a single writer)
defs = dg.Definitions(resources=default_resources(), executor=dg.in_process_executor)
