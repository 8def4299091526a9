"""Warehouse: the dbt project as Dagster assets (staging → intermediate → marts).

The manifest is prepared at set-up time (``python -m civstat.build prepare``, or
``prepare_if_dev()`` under ``dagster dev``) and only *read* at import. dbt sources carry
``meta.dagster.asset_key`` (["raw", t], ["ref", t], ["quality", "violations"]), so lineage runs
from the drop zone to the marts. dbt builds the working copy under the warehouse lock; the
lead's publish asset publishes afterwards.
"""

import contextlib
import os
import time
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from civstat import paths
from civstat.buildplan import plan_build, record_build
from civstat.defs.resources import WarehouseResource

KEY_PREFIX = "warehouse"

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class CivstatDbtTranslator(DagsterDbtTranslator):
    """Models and seeds live under ["warehouse", <name>]; sources keep their meta asset keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([KEY_PREFIX, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"


def mart_key(name: str) -> dg.AssetKey:
    """Asset key of a dbt model (e.g. ``mart_key("kpi_annual")``)."""
    return dg.AssetKey([KEY_PREFIX, name])


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CivstatDbtTranslator(),
    pool="duckdb_writer",
)
def civstat_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """``dbt build`` on the warehouse's working copy, holding the single-writer lock.

    A whole-project run is planned like ``civstat build`` (:mod:`civstat.buildplan`):
    incremental while the dbt code is unchanged, full after a change. A subset chosen in the UI
    builds exactly that subset and is not recorded in ``meta.build_log``.
    """
    wh = warehouse.warehouse
    with wh.lock(), _warehouse_env(wh.path):
        wh.prepare_working()
        plan = None if context.is_subset else plan_build(wh.working)
        if plan is not None:
            context.log.info(f"{plan.mode} build: {plan.reason}")
        started = time.monotonic()
        yield from dbt.cli(["build", *(plan.dbt_args() if plan else [])], context=context).stream()
        if plan is not None:
            record_build(wh.working, plan, time.monotonic() - started, orchestrator="dagster")


@contextlib.contextmanager
def _warehouse_env(path):
    """dbt's profile derives the working copy from CIVSTAT_WAREHOUSE (the published path)."""
    saved = {k: os.environ.get(k) for k in ("CIVSTAT_WAREHOUSE", "DO_NOT_TRACK")}
    os.environ["CIVSTAT_WAREHOUSE"] = str(path)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


defs = dg.Definitions(
    assets=[civstat_dbt_assets],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(paths.DBT_PROJECT_DIR))},
)
