"""A workbook of the 1904 date system (Excel for Mac's of old, ``<workbookPr date1904="1"/>``;
an .xls's DATEMODE record): calamine gives a figure formatted as a date as the date that system
counts (210 → 1904-07-29), which the 1900 system's reading took for 1,672 — a wrong figure
loaded with a finding that quoted it as right. Written cell by cell with openpyxl and xlwt."""

from __future__ import annotations

import datetime as dt

import openpyxl
import xlwt
from handmade import canonical_sheets, cover_rows, findings, raw_folder, run_ingest, write_xlsx
from openpyxl.utils.datetime import CALENDAR_MAC_1904

T1, T5 = "表1 最低生活保障", "表5 自然灾害"
DATE = "yyyy-mm-dd"
FIGURES = "SELECT category, households, persons, new_households, new_persons FROM raw.dibao " \
          "ORDER BY category"
DATED = {"C2": 210, "B3": 529, "D2": 0, "E2": -5}  # 期末保障人数, 户数, 本年新增户数, 人数
EXPECTED = [("rural", 529, 664, 50, 60), ("urban", 120, 210, 0, -5)]


def _sheets() -> dict:
    sheets = canonical_sheets()
    sheets[T1][1][3:5] = [0, -5]
    return sheets


def test_figures_formatted_as_dates_in_a_1904_xlsx_are_read_in_its_date_system(tmp_path):
    path = write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), _sheets())
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904
    for cell in DATED:
        book[T1][cell].number_format = DATE
    book.save(path)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute(FIGURES).fetchall() == EXPECTED
    said = {f[3]: f[4] for f in findings(con, T1) if f[0] == "figure_as_date"}
    assert "读出为日期 1904-07-29" in said["期末保障人数"] and "按其中存的数 210 读取" in said["期末保障人数"]
    # a date of the return stays the date it is (calamine counts it in the workbook's system)
    assert con.execute("SELECT event_date FROM raw.disaster_events").fetchall() == [
        (dt.date(2024, 6, 20),)]


def test_figures_with_a_date_style_in_a_1904_xls_are_read_in_its_date_system(tmp_path):
    path = raw_folder(tmp_path) / "马店.xls"
    path.parent.mkdir(parents=True)
    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = True
    dated, day = xlwt.easyxf(num_format_str=DATE), xlwt.easyxf(num_format_str=DATE)
    for name, rows in {"封面": cover_rows(), **_sheets()}.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ref = f"{'ABCDEFGHIJKL'[c]}{r + 1}"
                if value is None:
                    continue
                if isinstance(value, dt.date):  # 表5's event date, as a 1904 serial
                    sheet.write(r, c, (value - dt.date(1904, 1, 1)).days, day)
                elif name == T1 and ref in DATED:
                    sheet.write(r, c, value, dated)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute(FIGURES).fetchall() == EXPECTED
    assert con.execute("SELECT event_date FROM raw.disaster_events").fetchall() == [
        (dt.date(2024, 6, 20),)]
