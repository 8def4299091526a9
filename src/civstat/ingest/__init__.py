"""Township returns from the drop zone (``data/raw/<YYYY>Q<q>/``) into the raw layer.

``ingest`` reads every return (subfolders included), resolves the township against
``ref.divisions``, writes typed rows with lineage into ``raw.*``, keeps every submission on
record (the newest per township and quarter is current), and quarantines what it must refuse —
copying the file with a one-line reason beside it, recording the township it can tell (its cover's
when the reader got that far: :attr:`Refusal.identity`; else its file name's:
:meth:`Divisions.tell`); raw files are never modified, moved or deleted. Every file is isolated: whatever it contains, it is loaded or refused on its own line
and the rest of the batch loads. Refused files are re-read on every run, so a file refused for
a cause since fixed (a reference CSV, a reader limitation) loads then; ``raw.quarantine`` keeps
the history with ``resolved_at`` / ``resolution``. Re-running on the same files changes nothing.
Size limits: :mod:`civstat.ingest.limits`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import glob
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from civstat import paths
from civstat.contract import load_contract
from civstat.ingest import reread as rereads
from civstat.ingest.cover_period import fill_date_finding
from civstat.ingest.dated_rows import refuse_dates_outside
from civstat.ingest.discover import QUARTER_FOLDER, Ignored, Unit, scan
from civstat.ingest.identity import Divisions, find_twins
from civstat.ingest.inputs import reader_fingerprint
from civstat.ingest.limits import check_files
from civstat.ingest.moves import Move, moved_from, record_moves
from civstat.ingest.reader import (
    ParsedReturn,
    Refusal,
    file_sha256,
    fill_date_time,
    finish_returns,
    plan_return,
    read_return,
)
from civstat.ingest.reference import RefResult, load_reference
from civstat.ingest.sheet_families import refuse_other_periods
from civstat.ingest.store import (
    Block,
    Load,
    open_quarantine,
    refresh_current,
    resolve_quarantine,
    write_loads,
    write_quarantine,
)
from civstat.ingest.withdraw import restore
from civstat.raw_schema import COVER_FIELDS, OPEN_WITHDRAWALS, create_raw_schema

__all__ = ["Ignored", "IngestResult", "Item", "ParsedReturn", "RefResult", "Refusal", "ingest",
           "load_reference", "read_return"]


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
    findings: int = 0  # a loaded return: how many findings (raw.findings) the reader recorded

    @property
    def line(self) -> str:
        """One line: relative path, where, Chinese message / English message."""
        en = self.message_en or ""
        en = en[len(self.file):].lstrip(" :") if en.startswith(self.file) else en
        return f"{self.message_zh} / {en}"


@dataclass
class IngestResult:
    loaded: list[Item] = field(default_factory=list)
    resubmitted: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # withdrawn returns dropped again (a line each)
    moved: list[str] = field(default_factory=list)  # loaded files moved or renamed (a line each)
    reread: list[rereads.Reread] = field(default_factory=list)  # loaded returns read again (--reread)
    stale: str | None = None  # one line: loaded returns an older reader read (without --reread)
    quarantined: list[Item] = field(default_factory=list)        # refused in this run
    still_quarantined: list[Item] = field(default_factory=list)  # every refused file in the drop zone
    ignored: list[Ignored] = field(default_factory=list)
    reference: RefResult | None = None

    @property
    def ok(self) -> bool:
        return not self.quarantined and not self.still_quarantined


def _refusal_item(rel: str, exc: Refusal) -> Item:
    where_zh, where_en = exc.where_zh(), exc.where_en()
    return Item(file=rel, reason_code=exc.code, sheet=exc.sheet, row=exc.row, column=exc.column,
                message_zh=f"{rel} {where_zh}:{exc.zh}".replace(" :", ":"),
                message_en=f"{rel} {where_en}: {exc.en}".replace(" :", ":"))


# -- parsing (workers) -----------------------------------------------------------------------
def _check_period(parsed: ParsedReturn, folder_name: str) -> tuple[int, int]:
    """The return's (year, quarter): the period its cover states (报告期, else a title), or the
    folder's when it states none. Refused when the cover states another quarter than the folder
    or a period that ends elsewhere than a quarter's end (``period_mismatch``: 1-10月), or a
    quarter's months alone (``not_cumulative``: 7-9月; the figures are the year's so far)."""
    m = QUARTER_FOLDER.match(folder_name)
    folder = int(m[1]), int(m[2])
    stated = parsed.cover.get("period")
    if stated is None:
        return folder
    read, where = stated.read, {"sheet": parsed.cover.get("sheet") or "封面", "row": stated.row,
                                "column": stated.column}
    text, cell = repr(stated.text.strip()), stated.cell
    if read.quarter is None:
        raise Refusal("period_mismatch",
                      f"{stated.column} {text}(单元格 {cell})截至{read.last}月"
                      f"{'' if read.whole else '中'},不是季度末:季报应填1月至季度末的累计数"
                      f"(文件夹 {folder_name})",
                      f"{stated.column} {text} (cell {cell}) runs to {'within ' if not read.whole else ''}"
                      f"month {read.last}, not a quarter's end: a return holds the year's figures "
                      f"to a quarter's end (folder {folder_name})", **where)
    if (read.year, read.quarter) != folder:
        raise Refusal("period_mismatch",
                      f"{stated.column} {text}(单元格 {cell})是 {read.year}Q{read.quarter},"
                      f"与文件夹 {folder_name} 不一致",
                      f"{stated.column} {text} (cell {cell}) is {read.year}Q{read.quarter}, "
                      f"disagrees with folder {folder_name}", **where)
    if not read.cumulative:
        raise Refusal("not_cumulative",
                      f"{stated.column} {text}(单元格 {cell})是{read.first}-{read.last}月的数:"
                      f"季报应填1月至本期的累计数,读作累计会少算:请改填1-{read.last}月的累计数",
                      f"{stated.column} {text} (cell {cell}) states months {read.first}-{read.last} "
                      "alone: a return holds the year's figures so far, which these would fall "
                      f"short of: fill in months 1-{read.last}", **where)
    return folder


def _parse_unit(job: tuple) -> tuple:
    """Worker: parse one return. Returns plain data, never raises:
    ``("ok", ParsedReturn, (year, quarter), mtime)`` or ``("refused", refusal dict, None, None)``
    (:func:`_refused`)."""
    source, folder_name, *known = job  # known: the return's sha256, hashed by the caller
    files = source if isinstance(source, list) else [source]
    cover = None
    try:  # read_return, keeping the cover for a refusal after it
        planned = plan_return(source, *known, content=check_files(files))
        cover = planned.parsed.cover
        parsed = finish_returns([planned])[0]
        if isinstance(parsed, BaseException):
            raise parsed
        return _outcome(parsed, folder_name, files)
    except Exception as exc:  # noqa: BLE001 — any failure of one file is that file's refusal
        return _refused(exc, cover)


def _refused(exc: BaseException, cover: dict | None = None) -> tuple:
    """A worker's outcome for a refused return: the refusal (an unexpected error: ``reader_error``)
    as plain data, carrying the identity its cover states when the reader got that far."""
    refusal = exc if isinstance(exc, Refusal) else Refusal.from_dict(_reader_error(exc))
    if cover is not None:
        refusal.with_identity(cover)
    return "refused", refusal.as_dict(), None, None


def _outcome(parsed: ParsedReturn, folder_name: str, files: list[Path]) -> tuple:
    period = _check_period(parsed, folder_name)
    refuse_dates_outside(parsed, period)
    refuse_other_periods([rows.sheet_name for rows in parsed.sheets.values()], *period)
    parsed.findings += fill_date_finding(parsed.cover, *period)
    return "ok", parsed, period, max(f.stat().st_mtime for f in files)


def _parse_chunk(jobs: list[tuple]) -> list[tuple]:
    """Worker: :func:`_parse_unit` of each job, the cells of all of them typed in one batch."""
    outcomes: list[tuple | None] = [None] * len(jobs)
    planned = []
    for i, (source, folder_name, *known) in enumerate(jobs):
        files = source if isinstance(source, list) else [source]
        try:
            content = check_files(files)
            planned.append((i, folder_name, files, plan_return(source, *known, content=content)))
        except Exception as exc:  # noqa: BLE001 — any failure of one file is that file's refusal
            outcomes[i] = _refused(exc)
    results = finish_returns([p for *_, p in planned])
    for (i, folder_name, files, plan), result in zip(planned, results, strict=True):
        try:
            if isinstance(result, BaseException):
                raise result
            outcomes[i] = _outcome(result, folder_name, files)
        except Exception as exc:  # noqa: BLE001 — any failure of one file is that file's refusal
            outcomes[i] = _refused(exc, plan.parsed.cover)
    return outcomes


def _reader_error(exc: BaseException | str) -> dict:
    name = exc if isinstance(exc, str) else type(exc).__name__
    detail = "" if isinstance(exc, str) else (str(exc).strip().splitlines() or [""])[0][:200]
    return Refusal("reader_error", f"读取时出现意外错误({name}),请将此文件报告给维护者",
                   f"unexpected error while reading ({name}{': ' + detail if detail else ''}); "
                   "please report this file").as_dict()


def _pool_context():
    """Workers that never inherit a used polars thread pool: a forked copy of a process that
    has run polars hangs on its first polars call (the reader types cells with polars). They
    fork from a fresh server with the reader imported (``forkserver``), or start clean (``spawn``)."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["civstat.ingest.reader"])
    return context


def _isolated(job: tuple) -> tuple:
    """Parse one return in a fresh process (after the pool died on some file)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(1, mp_context=_pool_context()) as pool:
            return pool.submit(_parse_unit, job).result()
    except BrokenProcessPool:
        return "refused", _reader_error("WorkerDied"), None, None


CHUNK = 64  # at most this many returns are typed in one batch (one worker task)


def _parse_all(jobs: list[tuple], workers: int) -> Iterator[tuple]:
    size = CHUNK if workers <= 1 else max(1, min(CHUNK, -(-len(jobs) // (4 * workers))))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    if workers <= 1:
        for chunk in chunks:
            yield from _parse_chunk(chunk)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=_pool_context()) as pool:
            for outcomes in pool.map(_parse_chunk, chunks):
                done += len(outcomes)
                yield from outcomes
    except BrokenProcessPool:
        for job in jobs[done:]:
            yield _isolated(job)


# -- quarantine ------------------------------------------------------------------------------
def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.exists():
        a, b = src.stat(), dst.stat()
        if (a.st_size, int(a.st_mtime)) == (b.st_size, int(b.st_mtime)):
            return
    shutil.copy2(src, dst)


def _quarantine_row(item: Item, unit: Unit, sha: str, qdir: Path, told: tuple) -> list:
    """The ``raw.quarantine`` row of a refused return (``told``: its township and how it was
    told, :meth:`Divisions.tell`), its copy and reason file written beside it in ``qdir``."""
    target = (qdir / item.file).parent
    target.mkdir(parents=True, exist_ok=True)
    for f in unit.files:
        try:
            _copy_if_changed(f, target / f.name)
        except OSError:
            pass  # unreadable: the reason file and raw.quarantine still record it
    (qdir / (item.file + ".reason.txt")).write_text(item.line + "\n", encoding="utf-8")
    return [item.file, sha, unit.folder, item.sheet, item.row, item.column, item.reason_code,
            item.message_zh, item.message_en, dt.datetime.now(), str(target), *told]


def _unit_present(raw_dir: Path, rel: str) -> bool:
    p = raw_dir / rel
    return p.is_file() or any(p.parent.glob(glob.escape(p.name) + "__*.csv"))


def _close_quarantine(con, raw_dir: Path, scanned: set[str], present: dict[str, str],
                      refused: set[tuple[str, str]], loaded: set[tuple[str, str]]) -> list[Item]:
    """Resolve refusals whose file loaded, changed or left; return those still quarantined
    outside the folders read in this run."""
    resolutions, still = [], []
    for path, sha, folder, sheet, row, column, reason, zh, en in open_quarantine(con):
        if (path, sha) in refused:
            continue
        if (path, sha) in loaded:
            resolutions.append((path, sha, "loaded"))
        elif folder in scanned or not _unit_present(raw_dir, path):
            resolutions.append((path, sha, "replaced" if path in present else "withdrawn"))
        else:  # a folder not read this run, file still there: still quarantined
            still.append(Item(file=path, reason_code=reason, sheet=sheet, row=row, column=column,
                              message_zh=zh, message_en=en))
    resolve_quarantine(con, resolutions)
    return still


# -- the run ---------------------------------------------------------------------------------
def _submission(load_rel: str, sha: str, parsed: ParsedReturn, folder: str, period, code: str,
                mtime: float, now: dt.datetime) -> tuple[Load, Item, str]:
    year, quarter = period
    key = f"{year}Q{quarter}"
    file_mtime = dt.datetime.fromtimestamp(mtime)
    submitted = fill_date_time(parsed.cover) or file_mtime
    sid, c = sha[:16], parsed.cover
    load = Load(load_rel, sha, {
        "submission_id": sid, "file_path": load_rel, "file_sha256": sha,
        "file_format": parsed.file_format, "folder_period": folder, "period": key, "year": year,
        "quarter": quarter, "division_code": code,
        **{column: c.get(field) for column, field in COVER_FIELDS.items()},
        "file_mtime": file_mtime, "submitted_at": submitted, "ingested_at": now,
        "sheets_found": sorted(b.sheet_name for b in parsed.sheets.values()),
        "is_current": True, "superseded_by": None, "reader_version": reader_fingerprint()})
    lineage = {"submission_id": sid, "division_code": code, "period": key, "year": year,
               "quarter": quarter, "source_file": load_rel, "file_sha256": sha,
               "submitted_at": submitted}
    contract = load_contract()
    for block in parsed.sheets.values():
        load.blocks[contract.sheet(block.family).table].append(
            Block({**lineage, "source_sheet": block.sheet_name}, block.rows))
    load.findings = _finding_rows(parsed, sid, code, key, load_rel, now)
    return load, Item(file=load_rel, division_code=code, period=key,
                      findings=len(load.findings)), key


def _finding_rows(parsed: ParsedReturn, sid: str, code: str, period: str, source_file: str,
                  now: dt.datetime) -> list[dict]:
    """``raw.findings`` rows of one return: what the reader noticed without refusing it."""
    return [{"submission_id": sid, "seq": i, "division_code": code, "period": period,
             "source_file": source_file, "code": f.code, "sheet": f.sheet, "row": f.row,
             "column": f.column, "message_zh": f.zh, "message_en": f.en, "found_at": now}
            for i, f in enumerate(parsed.findings, start=1)]


def _known(con) -> tuple[set[tuple[str, str]], dict[str, tuple], dict, set[str]]:
    """What the raw layer holds: its (path, sha) pairs; per sha, the first return loaded with
    those bytes (path, folder, submission id); the current returns by (township, quarter, 填报日期);
    the withdrawn paths."""
    rows = con.execute("SELECT file_path, file_sha256, division_code, period, fill_date, is_current, "
                       "folder_period, submission_id FROM raw.submissions ORDER BY file_path"
                       ).fetchall()
    pairs = {(p, s) for p, s, *_ in rows}
    by_sha: dict[str, tuple] = {}
    for p, s, *_, folder, sid in rows:
        by_sha.setdefault(s, (p, folder, sid))
    current = {(c, per, d): p for p, _, c, per, d, cur, *_ in rows if cur and d is not None}
    withdrawn = {p for (p,) in con.execute(f"SELECT file_path FROM ({OPEN_WITHDRAWALS})").fetchall()}
    return pairs, by_sha, current, withdrawn


def _duplicate(other: str, loaded: bool, withdrawn: bool = False) -> Refusal:
    if withdrawn:  # the bytes of a withdrawn return, under another name
        return Refusal("duplicate_file",
                       f"与已撤回的文件 {other} 内容完全相同:如要恢复该报表,请以原名 {other} 放回投递目录",
                       f"byte-identical to the withdrawn file {other}: to restore that return, put "
                       f"it back as {other}")
    zh = "已读取的" if loaded else "同批的"
    return Refusal("duplicate_file", f"与{zh}文件 {other} 内容完全相同(重复投递)",
                   f"byte-identical to {'the loaded' if loaded else 'the batch'} file {other} "
                   "(duplicate)")


@contextlib.contextmanager
def _gc_paused():
    """No cyclic garbage collection while a batch is read: the parsed returns it holds would
    be traversed again and again (a tenth of the run), and reading them creates no cycles that
    matter before the collector is back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def ingest(con, raw_dir, reference_dir, *, periods=None, quarantine_dir=None,
           progress: bool = False, workers: int | None = None,
           reread: bool = False) -> IngestResult:
    """Read the drop zone (all ``YYYYQq`` folders, or only ``periods``) into the raw layer;
    with ``reread``, read again the loaded returns an older reader read
    (:mod:`civstat.ingest.reread`). Over 100 returns are parsed in two worker processes unless
    ``workers`` says otherwise: a script calling this must do so under
    ``if __name__ == "__main__":``, as the workers import the script again (``forkserver``)."""
    with _gc_paused():
        return _ingest(con, raw_dir, reference_dir, periods=periods,
                       quarantine_dir=quarantine_dir, progress=progress, workers=workers,
                       reread=reread)


def _ingest(con, raw_dir, reference_dir, *, periods, quarantine_dir, progress, workers,
            reread) -> IngestResult:
    raw_dir = Path(raw_dir).resolve()
    qdir = Path(quarantine_dir) if quarantine_dir else paths.quarantine_dir()
    create_raw_schema(con)
    result = IngestResult(reference=load_reference(Path(reference_dir), con))
    divisions = Divisions(con)
    zone = scan(raw_dir, list(periods) if periods else None)
    result.ignored = zone.ignored
    pairs, by_sha, current, withdrawn = _known(con)
    older = rereads.stale(con)
    rereading: dict[str, rereads.Loaded] = {}  # file → as loaded, for the loaded files read again

    refusals: list[tuple[Unit, str, Refusal]] = []
    todo: list[tuple[Unit, str]] = []
    present: dict[str, str] = {}
    batch_sha: dict[str, str] = {}
    moves: list[Move] = []
    mtimes: dict[str, float] = {}
    for unit in zone.units:
        try:
            present[unit.rel] = file_sha256(unit.files)
            mtimes[unit.rel] = min(f.stat().st_mtime for f in unit.files)
        except OSError as exc:
            refusals.append((unit, "-", Refusal(
                "unreadable", f"无法读取文件:{type(exc).__name__}",
                f"cannot read the file: {type(exc).__name__}")))
    # among byte-identical new files the oldest (then first by name) is the original
    for unit in sorted((u for u in zone.units if u.rel in mtimes),
                       key=lambda u: (mtimes[u.rel], u.rel)):
        sha = present[unit.rel]
        if (unit.rel, sha) in pairs and reread and (unit.rel, sha) in older:
            rereading[unit.rel] = older[unit.rel, sha]
            batch_sha[sha] = unit.rel
            todo.append((unit, sha))
        elif (unit.rel, sha) in pairs:
            result.skipped.append(Item(file=unit.rel))
        elif sha not in batch_sha and (
                moved := moved_from(sha, unit.folder, present, by_sha, withdrawn)) is not None:
            batch_sha[sha] = unit.rel
            moves.append(Move(moved[0], moved[1], unit.rel, sha))
        elif sha in by_sha or sha in batch_sha:
            other = batch_sha.get(sha) or by_sha[sha][0]  # (a moved file: where it is now)
            refusals.append((unit, sha, _duplicate(other, sha in by_sha, other in withdrawn)))
        else:
            batch_sha[sha] = unit.rel
            todo.append((unit, sha))
    todo.sort(key=lambda t: t[0].rel)
    # a withdrawn return whose very file is back in the drop zone is sent again
    result.moved = record_moves(con, moves, dt.datetime.now())
    result.restored = restore(con, set(present.items()))
    if result.restored:
        refresh_current(con)

    jobs = [(unit.source, unit.folder, sha) for unit, sha in todo]
    workers = workers if workers is not None else (2 if len(jobs) > 100 else 1)
    outcomes = _parse_all(jobs, workers)
    if progress and len(jobs) > 20:
        from rich.progress import track

        outcomes = track(outcomes, total=len(jobs), description="读取季报 / reading returns")

    parsed_ok = []
    for (unit, sha), (status, payload, period, mtime) in zip(todo, outcomes, strict=True):
        if status != "ok":
            refusals.append((unit, sha, Refusal.from_dict(payload)))
            continue
        try:
            code = divisions.resolve(payload.cover, payload.findings)
            divisions.check_file_name(code, unit.rel, payload.cover)
            divisions.check_titles(code, payload.titles)
        except Refusal as exc:
            refusals.append((unit, sha, exc.with_identity(payload.cover)))
            continue
        parsed_ok.append((unit, sha, payload, period, mtime, code))

    twin_keys = [(u.rel, (code, f"{per[0]}Q{per[1]}", p.cover["fill_date"])
                  if isinstance(p.cover.get("fill_date"), dt.date) else None, p.cover)
                 for u, _, p, per, _, code in parsed_ok]
    twins = find_twins(twin_keys, current)
    now, loads, items = dt.datetime.now(), [], {}
    for unit, sha, parsed, period, mtime, code in parsed_ok:
        if unit.rel in twins:
            refusals.append((unit, sha, twins[unit.rel].with_identity(parsed.cover)))
            continue
        load, item, key = _submission(unit.rel, sha, parsed, unit.folder, period, code, mtime, now)
        loads.append(load)
        if unit.rel in rereading:
            load.replaces = rereading[unit.rel].submission_id
        else:
            items[unit.rel] = (item, (code, key))
    # a loaded return read again: written only where it reads differently now
    reread_done = rereads.compare(con, loads, {r.submission_id: r for r in rereading.values()})

    units = {unit.rel: unit for unit in zone.units}
    existing = {tuple(r) for r in con.execute(
        "SELECT DISTINCT division_code, period FROM raw.submissions").fetchall()}
    covers = {unit.rel: parsed.cover for unit, _, parsed, *_ in parsed_ok}
    for load, error in write_loads(con, loads):
        refusals.append((units[load.file], load.sha, Refusal(
            "write_error", f"写入数据库失败:{error}", f"the database refused the return: {error}"
        ).with_identity(covers[load.file])))
        items.pop(load.file, None)
        reread_done = [r for r in reread_done if r.file != load.file]  # as it was loaded
    seen: set[tuple[str, str]] = set()
    for item, key in items.values():
        (result.resubmitted if key in existing or key in seen else result.loaded).append(item)
        seen.add(key)

    refused_again = {unit.rel: exc for unit, _, exc in refusals if unit.rel in rereading}
    reread_done += [rereads.refused(rereading[rel], rel, _refusal_item(rel, exc).message_zh)
                    for rel, exc in refused_again.items()]
    rereads.record(con, reread_done, present, now)
    result.reread = sorted(reread_done, key=lambda r: r.file)
    result.stale = rereads.stale_line(  # (a file moved in this run: by its new name)
        [(rel, loaded) for (rel, sha), loaded in rereads.stale(con).items()
         if present.get(rel) == sha])
    rows = []
    for unit, sha, exc in sorted(refusals, key=lambda r: r[0].rel):
        item = _refusal_item(unit.rel, exc)
        rows.append(_quarantine_row(item, unit, sha, qdir, divisions.tell(unit.rel, exc.identity)))
        result.quarantined.append(item)
    write_quarantine(con, rows)
    loaded_now = ({(x.file, x.sha) for x in loads if x.file in items} | pairs
                  | {(m.new, m.sha) for m in moves}) - {(rel, present[rel]) for rel in refused_again}
    scanned = set(zone.folders) & set(periods) if periods else set(zone.folders)
    others = _close_quarantine(con, raw_dir, scanned, present, {(r[0], r[1]) for r in rows},
                               loaded_now)
    result.still_quarantined = sorted(result.quarantined + others, key=lambda i: i.file)
    return result
