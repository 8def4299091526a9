"""Township returns from the drop zone (``data/raw/<YYYY>Q<q>/``) into the raw layer.

``ingest`` reads every return, resolves the township against ``ref.divisions``, writes typed
rows with lineage into ``raw.*`` (one transaction per file), keeps every submission on record
(the newest per township and quarter is current), and quarantines what it must refuse —
copying the file with a reason beside it; raw files are never modified, moved or deleted.
Re-running on the same files changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from civstat import paths
from civstat.contract import load_contract
from civstat.ingest.normalize import norm, parse_period
from civstat.ingest.reader import (
    WORKBOOK_SUFFIXES,
    ParsedReturn,
    Refusal,
    file_sha256,
    fill_date_time,
    read_return,
)
from civstat.ingest.reference import RefResult, load_reference
from civstat.raw_schema import create_raw_schema, sheet_columns

__all__ = ["IngestResult", "Item", "ingest", "load_reference", "read_return", "Refusal", "RefResult"]

QUARTER_FOLDER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass
class Item:
    file: str
    division_code: str | None = None
    period: str | None = None
    reason_code: str | None = None
    message_zh: str | None = None
    message_en: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass
class IngestResult:
    loaded: list[Item] = field(default_factory=list)
    resubmitted: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    quarantined: list[Item] = field(default_factory=list)
    reference: RefResult | None = None

    @property
    def ok(self) -> bool:
        return not self.quarantined


def discover(folder: Path) -> list[Path | list[Path]]:
    """Workbooks and CSV groups (``<stem>__<sheet>.csv``) of one drop-zone folder."""
    units: list[Path | list[Path]] = []
    groups: dict[str, list[Path]] = defaultdict(list)
    for f in sorted(folder.iterdir()):
        if not f.is_file() or f.name.startswith((".", "~$")):
            continue
        if f.suffix.lower() == ".csv" and "__" in f.stem:
            groups[f.stem.split("__", 1)[0]].append(f)
        else:
            units.append(f)
    units.extend(groups[k] for k in sorted(groups))
    return units


class Divisions:
    """Match a cover to a division: 12-digit code, 9-digit code, then name or short name."""

    def __init__(self, con):
        rows = con.execute(
            "SELECT division_code, name, short_name, level, valid_from, valid_to, successor_code "
            "FROM ref.divisions"
        ).fetchall()
        self.by_code = {r[0]: r for r in rows}
        self.by_name: dict[str, tuple] = {}
        for r in rows:
            if r[3] != "township":
                continue
            for n in (r[1], r[2]):
                if n:
                    self.by_name.setdefault(norm(n), r)

    def resolve(self, cover: dict) -> str | None:
        code = norm(cover.get("division_code") or "")
        if re.fullmatch(r"\d{12}", code) and code in self.by_code:
            return code
        if re.fullmatch(r"\d{9}", code) and code + "000" in self.by_code:
            return code + "000"
        name = norm(cover.get("unit_name") or "")
        hit = self.by_name.get(name)
        return hit[0] if hit else None


def _relative(path: Path, raw_dir: Path) -> str:
    try:
        return str(path.relative_to(raw_dir))
    except ValueError:
        return str(path)


def _unit_path(unit: Path | list[Path]) -> tuple[list[Path], str]:
    files = unit if isinstance(unit, list) else [unit]
    label = (files[0].with_name(files[0].stem.split("__", 1)[0]) if isinstance(unit, list)
             else files[0])
    return files, str(label)


def _quarantine(con, item: Item, files: list[Path], sha: str, folder: str, qdir: Path) -> None:
    now = dt.datetime.now()
    target = qdir / folder
    target.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, target / f.name)
    reason = target / (Path(item.file).name + ".reason.txt")
    reason.write_text(f"{item.file}\n{item.message_zh}\n{item.message_en}\n", encoding="utf-8")
    con.execute(
        "INSERT OR REPLACE INTO raw.quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [item.file, sha, folder, item.sheet, item.row, item.column, item.reason_code,
         item.message_zh, item.message_en, now, str(target)],
    )


def _refusal_item(rel: str, exc: Refusal) -> Item:
    where = exc.where_zh()
    return Item(file=rel, reason_code=exc.code, sheet=exc.sheet, row=exc.row, column=exc.column,
                message_zh=f"{rel} {where}:{exc.zh}".replace(" :", ":"),
                message_en=f"{rel} {exc.sheet or ''} row {exc.row or '-'} "
                           f"[{exc.column or '-'}]: {exc.en}")


def _write_rows(con, parsed: ParsedReturn, lineage: dict) -> None:
    contract = load_contract()
    for sheet in contract.sheets:
        block = parsed.sheets.get(sheet.family)
        if not block or not block.rows:
            continue
        cols = sheet_columns(sheet)
        records = []
        for row in block.rows:
            rec = {**lineage, "source_sheet": block.sheet_name, **row}
            records.append({name: rec.get(name) for name, _ in cols})
        schema = {}
        for name, ddl in cols:
            t = ddl.split()[0]
            schema[name] = {"BIGINT": pl.Int64, "INTEGER": pl.Int32, "DOUBLE": pl.Float64,
                            "DATE": pl.Date, "TIMESTAMP": pl.Datetime("us"),
                            "BOOLEAN": pl.Boolean}.get(t, pl.Utf8)
        frame = pl.DataFrame(records, schema=schema, orient="row")
        con.register("incoming", frame)
        con.execute(f"INSERT INTO raw.{sheet.table} BY NAME SELECT * FROM incoming")
        con.unregister("incoming")


def _refresh_current(con, division_code: str, period: str) -> None:
    con.execute(
        """
        UPDATE raw.submissions s SET is_current = r.rn = 1,
               superseded_by = CASE WHEN r.rn = 1 THEN NULL ELSE r.newest END
        FROM (
            SELECT submission_id,
                   row_number() OVER w AS rn,
                   first_value(submission_id) OVER w AS newest
            FROM raw.submissions WHERE division_code = ? AND period = ?
            WINDOW w AS (ORDER BY submitted_at DESC, file_mtime DESC, file_path DESC)
        ) r
        WHERE s.submission_id = r.submission_id
        """,
        [division_code, period],
    )


def _ingest_unit(con, unit, folder: Path, raw_dir: Path, divisions: Divisions, qdir: Path,
                 result: IngestResult) -> None:
    files, label = _unit_path(unit)
    rel = _relative(Path(label), raw_dir)
    sha = file_sha256(files)
    known = con.execute(
        "SELECT 1 FROM raw.submissions WHERE file_sha256 = ? "
        "UNION ALL SELECT 1 FROM raw.quarantine WHERE file_sha256 = ? AND file_path = ?",
        [sha, sha, rel],
    ).fetchone()
    if known:
        result.skipped.append(Item(file=rel))
        return
    m = QUARTER_FOLDER.match(folder.name)
    folder_period = folder.name
    con.execute("BEGIN TRANSACTION")
    try:
        try:
            parsed = read_return(files if isinstance(unit, list) else files[0])
            period = parse_period(parsed.cover.get("period_text") or "")
            if period is None:
                period = (int(m[1]), int(m[2]))
            year, quarter = period
            if f"{year}Q{quarter}" != folder_period:
                raise Refusal("period_mismatch",
                              f"报告期 {parsed.cover.get('period_text')} 与文件夹 {folder_period} 不一致",
                              f"period {parsed.cover.get('period_text')} disagrees with folder "
                              f"{folder_period}", sheet="封面", column="报告期")
            code = divisions.resolve(parsed.cover)
            if code is None:
                raise Refusal("unknown_township",
                              f"未知乡镇:填报单位 {parsed.cover.get('unit_name')!r},"
                              f"区划代码 {parsed.cover.get('division_code')!r}",
                              f"unknown township {parsed.cover.get('unit_name')!r} "
                              f"(code {parsed.cover.get('division_code')!r})",
                              sheet="封面", column="填报单位")
        except Refusal as exc:
            item = _refusal_item(rel, exc)
            _quarantine(con, item, files, sha, folder_period, qdir)
            con.execute("COMMIT")
            result.quarantined.append(item)
            return
        period_key = f"{year}Q{quarter}"
        mtime = dt.datetime.fromtimestamp(max(f.stat().st_mtime for f in files))
        submitted = fill_date_time(parsed.cover) or mtime
        sid = sha[:16]
        had_current = con.execute(
            "SELECT count(*) FROM raw.submissions WHERE division_code = ? AND period = ?",
            [code, period_key],
        ).fetchone()[0]
        c = parsed.cover
        con.execute(
            "INSERT INTO raw.submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?)",
            [sid, rel, sha, parsed.file_format, folder_period, period_key, year, quarter, code,
             c.get("division_code"), c.get("unit_name"), c.get("pop_total"), c.get("pop_urban"),
             c.get("pop_rural"), c.get("pop_60plus"), c.get("filled_by"), c.get("reviewed_by"),
             c.get("phone"), c.get("fill_date"), mtime, submitted, dt.datetime.now(),
             sorted(b.sheet_name for b in parsed.sheets.values()), True, None],
        )
        lineage = {"submission_id": sid, "division_code": code, "period": period_key,
                   "year": year, "quarter": quarter, "source_file": rel, "file_sha256": sha,
                   "submitted_at": submitted}
        _write_rows(con, parsed, lineage)
        _refresh_current(con, code, period_key)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    item = Item(file=rel, division_code=code, period=period_key)
    (result.resubmitted if had_current else result.loaded).append(item)


def ingest(con, raw_dir, reference_dir, *, periods=None, quarantine_dir=None,
           progress: bool = False) -> IngestResult:
    """Read the drop zone (all ``YYYYQq`` folders, or only ``periods``) into the raw layer."""
    raw_dir = Path(raw_dir).resolve()
    qdir = Path(quarantine_dir) if quarantine_dir else paths.quarantine_dir()
    create_raw_schema(con)
    result = IngestResult(reference=load_reference(Path(reference_dir), con))
    divisions = Divisions(con)
    folders = sorted(p for p in raw_dir.iterdir() if p.is_dir() and QUARTER_FOLDER.match(p.name)) \
        if raw_dir.is_dir() else []
    if periods:
        folders = [f for f in folders if f.name in set(periods)]
    work = [(folder, unit) for folder in folders for unit in discover(folder)]
    if progress and len(work) > 20:
        from rich.progress import track

        iterator = track(work, description="读取季报 / reading returns")
    else:
        iterator = work
    for folder, unit in iterator:
        _ingest_unit(con, unit, folder, raw_dir, divisions, qdir, result)
    return result


def is_workbook_name(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES or path.suffix.lower() == ".csv"
