"""Cells as township clerks leave them in Excel and WPS, written cell by cell with openpyxl:
ditto marks (同上, 〃) down a text or date column, characters that show nothing (a zero-width
space, a BOM) in figures, labels and headers, a number typed as text behind an apostrophe, and a
表5 date naming two months."""

from __future__ import annotations

import datetime as dt

import pytest
from handmade import (
    DIBAO,
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

from civstat.ingest.normalize import parse_date, parse_number

T1, T5, T6 = "表1 最低生活保障", "表5 自然灾害", "表6 养老服务机构"
ELDER = ["马店镇敬老院", "敬老院", "公办公营", 80, 40, 52, 30, 12, 8]
EVENT = canonical_sheets()[T5][1]  # 2024-06-20 暴雨洪涝 800 20 381 40 12 30 10 25 12.5 50000


def _ingest(tmp_path, sheets):
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    return run_ingest(tmp_path)


def _with(sheet: str, rows: list) -> dict:
    """The canonical return with ``sheet``'s rows under its canonical header."""
    sheets = canonical_sheets()
    sheets[sheet] = [sheets[sheet][0], *rows]
    return sheets


def _institutions(con) -> list[tuple]:
    return con.execute("SELECT source_row, institution_name, institution_type, operation_mode, beds "
                       "FROM raw.eldercare_institutions ORDER BY source_row").fetchall()


def _events(con) -> list[tuple]:
    return con.execute("SELECT source_row, event_date, hazard_type, affected_persons, direct_loss "
                       "FROM raw.disaster_events ORDER BY source_row").fetchall()


# -- ditto marks ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mark", ["同上", "〃", "″", '"', "同上。", " 同 上 "])
def test_a_ditto_mark_in_a_type_column_is_the_row_aboves_value(tmp_path, mark):
    """Before, 同上 loaded as a 机构类型 and a 运营方式 of their own (unlisted_choice): its beds
    counted under a type 同上 in 按机构类型分. Now each is the row above's, a finding naming it."""
    con, result = _ingest(tmp_path, _with(T6, [
        ELDER, ["马店镇颐和养老院", mark, mark, 50, 20, 30, 0, 6, 4],
        ["马店镇康乐养老院", "民办养老院", "民办", 60, 30, 40, 0, 8, 6],
        ["马店镇福寿养老院", mark, mark, 30, 10, 20, 0, 4, 2]]))
    assert not result.quarantined
    assert _institutions(con) == [(2, "马店镇敬老院", "敬老院", "公办公营", 80),
                                  (3, "马店镇颐和养老院", "敬老院", "公办公营", 50),
                                  (4, "马店镇康乐养老院", "民办养老院", "民办", 60),
                                  (5, "马店镇福寿养老院", "民办养老院", "民办", 30)]
    found = findings(con, T6)
    assert [f[:4] for f in found] == [("ditto_mark", T6, 3, "机构类型"), ("ditto_mark", T6, 3, "运营方式"),
                                      ("ditto_mark", T6, 5, "机构类型"), ("ditto_mark", T6, 5, "运营方式")]
    assert "第2行" in found[0][4] and "敬老院" in found[0][4]
    assert "第4行" in found[3][4] and "民办" in found[3][4]


def test_ditto_marks_down_a_column_repeat_the_first_value(tmp_path):
    """Three rows under one: each mark stands for the (already repeated) value right above it."""
    con, result = _ingest(tmp_path, _with(T6, [
        ELDER, ["东村幸福院", "日间照料中心", "公建民营", 20, 0, 15, 0, 3, 2],
        ["西村幸福院", "〃", "〃", 15, 0, 10, 0, 2, 1], ["南村幸福院", "〃", "〃", 10, 0, 8, 0, 1, 1]]))
    assert not result.quarantined
    assert [r[2:4] for r in _institutions(con)] == [("敬老院", "公办公营")] + [
        ("日间照料中心", "公建民营")] * 3


def test_a_ditto_mark_for_a_date_and_a_kind_is_the_event_aboves(tmp_path):
    """Before, a date 同上 refused the return (无法识别的日期 '同上'); a kind 同上 was an event of
    the kind 同上. Now both are the row above's; each event keeps its own figures."""
    con, result = _ingest(tmp_path, _with(T5, [
        EVENT, ["同上", "风雹", 300, 0, 150, 10, 0, 0, 2, 8, 3.2, 10_000],
        [dt.date(2024, 7, 2), "〃", 100, 0, 50, 5, 0, 0, 1, 2, 1.5, 0]]))
    assert not result.quarantined
    assert _events(con) == [(2, dt.date(2024, 6, 20), "暴雨洪涝", 800, 125_000.0),
                            (3, dt.date(2024, 6, 20), "风雹", 300, 32_000.0),
                            (4, dt.date(2024, 7, 2), "风雹", 100, 15_000.0)]
    found = findings(con, T5)
    assert [f[:4] for f in found] == [("ditto_mark", T5, 3, "灾害发生日期"),
                                      ("ditto_mark", T5, 4, "灾害种类")]
    assert "2024-06-20" in found[0][4] and "00:00" not in found[0][4]


@pytest.mark.parametrize(("rows", "row", "column", "words"), [
    # the first row: nothing above
    ([["马店镇敬老院", "同上", "公办公营", 80, 40, 52, 30, 12, 8]], 2, "机构类型", "上面没有"),
    # a 小计 above: its group may not be this row's
    ([ELDER, ["小计", None, None, 80, 40, 52, 30, 12, 8],
      ["马店镇康乐养老院", "同上", "民办", 60, 30, 40, 0, 8, 6]], 4, "机构类型", "合计或小计"),
    # an institution's name: each institution is a row of its own
    ([ELDER, ["同上", "敬老院", "公办公营", 40, 20, 30, 10, 5, 3]], 3, "机构名称", "本机构的名称"),
    # a figure: whether it repeats the row above's cannot be told
    ([ELDER, ["马店镇颐和养老院", "敬老院", "公办公营", "同上", 20, 30, 0, 6, 4]], 3, "床位数(张)", "照填"),
])
def test_a_ditto_mark_nothing_above_stands_for_is_refused(tmp_path, rows, row, column, words):
    """Refused naming the cell (before: 同上 in a type or name loaded as written; in a figure,
    refused as 无法识别的数值 '同上')."""
    con, _ = _ingest(tmp_path, _with(T6, rows))
    [(_, code, sheet, at, col, message)] = quarantine_rows(con)
    assert (code, sheet, at, col) == ("bad_value", T6, row, column)
    assert "同上" in message and words in message
    assert con.execute("SELECT count(*) FROM raw.eldercare_institutions").fetchone()[0] == 0


# -- characters that show nothing --------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["\ufeff120", "120\u200b", "1\u200c20", "\u2060120", "\u200e120",
                                  "'120", "‘120", "’120"])
def test_a_figure_with_an_invisible_character_or_a_text_mark_reads_as_its_number(tmp_path, cell):
    """Before, a BOM, a zero-width character or an apostrophe before the digits refused the return
    (无法识别的数值); a zero-width space after them was a cell_note finding. Now 120, no finding."""
    sheets = canonical_sheets()
    sheets[T1][1][1] = cell
    con, result = _ingest(tmp_path, sheets)
    assert not result.quarantined
    assert con.execute("SELECT category, households FROM raw.dibao ORDER BY source_row").fetchall() == [
        ("urban", 120), ("rural", DIBAO["rural"][0])]
    assert findings(con, T1) == []


def test_labels_headers_and_choices_with_invisible_characters_read_as_written_without(tmp_path):
    """A category label, a header and a listed type holding a zero-width space or a BOM (copied
    from a web page): before, unknown_category, missing_column and unlisted_choice."""
    sheets = canonical_sheets()
    sheets[T1][1][0] = "\ufeff城市\u200b低保"
    sheets[T1][0][2] = "期末保障\u200b人数"
    sheets[T6][1][1] = "敬老院\u200b"
    con, result = _ingest(tmp_path, sheets)
    assert not result.quarantined
    assert con.execute("SELECT category, households, persons FROM raw.dibao "
                       "ORDER BY source_row").fetchall() == [
        ("urban", 120, 210), ("rural", 529, 664)]
    assert _institutions(con) == [(2, "马店镇敬老院", "敬老院", "公办公营", 80)]
    assert findings(con, T1) == [] and findings(con, T6) == []


def test_parse_number_without_invisible_characters_and_text_marks():
    assert parse_number("\ufeff1,775,475") == 1_775_475
    assert parse_number("'380000.5") == 380_000.5
    assert parse_number("‘-5") == -5
    with pytest.raises(ValueError):
        parse_number("'")  # a mark alone is no number


# -- a 表5 date naming two months ------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["2024年6-7月", "2024年6月至7月", "2024年6、7月", "2024.6-7"])
def test_a_date_naming_two_months_is_refused_not_read_as_a_day(tmp_path, cell):
    """Before, 2024年6-7月 (an event over June and July) loaded as 7 June, silently."""
    con, _ = _ingest(tmp_path, _with(T5, [[cell, *EVENT[1:]]]))
    [(_, code, sheet, at, col, message)] = quarantine_rows(con)
    assert (code, sheet, at, col) == ("bad_value", T5, 2, "灾害发生日期")
    assert cell in message
    assert _events(con) == []


@pytest.mark.parametrize("cell", ["2024-06-20 14:30", "2024/6/20 下午", "2024年6月20日(星期四)",
                                  "2024年06月20日", "2024年6月20日-7月2日", "2024.6.20-7.2",
                                  "2024-6-20至6-22", "2024年6月20日晚"])
def test_dates_with_a_time_a_weekday_or_an_end_read_as_their_first_day(cell):
    """Guard (these read right before): a time, a weekday or the event's last day after the date."""
    assert parse_date(cell) == dt.date(2024, 6, 20)
