"""The quality gate in Dagster: the violations asset, per-rule checks on the raw assets, and the
blocking publication check on the marts — run in process on a fixture warehouse."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from test_quality_support import T2, build_clean, mutate, sid

from civstat import workstate
from civstat.defs.quality import (
    MART_TABLES,
    RULE_RUNS_KEY,
    SOFT_CHECK,
    VIOLATIONS_KEY,
    blocked_rows_in_marts,
    check_name,
    edit_rule_checks,
    quality_gate,
)
from civstat.defs.resources import WarehouseResource
from civstat.quality import load_catalogue

BREAK_H4 = (f"UPDATE raw.tekun SET dispersed = dispersed - 2 WHERE submission_id = "
            f"'{sid(T2, '2024Q2')}' AND category IN ('rural', 'total')")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return build_clean(tmp_path_factory.mktemp("dg") / "clean.duckdb")


@pytest.fixture
def broken(clean, tmp_path):
    """A published warehouse with one hard failure (城北街道 2024Q2, H4)."""
    return mutate(clean, tmp_path / "civstat.duckdb", [BREAK_H4])


def test_code_location_wires_the_gate():
    from civstat.dbtrun import prepare_manifest
    from civstat.definitions import defs

    prepare_manifest()
    graph = defs().resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    assert VIOLATIONS_KEY in keys and RULE_RUNS_KEY in keys
    assert dg.AssetKey(["raw", "tekun"]) in graph.get(VIOLATIONS_KEY).parent_keys
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    catalogue = load_catalogue()
    hard = [r for r in catalogue.rules if r.is_hard]
    assert ("raw/tekun", check_name("H4")) in checks
    assert {n for _, n in checks if n.startswith("edit_rule_H")} == {check_name(r.code) for r in hard}
    # every hard rule on every raw table it reads; the soft rules on every raw table
    for sheet in catalogue.contract.sheets:
        assert ("raw/" + sheet.table, SOFT_CHECK) in checks
        for rule in catalogue.rules_for(sheet.table):
            if rule.is_hard:
                assert ("raw/" + sheet.table, check_name(rule.code)) in checks
    assert ("raw/youfu", check_name("H7")) in checks and ("raw/submissions", check_name("H7")) in checks
    assert ("raw/submissions", SOFT_CHECK) in checks
    assert MART_TABLES and "fct_funds" in MART_TABLES and "quality_status" not in MART_TABLES
    for mart in MART_TABLES:
        assert (f"warehouse/{mart}", "no_blocked_returns_published") in checks
        assert dg.AssetKey(["warehouse", mart]) in keys  # a real dbt model, not a stub


def test_publication_checks_are_blocking():
    from civstat.defs.quality import no_blocked_returns_published

    specs = list(no_blocked_returns_published().check_specs)
    assert len(specs) == len(MART_TABLES) and all(s.blocking for s in specs)


def test_violations_asset_stores_into_the_working_copy(broken):
    wh = WarehouseResource(path=str(broken))
    result = dg.materialize([quality_gate], resources={"warehouse": wh})
    assert result.success
    meta = result.asset_materializations_for_node("quality_gate")[0].metadata
    assert meta["hard"].value == 1  # the rural row; H4 checks detail rows, the 合计 row adds up
    con = duckdb.connect(str(wh.warehouse.working), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT rule_code, division_code, period FROM quality.violations").fetchall()
        runs = con.execute("SELECT count(*) FROM quality.rule_runs").fetchone()[0]
    finally:
        con.close()
    assert rows == [("H4", T2, "2024Q2")]
    assert runs == len(load_catalogue().rules)
    state = workstate.read_file(wh.warehouse.working)  # the same mark `civstat build` leaves
    assert state.seq["gate"] > state.seq["raw"]


def test_raw_checks_fail_the_broken_rule_only(broken):
    raw_specs = [dg.AssetSpec(["raw", t]) for t in ("submissions", "dibao", "tekun", "temp_assist",
                                                    "med_assist", "disaster_events",
                                                    "eldercare_institutions", "youfu", "welfare")]
    defs = dg.Definitions(
        assets=raw_specs,
        asset_checks=[edit_rule_checks],
        resources={"warehouse": WarehouseResource(path=str(broken))},
        jobs=[dg.define_asset_job("checks", selection=dg.AssetSelection.checks(edit_rule_checks))],
    )
    result = defs.resolve_job_def("checks").execute_in_process(tags={"dagster/partition": "2024Q2"})
    assert result.success
    evals = {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}
    failed = evals[("tekun", check_name("H4"))]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert [k for k, e in evals.items() if not e.passed] == [("tekun", check_name("H4"))]
    assert evals[("submissions", SOFT_CHECK)].severity == dg.AssetCheckSeverity.WARN
    assert evals[("tekun", SOFT_CHECK)].passed


def test_blocked_rows_in_marts_counts_leaks(tmp_path):
    path = tmp_path / "marts.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE quality_status (submission_id VARCHAR, status VARCHAR)")
        con.execute("INSERT INTO quality_status VALUES ('a', 'published'), ('b', 'blocked')")
        for mart in MART_TABLES:
            con.execute(f"CREATE TABLE {mart} (submission_id VARCHAR)")
            con.execute(f"INSERT INTO {mart} VALUES ('a')")
        assert set(blocked_rows_in_marts(con).values()) == {0}
        con.execute("INSERT INTO fct_recipients VALUES ('b'), ('b')")
        assert blocked_rows_in_marts(con)["fct_recipients"] == 2
    finally:
        con.close()


def test_gate_in_a_quarter_run_evaluates_that_quarter_and_later(broken):
    """A refresh of 2024Q3 re-evaluates 2024Q3 and 2024Q4 (their rules compare with earlier
    quarters), not 2024Q2 — whose stored findings stay as they were."""
    wh = WarehouseResource(path=str(broken))
    assert dg.materialize([quality_gate], resources={"warehouse": wh}).success
    result = dg.materialize([quality_gate], resources={"warehouse": wh},
                            tags={"dagster/partition": "2024Q3"})
    assert result.success
    meta = result.asset_materializations_for_node("quality_gate")[1].metadata
    assert meta["periods"].value == "2024Q3, 2024Q4"
    con = duckdb.connect(str(wh.warehouse.working), read_only=True)
    try:
        kept = con.execute("SELECT DISTINCT rule_code, period FROM quality.violations "
                           "WHERE severity = 'hard'").fetchall()
    finally:
        con.close()
    assert kept == [("H4", "2024Q2")]
