"""Partitions: reporting quarters (one folder of the drop zone each) and report years.

Both follow the data: a bureau loads history back to the 2000s, so neither has a fixed start.
Quarter keys are added for every ``YYYYQq`` folder (sensor, schedule, demo), year keys for every
year that has a quarter (:func:`add_partitions_for`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from civstat.periods import QUARTER_FOLDER, previous_quarter  # noqa: F401 (re-exported)

quarter_partitions = dg.DynamicPartitionsDefinition(name="quarter")
year_partitions = dg.DynamicPartitionsDefinition(name="year")


def quarter_folders(raw_dir: Path) -> list[Path]:
    """Drop-zone folders named like 2024Q4, in period order."""
    if not raw_dir.is_dir():
        return []
    return sorted(p for p in raw_dir.iterdir() if p.is_dir() and QUARTER_FOLDER.match(p.name))


def add_partitions_for(instance: dg.DagsterInstance, quarter_keys: list[str]) -> None:
    """Register quarter keys and the years they belong to (idempotent)."""
    if not quarter_keys:
        return
    instance.add_dynamic_partitions(quarter_partitions.name, sorted(set(quarter_keys)))
    instance.add_dynamic_partitions(year_partitions.name, sorted({k[:4] for k in quarter_keys}))


def folder_fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of a drop-zone folder (cheap change detection)."""
    stamps = []
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            st = f.stat()
            stamps.append(f"{f.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}")
    return files_fingerprint(stamps)


def files_fingerprint(stamps: list[str]) -> str:
    h = hashlib.sha256()
    for s in stamps:
        h.update(f"{s}\n".encode())
    return h.hexdigest()[:16]
