"""表5 listed a quarter at a time: the summary's totals and its 人均救灾资金 count the same events.

The contract has every return repeat the year's earlier disasters; many clerks list only the
quarter's own. Before, the summary's totals (受灾人口, 救灾资金) de-duplicated every return's
events while 人均救灾资金 divided the year-end return's own rows: for a township listing the
quarter alone, the ratio was of Q4's events only. Returns of 2020 typed cell by cell
(tests/handmade.py): 马店镇 lists each quarter's events alone, 白庙乡 repeats them as the contract
asks (and drops, in Q3, a hail it had reported in error), 城关街道 has none.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    COUNTY,
    MADIAN,
    publish_and_render,
    quarter_cover,
    quarter_sheets,
    write_cells,
    write_reference,
)

pytestmark = pytest.mark.slow

YEAR = 2020


def event(month: int, day: int, kind: str, persons: int, relief: float) -> list:
    """A row of 表5: date, kind, 受灾人口, 转移安置, 受灾面积, 绝收, 倒塌户, 倒塌间, 严重损坏,
    一般损坏, 直接经济损失(万元), 下拨救灾资金(元)."""
    return [dt.date(YEAR, month, day), kind, persons, 0, 100, 0, 0, 0, 0, 0, 1.5, relief]


# 马店镇: each quarter's own events only (Q2: none)
MADIAN_EVENTS = {1: [event(2, 10, "低温冷冻", 500, 20_000.0)], 2: [],
                 3: [event(7, 20, "暴雨洪涝", 1_500, 90_000.0)], 4: [event(11, 3, "风雹", 200, 4_000.0)]}
HAIL = event(5, 5, "风雹", 999, 99_999.0)  # 白庙乡 reported it in Q2 in error, dropped from Q3 on
FLOOD = event(6, 30, "暴雨洪涝", 1_000, 30_000.5)
# 白庙乡: the year so far, every quarter (Q1: none)
BAIMIAO_EVENTS = {1: [], 2: [FLOOD, HAIL], 3: [FLOOD], 4: [FLOOD, event(12, 1, "雪灾", 300, 6_000.0)]}


def write_county(root, blocked: tuple[tuple[str, int], ...] = ()) -> None:
    """The three townships' returns of the year; ``blocked``: (township, quarter) whose 表2
    breaks a hard rule (城市特困: 集中 3 + 分散 4 ≠ 6), so the gate holds the return back."""
    write_reference(root / "reference")
    for code, name, events in ((MADIAN, "马店镇", MADIAN_EVENTS), (BAIMIAO, "白庙乡", BAIMIAO_EVENTS),
                               (CHENGGUAN, "城关街道", {q: [] for q in range(1, 5)})):
        for q in range(1, 5):
            period = f"{YEAR}Q{q}"
            sheets = quarter_sheets(period)
            sheets["表5 自然灾害"] = [sheets["表5 自然灾害"][0], *events[q]]
            if (name, q) in blocked:
                sheets["表2 特困人员救助供养"][1][2] = 3
            write_cells(root / "raw" / period / f"{name}{q}.xlsx",
                        {"封面": quarter_cover(name, code, period), **sheets})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("lists")
    write_county(root)
    return publish_and_render(root, YEAR)


def test_the_years_events_of_both_habits_are_counted_once(built):
    with built["wh"].reader() as con:
        events = con.execute(
            "SELECT division_code, event_date, affected_persons, relief_funds FROM fct_disaster_losses "
            "WHERE year = ? ORDER BY division_code, event_date", [YEAR]).fetchall()
        kpi = con.execute(
            "SELECT value, numerator, denominator, complete FROM kpi_annual "
            "WHERE division_code = ? AND year = ? AND kpi_code = 'disaster_relief_per_affected'",
            [COUNTY, YEAR]).fetchone()
    # 马店镇's three, 白庙乡's flood and snow; the hail 白庙乡 withdrew is not one of them
    assert [(c, d.month, p) for c, d, p, _ in events] == [
        (MADIAN, 2, 500), (MADIAN, 7, 1_500), (MADIAN, 11, 200), (BAIMIAO, 6, 1_000), (BAIMIAO, 12, 300)]
    persons = 500 + 1_500 + 200 + 1_000 + 300
    relief = 20_000 + 90_000 + 4_000 + 30_000.5 + 6_000
    assert kpi[1] == pytest.approx(relief) and kpi[2] == persons and kpi[3] is True
    assert kpi[0] == pytest.approx(relief / persons)  # 150,000.5 / 3,500 = 42.857…


def test_the_summary_says_one_count_of_them(built):
    text = re.sub(r"\s+", "", built["text"])
    assert "共发生自然灾害5起" in text and "受灾人口3,500人" in text
    assert "共下拨救灾资金15万元" in text  # 150,000.5 元 (10万元 and more: 万元, two decimals)
    assert "人均救灾资金43元" in text  # of the same 3,500 persons (the Q4 returns' own rows gave 27元)


@pytest.fixture(scope="module")
def blocked(tmp_path_factory):
    """The same county, 马店镇's Q2 return blocked by the gate (表2: 集中 3 + 分散 4 ≠ 6) — it
    listed no event — and 白庙乡's Q3 blocked: its events are listed again in Q4."""
    root = tmp_path_factory.mktemp("blocked")
    write_county(root, blocked=(("马店镇", 2), ("白庙乡", 3)))
    return publish_and_render(root, YEAR)


def test_a_blocked_quarter_is_told_for_what_it_may_leave_out(blocked):
    with blocked["wh"].reader() as con:
        kpi = con.execute(
            "SELECT numerator, denominator, complete, townships_missing FROM kpi_annual "
            "WHERE division_code = ? AND year = ? AND kpi_code = 'disaster_relief_per_affected'",
            [COUNTY, YEAR]).fetchone()
    # every event is still counted: 马店镇's Q2 listed none, 白庙乡's Q4 repeats its flood
    assert kpi[0] == pytest.approx(150_000.5) and kpi[1] == 3_500
    # … but the sums are over every quarter's returns, and two were out: marked, not claimed whole
    assert kpi[2] is False and sorted(kpi[3]) == sorted([MADIAN, BAIMIAO])
    text = re.sub(r"\s+", "", blocked["text"])
    assert "共发生自然灾害5起" in text and "人均救灾资金43元*" in text
    note = ("马店镇（2020年二季度数据未通过审核）、白庙乡（2020年三季度数据未通过审核）的报表所列灾害，"
            "未在此后报表中列出的未计入")
    assert f"受灾人口人均救灾资金：{note}" in text  # never 不含马店镇: its events are counted
    assert "不含马店镇（2020年二季度" not in text.split("（二）救灾救济")[1].split("（三）")[0]
