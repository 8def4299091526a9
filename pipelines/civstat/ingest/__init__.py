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
    ParsedReturn,
    Refusal,
    file_sha256,
    fill_date_time,
    read_return,
)
from civstat.ingest.reference import RefResult, load_reference
from civstat.raw_schema import create_raw_schema, sheet_columns

__all__ = ["IngestResult", "Item", "ParsedReturn", "RefResult", "Refusal", "ingest", "load_reference",
           "read_return"]

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


def _refusal_item(rel: str, exc: Refusal) -> Item:
    where = exc.where_zh()
    return Item(file=rel, reason_code=exc.code, sheet=exc.sheet, row=exc.row, column=exc.column,
                message_zh=f"{rel} {where}:{exc.zh}".replace(" :", ":"),
                message_en=f"{rel} {exc.sheet or ''} row {exc.row or '-'} "
                           f"[{exc.column or '-'}]: {exc.en}")


@dataclass
class _Batch:
    """Everything one ingest run writes, inserted table by table in one transaction."""

    submissions: list[list] = field(default_factory=list)
    quarantine: list[list] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))


def _polars_type(ddl: str):
    base = ddl.split()[0]
    if base.endswith("[]"):
        return pl.List(_polars_type(base[:-2]))
    return {"BIGINT": pl.Int64, "INTEGER": pl.Int32, "DOUBLE": pl.Float64, "DATE": pl.Date,
            "TIMESTAMP": pl.Datetime("us"), "BOOLEAN": pl.Boolean}.get(base, pl.Utf8)


def _insert(con, table: str, columns: list[tuple[str, str]], records: list[dict]) -> None:
    if not records:
        return
    schema = {name: _polars_type(ddl) for name, ddl in columns}
    frame = pl.DataFrame([{n: r.get(n) for n in schema} for r in records], schema=schema,
                         orient="row")
    con.register("incoming", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        con.unregister("incoming")


def _write(con, batch: _Batch) -> None:
    contract = load_contract()
    con.execute("BEGIN TRANSACTION")
    try:
        if batch.quarantine:
            con.executemany(
                "INSERT OR REPLACE INTO raw.quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch.quarantine)
        if batch.submissions:
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'raw' AND table_name = 'submissions' ORDER BY ordinal_position"
            ).fetchall()
            _insert(con, "raw.submissions", columns,
                    [dict(zip((c for c, _ in columns), row, strict=True)) for row in batch.submissions])
        for sheet in contract.sheets:
            _insert(con, f"raw.{sheet.table}", sheet_columns(sheet), batch.rows[sheet.table])
        if batch.submissions:
            _refresh_current(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _refresh_current(con) -> None:
    """Newest return per (township, quarter) is current; earlier ones point at it."""
    con.execute(
        """
        UPDATE raw.submissions s SET is_current = r.rn = 1,
               superseded_by = CASE WHEN r.rn = 1 THEN NULL ELSE r.newest END
        FROM (
            SELECT submission_id,
                   row_number() OVER w AS rn,
                   first_value(submission_id) OVER w AS newest
            FROM raw.submissions
            WINDOW w AS (PARTITION BY division_code, period
                         ORDER BY submitted_at DESC, file_mtime DESC, file_path DESC)
        ) r
        WHERE s.submission_id = r.submission_id
          AND (s.is_current IS DISTINCT FROM (r.rn = 1)
               OR s.superseded_by IS DISTINCT FROM CASE WHEN r.rn = 1 THEN NULL ELSE r.newest END)
        """
    )


def _parse_unit(job: tuple) -> tuple:
    """Worker: parse one return (pure; runs in a process pool for large batches)."""
    unit, folder_name = job
    files = unit if isinstance(unit, list) else [unit]
    try:
        parsed = read_return(files if isinstance(unit, list) else files[0])
        period = parse_period(parsed.cover.get("period_text") or "")
        if period is None:
            m = QUARTER_FOLDER.match(folder_name)
            period = (int(m[1]), int(m[2]))
        if f"{period[0]}Q{period[1]}" != folder_name:
            raise Refusal("period_mismatch",
                          f"报告期 {parsed.cover.get('period_text')} 与文件夹 {folder_name} 不一致",
                          f"period {parsed.cover.get('period_text')} disagrees with folder "
                          f"{folder_name}", sheet="封面", column="报告期")
        mtime = max(f.stat().st_mtime for f in files)
        return "ok", parsed, period, mtime
    except Refusal as exc:
        return "refused", exc, None, None


def _quarantine_row(item: Item, files: list[Path], sha: str, folder: str, qdir: Path) -> list:
    target = qdir / folder
    target.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, target / f.name)
    (target / (Path(item.file).name + ".reason.txt")).write_text(
        f"{item.file}\n{item.message_zh}\n{item.message_en}\n", encoding="utf-8")
    return [item.file, sha, folder, item.sheet, item.row, item.column, item.reason_code,
            item.message_zh, item.message_en, dt.datetime.now(), str(target)]


def ingest(con, raw_dir, reference_dir, *, periods=None, quarantine_dir=None,
           progress: bool = False, workers: int | None = None) -> IngestResult:
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

    known = {r[0] for r in con.execute("SELECT file_sha256 FROM raw.submissions").fetchall()}
    known_q = {tuple(r) for r in con.execute("SELECT file_path, file_sha256 FROM raw.quarantine").fetchall()}
    todo = []
    for folder in folders:
        for unit in discover(folder):
            files, label = _unit_path(unit)
            rel, sha = _relative(Path(label), raw_dir), file_sha256(files)
            if sha in known or (rel, sha) in known_q:
                result.skipped.append(Item(file=rel))
            else:
                todo.append((unit, folder.name, files, rel, sha))

    jobs = [(unit, folder) for unit, folder, *_ in todo]
    workers = workers if workers is not None else (2 if len(jobs) > 100 else 1)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers)
        outcomes = pool.map(_parse_unit, jobs, chunksize=16)
    else:
        pool, outcomes = None, map(_parse_unit, jobs)
    if progress and len(jobs) > 20:
        from rich.progress import track

        outcomes = track(outcomes, total=len(jobs), description="读取季报 / reading returns")

    batch, seen_current = _Batch(), set()
    existing = {tuple(r) for r in con.execute(
        "SELECT DISTINCT division_code, period FROM raw.submissions").fetchall()}
    now = dt.datetime.now()
    try:
        for (unit, folder, files, rel, sha), (status, payload, period, mtime) in zip(todo, outcomes,
                                                                                      strict=True):
            if status == "ok":
                code = divisions.resolve(payload.cover)
                if code is None:
                    c = payload.cover
                    status, payload = "refused", Refusal(
                        "unknown_township",
                        f"未知乡镇:填报单位 {c.get('unit_name')!r},区划代码 {c.get('division_code')!r}",
                        f"unknown township {c.get('unit_name')!r} (code {c.get('division_code')!r})",
                        sheet="封面", column="填报单位")
            if status == "refused":
                item = _refusal_item(rel, payload)
                batch.quarantine.append(_quarantine_row(item, files, sha, folder, qdir))
                result.quarantined.append(item)
                continue
            parsed, (year, quarter) = payload, period
            key = f"{year}Q{quarter}"
            mtime = dt.datetime.fromtimestamp(mtime)
            submitted = fill_date_time(parsed.cover) or mtime
            sid, c = sha[:16], parsed.cover
            batch.submissions.append([
                sid, rel, sha, parsed.file_format, folder, key, year, quarter, code,
                c.get("division_code"), c.get("unit_name"), c.get("pop_total"), c.get("pop_urban"),
                c.get("pop_rural"), c.get("pop_60plus"), c.get("filled_by"), c.get("reviewed_by"),
                c.get("phone"), c.get("fill_date"), mtime, submitted, now,
                sorted(b.sheet_name for b in parsed.sheets.values()), True, None])
            lineage = {"submission_id": sid, "division_code": code, "period": key, "year": year,
                       "quarter": quarter, "source_file": rel, "file_sha256": sha,
                       "submitted_at": submitted}
            for block in parsed.sheets.values():
                table = load_contract().sheet(block.family).table
                batch.rows[table].extend({**lineage, "source_sheet": block.sheet_name, **row}
                                         for row in block.rows)
            item = Item(file=rel, division_code=code, period=key)
            resub = (code, key) in existing or (code, key) in seen_current
            seen_current.add((code, key))
            (result.resubmitted if resub else result.loaded).append(item)
    finally:
        if pool is not None:
            pool.shutdown()
    _write(con, batch)
    return result
