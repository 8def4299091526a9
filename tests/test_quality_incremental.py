"""The incremental gate: a quarter is evaluated again only when something its verdict depends on
changed, and evaluating a few quarters finds exactly what evaluating all of them finds there.

The fixture county (test_quality_support: six townships, 2023–2024, written row by row into
DuckDB) is broken with SQL edits whose findings need the quarters a rule looks back on."""

from __future__ import annotations

import duckdb
import pytest
from test_quality_support import PERIODS, T2, T5, build_clean, copy_return, mutate, sid

from civstat.quality import evaluate
from civstat.quality.inputs import gate as run_gate
from civstat.quality.inputs import lookback

# breaks only a look-back can see: a YTD figure below the quarter before (H6), a jump against
# last quarter (S1), a Q2 return equal to Q1's and a Q1 return equal to last year's Q4 (S10), a
# standard 20 % above the same quarter a year earlier (S2)
HISTORY_BREAKS = [
    f"UPDATE raw.dibao SET standard = 1000 WHERE submission_id = '{sid(T2, '2024Q4')}' AND category = 'urban'",
    f"UPDATE raw.dibao SET funds_ytd = 1 WHERE submission_id = '{sid(T2, '2024Q3')}' AND category = 'urban'",
    (f"UPDATE raw.dibao SET persons = persons + 120, new_persons = new_persons + 120 "
     f"WHERE submission_id = '{sid(T2, '2024Q2')}' AND category IN ('urban', 'total')"),
    *copy_return(T5, "2023Q4", "2024Q1"),
    *copy_return(T5, "2024Q1", "2024Q2"),
]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return build_clean(tmp_path_factory.mktemp("incremental") / "clean.duckdb")


@pytest.fixture(scope="module")
def broken(clean, tmp_path_factory):
    return mutate(clean, tmp_path_factory.mktemp("incremental") / "broken.duckdb", HISTORY_BREAKS)


def found(result, periods=None) -> list[tuple]:
    return sorted((v.rule_code, v.division_code, v.period, v.table_name or "", v.column_name or "",
                   v.value or "", v.message_zh) for v in result.violations
                  if periods is None or v.period in periods)


def evaluate_on(path, **kwargs):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, **kwargs)
    finally:
        con.close()


def test_lookback_is_the_year_so_far_and_the_year_before():
    year_2023 = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert lookback(["2024Q1"]) == [*year_2023, "2024Q1"]
    assert lookback(["2024Q3"]) == [*year_2023, "2024Q1", "2024Q2", "2024Q3"]
    assert lookback(["2023Q2"]) == ["2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2"]


@pytest.mark.parametrize("scope", [["2024Q1"], ["2024Q2"], ["2024Q3"], ["2024Q4"],
                                   ["2024Q1", "2024Q3"]])
def test_a_few_quarters_find_what_all_quarters_find_there(broken, scope):
    everything = evaluate_on(broken)
    some = evaluate_on(broken, periods=scope)
    rules = {v.rule_code for v in everything.violations if v.period in scope}
    assert rules, "the breaks show in every scoped quarter"
    assert found(some) == found(everything, scope)
    assert some.returns == sum(1 for _ in scope) * 6


def test_the_breaks_are_found_in_their_quarters(broken):
    hits = {(v.rule_code, v.division_code, v.period) for v in evaluate_on(broken).violations}
    assert {("H6", T2, "2024Q3"), ("S1", T2, "2024Q2"), ("S10", T5, "2024Q2"),
            ("S10", T5, "2024Q1"), ("S2", T2, "2024Q4")} <= hits


def gate(path) -> list[str]:
    """What an incremental build's gate does (quality.inputs.gate): the periods it evaluated."""
    con = duckdb.connect(str(path))
    try:
        return run_gate(con).periods
    finally:
        con.close()


def sql(path, *statements: str) -> list[tuple]:
    con = duckdb.connect(str(path))
    try:
        for s in statements[:-1]:
            con.execute(s)
        return con.execute(statements[-1]).fetchall()
    finally:
        con.close()


def test_only_what_changed_is_evaluated_again(broken, tmp_path):
    wh = mutate(broken, tmp_path / "wh.duckdb", [])
    assert gate(wh) == PERIODS  # first gate: everything
    stored = sql(wh, "SELECT period, rule_code, division_code FROM quality.violations ORDER BY ALL")
    runs = sql(wh, "SELECT count(DISTINCT run_id) FROM quality.rule_runs")[0][0]
    assert gate(wh) == []  # nothing changed: nothing evaluated, nothing recorded
    assert sql(wh, "SELECT count(DISTINCT run_id) FROM quality.rule_runs")[0][0] == runs
    assert sql(wh, "SELECT period, rule_code, division_code FROM quality.violations "
                   "ORDER BY ALL") == stored

    # a corrected 2024Q2 return (re-read: a new load time): 2024Q2 and every later quarter
    sql(wh, f"UPDATE raw.submissions SET ingested_at = ingested_at + INTERVAL 1 DAY "
            f"WHERE submission_id = '{sid(T2, '2024Q2')}'", "SELECT 1")
    assert gate(wh) == ["2024Q2", "2024Q3", "2024Q4"]
    # the earlier quarters' findings stand, untouched; the re-evaluated ones are found again
    assert sql(wh, "SELECT period, rule_code, division_code FROM quality.violations "
                   "ORDER BY ALL") == stored

    # a 说明 (reference data): every quarter, and the explanation reaches the stored finding
    sql(wh, f"INSERT INTO ref.explanations (division_code, period, rule_code, text) VALUES "
            f"('{T5}', '2024Q1', 'S10', '上季报表经核实无变化')", "SELECT 1")
    assert gate(wh) == PERIODS
    assert sql(wh, f"SELECT explanation FROM quality.violations WHERE division_code = '{T5}' "
                   "AND period = '2024Q1' AND rule_code = 'S10'") == [("上季报表经核实无变化",)]

    # a quarter withdrawn altogether: its findings go with it, nothing else is evaluated
    sql(wh, "UPDATE raw.submissions SET is_current = false WHERE period = '2024Q3'", "SELECT 1")
    assert gate(wh) == ["2024Q4"]
    assert sql(wh, "SELECT count(*) FROM quality.violations WHERE period = '2024Q3'") == [(0,)]
    assert sql(wh, "SELECT count(*) FROM quality.gate_inputs WHERE period = '2024Q3'") == [(0,)]
    assert gate(wh) == []
