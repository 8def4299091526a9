"""Three faults of the edit-rule gate, on returns written cell by cell (tests/handmade.py, the
helpers of tests/test_quality_s30_boundaries.py), read by the reader into a DuckDB file on disk:

* S1 skipped a category going from no one to some (0 → 50 城市低保): a division by a zero base
  was left out instead of flagged; now flagged, its message saying the category had no one. Nor
  did it compare a category last quarter's return had no row for; now it is as from none.
* S9 took a year-to-date figure starting the year on a few hundred 元 for a unit slip (慈善募集
  200 元 in Q1, 860,000 元 after the 慈善一日捐 in Q2: 4,300 ×); now a base below the rule's
  `min_base` is not tested — a slip of this quarter's own figure still is.
* H5 blocked a right return because the quarter before it was wrong (a cascade): now a return
  whose previous return failed H5 is checked against the last return that passed, with the flows
  of every quarter since; the wrong return keeps its own finding.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import handmade as hm
from test_quality_s30_boundaries import T1, TOWN, cover, found, gate, sheets, with_dibao

from civstat.ingest import ingest
from civstat.quality import evaluate

T12 = "表12 福利彩票与慈善"
URBAN = [100, 200, 0, 0, 0, 0]   # 期末户数, 期末人数, 新增户数, 新增人数, 退出户数, 退出人数: no change


# -- S1 ------------------------------------------------------------------------------------------
def test_s1_flags_a_category_that_had_no_one_last_quarter(tmp_path):
    rural = [300, 600, 10, 20, 0, 0]
    result = gate(tmp_path, {
        # 马店: no 城市低保 in Q2, 50 persons of 20 households in Q3
        (hm.MADIAN, "2024Q2"): with_dibao("2024Q2", [0, 0, 0, 0, 0, 0, 0.0], rural),
        (hm.MADIAN, "2024Q3"): with_dibao("2024Q3", [20, 50, 20, 50, 0, 0, 30_000.0], rural),
        # 白庙: none in either quarter — no change
        (hm.BAIMIAO, "2024Q2"): with_dibao("2024Q2", [0, 0, 0, 0, 0, 0, 0.0], rural),
        (hm.BAIMIAO, "2024Q3"): with_dibao("2024Q3", [0, 0, 0, 0, 0, 0, 0.0], rural),
    }, rules=["S1"])
    assert found(result) == [
        ("S1", "soft", hm.MADIAN, "2024Q3", T1, 2, "persons",
         f"{T1}第2行城市低保:低保人数由上季(2024Q2)0 变为 50(上季该类别无保障对象)")]
    (v,) = result.violations
    assert "%" not in v.message_zh and "%" not in v.message_en
    assert v.message_en.endswith("→ 50 (none in this category last quarter)")
    assert v.expected == "上季无低保对象,本季新增的对象请说明"


def test_s1_flags_a_category_last_quarters_return_had_no_row_for(tmp_path):
    """A rural township's Q2 表1 has no 城市低保 row at all (a clerk deletes the row she has nothing
    for); Q3 reports 50 persons: as from none, flagged, saying the row was not there. A township
    whose Q2 return is missing altogether is no change from anything (S1 says nothing)."""
    rural = [300, 600, 10, 20, 0, 0]
    no_urban = with_dibao("2024Q2", None, rural)
    del no_urban[T1][1]
    assert [row[0] for row in no_urban[T1][1:]] == ["农村低保"]
    result = gate(tmp_path, {
        (hm.MADIAN, "2024Q2"): no_urban,
        (hm.MADIAN, "2024Q3"): with_dibao("2024Q3", [20, 50, 20, 50, 0, 0, 30_000.0], rural),
        (hm.BAIMIAO, "2024Q3"): with_dibao("2024Q3", [20, 50, 20, 50, 0, 0, 30_000.0], rural),
    }, rules=["S1"])
    assert found(result) == [
        ("S1", "soft", hm.MADIAN, "2024Q3", T1, 2, "persons",
         f"{T1}第2行城市低保:低保人数由上季(2024Q2)0 变为 50(上季报表没有该类别的行)")]
    (v,) = result.violations
    assert v.message_en.endswith("→ 50 (no row of this category last quarter)")
    assert v.expected == "上季无低保对象,本季新增的对象请说明"


# -- S9 ------------------------------------------------------------------------------------------
def with_charity(period: str, donations: float) -> dict[str, hm.Rows]:
    """The canonical return with 表12, its 慈善募集款物折款 (元, 1月至本期) alone filled."""
    book = sheets(period)
    book[T12] = [["福利彩票销售额(元)", "筹集彩票公益金(元)", "慈善募集款物折款(元)", "慈善救助(人次)"],
                 [None, None, donations, None]]
    return book


def test_s9_a_small_first_quarter_base_also_names_last_quarters_return(tmp_path):
    """From a small base the ratio cannot tell a genuine small Q1 (one donation, then the 慈善一日捐)
    from a Q1 typed in 万元: still flagged (a figure published 10,000 times too small is the worst
    outcome; a 说明 the cheapest), the message naming last quarter's return too. A slip in this
    quarter's return, from a large base, is worded as before."""
    madian_q1, madian_q2 = 200.0, 860_000.0    # one donation, then the 慈善一日捐 — or 86 万元
    baimiao_q1, baimiao_q2 = 12_000.0, 2.4     # Q2's 2.4 万元 typed in the 元 column
    result = gate(tmp_path, {
        (hm.MADIAN, "2024Q1"): with_charity("2024Q1", madian_q1),
        (hm.MADIAN, "2024Q2"): with_charity("2024Q2", madian_q2),
        (hm.BAIMIAO, "2024Q1"): with_charity("2024Q1", baimiao_q1),
        (hm.BAIMIAO, "2024Q2"): with_charity("2024Q2", baimiao_q2),
    }, rules=["S9"])
    assert sorted((v.division_code, v.period, v.sheet, v.source_row, v.column_name)
                  for v in result.violations) == sorted([
        (hm.BAIMIAO, "2024Q2", T12, 2, "charity_donations_ytd"),
        (hm.MADIAN, "2024Q2", T12, 2, "charity_donations_ytd")])
    by = {v.division_code: v for v in result.violations}
    slip = by[hm.BAIMIAO].message_zh
    assert f"约为上季(2024Q1)12,000元(1.2万元) 的 1/{round(baimiao_q1 / baimiao_q2)} 倍" in slip
    assert slip.endswith("疑似单位填错(元与万元)")
    small = by[hm.MADIAN].message_zh
    assert f"的 {round(madian_q2 / madian_q1)} 倍,疑似单位填错(元与万元)" in small
    assert small.endswith(";上季数额很小,也可能是上季的报表按万元填报:请核对上季报表,确为小额请说明")


# -- H5 ------------------------------------------------------------------------------------------
RURAL_Q1 = [300, 660, 10, 20, 0, 0]   # 660 at the end of Q1; 20 new, none exited so far this year
RURAL_Q2 = [305, 700, 15, 30, 5, 10]  # 10 new, 10 exited in Q2: 660 is right, 700 typed
Q2_EXPECTED = RURAL_Q1[1] + (RURAL_Q2[3] - RURAL_Q1[3]) - (RURAL_Q2[5] - RURAL_Q1[5])
Q2_MESSAGE = (f"{T1}第3行农村低保:上期(2024Q1)期末 {RURAL_Q1[1]} + 本季新增 {RURAL_Q2[3] - RURAL_Q1[3]} "
              f"− 本季退出 {RURAL_Q2[5] - RURAL_Q1[5]} = {Q2_EXPECTED},但本期期末为 {RURAL_Q2[1]}")


def h5(tmp_path: Path, rural: dict[str, list], periods: list[str] | None = None):
    return gate(tmp_path, {(hm.MADIAN, p): with_dibao(p, URBAN, r) for p, r in rural.items()},
                rules=["H5"], periods=periods)


def test_h5_a_right_return_after_a_wrong_one_is_not_blocked(tmp_path):
    # Q3: 15 new and 5 exited in the quarter, on the 660 Q2 should have said
    q3 = [310, Q2_EXPECTED + 15 - 5, 20, 45, 10, 15]
    returns = {"2024Q1": RURAL_Q1, "2024Q2": RURAL_Q2, "2024Q3": q3}
    result = h5(tmp_path, returns)
    assert found(result) == [("H5", "hard", hm.MADIAN, "2024Q2", T1, 3, "persons", Q2_MESSAGE)]
    assert result.blocked == [(hm.MADIAN, "2024Q2")]
    # the same verdict when the gate evaluates Q3 alone (an incremental build)
    assert h5(tmp_path / "alone", returns, ["2024Q3"]).violations == []


def test_h5_a_return_wrong_against_both_names_the_last_that_passed(tmp_path):
    q3 = [310, 690, 20, 45, 10, 15]     # neither 700 + 15 − 5 nor 660 + Q2's and Q3's flows
    result = h5(tmp_path, {"2024Q1": RURAL_Q1, "2024Q2": RURAL_Q2, "2024Q3": q3})
    new, exited = q3[3] - RURAL_Q1[3], q3[5] - RURAL_Q1[5]     # Q2 and Q3 together
    assert found(result) == [
        ("H5", "hard", hm.MADIAN, "2024Q2", T1, 3, "persons", Q2_MESSAGE),
        ("H5", "hard", hm.MADIAN, "2024Q3", T1, 3, "persons",
         (f"{T1}第3行农村低保:2024Q1期末 {RURAL_Q1[1]} + 2024Q2至本季新增 {new} − 2024Q2至本季退出 {exited} "
          f"= {RURAL_Q1[1] + new - exited},但本期期末为 {q3[1]}(2024Q2 的报表本项未通过审核,已另行列出;"
          "本期按最近一期通过审核的 2024Q1 报表衔接)"))]
    # one carrying Q2's 700 forward agrees with Q2, not with Q1's 660 and the flows since: before,
    # it passed, and 2024Q3's 710 was published on a stock that was never published
    carried = [310, RURAL_Q2[1] + 15 - 5, 20, 45, 10, 15]
    result = h5(tmp_path / "carried", {"2024Q1": RURAL_Q1, "2024Q2": RURAL_Q2, "2024Q3": carried})
    assert result.blocked == [(hm.MADIAN, "2024Q2"), (hm.MADIAN, "2024Q3")]
    assert result.violations[1].message_zh == (
        f"{T1}第3行农村低保:2024Q1期末 {RURAL_Q1[1]} + 2024Q2至本季新增 {new} − 2024Q2至本季退出 {exited} "
        f"= {RURAL_Q1[1] + new - exited},但本期期末为 {carried[1]}(2024Q2 的报表本项未通过审核,已另行列出;"
        "本期按最近一期通过审核的 2024Q1 报表衔接)")


def test_h5_across_the_year_end_and_two_wrong_quarters(tmp_path):
    q3 = [300, 660, 30, 60, 20, 40]
    q4 = [305, 900, 40, 80, 25, 50]           # 20 new, 10 exited in Q4: 670, 900 typed
    y1 = [310, 600, 5, 8, 1, 3]               # wrong again (675 = 670 + 8 − 3 is right)
    y2 = [312, 670 + 12 - 9, 8, 12, 4, 9]     # right: 670 at 2024's end, 12 new and 9 exited in 2025
    result = h5(tmp_path, {"2024Q3": q3, "2024Q4": q4, "2025Q1": y1, "2025Q2": y2})
    assert [(v.period, v.division_code) for v in result.violations] == [
        ("2024Q4", hm.MADIAN), ("2025Q1", hm.MADIAN)]
    last_passed = q3[1]
    new, exited = (q4[3] - q3[3]) + y1[3], (q4[5] - q3[5]) + y1[5]
    assert result.violations[1].message_zh == (
        f"{T1}第3行农村低保:2024Q3期末 {last_passed} + 2024Q4至本季新增 {new} − 2024Q4至本季退出 {exited} "
        f"= {last_passed + new - exited},但本期期末为 {y1[1]}(2024Q4 的报表本项未通过审核,已另行列出;"
        "本期按最近一期通过审核的 2024Q3 报表衔接)")
    assert result.blocked == [(hm.MADIAN, "2024Q4"), (hm.MADIAN, "2025Q1")]


def merger_h5(tmp_path: Path, madian_q3: list) -> object:
    """马店镇 absorbs 白庙乡 from 2024Q3 (divisions.csv: 白庙乡 in force to 2024-06-30, its
    successor 马店镇). 白庙乡's Q2 stock is wrong (340 typed; 300 + 10 new = 310), so its Q2 is
    blocked; 马店镇's Q3 (``madian_q3``: its 农村低保 row) continues both townships' Q2 stocks."""
    baimiao = {"2024Q1": [150, 300, 0, 0, 0, 0], "2024Q2": [155, 340, 5, 10, 0, 0]}
    madian = {"2024Q1": RURAL_Q1, "2024Q2": [305, 670, 15, 30, 0, 0]}   # 660 + 10 − 0: right
    returns = {**{(hm.BAIMIAO, p): with_dibao(p, URBAN, r) for p, r in baimiao.items()},
               **{(hm.MADIAN, p): with_dibao(p, URBAN, r) for p, r in madian.items()},
               # 城市低保 both townships' 200, unchanged
               (hm.MADIAN, "2024Q3"): with_dibao("2024Q3", [200, 400, 0, 0, 0, 0], madian_q3)}
    for (code, period), book in returns.items():
        hm.write_xlsx(tmp_path / "raw" / period / f"{TOWN[code]}.xlsx", cover(code, period), book)
    ref = hm.write_reference(tmp_path / "reference")
    divisions = ref / "divisions.csv"
    lines = divisions.read_text(encoding="utf-8").splitlines()
    lines = [line.replace(",2011-01-01,,", f",2011-01-01,2024-06-30,{hm.MADIAN}")
             if line.startswith(hm.BAIMIAO) else line for line in lines]
    divisions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    try:
        ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
        assert hm.quarantine_rows(con) == []
        assert con.execute("SELECT successor_code FROM ref.divisions WHERE division_code = ?",
                           [hm.BAIMIAO]).fetchone() == (hm.MADIAN,)
        return evaluate(con, rules=["H5"])
    finally:
        con.close()


def test_h5_a_merger_quarter_runs_on_from_the_absorbed_townships_last_stock_that_passed(tmp_path):
    """The stock published after a merger is 马店镇's 670 plus the 310 白庙乡's Q2 should have had,
    and Q3's flows (1月至本期: both townships' Q2 figures are this year's). Before, a merger quarter
    was checked against the stocks as typed: 马店镇's Q3 carrying 白庙乡's wrong 340 on passed (and
    was published on a stock never published), and a right one was blocked."""
    new_ytd, exited_ytd = 30 + 10 + 12, 0 + 0 + 7          # both townships' Q2, and Q3's 12 and 7
    right = 670 + 310 + 12 - 7
    ok = merger_h5(tmp_path / "right", [460, right, 20, new_ytd, 8, exited_ytd])
    assert [(v.division_code, v.period) for v in ok.violations] == [(hm.BAIMIAO, "2024Q2")]
    assert ok.blocked == [(hm.BAIMIAO, "2024Q2")]

    carried = 670 + 340 + 12 - 7
    bad = merger_h5(tmp_path / "carried", [460, carried, 20, new_ytd, 8, exited_ytd])
    assert sorted(bad.blocked) == sorted([(hm.BAIMIAO, "2024Q2"), (hm.MADIAN, "2024Q3")])
    (v,) = [v for v in bad.violations if v.period == "2024Q3"]
    assert v.message_zh == (
        # 白庙乡's 2024Q1 (its last that passed) and 马店镇's 2024Q2; 白庙乡's Q2 flows and Q3's
        f"{T1}第3行农村低保:2024Q1、2024Q2期末 {300 + 670} + 2024Q2至本季新增 {10 + 12} "
        f"− 2024Q2至本季退出 {0 + 7} = {right:,},但本期期末为 {carried:,}"
        "(2024Q2 的报表本项未通过审核,已另行列出;本期按最近一期通过审核的 2024Q1、2024Q2 报表衔接)")
