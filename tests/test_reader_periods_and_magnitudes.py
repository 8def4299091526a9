"""Columns of another period and numbers with a magnitude, on returns written cell by cell here
(openpyxl with merged cells, GBK CSV), never by civstat's template.

* A header of another period (上年同期 over 户次 | 人次, 累计救助人次(上年同期), 比上年增减) is never
  read as the return's own figure, whichever side of the table it is on; 本期 under a column's
  name is that column. A contract column that two columns of the header read as is refused,
  naming both: which one is this quarter's cannot be told.
* A unit typed in a cell states its magnitude (``38万``, ``177.5475万元``, ``384.56千元``,
  ``25.4公顷``) in place of the header's; a header in 万 is 万元; a header unit with a magnitude
  the reader does not convert (百万元) is refused, not read as 元.
Figures are checked against values worked out by hand.
"""

from __future__ import annotations

import openpyxl
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_csv_group,
    write_xlsx,
)

TEMP = "表3 临时救助"
DIBAO = "表1 最低生活保障"
DISASTER = "表5 自然灾害"
TEMP_HEAD = ["累计救助户次", "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)"]
THIS, LAST = [41, 96, 36_800, 8_325], [30, 70, 20_000, 5_000]


def temp_assist(con) -> list[tuple]:
    return con.execute(
        "SELECT s.division_code, t.household_times_ytd, t.person_times_ytd, t.funds_ytd, "
        "t.in_kind_ytd FROM raw.temp_assist t JOIN raw.submissions s USING (submission_id) "
        "ORDER BY 1").fetchall()


def test_last_years_columns_are_never_read_as_this_quarters(tmp_path):
    """Three townships, one batch: 马店 puts 上年同期 (merged over its four columns) to the left of
    本期, 白庙 to the right, 城关 (a GBK CSV) writes (上年同期) after each header and a 比上年增减
    column — each loads this quarter's 41 户次, 96 人次, 36,800 元, 8,325 元."""
    folder = raw_folder(tmp_path)
    merged = {TEMP: ["A1:D1", "E1:H1"]}
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), TEMP: [["上年同期", None, None, None, "本期"], TEMP_HEAD * 2, LAST + THIS]},
               merges=merged)
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), TEMP: [["本期", None, None, None, "上年同期"], TEMP_HEAD * 2, THIS + LAST]},
               merges=merged)
    csv_head = [f"{h}(上年同期)" for h in TEMP_HEAD[:2]] + TEMP_HEAD + ["比上年增减人次"]
    write_csv_group(folder, "城关街道", cover_rows(unit="城关街道", code=CHENGGUAN),
                    {**canonical_sheets(), TEMP: [csv_head, LAST[:2] + THIS + [26]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert temp_assist(con) == [(code, 41, 96, 36_800.0, 8_325.0) for code in (CHENGGUAN, MADIAN, BAIMIAO)]


def test_this_period_under_a_columns_name(tmp_path):
    """累计救助人次 merged over 本期 | 上年同期: the 本期 column is the figure. 白庙 (read first)
    has the same header row with its figures right under it: each is read its own way."""
    head = ["累计救助户次", None, "累计救助人次", None, "累计支出救助资金(元)", "其中:实物折款(元)"]
    sheet = [head, ["本期", "上年同期", "本期", "上年同期", None, None], [41, 30, 96, 70, 36_800, 8_325]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: sheet},
               merges={TEMP: ["A1:B1", "C1:D1", "E1:E2", "F1:F2"]})
    write_xlsx(raw_folder(tmp_path) / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), TEMP: [head, [41, None, 96, None, 36_800, 8_325]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert temp_assist(con) == [(MADIAN, 41, 96, 36_800.0, 8_325.0), (BAIMIAO, 41, 96, 36_800.0, 8_325.0)]


def test_a_row_of_last_year_is_not_this_quarters(tmp_path):
    """A one-row sheet with its periods as rows, 上年同期 first: the 本期 row is loaded."""
    sheet = [["项目", *TEMP_HEAD], ["上年同期", *LAST], ["本期", *THIS], ["比上年增减", 11, 26, 16_800, 3_325]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: sheet})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert temp_assist(con) == [(MADIAN, 41, 96, 36_800.0, 8_325.0)]
    assert con.execute("SELECT source_row FROM raw.temp_assist").fetchall() == [(3,)]


@pytest.mark.parametrize("label", ["截至本季度末", "本季度止", "截至当月", "1月至本季度", "一至九月"])
def test_a_row_of_the_year_so_far_in_other_words_is_read(tmp_path, label):
    """截至本季度末, 本季度止, 截至当月, 一至九月 say "to date": the row is the year's so far and
    loads (contract ``cumulative_words``); so does a header that says so (救助人次(截至本季度))."""
    sheets = canonical_sheets()
    sheets[TEMP] = [["项目", TEMP_HEAD[0], "累计救助人次(截至本季度)", *TEMP_HEAD[2:]], [label, *THIS]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert temp_assist(con) == [(MADIAN, 41, 96, 36_800.0, 8_325.0)]
    assert con.execute("SELECT count(*) FROM raw.findings").fetchone() == (0,)


@pytest.mark.parametrize(("quarter", "cumulative"), [
    (["7—9月", 10, 25, 9_000, 2_000], None),
    (["七至九月", 10, 25, 9_000, 2_000], None),
    (["本季度", 10, 25, 9_000, 2_000], ["1-9月累计", None, "—", None, "—"]),
])
def test_the_quarters_row_alone_in_other_words_is_refused(tmp_path, quarter, cumulative):
    """7—9月 (a long dash), 七至九月, or 本季度 beside a 1-9月累计 row left empty: the only figures are
    the quarter's, which read as the year's so far would fall short (before: loaded, or left
    for a finding while the sheet loaded nothing)."""
    sheets = canonical_sheets()
    sheets[TEMP] = [["项目", *TEMP_HEAD], quarter, *([cumulative] if cumulative else [])]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, _ = run_ingest(tmp_path)
    assert [r[1:5] for r in quarantine_rows(con)] == [("not_cumulative", TEMP, 2, "项目")]


@pytest.mark.parametrize("part", ["本季度", "7-9月", "当月"])
def test_a_row_of_the_quarter_alone_is_not_the_years_so_far(tmp_path, part):
    """A one-row sheet with its periods as rows: 马店 has a 本季度 (or 7-9月) row above its 1-9月累计
    row — the cumulative row is loaded and the quarter's is a finding; 白庙 has the quarter's
    row alone — refused, naming the row (before, 10 户次 loaded as the year's 41)."""
    folder = raw_folder(tmp_path)
    quarter = [part, 10, 25, 9_000, 2_000]
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), TEMP: [["项目", *TEMP_HEAD], quarter, ["1-9月累计", *THIS]]})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), TEMP: [["项目", *TEMP_HEAD], quarter]})
    con, _ = run_ingest(tmp_path)
    assert temp_assist(con) == [(MADIAN, 41, 96, 36_800.0, 8_325.0)]
    assert con.execute("SELECT source_row FROM raw.temp_assist").fetchall() == [(3,)]
    assert con.execute('SELECT code, sheet, "row", "column", message_zh FROM raw.findings '
                       "WHERE code = 'part_period_row'").fetchall() == [
        ("part_period_row", TEMP, 2, "项目", f"第2行是{part}的数,不是累计数,未读取")]
    refused = quarantine_rows(con)
    assert [r[:5] for r in refused] == [("2024Q3/白庙.xlsx", "not_cumulative", TEMP, 2, "项目")]
    assert f"第2行是{part}的数:本表应填1月至本期的累计数" in refused[0][5]


@pytest.mark.parametrize(("rows", "row", "part"), [
    ([["7月", 3, 8, 3_000, 500], ["8月", 3, 8, 3_000, 500], ["9月", 4, 9, 3_000, 1_000],
      ["合计", 10, 25, 9_000, 2_000]], 5, "7月、8月、9月合计"),
    ([["本季度", 10, 25, 9_000, 2_000], ["合计", 10, 25, 9_000, 2_000]], 3, "本季度合计"),
    ([["9月", *THIS]], 2, "9月"),
])
def test_a_total_of_the_quarters_months_is_refused(tmp_path, rows, row, part):
    """Months as rows under a 合计 (7月 | 8月 | 9月 | 合计): the 合计 adds up the quarter, not the
    year so far, and is refused naming its row; so is a row labelled with a month alone (9月: the
    month's, or the year's to September?). Before, the quarter's 10 户次 loaded as the year's."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), TEMP: [["项目", *TEMP_HEAD], *rows]})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("not_cumulative", TEMP, row, "项目")]
    assert f"第{row}行是{part}的数:本表应填1月至本期的累计数" in refused[0][5]


@pytest.mark.parametrize(("rows", "read", "parts"), [
    ([[f"{m}月", 4, 10, 4_000, 925] for m in range(1, 10)] + [["合计", 36, 90, 36_000, 8_325]],
     (11, 36, 90, 36_000.0, 8_325.0), list(range(2, 11))),
    ([["1-6月", 31, 71, 27_800, 6_325], ["7-9月", 10, 25, 9_000, 2_000], ["合计", *THIS]],
     (4, *THIS), [3]),
    ([["七月", 3, 8, 3_000, 500], ["八月", 3, 8, 3_000, 500], ["九月", 4, 9, 3_000, 1_000],
      ["合计", 10, 25, 9_000, 2_000], ["1-9月累计", *THIS]], (6, *THIS), [2, 3, 4, 5]),
])
def test_a_total_of_months_from_january_is_the_years_so_far(tmp_path, rows, read, parts):
    """A 合计 under months from January on (1月 … 9月; 1-6月 | 7-9月) is the year's so far and
    loads; a 合计 of 七月 … 九月 above a 1-9月累计 row does not — the cumulative row does. The
    month rows (and the quarter's 合计) are part_period_row findings."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), TEMP: [["项目", *TEMP_HEAD], *rows]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, household_times_ytd, person_times_ytd, funds_ytd, "
                       "in_kind_ytd FROM raw.temp_assist").fetchall() == [read]
    assert con.execute("SELECT \"row\" FROM raw.findings WHERE code = 'part_period_row' "
                       "ORDER BY 1").fetchall() == [(r,) for r in parts]


def test_a_column_written_twice_is_refused_naming_both(tmp_path):
    """累计救助人次 twice (a pasted column, no 上年同期 above it): refused — naming sheet, header
    row and column — and nothing of the return is loaded; 白庙 in the same batch loads."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), TEMP: [[*TEMP_HEAD, "累计救助人次"], [*THIS, 70]]})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("duplicate_column", TEMP, 1, "累计救助人次")]
    assert "'累计救助人次' 和 '累计救助人次'" in refused[0][5]
    assert [r[0] for r in temp_assist(con)] == [BAIMIAO] and len(result.loaded) == 1


def test_magnitudes_typed_in_cells_and_headers(tmp_path):
    """马店 types 38万 and 177.5475万元 under a (元) header, 384.56063千元 under (元), 25.4公顷 and
    2.666666666666667公顷 under 亩 headers, 380000元 under a (万元) header; 白庙's header says (万)
    — every figure comes out in 元 and 亩, to the cent."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    dibao_head = sheets[DIBAO][0]
    sheets[DIBAO] = [dibao_head, ["城市低保", 120, 210, 8, 12, 5, 7, "38万", 800],
                     ["农村低保", 529, "0.0664万人", 50, 60, 43, 44, "177.5475万元", 600]]
    sheets["表4 医疗救助"] = [sheets["表4 医疗救助"][0], [300, 75_000, 167, "384.56063千元"]]
    disaster_row = list(sheets[DISASTER][1])
    disaster_row[4:6] = ["25.4公顷", f"{40 / 15}公顷"]
    disaster_row[10] = "380000元"  # the header says (万元); the cell says 元
    sheets[DISASTER] = [sheets[DISASTER][0], disaster_row]
    write_xlsx(folder / "马店.xlsx", cover_rows(), sheets)
    wan = canonical_sheets()
    wan[DIBAO] = [[*dibao_head[:7], "累计支出低保资金(万)", dibao_head[8]],
                  ["城市低保", 120, 210, 8, 12, 5, 7, 38, 800], ["农村低保", 529, 664, 50, 60, 43, 44, 177.5475, 600]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), wan)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT s.division_code, d.category, d.persons, d.funds_ytd FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall() == [
        (MADIAN, "rural", 664, 1_775_475.0), (MADIAN, "urban", 210, 380_000.0),
        (BAIMIAO, "rural", 664, 1_775_475.0), (BAIMIAO, "urban", 210, 380_000.0)]
    assert con.execute("SELECT direct_funds_ytd FROM raw.med_assist m JOIN raw.submissions s "
                       "USING (submission_id) WHERE s.division_code = ?", [MADIAN]).fetchall() == [
        (384_560.63,)]
    assert con.execute("SELECT crop_area_mu, crop_failed_mu, direct_loss FROM raw.disaster_events d "
                       "JOIN raw.submissions s USING (submission_id) WHERE s.division_code = ?",
                       [MADIAN]).fetchall() == [(381.0, 40.0, 380_000.0)]


@pytest.mark.parametrize("unit", ["百万元", "亿元", "十万元"])
def test_a_header_unit_with_an_unknown_magnitude_is_refused(tmp_path, unit):
    sheets = canonical_sheets()
    sheets[DIBAO] = [[*sheets[DIBAO][0][:7], f"累计支出低保资金({unit})", sheets[DIBAO][0][8]],
                     *sheets[DIBAO][1:]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", DIBAO, 1, f"累计支出低保资金({unit})")]
    assert f"单位 {unit} 无法识别" in refused[0][5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


def test_counts_under_wan_headers_are_read_in_units(tmp_path):
    """期末保障人数(万人) 0.021 is 210 people and 累计救助人次(万人次) 0.0096 is 96 person-times
    (before, 0.021 was refused as no whole number and a 1 under (万人) loaded as one person);
    a header unit of a count with a magnitude the reader does not convert (千人) is refused."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    head = list(sheets[DIBAO][0])
    head[1:3] = ["期末保障户数(万户)", "期末保障人数(万人)"]
    sheets[DIBAO] = [head, ["城市低保", 0.012, 0.021, *sheets[DIBAO][1][3:]],
                     ["农村低保", "529户", 0.0664, *sheets[DIBAO][2][3:]]]
    sheets[TEMP] = [["累计救助户次", "累计救助人次(万人次)", *TEMP_HEAD[2:]], [41, 0.0096, 36_800, 8_325]]
    write_xlsx(folder / "马店.xlsx", cover_rows(), sheets)
    thousands = canonical_sheets()
    thousands[DIBAO] = [[thousands[DIBAO][0][0], "期末保障户数", "期末保障人数(千人)",
                         *thousands[DIBAO][0][3:]], *thousands[DIBAO][1:]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), thousands)
    con, _ = run_ingest(tmp_path)
    assert con.execute("SELECT category, households, persons FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", 529, 664), ("urban", 120, 210)]
    assert temp_assist(con) == [(MADIAN, 41, 96, 36_800.0, 8_325.0)]
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", DIBAO, 1, "期末保障人数(千人)")]
    assert "单位 千人 无法识别(可用 人、万人)" in refused[0][5]


@pytest.mark.parametrize(("sheet", "merges", "column"), [
    ([["本季度", None, None, None], ["救助户次", "救助人次", "救助资金(元)", "实物折款(元)"], [10, 25, 9000, 2000]],
     ["A1:D1"], "本季度救助户次"),
    ([["救助户次(本季度)", "救助人次(本季度)", "救助资金(元)", "实物折款(元)"], [10, 25, 9000, 2000]],
     [], "救助户次(本季度)"),
    ([["7-9月", None, None, None], ["救助户次", "救助人次", "救助资金(元)", "实物折款(元)"], [10, 25, 9000, 2000]],
     ["A1:D1"], "7-9月救助户次"),
])
def test_a_quarters_figure_under_a_cumulative_column_is_refused(tmp_path, sheet, merges, column):
    """表3 asks for 1月至本期 totals. 本季度 (or 7-9月) over its columns, or (本季度) after a header,
    says the figures are the quarter's alone: read as the year's so far they fall 31 户次 short.
    Refused at the header (before, 10 | 25 loaded as the year's). 1-9月 and 本季度 over a stock
    (期末保障人数) are no matter."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: sheet},
               merges={TEMP: merges})
    cumulative = [["1-9月", None, None, None], TEMP_HEAD, THIS]
    dibao = canonical_sheets()[DIBAO]
    stock = [[None, "本季度", None, "1-9月"], dibao[0], *dibao[1:]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), TEMP: cumulative, DIBAO: stock},
               merges={TEMP: ["A1:D1"], DIBAO: ["B1:C1", "D1:I1"]})
    con, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert (item.file, item.reason_code, item.sheet, item.column) == (
        "2024Q3/马店.xlsx", "not_cumulative", TEMP, column)
    assert "本列应填1月至本期的累计数" in item.message_zh
    assert temp_assist(con) == [(BAIMIAO, 41, 96, 36_800.0, 8_325.0)]


def _header_of_households(sheets: dict) -> None:
    sheets[DISASTER][0][6:8] = ["倒塌房屋(户)", "倒塌间数"]


def _rooms_typed_in_a_cell(sheets: dict) -> None:
    sheets[DISASTER][1][6] = "12间"


@pytest.mark.parametrize(("edit", "reason", "row", "column", "message"), [
    (_header_of_households, "unit_mismatch", 1, "倒塌房屋(户)",
     "倒塌房屋(户) 的单位 户 与本列(倒塌房屋间数)的单位 间 不符"),
    (_rooms_typed_in_a_cell, "bad_value", 2, "倒塌房屋户数(户)", "'12间' 的单位是间,而本列的单位是户"),
])
def test_a_count_of_another_thing_is_refused(tmp_path, edit, reason, row, column, message):
    """倒塌房屋(户) is a synonym of 倒塌房屋间数 by its words, but counts households, not rooms;
    12间 typed under 倒塌房屋户数(户) counts rooms. Before, 12 households loaded as 12 rooms, or 12
    rooms as 12 households. Refused naming both units. 白庙's 累计救助人次(人) header, 96人 under
    累计救助人次 (the same people counted) and 529户 under 期末保障户数 are read."""
    sheets = canonical_sheets()
    edit(sheets)
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    loose = canonical_sheets()
    loose[TEMP][0][1] = "累计救助人次(人)"
    loose[TEMP][1][1] = "96人"
    loose[DIBAO][2][1] = "529户"
    write_xlsx(raw_folder(tmp_path) / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), loose)
    con, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert (item.file, item.reason_code, item.sheet, item.row, item.column) == (
        "2024Q3/马店.xlsx", reason, DISASTER, row, column)
    assert message in item.message_zh
    assert temp_assist(con) == [(BAIMIAO, 41, 96, 36_800.0, 8_325.0)]
    assert con.execute("SELECT households FROM raw.dibao WHERE category = 'rural'").fetchall() == [
        (529,)]


def test_words_after_a_figure_that_are_no_unit_are_a_finding(tmp_path):
    """380000元(含补发) and 1775475.63元(全年) in 累计支出低保资金: the figures are read, and the words
    the reader cannot use are a finding naming the cell (before, they went without a word);
    38万元 (a unit it converts), 529户 (the column's own) and 16630元 under 集中供养标准(元/人·年)
    (the rate's money) are no finding."""
    sheets = canonical_sheets()
    sheets[DIBAO][1][7] = "380000元(含补发)"
    sheets[DIBAO][2][7] = "1775475.63元(全年)"
    sheets[DIBAO][2][1] = "529户"
    sheets[TEMP][1][2] = "3.68万元"
    sheets["表2 特困人员救助供养"][1][6] = "16630元"  # under 集中供养标准(元/人·年): the rate's money
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT category, households, funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", 529, 1_775_475.63), ("urban", 120, 380_000.0)]
    assert temp_assist(con) == [(MADIAN, 41, 96, 36_800.0, 8_325.0)]
    assert con.execute("SELECT std_centralized FROM raw.tekun WHERE category = 'urban'"
                       ).fetchall() == [(16_630.0,)]
    assert con.execute('SELECT sheet, "row", "column", message_zh FROM raw.findings '
                       "WHERE code = 'cell_note' ORDER BY \"row\"").fetchall() == [
        (DIBAO, 2, "累计支出低保资金(元)",
         "累计支出低保资金(元) 单元格 '380000元(含补发)' 按 380,000 读取,数字后的“元(含补发)”不是可换算的单位,未读取"),
        (DIBAO, 3, "累计支出低保资金(元)",
         "累计支出低保资金(元) 单元格 '1775475.63元(全年)' 按 1,775,475.63 读取,数字后的“元(全年)”不是可换算的单位,未读取")]


def test_a_number_format_showing_wan_is_read_in_wan(tmp_path):
    """马店 types 38 and 177.5475 under 累计支出低保资金(元) and formats them 0.00"万" and
    0.0000"万元" (Excel shows 38.00万): the file holds 38, which read as stored was 38 元. Read as
    380,000 and 1,775,475 元, with a finding per cell. 白庙's formats show full figures scaled
    (0!.0000"万元", #,##0,"千元"): read as stored."""
    folder = raw_folder(tmp_path)
    for name, unit, code, values, formats in (
            ("马店.xlsx", "马店镇", MADIAN, (38, 177.5475), ('0.00"万"', '0.0000"万元"')),
            ("白庙.xlsx", "白庙乡", BAIMIAO, (380_000, 1_775_475), ('0!.0000"万元"', '#,##0,"千元"'))):
        sheets = canonical_sheets()
        sheets[DIBAO][1][7], sheets[DIBAO][2][7] = values
        path = write_xlsx(folder / name, cover_rows(unit=unit, code=code), sheets)
        book = openpyxl.load_workbook(path)
        book[DIBAO]["H2"].number_format, book[DIBAO]["H3"].number_format = formats
        book.save(path)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT s.division_code, d.category, d.funds_ytd FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall() == [
        (MADIAN, "rural", 1_775_475.0), (MADIAN, "urban", 380_000.0),
        (BAIMIAO, "rural", 1_775_475.0), (BAIMIAO, "urban", 380_000.0)]
    found = con.execute("SELECT division_code, code, \"row\", message_zh FROM raw.findings "
                        "ORDER BY 1, 3").fetchall()
    assert [f[:3] for f in found] == [(MADIAN, "display_unit", 2), (MADIAN, "display_unit", 3)]
    assert "单元格 H2 存的是 38,格式显示为 38万:按 38万 读取" in found[0][3]


def test_a_column_read_in_the_forms_unit_is_a_finding(tmp_path):
    """直接经济损失 headed without its unit: the form's 万元 reads 12.5 as 125,000 元, but had the
    clerk typed 元 it would be 10,000 times too much — before, nothing said which unit was used.
    Now a finding names the column and the unit; 直接经济损失(万元) and (元) state their own."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets[DISASTER][0][10] = "直接经济损失"
    write_xlsx(folder / "马店.xlsx", cover_rows(), sheets)
    sheets = canonical_sheets()
    sheets[DISASTER][0][10], sheets[DISASTER][1][10] = "直接经济损失(元)", 125_000
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT direct_loss FROM raw.disaster_events").fetchall() == [
        (125_000.0,), (125_000.0,)]
    assert con.execute('SELECT code, sheet, "row", "column", message_zh FROM raw.findings').fetchall() == [
        ("unit_from_form", DISASTER, 1, "直接经济损失",
         "直接经济损失 表头未注明单位,按报表制度的 万元 读取(如填的是元,请在表头注明单位)")]


@pytest.mark.parametrize(("date", "words"), [
    ("2023-06-20", "灾害发生日期 2023-06-20 不在2024年"),
    ("2024-11-02", "灾害发生日期 2024-11-02 晚于报告期末 2024-09-30"),
])
def test_an_event_dated_outside_the_period_is_refused(tmp_path, date, words):
    """A 2023 storm in a 2024Q3 return fell out of every quarter (the warehouse places events by
    date, within the return's year); one dated in November counted in Q3. Refused, naming the
    cell; 2024-06-20 beside it loads."""
    sheets = canonical_sheets()
    event = sheets[DISASTER][1]
    sheets[DISASTER].append([date, "风雹", 300, 0, 150, 10, 0, 0, 2, 8, 3.2, 10_000])
    assert event[0].isoformat() == "2024-06-20"
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("bad_value", DISASTER, 3, "灾害发生日期")]
    assert words in refused[0][5]
