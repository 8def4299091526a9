"""Units of 保障标准 (元/人·月 or 元/人·年), on returns written cell by cell with openpyxl.

The reader keeps the standard as reported and records, per category and return, its period
(``standard_period``: month | year) and how it was decided (``standard_unit_source``: header,
cell, convention or magnitude); an inferred unit (convention, magnitude) is a finding.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from handmade import write_cells

from civstat.generate import write_reference
from civstat.generate.model import build_county
from civstat.ingest import ingest, read_return

PERIOD = "2024Q3"
DIBAO = "表1 最低生活保障"
DIBAO_HEADER = ["类别", "期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数",
                "本年退出人数", "累计支出低保资金"]


@pytest.fixture(scope="module")
def county():
    return build_county(years=(2024,))


@pytest.fixture(scope="module")
def township(county) -> tuple[str, str]:
    d = next(d for d in county.divisions if d["level"] == "township")
    return d["division_code"], d["name"]


def sheets_of(township: tuple[str, str], dibao: list[list], **override: list[list]) -> dict:
    """A whole return: cover, 表1 as given, the other required sheets with plain figures."""
    code, name = township
    sheets = {
        "封面": [["填报单位", name], ["统计用区划代码", code], ["报告期", "2024年第3季度"],
               ["填报日期", "2024-10-08"]],
        DIBAO: dibao,
        "表2 特困人员救助供养": [["类别", "期末供养人数", "集中供养人数", "分散供养人数", "累计支出供养资金"],
                        ["城市特困", 3, 1, 2, 30000], ["农村特困", 40, 10, 30, 300000]],
        "表3 临时救助": [["累计救助户次", "累计救助人次", "累计支出救助资金"], [12, 30, 24000]],
        "表4 医疗救助": [["资助参加基本医疗保险人数", "资助参保资金", "直接医疗救助人次", "直接医疗救助资金"],
                    [100, 35000, 20, 41000]],
        "表5 自然灾害": [["灾害发生日期", "灾害种类", "受灾人口", "农作物受灾面积", "直接经济损失(万元)"]],
        "表6 养老服务机构": [["机构名称", "机构类型", "床位数", "护理型床位", "期末在院人数", "工作人员数",
                      "持证/参训护理员"], ["镇敬老院", "敬老院", 80, 40, 51, 12, 9]],
        "表7 优抚安置": [["重点优抚对象人数", "累计发放抚恤补助资金", "本年接收退役士兵", "安排工作", "自主就业",
                    "参加教育培训"], [210, 880000, 6, 1, 5, 4]],
    }
    return sheets | override


def dibao_sheet(standard_header: str, urban, rural) -> list[list]:
    return [DIBAO_HEADER + [standard_header],
            ["城市低保", 40, 61, 3, 5, 2, 3, 150000, urban],
            ["农村低保", 300, 520, 20, 31, 12, 20, 900000, rural]]


def load(tmp_path: Path, county, sheets: dict) -> tuple[duckdb.DuckDBPyConnection, Path]:
    path = write_cells(tmp_path / "raw" / PERIOD / "return.xlsx", sheets)
    ref = tmp_path / "reference"
    write_reference(county, ref)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    result = ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "q")
    assert result.ok, [q.message_zh for q in result.quarantined]
    return con, path


def standards(con) -> dict[str, tuple]:
    rows = con.execute("SELECT category, standard, standard_period, standard_unit_source "
                       "FROM raw.dibao WHERE NOT is_total").fetchall()
    return {r[0]: r[1:] for r in rows}


def unit_findings(path: Path) -> list:
    return [f for f in read_return(path).findings if f.code == "unit_inferred"]


@pytest.mark.parametrize(("header", "urban", "rural", "period"), [
    ("保障标准(元/人·月)", 860, 560, "month"),
    ("保障标准(元/人·年)", 10320, 3300, "year"),
    ("保障标准(元/人/年)", 10320, 3300, "year"),
    ("保障标准\n(元/月)", 860, 280, "month"),
    ("年保障标准", 10320, 3300, "year"),
])
def test_header_states_the_unit(tmp_path, county, township, header, urban, rural, period):
    con, path = load(tmp_path, county, sheets_of(township, dibao_sheet(header, urban, rural)))
    assert standards(con) == {"urban": (urban, period, "header"), "rural": (rural, period, "header")}
    assert unit_findings(path) == []


@pytest.mark.parametrize("header", ["保障标准(元/人·月或元/人·年)", "保障标准", "保障标准(元)"])
def test_no_unit_follows_the_category_convention_with_a_finding(tmp_path, county, township, header):
    con, path = load(tmp_path, county, sheets_of(township, dibao_sheet(header, 860, "3,300")))
    assert standards(con) == {"urban": (860, "month", "convention"),
                              "rural": (3300, "year", "convention")}
    found = unit_findings(path)
    assert [(f.sheet, f.row, f.column) for f in found] == [(DIBAO, 2, found[0].column),
                                                           (DIBAO, 3, found[0].column)]
    assert "保障标准" in found[0].column
    assert "元/人·月" in found[0].zh and "城市低保" in found[0].zh
    assert "元/人·年" in found[1].zh and "农村低保" in found[1].zh and "convention" in found[1].en
    stored = con.execute('SELECT code, sheet, "row" FROM raw.findings WHERE code = '
                         "'unit_inferred' ORDER BY \"row\"").fetchall()
    assert stored == [("unit_inferred", DIBAO, 2), ("unit_inferred", DIBAO, 3)]


def test_rural_standard_below_a_thousand_is_monthly_by_magnitude(tmp_path, county, township):
    con, path = load(tmp_path, county, sheets_of(township, dibao_sheet("保障标准", 860, 280)))
    assert standards(con)["rural"] == (280, "month", "magnitude")
    found = [f for f in unit_findings(path) if f.row == 3]
    assert len(found) == 1 and "magnitude" in found[0].en and "元/人·月" in found[0].zh


def test_urban_standard_above_two_thousand_is_yearly_by_magnitude(tmp_path, county, township):
    con, _ = load(tmp_path, county, sheets_of(township, dibao_sheet("保障标准", 10320, 3300)))
    assert standards(con) == {"urban": (10320, "year", "magnitude"),
                              "rural": (3300, "year", "convention")}


def test_unit_typed_in_the_cell(tmp_path, county, township):
    con, path = load(tmp_path, county,
                     sheets_of(township, dibao_sheet("保障标准", "860元/人·月", "3,300元/年")))
    assert standards(con) == {"urban": (860, "month", "cell"), "rural": (3300, "year", "cell")}
    assert unit_findings(path) == []


def test_header_unit_wins_over_the_convention_and_value_is_kept_as_reported(tmp_path, county,
                                                                            township):
    """The 元/人·月 header is what the township said: a rural 600 (by convention a year's) stays
    600 a month (no division; the monthly equivalent is computed downstream from
    standard_period). A figure the stated period cannot be is refused (next tests)."""
    con, _ = load(tmp_path, county, sheets_of(township, dibao_sheet("保障标准(元/人·月)", 860, 600)))
    assert standards(con)["rural"] == (600, "month", "header")


def test_a_unit_typed_in_the_cell_overrules_the_header(tmp_path, county, township):
    """7200元/年 typed under a 保障标准(元/人·月) header: the cell says what the figure is (before,
    the header won and 7,200 a month was stored)."""
    con, _ = load(tmp_path, county,
                  sheets_of(township, dibao_sheet("保障标准(元/人·月)", 860, "7200元/年")))
    assert standards(con) == {"urban": (860, "month", "header"), "rural": (7200, "year", "cell")}


def test_tekun_standards_stated_per_month_are_stored_per_year(tmp_path, county, township):
    """表2's standards are stored per year (元/人·年). A header in 元/人·月 or 元/人/月, or 800元/月
    typed in a cell, is ×12 (before, 1,167 a month was stored as 1,167 a year)."""
    tekun = [["类别", "期末供养人数", "集中供养人数", "分散供养人数", "累计支出供养资金",
              "集中供养标准(元/人·月)", "分散供养标准(元/人/月)"],
             ["城市特困", 3, 1, 2, 30000, 1167, 750], ["农村特困", 40, 10, 30, 300000, 1000, "6000元/年"]]
    sheets = sheets_of(township, dibao_sheet("保障标准(元/人·月)", 860, 560),
                       **{"表2 特困人员救助供养": tekun})
    con, _ = load(tmp_path, county, sheets)
    assert con.execute("SELECT category, std_centralized, std_dispersed FROM raw.tekun ORDER BY 1"
                       ).fetchall() == [("rural", 12000.0, 6000.0), ("urban", 14004.0, 9000.0)]
    tekun[0][5:] = ["集中供养标准(元/人·年)", "分散供养标准"]
    tekun[1][5:] = [14004, "750元/月"]
    con, _ = load(tmp_path / "typed", county, sheets)
    assert con.execute("SELECT category, std_centralized, std_dispersed FROM raw.tekun ORDER BY 1"
                       ).fetchall() == [("rural", 1000.0, 6000.0), ("urban", 14004.0, 9000.0)]


def test_tekun_standards_under_one_merged_group_header(tmp_path, county, township):
    """供养标准(元/人·月) merged over 集中 | 分散 (the parts name the kind first: 集中供养标准):
    1,167 and 750 a month are 14,004 and 9,000 a year. Before, the pair of rows was not taken
    for the header and the row of parts was refused as an unknown category."""
    tekun = [["类别", "期末供养人数", "集中供养人数", "分散供养人数", "累计支出供养资金", "供养标准(元/人·月)",
              None],
             [None, None, None, None, None, "集中", "分散"],
             ["城市特困", 3, 1, 2, 30000, 1167, 750], ["农村特困", 40, 10, 30, 300000, 1000, 500]]
    sheets = sheets_of(township, dibao_sheet("保障标准(元/人·月)", 860, 560),
                       **{"表2 特困人员救助供养": tekun})
    path = write_cells(tmp_path / "raw" / PERIOD / "return.xlsx", sheets, merges={
        "表2 特困人员救助供养": ["F1:G1", *(f"{c}1:{c}2" for c in "ABCDE")]})
    ref = tmp_path / "reference"
    write_reference(county, ref)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    result = ingest(con, path.parent.parent, ref, quarantine_dir=tmp_path / "q")
    assert result.ok, [q.message_zh for q in result.quarantined]
    assert con.execute("SELECT category, persons, std_centralized, std_dispersed FROM raw.tekun "
                       "ORDER BY 1").fetchall() == [("rural", 40, 12000.0, 6000.0),
                                                    ("urban", 3, 14004.0, 9000.0)]


def refusals(tmp_path: Path, county, sheets: dict) -> list:
    path = write_cells(tmp_path / "raw" / PERIOD / "return.xlsx", sheets)
    ref = tmp_path / "reference"
    write_reference(county, ref)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    result = ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "q")
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone() == (0,)
    return [q for q in result.quarantined if q.file.endswith(path.name)]


@pytest.mark.parametrize(("header", "rural", "column", "row", "word"), [
    ("保障标准(元/人·季)", 1650, "保障标准(元/人·季)", 1, "季"),
    ("保障标准(元/人/季度)", 1650, "保障标准(元/人/季度)", 1, "季度"),
    ("保障标准(元/人·月)", "1650元/季", "保障标准(元/人·月)", 3, "季"),
    ("保障标准", "30元/人/天", "保障标准", 3, "天"),
])
def test_a_standard_per_quarter_or_day_is_refused(tmp_path, county, township, header, rural,
                                                  column, row, word):
    """A standard per quarter (or day) has no place among 元/人·月 and 元/人·年: before, 1,650 a
    quarter was stored as 1,650 a year by the rural convention (a finding saying 未注明单位), or
    as 1,650 a month under a 元/人·月 header. Now the return is refused, naming the cell."""
    found = refusals(tmp_path, county, sheets_of(township, dibao_sheet(header, 860, rural)))
    assert len(found) == 1
    refusal = found[0]
    assert (refusal.sheet, refusal.row, refusal.column) == (DIBAO, row, column)
    assert refusal.reason_code in ("unit_mismatch", "bad_value")
    assert f"按{word}计" in refusal.message_zh and "元/人·月 或 元/人·年" in refusal.message_zh


@pytest.mark.parametrize(("header", "urban", "rural", "row", "words"), [
    ("保障标准(元/人·月)", 860, 7200, 3, "7200 按 元/人·月 不合常理(月标准不超过 2000 元),是否是 元/人·年 的数?"),
    ("保障标准(元/人·年)", 860, 7200, 2, "860 按 元/人·年 不合常理(年标准不低于 1000 元),是否是 元/人·月 的数?"),
    ("保障标准", "7200元/月", 560, 2, "7200 按 元/人·月 不合常理"),
])
def test_a_standard_its_stated_period_cannot_be_is_refused(tmp_path, county, township, header,
                                                           urban, rural, row, words):
    """The year's 7,200 under 元/人·月, a month's 860 under 元/人·年, 7200元/月 typed: before, the
    stated period was taken as it stood (7,200 a month printed and ×12 in every comparison).
    A stated period beyond the bounds no county's standard crosses (contract
    ``period_magnitude``) is refused, naming the cell, as a unit to check."""
    found = refusals(tmp_path, county, sheets_of(township, dibao_sheet(header, urban, rural)))
    assert [(q.reason_code, q.sheet, q.row) for q in found] == [("unit_mismatch", DIBAO, row)]
    assert words in found[0].message_zh


def test_a_tekun_standard_per_quarter_is_refused(tmp_path, county, township):
    """表2's standards are per year; 2400元/季 typed in a cell was read as 2,400 a year."""
    tekun = [["类别", "期末供养人数", "集中供养人数", "分散供养人数", "累计支出供养资金",
              "集中供养标准(元/人·年)", "分散供养标准(元/人·年)"],
             ["城市特困", 3, 1, 2, 30000, 14004, 9000], ["农村特困", 40, 10, 30, 300000, 12000, "2400元/季"]]
    found = refusals(tmp_path, county, sheets_of(township, dibao_sheet("保障标准(元/人·月)", 860, 560),
                                                 **{"表2 特困人员救助供养": tekun}))
    assert [(q.sheet, q.row, q.column, q.reason_code) for q in found] == [
        ("表2 特困人员救助供养", 3, "分散供养标准(元/人·年)", "bad_value")]
    assert "2400元/季" in found[0].message_zh and "按季计" in found[0].message_zh


@pytest.mark.parametrize(("column", "cell", "words"), [
    (7, "380元/人", "是比率"), (7, "3167元/户", "是比率"), (8, "800元/户·月", "是比率"),
    (2, "210元", "的单位是元"), (7, "380000人", "的单位是人"), (2, "5‰", "千分比")])
def test_a_rate_or_another_unit_in_a_figure_is_refused(tmp_path, county, township, column, cell,
                                                       words):
    """380元/人 or 3167元/户 typed in 累计支出低保资金 is a rate, not the total (before: 380 元 with a
    note); 800元/户·月 is a standard per household (before: 800 a month, no word); 210元 under
    期末保障人数, 380000人 under 累计支出, 5‰ anywhere: refused, naming the cell."""
    dibao = dibao_sheet("保障标准(元/人·月)", 860, 560)
    dibao[1][column] = cell
    found = refusals(tmp_path, county, sheets_of(township, dibao))
    assert [(q.sheet, q.row, q.column, q.reason_code) for q in found] == [
        (DIBAO, 2, dibao[0][column], "bad_value")]
    assert words in found[0].message_zh and cell in found[0].message_zh


def test_a_standards_money_per_person_and_a_bracketed_unit_are_read(tmp_path, county, township):
    """600元/人 in a 保障标准(元/人·月) column is the standard (per person: the period is the
    header's), 150000(元) in 累计支出 is 150,000 元: read, no finding."""
    dibao = dibao_sheet("保障标准(元/人·月)", 860, "600元/人")
    dibao[1][7] = "150000(元)"
    con, path = load(tmp_path, county, sheets_of(township, dibao))
    assert standards(con)["rural"] == (600, "month", "header")
    assert con.execute("SELECT funds_ytd FROM raw.dibao WHERE category = 'urban'").fetchall() == [
        (150_000.0,)]
    assert [f for f in read_return(path).findings if f.sheet == DIBAO] == []


@pytest.mark.parametrize(("column", "cell"), [(7, "5%"), (8, "12.5%"), (2, "61%")])
def test_a_percentage_in_a_figure_is_refused(tmp_path, county, township, column, cell):
    """No column of the forms holds a rate: 5% typed in 累计支出低保资金 was stored as 0.05 元,
    12.5% in a standard as 0.125 元 a month (a rate pasted over the figure). Refused, named."""
    dibao = dibao_sheet("保障标准(元/人·月)", 860, 560)
    dibao[1][column] = cell
    found = refusals(tmp_path, county, sheets_of(township, dibao))
    assert [(q.sheet, q.row, q.column, q.reason_code) for q in found] == [
        (DIBAO, 2, dibao[0][column], "bad_value")]
    assert "百分比" in found[0].message_zh and cell in found[0].message_zh


def test_existing_warehouse_gains_the_unit_source_column():
    from civstat.raw_schema import create_raw_schema

    con = duckdb.connect()
    create_raw_schema(con)
    con.execute("ALTER TABLE raw.dibao DROP COLUMN standard_unit_source")
    create_raw_schema(con)
    assert con.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                       "'raw' AND table_name = 'dibao' AND column_name = 'standard_unit_source'"
                       ).fetchone() == ("VARCHAR",)
