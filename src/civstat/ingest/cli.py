"""``civstat ingest`` — read the drop zone into the raw layer of the working copy (staged).

It does not publish: ``civstat build`` builds and publishes what was staged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from civstat import duck, paths
from civstat.warehouse import Warehouse, WarehouseBusy


def _check_periods(periods: tuple[str, ...], raw: Path, console: Console) -> list[str]:
    """The quarter folders to read: ``2025Q4`` as given, ``2025`` every quarter folder of 2025."""
    from civstat.cliutil import parse_period

    keys, bad = [], []
    for given in periods:
        try:
            period = parse_period(given)
        except ValueError:
            bad.append(given)
            continue
        if period.quarter:
            keys.append(period.key)
        else:
            found = [q for q in period.quarters() if (raw / q).is_dir()]
            keys += found or [period.key]
    if bad:
        console.print(f"[red]报告期应写作 2025Q4 或 2025:{escape(', '.join(bad))} / "
                      f"--period must look like 2025Q4 or 2025: {escape(', '.join(bad))}[/]")
        sys.exit(2)
    missing = [p for p in keys if not (raw / p).is_dir()]
    if missing:
        console.print(f"[red]投递目录中没有这些报告期的文件夹:{', '.join(missing)} / "
                      f"no folder for these periods in the drop zone ({escape(str(raw))}): "
                      f"{', '.join(missing)}[/]")
        sys.exit(2)
    return list(dict.fromkeys(keys))


def left_drop_zone(con, raw: Path, periods: list[str] | None) -> list[str]:
    """One line per current return whose file is no longer in the drop zone (of the folders
    read, or of every folder): its figures stay in the warehouse, which deleting a file does
    not change — said, never silently kept."""
    from civstat.ingest.discover import scan
    from civstat.raw_schema import has_table

    if not has_table(con, "submissions"):
        return []
    present = {unit.rel for unit in scan(raw, periods).units}
    rows = con.execute(
        "SELECT file_path, coalesce(unit_name, division_code), period, folder_period "
        "FROM raw.submissions WHERE is_current ORDER BY file_path").fetchall()
    return [f"{file}({unit} {period}):文件已不在投递目录,仓库仍保留其数字(删除文件不等于撤回报表;"
            f"放回原文件,或投递更正的报表)/ {file} ({period}) is no longer in the drop zone; the "
            "warehouse keeps its figures (deleting a file does not withdraw a return: put it back, "
            "or drop a corrected return)"
            for file, unit, period, folder in rows
            if file not in present and (not periods or folder in periods)]


def _dated(fill_date, submitted_at) -> tuple[str, str]:
    """When a return counts as sent: its 填报日期, else its file's time (zh, en)."""
    if fill_date is not None:
        return f"填报日期 {fill_date:%Y-%m-%d}", f"填报日期 {fill_date:%Y-%m-%d}"
    return (f"无填报日期,文件时间 {submitted_at:%Y-%m-%d %H:%M}",
            f"no 填报日期, file time {submitted_at:%Y-%m-%d %H:%M}")


def resubmission_notes(con, files: list[str]) -> list[tuple[bool, str]]:
    """For each resubmitted file: (it became current, one line naming the return it replaced,
    or the current one that stays because it was sent later: the latest 填报日期 wins)."""
    notes = []
    for file in files:
        row = con.execute(
            "SELECT s.is_current, s.period, s.fill_date, s.submitted_at, o.file_path, o.fill_date, "
            "o.submitted_at FROM raw.submissions s JOIN raw.submissions o "
            "ON o.division_code = s.division_code AND o.period = s.period "
            "AND o.submission_id <> s.submission_id "
            "AND (o.superseded_by = s.submission_id OR (NOT s.is_current AND o.is_current)) "
            "WHERE s.file_path = ? ORDER BY s.ingested_at DESC, o.submitted_at DESC LIMIT 1",
            [file]).fetchone()
        if row is None:
            continue
        current, period, fill, when, other, other_fill, other_when = row
        (zh, en), (other_zh, other_en) = _dated(fill, when), _dated(other_fill, other_when)
        same = "同名文件的上一版本 " if other == file else ""
        if current:
            line = (f"{file}({zh})取代{same}{other}({other_zh}, {period}),后者保留备查"
                    f" / {file} ({en}) replaces {'the earlier version of ' if same else ''}"
                    f"{other} ({other_en}, {period}), which stays on record")
        else:
            line = (f"{file}({zh})未取代现行的{same}{other}({other_zh}, {period}):"
                    "以填报日期最新者为准(同一天的以文件时间为准);如它才是更正的报表,请改正其填报日期 / "
                    f"{file} ({en}) did not replace the current {other} ({other_en}, "
                    f"{period}): the latest 填报日期 wins (of one day, the later file); if it is the "
                    "correction, "
                    "correct its 填报日期")
        notes.append((bool(current), line))
    return notes


def _say_left(console: Console, lines: list[str]) -> None:
    for line in lines:
        console.print(f"[yellow]已不在投递目录 / no longer in the drop zone:[/] {escape(line)}")


def _say_unchanged(console: Console, last, wh: Warehouse, raw: Path,
                   periods: list[str] | None) -> None:
    """Nothing to read: repeat the last outcome and exit with its status."""
    console.print(f"没有新的变化:投递目录、参考数据和读取程序与上次读取({last.ingested_at:%Y-%m-%d %H:%M})"
                  "完全相同,工作副本未改动 / nothing changed since the last ingest (drop zone, "
                  "reference data, reader): the working copy is left as it is")
    for line in last.quarantined:
        console.print(f"[red]隔离 / quarantined:[/] {escape(line)}")
    from civstat.ingest.reread import stale_in_drop_zone

    con = duck.connect(str(wh.working), read_only=True)
    try:
        _say_left(console, left_drop_zone(con, raw, periods))
        _say_stale(console, stale_in_drop_zone(con, raw, periods))
    finally:
        con.close()
    sys.exit(0 if last.ok else 1)


def _say_stale(console: Console, line: str | None) -> None:
    if line:
        console.print(f"[yellow]旧版读取 / read by an older reader:[/] {escape(line)}")


def _say_rereads(console: Console, rereads) -> None:
    for r in rereads:
        style = {"unchanged": "dim", "changed": "yellow", "refused": "red"}[r.outcome]
        console.print(f"[{style}]重新读取 / reread:[/] {escape(r.line)}")


@click.command("ingest")
@click.option("--raw", "raw_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="投递目录 / drop zone (default data/raw)")
@click.option("--reference", "reference_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="参考数据目录 / reference CSVs (default data/reference)")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库 / published warehouse (default $CIVSTAT_WAREHOUSE)")
@click.option("--period", "periods", multiple=True, metavar="2025Q4|2025",
              help="只读取这些季度(2025Q4)或年度(2025),可重复 / only these quarters or years "
                   "(repeatable)")
@click.option("--quarantine", "quarantine_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="隔离目录 / quarantine folder (default data/quarantine)")
@click.option("--reread", is_flag=True,
              help="重新读取旧版读取程序读取过的报表,逐项列出变化 / read again the loaded returns "
                   "an older reader read, listing what changed")
def ingest_command(raw_dir, reference_dir, warehouse_path, periods, quarantine_dir,
                   reread) -> None:
    """读取季报进入原始层(暂存,civstat build 发布)/ read the returns into the raw layer
    (staged; `civstat build` publishes).

    退出码 / exit: 0 全部读取 / all loaded; 1 投递目录中仍有被隔离的文件 / files in the drop
    zone stay quarantined; 2 用法或环境错误 / usage or set-up error.
    """
    from civstat.ingest import ingest, inputs
    from civstat.ingest.reference import missing_reference

    console = Console(highlight=False, soft_wrap=True)
    raw = (raw_dir or paths.raw_dir()).resolve()
    if not raw.is_dir():
        console.print(f"[red]投递目录不存在 / drop zone not found: {escape(str(raw))}[/]")
        sys.exit(2)
    periods = tuple(_check_periods(periods, raw, console))
    wh = Warehouse.at(warehouse_path)
    reference = (reference_dir or paths.reference_dir()).resolve()
    if (why := missing_reference(reference)) is not None:
        console.print(f"[red]{escape(why)}[/]")
        sys.exit(2)
    asked = list(periods) or None
    try:
        with wh.lock():
            current = inputs.fingerprint(raw, reference, asked)
            last = None if reread else inputs.unchanged(wh.working, asked, current)
            if last is not None:
                _say_unchanged(console, last, wh, raw, asked)
            with wh.connect_writer() as con:
                result = ingest(con, raw, reference, periods=asked,
                                quarantine_dir=quarantine_dir, progress=True, reread=reread)
                inputs.record(con, asked, current, ok=result.ok,
                              quarantined=[i.line for i in result.still_quarantined])
                notes = resubmission_notes(con, [i.file for i in result.resubmitted])
                left = left_drop_zone(con, raw, asked)
    except WarehouseBusy as exc:
        console.print(f"[red]错误 / error: {escape(str(exc))}[/]")
        sys.exit(2)

    table = Table(title="季报读取结果 / ingest summary")
    table.add_column("状态 / status")
    table.add_column("文件数 / files", justify="right")
    for label, items in (("已读取 / loaded", result.loaded), ("更正重报 / resubmitted", result.resubmitted),
                         ("已读取过,跳过 / already loaded", result.skipped),
                         ("移动或改名 / moved", result.moved),
                         ("重新读取 / reread", result.reread),
                         ("仍被隔离 / still quarantined", result.still_quarantined),
                         ("已忽略 / ignored", result.ignored)):
        table.add_row(label, str(len(items)))
    console.print(table)
    if result.reference and result.reference.rejected:
        for file, row, column, zh, _ in result.reference.rejected:
            where = "整个文件" if not row else f"第{row}行"
            console.print(f"[yellow]参考数据被拒 / reference row refused:[/] "
                          f"{escape(f'{file} {where} [{column}] {zh}')}")
    for ignored in result.ignored:
        console.print(f"[dim]忽略 / ignored:[/] {escape(ignored.line)}")
    for replaced, line in notes:
        style = "" if replaced else "[yellow]"
        console.print(f"{style}更正重报 / resubmitted:{'[/]' if style else ''} {escape(line)}")
    _say_left(console, left)
    for line in result.moved:
        console.print(f"移动 / moved: {escape(line)}")
    _say_rereads(console, result.reread)
    _say_stale(console, result.stale)
    for line in result.restored:
        console.print(f"[yellow]恢复 / restored:[/] {escape(line)}")
    for item in result.still_quarantined:
        console.print(f"[red]隔离 / quarantined:[/] {escape(item.line)}")
    console.print(f"已暂存到工作副本 {escape(str(wh.working))},运行 civstat build 发布 / "
                  "staged in the working copy; `civstat build` publishes it")
    sys.exit(0 if result.ok else 1)
