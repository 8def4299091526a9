"""``civstat check``: run every edit rule on the published warehouse (read-only, never blocks it),
print a summary, write the quality report. Exit 0: no hard failure; 1: hard failures; 2: usage or
set-up error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from civstat import paths
from civstat.cliutil import PERIOD_TYPE, deprecated, fail, parse_period
from civstat.periods import PERIOD_KEY as QUARTER


def _console() -> Console:
    # CI logs are not terminals: print the whole table instead of truncating to 80 columns
    return Console(highlight=False, width=None if sys.stdout.isatty() else 140)


HARD_LINES = 20  # hard failures printed one by one; the rest are in the quality report


def print_summary(result, console: Console | None = None) -> None:
    from civstat.quality.result import summary

    console = console or _console()
    table = Table(title=f"审核结果 / edit rules — {', '.join(result.periods) or '无报表'}")
    for col, just in (("规则 rule", "left"), ("级别 severity", "left"), ("审核关系", "left"),
                      ("违规 violations", "right"), ("已说明 explained", "right")):
        table.add_column(col, justify=just)
    for r in summary(result):
        sev = "硬性 hard" if r["severity"] == "hard" else "软性 soft"
        style = ("red" if r["severity"] == "hard" else "yellow") if r["violations"] else None
        explained = str(r["explained"]) if r["severity"] == "soft" and r["violations"] else ""
        table.add_row(r["rule_code"], sev, r["name_zh"], str(r["violations"]), explained, style=style)
    console.print(table)
    if result.blocked:
        names = result.division_names
        blocked = ", ".join(f"{names.get(c, c)} {p}" for c, p in result.blocked)
        console.print(f"[red]硬性错误 {len(result.hard)} 条,暂不发布 / hard failures, not published:[/] {blocked}")
        # each hard failure on a line of its own: township, quarter, rule and the message (which
        # names sheet, row and column), so the exit code 1 is explained without the HTML report
        for v in result.hard[:HARD_LINES]:
            console.print(f"  {names.get(v.division_code, v.division_code)} {v.period} "
                          f"{v.rule_code} {v.message_zh}", markup=False)
        if len(result.hard) > HARD_LINES:
            console.print(f"  …另有 {len(result.hard) - HARD_LINES} 条见质量报告 / "
                          f"{len(result.hard) - HARD_LINES} more in the quality report")
    else:
        console.print("[green]无硬性错误 / no hard failures[/]")
    console.print(f"软性提示 {len(result.soft)} 条,待说明 {len(result.unexplained_soft)} 条 / "
                  f"soft warnings {len(result.soft)}, {len(result.unexplained_soft)} need a 说明")


def division_townships(con, code: str) -> tuple[str, set[str]]:
    """A division's name and every township under it, current or merged away (a return is
    filed under the code it was sent with): the scope of ``check --division``."""
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'dim_division'").fetchall()}
    up = [c for c in ("county_code", "city_code", "province_code") if c in cols]
    rows = con.execute(
        "SELECT division_code FROM dim_division WHERE division_level = 'township' AND ("
        + " OR ".join(["division_code = ?", *(f"{c} = ?" for c in up)]) + ")",
        [code] * (1 + len(up)),
    ).fetchall()
    name = con.execute("SELECT division_name FROM dim_division WHERE division_code = ?",
                       [code]).fetchall()
    return (name[0][0] if name else code), {r[0] for r in rows}


def gate_line(result) -> str:
    """One line on what a build's gate evaluated: the stale periods, and how many kept their
    verdict because nothing they depend on changed."""
    kept = len(set(result.inputs) - set(result.periods))
    done = result.periods
    span = f"{done[0]}…{done[-1]}" if len(done) > 2 else "、".join(done)
    if not done:
        return (f"审核:{kept} 个报告期的报表、参考数据和规则均未变,沿用上次审核结论 / edit rules: "
                f"nothing changed in {kept} period(s), their verdicts stand")
    return (f"审核 {len(done)} 个报告期({span}):硬性 {len(result.hard)} 条,软性 {len(result.soft)} 条"
            + (f";其余 {kept} 个报告期未变,沿用上次结论" if kept else "")
            + f" / edit rules on {len(done)} period(s): {len(result.hard)} hard, "
            f"{len(result.soft)} soft" + (f"; {kept} unchanged period(s) keep their verdict"
                                          if kept else ""))


def run_check(warehouse_path: Path | None, out_dir: Path | None, *, periods=None, year=None,
              console: Console | None = None, division: str | None = None):
    """Evaluate on the published warehouse, print, write the report; return (result, report).
    ``division``: report only the findings of that division's townships (:meth:`scoped`)."""
    from civstat.quality import evaluate, write_report
    from civstat.quality.report import read_findings, read_quarantined, read_rejected_rows
    from civstat.warehouse import Warehouse

    console = console or _console()
    wh = Warehouse.at(warehouse_path)
    con = wh.connect_reader()
    try:
        result = evaluate(con, periods=periods, year=year)
        if division:
            result = result.scoped(*division_townships(con, division))
        rejected = read_rejected_rows(con)
        findings = read_findings(con, result.periods)
        quarantined = read_quarantined(con)
    finally:
        con.close()
    print_summary(result, console)
    if quarantined:
        console.print(f"[red]投递目录中 {len(quarantined)} 个报表文件被拒收(隔离),其乡镇季度数据缺失 / "
                      f"{len(quarantined)} files of the drop zone stay quarantined[/]")
    report = write_report(result, out_dir or paths.output_dir() / "quality", rejected_rows=rejected,
                          findings=findings, quarantined=quarantined)
    console.print(f"质量报告 / quality report: {report}")
    return result, report


def print_summary_for_published(warehouse_path: Path | None, out_dir: Path | None) -> int:
    """For ``civstat demo``: check the published warehouse; return the number of hard violations."""
    result, _ = run_check(warehouse_path, out_dir)
    return len(result.hard)


def available_periods(warehouse_path: Path | None) -> list[str]:
    """The periods with current returns in the published warehouse (raises WarehouseMissing,
    QualitySetupError when there is no raw layer)."""
    import duckdb

    from civstat.quality import QualitySetupError
    from civstat.warehouse import Warehouse

    with Warehouse.at(warehouse_path).reader() as con:
        try:
            return [p for (p,) in con.execute(
                "SELECT DISTINCT period FROM raw.submissions WHERE is_current "
                "ORDER BY period").fetchall()]
        except duckdb.CatalogException:
            raise QualitySetupError(
                "仓库中没有原始层,请先运行 civstat ingest 和 civstat build / the warehouse has "
                "no raw layer: run `civstat ingest` and `civstat build` first") from None


def open_refusals(warehouse_path: Path | None, quarters: list[str] | None) -> list[tuple]:
    """The refused files still quarantined (:func:`civstat.raw_schema.unresolved_refusals`) of
    ``quarters`` (every quarter: None), by file: (file_path, message_zh, message_en)."""
    from civstat.raw_schema import unresolved_refusals
    from civstat.warehouse import Warehouse

    with Warehouse.at(warehouse_path).reader() as con:
        rows = con.execute(f"SELECT file_path, message_zh, message_en, folder_period FROM "
                           f"({unresolved_refusals(con)}) ORDER BY file_path").fetchall()
    return [r[:3] for r in rows if quarters is None or r[3] in quarters]


@click.command("check")
@click.option("--period", "period", type=PERIOD_TYPE, default=None, metavar="2025Q4|2025",
              help="只审核一个季度(2025Q4)或一年(2025)/ one quarter or one year")
@click.option("--quarter", "quarter", default=None, hidden=True, help="旧写法 / old: 2024Q4")
@click.option("--year", "year", type=int, default=None, hidden=True, help="旧写法 / old: 2024")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="报告目录 / report folder (default: reports/output/quality)")
@click.option("--division", default=None,
              help="只报告该县/市/省(名称或代码)所辖乡镇的问题,缺省为全部 / report one county, "
              "city or province (name or code); default: the whole drop")
def check_command(period, quarter: str | None, year: int | None, warehouse_path: Path | None,
                  out_dir: Path | None, division: str | None) -> None:
    """审核关系质量闸门 / run every edit rule; exit 1 on any hard failure.

    --division 时,审核规则仍对每份报表运行(跨乡镇、跨季度的规则看得到全部),报告和退出码只计该区划
    所辖乡镇的报表 / with --division every rule still runs on every return; the report and the
    exit code count only the returns of that division's townships.

    退出码 / exit: 0 无硬性错误 / no hard failure; 1 有硬性错误,或所选报告期的报表全部被拒收
    (逐个列出)/ hard failures, or every return of the period refused (each named); 2 用法或环境
    错误(含仓库未发布、所选报告期没有报表)/ usage or set-up error (no warehouse, no returns
    for the period).
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from civstat.quality import QualityRuleError, QualitySetupError
    from civstat.warehouse import WarehouseMissing

    given = [p for p in (period, quarter, year) if p is not None]
    if len(given) > 1:
        raise click.UsageError("--period、--quarter、--year 只能选一个 / use one of --period, "
                               "--quarter or --year")
    if quarter is not None:
        if not QUARTER.match(quarter.strip().upper()):
            raise click.UsageError(f"季度格式应为 2024Q4 / quarter must look like 2024Q4: "
                                   f"{quarter!r}")
        deprecated(f"--quarter {quarter}", f"--period {quarter.upper()}")
        period = parse_period(quarter)
    elif year is not None:
        deprecated(f"--year {year}", f"--period {year}")
        period = parse_period(str(year))
    try:
        have = available_periods(warehouse_path)
        if division:
            from civstat.cliutil import resolve_division
            from civstat.warehouse import Warehouse

            with Warehouse.at(warehouse_path).reader() as con:
                division = resolve_division(con, division)
    except (WarehouseMissing, QualitySetupError, LookupError) as exc:
        fail(str(exc))
    wanted = [p for p in have if period is None or p in period.quarters()]
    if not wanted:
        scope = "" if period is None else (f"{period}的" if period.quarter else f"{period.year}年的")
        listing = "、".join(have) or "无 / none"
        refused = open_refusals(warehouse_path, None if period is None else period.quarters())
        if refused:  # returns were sent, every one refused: the data failed, not the command
            for path, zh, en in refused:  # a refusal's message names its file
                named = "" if zh.startswith(path) else f"{path}:"
                click.echo(f"隔离 / quarantined: {named}{zh} / {en}", err=True)
            fail(f"{scope}报表全部被拒收(隔离,{len(refused)} 个文件),没有可审核的报表;已有报告期:"
                 f"{listing} / every return of {period or 'the drop zone'} was refused "
                 f"({len(refused)} file(s) quarantined), nothing to check; periods present: "
                 f"{', '.join(have)}", code=1)
        fail(f"仓库中没有{scope}现行报表,未审核;已有报告期:{listing} / no current returns for "
             f"{period or 'any period'} in the warehouse; periods present: {', '.join(have)}")
    periods = period.quarters() if period and period.quarter else None
    year_scope = period.year if period and not period.quarter else None
    click.echo(f"审核 {len(wanted)} 个报告期({wanted[0]}…{wanted[-1]})… / running the edit "
               f"rules on {len(wanted)} period(s) …", err=True)
    try:
        result, _ = run_check(warehouse_path, out_dir, periods=periods, year=year_scope,
                              division=division)
    except (WarehouseMissing, QualitySetupError, QualityRuleError) as exc:
        fail(str(exc))
    sys.exit(result.exit_code)
