"""Exports for other tools (``civstat export``, ``civstat sql --xlsx/--csv``, ``.export``):
:mod:`.writers` writes XLSX, CSV, Parquet and the DuckDB 1.x copy; :mod:`.cli` is the command."""

from civstat.export.writers import (  # noqa: F401
    Column,
    csv_safe,
    header_of,
    neutralise,
    storage_header,
    write_compat_copy,
    write_csv,
    write_marts_parquet,
    write_marts_xlsx,
    write_result,
)
