"""The added columns end to end: returns written cell by cell (2023Q4 in the old layout, 2024Q4
with the new columns for two of the three townships, 表8 from two), ingested, built by dbt, and
the year-end summary stating what the warehouse now holds — 特困 standards, new persons in
centralised care and the funds' split, the rural centralised rate, 两项补贴 per subsidy, orphans
and their standards, 精减退职人员, 实物救助, bed growth and the safety hazards — each sentence
checked against the warehouse's own figures, which are checked against what the returns say.
A figure only some townships state is marked and footnoted; a township whose return lacks a
column has its clause left out, never a blank; 表8 reported by two townships of three is noted
in 数据说明, and the township that left it out gets no section on it."""

from __future__ import annotations

import re

import duckdb
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    COUNTY,
    MADIAN,
    TEMP,
    WELFARE,
    canonical_sheets,
    cover_rows,
    write_reference,
    write_xlsx,
)
from test_added_columns import WELFARE_OLD

from civstat import workstate
from civstat.ingest import ingest
from civstat.refresh import refresh
from civstat.report.formatting import money_text
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow  # one dbt build for the module

NAMES = {MADIAN: "马店镇", BAIMIAO: "白庙乡", CHENGGUAN: "城关街道"}
NEW = (MADIAN, BAIMIAO)  # 2024Q4 returns in the new layout; 城关街道 keeps the old one

# 表2 in the new layout: category → persons, centralized, dispersed, new, new centralized, funds,
# centralized funds, standards (集中, 分散)
TEKUN_NEW = {
    MADIAN: {
        "urban": [6, 2, 4, 2, 1, 90_000, 36_000, 14_000, 9_000],
        "rural": [45, 32, 13, 8, 3, 61_440, 42_240, 9_600, 6_000],
    },
    BAIMIAO: {
        "urban": [4, 1, 3, 1, 0, 52_000, 14_000, 14_000, 9_000],
        "rural": [38, 20, 18, 6, 2, 50_000, 28_800, 9_600, 6_200],
    },
}
# 表6: (name, type, beds, nursing, residents, tekun, staff, trained, hazards found, rectified)
ELDER = {
    2023: [("敬老院", "敬老院", 80, 40, 52, 30, 12, 8, None, None)],
    2024: [
        ("敬老院", "敬老院", 100, 50, 60, 30, 14, 10, 6, 5),
        ("居家养老服务中心", "居家养老服务中心", 10, 2, 6, 0, 4, 3, 2, 2),
    ],
}
# 表8 in the new layout (the six added columns after the old ten), 马店镇 only
WELFARE_NEW = [34_200, 24_800, 1_300, 1_700, 9, 36_060]


def _cover(code: str, year: int) -> list[list]:
    rows = cover_rows(unit=NAMES[code], code=code, fill_date=f"{year + 1}年1月8日")
    return [["报告期", f"{year}年第4季度"] if r and r[0] == "报告期" else r for r in rows]


def _tekun(code: str) -> list[list]:
    t = TEKUN_NEW[code]
    return [
        [
            "类别",
            "期末供养人数",
            "其中:集中供养人数",
            "其中:分散供养人数",
            "本年新增人数",
            "其中:本年新增集中供养人数",
            "累计支出供养资金(元)",
            "其中:集中供养资金(元)",
            "集中供养标准(元/人·年)",
            "分散供养标准(元/人·年)",
        ],
        ["城市特困", *t["urban"]],
        ["农村特困", *t["rural"]],
    ]


def _eldercare(code: str, year: int) -> list[list]:
    head = [
        "机构名称",
        "机构类型",
        "床位数(张)",
        "其中:护理型床位(张)",
        "期末在院人数(人)",
        "其中:特困供养人员(人)",
        "工作人员数(人)",
        "其中:持证/参训护理员(人)",
    ]
    rows = [[NAMES[code][:2] + r[0], *r[1:8]] for r in ELDER[year]]
    if year == 2023:
        return [head, *rows]
    return [
        head + ["排查安全隐患(项)", "其中:已整改(项)"],
        *[row + list(r[8:]) for row, r in zip(rows, ELDER[year], strict=True)],
    ]


def _welfare(code: str) -> list[list]:
    if code != MADIAN:
        return WELFARE_OLD
    return [
        WELFARE_OLD[0]
        + [
            "其中:困难残疾人生活补贴资金(元)",
            "其中:重度残疾人护理补贴资金(元)",
            "散居孤儿基本生活费标准(元/人·月)",
            "集中养育孤儿基本生活费标准(元/人·月)",
            "精减退职人员(人)",
            "累计发放精减退职人员生活补助(元)",
        ],
        [*WELFARE, *WELFARE_NEW],
    ]


def _return(code: str, year: int) -> dict:
    sheets = {**canonical_sheets(year), "表6 养老服务机构": _eldercare(code, year)}
    if year == 2024 and code in NEW:
        sheets["表2 特困人员救助供养"] = _tekun(code)
    if code != CHENGGUAN:
        sheets["表8 其他社会福利"] = _welfare(code) if year == 2024 else WELFARE_OLD
    return sheets


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, dbt_isolated):
    root = tmp_path_factory.mktemp("added")
    raw, ref = root / "raw", write_reference(root / "reference")
    for year in (2023, 2024):
        for code, name in NAMES.items():
            write_xlsx(raw / f"{year}Q4" / f"{name}.xlsx", _cover(code, year), _return(code, year))
    wh = Warehouse(root / "civstat.duckdb")
    con = duckdb.connect(str(wh.working))
    try:
        result = ingest(con, raw, ref, quarantine_dir=root / "quarantine")
        assert con.execute("SELECT count(*) FROM raw.quarantine").fetchall() == [(0,)], result
    finally:
        con.close()
    workstate.mark_file(wh.working, "gate")  # the edit rules are not what this module tests
    refresh(wh, capture=True, gate=False)
    return wh


def q(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def measure(wh, code: str, division: str = COUNTY, year: int = 2024):
    rows = q(
        wh,
        "SELECT value FROM fct_measures WHERE measure_code = ? AND division_code = ? "
        "AND year = ? AND quarter = 4",
        [code, division, year],
    )
    return rows[0][0] if rows else None


def kpi(wh, code: str, division: str = COUNTY, year: int = 2024) -> tuple:
    return q(
        wh,
        "SELECT value, numerator, denominator FROM kpi_annual WHERE kpi_code = ? "
        "AND division_code = ? AND year = ?",
        [code, division, year],
    )[0]


def _report(wh, year: int = 2024, division: str | None = None):
    from civstat.report.builder import Builder, Options
    from civstat.report.data import MartReader

    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        return Builder(MartReader(con), Options(year=year, division=division)).build()
    finally:
        con.close()


def _block(report, anchor: str):
    for s in report.sections:
        if s.anchor == anchor:
            return s
        for b in s.blocks:
            if b.anchor == anchor:
                return b
    return None


def _text(block) -> str:
    return "".join(block.paragraphs)


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%"


# -- the warehouse holds what the returns say ---------------------------------------------------
def test_new_columns_reach_the_marts(warehouse):
    wh = warehouse
    towns = [TEKUN_NEW[c][cat] for c in NEW for cat in ("urban", "rural")]
    assert measure(wh, "tekun_new_centralized_ytd") == sum(r[4] for r in towns)
    assert kpi(wh, "tekun_new_centralized") == (
        sum(r[4] for r in towns),
        sum(r[4] for r in towns),
        sum(r[3] for r in towns) + 1 + 8,
    )  # + 城关街道's 本年新增 (old layout: 1 urban, 8 rural)
    assert measure(wh, "tekun_centralized_funds_ytd") == sum(r[6] for r in towns)
    assert measure(wh, "tekun_dispersed_funds_ytd") == sum(r[5] - r[6] for r in towns)
    funds = dict(
        q(
            wh,
            "SELECT programme_code || '/' || category, sum(funds_ytd) FROM fct_funds "
            "WHERE year = 2024 AND quarter = 4 GROUP BY ALL",
        )
    )
    assert funds["tekun_centralized/rural"] == 42_240 + 28_800
    assert funds["disability_hardship_subsidy/all"] == 34_200
    assert funds["disability_care_subsidy/all"] == 24_800
    assert funds["retired_workers_relief/all"] == 36_060
    assert q(
        wh,
        "SELECT part_of FROM dim_programme WHERE programme_code IN "
        "('tekun_centralized', 'disability_hardship_subsidy', 'disability_care_subsidy', "
        "'retired_workers_relief', 'eldercare_safety') ORDER BY programme_code",
    ) == [("disability_subsidies",), ("disability_subsidies",), (None,), (None,), ("tekun",)]
    found = sum(r[8] for r in ELDER[2024]) * 3
    rectified = sum(r[9] for r in ELDER[2024]) * 3
    assert kpi(wh, "safety_hazard_rectification_rate") == (rectified / found, rectified, found)
    assert kpi(wh, "eldercare_beds_growth")[0] == pytest.approx(110 / 80 - 1)
    assert measure(wh, "orphan_std_dispersed") == 1_300
    assert measure(wh, "retired_workers") == 9


def test_old_returns_keep_their_figures(warehouse):
    """2023's returns (no added column) and 城关街道's 2024 one: figures as reported, the added
    figures absent (no row), not 0."""
    wh = warehouse
    assert q(
        wh,
        "SELECT sum(high_age_persons), sum(disability_funds_ytd), sum(orphan_funds_ytd) "
        "FROM fct_welfare_subsidies WHERE year = 2023 AND quarter = 4",
    ) == [(2 * WELFARE[0], 2 * WELFARE[6], 2 * WELFARE[9])]
    for code in (
        "tekun_new_centralized_ytd",
        "tekun_centralized_funds_ytd",
        "retired_workers",
        "eldercare_hazards_found",
        "orphan_std_centralized",
    ):
        assert measure(wh, code, year=2023) is None, code
    for code in (
        "tekun_new_centralized_ytd",
        "tekun_centralized_funds_ytd",
        "tekun_dispersed_funds_ytd",
    ):  # 城关街道's 2024 表2 in the old layout
        assert measure(wh, code, CHENGGUAN) is None, code
    assert kpi(wh, "tekun_new_centralized", year=2023)[0] is None
    assert measure(wh, "tekun_persons", CHENGGUAN) == 6 + 45  # handmade TEKUN, unchanged


# -- the summary states them -----------------------------------------------------------------
def test_tekun_sentences(warehouse):
    wh = warehouse
    text = _text(_block(_report(wh), "tekun"))
    new = kpi(wh, "tekun_new_centralized")[0]
    assert (
        f"全年新增特困供养人员{measure(wh, 'tekun_new_persons_ytd'):,.0f}人，"
        f"其中新增集中供养{new:,.0f}人*。" in text
    )
    c, d = measure(wh, "tekun_centralized_funds_ytd"), measure(wh, "tekun_dispersed_funds_ytd")
    assert f"其中集中供养资金{money_text(c)}*、分散供养资金{money_text(d)}*" in text
    # standards: one figure where the townships agree, their range where they do not
    assert "城市特困人员集中供养标准年人均14,000元，分散供养标准年人均9,000元。" in text
    assert "农村特困人员集中供养标准年人均9,600元，分散供养标准年人均6,000—6,200元。" in text
    rural, rural_before = (
        kpi(wh, "tekun_centralized_rate_rural")[0],
        kpi(wh, "tekun_centralized_rate_rural", year=2023)[0],
    )
    delta = round((rural - rural_before) * 100, 1)
    assert delta != 0
    assert (
        f"其中农村特困人员集中供养率{_pct(rural)}，比上年"
        f"{'提高' if delta > 0 else '降低'}{abs(delta):.1f}个百分点"
    ) in text
    notes = _block(_report(wh), "tekun").notes
    assert "* 本年新增集中供养人数：不含城关街道（未填报该项）" in notes
    assert "* 集中供养资金：不含城关街道（未填报该项）" in notes


def test_eldercare_sentences(warehouse):
    wh = warehouse
    text = _text(_block(_report(wh), "eldercare"))
    growth = kpi(wh, "eldercare_beds_growth")[0]
    assert f"养老机构床位比上年末增长{growth * 100:.1f}%。" in text
    rate, rectified, _ = kpi(wh, "safety_hazard_rectification_rate")
    assert (
        f"全年排查养老机构安全隐患{measure(wh, 'eldercare_hazards_found'):,.0f}项，"
        f"已整改{rectified:,.0f}项，整改率{_pct(rate)}。"
    ) in text
    assert "*" not in text  # every township states its hazards: nothing marked


def test_welfare_and_temp_assist_sentences(warehouse):
    wh = warehouse
    report = _report(wh)
    text = _text(_block(report, "welfare"))
    hardship, care = (
        measure(wh, c) for c in ("disability_hardship_funds_ytd", "disability_care_funds_ytd")
    )
    assert (
        f"截至2024年年底，困难残疾人生活补贴实际领取{2 * WELFARE[3]:,}人、"
        f"重度残疾人护理补贴实际领取{2 * WELFARE[5]:,}人"
    ) in text
    assert (
        f"其中困难残疾人生活补贴{money_text(hardship)}*、重度残疾人护理补贴{money_text(care)}*"
        in text
    )
    orphans = measure(wh, "orphans")
    assert orphans == 2 * (WELFARE[7] + WELFARE[8])
    assert (
        f"全县现有孤儿{orphans:,.0f}人，其中集中养育{2 * WELFARE[7]}人、散居{2 * WELFARE[8]}人"
        in text
    )
    assert "集中养育孤儿基本生活费标准月人均1,700元，散居孤儿基本生活费标准月人均1,300元" in text
    retired = measure(wh, "retired_workers")
    assert (
        f"全县现有精减退职人员{retired:,.0f}人*，全年发放精减退职人员生活补助"
        f"{money_text(measure(wh, 'retired_workers_funds_ytd'))}*。"
    ) in text
    assert "* 精减退职人员：不含白庙乡（未填报该项）" in _block(report, "welfare").notes
    in_kind = q(
        wh,
        "SELECT sum(funds_ytd) FROM fct_funds WHERE programme_code = "
        "'temp_assist_in_kind' AND year = 2024 AND quarter = 4",
    )[0][0]
    assert in_kind == 3 * TEMP[3]
    assert f"其中实物救助折款{money_text(in_kind)}，" in _text(_block(report, "temp-assist"))


def test_optional_sheet_and_old_return_in_a_township_report(warehouse):
    wh = warehouse
    notes = _text(_block(_report(wh), "data-notes"))
    assert (
        "季报“表8 其他社会福利”为选报表，四季度报送季报的3个乡镇（街道）中有2个填报，"
        "相关数字为这2个乡镇（街道）的合计。"
    ) in notes
    own = _report(wh, division=CHENGGUAN)
    assert _block(own, "welfare") is None
    own_notes = _text(_block(own, "data-notes"))
    assert re.search(
        r"本年度城关街道未报送季报[^。]*“表8 其他社会福利”[^。]*，相关内容从略。", own_notes
    )
    assert "全部乡镇（街道）" not in own_notes  # a township's report speaks of itself
    tekun = _text(_block(own, "tekun"))
    # its old return: the clauses of the added columns are left out, never printed blank
    assert "新增集中供养" not in tekun and "集中供养资金" not in tekun
    assert "已纳入供养范围的特困人员51人" in tekun
    assert not re.search(r"None|nan|(?<![\d,])人，|供养资金、", tekun)
    all_text = "".join(p for s in own.sections for p in s.paragraphs)
    all_text += "".join(p for s in own.sections for b in s.blocks for p in b.paragraphs)
    assert "None" not in all_text and "nan" not in all_text
