"""退役士兵安置率 over the townships where it can be short of 100 %.

Three townships' year-end returns: 马店镇 adds the optional column 其中:待安置 (6 received, 2
placed, 3 self-employed, 1 pending: 2 ÷ 3); 白庙乡 and 城关街道 leave it out and their 接收 is
exactly 安排工作 + 自主就业, so the old formula gives them 100 % by construction. Before: the
county's rate summed all three (6 ÷ 7 = 85.7 %) with no mark, the ranking sentence and the XLSX
ranked the two by-construction 100 % first, and the XLSX ranked equal values 1, 2, 3. Returns
typed cell by cell (tests/handmade.py); ingested, gated, built, published; HTML and XLSX
rendered.
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    COUNTY,
    MADIAN,
    TOWNS,
    canonical_sheets,
    cover_rows,
    publish_and_render,
    write_cells,
    write_reference,
)

pytestmark = pytest.mark.slow

NAMES = {MADIAN: "马店镇", BAIMIAO: "白庙乡", CHENGGUAN: "城关街道"}
# 表7's veterans: received, placed, self-employed, pending (None: the column is not on the sheet)
VETERANS = {MADIAN: (6, 2, 3, 1), BAIMIAO: (5, 2, 3, None), CHENGGUAN: (4, 1, 3, None)}


def sheets(code: str, year: int = 2024) -> dict[str, list[list]]:
    out = canonical_sheets(year)
    head, row = out["表7 优抚安置"]
    received, placed, self_employed, pending = VETERANS[code]
    row[4:7] = [received, placed, self_employed]
    if pending is not None:
        head.append("其中:待安置(人)")
        row.append(pending)
    out["表6 养老服务机构"][1][0] = f"{NAMES[code]}敬老院"
    if code == CHENGGUAN:  # 集中供养率 22 ÷ 51 here, 32 ÷ 51 in the two others (tied first)
        out["表2 特困人员救助供养"][2][2:4] = [20, 25]
    return out


def cover(code: str) -> list[list]:
    rows = cover_rows(unit=NAMES[code], code=code, fill_date="2025年1月8日")
    return [[r[0], "2024年第4季度"] if r[0] == "报告期" else r for r in rows]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("s35county")
    for code in VETERANS:
        write_cells(root / "raw" / "2024Q4" / f"{NAMES[code]}.xlsx",
                    {"封面": cover(code), **sheets(code)})
    write_reference(root / "reference", valid_from="2000-01-01")
    return publish_and_render(root, 2024, ("html", "xlsx"))


def test_the_rate_counts_only_the_townships_where_it_can_vary(county):
    with county["wh"].reader() as con:
        rows = dict(con.execute(
            "SELECT division_code, [numerator, denominator, value] FROM kpi_annual "
            "WHERE year = 2024 AND kpi_code = 'veteran_placement_rate'").fetchall())
    _, placed, _, pending = VETERANS[MADIAN]
    assert rows[MADIAN] == [placed, placed + pending, pytest.approx(2 / 3)]
    assert rows[COUNTY] == rows[MADIAN]  # not 6 ÷ 7 = 85.7 % with the two 100 % by construction
    assert rows[BAIMIAO] == [None, None, None] and rows[CHENGGUAN] == [None, None, None]
    text = county["text"]
    assert "退役士兵安置率66.7%*" in text
    assert ("* 退役士兵安置率：不含城关街道、白庙乡（未填报待安置，且接收人数恰为安排工作与自主就业之和，"
            "无从计算安置率，不计入）") in text
    assert "85.7%" not in text
    assert "期末待安置1人*" in text and "* 待安置退役士兵：不含城关街道、白庙乡（未填报该项）" in text
    assert not re.search(r"退役士兵安置率以\S+最高", text)  # one township: nothing to rank


def test_the_xlsx_ranks_neither_the_rate_nor_equal_values(county):
    wb = openpyxl.load_workbook(county["xlsx"])
    ranks = [r for r in wb["乡镇排名"].iter_rows(min_row=4, values_only=True) if r[0]]
    kpis = {r[0] for r in ranks}
    assert "veteran_placement_rate" not in kpis  # one township's rate
    assert "veteran_training_rate" not in kpis  # 3 ÷ 3 everywhere: equal, not 1, 2, 3
    tekun = [(r[2], r[3]) for r in ranks if r[0] == "tekun_centralized_rate"]
    assert sorted(tekun[:2]) == [(1, "白庙乡"), (1, "马店镇")] and tekun[2] == (3, "城关街道")


@pytest.fixture(scope="module")
def short_year(tmp_path_factory):
    """2023: the three townships' year-end returns; 2024: 城关街道's is not sent."""
    root = tmp_path_factory.mktemp("s35short")
    for year, towns in ((2023, VETERANS), (2024, (MADIAN, BAIMIAO))):
        for code in towns:
            cov = [[r[0], f"{year}年第4季度"] if r[0] == "报告期" else
                   [r[0], f"{year + 1}年1月8日"] if r[0] == "填报日期" else r for r in cover(code)]
            write_cells(root / "raw" / f"{year}Q4" / f"{NAMES[code]}.xlsx",
                        {"封面": cov, **sheets(code, year)})
    write_reference(root / "reference", valid_from="2000-01-01")
    return publish_and_render(root, 2024)


def test_no_change_on_the_year_before_is_stated_for_a_sum_short_of_a_township(short_year):
    """城关街道 not sent in 2024: its 2024 sums lack it, so every 比上年 of them would count its
    figures as a fall (养老机构床位 80 → 160 − 80: "比上年末下降33.3%"). None is stated, 数据说明
    says why, and the growth KPI has no value (numerator and denominator kept)."""
    with short_year["wh"].reader() as con:
        growth = con.execute(
            "SELECT value, numerator, denominator, complete FROM kpi_annual WHERE year = 2024 "
            "AND kpi_code = 'eldercare_beds_growth' AND division_code = ?", [COUNTY]).fetchone()
    beds = canonical_sheets()["表6 养老服务机构"][1][3]
    assert growth == (None, 2 * beds, 3 * beds, False)
    text = short_year["text"]
    assert "比上年" not in text and "上年末下降" not in text
    assert "2024年全县合计不含城关街道（2024年四季度未报送），文中未与上年比较" in text
    # and every programme's sums over the townships say they lack it, not 低保's and 养老's alone
    persons = 2 * sum(row[1] for row in canonical_sheets()["表2 特困人员救助供养"][1:])
    assert f"已纳入供养范围的特困人员{persons}人*" in text
    assert "全年*共实施临时救助" in text and "全年*资助" in text
    assert "全县*现有重点优抚对象" in text and "全年*接收退役士兵" in text


def test_a_carried_sheet_and_a_blank_column_are_said_as_what_they_are(tmp_path):
    """表15's stocks carry over: 白庙乡 sent it in 2024Q3, not in Q4, so its Q3 表15 counts in
    the year-end figures (int_committees_carried). 数据说明 said its figures were "未计入" beside
    sums that held them; now it says they carry over. And 白庙乡's 表9 leaves 收养登记 blank:
    the county's 收养登记 is 马店镇's alone, which it now says (before: unmarked)."""
    community = {MADIAN: {"2024Q3": [20, 3], "2024Q4": [21, 3]}, BAIMIAO: {"2024Q3": [15, 2]}}
    for period, fill in (("2024Q3", "2024年10月8日"), ("2024Q4", "2025年1月8日")):
        for code in (MADIAN, BAIMIAO):
            rows = [[r[0], f"2024年第{period[-1]}季度"] if r[0] == "报告期" else
                    [r[0], fill] if r[0] == "填报日期" else r for r in cover(code)]
            book = {"封面": rows, **sheets(code)}
            if period in community[code]:
                book["表15 基层政权与社区建设"] = [["村民委员会", "居民委员会"],
                                           community[code][period]]
            # 表9 from both; 白庙乡 leaves 收养登记 blank (no 0: unknown)
            book["表9 婚姻收养登记"] = [["结婚登记(对)", "离婚登记(对)", "收养登记(件)"],
                                   [300, 100, 3 if code == MADIAN else None]]
            write_cells(tmp_path / "raw" / period / f"{NAMES[code]}.xlsx", book)
    write_reference(tmp_path / "reference", towns=[t for t in TOWNS if t[0] != CHENGGUAN],
                    valid_from="2000-01-01")
    built = publish_and_render(tmp_path, 2024)
    wh, text = built["wh"], built["text"]
    with wh.reader() as con:
        (villages,) = con.execute(
            "SELECT value FROM fct_measures WHERE division_code = ? AND period = '2024Q4' "
            "AND measure_code = 'village_committees'", [COUNTY]).fetchone()
    assert villages == 21 + 15  # 马店镇's Q4, 白庙乡's Q3
    assert "白庙乡四季度未填报该表，相关数字沿用其本年此前最近一次填报的数" in text
    assert "未计入" not in text.split("白庙乡四季度未填报该表")[0][-80:]
    assert "白庙乡本年前几季度填报了该表、四季度未填报，其本年累计数未计入" not in text
    # a blank column of a sheet sent is no 0: its sum is marked as the others'
    assert "办理收养登记3件*" in text and "* 收养登记：不含白庙乡（未填报该项）" in text
