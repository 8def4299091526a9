"""Shared test set-up: no telemetry, and dbt's target/log folders per test worker so parallel
workers never write the same files (the project's own manifest is prepared once, under a lock)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture(scope="session", autouse=True)
def _dbt_paths_per_worker(tmp_path_factory):
    from civstat.dbtrun import prepare_manifest

    prepare_manifest()
    base = tmp_path_factory.mktemp("dbt")
    saved = {k: os.environ.get(k) for k in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
    os.environ["DBT_TARGET_PATH"] = str(base / "target")
    os.environ["DBT_LOG_PATH"] = str(base / "logs")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def dbt_isolated(tmp_path_factory):
    """Give one test module its own dbt target/log folders (for modules that run dbt often)."""
    base = tmp_path_factory.mktemp("dbt")
    saved = {k: os.environ.get(k) for k in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
    os.environ.update(DBT_TARGET_PATH=str(base / "target"), DBT_LOG_PATH=str(base / "logs"))
    yield base
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _civstat(*args: str, env: dict, expect: int = 0) -> None:
    exe = Path(sys.executable).with_name("civstat")
    res = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=False)
    assert res.returncode == expect, f"civstat {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}"


def civstat_env(root: Path) -> dict:
    """The environment of a ``civstat`` process whose every folder and file is under ``root``."""
    return {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
        "CIVSTAT_WAREHOUSE": str(root / "civstat.duckdb"),
        "CIVSTAT_RAW_DIR": str(root / "raw"),
        "CIVSTAT_REFERENCE_DIR": str(root / "reference"),
        "CIVSTAT_OUTPUT_DIR": str(root / "out"),
        "CIVSTAT_QUARANTINE_DIR": str(root / "quarantine"),
    }


def _build_demo(root: Path) -> None:
    env = civstat_env(root)
    wh, raw, ref = env["CIVSTAT_WAREHOUSE"], env["CIVSTAT_RAW_DIR"], env["CIVSTAT_REFERENCE_DIR"]
    _civstat("generate", "--out", raw, "--reference", ref, env=env)
    _civstat("ingest", "--raw", raw, "--reference", ref, "--warehouse", wh, env=env)
    _civstat("build", "--warehouse", wh, env=env)  # the gate runs first: that return stays out
    _civstat("check", env=env, expect=1)  # the demo county carries planted hard failures


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory, worker_id):
    """The demo county's published warehouse, built once for the whole run: the first test
    worker to need it builds it (under a lock, in the run's shared temporary folder) and every
    worker takes a copy of its own (drop zone, reference, warehouse, reports), which its tests
    may change. The warehouse holds no absolute path, so a copy works where it lies."""
    root = tmp_path_factory.mktemp("demo")
    if worker_id == "master":  # not under xdist: build in place
        _build_demo(root)
    else:
        shared = tmp_path_factory.getbasetemp().parent / "demo_shared"
        with FileLock(f"{shared}.lock"):
            if not (shared / "built").exists():
                shutil.rmtree(shared, ignore_errors=True)
                _build_demo(shared)
                (shared / "built").touch()
        shutil.copytree(shared, root, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("built"))
    env = civstat_env(root)
    return {"root": root, "warehouse": Path(env["CIVSTAT_WAREHOUSE"]), "env": env}
