"""What an ingest reads, as one fingerprint: so that an ingest with nothing new does nothing.

An ingest's outcome depends only on the drop-zone files of the periods it reads, the reference
CSVs, and the reader itself (this package, the programme catalogue, the raw schema). When all
of them are byte for byte what the last completed ingest of the same periods read, reading them
again would load nothing new and refuse the same files for the same reasons — so the ingest
says so, repeats the last outcome (the files still quarantined, its exit status) and leaves the
working copy untouched; a ``civstat build`` after it then has nothing to do either
(:func:`civstat.buildplan.nothing_changed`). Anything else — one byte of one file, a file added,
moved or removed, a reference row, an upgrade of civstat — reads everything as before.

The fingerprint is recorded in ``meta.ingest_inputs`` of the working copy, in the same
transaction-less write as the ingest itself, just before its checkpoint: an ingest killed before
that point has recorded nothing, and the next one reads everything.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civstat import duck, paths

# the reader: its code, the catalogue of sheets and columns, the raw tables' schema
READER_PATHS = ("ingest", "contract", "raw_schema.py", "periods.py")

DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.ingest_inputs (
    periods VARCHAR PRIMARY KEY,   -- the periods asked for ('*' = every quarter folder)
    fingerprint VARCHAR NOT NULL,
    ok BOOLEAN NOT NULL,           -- nothing quarantined
    quarantined_json VARCHAR,      -- the lines naming the files that stayed quarantined
    ingested_at TIMESTAMP NOT NULL
)
"""


def _digest_tree(digest, root: Path, files: list[Path]) -> None:
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def fingerprint(raw_dir: Path, reference_dir: Path, periods: list[str] | None) -> str:
    """sha256 over every file of the periods' folders (all of them with ``periods=None``), every
    reference file and the reader's code — paths and contents."""
    digest = hashlib.sha256()
    folders = ([raw_dir / p for p in periods] if periods
               else sorted(p for p in raw_dir.iterdir() if p.is_dir()) if raw_dir.is_dir() else [])
    for folder in folders:
        digest.update(b"raw\0")
        if folder.is_dir():
            _digest_tree(digest, raw_dir, sorted(p for p in folder.rglob("*") if p.is_file()))
    # loose files at the top of the drop zone are listed as ignored by the ingest
    if raw_dir.is_dir():
        digest.update(b"loose\0")
        _digest_tree(digest, raw_dir, sorted(p for p in raw_dir.iterdir() if p.is_file()))
    if reference_dir.is_dir():
        digest.update(b"reference\0")
        _digest_tree(digest, reference_dir,
                     sorted(p for p in reference_dir.rglob("*") if p.is_file()))
    digest.update(b"reader\0" + reader_fingerprint().encode())
    return digest.hexdigest()


@functools.cache
def reader_fingerprint() -> str:
    """sha256 over the reader's code (:data:`READER_PATHS`, paths and contents): the version of
    the reader a return was read by (``raw.submissions.reader_version``). Read once a process."""
    digest = hashlib.sha256()
    for entry in READER_PATHS:
        base = paths.PACKAGE_DIR / entry
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        _digest_tree(digest, paths.PACKAGE_DIR,
                     [p for p in files if p.is_file() and p.suffix in (".py", ".yaml", ".yml")])
    return digest.hexdigest()


def periods_key(periods: list[str] | None) -> str:
    return ",".join(sorted(periods)) if periods else "*"


@dataclass(frozen=True)
class LastIngest:
    ok: bool
    quarantined: list[str]
    ingested_at: object


def unchanged(working: Path, periods: list[str] | None, current: str) -> LastIngest | None:
    """The last completed ingest of these periods if it read exactly ``current`` (else None)."""
    if not working.exists():
        return None
    con = duck.connect(str(working), read_only=True)
    try:
        row = con.execute(
            "SELECT fingerprint, ok, quarantined_json, ingested_at FROM meta.ingest_inputs "
            "WHERE periods = ?", [periods_key(periods)]).fetchone()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    if row is None or row[0] != current:
        return None
    return LastIngest(bool(row[1]), json.loads(row[2] or "[]"), row[3])


def record(con: duckdb.DuckDBPyConnection, periods: list[str] | None, current: str, *,
           ok: bool, quarantined: list[str]) -> None:
    """Record what a completed ingest read (on its own writer connection)."""
    con.execute(DDL)
    con.execute("INSERT OR REPLACE INTO meta.ingest_inputs VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
                [periods_key(periods), current, ok, json.dumps(quarantined, ensure_ascii=False)])
