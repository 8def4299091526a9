"""``civstat ingest`` — read the drop zone into the raw layer and publish it."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from civstat import paths
from civstat.warehouse import Warehouse, WarehouseBusy


@click.command("ingest")
@click.option("--raw", "raw_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="投递目录 / drop zone (default data/raw)")
@click.option("--reference", "reference_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="参考数据目录 / reference CSVs (default data/reference)")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库 / published warehouse (default $CIVSTAT_WAREHOUSE)")
@click.option("--period", "periods", multiple=True, help="只读取这些季度,如 2024Q4 / only these quarters")
@click.option("--quarantine", "quarantine_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="隔离目录 / quarantine folder (default data/quarantine)")
def ingest_command(raw_dir, reference_dir, warehouse_path, periods, quarantine_dir) -> None:
    """读取季报进入原始层并发布 / read the returns into the raw layer and publish.

    退出码 / exit: 0 全部读取 / all loaded; 1 有文件被隔离 / something quarantined; 2 用法或环境错误.
    """
    from civstat.ingest import ingest

    console = Console()
    raw = (raw_dir or paths.raw_dir()).resolve()
    if not raw.is_dir():
        console.print(f"[red]投递目录不存在 / drop zone not found: {raw}[/]")
        sys.exit(2)
    wh = Warehouse.at(warehouse_path)
    try:
        with wh.lock(), wh.connect_writer() as con:
            result = ingest(con, raw, reference_dir or paths.reference_dir(),
                            periods=list(periods) or None, quarantine_dir=quarantine_dir,
                            progress=True)
        wh.publish()
    except WarehouseBusy as exc:
        console.print(f"[red]{exc}[/]")
        sys.exit(2)

    table = Table(title="季报读取结果 / ingest summary")
    table.add_column("状态 / status")
    table.add_column("文件数 / files", justify="right")
    for label, items in (("已读取 / loaded", result.loaded), ("更正重报 / resubmitted", result.resubmitted),
                         ("已读取过,跳过 / already loaded", result.skipped),
                         ("隔离 / quarantined", result.quarantined)):
        table.add_row(label, str(len(items)))
    console.print(table)
    if result.reference and result.reference.rejected:
        for file, row, column, zh, _ in result.reference.rejected:
            console.print(f"[yellow]参考数据被拒 / reference row refused: {file} 第{row}行 [{column}] {zh}[/]")
    for item in result.quarantined:
        console.print(f"[red]隔离 / quarantined:[/] {item.message_zh}\n    {item.message_en}")
    console.print(f"已发布 / published: {wh.path}")
    sys.exit(0 if result.ok else 1)
