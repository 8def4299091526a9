"""Workbook- and sheet-level forms of real township workbooks, written cell by cell here
(openpyxl), never by civstat's template: which sheet is read when the table's named sheet is
hidden, a workbook kept as a sheet per month, and a row of formulas or error values that
calamine reads as no row at all."""

from __future__ import annotations

import openpyxl
from handmade import (
    DIBAO,
    TEMP,
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

DIBAO_SHEET = "表1 最低生活保障"
TEMP_SHEET = "表3 临时救助"


def _hide(path, *names: str) -> None:
    wb = openpyxl.load_workbook(path)
    for name in names:
        wb[name].sheet_state = "hidden"
    wb.save(path)


def _persons(con) -> dict[str, int]:
    return dict(con.execute("SELECT category, persons FROM raw.dibao").fetchall())


def test_a_hidden_table_gives_way_to_the_visible_sheet_carrying_its_header(tmp_path):
    """The clerk hid 表1 最低生活保障 (last quarter's figures, 城市低保 999 people) and typed
    this quarter's into Sheet1 under the same header. Before, the hidden sheet was read — 999
    people, silently — and Sheet1 ignored. Now the visible sheet is read (210), with a finding on
    each sheet."""
    sheets = canonical_sheets()
    old = [list(row) for row in sheets[DIBAO_SHEET]]
    old[1][2] = 999
    sheets = {**sheets, DIBAO_SHEET: old, "Sheet1": canonical_sheets()[DIBAO_SHEET]}
    _hide(write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets), DIBAO_SHEET)
    con, result = run_ingest(tmp_path)
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert _persons(con) == {"urban": DIBAO["urban"][1], "rural": DIBAO["rural"][1]}
    assert con.execute("SELECT DISTINCT source_sheet FROM raw.dibao").fetchall() == [("Sheet1",)]
    assert [f[:2] for f in findings(con, "Sheet1")] == [("sheet_by_header", "Sheet1")]
    [(code, _, _, _, zh, _)] = findings(con, DIBAO_SHEET)
    assert code == "hidden_sheet" and "读取的是 Sheet1" in zh


def test_a_table_hidden_alone_is_read_with_a_finding(tmp_path):
    """表1's only sheet is hidden: it is read (its figures are the return's), and a finding says
    nobody looking at the workbook sees it (before: read, and nothing said)."""
    _hide(write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), canonical_sheets()),
          DIBAO_SHEET)
    con, result = run_ingest(tmp_path)
    assert len(result.loaded) == 1
    assert _persons(con) == {"urban": 210, "rural": 664}
    [(code, sheet, _, _, zh, _)] = findings(con, DIBAO_SHEET)
    assert (code, sheet) == ("hidden_sheet_read", DIBAO_SHEET)
    assert "是隐藏的,仍读作 表1 最低生活保障" in zh


def test_a_sheet_per_month_is_refused_saying_so(tmp_path):
    """表1 kept as a sheet per month (7月, 8月, 9月): refused as three sheets of one table, and
    the message says a return holds one, of the year's figures so far — not "delete the extra
    ones", which reads as "keep any one"."""
    sheets = canonical_sheets()
    dibao = sheets.pop(DIBAO_SHEET)
    months = {f"{m}月": [list(row) for row in dibao] for m in (7, 8, 9)}
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), {**months, **sheets})
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    [(_, code, sheet, _, _, zh)] = quarantine_rows(con)
    assert (code, sheet) == ("duplicate_sheet", "8月")
    assert "7月、8月、9月 都是 表1 最低生活保障(按月或按季度分表?)" in zh
    assert "填1月至本期末的累计数" in zh and "删去多余" not in zh


def _temp_row(tmp_path, row: list, *, title: list | None = None):
    sheets = canonical_sheets()
    sheets[TEMP_SHEET][1] = row
    if title is not None:
        sheets[TEMP_SHEET].insert(0, title)
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)
    return run_ingest(tmp_path)


def test_a_row_of_formulas_without_results_is_no_empty_row(tmp_path):
    """表3's one row is formulas a program wrote without results (=20+21 …): calamine holds no
    cell of the row, so the row was no row — 表3 loaded as no 临时救助 at all, silently. Now
    refused at its first cell, as such a formula beside figures is."""
    con, result = _temp_row(tmp_path, ["=20+21", "=90+6", "=36000+800", "=8000+325"])
    assert not result.loaded
    [(_, code, sheet, row, column, zh)] = quarantine_rows(con)
    assert (code, sheet, row, column) == ("uncomputed_formula", TEMP_SHEET, 2, "累计救助户次")
    assert "单元格 A2 是公式(=20+21)" in zh
    assert con.execute("SELECT count(*) FROM raw.temp_assist").fetchone() == (0,)


def test_a_row_of_error_values_is_no_empty_row(tmp_path):
    """表3's row linked to a sheet since deleted: every cell #REF! (openpyxl saves it as an error
    cell). Before: loaded as an empty 表3. Now refused naming the cell and the error."""
    con, result = _temp_row(tmp_path, ["#REF!", "#REF!", "#DIV/0!", None])
    assert not result.loaded
    [(_, code, sheet, row, column, zh)] = quarantine_rows(con)
    assert (code, sheet, row, column) == ("bad_value", TEMP_SHEET, 2, "累计救助户次")
    assert "单元格 A2 是 Excel 错误值 #REF!" in zh


def test_a_title_by_formula_and_errors_beside_the_table_are_no_matter(tmp_path):
    """A title over the header computed by a formula never saved, and an error beside the table
    in a column nothing reads: the return loads its figures (a guard against false alarms)."""
    con, result = _temp_row(tmp_path, [*TEMP, None, None, "#DIV/0!"],
                            title=['="临时救助"&"统计表"'])
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert con.execute("SELECT household_times_ytd, person_times_ytd, funds_ytd, in_kind_ytd "
                       "FROM raw.temp_assist").fetchall() == [tuple(TEMP)]
