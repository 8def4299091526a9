"""Merged cells over a table's figures, on workbooks written cell by cell with openpyxl (merges as
a clerk makes them in Excel or WPS), never by civstat's template.

A merged range keeps its value in its first cell and calamine reads the others as empty — before,
a 保障标准 merged over 城市低保 and 农村低保 loaded the rural standard as nothing, silently. Now a
value rows can share (a standard, a date, a name) is read in each row with a finding; a figure
that is added up is refused, since whether it is each row's or their total cannot be told."""

from __future__ import annotations

import datetime as dt

import pytest
from handmade import (
    DIBAO,
    TEKUN,
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)

DIBAO_SHEET, TEKUN_SHEET, DISASTER_SHEET = "表1 最低生活保障", "表2 特困人员救助供养", "表5 自然灾害"


def _run(tmp_path, sheets, merges, fmt: str = "xlsx"):
    """马店镇's return with ``sheets`` and ``merges``, as an .xlsx (openpyxl) or .xls (xlwt)."""
    if fmt == "xls":
        write_xls(raw_folder(tmp_path) / "马店镇.xls", {"封面": cover_rows(), **sheets}, merges)
    else:
        write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets, merges=merges)
    return run_ingest(tmp_path)


def test_a_standard_merged_over_both_rows_is_each_rows_standard(tmp_path):
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][2][8] = None  # 农村低保's 保障标准 under the merged I2:I3
    con, result = _run(tmp_path, sheets, {DIBAO_SHEET: ["I2:I3"]})
    assert result.ok
    assert con.execute("SELECT category, standard, standard_period FROM raw.dibao ORDER BY 1"
                       ).fetchall() == [("rural", 800.0, "month"), ("urban", 800.0, "month")]
    [(code, sheet, row, column, zh, en)] = findings(con, DIBAO_SHEET)
    assert (code, sheet, row, column) == ("merged_cell", DIBAO_SHEET, 3, "保障标准(元/人·月)")
    assert "合并单元格 I2:I3" in zh and "800" in zh and "I2:I3" in en


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_count_merged_over_two_rows_is_refused(tmp_path, fmt):
    """664 merged over 城市低保 and 农村低保's 期末保障人数: each row's, or both together? The
    same in an .xls written by xlwt."""
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][1][2], sheets[DIBAO_SHEET][2][2] = DIBAO["rural"][1], None
    con, result = _run(tmp_path, sheets, {DIBAO_SHEET: ["C2:C3"]}, fmt)
    assert not result.loaded
    [row] = quarantine_rows(con)
    assert row[1:5] == ("merged_cells", DIBAO_SHEET, 3, "期末保障人数")
    assert "C2:C3 是合并单元格,其中的数 664" in row[5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone() == (0,)


def test_two_standards_merged_across_are_both_that_standard(tmp_path):
    """集中供养标准 | 分散供养标准 merged across G2:H2 (one standard for both): read in both."""
    sheets = canonical_sheets()
    sheets[TEKUN_SHEET][1][7] = None
    con, result = _run(tmp_path, sheets, {TEKUN_SHEET: ["G2:H2"]})
    assert result.ok
    assert con.execute("SELECT category, std_centralized, std_dispersed FROM raw.tekun ORDER BY 1"
                       ).fetchall() == [("rural", *TEKUN["rural"][5:]),
                                        ("urban", TEKUN["urban"][5], TEKUN["urban"][5])]
    assert [f[2:4] for f in findings(con, TEKUN_SHEET)] == [(2, "分散供养标准(元/人·年)")]


def test_merges_that_cover_no_figure_change_nothing(tmp_path):
    """A title merged across the table, a header merged down over two header rows, a date and a
    kind merged over two events of one storm: the events each get them; the title and header
    are no figures."""
    sheets = canonical_sheets()
    disaster = sheets[DISASTER_SHEET]
    second = [None, None, 200, 0, 100, 10, 1, 2, 3, 4, 2.5, 10_000]
    sheets[DISASTER_SHEET] = [["马店镇自然灾害情况"], disaster[0], [None] * 12, disaster[1], second]
    con, result = _run(tmp_path, sheets, {DISASTER_SHEET: ["A1:L1", "C2:C3", "A4:A5", "B4:B5"]})
    assert result.ok, quarantine_rows(con)
    assert con.execute("SELECT event_date, hazard_type, affected_persons FROM raw.disaster_events "
                       "ORDER BY affected_persons").fetchall() == [
        (dt.date(2024, 6, 20), "暴雨洪涝", 200), (dt.date(2024, 6, 20), "暴雨洪涝", 800)]
    assert [(f[0], f[2], f[3]) for f in findings(con, DISASTER_SHEET)] == [
        ("merged_cell", 5, "灾害发生日期"), ("merged_cell", 5, "灾害种类")]


YOUFU_SHEET = "表7 优抚安置"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_group_is_over_the_columns_its_merge_covers_and_no_further(tmp_path, fmt):
    """表7 adds last year's 重点优抚对象人数 and 本年接收退役士兵 under 上年同期, merged over those two
    columns (J1:K1), and then 其中:待安置(人), headed in the lower row alone, its upper cell left
    blank. Before, 上年同期 was carried over the blank cell too: the return was refused
    (重点优抚对象人数 twice, a good return) — or 待安置 would have been left out as last year's.
    Now the group reaches as far as its merge: this year's figures load, 待安置 = 1, and last
    year's 60 and 4 are not read."""
    sheets = canonical_sheets()
    head, values = sheets[YOUFU_SHEET]
    sheets[YOUFU_SHEET] = [[None] * 9 + ["上年同期", None, None],
                           [*head, "重点优抚对象人数", "本年接收退役士兵(人)", "其中:待安置(人)"],
                           [*values, 60, 4, 1]]
    con, result = _run(tmp_path, sheets, {YOUFU_SHEET: ["J1:K1"]}, fmt)
    assert result.ok, quarantine_rows(con)
    assert con.execute("SELECT entitled_persons, veterans_received_ytd, veterans_pending "
                       "FROM raw.youfu").fetchall() == [(67, 5, 1)]
