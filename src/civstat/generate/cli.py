"""`civstat generate` — write the demo county (or a province-scale load) as township returns."""

from __future__ import annotations

from pathlib import Path

import click

from civstat import paths


@click.command("generate")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="季报输出目录 / returns folder (default data/raw)",
)
@click.option(
    "--reference",
    "reference",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="参照数据目录 / reference CSV folder (default data/reference)",
)
@click.option("--seed", type=int, default=20241231, show_default=True,
              help="随机种子 / random seed")
@click.option(
    "--scale", type=click.Choice(["county", "city", "province"]), default="county",
    show_default=True,
    help="county=演示县 city=一个地级市(4个县) province=省级规模 / the demo county, a city of "
         "four counties, or a province-scale load",
)
@click.option(
    "--years", default="2024,2025", show_default=True, help="年份,逗号分隔 / comma-separated years"
)
@click.option("--clean", is_flag=True, help="不加入格式杂乱的文件 / no messy files")
@click.option("--force", is_flag=True, help="覆盖已有季度目录 / overwrite existing quarter folders")
def generate_command(out, reference, seed, scale, years, clean, force) -> None:
    """生成演示县或省级规模数据 / generate the demo county or province-scale returns.

    退出码 / exit: 0 已生成 / written; 2 用法错误或季度目录已存在(--force 覆盖)/ usage error
    or the quarter folders exist already (--force overwrites).
    """
    from civstat.generate import generate

    try:
        year_list = tuple(int(y) for y in years.replace(",", ",").split(",") if y.strip())
    except ValueError as exc:
        raise click.BadParameter(f"年份格式错误 / bad years: {years}") from exc
    try:
        summary = generate(
            out or paths.raw_dir(),
            reference or paths.reference_dir(),
            seed=seed,
            scale=scale,
            years=year_list,
            messy=not clean,
            force=force,
        )
    except FileExistsError as exc:  # a set-up condition, not a failure: exit 2, one line
        from civstat.cliutil import fail

        fail(str(exc))
    click.echo(
        f"已生成 {summary['returns']} 份季报、{len(summary['files'])} 个文件 / wrote {summary['returns']} "
        f"returns, {len(summary['files'])} files → {summary['out_dir']}"
    )
    click.echo(f"参照数据 / reference CSVs → {summary['reference_dir']}")
