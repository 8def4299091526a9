"""Last year's rows kept in the same table under a sub-title that is a year alone (2024年 |
城市低保 | 农村低保 | 2023年 | 城市低保 | 农村低保), on returns written cell by cell with openpyxl.

The rows under the return's own year (2024年, 2024, 2024年度, 2024年1-9月, 2024年第三季度) are
read; those under another year or period (2023年, 2024年1-6月 in a third quarter's return) are
not, with one ``other_period_rows`` finding; a table of another year's rows alone is refused
``period_subtitle``. A category or a title naming a year is no sub-title. Figures are checked
against values worked out by hand.
"""

from __future__ import annotations

import pytest
from handmade import (
    TEMP,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)
from test_reader_period_subtitles import (
    H1,
    H3,
    LAST_RURAL,
    LAST_TEMP,
    LAST_URBAN,
    READ_DIBAO,
    RURAL,
    T1,
    T3,
    URBAN,
    _dibao,
    _findings,
    _ingest,
)


def _rows(con) -> list[int]:
    return [r for (r,) in con.execute("SELECT source_row FROM raw.dibao ORDER BY 1").fetchall()]


@pytest.mark.parametrize(("this", "last"), [
    ("2024年", "2023年"),
    (2024, 2023),  # number cells in the 类别 column
    ("2024年度", "2023年度"),
    ("2024年1-9月", "2023年1-9月"),
    ("2024年第三季度", "2023年第三季度"),
    ("二〇二四年", "二〇二三年"),
    ("2024年1-9月", "2024年1-6月"),  # the year's first half: another period
])
def test_last_years_rows_under_a_year_are_not_read(tmp_path, this, last):
    """表1 of a 2024Q3 return: 2024年 | 城市低保 | 农村低保 | 2023年 | the same two with last year's
    figures (100 户, 500 户): this year's load (120 and 529 户), last year's are one finding
    naming the sub-title (before: refused unknown_category '2024年')."""
    con, result = _ingest(tmp_path, T1=[H1, [this], URBAN, RURAL, [last], LAST_URBAN, LAST_RURAL])
    assert not result.quarantined, quarantine_rows(con)
    assert _dibao(con) == READ_DIBAO
    assert _rows(con) == [3, 4]
    assert _findings(con, "other_period_rows") == [
        (T1, 5, "类别", f"第5行{last}以下2行是{last}的数,不是本期的,未读取")]


def test_last_years_rows_first_then_this_years(tmp_path):
    """2023年 | last year's two | 2024年 | this year's two: rows 6 and 7 load."""
    con, result = _ingest(tmp_path, T1=[H1, ["2023年"], LAST_URBAN, LAST_RURAL, ["2024年"], URBAN,
                                        RURAL])
    assert not result.quarantined, quarantine_rows(con)
    assert _dibao(con) == READ_DIBAO
    assert _rows(con) == [6, 7]
    assert _findings(con, "other_period_rows") == [
        (T1, 2, "类别", "第2行2023年以下2行是2023年的数,不是本期的,未读取")]


def test_last_years_rows_under_a_year_after_the_rows(tmp_path):
    """城市低保 | 农村低保 | 2023年 | last year's two (no sub-title over this year's): 2 rows."""
    con, result = _ingest(tmp_path, T1=[H1, URBAN, RURAL, ["2023年"], LAST_URBAN, LAST_RURAL])
    assert not result.quarantined, quarantine_rows(con)
    assert _dibao(con) == READ_DIBAO
    assert _findings(con, "other_period_rows") == [
        (T1, 4, "类别", "第4行2023年以下2行是2023年的数,不是本期的,未读取")]


def test_the_period_is_the_folders_when_the_cover_states_none(tmp_path):
    """A cover with no 报告期: the folder's 2024Q3 tells 2024年 from 2023年."""
    cover = [row for row in cover_rows() if row[0] != "报告期"]
    sheets = {T1: [H1, ["2023年"], LAST_URBAN, LAST_RURAL, ["2024年"], URBAN, RURAL]}
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover, canonical_sheets() | sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert _dibao(con) == READ_DIBAO
    assert _rows(con) == [6, 7]


@pytest.mark.parametrize(("key", "rows", "column"), [
    ("T1", [H1, ["2023年"], LAST_URBAN, LAST_RURAL], "类别"),
    ("T3", [H3, ["2023年"], ["临时救助", *LAST_TEMP]], "项目"),
])
def test_a_table_of_another_years_rows_alone_is_refused(tmp_path, key, rows, column):
    """Only last year's rows, under 2023年: refused naming the sub-title (before: refused
    unknown_category '2023年', or several_rows on 表3)."""
    con, _ = _ingest(tmp_path, **{key: rows})
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("period_subtitle", {"T1": T1, "T3": T3}[key], 2, column)]
    assert "第2行2023年以下是2023年的数,表中没有本期的数:请填报本期数" in refused[0][5]


def test_last_years_row_of_a_one_row_table_under_a_year(tmp_path):
    """表3: 2024年 | 临时救助 41 户次 | 2023年 | 临时救助 30 户次: 41 户次 loads (before: refused
    several_rows, two rows of data)."""
    con, result = _ingest(tmp_path, T3=[H3, ["2024年"], ["临时救助", *TEMP], ["2023年"],
                                        ["临时救助", *LAST_TEMP]])
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, household_times_ytd, person_times_ytd, funds_ytd, "
                       "in_kind_ytd FROM raw.temp_assist").fetchall() == [(3, 41, 96, 36_800.0, 8_325.0)]
    assert _findings(con, "other_period_rows") == [
        (T3, 4, "项目", "第4行2023年以下1行是2023年的数,不是本期的,未读取")]


def test_the_quarters_months_alone_under_a_year_are_refused(tmp_path):
    """2024年7-9月 over 表1's rows: the quarter's figures alone, read as the year's so far the
    funds would fall short: refused not_cumulative, as under 本季度."""
    con, _ = _ingest(tmp_path, T1=[H1, ["2024年7-9月"], URBAN, RURAL])
    assert [r[1:5] for r in quarantine_rows(con)] == [("not_cumulative", T1, 2, "类别")]


@pytest.mark.parametrize("text", ["2024年城市低保", "2024年第三季度最低生活保障情况", "2024年9月"])
def test_a_label_or_title_naming_a_year_is_no_subtitle(tmp_path, text):
    """A row naming a year with more than a period (a category, a title), or a month alone (the
    month's, or the year's to it?): no sub-title; its label is refused as before."""
    con, _ = _ingest(tmp_path, T1=[H1, [text], URBAN, RURAL])
    assert [r[1:5] for r in quarantine_rows(con)] == [("unknown_category", T1, 2, "类别")]
