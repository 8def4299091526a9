"""The Dagster dbt assets: lineage from the raw/ref/quality assets, and a real in-process run."""

from __future__ import annotations

import json
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
    counts = {e.asset_key: e.materialization.metadata.get("dagster/row_count")
              for e in result.get_asset_materialization_events()}
    with duckdb.connect(str(wh.working), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpi_annual").fetchone()[0] > 0
        before = con.execute("SELECT count(*) FROM kpi_quarterly").fetchone()[0]
        # every model and seed dbt built says how many rows it holds, read from the copy
        for name in ("kpi_quarterly", "fct_recipients", "stg_dibao", "kpi_definitions"):
            (schema,) = con.execute(
                "SELECT schema_name FROM duckdb_tables() WHERE table_name = $1 UNION ALL "
                "SELECT schema_name FROM duckdb_views() WHERE view_name = $1", [name]).fetchone()
            n = con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0]
            assert counts[warehouse_defs.mart_key(name)].value == n > 0, name
    assert all(counts[k] is not None for k in warehouse_defs.civstat_dbt_assets.keys)

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


def _node(name: str, path: str, parents=(), columns=(), kind="model") -> tuple[str, dict]:
    uid = f"{kind}.civstat.{name}"
    return uid, {"name": name, "resource_type": kind, "fqn": ["civstat", *path.split("/"), name],
                 "depends_on": {"nodes": list(parents)}, "columns": {c: {} for c in columns},
                 "config": {}, "meta": {}}


def test_groups_follow_the_programme_catalogue(warehouse_defs, tmp_path):
    """A new programme's staging (reading raw.<its table>) and what only it feeds sit in its
    domain; models across programmes by what they are about."""
    import shutil
    from pathlib import Path

    from civstat.contract import CONTRACT_DIR, load_contract

    root = tmp_path / "contract"  # the contract + the fixture programme 冬春生活救助 (disaster_relief)
    shutil.copytree(CONTRACT_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copy(Path(__file__).parent / "fixtures" / "programmes" / "winter_relief.yaml",
                root / "programmes" / "winter_relief.yaml")
    contract = load_contract(root)
    nodes = dict([
        _node("stg_dibao", "staging", ["source.civstat.raw.dibao"]),
        _node("stg_winter_relief", "staging/generated", ["source.civstat.raw.winter_relief"]),
        _node("fct_winter_relief", "marts", ["model.civstat.stg_winter_relief", "model.civstat.int_subq"]),
        _node("int_subq", "intermediate", ["source.civstat.raw.submissions"]),
        _node("int_flows_long", "intermediate", ["model.civstat.stg_dibao", "model.civstat.stg_winter_relief"]),
        _node("kpi_quarterly", "marts/periodic", ["model.civstat.int_flows_long"]),
        _node("quality_status", "marts", ["model.civstat.int_subq"]),
        _node("kpi_definitions", "", kind="seed"),
    ])
    sources = {f"source.civstat.raw.{t}": {"name": t, "source_name": "raw"}
               for t in ("dibao", "winter_relief", "submissions")}
    groups = {uid.split(".")[-1]: g for uid, g in
              warehouse_defs.dbt_groups({"nodes": nodes, "sources": sources}, contract).items()}
    assert groups == {"stg_dibao": "social_assistance", "stg_winter_relief": "disaster_relief",
                      "fct_winter_relief": "disaster_relief", "int_subq": "warehouse_core",
                      "int_flows_long": "warehouse_core", "kpi_quarterly": "kpi",
                      "quality_status": "quality", "kpi_definitions": "kpi"}


def test_fact_tables_come_from_the_manifest(warehouse_defs):
    """Every mart with a submission_id is checked for blocked returns — a new one too."""
    from civstat.quality.marts import MART_TABLES, facts_of

    nodes = dict([
        _node("fct_funds", "marts/periodic", columns=["submission_id", "period"]),
        _node("fct_new_programme", "marts", columns=["submission_id"]),
        _node("kpi_quarterly", "marts/periodic", columns=["period"]),
        _node("quality_status", "marts", columns=["submission_id", "status"]),
        _node("stg_dibao", "staging", columns=["submission_id"]),
    ])
    assert facts_of({"nodes": nodes}) == ["fct_funds", "fct_new_programme"]
    manifest = {"nodes": json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["nodes"]}
    assert list(MART_TABLES) == facts_of(manifest)
    assert {"fct_recipients", "fct_funds", "fct_disaster_losses"} <= set(MART_TABLES)
