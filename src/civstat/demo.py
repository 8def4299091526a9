"""``civstat demo``: the whole pipeline on the bundled demo county, orchestrated by Dagster.

generate (only when the drop zone is empty) → ingest every quarter → edit rules → dbt build →
publish → quality report → year-end summaries. Runs go into the local Dagster instance
(.dagster_home), so `make dev` shows them afterwards.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from pathlib import Path

import click
from rich.console import Console

from civstat import paths

console = Console()
# Dagster's step-by-step DEBUG lines drown the summary; runs keep full logs in .dagster_home.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
REPORT_OP = "reports__year_end_summary"  # the op of the asset reports/year_end_summary


def load_definitions():
    from civstat.dbtrun import prepare_manifest
    from civstat.definitions import defs

    prepare_manifest()
    return defs()


def run_pipeline(*, years: list[str] | None = None, formats: str = "html,pdf,xlsx,docx") -> dict:
    """Run the Dagster jobs in process on the project's drop zone; return a summary."""
    import dagster as dg

    from civstat.defs.instance import ensure_dagster_home
    from civstat.defs.partitions import add_partitions_for, quarter_folders

    ensure_dagster_home()
    definitions = load_definitions()
    instance = dg.DagsterInstance.get()
    folders = quarter_folders(paths.raw_dir())
    keys = [f.name for f in folders]
    add_partitions_for(instance, keys)

    for key in keys:
        console.print(f"[bold]读取[/] {key} …")
        result = definitions.resolve_job_def("ingest_quarter").execute_in_process(
            partition_key=key, instance=instance, raise_on_error=True, run_config=QUIET
        )
        assert result.success
    console.print("[bold]审核 → 构建 → 发布[/] …")
    # dagster-dbt echoes every dbt event to stdout: keep it in a log file beside the warehouse
    log = paths.warehouse_path().with_name("refresh.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with (open(log, "w", encoding="utf-8") as fh, DbtProgress(log, sys.stdout),
          contextlib.redirect_stdout(fh)):
        refreshed = definitions.resolve_job_def("refresh_warehouse").execute_in_process(
            instance=instance, raise_on_error=False, run_config=QUIET
        )
    console.print(f"  dbt 运行日志 / dbt log: {log}")
    if not refreshed.success:
        failed = [e.step_key for e in refreshed.all_events if e.is_step_failure]
        raise RefreshFailed(
            f"刷新失败(步骤 {', '.join(failed) or '?'}),未发布,已发布的仓库保持不变;详见 {log} 和 "
            f"make dev / the refresh failed (steps {', '.join(failed) or '?'}): nothing published, "
            f"the published warehouse is unchanged; see {log} and the run in `make dev`")
    report_years = years or sorted({k[:4] for k in keys if _year_complete(keys, k[:4])})
    for year in report_years:
        console.print(f"[bold]年度总结[/] {year} …")
        definitions.resolve_job_def("year_end_report").execute_in_process(
            partition_key=year, instance=instance, raise_on_error=True,
            run_config={**QUIET, "ops": {REPORT_OP: {"config": {"formats": formats}}}},
        )
    return {"quarters": keys, "years": report_years}


class DbtProgress:
    """While the refresh writes dbt's lines into its log, show one line that counts them:
    ``dbt 87/229 fct_funds`` (every 2 s on a terminal, every 20 nodes otherwise)."""

    NODE = re.compile(r"(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)\S*\s+(?:created |"
                      r"loaded |)(?:sql |seed |)(?:\w+ model |file |)?([\w.:]+)")

    def __init__(self, log: Path, out) -> None:
        self.log, self.out = log, out
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.tty = bool(getattr(out, "isatty", lambda: False)())

    def __enter__(self) -> DbtProgress:  # noqa: PYI034
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        done, total, last, told = 0, 0, "", 0
        pos = 0
        while True:
            finished = self.stop.wait(2.0)
            try:
                with open(self.log, encoding="utf-8", errors="replace") as fh:
                    fh.seek(pos)
                    chunk = fh.read()
                    pos = fh.tell()
            except OSError:
                chunk = ""
            for m in self.NODE.finditer(chunk):
                done, total, last = max(done, int(m.group(1))), int(m.group(2)), m.group(3)
            if total and (self.tty or done - told >= 20 or (finished and done != told)):
                took = time.monotonic() - self.started
                line = f"  dbt {done}/{total} {last[:40]} ({took:.0f} s)"
                self.out.write(("\r" + line.ljust(70)) if self.tty else line + "\n")
                self.out.flush()
                told = done
            if finished:
                if self.tty and total:
                    self.out.write("\n")
                return


class RefreshFailed(RuntimeError):
    """A step of the refresh failed; nothing was published."""


def still_quarantined(warehouse) -> list[str]:
    """One line per file of the drop zone that stays quarantined (read from the published
    warehouse, where the ingest recorded it)."""
    from civstat.warehouse import Warehouse, WarehouseMissing

    try:
        con = Warehouse.at(warehouse).connect_reader()
    except WarehouseMissing:
        return []
    try:
        return [line for (line,) in con.execute(
            "SELECT message_zh FROM raw.quarantine WHERE resolved_at IS NULL ORDER BY file_path"
        ).fetchall()]
    finally:
        con.close()


def _year_complete(keys: list[str], year: str) -> bool:
    return f"{year}Q4" in keys


@click.command()
@click.option("--seed", type=int, default=None, help="演示数据随机种子 / generator seed")
def demo_command(seed: int | None) -> None:
    """生成演示县(若 data/raw 为空)并运行完整流程 / run the whole pipeline on the demo county."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from civstat.defs.partitions import quarter_folders

    raw = paths.raw_dir()
    if not quarter_folders(raw):
        from civstat.generate import generate

        console.print(f"[bold]生成演示县[/] → {raw}")
        kwargs = {"seed": seed} if seed is not None else {}
        generate(raw, paths.reference_dir(), **kwargs)
    try:
        summary = run_pipeline()
    except RefreshFailed as exc:
        console.print(f"[red]{exc}[/]")
        sys.exit(1)

    from civstat.quality.cli import print_summary_for_published

    hard = print_summary_for_published(paths.warehouse_path(), paths.output_dir() / "quality")
    console.print(f"\n[bold green]完成[/] 季度: {', '.join(summary['quarters'])}")
    console.print(f"已发布数仓: {paths.warehouse_path()}  (civstat sql \"SELECT * FROM kpi_annual LIMIT 10\")")
    console.print(f"报告: {paths.output_dir()}")
    if hard:
        console.print(f"[yellow]质量闸门拦截 {hard} 条硬性审核错误,相应乡镇季度未发布(见质量报告)[/]")
    refused = still_quarantined(paths.warehouse_path())
    if refused:
        console.print(f"[red]{len(refused)} 个文件被拒收,仍在隔离中(见 {paths.quarantine_dir()}) / "
                      f"{len(refused)} files refused and still quarantined:[/]")
        for line in refused:
            console.print(f"  {line}", markup=False)
        sys.exit(1)
