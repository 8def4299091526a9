"""The cover's dates: a 填报日期 as clerks write it, a 填报日期 its period cannot have, and a
报告期 typed as a date; on returns written cell by cell here (:mod:`handmade`), in the 2024Q3
folder.

Before, a 填报日期 written ``24/10/8``, ``20241008`` or ``二〇二四年十月八日`` was unread (a
finding, the file time deciding which correction is newest), and ``10/8/2024`` was called "not
a full date" rather than a date whose day and month cannot be told apart; a 填报日期 of 2023 on
a 2024Q3 return loaded without a word; a 报告期 typed as a date (2024-09-30, or 2024年9月 kept by
Excel as 2024-09-01) was unread and the folder decided, so a date cell of the second quarter
loaded as the third's.
"""

from __future__ import annotations

import datetime as dt

import handmade as hm
import pytest

from civstat.ingest.normalize import AmbiguousDate, parse_date


def _ingest(tmp_path, rows, folder=hm.PERIOD):
    hm.write_xlsx(tmp_path / "raw" / folder / "马店镇.xlsx", rows, hm.canonical_sheets())
    return hm.run_ingest(tmp_path)


def _with(rows, label, value):
    for r in rows:
        if r and r[0] == label:
            r[1] = value
    return rows


def _codes(con):
    return [(code, row, column) for code, _, row, column, _, _ in hm.findings(con)]


# -- 填报日期 as it is written ------------------------------------------------------------------
@pytest.mark.parametrize(("written", "read"), [
    ("24/10/8", dt.date(2024, 10, 8)),           # year first (China's order), two digits
    ("24.10.8", dt.date(2024, 10, 8)),
    ("20241008", dt.date(2024, 10, 8)),          # typed without separators
    (20241008, dt.date(2024, 10, 8)),            # ... as a number
    ("二〇二四年十月八日", dt.date(2024, 10, 8)),
    ("二零二四年十月二十八日", dt.date(2024, 10, 28)),
    ("2024年十月八日", dt.date(2024, 10, 8)),
    ("25/10/2024", dt.date(2024, 10, 25)),        # no 25th month: the one order it makes a date in
    ("10/10/2024", dt.date(2024, 10, 10)),        # either order, the same day
])
def test_a_fill_date_written_as_dates_are_written_is_read(tmp_path, written, read):
    con, result = _ingest(tmp_path, hm.cover_rows(fill_date=written))
    assert result.ok and _codes(con) == []
    assert con.execute("SELECT fill_date, submitted_at FROM raw.submissions").fetchone() == (
        read, dt.datetime.combine(read, dt.time()))


@pytest.mark.parametrize("written", ["2024年10月8日", "2024.10.08", "2024/10/8", "2024-10-08"])
def test_the_forms_read_before_read_the_same(tmp_path, written):
    """Guard: the forms read before still read, without a finding."""
    con, result = _ingest(tmp_path, hm.cover_rows(fill_date=written))
    assert result.ok and _codes(con) == []
    assert con.execute("SELECT fill_date FROM raw.submissions").fetchone() == (dt.date(2024, 10, 8),)


@pytest.mark.parametrize(("written", "dates"), [
    ("10/8/2024", ("2024-08-10", "2024-10-08")),   # the US's month/day, or day/month?
    ("24/10/08", ("2008-10-24", "2024-10-08")),    # a two-digit year first, or last?
    ("8/10/24", ("2024-08-10", "2024-10-08")),
])
def test_a_fill_date_in_an_order_that_cannot_be_told_is_never_guessed(tmp_path, written, dates):
    con, result = _ingest(tmp_path, hm.cover_rows(fill_date=written))
    assert result.ok
    assert con.execute("SELECT fill_date FROM raw.submissions").fetchone() == (None,)
    (code, sheet, row, column, zh, en), = hm.findings(con)
    assert (code, sheet, row, column) == ("cover_unreadable", "封面", 12, "填报日期")
    assert f"日、月的次序不明:{dates[0]} 还是 {dates[1]}?" in zh and "B12" in zh
    assert "unknown order" in en


@pytest.mark.parametrize("written", ["10月8日", "2024年10月", "10/8", "2024年13月8日"])
def test_a_fill_date_lacking_its_year_or_day_stays_unread(tmp_path, written):
    """Guard: what is no full date stays a finding (the year of 10月8日 is not guessed)."""
    con, result = _ingest(tmp_path, hm.cover_rows(fill_date=written))
    assert result.ok and _codes(con) == [("cover_unreadable", 12, "填报日期")]
    assert con.execute("SELECT fill_date FROM raw.submissions").fetchone() == (None,)


def test_parse_date_reads_a_date_in_the_one_order_it_makes_a_date_in():
    """The same forms in any date cell (表5's event dates too)."""
    assert parse_date("24/10/8") == parse_date("20241008.0") == dt.date(2024, 10, 8)
    assert parse_date("二〇二四年十二月三十一日") == dt.date(2024, 12, 31)
    with pytest.raises(AmbiguousDate) as exc:
        parse_date("10/8/2024")
    assert exc.value.dates == [dt.date(2024, 8, 10), dt.date(2024, 10, 8)]
    for text in ("12345678", "二〇二四年二月三十日", "1/2/3"):
        with pytest.raises(ValueError):
            parse_date(text)


# -- 填报日期 against the period ----------------------------------------------------------------
@pytest.mark.parametrize(("written", "says"), [
    ("2023年10月8日", "早于报告期 2024Q3 的最后一个月(2024-09-01 起),是否沿用了以前的封面?"),
    ("2024年6月8日", "早于报告期 2024Q3 的最后一个月"),     # before the quarter began
    ("2024年7月8日", "早于报告期 2024Q3 的最后一个月"),     # the day last quarter's return was filled
    ("2025年10月8日", "晚于报告期 2024Q3 末(2024-09-30)一年以上"),
])
def test_a_fill_date_the_period_cannot_have_is_a_finding(tmp_path, written, says):
    """A finding, not a refusal: the date changes no figure (it is kept as written), but it
    decides which of two returns of the quarter is current."""
    con, result = _ingest(tmp_path, hm.cover_rows(fill_date=written))
    assert result.ok
    stored = con.execute("SELECT fill_date, pop_total FROM raw.submissions").fetchone()
    assert stored == (parse_date(written), 32000)
    assert con.execute("SELECT sum(persons) FROM raw.dibao").fetchone() == (210 + 664,)
    (code, sheet, row, column, zh, en), = hm.findings(con)
    assert (code, sheet, row, column) == ("fill_date_implausible", "封面", 12, "填报日期")
    assert f"封面 填报日期 {parse_date(written):%Y-%m-%d}(单元格 B12)" in zh and says in zh
    assert "按填报日期判断哪份最新" in zh and "cell B12" in en


@pytest.mark.parametrize("written", ["2024年9月1日", "2024年9月25日", "2024年9月30日",
                                     "2024年10月8日", "2025年9月30日"])
def test_a_fill_date_from_the_quarters_last_month_to_a_year_after_is_no_matter(tmp_path, written):
    """Guard against false alarms: a return filled in the quarter's last days, after it, or
    corrected up to a year later."""
    con, result = _ingest(tmp_path, hm.cover_rows(fill_date=written))
    assert result.ok and _codes(con) == []


def test_the_fill_date_is_checked_against_the_period_a_title_states(tmp_path):
    """No 报告期 row; the title says 2024年第三季度 (in the Q3 folder): a 填报日期 in April is one
    the period cannot have."""
    rows = [r for r in hm.cover_rows(fill_date="2024年4月8日") if r[0] != "报告期"]
    rows[0] = ["马店镇2024年第三季度民政统计季报"]
    con, result = _ingest(tmp_path, rows)
    assert result.ok
    assert _codes(con) == [("cover_missing", None, "报告期"), ("fill_date_implausible", 11, "填报日期")]


def test_without_a_stated_period_the_fill_date_is_checked_against_the_folders(tmp_path):
    """No 报告期 and no title stating one: the folder (2024Q3) is the period, and a 填报日期 of
    2023 is a finding all the same (before, only a stated period was checked)."""
    rows = [r for r in hm.cover_rows(fill_date="2023年10月8日") if r[0] != "报告期"]
    con, result = _ingest(tmp_path, rows)
    assert result.ok
    missing, (code, sheet, row, column, zh, _) = hm.findings(con)
    assert missing[0] == "cover_missing"
    assert (code, sheet, row, column) == ("fill_date_implausible", "封面", 11, "填报日期")
    assert "封面 填报日期 2023-10-08(单元格 B11)早于报告期 2024Q3 的最后一个月" in zh


def test_a_fourth_quarters_return_filled_in_january_is_no_matter(tmp_path):
    """Guard: the quarter's end is the year's; the return is filled in the next year."""
    rows = _with(hm.cover_rows(fill_date="2025年1月10日"), "报告期", "2024年第4季度")
    sheets = hm.canonical_sheets()
    hm.write_xlsx(tmp_path / "raw" / "2024Q4" / "马店镇.xlsx", rows, sheets)
    con, result = hm.run_ingest(tmp_path)
    assert result.ok and _codes(con) == []


# -- 报告期 typed as a date ---------------------------------------------------------------------
@pytest.mark.parametrize("typed", [
    dt.date(2024, 9, 30), dt.datetime(2024, 9, 30), dt.date(2024, 9, 1),  # 2024年9月 is kept as 9-01
    45565, 45536,                                                          # their serials
])
def test_a_period_typed_as_a_date_of_the_quarters_end_agrees(tmp_path, typed):
    con, result = _ingest(tmp_path, _with(hm.cover_rows(), "报告期", typed))
    assert result.ok and _codes(con) == []
    assert con.execute("SELECT period FROM raw.submissions").fetchall() == [(hm.PERIOD,)]


@pytest.mark.parametrize(("typed", "shown"), [
    (dt.date(2024, 6, 30), "2024年6月30日"), (dt.date(2024, 6, 1), "2024年6月"),
    (45473, "2024年6月30日"),
])
def test_a_period_typed_as_a_date_of_another_quarter_is_refused(tmp_path, typed, shown):
    """Before, the folder decided: last quarter's return loaded as this quarter's."""
    con, result = _ingest(tmp_path, _with(hm.cover_rows(), "报告期", typed))
    assert not result.loaded
    (_, code, sheet, row, column, zh), = hm.quarantine_rows(con)
    assert (code, sheet, row, column) == ("period_mismatch", "封面", 4, "报告期")
    assert f"报告期 '{shown}'(单元格 B4)是 2024Q2,与文件夹 2024Q3 不一致" in zh


def test_a_period_typed_as_a_month_end_that_is_no_quarters_end_is_refused(tmp_path):
    """As ``截至2024年10月31日`` is."""
    con, _ = _ingest(tmp_path, _with(hm.cover_rows(), "报告期", dt.date(2024, 10, 31)))
    (_, code, _, row, column, zh), = hm.quarantine_rows(con)
    assert (code, row, column) == ("period_mismatch", 4, "报告期") and "截至10月,不是季度末" in zh


@pytest.mark.parametrize(("typed", "why"), [
    (dt.date(2024, 7, 1), "是第3季度的第一天:是第3季度,还是7月?"),
    (dt.date(2024, 3, 1), "是3月1日:是3月(第1季度),还是输入的“年-3”(第3季度"),
    (dt.date(2024, 8, 1), "是8月1日,不是季度末"),
    (dt.date(2024, 10, 8), "是一个日期,不是月末:是否把填报日期填在了报告期?"),
])
def test_a_period_typed_as_a_date_that_states_no_period_leaves_the_folder_to_decide(
        tmp_path, typed, why):
    """The first of a quarter's first month (the quarter, or that month: 1-7月?), of March
    (March, or ``2024-3`` typed for the third quarter and kept by Excel as 1 March?), or a day
    within a month: a finding naming why, and the folder decides (refusing would refuse a good
    return; reading it as the folder's quarter would pass a wrong one)."""
    con, result = _ingest(tmp_path, _with(hm.cover_rows(), "报告期", typed))
    assert result.ok
    assert con.execute("SELECT period FROM raw.submissions").fetchall() == [(hm.PERIOD,)]
    (code, sheet, row, column, zh, _), = hm.findings(con)
    assert (code, sheet, row, column) == ("cover_unreadable", "封面", 4, "报告期")
    assert f"封面 报告期 无法识别:'{typed:%Y-%m-%d}'({why}" in zh and "按所在文件夹确定报告期" in zh


def test_a_period_written_as_text_and_again_as_a_date_of_the_same_quarter_is_one_period(tmp_path):
    """Before, the date cell was text of its own (2024-09-30 00:00:00): two different 报告期,
    the return refused."""
    rows = [*hm.cover_rows(), ["报告期", dt.date(2024, 9, 30)]]
    con, result = _ingest(tmp_path, rows)
    assert result.ok and _codes(con) == []


# -- a count in a cell formatted as a date -------------------------------------------------------
def test_a_population_in_a_cell_formatted_as_a_date_is_read_as_its_figure(tmp_path):
    """户籍人口 32,000 typed into a cell WPS formatted as a date shows as 1987-08-11, and
    其中:城镇人口 8,000 as 1921-11-25. Before, both were unread (a cover_unreadable finding), so
    the coverage rates had no denominator. A cover's population is never a date: the figure the
    cell stores is read, with a finding naming the cell. A time of day stays unread."""
    import openpyxl

    path = hm.write_xlsx(tmp_path / "raw" / hm.PERIOD / "马店镇.xlsx", hm.cover_rows(),
                         hm.canonical_sheets())
    wb = openpyxl.load_workbook(path)
    ws = wb["封面"]
    for row in ws.iter_rows():
        if row[0].value in ("户籍人口(人)", "其中:城镇人口(人)"):
            row[1].number_format = "yyyy-mm-dd"
        if row[0].value == "60岁及以上人口(人)":
            row[1].value, row[1].number_format = 6100.5, "yyyy-mm-dd hh:mm"
    wb.save(path)
    con, result = hm.run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT pop_total, pop_urban, pop_rural, pop_60plus "
                       "FROM raw.submissions").fetchone() == (32000, 8000, 24000, None)
    found = {(code, row): zh for code, _, row, _, zh, _ in hm.findings(con)}
    assert found[("figure_as_date", 5)].startswith(
        "户籍人口 单元格设置成了日期格式(读出为日期 1987-08-11),按其中存的数 32,000 读取")
    assert "(读出为日期 1921-11-25),按其中存的数 8,000 读取" in found[("figure_as_date", 6)]
    assert "无法识别:'1916-09-12 12:00:00'" in found[("cover_unreadable", 8)]
    assert len(found) == 3


def test_a_population_formatted_as_a_date_in_a_1904_workbook_is_counted_from_1904(tmp_path):
    """Old Excel for Mac counts dates from 1904-01-01: the same 32,000 shows as 1991-08-12, which
    counted from 1899-12-30 would be 33,462."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = hm.write_xlsx(tmp_path / "raw" / hm.PERIOD / "马店镇.xlsx", hm.cover_rows(),
                         hm.canonical_sheets())
    wb = openpyxl.load_workbook(path)
    wb.epoch = CALENDAR_MAC_1904
    for row in wb["封面"].iter_rows():
        if row[0].value == "户籍人口(人)":
            row[1].number_format = "yyyy-mm-dd"
    wb.save(path)
    con, result = hm.run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT pop_total FROM raw.submissions").fetchone() == (32000,)
    (zh,) = [zh for code, _, row, _, zh, _ in hm.findings(con) if code == "figure_as_date"]
    assert "(读出为日期 1991-08-12),按其中存的数 32,000 读取" in zh
