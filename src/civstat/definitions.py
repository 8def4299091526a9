"""The civstat Dagster code location (``dagster dev`` / ``dg dev`` load this).

Domain modules under :mod:`civstat.defs` are imported only when Dagster asks for the
definitions, so importing the package never touches dbt's manifest.
"""

from __future__ import annotations

import importlib

import dagster as dg

from civstat.defs.resources import default_resources

DOMAINS = ["raw", "quality", "warehouse", "reports"]


@dg.definitions
def defs() -> dg.Definitions:
    domain_defs = [importlib.import_module(f"civstat.defs.{name}").defs for name in DOMAINS]
    from civstat.defs import pipeline
    from civstat.defs.warehouse import civstat_dbt_assets

    return dg.Definitions.merge(
        *domain_defs,
        pipeline.build_defs(list(civstat_dbt_assets.keys)),
        dg.Definitions(resources=default_resources(), executor=dg.in_process_executor),
    )
