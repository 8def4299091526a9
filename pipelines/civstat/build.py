"""``civstat build`` and ``civstat docs``: run the dbt project on the warehouse's working copy.

dbt's profile (``dbt_project/profiles.yml``) derives the working copy ``<stem>.build.duckdb``
from ``CIVSTAT_WAREHOUSE``, the same variable :class:`civstat.warehouse.Warehouse` reads, so
every entry point sets that variable to the published path and dbt writes beside it.
dbt runs in a subprocess: it exits, DuckDB checkpoints and releases the file, and only then is
the working copy published.

``python -m civstat.build prepare`` runs ``dbt parse`` once at set-up time so the manifest
Dagster loads (``dbt_project/target/manifest.json``) exists before anything imports it.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import click

from civstat import paths
from civstat.buildplan import BuildPlan, plan_build, record_build
from civstat.warehouse import Warehouse, WarehouseBusy

DBT_TARGET_DIR = paths.DBT_PROJECT_DIR / "target"
MANIFEST_PATH = DBT_TARGET_DIR / "manifest.json"


class DbtFailed(RuntimeError):
    """dbt exited with a non-zero status."""


class BuildOutcome(NamedTuple):
    proc: subprocess.CompletedProcess
    plan: BuildPlan | None  # None for a partial (``--select``) build


def dbt_executable() -> str:
    """The dbt entry point of the running environment."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(warehouse: Warehouse | None = None) -> dict[str, str]:
    """Environment for a dbt process: the published path in CIVSTAT_WAREHOUSE, no tracking."""
    env = dict(os.environ)
    if warehouse is not None:
        env["CIVSTAT_WAREHOUSE"] = str(Path(warehouse.path).resolve())
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(
    args: Sequence[str],
    warehouse: Warehouse | None = None,
    *,
    capture: bool = False,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run ``dbt <args>`` on the project (profiles in the project directory)."""
    cmd = [dbt_executable(), *args, "--project-dir", str(paths.DBT_PROJECT_DIR),
           "--profiles-dir", str(paths.DBT_PROJECT_DIR)]
    proc = subprocess.run(
        cmd,
        cwd=paths.DBT_PROJECT_DIR,
        env=dbt_env(warehouse),
        text=True,
        capture_output=capture,
        check=False,
    )
    if check and proc.returncode != 0:
        tail = (proc.stdout or "")[-4000:] if capture else ""
        raise DbtFailed(
            f"dbt {' '.join(args)} 失败(退出码 {proc.returncode}) / failed (exit {proc.returncode})"
            + (f"\n{tail}" if tail else "")
        )
    return proc


def prepare_manifest(warehouse: Warehouse | None = None) -> Path:
    """``dbt parse`` once, so ``target/manifest.json`` exists before Dagster imports it."""
    DBT_TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(DBT_TARGET_DIR / ".prepare.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers / processes parse one at a time
        run_dbt(["parse", "--quiet", "--target-path", str(DBT_TARGET_DIR)],
                warehouse or Warehouse.default(), capture=True)
    return MANIFEST_PATH


def build_warehouse(
    warehouse: Warehouse | None = None,
    *,
    full_refresh: bool = False,
    select: str | None = None,
    publish: bool = True,
    capture: bool = False,
    lock_timeout: float = 600.0,
    gate: bool = False,
) -> BuildOutcome:
    """Lock → (edit rules, when ``gate``) → ``dbt build`` on the working copy → publish on success.

    Whole-project builds are planned by :func:`civstat.buildplan.plan_build`: incremental (the
    ``quarterly_refresh`` selector) when the dbt code is unchanged since the last build recorded
    in ``meta.build_log``, otherwise ``--full-refresh``.

    With ``gate`` the quality gate is evaluated on the working copy first and its findings stored
    in ``quality.violations``, so the marts exclude hard-failed township-quarters (the Dagster
    pipeline does the same through the ``quality/violations`` asset).

    Raises :class:`DbtFailed` (and publishes nothing) when any model or test fails.
    """
    wh = warehouse or Warehouse.default()
    with wh.lock(timeout=lock_timeout):
        wh.prepare_working()
        if not wh.working.exists():
            raise FileNotFoundError(
                f"没有原始层数据,请先运行 civstat ingest / no raw data yet at {wh.working} "
                "(run `civstat ingest` first)"
            )
        if gate:
            run_gate(wh)
        if select:  # a partial build: exactly what was asked, not recorded as a refresh
            plan = None
            args = ["build", "--select", select, *(["--full-refresh"] if full_refresh else [])]
        else:
            plan = plan_build(wh.working, full_refresh=full_refresh)
            args = ["build", *plan.dbt_args()]
        started = time.monotonic()
        proc = run_dbt(args, wh, capture=capture)
        if plan is not None:
            record_build(wh.working, plan, time.monotonic() - started, orchestrator="cli")
        if publish:
            wh.publish()
    return BuildOutcome(proc, plan)


def run_gate(wh: Warehouse):
    """Evaluate every edit rule on the working copy and store the findings."""
    import duckdb

    from civstat.quality import evaluate, store

    con = duckdb.connect(str(wh.working))
    try:
        result = evaluate(con)
        store(con, result)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result


@click.command("build")
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库路径 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--full-refresh", is_flag=True,
              help="强制全量重建(dbt 模型代码变更时会自动全量) / force a full rebuild "
                   "(a change to the dbt project triggers one by itself)")
@click.option("--select", "-s", "select", default=None, help="dbt 选择器 / dbt node selection")
@click.option("--no-publish", is_flag=True, help="只构建工作副本,不发布 / build the working copy only")
@click.option("--gate/--no-gate", default=True, show_default=True,
              help="构建前运行审核规则并写入 quality.violations / run the edit rules first")
def build_command(warehouse_path: Path | None, full_refresh: bool, select: str | None,
                  no_publish: bool, gate: bool) -> None:
    """dbt 构建数仓并原子发布 / build the warehouse with dbt and publish it atomically."""
    wh = Warehouse.at(warehouse_path)
    started = time.monotonic()
    try:
        outcome = build_warehouse(wh, full_refresh=full_refresh, select=select,
                                  publish=not no_publish, gate=gate)
    except DbtFailed as exc:
        raise click.ClickException(f"{exc}\n未发布,已发布的仓库保持不变 / nothing published; "
                                   f"the published warehouse is unchanged ({wh.path})") from None
    except (WarehouseBusy, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    took = time.monotonic() - started
    if outcome.plan is not None:
        mode = "全量" if outcome.plan.is_full else "增量"
        click.echo(f"{mode}构建 / {outcome.plan.mode} build: {outcome.plan.reason}")
    if no_publish:
        click.echo(f"已构建工作副本 / built the working copy {wh.working} ({took:.1f} s)")
    else:
        click.echo(f"已发布 / published {wh.path} ({took:.1f} s)")


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
    except (DbtFailed, WarehouseBusy) as exc:
        raise click.ClickException(str(exc)) from None
    index = DBT_TARGET_DIR / "index.html"
    click.echo(f"文档已生成 / docs generated: {index}")
    if not serve:
        return
    click.echo(f"浏览 / browse: http://127.0.0.1:{port}  (Ctrl-C 结束 / to stop)")
    try:
        run_dbt(["docs", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-browser"], wh,
                check=False)
    except KeyboardInterrupt:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m civstat.build prepare`` — parse the dbt project (write the manifest)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["prepare"]:
        print(prepare_manifest())
        return 0
    print("usage: python -m civstat.build prepare", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
