"""Every DuckDB connection civstat opens, with the setting that bounds its memory.

DuckDB's default memory limit is 80 % of the machine's RAM, and it fills that much as cache on a
province's warehouse (20 GB measured on a 24 GB machine). ``CIVSTAT_DUCKDB_MEMORY`` (default
``2GB``) caps each process's DuckDB instead; what does not fit is spilled to a temporary folder
beside the database file. dbt's connections take the same variable (``dbt_project/profiles.yml``; :mod:`civstat.dbtrun`
passes it on). 2 GB: the province's refresh, Python and dbt around DuckDB included, then stays
under 4 GB (``benchmarks/province.py``).
A ``SET`` rather than a connection config: the same file opened twice in one process shares one
database instance, which DuckDB refuses to open with two different configs.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

MEMORY_ENV = "CIVSTAT_DUCKDB_MEMORY"
DEFAULT_MEMORY = "2GB"


def memory_limit() -> str:
    return os.environ.get(MEMORY_ENV, "").strip() or DEFAULT_MEMORY


def connect(path: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` with civstat's memory limit set."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute(f"SET memory_limit = '{memory_limit()}'")
    except duckdb.Error:
        con.close()
        raise
    return con
