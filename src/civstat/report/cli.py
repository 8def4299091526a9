"""``civstat report`` — render the year-end summary or a quarterly brief."""

from __future__ import annotations

import click

from civstat.cliutil import PERIOD_TYPE, deprecated, fail, parse_period, resolve_division


@click.command()
@click.option(
    "--period",
    type=PERIOD_TYPE,
    default=None,
    metavar="2025|2025Q2",
    help="年度总结(2025)或季度简报(2025Q2,1月至本季度)/ the year's summary or a quarterly brief",
)
@click.option("--year", type=int, default=None, help="同 --period 2025 / same as --period 2025")
@click.option(
    "--division",
    "divisions",
    multiple=True,
    help="区划名称或代码(乡镇、县、市、省),可重复;缺省为数仓中唯一的最高级区划(一个县、市或省)"
    " / division name or code, any level (repeatable); default: the single top division",
)
@click.option(
    "--all-townships", is_flag=True, help="县报告之外,为每个乡镇各出一份 / also one per township"
)
@click.option(
    "--format",
    "formats",
    default="html,pdf,xlsx,docx",
    show_default=True,
    help="html,pdf,xlsx,docx 的任意组合 / any of html,pdf,xlsx,docx",
)
@click.option(
    "--quarter",
    type=click.IntRange(1, 4),
    default=None,
    hidden=True,
    help="旧写法 / old: --period 2025Q2",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="输出目录,缺省 <output>/reports/<年度>/ / output folder",
)
@click.option(
    "--money-unit",
    type=click.Choice(["auto", "元", "万元"]),
    default="auto",
    show_default=True,
    help="金额单位:auto=正文10万元以上用万元、表格用元 / money unit (auto: 万元 in text from 10万)",
)
@click.option(
    "--narrative-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="局办公室撰写部分所在目录,缺省 <reference>/narrative/ / the narrative files' folder",
)
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False),
    default=None,
    help="已发布数仓路径(缺省 CIVSTAT_WAREHOUSE) / published warehouse",
)
def report_command(
    period, year, divisions, all_townships, formats, quarter, out_dir, money_unit, narrative_dir,
    warehouse
):
    """生成年度民政工作总结(HTML/PDF/DOCX/XLSX) / render the year-end summary.

    退出码 / exit: 0 已生成 / written; 2 用法或环境错误(仓库未发布、没有该年数据、未知区划、
    数仓有多个最高级区划而未给 --division、局办文件有误)/ usage or set-up error.
    """
    from civstat.report import render_reports
    from civstat.report.narrative import NarrativeError
    from civstat.warehouse import Warehouse, WarehouseMissing

    if period is not None and (year is not None or quarter is not None):
        raise click.UsageError("--period 与 --year/--quarter 只能选一种 / use --period alone")
    if period is None:
        if year is None:
            raise click.UsageError("请给出报告期:--period 2025(年度)或 --period 2025Q2(季度简报)"
                                   " / give the period: --period 2025 or --period 2025Q2")
        new = f"{year}Q{quarter}" if quarter else str(year)
        if quarter:  # --year 2025 alone stays a quiet synonym of --period 2025
            deprecated(f"--year {year} --quarter {quarter}", f"--period {new}")
        period = parse_period(new)
    year, quarter = period.year, period.quarter
    fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
    targets: list[str | None] = [None]
    try:
        if divisions or all_townships:
            from civstat.report.data import MartReader

            with Warehouse.at(warehouse).reader() as con:
                codes = [resolve_division(con, d) for d in divisions]
                targets = [None] + list(dict.fromkeys(codes)) if all_townships else codes
                if all_townships:
                    towns = MartReader(con).scope(None).township_codes
                    targets = [None, *dict.fromkeys([*codes, *towns])]
        if len(targets) > 1:  # one report takes seconds; a county's townships a while
            names = "、".join("缺省区划 / default" if t is None else t for t in targets[:4])
            click.echo(f"生成 {len(targets)} 份({', '.join(fmts)}):{names}"
                       f"{' …' if len(targets) > 4 else ''} / rendering {len(targets)} reports …",
                       err=True)
        files = render_reports(
            year,
            divisions=targets,
            formats=fmts,
            quarter=quarter,
            out_dir=out_dir,
            money_unit=money_unit,
            warehouse=warehouse,
            narrative_dir=narrative_dir,
        )
    except NarrativeError as exc:  # the bureau's file: one line, file and line, exit 2
        fail(str(exc))
    except (WarehouseMissing, LookupError, ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    for path in files:
        click.echo(str(path))
