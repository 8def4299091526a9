"""Figures in cells formatted as a date (Excel, WPS: 120 shown as 1900-04-29), written cell by
cell with openpyxl (a ``number_format``) and xlwt (a date style); and words saying nothing
happened (本季度无灾情) typed in a figure's cell rather than 表5's date."""

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
    write_xls,
    write_xlsx,
)

from civstat.contract import load_contract
from civstat.ingest.cell_batch import CellBatch
from civstat.ingest.columns import limit_of, read_cell, typing_unit
from civstat.ingest.refusal import Refusal

T1, T5 = "表1 最低生活保障", "表5 自然灾害"
EVENT = canonical_sheets()[T5][1]  # 2024-06-20 暴雨洪涝 800 20 381 40 12 30 10 25 12.5 50000
# 表1's 城市低保 row is Excel row 2: 期末保障人数 is C2, 累计支出低保资金(元) H2; 表5's 直接经济损失(万元) is K
DATE, DATE_TIME = "yyyy-mm-dd", 'yyyy"年"m"月"d"日" h:mm'


def _return(tmp_path, urban: list, *, formats: dict[tuple[str, str], str], event=EVENT):
    """马店's return with 表1's 城市低保 figures ``urban`` and 表5's event ``event``, the cells
    ``formats`` names ((sheet, A1) → number format) formatted so; ingested."""
    sheets = canonical_sheets()
    sheets[T1][1] = ["城市低保", *urban]
    sheets[T5][1] = event
    path = write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    book = openpyxl.load_workbook(path)
    for (sheet, cell), number_format in formats.items():
        book[sheet][cell].number_format = number_format
    book.save(path)
    return run_ingest(tmp_path)


def _urban(con) -> tuple:
    return con.execute("SELECT persons, funds_ytd FROM raw.dibao WHERE category = 'urban'").fetchone()


def test_figures_formatted_as_dates_are_read_as_the_numbers_stored(tmp_path):
    """Before, 120 shown as 1900-04-29 refused the return ('1900-04-29 00:00:00' 的数字中间有空格
    或换行). Now each is the figure the cell stores, a finding naming the cell."""
    urban = list(DIBAO["urban"])
    urban[1], urban[6] = 120, 380_000.5  # 期末保障人数, 累计支出低保资金(元)
    event = list(EVENT)
    event[10] = 12.5  # 直接经济损失(万元): 125,000 元
    con, result = _return(tmp_path, urban, event=event, formats={
        (T1, "C2"): DATE, (T1, "H2"): DATE_TIME, (T5, "K2"): DATE})
    assert not result.quarantined
    assert _urban(con) == (120, 380_000.5)
    assert con.execute("SELECT direct_loss FROM raw.disaster_events").fetchall() == [(125_000.0,)]
    dated = [f for f in findings(con, T1) if f[0] == "figure_as_date"]
    assert [f[:4] for f in dated] == [("figure_as_date", T1, 2, "期末保障人数"),
                                      ("figure_as_date", T1, 2, "累计支出低保资金(元)")]
    assert "1900-04-29" in dated[0][4] and "按其中存的数 120 读取" in dated[0][4]
    assert "2940-05-26 12:00" in dated[1][4] and "380,000.5" in dated[1][4]
    [loss] = findings(con, T5)
    assert loss[:4] == ("figure_as_date", T5, 2, "直接经济损失(万元)")
    assert "125,000" in loss[4]


def test_an_xls_figure_with_a_date_style_is_read_as_the_number_stored(tmp_path, monkeypatch):
    """The same through xlwt: an .xls cell with a date style holding 120 (and 61, the first
    serial past Excel's 1900-02-29, 1900-03-01) and 380000.5."""
    style, plain = xlwt.easyxf(num_format_str=DATE), xlwt.Worksheet.write
    dated = {(T1, 1, 1), (T1, 1, 2), (T1, 1, 7)}  # (sheet, 0-based row, column): B2, C2, H2

    def write(sheet, r, c, label="", style_=xlwt.Style.default_style):
        return plain(sheet, r, c, label, style if (sheet.name, r, c) in dated else style_)

    monkeypatch.setattr(xlwt.Worksheet, "write", write)
    urban = list(DIBAO["urban"])
    urban[0], urban[1], urban[6] = 61, 120, 380_000.5
    sheets = canonical_sheets()
    sheets[T1][1] = ["城市低保", *urban]
    write_xls(raw_folder(tmp_path) / "马店.xls", {"封面": cover_rows(), **sheets})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT households, persons, funds_ytd FROM raw.dibao "
                       "WHERE category = 'urban'").fetchone() == (61, 120, 380_000.5)
    assert [f[3] for f in findings(con, T1) if f[0] == "figure_as_date"] == [
        "期末保障户数", "期末保障人数", "累计支出低保资金(元)"]


@pytest.mark.parametrize(("value", "said"), [
    (dt.date(2024, 6, 20), "日期 2024-06-20"), (45463, "日期 2024-06-20"),
    (dt.date(1950, 1, 1), "日期 1950-01-01")])
def test_a_plausible_date_in_a_figure_cell_is_refused_saying_so(tmp_path, value, said):
    """A date in a count's cell (columns shifted, a date typed where a figure belongs) was
    refused as 数字中间有空格; now as what it is. (60 formatted as a date reads as 1900-02-28, as
    59 does: the figure the workbook stores is read, test_reader_s30_dates.)"""
    urban = list(DIBAO["urban"])
    urban[1] = value
    _, result = _return(tmp_path, urban, formats={(T1, "C2"): DATE})
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == (
        "bad_value", T1, 2, "期末保障人数")
    assert said in item.message_zh and "空格" not in item.message_zh


def test_a_count_formatted_as_a_date_not_whole_is_refused_naming_the_figure(tmp_path):
    urban = list(DIBAO["urban"])
    urban[1] = 120.5
    _, result = _return(tmp_path, urban, formats={(T1, "C2"): DATE_TIME})
    [item] = result.quarantined
    assert (item.reason_code, item.row, item.column) == ("not_whole", 2, "期末保障人数")
    assert "120.5(日期格式 1900-04-29 12:00)" in item.message_zh


# the reader's text of a date cell → the figure it stands for (hand-counted: 1899-12-30 + 120
# days is 1900-04-29; before 1900-03-01 from 1899-12-31, Excel counting a 1900-02-29)
SERIALS = [("1900-04-29 00:00:00", 120), ("1900-03-01 00:00:00", 61), ("1900-02-27 00:00:00", 58),
           ("1900-01-01 00:00:00", 1), ("1900-01-12 12:00:00", 12.5), ("1900-04-29 00:14:24", 120.01),
           ("2940-05-26 12:00:00", 380_000.5), ("1949-12-31 00:00:00", 18_263),
           ("2100-01-01 00:00:00", 73_051), ("5145-02-06 00:00:00", 1_185_250)]
# (1899-12-31: 0 or a negative whole number, 0.5 or -0.5 …: the figure cannot be read from the
# text; the workbook's, when given, is read: test_reader_s30_dates)
REFUSED = ["1900-02-28 00:00:00", "1950-01-01 00:00:00", "2024-06-20 00:00:00",
           "2099-12-31 23:59:59", "1899-12-31 00:00:00", "1899-12-31 12:00:00"]


@pytest.mark.parametrize("factor", [1.0, 10_000.0])
def test_batch_and_per_cell_read_a_date_text_alike(factor):
    """The batch (a few cells of a whole column) and the per-cell reader agree on every date
    text: the figure it stands for, or a refusal."""
    funds = load_contract().sheet("dibao").column("funds_ytd")
    texts = [t for t, _ in SERIALS] + REFUSED + ["12"]
    batch = CellBatch()
    for text in texts:
        batch.add(text, factor, float(limit_of(funds)), False, typing_unit(funds))
    typed = batch.typed()
    where = {"sheet": T1, "row": 2, "column": "累计支出低保资金(元)"}
    for i, (text, figure) in enumerate(SERIALS):
        assert typed.values[i] == figure * factor == read_cell(funds, text, factor, where), text
    assert typed.bad == list(range(len(SERIALS), len(SERIALS) + len(REFUSED)))
    assert typed.noted == list(range(len(SERIALS)))  # each a finding; 12 none
    for text in REFUSED:
        with pytest.raises(Refusal) as refused:
            read_cell(funds, text, factor, where)
        assert refused.value.code == "bad_value" and "日期" in refused.value.zh, text


# -- words saying nothing happened, in a figure's cell ----------------------------------------
@pytest.mark.parametrize("said", ["本季度无灾情", "本季度无自然灾害发生", "无灾情。"])
def test_no_disaster_words_in_a_dibao_figure_are_refused(tmp_path, said):
    """Before, 本季度无灾情 in 表1's 期末保障人数 loaded as an empty cell, silently (a contract
    nothing_text counted as a null marker in every figure). Now it is no figure: refused."""
    urban = list(DIBAO["urban"])
    urban[1] = said
    _, result = _return(tmp_path, urban, formats={})
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == (
        "bad_value", T1, 2, "期末保障人数")
    assert f"“{said}”" in item.message_zh


@pytest.mark.parametrize("marker", ["无", "—", "/", "(无)"])
def test_null_markers_in_a_figure_still_read_as_no_figure(tmp_path, marker):
    """A guard against false alarms: 无, —, / still say no figure in any figure's cell."""
    urban = list(DIBAO["urban"])
    urban[1] = marker
    con, result = _return(tmp_path, urban, formats={})
    assert not result.quarantined
    assert _urban(con) == (None, DIBAO["urban"][6])


@pytest.mark.parametrize("row", [
    [None, None, "本季度无灾情"], ["本季度无自然灾害发生", None, "本季度无灾情"]])
def test_no_disaster_words_alone_in_an_event_rows_figure_are_no_event(tmp_path, row):
    """A guard: 表5's row saying nothing happened in a figure's cell, the row holding nothing
    else, is still no event (no_event), not refused."""
    con, result = _return(tmp_path, list(DIBAO["urban"]), formats={}, event=row)
    assert not result.quarantined
    assert con.execute("SELECT count(*) FROM raw.disaster_events").fetchone() == (0,)
    assert [f[:3] for f in findings(con, T5)] == [("no_event", T5, 2)]


def test_no_disaster_words_beside_an_events_figures_are_refused(tmp_path):
    """In a row of an event, 无灾情 in 紧急转移安置人口 is no figure: refused, naming the cell."""
    event = list(EVENT)
    event[3] = "无灾情"
    _, result = _return(tmp_path, list(DIBAO["urban"]), formats={}, event=event)
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == (
        "bad_value", T5, 2, "紧急转移安置人口(人)")
