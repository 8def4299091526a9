"""`civstat template` — write the blank return template."""

from __future__ import annotations

from pathlib import Path

import click

from civstat.template.book import TEMPLATE_NAME, write_template


@click.command("template")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="输出路径 / output path (default reports/output/template/乡镇民政统计季报模板.xlsx)",
)
def template_command(out: Path | None) -> None:
    """写出空白季报模板 / write the blank return template (.xlsx)."""
    from civstat import paths

    target = write_template(out or paths.output_dir() / "template" / TEMPLATE_NAME)
    click.echo(f"模板已写出 / template written: {target}")
