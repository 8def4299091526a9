"""Partitions: reporting quarters (one folder of the drop zone each) and report years."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg

QUARTER_FOLDER = re.compile(r"^(\d{4})Q([1-4])$")

quarter_partitions = dg.DynamicPartitionsDefinition(name="quarter")
year_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start="2020", fmt="%Y", end_offset=0
)


def quarter_folders(raw_dir: Path) -> list[Path]:
    """Drop-zone folders named like 2024Q4, in period order."""
    if not raw_dir.is_dir():
        return []
    return sorted(p for p in raw_dir.iterdir() if p.is_dir() and QUARTER_FOLDER.match(p.name))


def previous_quarter(year: int, quarter: int) -> str:
    return f"{year}Q{quarter - 1}" if quarter > 1 else f"{year - 1}Q4"
