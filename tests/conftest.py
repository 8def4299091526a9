"""Shared test set-up: no telemetry, and dbt's target/log folders per test worker so parallel
workers never write the same files (the project's own manifest is prepared once, under a lock)."""

from __future__ import annotations

import os

import pytest

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
