"""``civstat report`` — render the year-end summary or a quarterly brief."""

from __future__ import annotations

import click


@click.command()
@click.option("--year", type=int, required=True, help="报告年度 / report year")
@click.option(
    "--division",
    "divisions",
    multiple=True,
    help="乡镇(街道)区划代码,可重复;缺省为全县 / township code (repeatable); default: the county",
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
    help="季度简报(1—本季度累计) / quarterly brief, year to date",
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
    year, divisions, all_townships, formats, quarter, out_dir, money_unit, narrative_dir, warehouse
):
    """生成年度民政工作总结(HTML/PDF/DOCX/XLSX) / render the year-end summary."""
    from civstat.report import render_reports
    from civstat.report.narrative import NarrativeError
    from civstat.warehouse import Warehouse

    fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
    targets: list[str | None] = list(divisions) or [None]
    if all_townships:
        from civstat.report.data import MartReader

        with Warehouse.at(warehouse).reader() as con:
            towns = MartReader(con).scope(None).township_codes
        targets = [None, *towns]
    try:
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
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from exc
    except (LookupError, ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    for path in files:
        click.echo(str(path))
