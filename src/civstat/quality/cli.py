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
from civstat.periods import PERIOD_KEY as QUARTER


def _console() -> Console:
    # CI logs are not terminals: print the whole table instead of truncating to 80 columns
    return Console(highlight=False, width=None if sys.stdout.isatty() else 140)


def print_summary(result, console: Console | None = None) -> None:
    from civstat.quality.engine import summary

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
    else:
        console.print("[green]无硬性错误 / no hard failures[/]")
    console.print(f"软性提示 {len(result.soft)} 条,待说明 {len(result.unexplained_soft)} 条 / "
                  f"soft warnings {len(result.soft)}, {len(result.unexplained_soft)} need a 说明")


def run_check(warehouse_path: Path | None, out_dir: Path | None, *, periods=None, year=None,
              console: Console | None = None):
    """Evaluate on the published warehouse, print, write the report; return (result, report)."""
    from civstat.quality import evaluate, write_report
    from civstat.quality.report import read_findings, read_quarantined, read_rejected_rows
    from civstat.warehouse import Warehouse

    console = console or _console()
    wh = Warehouse.at(warehouse_path)
    con = wh.connect_reader()
    try:
        result = evaluate(con, periods=periods, year=year)
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


@click.command("check")
@click.option("--quarter", "quarter", default=None, metavar="2024Q4", help="只审核一个季度 / one quarter")
@click.option("--year", "year", type=int, default=None, metavar="2024", help="只审核一年 / one year")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="报告目录 / report folder (default: reports/output/quality)")
def check_command(quarter: str | None, year: int | None, warehouse_path: Path | None,
                  out_dir: Path | None) -> None:
    """审核关系质量闸门 / run every edit rule; exit 1 on any hard failure."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from civstat.quality import QualityRuleError, QualitySetupError
    from civstat.warehouse import WarehouseMissing

    if quarter and year is not None:
        raise click.UsageError("--quarter 与 --year 只能选一个 / use either --quarter or --year")
    if quarter and not QUARTER.match(quarter.upper()):
        raise click.UsageError(f"季度格式应为 2024Q4 / quarter must look like 2024Q4: {quarter!r}")
    periods = [quarter.upper()] if quarter else None
    err = Console(stderr=True, highlight=False)
    try:
        result, _ = run_check(warehouse_path, out_dir, periods=periods, year=year)
    except WarehouseMissing as exc:
        err.print(f"[red]错误 / error:[/] {exc}")
        sys.exit(2)
    except (QualitySetupError, QualityRuleError) as exc:
        err.print(f"[red]错误 / error:[/] {exc}")
        sys.exit(2)
    if not result.periods:
        scope = quarter or year or ""
        err.print(f"[red]错误 / error:[/] 仓库中没有{scope}的现行报表 / no current returns for {scope or 'any period'}")
        sys.exit(2)
    sys.exit(result.exit_code)
