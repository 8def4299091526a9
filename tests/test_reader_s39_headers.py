"""Headers that lost figures without a word, on returns written cell by cell here (openpyxl),
never by civstat's template or generator:

* 保障标准 merged over two columns, 元/人·月 | 元/人·年 under it (a units row, or the lower row of a
  two-row header), the urban standard in the first and the rural in the second: the rural one
  was dropped — both are read, each in its column's unit; a row filling both is read when the
  two agree (a month's ×12 is the year's), refused when they do not.
* 城市(元/人·月) | 农村(元/人·年) under 保障标准: read as data (a row of no category, refused) —
  each category's standard is read in its column's unit; a category's figure in the other's
  column is refused.
* 孤儿人数(集中养育) | 孤儿人数(散居), the form's own wording: the bracket was taken as a unit and
  both columns left unread — a bracket that is no unit is part of the name.
* 7-9月 | 1-9月累计 under a merged 累计救助户次: read as a data row (7-9月 refused as a figure);
  本季度 | 1-9月累计 loaded the quarter's 15 as the year's (the group's 累计 is its name) — the
  quarter's column is refused by name (not_cumulative), as s38 refuses 本季度 under 救助户次;
  1-9月累计 under the header is a sub-header, read; a sub-header the reader cannot read is
  refused as one, naming its row.
* 2012's 资助参加新农合人数 (资助参加新型农村合作医疗人数) was refused as missing_column.
Figures are checked against values written by hand.
"""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    DIBAO,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

from civstat.contract import load_contract

SHEET = "表1 最低生活保障"
TEMP = "表3 临时救助"
MED = "表4 医疗救助"
WELFARE = "表8 其他社会福利"
FIGURES = ["期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数", "本年退出人数",
           "累计支出低保资金(元)"]
MERGED_DOWN = [f"{c}1:{c}2" for c in "ABCDEFGH"]


def standards(con) -> list[tuple]:
    return con.execute("SELECT s.division_code, d.category, d.standard, d.standard_period, "
                       "d.persons FROM raw.dibao d JOIN raw.submissions s USING (submission_id) "
                       "ORDER BY 1, 2").fetchall()


def unread(con, sheet: str) -> list[tuple]:
    return con.execute('SELECT s.division_code, f."row", f."column" FROM raw.findings f '
                       "JOIN raw.submissions s USING (submission_id) WHERE f.code = "
                       "'unread_column' AND f.sheet = ? ORDER BY 1, 2, 3", [sheet]).fetchall()


def dibao(upper: list, lower: list, urban: list, rural: list) -> list[list]:
    """表1 with a two-row header (``upper`` over ``lower``: the 保障标准 columns I and J) and the
    two categories' rows (their standards' cells as given)."""
    return [["类别", *FIGURES, *upper], [None] * 8 + lower,
            ["城市低保", *DIBAO["urban"][:7], *urban], ["农村低保", *DIBAO["rural"][:7], *rural]]


def test_a_standard_merged_over_a_month_and_a_year_column_reads_both(tmp_path):
    """马店: 保障标准 merged over I:J, a units row 元/人·月 | 元/人·年 under the header (A:H merged
    down), 800 in I for 城市低保 and 6,000 in J for 农村低保. 白庙: the same under a two-row header
    whose 期末保障 is a group over 户数 | 人数 (no units row: the lower row of the header). 城关:
    both rows fill both columns, each the other's ×12 (800 | 9,600; 500 | 6,000): the month's read.
    The rural standard was dropped without a word."""
    folder = raw_folder(tmp_path)
    merges = {SHEET: ["I1:J1", *MERGED_DOWN]}
    write_xlsx(folder / "马店.xlsx", cover_rows(), {
        **canonical_sheets(), SHEET: dibao(["保障标准", None], ["元/人·月", "元/人·年"],
                                           [800, None], [None, 6000])}, merges=merges)
    grouped = dibao(["保障标准", None], ["元/人·月", "元/人·年"], [800, None], [None, 6000])
    grouped[0][1:3], grouped[1][1:3] = ["期末保障", None], ["户数", "人数"]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), SHEET: grouped},
               merges={SHEET: ["I1:J1", "B1:C1", *(m for m in MERGED_DOWN if m[0] not in "BC")]})
    write_xlsx(folder / "城关.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN), {
        **canonical_sheets(), SHEET: dibao(["保障标准", None], ["元/人·月", "元/人·年"],
                                           [800, 9600], [500, 6000])}, merges=merges)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert standards(con) == [
        (CHENGGUAN, "rural", 500.0, "month", 664), (CHENGGUAN, "urban", 800.0, "month", 210),
        (MADIAN, "rural", 6000.0, "year", 664), (MADIAN, "urban", 800.0, "month", 210),
        (BAIMIAO, "rural", 6000.0, "year", 664), (BAIMIAO, "urban", 800.0, "month", 210)]


def test_a_row_filling_both_columns_of_a_standard_that_disagree_is_refused(tmp_path):
    """城市低保 fills 800 (元/人·月) and 6,000 (元/人·年): 800 a month is 9,600 a year, so which is
    the standard cannot be told — refused, naming the row and the second column."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {
        **canonical_sheets(), SHEET: dibao(["保障标准", None], ["元/人·月", "元/人·年"],
                                           [800, 6000], [None, 6000])},
        merges={SHEET: ["I1:J1", *MERGED_DOWN]})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("unit_mismatch", SHEET, 3, "保障标准(元/人·年)")]
    assert "800" in refused[0][5] and "6000" in refused[0][5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


@pytest.mark.parametrize("over, read", [(0, True), (1, False)])
def test_both_columns_agree_within_the_contracts_tolerance(tmp_path, over, read):
    """The month's ×12 and the year's may differ by the contract's
    ``standard_periods_tolerance_yuan`` (rounding a year to the 元): 800 | 9,600 + tolerance is
    read as 800 a month; one 元 further apart, refused."""
    tolerance = load_contract().standard_periods_tolerance_yuan
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {
        **canonical_sheets(), SHEET: dibao(["保障标准", None], ["元/人·月", "元/人·年"],
                                           [800, 9600 + tolerance + over], [None, 6000])},
        merges={SHEET: ["I1:J1", *MERGED_DOWN]})
    con, _ = run_ingest(tmp_path)
    refused = [r[1:5] for r in quarantine_rows(con)]
    if read:
        assert not refused
        assert standards(con)[1] == (MADIAN, "urban", 800.0, "month", 210)
    else:
        assert refused == [("unit_mismatch", SHEET, 3, "保障标准(元/人·年)")]


def test_a_unit_per_category_under_a_standard_reads_each_category_in_its_unit(tmp_path):
    """保障标准 merged over 城市(元/人·月) | 农村(元/人·年): 马店's 800 a month and 6,000 a year (the
    row was read as data: a row of no category, refused). 白庙 puts 农村低保's 500 in the 城市
    column: refused (its unit is the urban standard's), naming the row and the column."""
    folder = raw_folder(tmp_path)
    merges = {SHEET: ["I1:J1", *MERGED_DOWN]}
    lower = ["城市(元/人·月)", "农村(元/人·年)"]
    write_xlsx(folder / "马店.xlsx", cover_rows(), {
        **canonical_sheets(), SHEET: dibao(["保障标准", None], lower, [800, None], [None, 6000])},
        merges=merges)
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), {
        **canonical_sheets(), SHEET: dibao(["保障标准", None], lower, [800, None], [500, None])},
        merges=merges)
    con, _ = run_ingest(tmp_path)
    assert standards(con) == [(MADIAN, "rural", 6000.0, "year", 664),
                              (MADIAN, "urban", 800.0, "month", 210)]
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("unit_mismatch", SHEET, 4, "保障标准(城市元/人·月)")]
    assert "农村低保" in refused[0][5]


def test_orphans_headed_with_the_kind_in_brackets_are_read(tmp_path):
    """孤儿人数(集中养育) | 孤儿人数(散居) (the contract's own words): 1 and 3 orphans read, no column
    left unread; 孤儿人数(散居)(人) (a unit after the name's bracket) reads the same."""
    folder = raw_folder(tmp_path)
    header = ["高龄津贴人数", "累计发放高龄津贴(元)", "困难残疾人生活补贴符合条件人数",
              "困难残疾人生活补贴实际领取人数", "重度残疾人护理补贴符合条件人数",
              "重度残疾人护理补贴实际领取人数", "累计发放两项补贴资金(元)", "孤儿人数(集中养育)",
              "孤儿人数(散居)", "累计发放孤儿基本生活费(元)"]
    figures = [178, 120600, 40, 38, 25, 24, 59000, 1, 3, 36000]
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), WELFARE: [header, figures]})
    other = [*header[:7], "孤儿人数(集中养育)(人)", "孤儿人数(散居)(人)", header[9]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), WELFARE: [other, [*figures[:7], 2, 5, 36000]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT s.division_code, w.orphans_centralized, w.orphans_dispersed, "
                       "w.orphan_funds_ytd FROM raw.welfare w JOIN raw.submissions s "
                       "USING (submission_id) ORDER BY 1").fetchall() == [
        (MADIAN, 1, 3, 36000.0), (BAIMIAO, 2, 5, 36000.0)]
    assert unread(con, WELFARE) == []


def temp(lower: list, figures: list) -> list[list]:
    """表3 with 累计救助户次 merged over A:B, ``lower`` under it, then one row of figures."""
    return [["累计救助户次", None, "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)"],
            [*lower, None, None, None], [*figures, 96, 36800, 8325]]


def test_a_quarters_column_beside_the_years_under_a_group_is_passed_over_by_name(tmp_path):
    """累计救助户次 merged over 7-9月 | 1-9月累计 (马店; 城关 the other way round) or 本季度 |
    1-9月累计 (白庙): the year's column is read (41), the quarter's passed over with a
    ``part_column`` finding naming it. Before s39, 马店's sub-header was read as a data row (7-9月
    refused as a figure) and 白庙's 15 loaded as the year's (its 累计 being the column's name);
    then each return was refused, asking for the column of the year so far it had."""
    folder = raw_folder(tmp_path)
    merges = {TEMP: ["A1:B1"]}
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), TEMP: temp(["7-9月", "1-9月累计"], [15, 41])}, merges=merges)
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), TEMP: temp(["本季度", "1-9月累计"], [15, 41])}, merges=merges)
    write_xlsx(folder / "城关.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN),
               {**canonical_sheets(), TEMP: temp(["1-9月累计", "7-9月"], [41, 15])}, merges=merges)
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert con.execute("SELECT household_times_ytd, person_times_ytd FROM raw.temp_assist"
                       ).fetchall() == [(41, 96)] * 3
    passed = con.execute('SELECT s.file_path, f."row", f."column", f.message_zh FROM raw.findings f '
                         "JOIN raw.submissions s USING (submission_id) WHERE f.code = 'part_column' "
                         "ORDER BY 1").fetchall()
    assert [r[:3] for r in passed] == [("2024Q3/城关.xlsx", 2, "累计救助户次7-9月"),
                                       ("2024Q3/白庙.xlsx", 2, "累计救助户次本季度"),
                                       ("2024Q3/马店.xlsx", 2, "累计救助户次7-9月")]
    assert all("1月至本期累计的列" in r[3] and "未读取" in r[3] for r in passed)


def test_a_sub_header_of_the_years_months_is_read(tmp_path):
    """1-9月累计 under every column of 表3's header (马店), 1月至本季度累计 under two of them (白庙):
    a sub-header, not a data row (1-9月累计 was refused as a figure): 41 | 96 read."""
    folder = raw_folder(tmp_path)
    head = ["累计救助户次", "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)"]
    write_xlsx(folder / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: [
        head, ["1-9月累计"] * 4, [41, 96, 36800, 8325]]})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), {
        **canonical_sheets(), TEMP: [head, ["1月至本季度累计", "1月至本季度累计", None, None],
                                     [41, 96, 36800, 8325]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT s.division_code, t.household_times_ytd, t.person_times_ytd, "
                       "t.funds_ytd FROM raw.temp_assist t JOIN raw.submissions s "
                       "USING (submission_id) ORDER BY 1").fetchall() == [
        (MADIAN, 41, 96, 36800.0), (BAIMIAO, 41, 96, 36800.0)]


def test_a_quarter_alone_under_a_cumulative_group_is_refused(tmp_path):
    """7-9月 alone under 累计救助户次 (its 累计 the column's name, the months its figures'):
    the quarter's 15 read as the year's would fall short — refused (not_cumulative)."""
    rows = [["累计救助户次", "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)"],
            ["7-9月", "1-9月累计", None, None], [15, 96, 36800, 8325]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: rows})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("not_cumulative", TEMP, 2, "累计救助户次7-9月")]
    assert con.execute("SELECT count(*) FROM raw.temp_assist").fetchone()[0] == 0


def test_a_sub_header_the_reader_cannot_read_is_refused_as_one(tmp_path):
    """累计救助人次 merged over 救助对象 | 非救助对象: no column of the form; the row was read as
    data and refused for its words as figures — it is refused as a sub-header, naming its row."""
    rows = [["累计救助户次", "累计救助人次", None, "累计支出救助资金(元)", "其中:实物折款(元)"],
            [None, "救助对象", "非救助对象", None, None], [41, 90, 6, 36800, 8325]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: rows},
               merges={TEMP: ["B1:C1"]})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:4] for r in refused] == [("unknown_sub_header", TEMP, 2)]
    assert "救助对象 | 非救助对象" in refused[0][5]


def test_2012_headers_of_the_new_rural_cooperative_medical_scheme(tmp_path):
    """资助参加新农合人数 | 资助参加新农合资金 (马店) and 资助参加新型农村合作医疗人数 | …资金 (白庙),
    2012's words for funding participation in medical insurance: read (they were refused as
    missing_column)."""
    folder = raw_folder(tmp_path)
    for name, unit, code, words in (("马店", "马店镇", MADIAN, "新农合"),
                                    ("白庙", "白庙乡", BAIMIAO, "新型农村合作医疗")):
        sheets = canonical_sheets()
        sheets[MED][0][:2] = [f"资助参加{words}人数", f"资助参加{words}资金(元)"]
        write_xlsx(folder / f"{name}.xlsx", cover_rows(unit=unit, code=code), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT s.division_code, m.insured_persons_ytd, m.insured_funds_ytd "
                       "FROM raw.med_assist m JOIN raw.submissions s USING (submission_id) "
                       "ORDER BY 1").fetchall() == [(MADIAN, 300, 75000.0), (BAIMIAO, 300, 75000.0)]


def test_a_figure_merged_over_two_columns_of_other_units_is_refused(tmp_path):
    """累计支出低保资金 merged over H:I, a units row 元 | 万元 under it, 城市低保's 380,000 in H and
    农村低保's 177.5475 in I: the 万元 column was dropped without a word (农村's funds empty) —
    refused, naming the header and both units."""
    rows = [["类别", *FIGURES[:6], "累计支出低保资金", None, "保障标准(元/人·月)"],
            [None, "户", "人", "户", "人", "户", "人", "元", "万元", None],
            ["城市低保", *DIBAO["urban"][:6], 380000, None, 800],
            ["农村低保", *DIBAO["rural"][:6], None, 177.5475, 600]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), SHEET: rows},
               merges={SHEET: ["H1:I1"]})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", SHEET, 1, "累计支出低保资金")]
    assert "元 和 万元" in refused[0][5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0
