"""Figures whose date calamine cannot tell them from (a cell formatted as a date holding 0, a
negative figure, a fraction below 1: 1899-12-31; 59 or 60: 1900-02-28), written cell by cell
with openpyxl and xlwt. Before, the return was refused bad_value (单元格设置成了日期格式…无法读出
其中存的数), though the workbook stores the number: now the figure the sheet's XML (an .xlsx)
or its cell record (an .xls, xlrd) stores is read, exactly, with the figure_as_date finding
saying it; it goes on as the same figure typed in a cell formatted as a number does. Where no
number is stored (a CSV; a cell holding the date itself) the cell is still refused."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import xlwt
from handmade import (
    DIBAO,
    canonical_sheets,
    cover_rows,
    findings,
    raw_folder,
    run_ingest,
    write_cells,
    write_csv_group,
    write_xls,
)
from test_reader_date_figures import DATE, DATE_TIME, T1, _return

from civstat.contract import load_contract
from civstat.ingest.cell_batch import CellBatch
from civstat.ingest.columns import limit_of, read_cell, typing_unit
from civstat.ingest.date_figures import stores

URBAN = "SELECT households, persons, new_households, new_persons, funds_ytd FROM raw.dibao " \
        "WHERE category = 'urban'"
# 表1's 城市低保 row (Excel row 2): 期末保障户数 B, 期末保障人数 C, 本年新增户数 D, 本年新增人数 E,
# 累计支出低保资金(元) H
UNTOLD = {1: 0, 2: -5, 3: 59, 4: 60, 7: -1_000.25}  # 0-based column → the figure typed
COLUMNS = ["期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "累计支出低保资金(元)"]


def _untold_urban() -> list:
    urban = list(DIBAO["urban"])
    for c, value in UNTOLD.items():
        urban[c - 1] = value
    return urban


def _said(con) -> list[tuple]:
    """(column, the date read, the figure read) of each figure_as_date finding on 表1."""
    return [(f[3], f[4].split("读出为日期 ")[1].split(")")[0], f[4].split("按其中存的数 ")[1].split(" ")[0])
            for f in findings(con, T1) if f[0] == "figure_as_date"]


SAID = [("期末保障户数", "1899-12-31", "0"), ("期末保障人数", "1899-12-31", "-5"),
        ("本年新增户数", "1900-02-28", "59"), ("本年新增人数", "1900-02-28", "60"),
        ("累计支出低保资金(元)", "1899-12-31 18:00", "-1,000.25")]


def test_untold_figures_formatted_as_dates_are_the_figures_the_xlsx_stores(tmp_path):
    """0, -5, 59, 60 and -1000.25 formatted as dates were refused (the first of them, B2);
    now each is the number its <c><v> holds."""
    formats = {(T1, f"{'ABCDEFGH'[c]}2"): DATE_TIME if c == 7 else DATE for c in UNTOLD}
    con, result = _return(tmp_path, _untold_urban(), formats=formats)
    assert not result.quarantined
    assert con.execute(URBAN).fetchone() == (0, -5, 59, 60, -1_000.25)
    assert _said(con) == SAID
    [finding] = [f for f in findings(con, T1) if f[3] == "期末保障人数"]
    assert finding[:4] == ("figure_as_date", T1, 2, "期末保障人数")
    assert finding[5] == ("期末保障人数: the cell is formatted as a date (read as the date "
                          "1899-12-31); read as the figure it stores, -5: check it, and format "
                          "the cell as a number")


def test_a_negative_figure_formatted_as_a_date_loads_as_one_typed_plainly(tmp_path):
    """Whatever the reader does with -5 and -1000.25 typed in cells formatted as numbers (they
    load as typed), it does with them formatted as dates: the same rows, a finding more."""
    plain, dated = tmp_path / "plain", tmp_path / "dated"
    con, result = _return(plain, _untold_urban(), formats={})
    assert not result.quarantined and not _said(con)
    expected = con.execute("SELECT * EXCLUDE (submission_id, source_file, file_sha256, "
                           "submitted_at) FROM raw.dibao ORDER BY category").fetchall()
    con, result = _return(dated, _untold_urban(), formats={(T1, "C2"): DATE,
                                                           (T1, "H2"): DATE_TIME})
    assert not result.quarantined
    assert con.execute("SELECT * EXCLUDE (submission_id, source_file, file_sha256, "
                       "submitted_at) FROM raw.dibao ORDER BY category").fetchall() == expected
    assert [s[0] for s in _said(con)] == ["期末保障人数", "累计支出低保资金(元)"]


def test_a_count_below_one_formatted_as_a_date_not_whole_is_refused_naming_the_figure(tmp_path):
    """-1000.25 in 期末保障人数 is not whole, typed plainly or formatted as a date (refused
    before as a figure that cannot be read): not_whole, naming the figure stored."""
    urban = list(DIBAO["urban"])
    urban[1] = -1_000.25
    _, result = _return(tmp_path, urban, formats={(T1, "C2"): DATE_TIME})
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == (
        "not_whole", T1, 2, "期末保障人数")
    assert "应为整数,实为 '-1000.25(日期格式 1899-12-31 18:00)'" in item.message_zh


def test_the_stored_figure_is_read_where_the_table_does_not_start_at_a1(tmp_path):
    """A title row above the header and an empty column A: the cell read is D3 (C2 of the
    table), its number found there, not at the grid's place."""
    sheets = canonical_sheets()
    sheets[T1][1] = ["城市低保", *_untold_urban()]
    shifted = [[None, "表1 最低生活保障"], *[[None, *row] for row in sheets[T1]]]
    path = write_cells(raw_folder(tmp_path) / "马店.xlsx",
                       {"封面": cover_rows(), **sheets, T1: shifted})
    book = openpyxl.load_workbook(path)
    for c in UNTOLD:
        book[T1][f"{'ABCDEFGHI'[c + 1]}3"].number_format = DATE_TIME if c == 7 else DATE
    book.save(path)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute(URBAN).fetchone() == (0, -5, 59, 60, -1_000.25)
    assert [(s[0], s[2]) for s in _said(con)] == [(s[0], s[2]) for s in SAID]


def test_untold_figures_with_a_date_style_are_the_figures_the_xls_stores(tmp_path, monkeypatch):
    """The same through xlwt: .xls cells with a date style holding 0, -5, 59, 60, -1000.25."""
    style, plain = xlwt.easyxf(num_format_str=DATE), xlwt.Worksheet.write

    def write(sheet, r, c, label="", style_=xlwt.Style.default_style):
        dated = sheet.name == T1 and r == 1 and c in UNTOLD
        return plain(sheet, r, c, label, style if dated else style_)

    monkeypatch.setattr(xlwt.Worksheet, "write", write)
    sheets = canonical_sheets()
    sheets[T1][1] = ["城市低保", *_untold_urban()]
    write_xls(raw_folder(tmp_path) / "马店.xls", {"封面": cover_rows(), **sheets})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute(URBAN).fetchone() == (0, -5, 59, 60, -1_000.25)
    assert [(s[0], s[2]) for s in _said(con)] == [(s[0], s[2]) for s in SAID]


# -- where no number is stored, the cell is still refused (guards) -----------------------------
def _refused_as_untold(result, column: str) -> None:
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == ("bad_value", T1, 2, column)
    assert "0、负数和小于1的数都读出为1899-12-31 这一天,无法读出其中存的数" in item.message_zh


def test_a_cell_holding_the_date_itself_is_still_refused(tmp_path):
    """An xlsx cell saved as a date (t="d", 1899-12-31T00:00:00), no number: refused."""
    sheets = canonical_sheets()
    sheets[T1][1][2] = dt.datetime(1899, 12, 31)  # 期末保障人数
    path = raw_folder(tmp_path) / "马店.xlsx"
    write_cells(path, {"封面": cover_rows(), **sheets})
    book = openpyxl.load_workbook(path)
    book.iso_dates = True
    book[T1]["C2"].number_format = DATE
    book.save(path)
    _, result = run_ingest(tmp_path)
    _refused_as_untold(result, "期末保障人数")


def test_a_csv_date_text_of_no_figure_is_still_refused(tmp_path):
    sheets = canonical_sheets()
    sheets[T1][1][2] = "1899-12-31 00:00:00"
    write_csv_group(raw_folder(tmp_path), "马店", cover_rows(), sheets)
    _, result = run_ingest(tmp_path)
    _refused_as_untold(result, "期末保障人数")


# -- the number stored, and the date it must stand for -----------------------------------------
@pytest.mark.parametrize(("text", "number", "taken"), [
    ("1899-12-31 00:00:00", 0, True), ("1899-12-31 00:00:00", -5, True),
    ("1899-12-31 18:00:00", -1_000.25, True), ("1899-12-31 06:00:00", 0.25, True),
    ("1900-02-28 00:00:00", 59, True), ("1900-02-28 00:00:00", 60, True),
    ("1900-02-28 12:00:00", 60.5, True),
    ("1899-12-31 00:00:00", 5, False), ("1899-12-31 00:00:00", -1_000.25, False),
    ("1900-02-28 00:00:00", 58, False), ("1900-02-28 00:00:00", 61, False),
    ("1900-04-29 00:00:00", 120, False)])
def test_a_number_stored_is_taken_only_as_the_figure_its_date_stands_for(text, number, taken):
    assert stores(text, number) is taken


@pytest.mark.parametrize("factor", [1.0, 10_000.0])
def test_batch_and_per_cell_read_a_stored_figure_alike(factor):
    funds = load_contract().sheet("dibao").column("funds_ytd")
    cells = [("1899-12-31 00:00:00", -5.0), ("1900-02-28 00:00:00", 60.0),
             ("1899-12-31 18:00:00", -1_000.25), ("1899-12-31 00:00:00", None)]
    batch = CellBatch()
    for k, (text, stored) in enumerate(cells):
        batch.add(text, factor, float(limit_of(funds)), False, typing_unit(funds))
        if stored is not None:
            batch.stored[k] = stored
    typed = batch.typed()
    where = {"sheet": T1, "row": 2, "column": "累计支出低保资金(元)"}
    for k, (text, stored) in enumerate(cells[:3]):
        assert typed.values[k] == stored * factor == read_cell(funds, text, factor, where, stored)
    assert (typed.noted, typed.bad) == ([0, 1, 2], [3])
