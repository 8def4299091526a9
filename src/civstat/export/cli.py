"""``civstat export``: the marts of the published warehouse for other tools.

Exit status: 0 written; 2 usage or set-up error (no published warehouse, an unknown table).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import duckdb

from civstat import paths

FORMATS = ("xlsx", "parquet", "duckdb1")


def _formats(value: str) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"只能是 {', '.join(FORMATS)} 的组合 / any of "
                                 f"{', '.join(FORMATS)}: {value!r}")
    return chosen


@click.command("export")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True,
              help="xlsx=一个工作簿(每个集市表一个工作表,中文表头) parquet=每表一个文件 "
                   "duckdb1=DuckDB 1.x 可打开的副本(缺省 1.0 起) / xlsx: one workbook, a sheet per mart; "
                   "parquet: a file per mart; duckdb1: a copy DuckDB 1.x opens (1.0 on, by default)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录,缺省 <output>/export / output folder (default reports/output/export)")
@click.option("--table", "tables", multiple=True,
              help="只导出这些集市表(可重复) / only these marts (repeatable; xlsx and parquet)")
@click.option("--header", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="XLSX 表头:中文(列注释)或英文列名 / XLSX headers: Chinese or column names")
@click.option("--storage-version", default=None, metavar="v1.0.0",
              help="DuckDB 副本的存储版本,缺省 v1.0.0(DuckDB 1.0 起均可打开);v1.4.0 只有 1.4 "
                   "起可打开 / storage version of the DuckDB copy (default v1.0.0: any DuckDB "
                   "from 1.0 opens it)")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
def export_command(formats: str, out_dir: Path | None, tables: tuple[str, ...], header: str,
                   storage_version: str | None, warehouse_path: Path | None) -> None:
    """导出数据集市:Excel 工作簿、Parquet、DuckDB 1.x 副本 / export the marts: one Excel
    workbook, Parquet files, a DuckDB 1.x-readable copy."""
    from civstat.export.writers import (
        COMPAT_STORAGE,
        marts,
        storage_header,
        write_compat_copy,
        write_marts_parquet,
        write_marts_xlsx,
    )
    from civstat.shell.workspace import open_session
    from civstat.warehouse import Warehouse, WarehouseMissing

    try:
        chosen = _formats(formats)
    except click.BadParameter as exc:
        raise click.UsageError(exc.format_message()) from None
    wh = Warehouse.at(warehouse_path)
    try:
        session = open_session(wh, keep=False)
    except WarehouseMissing as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
    out = (out_dir or paths.output_dir() / "export").resolve()
    con, catalog = session.con, session.alias
    stem = wh.path.stem

    def step(label: str):
        def say(name: str) -> None:
            click.echo(f"  {label}: {name}", err=True)
        return say

    try:
        try:
            marts(con, catalog, tables)  # unknown names: fail before writing anything
        except ValueError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            sys.exit(2)
        started = time.monotonic()
        if "xlsx" in chosen:
            target = out / f"{stem}_集市.xlsx"
            written = write_marts_xlsx(con, catalog, target, only=tables, header=header,
                                       progress=step("xlsx"))
            click.echo(f"已导出 / written: {target}({len(written)} 个工作表 / sheets)")
        if "parquet" in chosen:
            folder = out / "parquet"
            files = write_marts_parquet(con, catalog, folder, only=tables,
                                        progress=step("parquet"))
            click.echo(f"已导出 / written: {folder}/({len(files)} 个 Parquet 文件 / files)")
        if "duckdb1" in chosen:
            target = out / f"{stem}_duckdb1.duckdb"
            storage = storage_version or COMPAT_STORAGE
            try:
                copied = write_compat_copy(con, catalog, target, storage=storage,
                                           progress=step("duckdb1"))
            except duckdb.Error as exc:
                click.echo(f"错误 / error: DuckDB 副本未写出 / the DuckDB copy failed: {exc}",
                           err=True)
                sys.exit(2)
            since = "1.0" if storage_header(target) == 64 else storage.lstrip("v")[:3]
            click.echo(f"已导出 / written: {target}({len(copied)} 个表,存储版本 {storage},"
                       f"DuckDB {since} 及以上可打开 / {len(copied)} tables, storage {storage}: "
                       f"DuckDB {since} and later open it)")
        click.echo(f"用时 / took {time.monotonic() - started:.1f} s")
    finally:
        session.close()
