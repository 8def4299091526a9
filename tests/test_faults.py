"""Fault injection: real processes killed with SIGKILL at named points and mid-dbt, builds that
fail, refreshes that race. After each, the published warehouse is byte-identical to before, and
the next ordinary command recovers with no manual step.

The county is the generator's clean demo (18 townships, 2025Q1–Q3 built and published); each
test adds 2025Q4 to a copy of it and breaks the refresh of that quarter somewhere.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from civstat import workstate
from civstat.generate import generate
from civstat.ingest import ingest
from civstat.refresh import refresh
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow
CIVSTAT = str(Path(sys.executable).with_name("civstat"))


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    """Q1–Q3 ingested, gated, built and published; Q4's returns kept aside in ``q4/``."""
    base = tmp_path_factory.mktemp("county")
    generate(base / "all", base / "reference", years=[2025], messy=False)
    (base / "raw").mkdir()
    for q in ("2025Q1", "2025Q2", "2025Q3"):
        shutil.copytree(base / "all" / q, base / "raw" / q)
    shutil.copytree(base / "all" / "2025Q4", base / "q4")
    wh = Warehouse(base / "wh" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, base / "raw", base / "reference", quarantine_dir=base / "quarantine")
    assert result.ok
    refresh(wh, capture=True)
    return base


@pytest.fixture()
def site(county, tmp_path) -> Path:
    """A private copy of the county, with 2025Q4 dropped into the drop zone."""
    shutil.copytree(county, tmp_path / "site", ignore=shutil.ignore_patterns("*.lock"))
    site = tmp_path / "site"
    shutil.copytree(site / "q4", site / "raw" / "2025Q4")
    return site


def _env(site: Path, fault: str | None = None) -> dict[str, str]:
    env = {**os.environ, "CIVSTAT_WAREHOUSE": str(site / "wh" / "civstat.duckdb"),
           "CIVSTAT_RAW_DIR": str(site / "raw"), "CIVSTAT_REFERENCE_DIR": str(site / "reference"),
           "CIVSTAT_QUARANTINE_DIR": str(site / "quarantine"), "CIVSTAT_LOCK_TIMEOUT": "600"}
    env.pop("CIVSTAT_FAULT", None)
    if fault:
        env["CIVSTAT_FAULT"] = fault
    return env


def _civstat(site: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CIVSTAT, *args], env=_env(site, fault), capture_output=True, text=True,
                          check=False,
                          timeout=600)


def _published(site: Path) -> bytes:
    return (site / "wh" / "civstat.duckdb").read_bytes()


def _quarters(path: Path, table: str = "kpi_quarterly") -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [p for (p,) in con.execute(
            f"SELECT DISTINCT period FROM {table} ORDER BY period").fetchall()]
    finally:
        con.close()


def _recovers(site: Path, before: bytes) -> None:
    """The published file is as it was; ingest + build bring Q4 in and publish it."""
    assert _published(site) == before
    ingest_run = _civstat(site, "ingest")
    assert ingest_run.returncode == 0, ingest_run.stdout + ingest_run.stderr
    assert _published(site) == before  # ingest never publishes
    build = _civstat(site, "build")
    assert build.returncode == 0, build.stdout + build.stderr
    assert "已发布" in build.stdout
    assert _quarters(site / "wh" / "civstat.duckdb")[-1] == "2025Q4"
    assert not list((site / "wh").glob(".*.publishing.duckdb"))


@pytest.mark.parametrize("point", ["writer.before_checkpoint"])
def test_ingest_killed_publishes_nothing_and_the_next_run_recovers(site, point):
    before = _published(site)
    killed = _civstat(site, "ingest", fault=point)
    assert killed.returncode == -signal.SIGKILL
    _recovers(site, before)


@pytest.mark.parametrize("point", ["build.after_gate", "build.after_dbt", "publish.after_copy"])
def test_build_killed_publishes_nothing_and_the_next_build_recovers(site, point):
    before = _published(site)
    assert _civstat(site, "ingest").returncode == 0
    killed = _civstat(site, "build", fault=point)
    assert killed.returncode == -signal.SIGKILL
    assert _published(site) == before
    working = site / "wh" / "civstat.build.duckdb"
    if point == "build.after_dbt":  # dbt finished but was never recorded: next build is full
        assert workstate.read_file(working).build_interrupted
    _recovers(site, before)
    if point == "build.after_dbt":
        con = duckdb.connect(str(site / "wh" / "civstat.duckdb"), read_only=True)
        mode, reason = con.execute(
            "SELECT mode, reason FROM meta.build_log ORDER BY built_at DESC LIMIT 1").fetchone()
        con.close()
        assert mode == "full" and "中断" in reason


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _wait_for_dbt(parent: subprocess.Popen, timeout: float = 120) -> int:
    """The pid of the dbt process the build started, once dbt has begun running models."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(parent.pid):
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(part.endswith(b"/dbt") for part in cmd[:2]) and b"build" in cmd:
                time.sleep(4)  # let it get into the models
                return child
        time.sleep(0.1)
    raise AssertionError("dbt never started")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
    return " Z " not in stat


@pytest.mark.parametrize("victim", ["parent", "dbt"])
def test_build_killed_while_dbt_runs(site, victim):
    """kill -9 of `civstat build` (its dbt child dies with it, holding the lock until then) or
    of dbt itself: nothing is published, the next build is a full one and publishes."""
    before = _published(site)
    assert _civstat(site, "ingest").returncode == 0
    build = subprocess.Popen([CIVSTAT, "build"], env=_env(site), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    dbt_pid = _wait_for_dbt(build)
    os.kill(build.pid if victim == "parent" else dbt_pid, signal.SIGKILL)
    _out, err = build.communicate(timeout=120)
    if victim == "dbt":
        assert build.returncode == 1 and "未发布" in err
    deadline = time.monotonic() + 30
    while _alive(dbt_pid) and time.monotonic() < deadline:  # no orphan writer survives
        time.sleep(0.1)
    assert not _alive(dbt_pid)
    assert _published(site) == before
    assert workstate.read_file(site / "wh" / "civstat.build.duckdb").build_interrupted
    _recovers(site, before)


def test_a_failed_build_is_never_published_by_what_comes_next(site):
    """The issue's repro: a reference table dbt needs is broken, the build fails; the next
    ingest repairs the reference data but publishes nothing; the next build publishes."""
    before = _published(site)
    assert _civstat(site, "ingest").returncode == 0
    working = site / "wh" / "civstat.build.duckdb"
    con = duckdb.connect(str(working))  # a reference table dbt reads, gone: dbt must fail
    con.execute("DROP TABLE ref.plan_targets")
    con.close()
    failed = _civstat(site, "build")
    assert failed.returncode == 1 and "未发布" in failed.stderr
    assert _published(site) == before
    assert workstate.read_file(working).build_interrupted
    for cmd in (("ingest",), ("ingest", "--period", "2025Q4")):  # reloads ref.plan_targets
        assert _civstat(site, *cmd).returncode == 0
        assert _published(site) == before
    with Warehouse(site / "wh" / "civstat.duckdb").lock(), pytest.raises(Exception, match="未发布"):
        Warehouse(site / "wh" / "civstat.duckdb").publish()
    ok = _civstat(site, "build")
    assert ok.returncode == 0, ok.stderr
    assert "全量" in ok.stdout  # after a failed build, never incremental
    assert _quarters(site / "wh" / "civstat.duckdb")[-1] == "2025Q4"


def test_two_refreshes_at_once_take_turns(site):
    assert _civstat(site, "ingest").returncode == 0
    first = subprocess.Popen([CIVSTAT, "build"], env=_env(site), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    _wait_for_dbt(first)
    second = _civstat(site, "build")
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert "等待写锁" in second.stderr and f"pid {first.pid}" in second.stderr
    # the second ran after the first had published: it found nothing new and built nothing
    assert "没有新的变化" in second.stdout
    con = duckdb.connect(str(site / "wh" / "civstat.duckdb"), read_only=True)
    builds = con.execute("SELECT built_at, seconds FROM meta.build_log ORDER BY built_at").fetchall()
    con.close()
    assert len(builds) == 2  # the fixture's, then the first refresh's


def test_lock_wait_gives_up_with_exit_2(site):
    wh = Warehouse(site / "wh" / "civstat.duckdb")
    before = _published(site)
    with wh.lock():
        env = {**_env(site), "CIVSTAT_LOCK_TIMEOUT": "1"}
        for cmd in (["build"], ["ingest"]):
            run = subprocess.run([CIVSTAT, *cmd], env=env, capture_output=True, text=True, check=False,
                                 timeout=120)
            assert run.returncode == 2, (cmd, run.stdout, run.stderr)
            assert "等待写锁" in run.stderr and "CIVSTAT_LOCK_TIMEOUT" in run.stdout + run.stderr
    assert _published(site) == before


DAGSTER_REFRESH = """
import dagster as dg
from civstat.demo import QUIET, load_definitions
with dg.instance_for_test() as instance:
    load_definitions().resolve_job_def("refresh_warehouse").execute_in_process(
        instance=instance, raise_on_error=False, run_config=QUIET)
"""


def test_a_dagster_run_killed_while_dbt_runs_takes_dbt_with_it(site):
    """kill -9 of a Dagster run (in-process executor: the run's process starts dbt through
    dagster-dbt, which passes no lock and no PDEATHSIG): its dbt dies with it (civstat-dbt), no
    orphan keeps writing the working copy unlocked; nothing is published, the CLI recovers.
    Before: dbt built on after the run was gone, and the next `civstat build` failed on
    DuckDB's file lock."""
    before = _published(site)
    assert _civstat(site, "ingest").returncode == 0
    run = subprocess.Popen([sys.executable, "-c", DAGSTER_REFRESH], env=_env(site),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dbt_pid = _wait_for_dbt(run, timeout=300)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    deadline = time.monotonic() + 30
    while _alive(dbt_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(dbt_pid)
    assert _published(site) == before
    _recovers(site, before)


def test_a_build_leaves_the_manifest_dagster_loads_alone(site):
    """`civstat build` writes dbt's artifacts in the warehouse's own target folder: the
    project's target/manifest.json, which Dagster's code server loads, is not rewritten under
    it (before: rewritten in place by every build, `dbt ls` and `docs`; a code server loading it
    then read a truncated file)."""
    from civstat.dbtrun import MANIFEST_PATH, prepare_manifest

    prepare_manifest()
    stamp = MANIFEST_PATH.stat().st_mtime_ns, MANIFEST_PATH.stat().st_ino
    assert _civstat(site, "ingest").returncode == 0
    env = _env(site)
    for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):  # as a statistician runs it, not as tests do
        env.pop(name, None)
    build = subprocess.run([CIVSTAT, "build"], env=env, capture_output=True, text=True,
                           check=False, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert (MANIFEST_PATH.stat().st_mtime_ns, MANIFEST_PATH.stat().st_ino) == stamp
    assert (site / "wh" / ".civstat.dbt" / "manifest.json").is_file()
    assert (site / "wh" / ".civstat.dbt" / "run_results.json").is_file()
