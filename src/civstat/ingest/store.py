"""Writing one ingest run into ``raw.*``: loads (with their findings), quarantine rows and
their resolution.

Loads go in one transaction (fast); if it fails, it is rolled back and every return is written
in its own transaction, so only the return the database refuses is quarantined, with the
database's error in its message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from civstat.contract import load_contract
from civstat.raw_schema import (
    FINDINGS_COLUMNS,
    OPEN_WITHDRAWALS,
    QUARANTINE_DIVISION_COLUMNS,
    sheet_columns,
)

QUARANTINE_COLUMNS = ("file_path", "file_sha256", "folder_period", "sheet", "row", "column",
                      "reason_code", "message_zh", "message_en", "quarantined_at", "quarantine_copy",
                      *(name for name, _, _ in QUARANTINE_DIVISION_COLUMNS))


@dataclass
class Block:
    """The rows of one sheet of one return, and the lineage every one of them carries
    (submission, township, period, file, sheet …), held once instead of copied into each row."""

    lineage: dict
    rows: list[dict]


@dataclass
class Load:
    """One return ready to write: its ``raw.submissions`` row (column → value), its sheets' rows
    per raw table and its ``raw.findings`` rows (written in the same transaction). ``replaces``:
    a return read again (:mod:`civstat.ingest.reread`) — the rows it was loaded with are deleted
    in that transaction."""

    file: str
    sha: str
    submission: dict
    blocks: dict[str, list[Block]] = field(default_factory=lambda: defaultdict(list))
    findings: list[dict] = field(default_factory=list)
    replaces: str | None = None


def _polars_type(ddl: str):
    base = ddl.split()[0]
    if base.endswith("[]"):
        return pl.List(_polars_type(base[:-2]))
    return {"BIGINT": pl.Int64, "INTEGER": pl.Int32, "DOUBLE": pl.Float64, "DATE": pl.Date,
            "TIMESTAMP": pl.Datetime("us"), "BOOLEAN": pl.Boolean}.get(base, pl.Utf8)


def _frame(schema: dict, records: list[dict]) -> pl.DataFrame:
    """The records as a frame of the table's columns, built column by column (a value of the
    wrong type: row by row, as polars words it)."""
    data = {n: [r.get(n) for r in records] for n in schema}
    try:
        if all(_plain_times(data[n], t) for n, t in schema.items()):
            return pl.DataFrame(data, schema=schema)
    except Exception:  # noqa: BLE001, S110 — the row-wise build raises the error to report
        pass
    return pl.DataFrame([{n: r.get(n) for n in schema} for r in records], schema=schema,
                        orient="row")


def _plain_times(values: list, dtype) -> bool:
    """Dates in a DATE column and datetimes in a TIMESTAMP one (the column-wise build would
    convert one into the other, where the row-wise one refuses)."""
    if dtype == pl.Date:
        return all(v is None or v.__class__ is dt.date for v in values)
    if dtype == pl.Datetime("us"):
        return all(v is None or v.__class__ is dt.datetime for v in values)
    return True


def frame_schema(columns: list[tuple[str, str]]) -> dict:
    return {name: _polars_type(ddl) for name, ddl in columns}


def block_frame(schema: dict, blocks: list[Block]) -> pl.DataFrame:
    """The blocks' rows as one frame: the data columns from the rows, the lineage columns
    from each block's lineage repeated over its rows."""
    if not any(b.rows for b in blocks):
        return pl.DataFrame(schema=schema)
    shared = [n for n in schema if n in blocks[0].lineage]  # every block has the same keys
    lineage = _frame({n: schema[n] for n in shared}, [b.lineage for b in blocks])
    rows = [r for b in blocks for r in b.rows]
    data = _frame({n: t for n, t in schema.items() if n not in lineage.columns}, rows)
    owner = pl.Series(np.repeat(np.arange(len(blocks)), [len(b.rows) for b in blocks]))
    return pl.concat([lineage.select(pl.all().gather(owner)), data],
                     how="horizontal").select(list(schema))


def _insert(con, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    con.register("incoming", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        # after a failed INSERT the transaction is aborted and unregister raises too: the
        # INSERT's error is the one to report (a later register replaces the view anyway)
        with contextlib.suppress(duckdb.Error):
            con.unregister("incoming")


def _transaction(con, loads: list[Load]) -> None:
    contract = load_contract()
    con.execute("BEGIN TRANSACTION")
    try:
        delete_submissions(con, [load.replaces for load in loads if load.replaces])
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = 'submissions' ORDER BY ordinal_position"
        ).fetchall()
        _insert(con, "raw.submissions", _frame(
            frame_schema([c for c in columns if c[0] in loads[0].submission]),
            [load.submission for load in loads]))
        for sheet in contract.sheets:
            _insert(con, f"raw.{sheet.table}", block_frame(
                frame_schema(sheet_columns(sheet)),
                [b for load in loads for b in load.blocks.get(sheet.table, ())]))
        _insert(con, "raw.findings", _frame(frame_schema(FINDINGS_COLUMNS),
                                            [f for load in loads for f in load.findings]))
        refresh_current(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def delete_submissions(con, ids: list[str]) -> None:
    """Remove submissions with their rows in every raw table and their findings (inside the
    caller's transaction): a return read again is written anew, or refused."""
    if not ids:
        return
    for sheet in load_contract().sheets:
        con.execute(f"DELETE FROM raw.{sheet.table} WHERE submission_id IN (SELECT unnest(?))",
                    [ids])
    for table in ("findings", "submissions"):
        con.execute(f"DELETE FROM raw.{table} WHERE submission_id IN (SELECT unnest(?))", [ids])


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def write_loads(con, loads: list[Load]) -> list[tuple[Load, str]]:
    """Write every return; returns the ones the database refused, with its error (one line)."""
    if not loads:
        return []
    try:
        _transaction(con, loads)
    except Exception:  # noqa: BLE001 — any failure: fall back to one transaction per file
        return _write_one_by_one(con, loads)
    return []


def _write_one_by_one(con, loads: list[Load]) -> list[tuple[Load, str]]:
    failed = []
    for load in loads:
        try:
            _transaction(con, [load])
        except Exception as exc:  # noqa: BLE001 — that file alone is refused
            failed.append((load, _one_line(exc)))
    return failed


def refresh_current(con) -> None:
    """Newest return per (township, quarter) is current; earlier ones point at it. Newest is
    the latest day sent (its 填报日期, else its file's date), then, of one day, the latest file
    time: a 填报日期 states a day, no hour, so a correction dated 10月9日 is newer than the
    return without a 填报日期 whose file was saved at 10:00 that day, when its own file is
    later. A withdrawn return (raw.withdrawals, not restored) is never current and points at
    nothing: the newest of the others is current, or none is. Returns sent at the same time
    (no 填报日期, the same file time) are told apart by their content (submission id), never by
    their file's name, which a move or rename changes."""
    con.execute(
        f"""
        UPDATE raw.submissions s SET is_current = r.rn = 1 AND NOT r.withdrawn,
               superseded_by = CASE WHEN r.rn = 1 OR r.withdrawn THEN NULL ELSE r.newest END
        FROM (
            SELECT submission_id, withdrawn,
                   row_number() OVER w AS rn,
                   first_value(submission_id) OVER w AS newest
            FROM (SELECT *, submission_id IN (SELECT submission_id FROM ({OPEN_WITHDRAWALS}))
                              AS withdrawn
                  FROM raw.submissions)
            WINDOW w AS (PARTITION BY division_code, period
                         ORDER BY withdrawn, CAST(submitted_at AS DATE) DESC, file_mtime DESC,
                                  submission_id DESC)
        ) r
        WHERE s.submission_id = r.submission_id
          AND (s.is_current IS DISTINCT FROM (r.rn = 1 AND NOT r.withdrawn)
               OR s.superseded_by IS DISTINCT FROM
                  CASE WHEN r.rn = 1 OR r.withdrawn THEN NULL ELSE r.newest END)
        """
    )


def write_quarantine(con, rows: list[list]) -> None:
    """Record refusals; a file refused again keeps its first ``quarantined_at`` and is reopened."""
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in QUARANTINE_COLUMNS)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in QUARANTINE_COLUMNS
                        if c not in ("file_path", "file_sha256", "quarantined_at"))
    con.executemany(
        f"INSERT INTO raw.quarantine ({cols}) VALUES ({', '.join('?' * len(QUARANTINE_COLUMNS))}) "
        f"ON CONFLICT (file_path, file_sha256) DO UPDATE SET {updates}, "
        "resolved_at = NULL, resolution = NULL",
        rows)


def open_quarantine(con) -> list[tuple]:
    """Unresolved refusals: (file_path, sha, folder, sheet, row, column, reason, zh, en)."""
    return con.execute(
        'SELECT file_path, file_sha256, folder_period, sheet, "row", "column", reason_code, '
        "message_zh, message_en FROM raw.quarantine WHERE resolved_at IS NULL ORDER BY file_path"
    ).fetchall()


def resolve_quarantine(con, resolutions: list[tuple[str, str, str]]) -> None:
    """Close refusals: ``(file_path, sha, resolution)`` — loaded / replaced / withdrawn."""
    if resolutions:
        now = dt.datetime.now()
        con.executemany(
            "UPDATE raw.quarantine SET resolved_at = ?, resolution = ? "
            "WHERE file_path = ? AND file_sha256 = ? AND resolved_at IS NULL",
            [(now, res, path, sha) for path, sha, res in resolutions])
