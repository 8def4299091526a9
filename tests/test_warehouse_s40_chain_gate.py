"""Edit rule S13 (a stock revised at year end changed during the year) after a merger chain of
two steps inside one quarter: 西岭乡 re-coded as 西岭镇 on 2017-02-01 and 西岭镇 merged into
马店镇 on 2017-03-01. 西岭镇 was never in force at a quarter's end and sent no return, so
马店镇's 2017Q1 return continues its own 2016Q4 return and 西岭乡's.

Before, the gate's q_prev view took only townships whose successor_code is the return's own
(one step): 西岭乡's last return was left out of 马店镇's previous quarter, and S13 asked 马店镇 to
explain a change of its 表15 stocks that was only the merger. The same chain of one step
(西岭乡 straight into 马店镇) did not; a real change is still caught.

Returns written cell by cell (tests/handmade.py) and read into a DuckDB file on disk."""

from __future__ import annotations

import duckdb
import handmade as hm
import pytest

from civstat.ingest import ingest
from civstat.quality import evaluate

COUNTY = hm.COUNTY
A, A2, C = "371599131000", "371599132000", "371599133000"   # 西岭乡, 西岭镇, 马店镇
NAMES = {A: "西岭乡", C: "马店镇"}
T15 = "表15 基层政权与社区建设"
HEADER = ["村民委员会(个)", "居民委员会(个)", "村(居)委会成员(人)", "其中:女性(人)",
          "书记主任“一肩挑”(个)", "建有综合服务设施的村(居)(个)", "村务公开规范化的村(个)",
          "社区工作者(人)", "持证社会工作者(人)"]
# 表15 of each township's 2016Q4 return
OWN = {A: [12, 0, 50, 15, 9, 10, 11, 3, 1], C: [21, 3, 90, 30, 18, 20, 19, 12, 6]}
MERGED = [a + c for a, c in zip(OWN[A], OWN[C], strict=True)]   # 马店镇 from 2017Q1

CHAINS = {
    # 西岭乡 → 西岭镇 (one month) → 马店镇
    "two_steps": [(A, "西岭乡", "乡", "2000-01-01", "2017-01-31", A2),
                  (A2, "西岭镇", "镇", "2017-02-01", "2017-02-28", C)],
    "one_step": [(A, "西岭乡", "乡", "2000-01-01", "2017-02-28", C)],
}


def write_divisions(ref, chain: str) -> None:
    hm.write_history(ref, [(C, "马店镇", "马店", "镇", "2000-01-01", "", ""),
                           *((code, name, name[:2], kind, start, end, successor)
                             for code, name, kind, start, end, successor in CHAINS[chain])])


def s13(tmp_path, chain: str, q1: list[int]):
    """马店镇 and 西岭乡's 2016Q4 returns, 马店镇's 2017Q1 with 表15 ``q1``; S13's findings."""
    returns = {(A, "2016Q4"): OWN[A], (C, "2016Q4"): OWN[C], (C, "2017Q1"): q1}
    for (code, period), t15 in returns.items():
        hm.write_xlsx(tmp_path / "raw" / period / f"{NAMES[code]}.xlsx",
                      hm.quarter_cover(NAMES[code], code, period),
                      {**hm.quarter_sheets(period), T15: [HEADER, t15]})
    write_divisions(tmp_path / "reference", chain)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    try:
        ingest(con, tmp_path / "raw", tmp_path / "reference", quarantine_dir=tmp_path / "q")
        assert hm.quarantine_rows(con) == []
        result = evaluate(con, rules=["S13", "H11", "H12"])
    finally:
        con.close()
    return result


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_merger_alone_asks_for_no_explanation(tmp_path, chain):
    result = s13(tmp_path, chain, MERGED)
    assert [(v.rule_code, v.division_code, v.period, v.column_name) for v in result.violations] == []


def test_a_real_change_after_a_two_step_merger_is_still_caught(tmp_path):
    changed = list(MERGED)
    changed[2] += 4   # 村(居)委会成员: 140 + 4
    result = s13(tmp_path, "two_steps", changed)
    found = [(v.rule_code, v.division_code, v.period, v.sheet, v.source_row, v.column_name,
              v.severity) for v in result.violations]
    assert found == [("S13", C, "2017Q1", T15, 2, "committee_members", "soft")]
    (v,) = result.violations
    want_now, want_prev = OWN[A][2] + OWN[C][2] + 4, OWN[A][2] + OWN[C][2]
    assert f"本期 {want_now}" in v.message_zh and f"{want_prev}" in v.message_zh
