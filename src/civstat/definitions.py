"""The civstat Dagster code location (``dagster dev`` / ``dg dev`` load this).

Every module of the :mod:`civstat.defs` folder is loaded (``dg.load_from_defs_folder``): its
``Definitions`` object, else whatever Dagster objects it defines at module level. A module added
there (``dg scaffold defs dagster.asset my_asset.py``) joins the code location as it is. The
folder is loaded only when Dagster asks for the definitions, so importing the package never
touches dbt's manifest.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
