"""A user's own tables survive a real ``civstat build`` refresh, an open ``civstat sql`` session
does not block it, and a refresh with nothing new says so and leaves the published file alone
(the demo county, built once per session by ``demo_env``; a private copy here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civstat.shell.commands import Shell
from civstat.shell.workspace import open_session
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow


def civstat(*args: str, env: dict) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("civstat")
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True,
                          check=False, timeout=1800)


def test_own_tables_survive_a_refresh_that_an_open_session_does_not_block(demo_env, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(demo_env["root"], site, ignore=shutil.ignore_patterns("*.lock", "out"))
    wh = Warehouse(site / "civstat.duckdb")
    env = {**demo_env["env"], "CIVSTAT_WAREHOUSE": str(wh.path),
           "CIVSTAT_RAW_DIR": str(site / "raw"), "CIVSTAT_REFERENCE_DIR": str(site / "reference"),
           "CIVSTAT_OUTPUT_DIR": str(site / "out"), "CIVSTAT_QUARANTINE_DIR": str(site / "q"),
           "CIVSTAT_WORKSPACE": str(tmp_path / "ws" / "me.duckdb")}

    made = civstat("sql", "CREATE TABLE mine AS SELECT count(*) AS n FROM kpi_annual", env=env)
    assert made.returncode == 0, made.stdout + made.stderr

    # nothing new since the published build: no gate, no dbt, no publish, a second or two
    inode = os.stat(wh.path).st_ino
    started = time.monotonic()
    same = civstat("build", env=env)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "没有新的变化" in same.stdout
    assert time.monotonic() - started < 30
    assert os.stat(wh.path).st_ino == inode

    # another user's shell stays open (the published file attached read-only) during a refresh
    other = Shell(open_session(wh, tmp_path / "ws" / "other.duckdb"))
    before = other.query("SELECT count(*) FROM kpi_annual").rows
    # the bureau edits a 说明 (reference data): the next ingest reads everything again
    explanations = site / "reference" / "explanations.csv"
    lines = explanations.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert len(lines) > 1, "the demo has a 说明 to edit"
    last = lines[-1][:-1] + "(补充)\"" if lines[-1].endswith('"') else lines[-1] + "(补充)"
    explanations.write_text("\n".join([*lines[:-1], last]) + "\n", encoding="utf-8")
    ingested = civstat("ingest", env=env)
    assert ingested.returncode in (0, 1), ingested.stdout + ingested.stderr
    built = civstat("build", env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "没有新的变化" not in built.stdout and "已发布" in built.stdout
    assert os.stat(wh.path).st_ino != inode  # a new file was swapped in
    assert other.query("SELECT count(*) FROM kpi_annual").rows == before
    assert any("已重新载入" in note for note in other.echo)
    other.session.close()

    kept = civstat("sql", "SELECT n FROM mine", env=env)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert str(before[0][0]) in kept.stdout
