"""The Dagster dbt assets: lineage from the raw/ref/quality assets, and a real in-process run."""

from __future__ import annotations

import os

import dagster as dg
import duckdb
import pytest
from test_dbt_support import T1, add_return, build_fixture_warehouse

from civstat import workstate
from civstat.contract import load_contract
from civstat.dbtrun import MANIFEST_PATH, dbt_executable, prepare_manifest
from civstat.defs.pipeline import PUBLISH_KEY, publish_asset
from civstat.warehouse import Warehouse


@pytest.fixture(scope="module")
def warehouse_defs():
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    prepare_manifest()  # the manifest Dagster reads must match the project as it is now
    assert MANIFEST_PATH.exists()
    from civstat.defs import warehouse

    return warehouse


def test_sources_are_the_upstream_assets(warehouse_defs):
    assets = warehouse_defs.civstat_dbt_assets
    deps = {d.asset_key for spec in assets.specs for d in spec.deps}
    upstream = {k for k in deps if k.path[0] != warehouse_defs.KEY_PREFIX}
    expected = {dg.AssetKey(["raw", s.table]) for s in load_contract().sheets}
    expected |= {dg.AssetKey(["raw", "submissions"]), dg.AssetKey(["quality", "violations"]),
                 dg.AssetKey(["ref", "divisions"]), dg.AssetKey(["ref", "plan_targets"])}
    assert expected <= upstream
    keys = set(assets.keys)
    for mart in ("kpi_quarterly", "kpi_annual", "kpi_plan_completion", "fct_funds", "dim_division"):
        assert warehouse_defs.mart_key(mart) in keys
    # data tests surface as asset checks
    assert any(c.asset_key == warehouse_defs.mart_key("kpi_quarterly") for c in assets.check_specs)


def test_materialize_in_process(warehouse_defs, tmp_path):
    from dagster_dbt import DbtCliResource

    from civstat.defs.resources import WarehouseResource

    wh = Warehouse(tmp_path / "civstat.duckdb")
    build_fixture_warehouse(wh.working)

    def materialize(*also):
        return dg.materialize(
            [warehouse_defs.civstat_dbt_assets, *also],
            resources={"dbt": DbtCliResource(project_dir=warehouse_defs.dbt_project,
                                             dbt_executable=dbt_executable()),
                       "warehouse": WarehouseResource(path=str(wh.path))},
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )

    result = materialize()
    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert warehouse_defs.mart_key("kpi_annual") in materialized
    assert warehouse_defs.mart_key("stg_dibao") in materialized  # first build: everything
    # dbt wrote the working copy; publishing is the lead's publish asset's job
    assert not wh.path.exists()
    with duckdb.connect(str(wh.working), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpi_annual").fetchone()[0] > 0
        before = con.execute("SELECT count(*) FROM kpi_quarterly").fetchone()[0]

    # a new quarter arrives: the second run is incremental (code unchanged) and adds it
    with wh.lock(), wh.connect_writer() as con:
        add_return(con, T1, 2024, 1)
    publish = publish_asset(list(warehouse_defs.civstat_dbt_assets.keys))
    # without the edit rules on the new quarter the build cannot be published
    ungated = materialize(publish)
    assert not ungated.success
    assert not wh.path.exists()
    # the fixture's returns come with their own verdicts (quality.violations): take them as the
    # gate's, as the quality_gate asset would mark them after evaluating the rules
    workstate.mark_file(wh.working, "gate")
    result = materialize(publish)
    assert result.success
    events = {e.asset_key: e.materialization for e in result.get_asset_materialization_events()}
    assert warehouse_defs.mart_key("kpi_quarterly") in events
    # views stay as they are, reported as unchanged so that the publish step downstream runs
    assert "civstat/refresh" in events[warehouse_defs.mart_key("stg_dibao")].metadata
    assert "civstat/refresh" not in events[warehouse_defs.mart_key("kpi_quarterly")].metadata
    assert set(events) >= set(warehouse_defs.civstat_dbt_assets.keys) | {PUBLISH_KEY}
    with wh.reader() as con:  # the publish step ran after the incremental build
        assert con.execute("SELECT count(*) FROM kpi_quarterly WHERE period = '2024Q1'").fetchone()[0]
    with duckdb.connect(str(wh.working), read_only=True) as con:
        log = con.execute("SELECT mode, orchestrator FROM meta.build_log ORDER BY built_at").fetchall()
        periods = {r[0] for r in con.execute("SELECT period FROM kpi_quarterly").fetchall()}
        after = con.execute("SELECT count(*) FROM kpi_quarterly").fetchone()[0]
    # the ungated run built but could not publish; the next one built again, incrementally
    assert log == [("full", "dagster"), ("incremental", "dagster"), ("incremental", "dagster")]
    assert "2024Q1" in periods and after > before
