"""The vectorised typing of data cells (civstat.ingest.columns), against the per-cell reader and
on returns written cell by cell with openpyxl (numbers as text, 万元, 合计, refusals)."""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_ingest,
    write_cells,
    write_xlsx,
)
from handmade import DIBAO as HAND_DIBAO
from test_reader_units import DIBAO, DIBAO_HEADER, county, load, sheets_of, township

from civstat.contract import load_contract
from civstat.ingest import read_return
from civstat.ingest.cell_batch import CellBatch
from civstat.ingest.columns import limit_of, read_cell, typing_unit
from civstat.ingest.reader import Refusal

__all__ = ["county", "township"]  # module fixtures shared with test_reader_units

DIBAO_SHEET = load_contract().sheet("dibao")
PERSONS, FUNDS = DIBAO_SHEET.column("persons"), DIBAO_SHEET.column("funds_ytd")
STANDARD = DIBAO_SHEET.column("standard")

FORMS = ["1775475", "1,775,475", "1，775，475", "１２３", "１，２３４", "529户", "529 户", " 12 ", "12\n",
         "67%", "6.5", "0.125", "-3", "+4", ".5", "1e3", "—", "——", "-", "--", "–", "/", "\\", "－",
         "无", "無", "None", "null", "", "   ", None, "约两百", "12abc34", "1.2.3", "Infinity", "-inf",
         "NaN", "1e308", "99999999999999999999", "2.5", "3,300元/年", "860元/人·月", "1.5万",
         "38万元", "177.5475 万元", "1.5萬", "2.1万人", "384.56063千元", "380000元", "25.4公顷", "12亩",
         "3.5万户", "1,5", "12,34", "1,23,456", "1，5", "1,775,475.5", "12,000户", "-1,234", ",5", "1,",
         "2万余", "210左右", "300多", "3千人", "2百", "1.2千", "38万元整", "380000元整", "0.33万元/年",
         "1.78E+06", " 1.78e6 ", "１.７８Ｅ＋０６", "-2E3", "120 210", "120\n210", "380\u3000000",
         "1\xa0775\xa0475", "12O", "1l", "210+", "210*"]


def _per_cell(col, raw, factor):
    try:
        return read_cell(col, raw, factor, {"sheet": "s", "row": 1, "column": "c"}), None
    except Refusal as exc:
        return None, (exc.code, exc.zh)


@pytest.mark.parametrize("col", [PERSONS, FUNDS, STANDARD], ids=lambda c: c.name)
@pytest.mark.parametrize("factor", [1.0, 10000.0])
def test_batch_types_every_form_as_the_per_cell_reader(col, factor):
    batch = CellBatch()
    for raw in FORMS:
        batch.add(raw, factor, float(limit_of(col)), col.type == "int", typing_unit(col))
    typed = batch.typed()
    for i, raw in enumerate(FORMS):
        value, refused = _per_cell(col, raw, factor)
        assert (i in typed.bad) == (refused is not None), raw
        if refused is None:
            assert typed.values[i] == value and type(typed.values[i]) is type(value), raw


def test_numbers_as_text_traditional_headers_wanyuan_and_total(tmp_path, county, township):
    dibao = [["城乡低保统计表"],
             ["單位:戶、人、萬元"],
             ["類別", "期末保障戶數", "期末保障人數", "本年新增户数", "本年新增人数", "本年退出户数",
              "本年退出人数", "累計支出低保資金(萬元)", "保障标准(元/人·月)"],
             ["城市低保", "1,234", "２，３４５", "12户", " 5 ", "—", "/", "15.5", "860元"],
             [None],
             ["农村低保", "３００", "520人", "-", None, "无", "2", "１５", "560"],
             ["合计", "1534", "2865", "12", "5", "0", "2", "16.5", None],
             ["填表人:张三", None, None, None, "审核人:李四"]]
    con, path = load(tmp_path, county, sheets_of(township, dibao))
    rows = con.execute("SELECT category, is_total, source_row, households, persons, new_households, "
                       "new_persons, exited_households, exited_persons, funds_ytd, standard "
                       "FROM raw.dibao ORDER BY source_row").fetchall()
    assert rows == [("urban", False, 4, 1234, 2345, 12, 5, None, None, 155000.0, 860.0),
                    ("rural", False, 6, 300, 520, None, None, None, 2, 150000.0, 560.0),
                    ("total", True, 7, 1534, 2865, 12, 5, 0, 2, 165000.0, None)]
    assert read_return(path).sheets["dibao"].sheet_name == DIBAO


@pytest.mark.parametrize(("cell", "code", "message"), [
    ("约两百", "bad_value", "无法识别的数值 '约两百'"),
    ("1,5", "bad_value", "数值的逗号不是千分位(应每三位一个):'1,5',是小数点吗?"),
    ("52,00", "bad_value", "数值的逗号不是千分位"),
    ("12.5", "not_whole", "应为整数,实为 '12.5'"),
    ("1e308", "bad_value", "'1e308' 是科学计数法"),
    ("1.78E+06", "bad_value", "'1.78E+06' 是科学计数法,只留下了几位有效数字"),
    ("99999999999999999999", "bad_value", "数值超出可能范围"),
    ("Infinity", "bad_value", "数值超出可能范围"),
])
def test_refusal_names_the_exact_cell(tmp_path, township, cell, code, message):
    dibao = [DIBAO_HEADER + ["保障标准"],
             ["城市低保", 40, 61, 3, 5, 2, 3, 150000, 860],
             ["农村低保", 300, 520, 20, cell, 12, 20, 900000, 3300]]
    path = write_cells(tmp_path / "r.xlsx", sheets_of(township, dibao))
    with pytest.raises(Refusal) as info:
        read_return(path)
    exc = info.value
    assert (exc.code, exc.sheet, exc.row, exc.column) == (code, DIBAO, 3, "本年新增人数")
    assert exc.zh.startswith(message)


def test_first_problem_in_reading_order_is_named(tmp_path, township):
    """A bad cell before an unknown category (same sheet, or an earlier sheet) is named first;
    an unknown category before a bad cell is."""
    bad_then_category = [DIBAO_HEADER + ["保障标准"],
                         ["城市低保", 40, "x", 3, 5, 2, 3, 150000, 860],
                         ["某某低保", 300, 520, 20, 31, 12, 20, 900000, 3300]]
    category_then_bad = [bad_then_category[0], bad_then_category[2], bad_then_category[1]]
    tekun_unknown = {"表2 特困人员救助供养": [["类别", "期末供养人数", "集中供养人数", "分散供养人数",
                                          "累计支出供养资金"], ["其他特困", 3, 1, 2, 30000]]}
    cases = [(sheets_of(township, bad_then_category), ("bad_value", DIBAO, 2)),
             (sheets_of(township, category_then_bad), ("unknown_category", DIBAO, 2)),
             (sheets_of(township, bad_then_category[:2], **tekun_unknown), ("bad_value", DIBAO, 2))]
    for n, (sheets, expected) in enumerate(cases):
        with pytest.raises(Refusal) as info:
            read_return(write_cells(tmp_path / f"r{n}.xlsx", sheets))
        assert (info.value.code, info.value.sheet, info.value.row) == expected, n


def test_single_row_sheet_reads_its_one_row_or_its_total_and_reports_the_rest(tmp_path, township):
    """表3 takes one row (the township's figures). A 合计 under its parts (城镇 | 农村) is that
    row; parts without a 合计 are refused (adding them up would be a guess), and so is a row of
    text under the figures — before, the first row was read and the rest silently left out."""
    dibao = [DIBAO_HEADER + ["保障标准"], ["城市低保", 40, 61, 3, 5, 2, 3, 150000, 860]]
    head = ["项目", "累计救助户次", "累计救助人次", "累计支出救助资金"]

    def read(rows):
        path = write_cells(tmp_path / "r.xlsx", sheets_of(township, dibao, **{"表3 临时救助": rows}))
        return read_return(path).sheets["temp_assist"].rows

    rows = read([head, [None, None, "—", None], ["城镇", 5, 14, 9000], ["农村", 7, 16, 15000],
                 ["合计", 12, 30, 24000]])
    assert [(r["source_row"], r["household_times_ytd"], r["funds_ytd"]) for r in rows] == [(5, 12, 24000.0)]
    with pytest.raises(Refusal) as parts:
        read([head, ["城镇", 5, 14, 9000], ["农村", 7, 16, 15000]])
    assert (parts.value.code, parts.value.sheet, parts.value.row) == ("several_rows", "表3 临时救助", 3)
    assert "实有 2 行数据(第2、3行)" in parts.value.zh
    with pytest.raises(Refusal) as text:
        read([head, [None, 12, 30, 24000], [None, "乱写", "x", "y"]])
    assert (text.value.code, text.value.row, text.value.column) == ("bad_value", 3, "累计救助户次")




def test_a_category_written_twice_is_refused(tmp_path, township):
    """城市低保 and 城镇低保 (its synonym) both with figures: which is the quarter's cannot be told
    — refused, naming both rows (before, both were loaded as 城市低保);
    an empty second row of a category is no second row."""
    def read(rows):
        return read_return(write_cells(tmp_path / "r.xlsx",
                                       sheets_of(township, [[*DIBAO_HEADER, "保障标准"], *rows])))

    urban = ["城市低保", 40, 61, 3, 5, 2, 3, 150000, 860]
    rural = ["农村低保", 300, 520, 20, 30, 12, 20, 900000, 6600]
    with pytest.raises(Refusal) as twice:
        read([urban, ["城镇低保", 1, 2, 0, 0, 0, 0, 100, 860], rural])
    assert (twice.value.code, twice.value.sheet, twice.value.row, twice.value.column) == (
        "duplicate_category", DIBAO, 3, "类别")
    assert "城市低保 出现两行(第2行和第3行)" in twice.value.zh
    rows = read([urban, ["城镇低保", None, "—", None], rural]).sheets["dibao"].rows
    assert [(r["category"], r["persons"]) for r in rows] == [("urban", 61), ("rural", 520)]


@pytest.mark.parametrize(("second", "code", "zh"), [
    (["镇敬老院", "敬老院", 80, 40, 51, 12, 9], "duplicate_entity", "机构名称 镇敬老院 出现两行(第2行和第4行)"),
    ([None, "敬老院", 30, 10, 20, 4, 2], "unnamed_row", "有数据但机构名称为空"),
])
def test_an_institution_named_twice_or_not_at_all_is_refused(tmp_path, township, second, code, zh):
    """表6 is one row per institution: a pasted copy would count its beds twice, a row without a
    name would count for none (the warehouse keeps named rows) — both refused at the row; a 合计
    row needs no name."""
    head = ["机构名称", "机构类型", "床位数", "护理型床位", "期末在院人数", "工作人员数", "持证/参训护理员"]
    rows = [head, ["镇敬老院", "敬老院", 80, 40, 51, 12, 9], ["镇日间照料中心", "日间照料中心", 20, 0, 10, 3, 1]]
    total = ["合计", None, 100, 40, 61, 15, 10]
    dibao = [DIBAO_HEADER + ["保障标准"], ["城市低保", 40, 61, 3, 5, 2, 3, 150000, 860]]

    def read(sheet):
        path = write_cells(tmp_path / "r.xlsx", sheets_of(township, dibao, **{"表6 养老服务机构": sheet}))
        return read_return(path)

    assert [r["beds"] for r in read([*rows, total]).sheets["eldercare"].rows] == [80, 20, 100]
    with pytest.raises(Refusal) as refused:
        read([*rows, second, total])
    assert (refused.value.code, refused.value.row, refused.value.column) == (code, 4, "机构名称")
    assert zh in refused.value.zh


def test_a_row_number_column_before_the_labels(tmp_path):
    """序号 | 类别 | 期末保障户数 … (a numbered form): the categories are read from 类别, not from
    the row numbers (before: 无法识别的类别 '1'); 白庙's 编号 | 项目 … in the same batch too, and
    马店's 表6 with 序号 before 机构名称."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    dibao, eldercare = sheets["表1 最低生活保障"], sheets["表6 养老服务机构"]
    write_xlsx(folder / "马店.xlsx", cover_rows(), {
        **sheets, "表1 最低生活保障": [["序号", *dibao[0]], [1, *dibao[1]], [2, *dibao[2]]],
        "表6 养老服务机构": [["序号", *eldercare[0]], [1, *eldercare[1]]]})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), {
        **sheets, "表1 最低生活保障": [["编号", "项目", *dibao[0][1:]], ["一", *dibao[1]], ["二", *dibao[2]]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    rows = con.execute("SELECT s.unit_name, d.category, d.persons FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall()
    assert rows == [(town, cat, HAND_DIBAO[cat][1]) for town in ("白庙乡", "马店镇") for cat in ("rural", "urban")]
    assert con.execute("SELECT institution_name, beds FROM raw.eldercare_institutions e JOIN raw.submissions s "
                       "USING (submission_id) WHERE s.unit_name = '马店镇'").fetchall() == [("马店镇敬老院", 80)]


@pytest.mark.parametrize(("sheet", "rows", "parts", "column"), [
    ("表1 最低生活保障", [["合计", 649, 874, 58, 72, 48, 51, 2_155_475, None]], "城市低保、农村低保各一行的数",
     "期末保障户数"),
    ("表5 自然灾害", [[None, "合计", 800, 20, 381, 40, 12, 30, 10, 25, 12.5, 50_000]], "逐条的明细行",
     "受灾人口(人)"),
    ("表6 养老服务机构", [["合计", None, None, 80, 40, 52, 30, 12, 8]], "逐条的明细行", "床位数(张)"),
])
def test_figures_in_a_total_row_alone_are_refused(tmp_path, sheet, rows, parts, column):
    """A sheet of categories, events or institutions holding only its 合计 row: the warehouse adds
    up the detail rows (a 合计 is only checked against them), so 874 people would have counted for
    nothing in the county's figures, with no word — refused at the 合计 row. A 合计 of zeros (no
    recipients, no disaster) loses nothing and loads."""
    sheets = canonical_sheets()
    sheets[sheet] = [sheets[sheet][0], *rows]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    _, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == ("only_total", sheet, 2, column)
    assert f"本表只填了合计行,没有{parts}" in item.message_zh
    zeros = canonical_sheets()
    zeros[sheet] = [zeros[sheet][0], [c if not isinstance(c, (int, float)) else 0 for c in rows[0]]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), zeros)
    _, result = run_ingest(tmp_path)
    assert result.ok


@pytest.mark.parametrize(("cell", "word"), [
    ("2万余", "万余"), ("664左右", "左右"), ("3千人", "千人"), ("600多", "多")])
def test_a_rough_figure_is_refused_at_its_cell(tmp_path, cell, word):
    """2万余 read as 2, 3千人 as 3 people, 664左右 as if exact: before, the words after the number
    were dropped without a word. Refused, naming the cell; 38万元整 is 380,000 元."""
    sheets = canonical_sheets()
    sheets["表1 最低生活保障"][2][7] = "177.5475万元整"
    item = _refused_cell(tmp_path, sheets, (2, 2), cell)  # 农村低保 期末保障人数
    assert (item.row, item.column) == (3, "期末保障人数")
    assert f"'{cell}' 不是准确的数(“{word}”无法换算或是约数)" in item.message_zh
    sheets["表1 最低生活保障"][2][2] = HAND_DIBAO["rural"][1]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT funds_ytd FROM raw.dibao WHERE category = 'rural'").fetchone() == (
        1_775_475.0,)


@pytest.mark.parametrize(("cell", "words"), [
    ("120 210", "的数字中间有空格或换行:是千分位,还是一格里填了两个数?"),
    ("120\n210", "的数字中间有空格或换行"),
    ("2 10", "的数字中间有空格或换行"),
    ("12O", "的数字后面是字母 O(是数字吗?)"),
    ("210+", "不是准确的数(“+”无法换算或是约数)")])
def test_two_figures_in_a_cell_or_a_letter_for_a_digit_is_refused(tmp_path, cell, words):
    """120 and 210 typed in one cell (a space or Alt+Enter between), 2 10, 12O with a letter O
    for 0, 210+: before, 120210 households, 210 people, 12 households (with a note), 210 loaded.
    Refused, naming the cell: which figure was meant cannot be told."""
    item = _refused_cell(tmp_path, canonical_sheets(), (1, 1), cell)  # 城市低保 期末保障户数
    assert (item.row, item.column) == (2, "期末保障户数")
    assert f"{cell!r} {words}" in item.message_zh


def _refused_cell(tmp_path, sheets: dict, at: tuple[int, int], cell):
    """The one refusal of a return whose 表1 cell ``at`` (row, column of the grid) holds ``cell``:
    a bad value in 表1."""
    sheets["表1 最低生活保障"][at[0]][at[1]] = cell
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    _, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert (item.reason_code, item.sheet) == ("bad_value", "表1 最低生活保障")
    return item


def test_totals_parts_footers_and_column_numbers_are_no_institutions(tmp_path):
    """表6 with the rows clerks add around their institutions: 甲 | 乙 | 丙 | 1 | 2 … numbering the
    columns under the header, 共计 and 合计: as totals, 其中:公办 under the total, and the
    footers 制表人 and 填报单位(盖章). Before, each loaded as an institution (共计's 100 beds
    doubling the township's); now only the two institutions are, plus the total row. 表1's 甲 row
    and 表3's 1 | 2 | 3 | 4 row are no data either (表3's with a finding)."""
    sheets = canonical_sheets()
    eldercare = sheets["表6 养老服务机构"]
    sheets["表6 养老服务机构"] = [
        eldercare[0], ["甲", "乙", "丙", 1, 2, 3, 4, 5, 6], eldercare[1],
        ["马店镇幸福院", "日间照料中心", "公建民营", 20, 0, 15, 0, 3, 2],
        ["共计", None, None, 100, 40, 67, 30, 15, 10], ["其中:公办", None, None, 80, 40, 52, 30, 12, 8],
        ["合计:", None, None, 100, 40, 67, 30, 15, 10],
        ["制表人:王五"], ["填报单位(盖章):马店镇民政办"]]
    dibao = sheets["表1 最低生活保障"]
    sheets["表1 最低生活保障"] = [dibao[0], ["甲", *range(1, 9)], *dibao[1:]]
    temp = sheets["表3 临时救助"]
    sheets["表3 临时救助"] = [temp[0], [1, 2, 3, 4], *temp[1:]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT institution_name, is_total, beds FROM raw.eldercare_institutions "
                       "ORDER BY source_row").fetchall() == [
        ("马店镇敬老院", False, 80), ("马店镇幸福院", False, 20), (None, True, 100), (None, True, 100)]
    assert con.execute("SELECT category, persons FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", HAND_DIBAO["rural"][1]), ("urban", HAND_DIBAO["urban"][1])]
    assert con.execute("SELECT household_times_ytd, person_times_ytd FROM raw.temp_assist").fetchall() == [
        (41, 96)]
    assert con.execute("SELECT code, sheet, row FROM raw.findings").fetchall() == [
        ("column_numbers", "表3 临时救助", 2)]


def test_group_subtotals_and_titles_in_table6_are_no_institutions(tmp_path):
    """表6 grouped by how institutions are run: 一、公办机构 as a title over its rows, 公办小计
    and 小计(民办) under them, 合计 at the end. Before, the title and the subtotals loaded as
    institutions (4 institutions, 280 beds for 2 and 140); now the titles are findings, the
    subtotals totals, and only the two institutions count."""
    sheets = canonical_sheets()
    head, home = sheets["表6 养老服务机构"]
    other = ["马店镇康乐养老院", "民办养老院", "民办", 60, 20, 40, 5, 8, 4]
    sheets["表6 养老服务机构"] = [
        head, ["一、公办机构"], home, ["公办小计", None, None, 80, 40, 52, 30, 12, 8],
        ["二、民办机构"], other, ["小计(民办)", None, None, 60, 20, 40, 5, 8, 4],
        ["合计", None, None, 140, 60, 92, 35, 20, 12]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert con.execute("SELECT institution_name, beds FROM raw.eldercare_institutions "
                       "WHERE NOT is_total ORDER BY source_row").fetchall() == [
        ("马店镇敬老院", 80), ("马店镇康乐养老院", 60)]
    assert con.execute("SELECT count(*) FROM raw.eldercare_institutions WHERE is_total").fetchone() == (3,)
    assert con.execute("SELECT code, row, message_zh FROM raw.findings ORDER BY row").fetchall() == [
        ("title_row", 2, "第2行只有机构名称(一、公办机构),没有数据,按分组标题处理,未读取"),
        ("title_row", 5, "第5行只有机构名称(二、民办机构),没有数据,按分组标题处理,未读取")]


@pytest.mark.parametrize(("sheet", "row", "at", "column"), [
    ("表6 养老服务机构", ["公办机构", None, None, 80, 40, 52, 30, 12, 8], 2, "机构类型"),
    ("表5 自然灾害", [None, "风雹", 300, 0, 150, 10, 0, 0, 2, 8, 3.2, 10_000], 3, "灾害发生日期"),
])
def test_a_row_without_its_required_attribute_is_refused(tmp_path, sheet, row, at, column):
    """公办机构 with its group's figures and no 机构类型 (a subtotal in all but name: read as an
    institution it doubled 80 beds), a 风雹 of 300 people with no 灾害发生日期 (the warehouse places
    events by date: it fell out of every quarter). Refused, naming the empty cell."""
    sheets = canonical_sheets()
    sheets[sheet].insert(at - 1, row)
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    _, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == ("missing_value", sheet, at, column)
    assert item.message_zh.endswith(f"{column} 为空(必填):请填写" + (
        ";如是分组的小计行,请在名称中写明“小计”" if sheet.startswith("表6") else ""))
