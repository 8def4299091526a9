"""The workbook layer (:mod:`civstat.ingest.workbook`): calamine's cells as the text the reader
reads, on workbooks written cell by cell here (openpyxl, xlwt), never by civstat's template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fastexcel
import openpyxl
import pytest
import xlwt
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    DIBAO,
    MADIAN,
    MED,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)
from openpyxl.chart import BarChart, Reference

from civstat.ingest import Refusal
from civstat.ingest.workbook import grids_excel

# value written → the text the reader gets (what fastexcel writes with dtypes="string")
CELLS = [
    (True, "true"), (False, "false"), (1, "1"), (1.0, "1"), (0, "0"), (529, "529"),
    (384_560.63, "384560.63"), (-3.25, "-3.25"), (1e-7, "0.0000001"),
    (1e20, "100000000000000000000"), (2.5e15, "2500000000000000"),
    (dt.datetime(2025, 1, 3, 10, 30, 5), "2025-01-03 10:30:05"),
    (dt.date(2024, 12, 31), "2024-12-31 00:00:00"), (dt.time(10, 30), "1899-12-31 10:30:00"),
    (dt.timedelta(hours=30), "1.25"),  # a duration: the days Excel stores (fastexcel: a date)
    ("城市低保", "城市低保"), ("  ", "  "), ("0530-1234567", "0530-1234567"),
]


def _workbook(path, sheets: dict[str, list[tuple[str, object]]]):
    """Cells at the given addresses (A1 style), sheet by sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cells in sheets.items():
        ws = wb.create_sheet(name)
        for address, value in cells:
            ws[address] = value
    wb.save(path)
    return path


def test_each_kind_of_cell_gets_the_text_fastexcel_writes(tmp_path):
    path = _workbook(tmp_path / "cells.xlsx",
                     {"s": [(f"A{i}", value) for i, (value, _) in enumerate(CELLS, start=1)]})
    got = [row[0] for row in grids_excel(path)["s"]]
    assert got == [text for _, text in CELLS]
    book = fastexcel.read_excel(str(path))
    column = book.load_sheet("s", header_row=None, dtypes="string", skip_rows=0).to_polars()
    duration = next(i for i, (value, _) in enumerate(CELLS) if isinstance(value, dt.timedelta))
    assert column.to_series(0).to_list()[duration] == "1900-01-01 06:00:00"  # 1.25 days on
    assert got[:duration] + got[duration + 1:] == [
        text for i, text in enumerate(column.to_series(0).to_list()) if i != duration]


@pytest.mark.parametrize("first", [True, 1])
def test_true_and_one_stay_apart_whichever_comes_first(tmp_path, first):
    """In a dict True == 1: the memo of cell texts must not turn one into the other."""
    second = 1 if first is True else True
    path = _workbook(tmp_path / "b.xlsx", {"s": [("A1", first), ("A2", second), ("A3", first),
                                                ("B1", 0), ("B2", False), ("B3", 0.0)]})
    rows = grids_excel(path)["s"]
    def text(value):
        return "true" if value is True else "1"
    assert [r[0] for r in rows] == [text(first), text(second), text(first)]
    assert [r[1] for r in rows] == ["0", "false", "0"]


def test_leading_empty_rows_and_columns(tmp_path):
    """A table typed from C3: rows keep their Excel numbers, the empty columns A:B are dropped
    (the first column read is the row label), and a chart sheet reads as empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表3 临时救助"
    ws["C3"], ws["D3"], ws["C4"], ws["D4"] = "类别", "户次", "城市", 41
    chart = wb.create_chartsheet("图")
    bar = BarChart()
    bar.add_data(Reference(ws, min_col=4, min_row=3, max_row=4))
    chart.add_chart(bar)
    wb.save(tmp_path / "c.xlsx")
    grids = grids_excel(tmp_path / "c.xlsx")
    assert grids["表3 临时救助"] == [(None, None), (None, None), ("类别", "户次"), ("城市", "41")]
    assert grids["图"] == []


def test_an_xls_written_with_xlwt(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("封面")
    sheet.write(0, 0, "填报日期")
    sheet.write(0, 1, dt.datetime(2024, 10, 8), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    sheet.write(1, 0, "户籍人口(人)")
    sheet.write(1, 1, 32000)
    sheet.write(2, 0, "医疗救助(元)")
    sheet.write(2, 1, 384560.63)
    book.save(str(tmp_path / "old.xls"))
    assert grids_excel(tmp_path / "old.xls")["封面"] == [
        ("填报日期", "2024-10-08 00:00:00"), ("户籍人口(人)", "32000"), ("医疗救助(元)", "384560.63")]


def test_not_a_workbook_is_refused_in_one_line(tmp_path):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(Refusal) as refused:
        grids_excel(path)
    assert refused.value.code == "unreadable"
    assert "\n" not in refused.value.en and str(tmp_path) not in refused.value.en


def test_a_return_typed_from_b2_with_real_cells_loads_its_figures(tmp_path):
    """Every sheet of a hand-typed return shifted to B2 (an empty first row and column), a real
    date cell as 填报日期 and 分 amounts: the figures load exactly."""
    def shifted(rows):
        return [[], *[[None, *row] for row in rows]]

    cover = cover_rows(fill_date=dt.date(2024, 10, 8))
    sheets = {name: shifted(rows) for name, rows in canonical_sheets().items()}
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", shifted(cover), sheets)
    con, result = run_ingest(tmp_path)
    assert [i.line for i in result.quarantined] == []
    assert con.execute("SELECT fill_date, pop_urban, pop_rural FROM raw.submissions").fetchone() == (
        dt.date(2024, 10, 8), 8000, 24000)
    dibao = con.execute("SELECT category, households, funds_ytd, standard FROM raw.dibao "
                        "WHERE NOT is_total ORDER BY category").fetchall()
    assert dibao == [("rural", DIBAO["rural"][0], DIBAO["rural"][6], DIBAO["rural"][7]),
                     ("urban", DIBAO["urban"][0], DIBAO["urban"][6], DIBAO["urban"][7])]
    assert con.execute("SELECT direct_funds_ytd FROM raw.med_assist").fetchone() == (MED[3],)


def test_a_workbook_under_the_other_extension_loads_and_an_empty_file_is_named(tmp_path):
    """Clerks rename files: an .xls saved as ``.xlsx`` and an .xlsx renamed ``.xls`` are read by
    what they contain, their figures exact (the .xls's 灾害发生日期 written by xlwt without a date
    format, a bare serial number, is still that date); an empty file is refused as empty, and
    the batch loads."""
    folder = raw_folder(tmp_path)
    write_xls(folder / "马店镇.xlsx", {"封面": cover_rows(), **canonical_sheets()})
    write_xlsx(folder / "白庙乡.xls", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    (folder / "石桥镇.xlsx").write_bytes(b"")
    con, result = run_ingest(tmp_path)
    assert sorted(i.file for i in result.loaded) == ["2024Q3/白庙乡.xls", "2024Q3/马店镇.xlsx"]
    [empty] = result.quarantined
    assert (empty.file, empty.reason_code) == ("2024Q3/石桥镇.xlsx", "unreadable")
    assert "空" in empty.message_zh and "empty" in empty.message_en
    rows = con.execute("SELECT s.unit_name, d.households, d.funds_ytd FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) "
                       "WHERE d.category = 'urban' ORDER BY s.unit_name").fetchall()
    assert rows == [("白庙乡", DIBAO["urban"][0], DIBAO["urban"][6]),
                    ("马店镇", DIBAO["urban"][0], DIBAO["urban"][6])]
    dates = con.execute("SELECT DISTINCT event_date FROM raw.disaster_events").fetchall()
    assert dates == [(dt.date(2024, 6, 20),)]
    # read alone (no ingest, no bytes handed over) the same way
    assert grids_excel(folder / "马店镇.xlsx")["封面"][1] == ("填报单位", "马店镇")
    assert grids_excel(folder / "白庙乡.xls")["封面"][1] == ("填报单位", "白庙乡")


def test_an_unreadable_date_is_named_as_a_date(tmp_path):
    """``六月下旬`` is no date; ``六月二十日`` and ``6.20`` are days of no year (the event's quarter
    may be guessed, its year not): each refused, naming what is wrong."""
    folder = raw_folder(tmp_path)
    for town, code, date in (("马店镇", MADIAN, "六月下旬"), ("白庙乡", BAIMIAO, "六月二十日"),
                             ("城关街道", CHENGGUAN, "6.20")):
        sheets = canonical_sheets()
        sheets["表5 自然灾害"][1][0] = date
        write_xlsx(folder / f"{town}.xlsx", cover_rows(unit=town, code=code), sheets)
    _con, result = run_ingest(tmp_path)
    refused = {r.file: r for r in result.quarantined}
    assert {(r.reason_code, r.sheet, r.row, r.column) for r in refused.values()} == {
        ("bad_value", "表5 自然灾害", 2, "灾害发生日期")}
    assert "无法识别的日期 '六月下旬'" in refused["2024Q3/马店镇.xlsx"].message_zh
    assert "cannot parse date" in refused["2024Q3/马店镇.xlsx"].message_en
    assert "日期 '六月二十日' 没有年份:请填写完整的日期" in refused["2024Q3/白庙乡.xlsx"].message_zh
    assert "日期 '6.20' 没有年份" in refused["2024Q3/城关街道.xlsx"].message_zh


def test_an_event_date_of_two_readings_is_refused_naming_both(tmp_path):
    """``6/8/2024`` is 6 August (US) or 8 June (China, Europe): the event's quarter itself turns
    on it, so it is refused, naming both; ``24/6/8`` has one reading (2024-06-08: a year is never
    written in one digit) and loads."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets["表5 自然灾害"][1][0] = "6/8/2024"
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), sheets)
    sheets["表5 自然灾害"][1][0] = "24/6/8"
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), sheets)
    con, result = run_ingest(tmp_path)
    [refused] = result.quarantined
    assert (refused.file, refused.reason_code, refused.row, refused.column) == (
        "2024Q3/马店镇.xlsx", "bad_value", 2, "灾害发生日期")
    assert "日期 '6/8/2024' 的日、月次序不明:2024-06-08 还是 2024-08-06?" in refused.message_zh
    assert con.execute("SELECT event_date FROM raw.disaster_events").fetchall() == [
        (dt.date(2024, 6, 8),)]


def _old_copy() -> list[list]:
    """表1 as last quarter's figures (a copy a clerk kept in the workbook)."""
    old = [list(row) for row in canonical_sheets()["表1 最低生活保障"]]
    old[1][2], old[2][2] = 999, 888
    return old


def test_two_sheets_of_one_table_are_refused_or_the_hidden_copy_is_set_aside(tmp_path):
    """马店: 表1 twice, both visible (最低生活保障 before 表1 最低生活保障) — refused, naming both,
    rather than reading the first. 白庙: the same with the old copy hidden — the visible sheet
    is read and a finding names the hidden one. 城关: its only 表1 is hidden — it is read."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    write_xlsx(folder / "马店.xlsx", cover_rows(), {"最低生活保障": _old_copy(), **sheets})
    for name, unit, code, book in (("白庙.xlsx", "白庙乡", BAIMIAO, {"最低生活保障": _old_copy(), **sheets}),
                                   ("城关.xlsx", "城关街道", CHENGGUAN, sheets)):
        path = write_xlsx(folder / name, cover_rows(unit=unit, code=code), book)
        wb = openpyxl.load_workbook(path)
        wb["最低生活保障" if "最低生活保障" in wb.sheetnames else "表1 最低生活保障"].sheet_state = "hidden"
        wb.save(path)
    con, result = run_ingest(tmp_path)
    [refused] = result.quarantined
    assert (refused.file, refused.reason_code, refused.sheet) == (
        "2024Q3/马店.xlsx", "duplicate_sheet", "表1 最低生活保障")
    assert "最低生活保障、表1 最低生活保障 都是 表1 最低生活保障" in refused.message_zh
    rows = con.execute("SELECT s.unit_name, d.category, d.persons FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall()
    assert rows == [(town, cat, DIBAO[cat][1]) for town in ("城关街道", "白庙乡") for cat in ("rural", "urban")]
    assert con.execute("SELECT s.unit_name, f.code, f.sheet FROM raw.findings f JOIN raw.submissions s "
                       "USING (submission_id) WHERE f.code = 'hidden_sheet'").fetchall() == [
        ("白庙乡", "hidden_sheet", "最低生活保障")]


def test_a_copied_sheet_is_the_same_table(tmp_path):
    """Excel's 移动或复制 names the copy 表1 最低生活保障 (2) (WPS: 表1 最低生活保障(2)). The clerk
    types the new figures into the copy: before, the original (old figures) was read and the copy
    ignored, silently. Now the two are one table twice: refused, naming both."""
    sheets = canonical_sheets()
    sheets["表1 最低生活保障 (2)"] = _old_copy()
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    _, result = run_ingest(tmp_path)
    [refused] = result.quarantined
    assert (refused.reason_code, refused.sheet) == ("duplicate_sheet", "表1 最低生活保障 (2)")
    assert "表1 最低生活保障、表1 最低生活保障 (2) 都是 表1 最低生活保障" in refused.message_zh


@pytest.mark.parametrize(("name", "kind"), [("马店镇.et", "WPS 表格"), ("马店镇.ODS", "OpenDocument 表格")])
def test_a_spreadsheet_in_a_format_not_read_asks_for_xlsx(tmp_path, name, kind):
    """A return saved in WPS's own format (.et) or as OpenDocument: refused in one line naming
    the format and what to do, beside the returns that load."""
    folder = raw_folder(tmp_path)
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"\xd0\xcf\x11\xe0 a WPS sheet")
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    _, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert item.reason_code == "not_a_workbook"
    assert f"{kind}({Path(name).suffix})格式无法读取:请用 WPS 或 Excel 另存为 .xlsx 后重新报送" in item.message_zh
    assert len(result.loaded) == 1
