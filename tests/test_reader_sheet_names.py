"""Sheets a clerk named in her own way, on returns written cell by cell here (openpyxl), never by
civstat's template: a name with a number before it or a word after it (1.低保, 低保统计表) is the
table it names; a sheet left as Sheet1 is the table whose header it carries, with a finding
asking for the name. Before, each was refused ``missing_sheet`` though the table was there.
A sheet whose name says another year or period is never taken for this quarter's table.
"""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    DIBAO,
    DIBAO_COLUMNS,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

DIBAO_SHEET = "表1 最低生活保障"
TEMP_SHEET = "表3 临时救助"


def _renamed(**names: str) -> dict:
    """The canonical sheets, ``DIBAO_SHEET`` (key ``dibao``) and ``TEMP_SHEET`` (``temp``)
    renamed as given, the others as the contract names them."""
    sheets = canonical_sheets()
    old = {"dibao": DIBAO_SHEET, "temp": TEMP_SHEET}
    return {next((new for key, new in names.items() if old[key] == name), name): rows
            for name, rows in sheets.items()}


def _dibao(con) -> dict:
    cols = ", ".join(DIBAO_COLUMNS)
    return {r[0]: list(r[1:]) for r in con.execute(
        f"SELECT category, {cols} FROM raw.dibao WHERE NOT is_total ORDER BY category").fetchall()}


def test_a_numbered_or_suffixed_sheet_name_is_the_table_it_names(tmp_path):
    """马店 named its 低保 sheet ``1.低保`` and its 临时救助 sheet ``临时救助统计表``: both read, and
    their figures are the ones written."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(),
               _renamed(dibao="1.低保", temp="临时救助统计表"))
    con, result = run_ingest(tmp_path)
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert _dibao(con) == {"rural": DIBAO["rural"], "urban": DIBAO["urban"]}
    assert con.execute("SELECT source_sheet, household_times_ytd, funds_ytd FROM raw.temp_assist"
                       ).fetchall() == [("临时救助统计表", 41, 36_800.0)]


def test_a_sheet_left_as_sheet1_is_read_by_its_header_with_a_finding(tmp_path):
    """马店's clerk pasted the 低保 table into ``Sheet1``: it is read as 表1 by its header (every
    column of it), and a finding on that sheet asks for the name."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), _renamed(dibao="Sheet1"))
    con, result = run_ingest(tmp_path)
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert _dibao(con) == {"rural": DIBAO["rural"], "urban": DIBAO["urban"]}
    found = con.execute('SELECT code, sheet, message_zh FROM raw.findings WHERE code = '
                        "'sheet_by_header'").fetchall()
    assert found == [("sheet_by_header", "Sheet1",
                      "工作表名称 Sheet1 不是报表制度中的表名,按其表头读作 表1 最低生活保障(请将工作表改名)")]


def test_two_unnamed_sheets_of_one_table_are_refused(tmp_path):
    """Sheet1 and Sheet2 both carry the 低保 table (which is this quarter's?): refused, naming
    both, as two sheets named 低保 are."""
    sheets = _renamed(dibao="Sheet1")
    sheets["Sheet2"] = [row[:] for row in sheets["Sheet1"]]
    sheets["Sheet2"][1][1] = 999
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert not result.loaded
    assert [r[1:3] for r in refused] == [("duplicate_sheet", "Sheet2")]
    assert "工作表 Sheet1、Sheet2 都是 表1 最低生活保障" in refused[0][5]


def test_a_sheet_named_for_another_year_or_period_is_not_taken_for_the_table(tmp_path):
    """The only 低保 table of 马店 is in a sheet named ``2023年低保``, of 白庙 in ``上年低保``: last
    year's; neither is read as this quarter's (its figures would load as 2024's). 马店's is
    refused naming the sheet and both years, 白庙's for the missing 表1. 城关 named its sheet
    ``2024年三季度`` — this return's year — and it is read."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", cover_rows(), _renamed(dibao="2023年低保"))
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               _renamed(dibao="上年低保"))
    write_xlsx(folder / "城关.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN),
               _renamed(dibao="2024年三季度"))
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[:3] for r in refused] == [("2024Q3/白庙.xlsx", "missing_sheet", DIBAO_SHEET),
                                        ("2024Q3/马店.xlsx", "period_mismatch", "2023年低保")]
    assert "工作表 2023年低保 的名称是2023年的,与报告期 2024 年不一致(上年的表?)" in refused[1][5]
    assert [i.file for i in result.loaded] == ["2024Q3/城关.xlsx"]
    assert con.execute("SELECT DISTINCT source_sheet FROM raw.dibao").fetchall() == [("2024年三季度",)]


@pytest.mark.parametrize(("name", "months"), [("二季度低保", "1-6月"), ("6月", "1-6月"), ("上半年", "1-6月"),
                                            ("Q2", "1-6月"), ("表1 最低生活保障(二季度)", "1-6月"),
                                            ("低保1至6月", "1-6月")])
def test_a_table_in_a_sheet_named_for_another_quarter_is_refused(tmp_path, name, months):
    """马店's only 低保 table, in its third quarter's return, is in a sheet named for the second
    (kept from last quarter's workbook): read, its figures would load as 1-9月's, silently (before,
    a sheet of no table's name got only a 'please rename' finding; one named 表1 … (二季度) not even
    that). Refused, naming the sheet and the months it states."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), _renamed(dibao=name))
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert not result.loaded
    assert [r[1:3] for r in refused] == [("period_mismatch", name)]
    assert f"工作表 {name} 的名称说的是{months}" in refused[0][5] and "2024年第3季度" in refused[0][5]


@pytest.mark.parametrize("name", ["三季度低保", "低保1-9月", "表1 最低生活保障(截至9月底)", "九月份", "前三季度"])
def test_a_sheet_named_for_this_quarter_is_read(tmp_path, name):
    """Guard: a name ending with the return's quarter (三季度, 1-9月, 9月底) is no matter."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), _renamed(dibao=name))
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    assert _dibao(con) == {"rural": DIBAO["rural"], "urban": DIBAO["urban"]}


def test_an_unnamed_sheet_of_another_layout_is_no_table(tmp_path):
    """A sheet 说明 holds a note and a small table of its own (村名 | 户数 | 人数): no table's
    header in full, so 表1, missing by name, is still refused as missing."""
    sheets = _renamed(dibao="说明")
    sheets["说明"] = [["填表说明:本表数据来自低保系统"], ["村名", "户数", "人数"], ["马店村", 20, 31]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, _ = run_ingest(tmp_path)
    assert [r[1:3] for r in quarantine_rows(con)] == [("missing_sheet", DIBAO_SHEET)]


def test_tables_stacked_on_one_sheet_are_refused_naming_the_second_title(tmp_path):
    """A small township put every table on one sheet 季报, each under its title: the sheet is
    read as 表1 by its header, and the row where 表2 starts is refused as another table (before:
    ``unknown_category '表2 特困人员救助供养'``, which tells the clerk nothing)."""
    rows = []
    for title, table in canonical_sheets().items():
        rows += [[title], *table, []]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {"季报": rows})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("stacked_table", "季报", 6, "类别")]
    assert refused[0][5].endswith("季报 第6行 [类别]:第6行起是另一张表(表2 特困人员救助供养):"
                                  "每张表请放在单独的工作表中,以表名命名")


def test_a_cover_left_as_sheet1_is_read_by_its_labels(tmp_path):
    """马店's cover is a sheet named ``Sheet1``: it carries 填报单位, 统计用区划代码 and 报告期, so it is
    the cover (a finding asks for the name) and the return loads as 马店镇's; before, ``no_cover``."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), canonical_sheets(),
               cover_name="Sheet1")
    con, result = run_ingest(tmp_path)
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert con.execute("SELECT unit_name, period FROM raw.submissions").fetchall() == [
        ("马店镇", "2024Q3")]
    assert con.execute("SELECT code, message_zh FROM raw.findings WHERE sheet = 'Sheet1'"
                       ).fetchall() == [("sheet_by_header",
                                         "工作表名称 Sheet1 不是报表制度中的表名,按其内容读作 封面(请将工作表改名)")]


def test_a_refusal_on_a_cover_read_by_its_labels_names_its_sheet(tmp_path):
    """白庙's cover, left as Sheet1, names a township of no county's (未知镇) and 马店's, also
    Sheet1, states the second quarter in the third's folder: each refusal names Sheet1, the
    sheet the clerk has to open, not 封面."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="未知镇", code=None), canonical_sheets(),
               cover_name="Sheet1")
    cover = [row if row[0] != "报告期" else ["报告期", "2024年第2季度"] for row in cover_rows()]
    write_xlsx(folder / "马店.xlsx", cover, canonical_sheets(), cover_name="Sheet1")
    con, _ = run_ingest(tmp_path)
    assert [r[:4] for r in quarantine_rows(con)] == [
        ("2024Q3/白庙.xlsx", "unknown_township", "Sheet1", 2),  # its 填报单位 row
        ("2024Q3/马店.xlsx", "period_mismatch", "Sheet1", 4)]
