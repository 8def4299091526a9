"""Last year's figures kept in the same table under a sub-title row (本期 | 城市低保 | 农村低保 |
上年同期 | 城市低保 | 农村低保), on returns written cell by cell here with openpyxl.

The rows under a sub-title of another period (上年同期, 去年同期, 2023年同期, 上年同期数) are not
read, up to a sub-title of the return's own (本期, 本年) or the table's end, with one
``other_period_rows`` finding; 本期 alone is no row. Refused (``period_subtitle``): a table whose
only rows are last year's, and a 上年同期 row holding figures over the table's rows. A 本季度
sub-title makes the rows under it the quarter's alone (as a row labelled 本季度:
``not_cumulative`` alone, a ``part_period_row`` finding beside the year's so far).
Figures are checked against values worked out by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from handmade import (
    DIBAO,
    TEKUN,
    TEMP,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

T1, T2, T3, T5, T6 = "表1 最低生活保障", "表2 特困人员救助供养", "表3 临时救助", "表5 自然灾害", "表6 养老服务机构"
H1, H2 = canonical_sheets()[T1][0], canonical_sheets()[T2][0]
H3 = ["项目", *canonical_sheets()[T3][0]]
URBAN, RURAL = ["城市低保", *DIBAO["urban"]], ["农村低保", *DIBAO["rural"]]
LAST_URBAN = ["城市低保", 100, 200, 1, 2, 3, 4, 300_000, 700]
LAST_RURAL = ["农村低保", 500, 600, 5, 6, 7, 8, 1_500_000, 500]
LAST_TEMP = [30, 70, 20_000, 5_000]
QUARTER = ["临时救助", 10, 25, 9_000, 2_000]
READ_DIBAO = [("urban", 120, 210, 380_000.0), ("rural", 529, 664, 1_775_475.0)]


def _ingest(tmp_path, **tables):
    """马店's return with the given sheets' rows (``T1=[...rows]``, header included)."""
    sheets = canonical_sheets()
    for key, rows in tables.items():
        sheets[{"T1": T1, "T2": T2, "T3": T3, "T5": T5, "T6": T6}[key]] = rows
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    return run_ingest(tmp_path)


def _dibao(con) -> list[tuple]:
    return con.execute("SELECT category, households, persons, funds_ytd FROM raw.dibao "
                       "ORDER BY source_row").fetchall()


def _findings(con, code: str) -> list[tuple]:
    return con.execute('SELECT sheet, "row", "column", message_zh FROM raw.findings '
                       "WHERE code = ? ORDER BY sheet, \"row\"", [code]).fetchall()


@pytest.mark.parametrize(("rows", "read", "title_row", "title"), [
    ([["本期"], URBAN, RURAL, ["上年同期"], LAST_URBAN, LAST_RURAL], [3, 4], 5, "上年同期"),
    ([URBAN, RURAL, ["上年同期"], LAST_URBAN, LAST_RURAL], [2, 3], 4, "上年同期"),
    ([["本年"], URBAN, RURAL, ["去年同期"], LAST_URBAN, LAST_RURAL], [3, 4], 5, "去年同期"),
    ([URBAN, RURAL, ["2023年同期"], LAST_URBAN, LAST_RURAL], [2, 3], 4, "2023年同期"),
    ([URBAN, RURAL, ["上年同期数"], LAST_URBAN, LAST_RURAL], [2, 3], 4, "上年同期数"),
    ([["上年同期"], LAST_URBAN, LAST_RURAL, ["本期"], URBAN, RURAL], [6, 7], 2, "上年同期"),
])
def test_last_years_rows_under_a_subtitle_are_not_read(tmp_path, rows, read, title_row, title):
    """表1 with last year's 城市低保 | 农村低保 under a sub-title: this period's rows load, last
    year's are one finding naming the sub-title (before: refused duplicate_category, or
    unknown_category '本期' / '2023年同期'; with 上年同期 first, its rows were read)."""
    con, result = _ingest(tmp_path, T1=[H1, *rows])
    assert not result.quarantined, quarantine_rows(con)
    assert _dibao(con) == READ_DIBAO
    assert [r for (r,) in con.execute("SELECT source_row FROM raw.dibao ORDER BY 1").fetchall()] == read
    assert _findings(con, "other_period_rows") == [
        (T1, title_row, "类别", f"第{title_row}行{title}以下2行是{title}的数,不是本期的,未读取")]


def test_last_years_rows_and_total_of_table_2_are_not_read(tmp_path):
    """表2 with 本期 | 城市特困 | 农村特困 | 合计 | 上年同期 | the same three: the first three load,
    and the 合计 is this period's (before: refused duplicate_category)."""
    urban, rural = ["城市特困", *TEKUN["urban"]], ["农村特困", *TEKUN["rural"]]
    total = ["合计", 51, 32, 19, 9, 151_440, None, None]
    con, result = _ingest(tmp_path, T2=[H2, ["本期"], urban, rural, total, ["上年同期"],
                                        ["城市特困", 5, 2, 3, 1, 80_000, 14_000, 9_000],
                                        ["农村特困", 40, 28, 12, 6, 60_000, 9_600, 6_000],
                                        ["合计", 45, 30, 15, 7, 140_000, None, None]])
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, category, persons, funds_ytd FROM raw.tekun "
                       "ORDER BY source_row").fetchall() == [
        (3, "urban", 6, 90_000.0), (4, "rural", 45, 61_440.0), (5, "total", 51, 151_440.0)]
    assert _findings(con, "other_period_rows") == [
        (T2, 6, "类别", "第6行上年同期以下3行是上年同期的数,不是本期的,未读取")]


@pytest.mark.parametrize(("rows", "source_row", "column"), [
    ([H3, ["本期"], ["临时救助", *TEMP], ["上年同期"], ["临时救助", *LAST_TEMP]], 3, "项目"),
    ([H3[1:], TEMP, ["上年同期"], LAST_TEMP], 2, None),
])
def test_last_years_row_of_a_one_row_table_under_a_subtitle(tmp_path, rows, source_row, column):
    """表3 with last year's row under 上年同期 (with a 项目 column, or none): this period's row
    loads (before: refused several_rows, two rows of data)."""
    con, result = _ingest(tmp_path, T3=rows)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, household_times_ytd, person_times_ytd, funds_ytd, "
                       "in_kind_ytd FROM raw.temp_assist").fetchall() == [
        (source_row, 41, 96, 36_800.0, 8_325.0)]
    title = source_row + 1
    assert _findings(con, "other_period_rows") == [
        (T3, title, column, f"第{title}行上年同期以下1行是上年同期的数,不是本期的,未读取")]


@pytest.mark.parametrize(("key", "rows", "column"), [
    ("T1", [H1, ["上年同期"], LAST_URBAN, LAST_RURAL], "类别"),
    ("T3", [H3, ["上年同期"], ["临时救助", *LAST_TEMP]], "项目"),
])
def test_a_table_of_last_years_rows_alone_is_refused(tmp_path, key, rows, column):
    """Only last year's rows, under 上年同期 right under the header: refused naming the sub-title
    (before: the header took 上年同期 in, and last year's 100 户 / 30 户次 loaded as this
    period's)."""
    con, _ = _ingest(tmp_path, **{key: rows})
    refused = quarantine_rows(con)
    sheet = {"T1": T1, "T3": T3}[key]
    assert [r[1:5] for r in refused] == [("period_subtitle", sheet, 2, column)]
    assert "第2行上年同期以下是上年同期的数,表中没有本期的数:请填报本期数" in refused[0][5]


def test_last_years_figures_on_a_row_over_the_table_are_refused(tmp_path):
    """上年同期 | 100 | 200 … over 城市低保 | 农村低保, no 本期 between: are the rows under it last
    year's or this period's? Refused naming the row (before: they loaded as this period's)."""
    con, _ = _ingest(tmp_path, T1=[H1, ["上年同期", *LAST_URBAN[1:]], LAST_URBAN, LAST_RURAL])
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("period_subtitle", T1, 2, "类别")]
    assert "第2行上年同期填有数字,又在表中各行之上:其下各行是上年同期的还是本期的无法判断" in refused[0][5]


def test_a_comparison_row_under_each_category_is_still_dropped(tmp_path):
    """城市低保 | 上年同期 | 农村低保 | 上年同期 (each row's comparison under it): the categories
    load, the 上年同期 rows are dropped as before, no sub-title and no finding."""
    last = ["上年同期", *LAST_URBAN[1:]]
    con, result = _ingest(tmp_path, T1=[H1, URBAN, last, RURAL, last])
    assert not result.quarantined, quarantine_rows(con)
    assert _dibao(con) == READ_DIBAO
    assert _findings(con, "other_period_rows") == []


@pytest.mark.parametrize(("rows", "read"), [
    ([["本季度"], QUARTER, ["1-9月累计"], ["临时救助", *TEMP]], 5),
    ([["1-9月"], ["临时救助", *TEMP], ["本季度"], QUARTER], 3),
])
def test_a_quarters_subtitle_makes_its_rows_the_quarters(tmp_path, rows, read):
    """表3 with the quarter's row under a 本季度 sub-title and the year's so far under 1-9月累计
    (or 1-9月): the year's row loads, the quarter's is a part_period_row finding (before:
    refused several_rows)."""
    con, result = _ingest(tmp_path, T3=[H3, *rows])
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, household_times_ytd FROM raw.temp_assist").fetchall() \
        == [(read, 41)]
    quarter = rows.index(QUARTER) + 2
    assert _findings(con, "part_period_row") == [
        (T3, quarter, "项目", f"第{quarter}行是本季度的数,不是累计数,未读取")]


@pytest.mark.parametrize(("key", "rows", "row", "message"), [
    ("T3", [H3, ["本季度"], QUARTER], 3, "第3行是本季度的数:本表应填1月至本期的累计数"),
    ("T1", [H1, ["本季度"], URBAN, RURAL], 2, "第2行本季度以下各行是本季度的数:本表有应填1月至本期累计数的列"),
])
def test_a_quarters_subtitle_alone_is_refused(tmp_path, key, rows, row, message):
    """本季度 over the only rows: the quarter's figures, which read as the year's so far would
    fall short: refused (before: the header took 本季度 in, and 10 户次 loaded as the year's)."""
    con, _ = _ingest(tmp_path, **{key: rows})
    refused = quarantine_rows(con)
    sheet = {"T1": T1, "T3": T3}[key]
    assert [r[1:5] for r in refused] == [("not_cumulative", sheet, row, {"T1": "类别", "T3": "项目"}[key])]
    assert message in refused[0][5]


def test_last_years_events_under_a_subtitle_are_not_read(tmp_path):
    """表5 with last year's flood under 上年同期: this year's event loads alone (before: refused,
    the 2023 date not in the year)."""
    head, event = canonical_sheets()[T5]
    last = [dt.date(2023, 7, 1), "干旱", 100, 0, 50, 0, 0, 0, 0, 0, 1.0, 0]
    con, result = _ingest(tmp_path, T5=[head, event, ["上年同期"], last])
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, event_date, affected_persons FROM raw.disaster_events"
                       ).fetchall() == [(2, dt.date(2024, 6, 20), 800)]
    assert _findings(con, "other_period_rows") == [
        (T5, 3, None, "第3行上年同期以下1行是上年同期的数,不是本期的,未读取")]
