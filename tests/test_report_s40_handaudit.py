"""The year-end summary's figures against hand computation, on a county written by hand.

Four townships' returns for 2023Q4 and every quarter of 2024, typed cell by cell
(tests/handmade.py), every figure chosen here so that each KPI of 一、主要工作完成情况, the tables
and the XLSX can be computed by hand below: 柳林镇 states its 低保标准 per year (元/人·年), the
others per month; 柳林镇 leaves the optional 表8 out in 2024; 白庙乡 corrects its 2024Q4 return
with a second file (its first file's 低保资金 ten times too large).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import lxml.html
import openpyxl
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    TOWNS,
    canonical_sheets,
    publish_and_render,
    quarter_cover,
    write_cells,
    write_reference,
)

pytestmark = pytest.mark.slow

LIULIN = "371599103000"
ALL_TOWNS = [*TOWNS, (LIULIN, "柳林镇", "柳林", "镇")]
NAMES = {code: name for code, name, _, _ in ALL_TOWNS}
PERIODS = ["2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4"]
# cover: 城镇人口, 农村人口 (the same every quarter)
COVER = {MADIAN: (8000, 24000), BAIMIAO: (2000, 20000), CHENGGUAN: (30000, 2000),
         LIULIN: (5000, 15000)}
# 低保 end-of-quarter persons per period (PERIODS order): urban, rural
DIBAO_PERSONS = {
    MADIAN: ([95, 100, 102, 104, 106], [490, 500, 505, 510, 520]),
    BAIMIAO: ([20, 20, 20, 20, 20], [410, 400, 400, 390, 380]),
    CHENGGUAN: ([290, 300, 310, 320, 330], [10, 10, 10, 10, 10]),
    LIULIN: ([50, 50, 50, 50, 50], [300, 300, 300, 300, 300]),
}
# monthly benefit per person-month paid (元, with 分): urban, rural
DIBAO_RATE = {MADIAN: (700.25, 450.5), BAIMIAO: (650.37, 420.75), CHENGGUAN: (720.4, 400.0),
              LIULIN: (680.0, 430.1)}
# 保障标准 per month: 2023, 2024 (柳林镇 writes them per year: ×12)
STANDARD = {"urban": (760, 800), "rural": (550, 600)}
PER_YEAR = {LIULIN}
# 特困 (year-end stock) urban/rural: persons, centralized, dispersed, new; funds per quarter
TEKUN = {
    MADIAN: ([6, 2, 4, 1, 22_500.5], [45, 30, 15, 8, 15_360.25]),
    BAIMIAO: ([2, 1, 1, 0, 7_000.0], [40, 20, 20, 5, 13_000.0]),
    CHENGGUAN: ([10, 5, 5, 2, 37_500.0], [3, 1, 2, 0, 1_100.0]),
    LIULIN: ([4, 2, 2, 1, 15_000.0], [30, 12, 18, 3, 10_000.5]),
}
# 临时救助 per quarter: household-times, person-times, funds, in kind (YTD = × quarter)
TEMP = {MADIAN: [10, 24, 9_200.25, 2_000.13], BAIMIAO: [5, 12, 3_750.0, 0.0],
        CHENGGUAN: [15, 37, 22_500.13, 250.0], LIULIN: [3, 8, 2_250.0, 125.0]}
# 医疗救助 per quarter: insured persons, insured funds, direct times, direct funds
MED = {MADIAN: [75, 18_750.0, 42, 96_140.16], BAIMIAO: [50, 12_500.0, 30, 60_000.0],
       CHENGGUAN: [20, 5_000.0, 60, 150_000.41], LIULIN: [30, 7_500.0, 10, 25_000.0]}
# 优抚 (year-end): entitled, pension funds, conscript families, their funds, veterans received,
# placed, self-employed, trained, grants
YOUFU = {MADIAN: [67, 845_225.0, 32, 301_140.0, 5, 2, 3, 3, 21_800.0],
         BAIMIAO: [40, 500_000.0, 20, 180_000.0, 3, 1, 2, 1, 12_000.0],
         CHENGGUAN: [90, 1_200_000.5, 45, 420_000.0, 8, 4, 4, 2, 35_000.0],
         LIULIN: [30, 380_000.0, 15, 140_000.0, 2, 0, 2, 2, 8_000.0]}
# 表8 (year-end): high-age persons, funds, hardship-disabled eligible/receiving, severe-disabled
# eligible/receiving, disability funds, orphans centralized/dispersed, orphan funds
WELFARE = {MADIAN: [178, 120_600.0, 40, 38, 25, 24, 59_000.0, 1, 3, 36_000.5],
           BAIMIAO: [150, 90_000.0, 30, 30, 20, 18, 45_000.0, 0, 2, 18_000.0],
           CHENGGUAN: [300, 200_000.0, 60, 55, 40, 40, 100_000.0, 2, 1, 27_000.0],
           LIULIN: [120, 80_000.0, 25, 20, 15, 12, 35_000.0, 0, 1, 9_000.0]}
NO_WELFARE_2024 = {LIULIN}


def quarter(period: str) -> int:
    return int(period[-1])


def dibao_row(code: str, cat: int, period: str) -> list:
    """One 低保 row: stocks of ``period``, flows and funds year to date."""
    i = PERIODS.index(period)
    persons = DIBAO_PERSONS[code][cat][i]
    year, q = int(period[:4]), quarter(period)
    months = 3 * sum(DIBAO_PERSONS[code][cat][j] for j in range(len(PERIODS))
                     if PERIODS[j][:4] == period[:4] and quarter(PERIODS[j]) <= q)
    if year == 2023:  # one quarter of 2023 on file: its funds stated as the year's
        months = 12 * persons
    funds = round(months * DIBAO_RATE[code][cat], 2)
    std = STANDARD["urban" if cat == 0 else "rural"][year - 2023]
    std = std * 12 if code in PER_YEAR else std
    # 2024's flows telescope from 2023Q4's stock (edit rule H5): 5 a quarter in and out, and
    # the change of stock on the side it went; 2023Q4 (a first return) is taken as it is
    base = DIBAO_PERSONS[code][cat][0] if year == 2024 else persons
    change = persons - base
    households = persons // 2
    return [households, persons, 2 * q, 5 * q + max(change, 0), 2 * q, 5 * q + max(-change, 0),
            funds, std]


def sheets(code: str, period: str, *, dibao_funds_factor: float = 1.0) -> dict[str, list[list]]:
    year, q = int(period[:4]), quarter(period)
    out = canonical_sheets(year)
    out["表5 自然灾害"][1][0] = dt.date(year, q * 3 - 1, 10)
    out["表6 养老服务机构"][1][0] = f"{NAMES[code]}敬老院"
    unit = "元/人·年" if code in PER_YEAR else "元/人·月"
    out["表1 最低生活保障"][0][8] = f"保障标准({unit})"
    for cat in (0, 1):
        row = dibao_row(code, cat, period)
        row[6] = round(row[6] * dibao_funds_factor, 2)
        out["表1 最低生活保障"][1 + cat][1:] = row
        t = TEKUN[code][cat]
        out["表2 特困人员救助供养"][1 + cat][1:] = [*t[:4], round(t[4] * q, 2), 14_000.0, 9_000.0]
    out["表3 临时救助"][1] = [v * q if i < 2 else round(v * q, 2) for i, v in enumerate(TEMP[code])]
    out["表4 医疗救助"][1] = [v * q if i % 2 == 0 else round(v * q, 2)
                          for i, v in enumerate(MED[code])]
    out["表7 优抚安置"][1] = list(YOUFU[code])
    if not (year == 2024 and code in NO_WELFARE_2024):
        out["表8 其他社会福利"] = [
            ["高龄津贴人数", "累计发放高龄津贴(元)", "困难残疾人生活补贴符合条件人数",
             "困难残疾人生活补贴实际领取人数", "重度残疾人护理补贴符合条件人数",
             "重度残疾人护理补贴实际领取人数", "累计发放两项补贴资金(元)", "孤儿人数(集中养育)",
             "孤儿人数(散居)", "累计发放孤儿基本生活费(元)"],
            list(WELFARE[code])]
    return out


def cover(code: str, period: str, day: int | None = None) -> list[list]:
    urban, rural = COVER[code]
    rows = quarter_cover(NAMES[code], code, period, urban=urban, rural=rural)
    for row in rows:
        if row[0] == "户籍人口(人)":
            row[1] = urban + rural
    if day is not None:
        for row in rows:
            if row[0] == "填报日期":
                row[1] = row[1].replace("8日", f"{day}日")
    return rows


def build(root) -> None:
    for period in PERIODS:
        for code, name in NAMES.items():
            write_cells(root / "raw" / period / f"{name}.xlsx",
                        {"封面": cover(code, period), **sheets(code, period)})
    # 白庙乡's first 2024Q4 return (8 January) typed its 低保资金 ten times over; corrected next day
    write_cells(root / "raw" / "2024Q4" / "白庙乡.xlsx",
                {"封面": cover(BAIMIAO, "2024Q4"), **sheets(BAIMIAO, "2024Q4",
                                                           dibao_funds_factor=10)})
    write_cells(root / "raw" / "2024Q4" / "白庙乡（更正）.xlsx",
                {"封面": cover(BAIMIAO, "2024Q4", day=9), **sheets(BAIMIAO, "2024Q4")})
    write_reference(root / "reference", towns=ALL_TOWNS, valid_from="2000-01-01")


# -- hand computation ----------------------------------------------------------------------------

def q4(code: str, cat: int) -> list:
    return dibao_row(code, cat, "2024Q4")


def months(code: str, cat: int) -> int:
    """2024's person-months: each quarter's end stock × 3."""
    return 3 * sum(DIBAO_PERSONS[code][cat][1:])


def wan(yuan: float) -> str:
    """元 → 万元 as running text states it: two decimals at most, 四舍五入, trailing zeros off."""
    d = (Decimal(repr(yuan)) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{d:,}".rstrip("0").rstrip(".") + "万元"


def yuan(x: float) -> str:
    """An amount in 元 kept to the 分 when it has them."""
    return f"{x:,.2f}".removesuffix(".00")


def pct(num: float, den: float) -> str:
    return f"{(Decimal(repr(num)) * 100 / Decimal(repr(den))).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def whole(x: float) -> str:
    return f"{Decimal(repr(x)).quantize(Decimal(1), ROUND_HALF_UP):,}"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("s40audit")
    build(root)
    out = publish_and_render(root, 2024, ("html", "xlsx"))
    doc = lxml.html.parse(str(out["html"]))
    for node in doc.xpath("//script|//style"):
        node.drop_tree()
    out["text"] = re.sub(r"\s+", "", doc.getroot().body.text_content())
    out["book"] = openpyxl.load_workbook(out["xlsx"])
    return out


def rows_of(book, sheet: str) -> dict[str, tuple]:
    """A sheet's rows by their first cell (township or county name, KPI code)."""
    return {r[0]: r for r in book[sheet].iter_rows(values_only=True) if r[0]}


def test_dibao_figures_are_the_hand_sums(county):
    text, codes = county["text"], list(NAMES)
    households = [sum(q4(c, cat)[0] for c in codes) for cat in (0, 1)]
    persons = [sum(q4(c, cat)[1] for c in codes) for cat in (0, 1)]
    funds = [round(sum(q4(c, cat)[6] for c in codes), 2) for cat in (0, 1)]
    # 白庙乡's corrected return counts, not its first one (ten times the 低保资金)
    assert f"全县共保障城乡低保对象{sum(households):,}户{sum(persons):,}人，全年共发放低保资金" \
           f"{wan(sum(funds))}。" in text
    new = [sum(q4(c, cat)[3] for c in codes) for cat in (0, 1)]
    new_h = [sum(q4(c, cat)[2] for c in codes) for cat in (0, 1)]
    out = [sum(q4(c, cat)[5] for c in codes) for cat in (0, 1)]
    urban_pop = sum(u for u, _ in COVER.values())
    rural_pop = sum(r for _, r in COVER.values())
    for cat, label, pop in ((0, "城市低保", urban_pop), (1, "农村低保", rural_pop)):
        assert (f"保留{label}户{households[cat]}户{persons[cat]:,}人，全年新增{new_h[cat]}户{new[cat]}人、"
                f"退出{new_h[cat]}户{out[cat]}人，共发放{label}资金{wan(funds[cat])}。") in text
        per_month = funds[cat] / sum(months(c, cat) for c in codes)
        assert f"{label}月人均补助水平{whole(per_month)}元，{label}覆盖率{pct(persons[cat], pop)}" in text
        # the table: the same figures, the funds to the 分
        assert (f"{label}|{households[cat]}|{persons[cat]:,}|{new[cat]}|{out[cat]}|{yuan(funds[cat])}|"
                ) in table_text(county, label)
    # 柳林镇 states its standards per year (9,600 = 800 × 12): the county's are per month
    assert "城市低保保障标准由月人均760元提高到月人均800元，比上年增长5.3%" in text  # 800 ÷ 760 − 1
    assert "农村低保保障标准由月人均550元提高到月人均600元，比上年增长9.1%" in text  # 600 ÷ 550 − 1
    # urban coverage 506 ÷ 45,000 against 455 ÷ 45,000 a year before: +0.11 points
    before = sum(DIBAO_PERSONS[c][0][0] for c in codes)
    points = (Decimal(persons[0] - before) * 100 / urban_pop).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert f"城市低保覆盖率{pct(persons[0], urban_pop)}，比上年提高{points}个百分点" in text
    # rural coverage by township: 马店镇 520 ÷ 24,000 highest, 城关街道 10 ÷ 2,000 lowest
    rates = {NAMES[c]: q4(c, 1)[1] / COVER[c][1] for c in codes}
    top, low = max(rates, key=rates.get), min(rates, key=rates.get)
    assert (f"农村低保覆盖率以{top}最高（{pct(q4(MADIAN, 1)[1], COVER[MADIAN][1])}），"
            f"{low}最低（{pct(q4(CHENGGUAN, 1)[1], COVER[CHENGGUAN][1])}）") in text
    # the XLSX: the same sums, to the 分
    sheet = rows_of(county["book"], "最低生活保障")
    col = sheet["乡镇（街道）"].index("城市低保累计支出（元）")
    assert sheet["清河县"][col] == pytest.approx(funds[0], abs=0.001)
    assert sheet["白庙乡"][col] == pytest.approx(q4(BAIMIAO, 0)[6], abs=0.001)


def table_text(county, first_cell: str) -> str:
    """The rows of the HTML's tables starting with ``first_cell``, cells joined by |."""
    doc = lxml.html.parse(str(county["html"]))
    out = []
    for tr in doc.xpath("//table//tr"):
        cells = [re.sub(r"\s+", "", td.text_content()) for td in tr]
        if cells and cells[0] == first_cell:
            out.append("|".join(cells) + "|")
    return "\n".join(out)


def test_other_programmes_are_the_hand_sums(county):
    text, codes = county["text"], list(NAMES)
    t = [[sum(TEKUN[c][cat][i] for c in codes) for i in range(4)] for cat in (0, 1)]
    tekun_funds = 4 * sum(TEKUN[c][cat][4] for c in codes for cat in (0, 1))
    persons, central = t[0][0] + t[1][0], t[0][1] + t[1][1]
    assert (f"已纳入供养范围的特困人员{persons}人，其中集中供养{central}人，分散供养"
            f"{t[0][2] + t[1][2]}人，全年共发放供养资金{wan(tekun_funds)}。") in text
    assert f"集中供养率{pct(central, persons)}，与上年持平，其中农村特困人员集中供养率" \
           f"{pct(t[1][1], t[1][0])}" in text
    # 临时救助: the year's is four quarters'; 实物折款 under 10万元 to the 分 (9,500.52元)
    temp = [4 * sum(TEMP[c][i] for c in codes) for i in range(4)]
    assert (f"全年共实施临时救助{temp[0]}户次、{temp[1]}人次，发放临时救助资金{wan(temp[2])}，"
            f"其中实物救助折款{yuan(round(temp[3], 2))}元，平均每人次救助{whole(temp[2] / temp[1])}元。") in text
    med = [4 * sum(MED[c][i] for c in codes) for i in range(4)]
    assert (f"全年资助{med[0]}人参加基本医疗保险，资助参保资金{wan(med[1])}，实施直接医疗救助{med[2]}人次，"
            f"支出救助资金{wan(med[3])}，平均每人次救助{whole(med[3] / med[2])}元。") in text
    y = [sum(YOUFU[c][i] for c in codes) for i in range(9)]
    assert (f"全县现有重点优抚对象{y[0]}人，全年发放抚恤补助资金{wan(y[1])}，为{y[2]}户义务兵家庭发放"
            f"优待金{wan(y[3])}。") in text
    assert (f"全年接收退役士兵{y[4]}人，其中安排工作{y[5]}人、自主就业{y[6]}人，参加教育培训{y[7]}人，"
            f"培训率{pct(y[7], y[6])}，发放一次性经济补助和慰问金{yuan(y[8])}元。") in text
    # 表8 from the three townships that filled it in 2024 (柳林镇 did not)
    filled = [c for c in codes if c not in NO_WELFARE_2024]
    w = [sum(WELFARE[c][i] for c in filled) for i in range(10)]
    assert f"全年为{w[0]}名高龄老人发放高龄津贴{wan(w[1])}。" in text
    assert f"两项补贴发放率{pct(w[3] + w[5], w[2] + w[4])}。" in text
    assert (f"全县现有孤儿{w[7] + w[8]}人，其中集中养育{w[7]}人、散居{w[8]}人，全年发放孤儿基本生活费"
            f"{yuan(w[9])}元。") in text
    assert ("季报“表8其他社会福利”为选报表，四季度报送季报的4个乡镇（街道）中有3个填报，"
            "相关数字为这3个乡镇（街道）的合计。") in text
    # which one left it out is named (before: only counted, though the XLSX names it)
    assert "的合计。四季度报送的季报中未填报该表的乡镇（街道）：柳林镇。" in text


def test_placement_rate_left_out_is_said(county):
    """Every township's 接收 is exactly 安排工作 + 自主就业 and none states 待安置: no return gives
    the placement rate (100 % by construction). Before, the summary dropped it without a word."""
    text = county["text"]
    assert all(v[4] == v[5] + v[6] for v in YOUFU.values())
    assert "安置率" not in text.split("2．退役士兵接收安置")[1].split("附件")[0].split("退役士兵安置率：")[0]
    assert ("退役士兵安置率：各乡镇（街道）均未填报待安置，且接收人数恰为安排工作与自主就业之和，"
            "无从计算安置率，文中未列") in text


def test_xlsx_says_which_townships_an_optional_sheet_lacks(county):
    """柳林镇 left 表8 out in 2024 (it filled it in 2023). Before, the XLSX set 2024's 两项补贴发放率
    of three townships beside 2023's of four with an empty 说明 (基础数据 said 2024年不含柳林镇
    of the rate's own terms), and the programme sheet's 柳林镇 row was blank without a word."""
    book = county["book"]
    kpis = rows_of(book, "主要指标")
    filled = [c for c in NAMES if c not in NO_WELFARE_2024]
    rate = kpis["disability_subsidy_uptake_rate"]
    receiving = sum(WELFARE[c][3] + WELFARE[c][5] for c in filled)
    eligible = sum(WELFARE[c][2] + WELFARE[c][4] for c in filled)
    before = sum(WELFARE[c][3] + WELFARE[c][5] for c in NAMES) / sum(
        WELFARE[c][2] + WELFARE[c][4] for c in NAMES)
    assert rate[2:6] == (pytest.approx(receiving / eligible), pytest.approx(before), receiving,
                         eligible)
    assert rate[8] == "2024年不含柳林镇"
    measures = {r[1]: r for r in book["基础数据"].iter_rows(values_only=True)}
    assert measures["disability_receiving"][6] == "2024年不含柳林镇"  # as the rate's terms say
    assert kpis["dibao_coverage_rate_urban"][8] == ""  # every township gives it both years
    welfare = rows_of(book, "其他社会福利")
    assert welfare["柳林镇"][-1] == "本期未填报季报“表8 其他社会福利”"
    assert welfare["清河县"][-1] == "不含柳林镇（本期未填报季报“表8 其他社会福利”）"
    assert welfare["马店镇"][-1] == ""
    orphans = welfare["乡镇（街道）"].index("孤儿基本生活费（元）")
    assert welfare["清河县"][orphans] == pytest.approx(sum(WELFARE[c][9] for c in filled))
    assert welfare["柳林镇"][orphans] is None
