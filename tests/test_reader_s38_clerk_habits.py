"""Clerks' habits that loaded wrong figures or refused whole returns, on returns written cell by
cell here (openpyxl, xlwt), never by civstat's template or generator:

* ``0"."0000"万元"`` shows a full figure in 万元 (the point a quoted literal, as ``0!.0000``):
  read as stored — it was multiplied by 10,000; an ``.xls`` whose format appends 万 to a figure
  typed in 万 is read in 万 as an ``.xlsx`` is — it was read in 元.
* A row of 表6 (or 表5) struck through with 无, — or / is no institution (event) — it loaded as
  an institution named 无 of a type 无.
* A correction dated the same day (a 填报日期 states no hour) replaces the return without a
  填报日期 whose file was saved earlier that day — the original stayed current.
* 38w is 38万 (380,000); 380k is refused as 380千 is — 38w loaded as 38.
* A sheet signed at its foot as its cover is (经办人:, 统计人:, 联系人:) loads — it was refused.
* 资金(万元)(含价格临时补贴): the unit is the bracket that states one, a note after it — 38 was 38 元.
* 本季度 under a merged 救助户次 (a column of the year so far) is the quarter's figure alone:
  refused as 救助户次(本季度) in one cell is — it loaded the quarter's 15 as the year's.
* The cover's 其中:60岁以上(人), 60岁以上老人(人), 其中:城镇居民(人), 农村居民 are its population
  fields — 60岁以上 was left empty without a word, the beds per thousand elders with it.
Figures are checked against values written by hand.
"""

from __future__ import annotations

import datetime as dt
import os

import openpyxl
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)
from handmade import (
    TEMP as TEMP_FIGURES,
)

DIBAO = "表1 最低生活保障"
TEMP = "表3 临时救助"
DISASTER = "表5 自然灾害"
ELDER = "表6 养老服务机构"


def funds(con) -> list[tuple]:
    return con.execute("SELECT s.division_code, d.category, d.funds_ytd FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall()


def test_a_literal_point_shows_a_full_figure_in_wan_in_xlsx_and_xls(tmp_path):
    """马店 (xlsx) and 城关 (xls) type the full 380,000 and 1,775,475 元 and show them as
    38.0000万元 with 0"."0000"万元": read as stored, no finding. 白庙 (xls) types 38 and
    177.5475 formatted 0.00"万" and 0.0000"万元": read as 380,000 and 1,775,475 元, a finding
    naming each cell, as an xlsx is read."""
    folder = raw_folder(tmp_path)
    scaled = '0"."0000"万元"'
    sheets = canonical_sheets()
    path = write_xlsx(folder / "马店.xlsx", cover_rows(), sheets)
    book = openpyxl.load_workbook(path)
    book[DIBAO]["H2"].number_format = book[DIBAO]["H3"].number_format = scaled
    book.save(path)
    write_xls(folder / "城关.xls", {"封面": cover_rows(unit="城关街道", code=CHENGGUAN), **sheets},
              formats={DIBAO: {"H2": scaled, "H3": scaled}})
    typed = canonical_sheets()
    typed[DIBAO][1][7], typed[DIBAO][2][7] = 38, 177.5475
    write_xls(folder / "白庙.xls", {"封面": cover_rows(unit="白庙乡", code=BAIMIAO), **typed},
              formats={DIBAO: {"H2": '0.00"万"', "H3": '0.0000"万元"'}})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert funds(con) == [(CHENGGUAN, "rural", 1_775_475.0), (CHENGGUAN, "urban", 380_000.0),
                          (MADIAN, "rural", 1_775_475.0), (MADIAN, "urban", 380_000.0),
                          (BAIMIAO, "rural", 1_775_475.0), (BAIMIAO, "urban", 380_000.0)]
    shown = con.execute("SELECT division_code, \"row\", \"column\", message_zh FROM raw.findings "
                        "WHERE code = 'display_unit' ORDER BY 1, 2").fetchall()
    assert shown == [
        (BAIMIAO, 2, "累计支出低保资金(元)",
         "累计支出低保资金(元) 单元格 H2 存的是 38,格式显示为 38万:按 38万 读取"),
        (BAIMIAO, 3, "累计支出低保资金(元)",
         "累计支出低保资金(元) 单元格 H3 存的是 177.5475,格式显示为 177.5475万元:按 177.5475万元 读取")]


def test_a_row_struck_through_with_none_is_no_institution(tmp_path):
    """马店 has no elder-care institution and writes 无 in every cell of 表6's row; 白庙 writes
    — and / across it, and / across 表5's row. Neither loads a row (before: an institution named
    无, of a type 无, that the summary counted as a type of its own); each is a finding naming
    sheet, row and the name column. 城关's real institution loads."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets[ELDER][1] = ["无"] * 9
    write_xlsx(folder / "马店.xlsx", cover_rows(), sheets)
    sheets = canonical_sheets()
    sheets[ELDER][1] = ["—", "/", "—", "/", "/", "—", "—", "/", "/"]
    sheets[DISASTER][1] = ["/"] * 12
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), sheets)
    sheets = canonical_sheets()
    sheets[ELDER][1][0] = "城关街道日间照料中心"
    sheets[ELDER][1][1] = "日间照料中心"
    write_xlsx(folder / "城关.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute(
        "SELECT s.division_code, e.institution_name, e.institution_type, e.beds "
        "FROM raw.eldercare_institutions e "
        "JOIN raw.submissions s USING (submission_id)").fetchall() == [
        (CHENGGUAN, "城关街道日间照料中心", "日间照料中心", 80)]
    assert con.execute("SELECT s.division_code, count(*) FROM raw.disaster_events e JOIN "
                       "raw.submissions s USING (submission_id) GROUP BY 1 ORDER BY 1"
                       ).fetchall() == [(CHENGGUAN, 1), (MADIAN, 1)]
    assert con.execute(
        "SELECT division_code, sheet, \"row\", \"column\", message_zh FROM raw.findings "
        "WHERE code = 'none_row' ORDER BY 1, 2").fetchall() == [
        (MADIAN, ELDER, 2, "机构名称", "第2行只写了“无”,没有一项数据,不是一个机构,未读取"),
        (BAIMIAO, DISASTER, 2, "灾害种类", "第2行只写了“/”,没有一项数据,不是一起事件,未读取"),
        (BAIMIAO, ELDER, 2, "机构名称", "第2行只写了“—”,没有一项数据,不是一个机构,未读取")]
    assert not con.execute("SELECT * FROM raw.findings WHERE code = 'unlisted_choice'").fetchall()


def _saved_at(path, when: dt.datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def test_a_correction_dated_the_same_day_replaces_the_undated_return(tmp_path):
    """马店's return leaves 填报日期 blank and is saved on 9 October at 10:00; its correction (城市
    低保 215 persons, not 210) states 填报日期 2024年10月9日 and is saved at 16:00. A 填报日期
    states a day, no hour: the correction is the newer (before, its date read as midnight lost
    to the original's 10:00). Of two days the later day wins: 白庙's undated return saved on
    15 October stays current over a correction stating 填报日期 10月12日 (its file saved the
    16th: the 填报日期, not the file, says when a return was sent)."""
    folder = raw_folder(tmp_path)
    first = write_xlsx(folder / "马店.xlsx", cover_rows(fill_date=None), canonical_sheets())
    corrected = canonical_sheets()
    corrected[DIBAO][1][2] = 215
    second = write_xlsx(folder / "马店(更正).xlsx", cover_rows(fill_date="2024年10月9日"), corrected)
    _saved_at(first, dt.datetime(2024, 10, 9, 10, 0))
    _saved_at(second, dt.datetime(2024, 10, 9, 16, 0))
    late = write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO, fill_date=None),
                      canonical_sheets())
    early = write_xlsx(folder / "白庙(更正).xlsx",
                       cover_rows(unit="白庙乡", code=BAIMIAO, fill_date="2024年10月12日"), corrected)
    _saved_at(late, dt.datetime(2024, 10, 15, 9, 0))
    _saved_at(early, dt.datetime(2024, 10, 16, 9, 0))
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    current = con.execute(
        "SELECT s.division_code, s.file_path, d.persons FROM raw.submissions s JOIN raw.dibao d "
        "USING (submission_id) WHERE s.is_current AND d.category = 'urban' ORDER BY 1").fetchall()
    assert current == [(MADIAN, f"{PERIOD}/马店(更正).xlsx", 215), (BAIMIAO, f"{PERIOD}/白庙.xlsx", 210)]
    assert con.execute("SELECT file_path FROM raw.submissions WHERE NOT is_current ORDER BY 1"
                       ).fetchall() == [(f"{PERIOD}/白庙(更正).xlsx",), (f"{PERIOD}/马店.xlsx",)]


def test_a_magnitude_letter_after_a_figure(tmp_path):
    """38w and 3.2W (万, as clerks type it) under 累计支出低保资金(元) read as 380,000 and 32,000 元
    (before: 38 and 3.2, with a note); 户籍人口 3.2w on the cover is 32,000 people. 白庙's 380k
    is refused as 380千 is (a magnitude the reader does not convert), naming sheet, row and
    column."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets[DIBAO][1][7], sheets[DIBAO][2][7] = "38w", "3.2W"
    cover = cover_rows()
    cover[4][1] = "3.2w"
    write_xlsx(folder / "马店.xlsx", cover, sheets)
    sheets = canonical_sheets()
    sheets[DIBAO][1][7] = "380k"
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), sheets)
    con, result = run_ingest(tmp_path)
    assert [item.file for item in result.quarantined] == [f"{PERIOD}/白庙.xlsx"]
    assert funds(con) == [(MADIAN, "rural", 32_000.0), (MADIAN, "urban", 380_000.0)]
    assert con.execute("SELECT pop_total FROM raw.submissions").fetchall() == [(32_000,)]
    assert not con.execute("SELECT * FROM raw.findings WHERE code = 'cell_note'").fetchall()
    [(file, reason, sheet, row, column, message)] = quarantine_rows(con)
    assert (file, reason, sheet, row, column) == (
        f"{PERIOD}/白庙.xlsx", "bad_value", DIBAO, 2, "累计支出低保资金(元)")
    assert "'380k' 不是准确的数(“k”无法换算或是约数)" in message


def test_a_sheet_signed_at_its_foot_as_its_cover_is_loads(tmp_path):
    """Footers under 表1 and 表3 signed 经办人:, 统计人: and 联系人: (the cover's own labels for
    填报人 and its other names) are no rows of figures: the return loads with its figures (before:
    refused as a bad value or an unknown category)."""
    folder = raw_folder(tmp_path)
    for name, unit, code, foot in (("马店.xlsx", "马店镇", MADIAN, "经办人:张三"),
                                   ("白庙.xlsx", "白庙乡", BAIMIAO, "统计人：王五"),
                                   ("城关.xlsx", "城关街道", CHENGGUAN, "联系人：赵六 13800000000")):
        sheets = canonical_sheets()
        sheets[DIBAO] += [[], [foot]]
        sheets[TEMP] += [[foot, None, "审核人:李四"]]
        write_xlsx(folder / name, cover_rows(unit=unit, code=code), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT s.division_code, count(*), sum(d.persons) FROM raw.dibao d JOIN "
                       "raw.submissions s USING (submission_id) GROUP BY 1 ORDER BY 1").fetchall() == [
        (CHENGGUAN, 2, 874), (MADIAN, 2, 874), (BAIMIAO, 2, 874)]
    assert con.execute("SELECT count(*), sum(person_times_ytd) FROM raw.temp_assist").fetchall() == [
        (3, 288)]


def test_a_wan_header_followed_by_a_note_is_read_in_wan(tmp_path):
    """累计支出低保资金(万元)(含价格临时补贴) and …(万元)(1-9月累计): the unit is the bracket stating
    one, not the note after it — 38 and 177.55 are 380,000 and 1,775,500 元 (before: 38 and
    177.55 元, without a word)."""
    folder = raw_folder(tmp_path)
    for name, unit, code, header in (("马店.xlsx", "马店镇", MADIAN, "累计支出低保资金(万元)(含价格临时补贴)"),
                                     ("白庙.xlsx", "白庙乡", BAIMIAO, "累计支出低保资金(万元)(1-9月累计)")):
        sheets = canonical_sheets()
        sheets[DIBAO][0][7] = header
        sheets[DIBAO][1][7], sheets[DIBAO][2][7] = 38, 177.55
        write_xlsx(folder / name, cover_rows(unit=unit, code=code), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert funds(con) == [(MADIAN, "rural", 1_775_500.0), (MADIAN, "urban", 380_000.0),
                          (BAIMIAO, "rural", 1_775_500.0), (BAIMIAO, "urban", 380_000.0)]


@pytest.mark.parametrize("order", ["quarter_first", "year_first"])
def test_the_quarter_alone_under_a_merged_cumulative_column_is_refused(tmp_path, order):
    """表3 with each figure under a merged header over 本季度 alone (白庙): 救助户次 is a figure of
    the year so far, and 本季度's 15 read as it would fall short of the 41 of 1–9月 — refused,
    naming the column, as 救助户次(本季度) in one cell is. Split into 本季度 | 1-9月累计 (马店, in
    either order): the column of the year so far is read, and the quarter's passed over with a
    finding naming it (before: 15, 30 and 12,000 loaded as the year's, the year's columns
    dropped; then the whole return was refused though the year's column was there)."""
    folder = raw_folder(tmp_path)
    split = canonical_sheets()
    words, figures = (["本季度", "1-9月累计"], [[15, 41], [30, 96], [12_000, 36_800]])
    if order == "year_first":
        words, figures = words[::-1], [f[::-1] for f in figures]
    split[TEMP] = [["救助户次", None, "救助人次", None, "救助资金(元)", None, "其中:实物折款(元)"],
                   [*words, *words, *words, None], [*figures[0], *figures[1], *figures[2], 8_325]]
    write_xlsx(folder / "马店.xlsx", cover_rows(), split,
               merges={TEMP: ["A1:B1", "C1:D1", "E1:F1", "G1:G2"]})
    alone = canonical_sheets()
    alone[TEMP] = [["救助户次", "救助人次", "救助资金(元)", "其中:实物折款(元)"],
                   ["本季度", "本季度", "本季度", None], [15, 30, 12_000, 8_325]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), alone,
               merges={TEMP: ["D1:D2"]})
    con, result = run_ingest(tmp_path)
    assert con.execute("SELECT household_times_ytd, person_times_ytd, funds_ytd, in_kind_ytd "
                       "FROM raw.temp_assist").fetchall() == [(41, 96, 36_800.0, 8_325.0)]
    refused = [row[:5] for row in quarantine_rows(con)]
    assert refused == [(f"{PERIOD}/白庙.xlsx", "not_cumulative", TEMP, 2, "救助户次本季度")]
    assert len(result.quarantined) == 1
    passed = [f for f in findings(con, TEMP) if f[0] == "part_column"]
    assert [f[1:4] for f in passed] == [(TEMP, 2, "救助户次本季度"), (TEMP, 2, "救助人次本季度"),
                                        (TEMP, 2, "救助资金(元)本季度")]
    assert all("是本季的数" in f[4] and "未读取" in f[4] and "\n" not in f[4] for f in passed), passed


def test_a_quarter_column_under_a_group_the_form_lacks_is_an_unread_column(tmp_path):
    """其中:残疾人救助户次 (no column of the form) over 本季度 | 1-9月累计: neither column is read,
    and neither is said to be passed over for the other."""
    sheets = canonical_sheets()
    sheets[TEMP] = [["累计救助户次", "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)",
                     "其中:残疾人救助户次", None],
                    [None, None, None, None, "本季度", "1-9月累计"], [*TEMP_FIGURES, 3, 9]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets,
               merges={TEMP: ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"]})
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    codes = sorted((f[0], f[3]) for f in findings(con, TEMP) if f[0] in ("part_column", "unread_column"))
    assert codes == [("unread_column", "其中:残疾人救助户次1-9月累计"),
                     ("unread_column", "其中:残疾人救助户次本季度")]


def test_the_covers_population_in_clerks_words(tmp_path):
    """Covers labelled 其中:60岁以上(人) and 其中:城镇居民(人) | 其中:农村居民(人) (马店), 60岁以上老人(人)
    (白庙), 60岁以上老年人数(人) (城关): each field is read (before: 60岁以上 left empty with no
    finding, and 城镇居民 said 封面未填 城镇人口 of a figure the clerk had filled in)."""
    folder = raw_folder(tmp_path)
    for name, unit, code, labels in (
            ("马店.xlsx", "马店镇", MADIAN,
             {"其中:城镇人口(人)": "其中:城镇居民(人)", "其中:农村人口(人)": "其中:农村居民(人)",
              "60岁及以上人口(人)": "其中:60岁以上(人)"}),
            ("白庙.xlsx", "白庙乡", BAIMIAO, {"60岁及以上人口(人)": "60岁以上老人(人)"}),
            ("城关.xlsx", "城关街道", CHENGGUAN, {"60岁及以上人口(人)": "60岁以上老年人数(人)"})):
        cover = cover_rows(unit=unit, code=code)
        for row in cover:
            row[0] = labels.get(row[0], row[0])
        write_xlsx(folder / name, cover, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT division_code, pop_urban, pop_rural, pop_60plus FROM raw.submissions "
                       "ORDER BY 1").fetchall() == [(CHENGGUAN, 8000, 24000, 6100),
                                                   (MADIAN, 8000, 24000, 6100),
                                                   (BAIMIAO, 8000, 24000, 6100)]
    assert not con.execute("SELECT * FROM raw.findings WHERE sheet = '封面'").fetchall()
