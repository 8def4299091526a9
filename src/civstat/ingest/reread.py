"""Loaded returns read again by a newer reader (``civstat ingest --reread``).

An ingest reads a file once: the next one skips a file whose path and bytes the raw layer holds.
When civstat's reader changes (a unit it now tells from the header, a label it now knows), the
returns loaded before keep what the older reader made of them. So every submission records the
reader that read it (``raw.submissions.reader_version``:
:func:`~civstat.ingest.inputs.reader_fingerprint`); an ingest counts the loaded returns of its
folders that another reader read and says so (:func:`stale_line`), and with ``reread`` it reads
them again:

* the same cover, rows and findings: only ``reader_version`` is updated;
* anything different: the submission's rows, findings and cover are replaced in the load's
  transaction (:attr:`~civstat.ingest.store.Load.replaces`; ``ingested_at`` is the reread's, so
  the gate and the incremental build see the quarter changed), and every difference is listed;
* refused by the newer reader: its rows leave the raw layer and the file is quarantined like any
  refused file (edit rule H12 then says its township sent a return that was refused).

Every reread is kept in ``raw.rereads``: what was read before (reader, time), the outcome and the
differences, one a line. The submission keeps its id, so withdrawals and moves still name it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

import polars as pl

from civstat.contract import load_contract
from civstat.ingest.inputs import reader_fingerprint
from civstat.ingest.store import (
    Load,
    block_frame,
    delete_submissions,
    frame_schema,
    refresh_current,
)
from civstat.raw_schema import COVER_FIELDS, LINEAGE_COLUMNS, has_table, sheet_columns

# the lineage of a row that a reread may change (the rest is the file's, or the key)
_KEY = ("source_sheet", "source_row")
_LINEAGE = {name for name, _, _ in LINEAGE_COLUMNS}
# raw.submissions' columns a reread compares, with the words a statistician reads
_SUBMISSION_WORDS = {"division_code": "区划代码", "period": "报告期", "submitted_at": "提交时间",
                     "sheets_found": "读取的工作表"}
MAX_DETAIL = 50  # lines of differences kept per return (the count is whole)


@dataclass(frozen=True)
class Loaded:
    """A loaded return as the raw layer holds it: what a reread compares with and records."""

    submission_id: str
    division_code: str
    period: str
    reader_version: str | None
    ingested_at: dt.datetime


def stale(con) -> dict[tuple[str, str], Loaded]:
    """(file_path, sha) → the loaded returns another reader than this one read (every return,
    current or superseded, withdrawn ones aside: a withdrawn return feeds no figure)."""
    if not has_table(con, "submissions"):
        return {}
    from civstat.raw_schema import open_withdrawals

    rows = con.execute(
        "SELECT file_path, file_sha256, submission_id, division_code, period, reader_version, "
        "ingested_at FROM raw.submissions WHERE reader_version IS DISTINCT FROM ? "
        f"AND submission_id NOT IN (SELECT submission_id FROM ({open_withdrawals(con)}))",
        [reader_fingerprint()]).fetchall()
    return {(path, sha): Loaded(*rest) for path, sha, *rest in rows}


def stale_line(stale_files: list[tuple[str, Loaded]]) -> str | None:
    """One line saying that loaded returns (of the folders read) were read by an older reader."""
    if not stale_files:
        return None
    periods = sorted({loaded.period for _, loaded in stale_files},
                     key=lambda p: (int(p[:4]), p[5:]))
    span = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
    n = len(stale_files)
    return (f"{n} 份已读取的报表({span})是旧版读取程序读取的,现在读取可能得到不同的数字:运行 "
            f"civstat ingest --reread 重新读取(有变化的逐项列出,并留存于 raw.rereads) / {n} loaded "
            f"returns ({span}) were read by an older reader and may read differently now: run "
            "`civstat ingest --reread` (differences are listed and kept in raw.rereads)")


def stale_in_drop_zone(con, raw, periods: list[str] | None) -> str | None:
    """:func:`stale_line` of the loaded returns whose file (by name) is in the drop zone's
    folders ``periods`` (all with None): for a run that read nothing."""
    from civstat.ingest.discover import scan

    present = {unit.rel for unit in scan(raw, periods).units}
    return stale_line([(path, loaded) for (path, _), loaded in stale(con).items()
                       if path in present])


@dataclass
class Reread:
    """The outcome of reading one loaded return again."""

    file: str
    loaded: Loaded
    outcome: str                 # unchanged | changed | refused
    lines: list[str]             # the differences (or the refusal), one a line
    changes: int = 0

    @property
    def line(self) -> str:
        """One line for the ingest's output."""
        what = {"unchanged": "结果相同 / same", "refused": "现在被拒收 / now refused",
                "changed": f"{self.changes} 处不同 / {self.changes} differences"}[self.outcome]
        first = f":{self.lines[0]}" if self.lines else ""
        more = f" 等(共 {len(self.lines)} 行,见 raw.rereads)" if len(self.lines) > 1 else ""
        return f"{self.file}({self.loaded.period}):{what}{first}{more}"


def compare(con, loads: list[Load], before: dict[str, Loaded]) -> list[Reread]:
    """Each reread load (:attr:`Load.replaces`) against the rows it would replace: the loads
    whose cover, rows or findings differ keep ``replaces``; the others become ``unchanged``
    rereads and are taken out of ``loads`` (the caller writes only what changed)."""
    ids = [load.replaces for load in loads if load.replaces]
    if not ids:
        return []
    by_sid = {load.replaces: load for load in loads if load.replaces}
    lines: dict[str, list[str]] = {sid: [] for sid in ids}
    _compare_submissions(con, ids, by_sid, lines)
    for sheet in load_contract().sheets:
        _compare_rows(con, sheet, ids, by_sid, lines)
    _compare_findings(con, ids, by_sid, lines)
    out = []
    for sid in ids:
        load = by_sid[sid]
        if lines[sid]:
            out.append(Reread(load.file, before[sid], "changed", lines[sid][:MAX_DETAIL],
                              len(lines[sid])))
        else:
            out.append(Reread(load.file, before[sid], "unchanged", []))
            loads.remove(load)
    return out


def _text(value) -> str:
    if value is None:
        return "(空)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _compare_submissions(con, ids, by_sid, lines) -> None:
    words = {**_SUBMISSION_WORDS,
             **{column: f.header for column, field in COVER_FIELDS.items()
                for f in load_contract().cover_fields if f.name == field}}
    cur = con.execute(f"SELECT submission_id, {', '.join(words)} FROM raw.submissions "
                      "WHERE submission_id IN (SELECT unnest(?))", [ids])
    for sid, *values in cur.fetchall():
        new = by_sid[sid].submission
        for (column, word), old in zip(words.items(), values, strict=True):
            value = new.get(column)
            if column == "submitted_at" or column == "fill_date":
                old, value = (str(old)[:19] if old else None), (str(value)[:19] if value else None)
            if old != value:
                lines[sid].append(f"封面 {word}:{_text(old)} → {_text(value)}")


def _compare_rows(con, sheet, ids, by_sid, lines) -> None:
    schema = frame_schema(sheet_columns(sheet))
    data = [n for n in schema if n not in _LINEAGE and n not in ("category", "is_total")]
    keep = ["submission_id", *_KEY, *(c for c in ("category", "is_total") if c in schema), *data]
    columns = ", ".join(f'"{c}"' for c in keep)
    old = con.sql(f"SELECT {columns} FROM raw.{sheet.table} "
                  "WHERE submission_id IN (SELECT unnest(?))", params=[ids]).pl()
    blocks = [b for sid in ids for b in by_sid[sid].blocks.get(sheet.table, ())]
    new = block_frame(schema, blocks).select(keep) if blocks else pl.DataFrame(
        schema={n: schema[n] for n in keep})
    if old.is_empty() and new.is_empty():
        return
    old = old.cast({n: schema[n] for n in keep})
    both = old.join(new, on=["submission_id", *_KEY], how="full", suffix="_new", coalesce=False,
                    nulls_equal=True)
    headers = {c.name: c.header for c in sheet.columns}
    for c in sheet.columns:
        if c.period_units:  # 保障标准's unit as reported, and how it was decided
            headers[f"{c.name}_period"] = f"{c.header}(按月/按年)"
            headers[f"{c.name}_unit_source"] = f"{c.header}(单位依据)"
    for row in both.iter_rows(named=True):
        sid = row["submission_id"] or row["submission_id_new"]
        sheet_name, r = (row["source_sheet"], row["source_row"]) if row["submission_id"] else (
            row["source_sheet_new"], row["source_row_new"])
        where = f"{sheet_name} 第{r}行"
        if row["submission_id"] is None:
            lines[sid].append(f"{where}:新读取的一行 / a row read now, not before")
        elif row["submission_id_new"] is None:
            lines[sid].append(f"{where}:现在不再读取这一行 / a row no longer read")
        else:
            lines[sid] += [f"{where} {headers.get(name, name)}:{_text(row[name])} → "
                           f"{_text(row[name + '_new'])}"
                           for name in keep[3:] if _differ(row[name], row[name + "_new"])]


def _differ(a, b) -> bool:
    both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return a != b and not both_nan


def _compare_findings(con, ids, by_sid, lines) -> None:
    old: dict[str, Counter] = {sid: Counter() for sid in ids}
    for sid, *key in con.execute(
            'SELECT submission_id, code, sheet, "row", "column", message_zh FROM raw.findings '
            "WHERE submission_id IN (SELECT unnest(?))", [ids]).fetchall():
        old[sid][tuple(key)] += 1
    for sid in ids:
        new = Counter((f["code"], f["sheet"], f["row"], f["column"], f["message_zh"])
                      for f in by_sid[sid].findings)
        for key in sorted((new - old[sid]).elements(), key=str):
            lines[sid].append(f"新的提示 / new finding:{key[4]}")
        for key in sorted((old[sid] - new).elements(), key=str):
            lines[sid].append(f"不再提示 / finding gone:{key[4]}")


def refused(reread_of: Loaded, file: str, message: str) -> Reread:
    return Reread(file, reread_of, "refused", [message], 1)


def record(con, rereads: list[Reread], shas: dict[str, str], now: dt.datetime) -> None:
    """Write the rereads to ``raw.rereads``; unchanged ones get this reader's version, refused
    ones leave the raw layer (in one transaction)."""
    if not rereads:
        return
    version = reader_fingerprint()
    con.execute("BEGIN TRANSACTION")
    try:
        delete_submissions(con, [r.loaded.submission_id for r in rereads
                                 if r.outcome == "refused"])
        con.execute("UPDATE raw.submissions SET reader_version = ? "
                    "WHERE submission_id IN (SELECT unnest(?))",
                    [version, [r.loaded.submission_id for r in rereads
                               if r.outcome == "unchanged"]])
        if any(r.outcome == "refused" for r in rereads):
            refresh_current(con)  # its township's earlier return of the quarter, or none
        con.executemany(
            "INSERT INTO raw.rereads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.loaded.submission_id, r.file, shas[r.file], r.loaded.division_code,
              r.loaded.period, r.loaded.reader_version, version, r.loaded.ingested_at,
              r.outcome, r.changes, "\n".join(r.lines) or None, now) for r in rereads])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
