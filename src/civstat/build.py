"""``civstat build`` and ``civstat docs``: the refresh (:mod:`civstat.refresh`) and dbt's docs
from the command line. Exit status of ``build``: 0 published (or built, with ``--no-publish``, or nothing changed
since the published build); 1 dbt or a check failed, nothing published; 2 usage or set-up error
(no raw data, a ``--select`` that selects nothing, the writer lock not had within
``CIVSTAT_LOCK_TIMEOUT``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from civstat.dbtrun import DbtFailed, run_dbt
from civstat.refresh import BuildFailed, refresh
from civstat.warehouse import NotPublishable, Warehouse, WarehouseBusy


@click.command("build")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库路径 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--full-refresh", is_flag=True,
              help="强制全量重建(dbt 模型代码变更时会自动全量) / force a full rebuild "
                   "(a change to the dbt project triggers one by itself)")
@click.option("--select", "-s", "select", default=None,
              help="dbt 选择器;部分构建只写工作副本,不发布 / dbt node selection "
                   "(a partial build is never published)")
@click.option("--no-publish", is_flag=True, help="只构建工作副本,不发布 / build the working copy only")
@click.option("--gate/--no-gate", default=True, show_default=True,
              help="构建前运行审核规则并写入 quality.violations;--no-gate 的构建不能发布 / run the "
                   "edit rules first (a build without them cannot be published)")
def build_command(warehouse_path: Path | None, full_refresh: bool, select: str | None,
                  no_publish: bool, gate: bool) -> None:
    """dbt 构建数仓并原子发布 / build the warehouse with dbt and publish it atomically."""
    wh = Warehouse.at(warehouse_path)
    started = time.monotonic()
    from civstat.quality import QualityRuleError, QualitySetupError

    if select is not None:
        problem = check_selection(select, wh)
        if problem:
            click.echo(f"错误 / error: {problem}", err=True)
            click.echo(f"未构建、未发布 / nothing built or published ({wh.path} unchanged)",
                       err=True)
            sys.exit(2)
    click.echo("写锁 → 审核 → 计划 → dbt 构建 → 检查 → 发布 … / lock → edit rules → plan → dbt "
               "build → checks → publish …", err=True)
    try:
        outcome = refresh(wh, full_refresh=full_refresh, select=select,
                          publish=not no_publish, gate=gate)
    except (DbtFailed, BuildFailed, NotPublishable, QualityRuleError) as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        click.echo(f"未发布,已发布的仓库保持不变 / nothing published; the published warehouse is "
                   f"unchanged ({wh.path})", err=True)
        sys.exit(1)
    except (WarehouseBusy, FileNotFoundError, QualitySetupError) as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
    took = time.monotonic() - started
    if outcome.unchanged:
        click.echo(f"没有新的变化,未运行审核和 dbt,未重新发布 / nothing changed: the edit rules "
                   f"and dbt did not run, nothing republished ({took:.1f} s)\n{outcome.unchanged}\n"
                   "(civstat build --full-refresh 强制重建 / to rebuild anyway)")
        return
    if outcome.gate is not None:
        from civstat.quality.cli import gate_line

        click.echo(gate_line(outcome.gate))
    if outcome.plan is not None:
        mode = "全量" if outcome.plan.is_full else "增量"
        click.echo(f"{mode}构建 / {outcome.plan.mode} build: {outcome.plan.reason}")
    if outcome.published:
        click.echo(f"已发布 / published {wh.path} ({took:.1f} s)")
    else:
        why = "部分构建不发布 / a partial build is not published" if select else ""
        click.echo(f"已构建工作副本 / built the working copy {wh.working} ({took:.1f} s)"
                   + (f";{why}" if why else ""))


def check_selection(select: str, wh: Warehouse) -> str | None:
    """Why ``--select`` cannot build anything (None: it selects nodes), asked of ``dbt ls``
    before the lock, the gate or any build."""
    proc = run_dbt(["ls", "--select", select, "--output", "name", "--quiet",
                    "--resource-type", "model", "--resource-type", "seed",
                    "--resource-type", "test", "--resource-type", "unit_test"],
                   wh, capture=True, check=False)
    names = [line for line in (proc.stdout or "").splitlines() if line.strip()]
    if proc.returncode != 0:
        tail = (proc.stdout or proc.stderr or "").strip().splitlines()[-3:]
        return (f"dbt 选择器 {select!r} 无效 / invalid dbt selection {select!r}: "
                + " ".join(tail))
    if not names:
        return (f"dbt 选择器 {select!r} 没有选中任何模型,请检查名称(dbt ls 列出全部)/ "
                f"--select {select!r} matches no model, seed or test (`dbt ls` lists them)")
    return None


@click.command("docs")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="仓库路径 / warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--port", default=8580, show_default=True, help="本机端口 / port on localhost")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="生成后启动本机文档服务 / serve after generating")
def docs_command(warehouse_path: Path | None, port: int, serve: bool) -> None:
    """生成并在本机浏览 dbt 文档 / build and serve dbt docs on localhost."""
    wh = Warehouse.at(warehouse_path)
    try:
        with wh.lock():
            wh.prepare_working()
            run_dbt(["docs", "generate"], wh, capture=True)
    except DbtFailed as exc:
        raise click.ClickException(str(exc)) from None
    except WarehouseBusy as exc:  # a set-up condition: exit 2
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
    index = wh.dbt_target / "index.html"
    click.echo(f"文档已生成 / docs generated: {index}")
    if not serve:
        return
    click.echo(f"浏览 / browse: http://127.0.0.1:{port}  (Ctrl-C 结束 / to stop)")
    try:
        run_dbt(["docs", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-browser"], wh,
                check=False)
    except KeyboardInterrupt:
        pass
