"""Headers as clerks really write them, on returns written cell by cell here (openpyxl, xlwt),
never by civstat's template: a unit after a slash, a dash or a space (``资金/万元``), a units
line in one cell right under the header (``单位:户次``), a 栏次 row over the units row, and
期末供养人数 merged over 合计 | 集中 | 分散. Before, each was refused as missing a column that is
there (or reading a category that is none); figures are checked against values worked out by
hand.
"""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    DIBAO,
    MADIAN,
    TEKUN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)

from civstat.ingest.normalize import header_key

T1, T2, T3 = "表1 最低生活保障", "表2 特困人员救助供养", "表3 临时救助"
HEAD = ["类别", "期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数",
        "本年退出人数", "累计支出低保资金", "保障标准"]
# 表1's figures with its funds in 万元: 38 万元 = 380,000 元, 177.5475 万元 = 1,775,475 元
URBAN = ["城市低保", 120, 210, 8, 12, 5, 7, 38, 800]
RURAL = ["农村低保", 529, 664, 50, 60, 43, 44, 177.5475, 600]


def _ingest(tmp_path, sheets: dict, merges: dict | None = None, writer: str = "xlsx"):
    """马店's return with ``sheets`` in place of the canonical ones."""
    folder = raw_folder(tmp_path)
    if writer == "xls":
        write_xls(folder / "马店.xls", {"封面": cover_rows(), **canonical_sheets(), **sheets}, merges)
    else:
        write_xlsx(folder / "马店.xlsx", cover_rows(), {**canonical_sheets(), **sheets}, merges=merges)
    return run_ingest(tmp_path)


def _loaded(tmp_path, sheets: dict, merges: dict | None = None, writer: str = "xlsx"):
    con, result = _ingest(tmp_path, sheets, merges, writer)
    assert not result.quarantined, quarantine_rows(con)
    return con


def _dibao(con) -> list[tuple]:
    return con.execute("SELECT source_row, category, households, funds_ytd, standard, "
                       "standard_period FROM raw.dibao ORDER BY source_row").fetchall()


def _line_findings(con) -> list[tuple]:
    return con.execute('SELECT sheet, "row", "column" FROM raw.findings '
                       "WHERE code = 'unit_from_line' ORDER BY sheet, \"column\"").fetchall()


# -- 1. a unit after a slash, a dash, a space or a line break ---------------------------------
@pytest.mark.parametrize("funds", ["累计支出低保资金/万元", "累计支出低保资金-万元", "累计支出低保资金 万元",
                                   "累计支出低保资金\n万元", "累计支出低保资金 ／ 万元", "累计支出低保资金—万元",
                                   "累计支出低保资金〖万元〗"])
def test_a_unit_after_a_slash_a_dash_or_a_space_is_the_headers_unit(tmp_path, funds):
    """累计支出低保资金/万元 is read as 累计支出低保资金(万元): 38 → 380,000 元, 177.5475 →
    1,775,475 元; 保障标准 元/人·年 is a standard per year (9,600 and 7,200 as written). Before:
    missing_column 累计支出低保资金 (保障标准 unread)."""
    head = [*HEAD[:7], funds, "保障标准 元/人·年"]
    con = _loaded(tmp_path, {T1: [head, [*URBAN[:8], 9600], [*RURAL[:8], 7200]]})
    assert _dibao(con) == [(2, "urban", 120, 380_000.0, 9600.0, "year"),
                           (3, "rural", 529, 1_775_475.0, 7200.0, "year")]


def test_a_unit_written_right_after_the_words_is_the_headers_unit(tmp_path):
    """累计支出低保资金万元, with no bracket or mark (马店), and 累计支出低保资金千元 (白庙), in one
    batch: 38 万元 and 380 千元 are both 380,000 元 (the two headers are two layouts, never one);
    期末保障人数万人 0.021 → 210 人, 农作物受灾面积公顷 25.4 → 381 亩. Before: missing_column
    (or the column left unread)."""
    folder = raw_folder(tmp_path)
    madian = {T1: [[*HEAD[:2], "期末保障人数万人", *HEAD[3:7], "累计支出低保资金万元", HEAD[8]],
                   [*URBAN[:2], 0.021, *URBAN[3:]], [*RURAL[:2], 0.0664, *RURAL[3:]]]}
    disaster = canonical_sheets()["表5 自然灾害"]
    disaster[0][4], disaster[1][4] = "农作物受灾面积公顷", 25.4
    write_xlsx(folder / "马店.xlsx", cover_rows(), {**canonical_sheets(), **madian,
                                                  "表5 自然灾害": disaster})
    baimiao = {T1: [[*HEAD[:7], "累计支出低保资金千元", HEAD[8]],
                    [*URBAN[:7], 380, 800], [*RURAL[:7], 1775.475, 600]]}
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), **baimiao})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT s.division_code, d.category, d.persons, d.funds_ytd FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall() == [
        (MADIAN, "rural", 664, 1_775_475.0), (MADIAN, "urban", 210, 380_000.0),
        (BAIMIAO, "rural", 664, 1_775_475.0), (BAIMIAO, "urban", 210, 380_000.0)]
    assert con.execute("SELECT DISTINCT crop_area_mu FROM raw.disaster_events").fetchall() == [(381.0,)]


def test_words_ending_like_a_unit_are_not_split():
    """Only one of the forms' units after the mark is a unit: 户数, 人次, 其中:女, 持证/参训护理员,
    7-9月 and a units row's 元/人·月 keep their words whole."""
    for text, key in [("户数", "户数"), ("人数", "人数"), ("人次", "人次"), ("其中:女", "女"),
                      ("元/人·月", "元/人·月"), ("持证/参训护理员", "持证/参训护理员"),
                      ("7-9月", "7-9月"), ("期末 保障 户数", "期末保障户数"), ("城市 低保", "城市低保")]:
        assert header_key(text) == (key, None), text
    assert header_key("保障标准/元/人/月") == ("保障标准", "元/人/月")
    assert header_key("其中：实物折款 - 万元") == ("实物折款", "万元")


def test_a_magnitude_after_a_slash_the_reader_does_not_convert_is_refused_as_such(tmp_path):
    """累计支出低保资金/百万元: refused naming the unit (ambiguous_unit), as (百万元) is — before,
    missing_column, naming a column that is there."""
    sheets = canonical_sheets()
    sheets[T1][0][7] = "累计支出低保资金/百万元"
    con, _ = _ingest(tmp_path, {T1: sheets[T1]})
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", T1, 1, "累计支出低保资金/百万元")]
    assert "百万元 无法识别" in refused[0][5]


# -- 2. a units line in one cell right under the header ----------------------------------------
@pytest.mark.parametrize(("line", "where"), [("计量单位：户、人、万元", 0), ("单位:万元", 8),
                                             ("（单位：户、人、万元）", 3)])
def test_a_units_line_under_the_header_states_units_and_holds_no_data(tmp_path, line, where):
    """计量单位：户、人、万元 in a row of its own under the header (first cell, or further right):
    the funds are in 万元 (38 → 380,000 元), a finding names the line's row, and the row is no
    category. Before: unknown_category '计量单位：户、人、万元' (or None)."""
    units = [None] * 9
    units[where] = line
    con = _loaded(tmp_path, {T1: [[*HEAD[:8], "保障标准(元/人·月)"], units, URBAN, RURAL]})
    assert _dibao(con) == [(3, "urban", 120, 380_000.0, 800.0, "month"),
                           (4, "rural", 529, 1_775_475.0, 600.0, "month")]
    assert _line_findings(con) == [(T1, 2, "累计支出低保资金")]


@pytest.mark.parametrize("line", ["单位:户次", "单位：户次、人次、元"])
def test_a_units_line_naming_no_unit_to_convert_under_a_one_row_header(tmp_path, line):
    """表3 with 单位:户次 under its header: the figures are read as written (no unit the reader
    converts, no finding), the line is no row of figures. Before: bad_value '单位:户次'."""
    temp = [["累计救助户次", "累计救助人次", "累计支出救助资金", "其中:实物折款"], [line], [41, 96, 36_800, 8_325]]
    con = _loaded(tmp_path, {T3: temp})
    assert con.execute("SELECT source_row, household_times_ytd, person_times_ytd, funds_ytd, "
                       "in_kind_ytd FROM raw.temp_assist").fetchall() == [(3, 41, 96, 36_800.0, 8_325.0)]
    assert _line_findings(con) == []


@pytest.mark.parametrize(("where", "row"), [("above", 1), ("under", 2)])
def test_a_units_line_with_a_magnitude_the_reader_does_not_convert_is_refused(tmp_path, where, row):
    """单位:百万元 over the table (or right under its header) over a funds column stating no unit:
    refused naming the line's row and the unit, as 资金(百万元) is. Before: over the table, 38
    read as 38 元 (the line was taken for none); under the header, unknown_category."""
    head = [*HEAD[:8], "保障标准(元/人·月)"]
    table = [["单位:百万元"], head] if where == "above" else [head, ["单位:百万元"]]
    con, _ = _ingest(tmp_path, {T1: [*table, URBAN, RURAL]})
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", T1, row, "累计支出低保资金")]
    assert f"第{row}行注明的单位 百万元 无法识别" in refused[0][5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone() == (0,)


# -- 3. a 栏次 row and a units row under the header, in either order --------------------------
NUMBERS = {"甲": ["甲", "1", "2", "3", "4", "5", "6", "7", "8"], "栏次": ["栏次", 1, 2, 3, 4, 5, 6, 7, 8]}
UNITS = ["单位", "户", "人", "户", "人", "户", "人", "万元", "元/人·月"]


@pytest.mark.parametrize(("numbers", "units_first", "writer"), [
    ("甲", False, "xlsx"), ("栏次", False, "xls"), ("甲", True, "xlsx"), ("栏次", True, "xlsx")])
def test_a_numbers_row_and_a_units_row_under_the_header_in_either_order(tmp_path, numbers,
                                                                       units_first, writer):
    """header | 甲 1 2 3 … | 单位 户 人 … 万元 元/人·月 | data: the units row states the funds in
    万元 (38 → 380,000 元) and the standard per month; neither row is data. Before, with the
    numbers row first: unknown_category '单位'."""
    under = [UNITS, NUMBERS[numbers]] if units_first else [NUMBERS[numbers], UNITS]
    con = _loaded(tmp_path, {T1: [HEAD, *under, URBAN, RURAL]}, writer=writer)
    assert _dibao(con) == [(4, "urban", 120, 380_000.0, 800.0, "month"),
                           (5, "rural", 529, 1_775_475.0, 600.0, "month")]


def test_a_units_row_under_a_numbers_row_that_conflicts_with_the_header_is_refused(tmp_path):
    """The units row under the 栏次 row is read as the units row under the header is: 万元 under
    累计支出低保资金(元) — which one? Refused, naming the units row (row 3)."""
    head = [*HEAD[:7], "累计支出低保资金(元)", "保障标准"]
    con, _ = _ingest(tmp_path, {T1: [head, NUMBERS["甲"], UNITS, URBAN, RURAL]})
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", T1, 3, "累计支出低保资金(元)")]


# -- 4. 期末供养人数 merged over 合计 | 集中 | 分散 --------------------------------------------
TK_HEAD = ["类别", "期末供养人数", None, None, "本年新增人数", "累计支出供养资金(元)",
           "集中供养标准(元/人·年)", "分散供养标准(元/人·年)"]
TK_MERGES = ["A1:A2", "B1:D1", "E1:E2", "F1:F2", "G1:G2", "H1:H2"]


@pytest.mark.parametrize("parts", [("合计", "集中", "分散"), ("小计", "其中:集中供养", "分散供养"),
                                   (None, "集中", "分散")])
def test_persons_merged_over_total_centralised_and_dispersed(tmp_path, parts):
    """期末供养人数 over 合计 | 集中 | 分散: 合计 is the 期末供养人数 column (6 and 45, read once,
    never added to its parts), 集中 and 分散 its parts (2 + 4, 30 + 15). Before: missing_column
    集中供养人数 (or 期末供养人数)."""
    sheet = [TK_HEAD, [None, *parts, None, None, None, None],
             ["城市特困", *TEKUN["urban"]], ["农村特困", *TEKUN["rural"]]]
    con = _loaded(tmp_path, {T2: sheet}, {T2: TK_MERGES})
    assert con.execute("SELECT source_row, category, persons, centralized, dispersed, new_persons, "
                       "funds_ytd FROM raw.tekun ORDER BY source_row").fetchall() == [
        (3, "urban", 6, 2, 4, 1, 90_000.0), (4, "rural", 45, 30, 15, 8, 61_440.0)]


def test_persons_beside_a_qizhong_group_over_centralised_and_dispersed(tmp_path):
    """期末供养人数 (merged down) | 其中 over 集中 | 分散: the parts of the column left of 其中
    (2 | 4, 30 | 15), 期末供养人数 itself (6, 45). Before: missing_column 集中供养人数."""
    head = ["类别", "期末供养人数", "其中", None, *TK_HEAD[4:]]
    sheet = [head, [None, None, "集中", "分散", None, None, None, None],
             ["城市特困", *TEKUN["urban"]], ["农村特困", *TEKUN["rural"]]]
    con = _loaded(tmp_path, {T2: sheet}, {T2: ["A1:A2", "B1:B2", "C1:D1", *TK_MERGES[2:]]})
    assert con.execute("SELECT category, persons, centralized, dispersed FROM raw.tekun "
                       "ORDER BY source_row").fetchall() == [("urban", 6, 2, 4), ("rural", 45, 30, 15)]


def test_persons_given_only_as_centralised_and_dispersed_is_their_sum(tmp_path):
    """期末供养人数 over 集中 | 分散 and no total column: 特困人员 are supported either way, so
    the contract says the parts add up to it (``parts_add_up``) and it is read as their sum
    (2 + 4 = 6, 30 + 15 = 45; a 合计 row's alike), with a finding saying so. Before:
    missing_column 期末供养人数."""
    head = ["类别", "期末供养人数", None, *TK_HEAD[4:]]
    sheet = [head, [None, "集中", "分散", None, None, None, None],
             ["城市特困", *TEKUN["urban"][1:]], ["农村特困", *TEKUN["rural"][1:]],
             ["合计", 32, 19, 9, 151_440, None, None]]
    con = _loaded(tmp_path, {T2: sheet}, {T2: ["A1:A2", "B1:C1", "D1:D2", "E1:E2", "F1:F2",
                                               "G1:G2"]})
    assert con.execute("SELECT category, persons, centralized, dispersed, new_persons "
                       "FROM raw.tekun ORDER BY source_row").fetchall() == [
        ("urban", 6, 2, 4, 1), ("rural", 45, 30, 15, 8), ("total", 51, 32, 19, 9)]
    assert con.execute("SELECT sheet, row, \"column\", message_zh FROM raw.findings "
                       "WHERE code = 'derived_column'").fetchall() == [
        (T2, 2, "期末供养人数", "期末供养人数 未单列,按 集中供养人数 + 分散供养人数 计算")]


def test_a_part_under_another_group_is_not_read_as_the_persons_part(tmp_path):
    """集中 under 本年新增人数 (合计 | 集中) is no 集中供养人数: the stock 集中 | 分散 come from
    期末供养人数's group (2 | 4, 30 | 15), 本年新增人数 from its 合计 (1, 8); the 集中 of the new
    is a column the form has not (a finding), never a figure of another column."""
    head = ["类别", "期末供养人数", None, None, "本年新增人数", None, "累计支出供养资金(元)"]
    parts = [None, "合计", "集中", "分散", "合计", "集中", None]
    sheet = [head, parts, ["城市特困", 6, 2, 4, 1, 1, 90_000], ["农村特困", 45, 30, 15, 8, 3, 61_440]]
    con = _loaded(tmp_path, {T2: sheet}, {T2: ["A1:A2", "B1:D1", "E1:F1", "G1:G2"]})
    assert con.execute("SELECT category, persons, centralized, dispersed, new_persons, "
                       "new_centralized FROM raw.tekun ORDER BY source_row").fetchall() == [
        ("urban", 6, 2, 4, 1, None), ("rural", 45, 30, 15, 8, None)]
    assert con.execute("SELECT \"column\" FROM raw.findings WHERE code = 'unread_column'"
                       ).fetchall() == [("本年新增人数集中",)]


def test_a_batch_of_one_layout_with_and_without_the_units_row_under_the_numbers(tmp_path):
    """马店 and 白庙 on one template (header | 甲 1 2 …), 马店 with a units row under the numbers
    (万元: 38 → 380,000 元), 白庙 with its figures right under them, in 元 as its header says:
    each read as its own sheet says (the layout memo tells them apart)."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), T1: [HEAD, NUMBERS["甲"], UNITS, URBAN, RURAL]})
    head = [*HEAD[:7], "累计支出低保资金(元)", "保障标准(元/人·月)"]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), T1: [head, NUMBERS["甲"], ["城市低保", *DIBAO["urban"]],
                                           ["农村低保", *DIBAO["rural"]]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT s.division_code, d.source_row, d.funds_ytd FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall() == [
        (MADIAN, 4, 380_000.0), (MADIAN, 5, 1_775_475.0),
        (BAIMIAO, 3, 380_000.0), (BAIMIAO, 4, 1_775_475.0)]
