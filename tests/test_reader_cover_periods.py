"""The cover's 报告期 in the forms clerks write it, its title, its 填报单位 with an office's words,
and a county's code, on returns written cell by cell here (:mod:`handmade`), all in the 2024Q3
folder.

Before, a 报告期 the reader could not parse (``2024年1—6月``, ``二〇二四年第二季度``, ``2024年4-6月``)
was a finding and the folder decided: last quarter's return dropped into this quarter's folder
loaded silently as this quarter's; a 填报单位 with its office's name and no code
(``马店镇民政办公室``) was refused as an unknown township; the county's own code was called
another county's.
"""

from __future__ import annotations

import handmade as hm
import pytest


def _ingest(tmp_path, rows):
    hm.write_xlsx(hm.raw_folder(tmp_path) / "马店镇.xlsx", rows, hm.canonical_sheets())
    return hm.run_ingest(tmp_path)


def _with_period(text, rows=None):
    rows = rows if rows is not None else hm.cover_rows()
    for r in rows:
        if r and r[0] == "报告期":
            r[1] = text
    return rows


def _refused(con, result, where):
    """The one refusal's message, after checking it is refused with ``where``: (reason code,
    sheet, row, column; a row of None is not checked)."""
    assert not result.loaded
    (_, code, sheet, row, column, zh), = hm.quarantine_rows(con)
    assert (code, sheet, row if where[2] is not None else None, column) == where
    return zh


# -- 报告期 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "2024年1—6月", "二〇二四年第二季度", "24年二季度", "2024年4-6月", "2024年6月",
    "2024年1月1日至2024年6月30日", "2024.1-2024.6", "2024年一至二季度",
])
def test_a_cover_stating_the_second_quarter_in_the_third_quarters_folder_is_refused(tmp_path, text):
    con, result = _ingest(tmp_path, _with_period(text))
    zh = _refused(con, result, ("period_mismatch", "封面", 4, "报告期"))
    assert text in zh and "2024Q2" in zh and "单元格 B4" in zh and "与文件夹 2024Q3 不一致" in zh


@pytest.mark.parametrize("text", [
    "2024年1—9月", "二〇二四年第三季度", "24年三季度", "2024年9月", "截至2024年9月底",
    "2024年1月1日至2024年9月30日", "2024.1-2024.9", "2024.01.01-2024.09.30", "2024年一至三季度",
])
def test_the_same_forms_stating_the_third_quarter_load_without_a_finding(tmp_path, text):
    con, result = _ingest(tmp_path, _with_period(text))
    assert result.ok and not hm.findings(con)
    assert con.execute("SELECT period FROM raw.submissions").fetchall() == [(hm.PERIOD,)]


@pytest.mark.parametrize(("text", "months"), [
    ("2024年7-9月", "7-9月"), ("2024年7月-9月", "7-9月"), ("2024年第二、三季度", "4-9月"),
])
def test_a_cover_stating_a_quarters_months_alone_is_not_cumulative(tmp_path, text, months):
    """The figures are the year's so far (1月至本期): a cover saying 7-9月 says they are not."""
    con, result = _ingest(tmp_path, _with_period(text))
    zh = _refused(con, result, ("not_cumulative", "封面", 4, "报告期"))
    assert f"是{months}的数" in zh and "1月至本期的累计数" in zh and "1-9月" in zh


@pytest.mark.parametrize("text", ["2024年1-10月", "2024年1月1日至2024年9月25日"])
def test_a_cover_running_to_no_quarters_end_is_refused(tmp_path, text):
    con, result = _ingest(tmp_path, _with_period(text))
    zh = _refused(con, result, ("period_mismatch", "封面", 4, "报告期"))
    assert "不是季度末" in zh and text in zh


def test_an_unreadable_period_stays_a_finding_and_the_folder_decides(tmp_path):
    """Guard: a 报告期 that states no period (and no title stating one) is today's finding."""
    con, result = _ingest(tmp_path, _with_period("2024年第3期"))
    assert result.ok
    assert con.execute("SELECT period FROM raw.submissions").fetchall() == [(hm.PERIOD,)]
    assert [(c, r, col) for c, _, r, col, _, _ in hm.findings(con)] == [("cover_unreadable", 4, "报告期")]


# -- the cover's title -----------------------------------------------------------------------
def _titled(title, rows):
    rows[0] = [title]
    return rows


def _without_period():
    return [r for r in hm.cover_rows() if r[0] != "报告期"]


def test_a_title_stating_another_quarter_with_no_period_row_is_refused(tmp_path):
    con, result = _ingest(tmp_path, _titled("马店镇2024年第二季度民政统计季报", _without_period()))
    zh = _refused(con, result, ("period_mismatch", "封面", 1, "标题"))
    assert "单元格 A1" in zh and "2024Q2" in zh and "与文件夹 2024Q3 不一致" in zh


def test_a_title_stating_the_quarter_gives_the_period_when_no_row_does(tmp_path):
    con, result = _ingest(tmp_path, _titled("马店镇2024年第三季度民政统计季报", _without_period()))
    assert result.ok
    assert con.execute("SELECT period FROM raw.submissions").fetchall() == [(hm.PERIOD,)]
    (code, sheet, _, column, zh, en), = hm.findings(con)
    assert (code, sheet, column) == ("cover_missing", "封面", "报告期")
    assert "按封面标题" in zh and "A1" in zh and "title" in en


def test_a_title_decides_when_the_period_row_is_unreadable(tmp_path):
    rows = _titled("马店镇2024年第二季度民政统计季报", _with_period("2024年第3期"))
    con, result = _ingest(tmp_path, rows)
    _refused(con, result, ("period_mismatch", "封面", 1, "标题"))


def test_a_title_and_a_period_row_stating_two_quarters_are_refused(tmp_path):
    con, result = _ingest(tmp_path, _titled("马店镇2024年第二季度民政统计季报", hm.cover_rows()))
    zh = _refused(con, result, ("period_mismatch", "封面", 1, "标题"))
    assert "单元格 A1、B4" in zh and "第二季度" in zh and "2024年第3季度" in zh


@pytest.mark.parametrize("title", ["马店镇2024年第三季度民政统计季报", "2024年度民政统计表",
                                   "乡镇民政统计季报 封面", "马店镇2024年1-9月民政工作统计"])
def test_a_title_agreeing_or_stating_no_quarter_is_no_matter(tmp_path, title):
    """Guard against false alarms: a title of the same quarter, or of the year (2024年度 names
    the year the form is of), with the 报告期 row stating 2024年第3季度."""
    con, result = _ingest(tmp_path, _titled(title, hm.cover_rows()))
    assert result.ok and not hm.findings(con)


# -- 填报单位 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("unit", ["马店镇民政办公室", "马店镇民政办", "马店镇人民政府", "马店镇(盖章)",
                                  "清河县马店镇", "马店镇民政办公室（盖章）", "清河县马店镇人民政府",
                                  "马店镇党政办", "马店镇党政综合办公室", "马店镇民政助理员"])
def test_a_unit_named_with_its_office_or_county_is_the_township(tmp_path, unit):
    con, result = _ingest(tmp_path, hm.cover_rows(unit=unit, code=None))
    assert result.ok
    assert con.execute("SELECT division_code, unit_name FROM raw.submissions").fetchall() == [
        (hm.MADIAN, unit)]


def test_a_unit_named_with_its_office_and_another_townships_code_is_refused(tmp_path):
    """Before, the office's name matched no township, so the code alone decided: 马店镇's
    return loaded as 白庙乡's."""
    con, result = _ingest(tmp_path, hm.cover_rows(unit="马店镇民政办", code=hm.BAIMIAO))
    zh = _refused(con, result, ("identity_conflict", "封面", 2, "填报单位"))
    assert "白庙乡" in zh and "马店镇民政办" in zh


def test_an_office_word_is_no_township_of_its_own(tmp_path):
    """Guard: a name that is only an office's words names no township."""
    con, result = _ingest(tmp_path, hm.cover_rows(unit="民政办公室", code=None))
    _refused(con, result, ("unknown_township", "封面", 2, "填报单位"))


# -- 统计用区划代码 of the county ---------------------------------------------------------------
def test_the_countys_own_code_is_a_finding_and_the_name_decides(tmp_path):
    con, result = _ingest(tmp_path, hm.cover_rows(code=hm.COUNTY))
    assert result.ok
    assert con.execute("SELECT division_code, division_code_reported FROM raw.submissions"
                       ).fetchall() == [(hm.MADIAN, hm.COUNTY)]
    (code, sheet, row, column, zh, en), = hm.findings(con)
    assert (code, sheet, row, column) == ("cover_code_not_township", "封面", 3, "统计用区划代码")
    assert "清河县的代码,不是乡镇的代码" in zh and "外县" not in zh and "not a township's" in en


def test_the_countys_own_code_with_an_unknown_name_is_refused_naming_the_county(tmp_path):
    con, result = _ingest(tmp_path, hm.cover_rows(unit="东风镇", code=hm.COUNTY))
    zh = _refused(con, result, ("unknown_township", "封面", 3, "统计用区划代码"))
    assert "清河县的代码" in zh and "外县" not in zh
