"""Where things live. One environment variable moves the warehouse: ``CIVSTAT_WAREHOUSE``.

``CIVSTAT_WAREHOUSE`` is the path of the *published* DuckDB file (what statisticians query).
The writer's working copy sits beside it (``<stem>.build.duckdb``); dbt's profile derives the
same working path from the same variable, so Dagster, the CLI and dbt always agree.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("CIVSTAT_PROJECT_ROOT", PACKAGE_DIR.parents[1])).resolve()

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DATA_DIR = PROJECT_ROOT / "data"
REPORTS_DIR = PROJECT_ROOT / "reports"


def raw_dir() -> Path:
    return Path(os.environ.get("CIVSTAT_RAW_DIR", DATA_DIR / "raw")).resolve()


def reference_dir() -> Path:
    return Path(os.environ.get("CIVSTAT_REFERENCE_DIR", DATA_DIR / "reference")).resolve()


def quarantine_dir() -> Path:
    return Path(os.environ.get("CIVSTAT_QUARANTINE_DIR", DATA_DIR / "quarantine")).resolve()


def warehouse_path() -> Path:
    return Path(
        os.environ.get("CIVSTAT_WAREHOUSE", DATA_DIR / "warehouse" / "civstat.duckdb")
    ).resolve()


def output_dir() -> Path:
    return Path(os.environ.get("CIVSTAT_OUTPUT_DIR", REPORTS_DIR / "output")).resolve()
