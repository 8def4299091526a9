"""The period a cover states: its 报告期, or, without a readable one, a title over its labels
(马店镇2024年第二季度民政统计季报); its 填报日期 against that period; and how a cover's cells
are named in messages.

A 报告期 typed as a date (a date cell, or its Excel serial ``45565``) states
a period when it can mean one thing: a month's last day (2024-09-30) the year to that day, as
``截至2024年9月30日``; the first of June, September or December (2024-09-01: Excel keeps the
month a cell formatted ``2024年9月`` shows as its first day) that month, as ``2024年9月``. Another
quarter's is then ``period_mismatch`` like the text. Any other date states none, with a finding
(the folder decides): the first of a quarter's first month (2024-07-01: the third quarter, or
July, 1-7月?), of March (2024年3月, or ``2024-3`` typed for the third quarter, which Excel keeps
as 3月1日?) or of another month, or a day within a month (2024-10-08: a 填报日期 typed in the
wrong cell?).

A 填报日期 is expected from the first day of the period's last month (a return may be filled in
the quarter's last days) to a year after the period's end (a correction sent with the next
year's review). One outside is a finding, ``fill_date_implausible``: the date changes no
figure, but it decides which of two returns of a quarter is current. Before the last month is
what a cover copied from an earlier return carries, its date left unchanged: the last
quarter's return is filled in the first days of this one (2024-07-08 on a 2024Q3 return), so
the window does not open at the quarter's start. When the cover states no period (the folder
decides) the date is not checked: the cover alone does not know the folder.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, NamedTuple

from civstat.ingest.normalize import PeriodRead, is_blank, month_end, parse_date, read_period
from civstat.ingest.refusal import Finding, Refusal

if TYPE_CHECKING:
    from civstat.ingest.cover import _Found

__all__ = ["StatedPeriod", "cell_address", "dated_period", "fill_date_finding", "period_finding",
           "quoted"]


def cell_address(row: int, col: int) -> str:
    """0-based (row, column) → Excel address (``B12``)."""
    letters, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def quoted(raw: object) -> str:
    """A cover value for a message: repr, at most 40 characters."""
    text = repr(str(raw).strip())
    return text if len(text) <= 40 else text[:37] + "..."


class StatedPeriod(NamedTuple):
    """The period a cover states (``cover["period"]``), and where: its 报告期, or, without a
    readable one, a title over the cover's labels (马店镇2024年第二季度民政统计季报)."""

    read: PeriodRead
    text: str
    row: int     # 1-based
    cell: str    # B4
    column: str  # 报告期, or 标题


def _title(grid: list[list], first_label: int) -> tuple[PeriodRead, str, int, int] | None:
    """The first text cell above the cover's labels (``first_label``: the row of the first)
    that states a period (a title)."""
    for r in range(first_label):
        for c, cell in enumerate(grid[r]):
            if isinstance(cell, str) and not is_blank(cell) and (read := read_period(cell, whole_year=False)):
                return read, cell, r, c
    return None


def period_finding(sheet: str, grid: list[list], cover: dict, item: _Found | None,
                   first_label: int) -> list[Finding]:
    """The period the cover states (``cover["period"]``: its 报告期, else its title's), and a
    finding when the 报告期 is missing or unreadable. A title and a 报告期 stating two periods
    refuse the return (``period_mismatch``): which one the figures are cannot be known."""
    text = cover.get("period_text")
    read = read_period(text) if text is not None else None
    title = _title(grid, first_label)
    if read is not None:
        cover["period"] = StatedPeriod(read, text, item.row + 1, cell_address(item.row, item.col),
                                       item.field.header)
        if title is not None and period_end(title[0]) != period_end(read):
            t_read, t_text, r, c = title
            cells = f"{cell_address(r, c)}、{cover['period'].cell}"
            raise Refusal("period_mismatch",
                          f"封面标题 {quoted(t_text)} 与报告期 {quoted(text)} 不是同一期(单元格 {cells}):"
                          "请改正其中一处",
                          f"the cover's title {quoted(t_text)} and its 报告期 {quoted(text)} state two "
                          f"periods (cells {cells.replace('、', ', ')}): correct one of them",
                          sheet=sheet, row=r + 1, column="标题")
        return []
    by = "按所在文件夹确定报告期", "the folder gives the period"
    if title is not None:
        t_read, t_text, r, c = title
        cover["period"] = StatedPeriod(t_read, t_text, r + 1, cell_address(r, c), "标题")
        by = (f"按封面标题 {quoted(t_text)}(单元格 {cell_address(r, c)})确定报告期",
              f"the cover's title {quoted(t_text)} (cell {cell_address(r, c)}) gives the period")
    if text is None:
        return [Finding("cover_missing", f"封面未填报告期,{by[0]}", f"the cover gives no 报告期; {by[1]}",
                        sheet=sheet, row=item.row + 1 if item else None, column="报告期")]
    cell = cell_address(item.row, item.col) if item else ""
    why = _no_period(item.raw) if item else None
    why_zh, why_en = (why[0] + ("" if why[0].endswith("?") else ","), f"{why[1]} ") if why else ("", "")
    return [Finding("cover_unreadable",
                    f"封面 报告期 无法识别:{quoted(text)}({why_zh}单元格 {cell}),{by[0]}",
                    f"cover 报告期 unreadable: {quoted(text)} ({why_en}cell {cell}); {by[1]}",
                    sheet=sheet, row=item.row + 1 if item else None, column="报告期")]


def period_end(read: PeriodRead) -> tuple[int, int]:
    """The year and month a period runs to: 第三季度 and 7-9月 say the same quarter (whether
    the figures are the year's so far is the 报告期's to say)."""
    return read.year, read.last


# -- a 报告期 typed as a date ----------------------------------------------------------------
# a date cell as the reader's grid holds it (:mod:`civstat.ingest.workbook`), or its serial
# (45565: a date cell that lost its format when copied)
_DATE_CELL = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\d{5}(?:\.0+)?")


def _date_cell(raw: object) -> dt.date | None:
    """The date a 报告期 cell holds when it is a date cell (or its serial); None for anything
    else (text is :func:`read_period`'s)."""
    if isinstance(raw, dt.date):
        day = raw.date() if isinstance(raw, dt.datetime) else raw
    elif isinstance(raw, str) and _DATE_CELL.fullmatch(raw.strip()):
        try:
            day = parse_date(raw)
        except (ValueError, OverflowError):
            return None
    else:
        return None
    return day if day is not None and 1990 <= day.year <= 2100 else None


def dated_period(raw: object) -> str | None:
    """A 报告期 typed as a date, as text :func:`read_period` reads (2024-09-30:
    ``2024年9月30日``; 2024-09-01: ``2024年9月``), or as the date alone when it states no
    period (``2024-07-01``); None when ``raw`` is no date."""
    day = _date_cell(raw)
    if day is None:
        return None
    if month_end(day):
        return f"{day.year}年{day.month}月{day.day}日"
    if day.day == 1 and day.month in (6, 9, 12):
        return f"{day.year}年{day.month}月"
    return f"{day:%Y-%m-%d}"


def _no_period(raw: object) -> tuple[str, str] | None:
    """Why a 报告期 typed as a date states no period (None: it is no date)."""
    day = _date_cell(raw)
    if day is None:
        return None
    month, quarter = day.month, (day.month + 2) // 3
    if day.day != 1:
        return ("是一个日期,不是月末:是否把填报日期填在了报告期?",
                "a day, not a month's end: the 填报日期 typed in the wrong cell?")
    if month == 3:
        return ("是3月1日:是3月(第1季度),还是输入的“年-3”(第3季度,Excel 会记成3月1日)?",
                ("the 1st of March: March (the first quarter), or year-3 typed for the third "
                 "quarter (which Excel keeps as 1 March)?"))
    if month % 3 == 1:
        return (f"是第{quarter}季度的第一天:是第{quarter}季度,还是{month}月?",
                f"the first day of quarter {quarter}: the quarter, or month {month}?")
    return (f"是{month}月1日,不是季度末", f"the 1st of month {month}, not a quarter's end")


# -- the 填报日期 against the period ------------------------------------------------------------
def fill_date_finding(cover: dict, year: int, quarter: int) -> list[Finding]:
    """A finding when the cover's 填报日期 falls before the first day of the last month of the
    return's period (``year``, ``quarter``: the one its cover states, else its folder's) or more
    than a year after its end: a cover of an earlier return reused, or a typing slip — with a
    corrected return, the 填报日期 decides which one is newest (``cover["fill_date_at"]``: its
    sheet, 0-based row and column and label, set by :func:`civstat.ingest.cover.parse_cover`)."""
    day, at = cover.get("fill_date"), cover.get("fill_date_at")
    if not isinstance(day, dt.date) or at is None:
        return []
    sheet, row, col, header = at
    last = quarter * 3
    start = dt.date(year, last, 1)
    end = dt.date(year, last, calendar.monthrange(year, last)[1])
    latest = dt.date(year + 1, last, end.day)
    if start <= day <= latest:
        return []
    period, cell = f"{year}Q{quarter}", cell_address(row, col)
    if day < start:
        zh = f"早于报告期 {period} 的最后一个月({start:%Y-%m-%d} 起),是否沿用了以前的封面?"
        en = f"before the last month of the period {period} (from {start}): an earlier cover reused?"
    else:
        zh = f"晚于报告期 {period} 末({end:%Y-%m-%d})一年以上,"
        en = f"more than a year after the end of the period {period} ({end});"
    return [Finding("fill_date_implausible",
                    f"封面 填报日期 {day:%Y-%m-%d}(单元格 {cell}){zh}同一季度有更正报表时按填报日期"
                    "判断哪份最新,请核对",
                    f"cover 填报日期 {day} (cell {cell}) is {en} with a corrected return, the "
                    "填报日期 decides which is newest: check it",
                    sheet=sheet, row=row + 1, column=header)]
