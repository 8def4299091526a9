"""Refreshing the warehouse: readers are never blocked, and incremental builds are exact.

A separate process holds a read-only connection on the published warehouse while a new
quarter and a corrected return are added and `build_warehouse` rebuilds and publishes; the
reader keeps its consistent old view and the refresh completes while it is open. The
incremental result is then compared with a full refresh of the same raw data.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import duckdb
import pytest
from test_dbt_support import T1, T2, add_return, build_fixture_warehouse

from civstat import workstate
from civstat.refresh import MART_TABLES, blocked_rows_in_marts, refresh, run_gate
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow

READER = textwrap.dedent("""
    import json, sys, duckdb
    path = sys.argv[1]
    q = "SELECT count(*), sum(value), max(period) FROM kpi_quarterly"
    con = duckdb.connect(path, read_only=True)
    print(json.dumps(con.execute(q).fetchone()), flush=True)
    sys.stdin.readline()                       # hold the connection while the refresh runs
    print(json.dumps(con.execute(q).fetchone()), flush=True)
    con.close()                                # DuckDB reuses an open instance per path
    fresh = duckdb.connect(path, read_only=True)
    print(json.dumps(fresh.execute(q).fetchone()), flush=True)
""")



def build_warehouse(wh: Warehouse, **kwargs):
    """The fixture's returns come with their own quality verdicts (``quality.violations``
    written by the fixture), so these builds take them as the gate's instead of evaluating the
    edit rules on synthetic data."""
    return refresh(wh, gate=False, **kwargs)


MARTS = ("kpi_quarterly", "kpi_annual", "fct_funds", "fct_recipients", "fct_eldercare_beds",
         "fct_assistance_cases", "fct_veteran_placement", "fct_welfare_subsidies",
         "intermediate.int_division_measures", "quality_status")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, dbt_isolated):
    """Initial build; then, with a reader holding the published file open, add 2024Q1 and a
    corrected 2023Q1 return for T1 and refresh incrementally."""
    wh = Warehouse(tmp_path_factory.mktemp("wh") / "civstat.duckdb")
    build_fixture_warehouse(wh.working)
    workstate.mark_file(wh.working, "gate")
    first = build_warehouse(wh, capture=True)

    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh.path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        before = json.loads(reader.stdout.readline())
        with duckdb.connect(str(wh.working)) as con:
            for code in (T1, T2):
                add_return(con, code, 2024, 1)
            correction = add_return(con, T1, 2023, 1, version=2)
        second = build_warehouse(wh, capture=True, lock_timeout=5)
        reader_alive_after_publish = reader.poll() is None
        reader.stdin.write("go\n")
        reader.stdin.flush()
        same_connection = json.loads(reader.stdout.readline())
        new_connection = json.loads(reader.stdout.readline())
        reader.wait(timeout=30)
    finally:
        if reader.poll() is None:
            reader.kill()
    return {"wh": wh, "before": before, "same": same_connection, "new": new_connection,
            "alive": reader_alive_after_publish, "correction": correction,
            "plans": (first.plan, second.plan)}


def test_reader_keeps_a_consistent_view_and_does_not_block(refreshed):
    assert refreshed["alive"], "the refresh had to wait for the reader"
    assert refreshed["same"] == refreshed["before"]
    assert refreshed["before"][2] == "2023Q4"
    assert refreshed["new"][2] == "2024Q1"
    assert refreshed["new"][0] > refreshed["before"][0]


def test_first_build_is_full_and_the_refresh_incremental(refreshed):
    first, second = refreshed["plans"]
    assert (first.mode, second.mode) == ("full", "incremental")
    assert "首次构建" in first.reason
    assert second.dbt_args() == ["--selector", "quarterly_refresh"]
    with refreshed["wh"].reader() as con:
        log = con.execute("SELECT mode, orchestrator FROM meta.build_log ORDER BY built_at").fetchall()
    assert log == [("full", "cli"), ("incremental", "cli")]


def test_correction_flows_into_later_increments(refreshed):
    wh = refreshed["wh"]
    corrected_q1 = {r["category"]: r["funds_ytd"] for r in refreshed["correction"]["dibao"]
                    if not r["is_total"]}
    with wh.reader() as con:
        q2_ytd, q2_quarter = con.execute(
            "SELECT funds_ytd, funds_quarter FROM fct_funds WHERE division_code = ? AND "
            "period = '2023Q2' AND programme_code = 'dibao' AND category = 'urban'", [T1]).fetchone()
        q1 = con.execute("SELECT funds_ytd, submission_id FROM fct_funds WHERE division_code = ? AND "
                         "period = '2023Q1' AND programme_code = 'dibao' AND category = 'urban'",
                         [T1]).fetchone()
    assert q1 == (corrected_q1["urban"], refreshed["correction"]["submissions"][0]["submission_id"])
    assert q2_quarter == pytest.approx(q2_ytd - corrected_q1["urban"])


def _table(con, name):
    cols = [c[0] for c in con.execute(f"DESCRIBE {name}").fetchall()]
    order = ", ".join(f'"{c}"' for c in cols)
    return con.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()


def test_incremental_equals_full_refresh(refreshed, tmp_path):
    wh = refreshed["wh"]
    full = Warehouse(tmp_path / "full.duckdb")
    shutil.copy2(wh.working, full.working)
    build_warehouse(full, full_refresh=True, capture=True)
    with wh.reader() as a, full.reader() as b:
        for mart in MARTS:
            assert _table(a, mart) == _table(b, mart), mart


def test_refresh_without_new_returns_changes_nothing(refreshed, tmp_path):
    """Nothing new: every period's fingerprint matches, the incremental marts rebuild no
    period (`in_refresh` renders `false`) and the published tables stay as they were."""
    wh = Warehouse(tmp_path / "civstat.duckdb")  # same file name: the views keep their catalog
    shutil.copy2(refreshed["wh"].working, wh.working)
    with duckdb.connect(str(wh.working), read_only=True) as con:
        before = {m: _table(con, m) for m in MARTS}
    outcome = build_warehouse(wh, capture=True)
    assert outcome.plan.mode == "incremental"
    with wh.reader() as con:
        for mart in MARTS:
            assert _table(con, mart) == before[mart], mart


def test_a_period_whose_returns_are_all_blocked_is_emptied(tmp_path):
    """A new verdict blocks every return of some periods. An incremental refresh must remove
    those periods' rows — delete+insert alone would keep them, since no new row names them —
    and the built copy passes the leak check and publishes."""
    wh = Warehouse(tmp_path / "civstat.duckdb")
    build_fixture_warehouse(wh.working)
    workstate.mark_file(wh.working, "gate")
    refresh(wh, gate=False, capture=True)
    with wh.reader() as con:
        before = dict(con.execute("SELECT period, count(*) FROM fct_funds GROUP BY 1").fetchall())
    with wh.lock():
        verdict = run_gate(wh)  # the real edit rules: the synthetic returns break many
    emptied = {p for p in before
               if {c for c, q in verdict.blocked if q == p} >= {T1, T2} and p >= "2023Q1"}
    assert emptied, "the fixture should block every return of some period"
    outcome = refresh(wh, gate=False, capture=True)
    assert outcome.plan.mode == "incremental" and outcome.published
    with wh.reader() as con:
        after = dict(con.execute("SELECT period, count(*) FROM fct_funds GROUP BY 1").fetchall())
        leaks = blocked_rows_in_marts(con, MART_TABLES)
        kpi_periods = {p for (p,) in con.execute(
            "SELECT DISTINCT period FROM kpi_quarterly WHERE division_level = 'township'").fetchall()}
    assert set(leaks.values()) == {0}
    assert not emptied & set(after)
    assert not emptied & kpi_periods
