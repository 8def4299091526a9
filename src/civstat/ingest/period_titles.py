"""Sub-titles of a period between a table's rows: a clerk keeps last year's figures in the same
table, under a row holding a period's word alone (本期 | 城市低保 | 农村低保 | 上年同期 | 城市低保 |
农村低保; 本年 / 去年同期 / 2023年同期 / 上年同期数; words: the contract's ``other_period_words`` and
``current_period_words``).

* A sub-title of another period (上年同期) starts rows that are not read — up to the next
  sub-title of the return's own period (本期) or the table's end — with one finding
  (``other_period_rows``) naming it and how many rows were left out; the header's lower row may
  be one (a 上年同期 right under the header).
* A sub-title of the return's own period is no row. One of a quarter or a month alone (本季度)
  starts rows that are the quarter's, up to a sub-title of the year's so far (本期, 1-9月累计): on
  a one-row sheet taking the year's totals so far they are rows of a quarter alone
  (:mod:`civstat.ingest.part_periods`); on a category sheet with such columns the return is
  refused (``not_cumulative``).
* Refused (``period_subtitle``): a table whose only rows are another period's; a row of another
  period holding figures (上年同期 | 100 | 200 …) over the table's rows, no row read above it and
  no 本期 between: whether the rows under it are last year's or this period's cannot be told. A
  row of another period with figures under a row read (城市低保 | 上年同期 | 农村低保 | 上年同期)
  is that row's comparison: not read, as before.
* A year alone is a sub-title too (2024年 | 城市低保 | 农村低保 | 2023年 | 城市低保 | 农村低保; 2024,
  2024年度, 2024年1-9月, 2024年第三季度): of the return's own period when it is the return's year
  (its months, if stated, ending with the return's quarter: 2024年7-9月 is the quarter's alone, as
  本季度), else another's (2023年, 2024年1-6月 in a third quarter's return). Only a year written
  alone, or with the months or quarter it runs over: 2024年城市低保 or a title naming a year is no
  sub-title; nor is 2024年9月 (the month alone, or the year to it?). A year in digits alone
  (``2024``, a number cell) only in the rows' label column: elsewhere it may be a figure. The
  return's period (``period``: year, quarter) is what the ingest takes it to be (the cover's, else
  the folder's); unknown, no year is a sub-title.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from civstat.contract import load_contract
from civstat.ingest.normalize import _year, is_blank, norm, read_period
from civstat.ingest.qualifiers import month_span, part_word
from civstat.ingest.refusal import Finding, Refusal
from civstat.ingest.row_kinds import row_period

if TYPE_CHECKING:
    from civstat.ingest.columns import SheetPlan


@cache
def _cumulative() -> tuple[str, ...]:
    return tuple(norm(w) for w in load_contract().cumulative_words)


# a year alone (2024年, 2024年度, 二〇二四年), the months or quarter it runs over after it, as written
# (2024年1-9月, 2024年第三季度, 2024Q3): the rest is checked by year_title
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2}|[一二][〇零○][一二三四五六七八九〇零○]{2})(?:年度?)?(.*?)"
                         r"(?:累计数?|数)?")
_QUARTER = re.compile(r"(?:第|前)?[1-4一二三四]个?季度?|Q[1-4]", re.IGNORECASE)


def year_title(text: str, period: tuple[int, int]) -> str | None:
    """``current`` for a sub-title that is the return's year (``period``: year, quarter) alone or
    with its months to the quarter's end (2024年, 2024, 2024年度, 2024年1-9月, 2024年7-9月), ``other``
    for another year's or period's (2023年, 2024年1-6月), else None (no year alone: 2024年城市低保;
    2024年9月, a month alone or the year to it)."""
    key = norm(text)
    m = _YEAR_TITLE.fullmatch(key)
    if m is None:
        return None
    rest = m[2]
    if rest and not _QUARTER.fullmatch(rest) and not (
            (span := month_span(rest)) and span[0] < span[1]):
        return None
    year, quarter = period
    if _year(m[1]) != year:
        return "other"
    if not rest:
        return "current"
    read = read_period(key)
    if read is None or read.year != year:
        return None
    return "current" if read.last == 3 * quarter else "other"


def _lone(row, label_col: int | None, index: tuple[int, ...]) -> str | None:
    """The text of the row's only non-blank cell, when it is in the label column or left of the
    columns read (a 上年同期 under a column's own header is that column's, not the rows')."""
    found = None
    for c, cell in enumerate(row):
        if not is_blank(cell):
            if found is not None:
                return None
            found = c
    if found is None or not (found == label_col or found <= min(index)):
        return None
    cell = row[found]
    return cell if cell.__class__ is str else None


class PeriodTitles:
    """The period sub-titles of one sheet's rows, as :func:`reader._plan_sheet` walks them
    (``parts``: its rows of a quarter alone, which rows under a 本季度 sub-title join)."""

    def __init__(self, plan: SheetPlan, parts: list, label_col: int | None, part_sheet: bool,
                 category: bool, period: tuple[int, int] | None = None):
        self.plan, self.parts, self.label_col = plan, parts, label_col
        self.period = period  # the return's (year, quarter), for a year's sub-title (2023年)
        self.column: str | None = None  # the label column's header, to name
        self.part_sheet = part_sheet  # a one-row sheet whose columns take the year's so far
        self.ytd = category and any(c.kind == "ytd" for c in plan.sheet.columns)
        self.block: tuple[int, str, str] | None = None  # (row, other | part, words as written)
        self.left: dict[int, tuple[str, int]] = {}  # sub-title row → (words, rows left out)
        self.pending: tuple[int, str] | None = None  # another period's row with figures atop
        self.start = 0  # rows read when this period's section started

    def header(self, grid: list, header_rows: tuple[int, ...]) -> bool:
        """Whether the header's lower row is a sub-title (上年同期 alone under 项目: the header
        scan takes a period's row under it into the header), taken as one."""
        if len(header_rows) > 1:
            r = header_rows[-1]
            text = _lone(grid[r], self.label_col, self.plan.index)
            if text is not None and (period := row_period(text)):
                self._title(r, text.strip(), period)
                return True
        return False

    def row(self, r: int, row, first: str) -> bool:
        """A row whose first cell is a period's word: True when it is a sub-title (no row), else
        False (a row: another period's is dropped by :mod:`civstat.ingest.row_kinds`)."""
        period = row_period(first)
        if period is None:
            if self._year(r, row, first):
                return True
            return self.block is not None and self.block[1] == "part" and self._so_far(row)
        text = _lone(row, self.label_col, self.plan.index)
        if text is not None:
            self._title(r, text.strip(), period)
            return True
        if period == "current":  # 本期 | 41 | 96 …: this period's row
            self._section()
        elif self.block is None and self.pending is None and self.start == self._read():
            self.pending = (r, first.strip())  # 上年同期 | 30 | 70 … over the table's rows
        return False

    def under(self, r: int) -> bool | Refusal:
        """A row to read: True when it lies under a sub-title and is not read (another period's,
        or a quarter's alone: added to the parts), a refusal, or False (read it)."""
        if self.block is None:
            return False if self.pending is None else self._ambiguous()
        at, kind, text = self.block
        if kind == "other":
            self.left[at] = (text, self.left.get(at, (text, 0))[1] + 1)
            return True
        if self.part_sheet:
            self.parts.append((r, text))
            return True
        return Refusal("not_cumulative",
                       f"第{at + 1}行{text}以下各行是{text}的数:本表有应填1月至本期累计数的列,"
                       "读作累计会少算:请改填累计数",
                       f"the rows under row {at + 1} ({text}) hold the figures of {text} alone; "
                       "columns of the sheet take the year's totals so far, which they would fall "
                       "short of: fill in the totals so far",
                       sheet=self.plan.name, row=at + 1, column=self.column)

    def finish(self) -> Refusal | None:
        """The findings of the rows left out; a refusal when they are all the table holds."""
        if self.left and not self._read():
            at = min(self.left)
            text = self.left[at][0]
            return Refusal("period_subtitle",
                           f"第{at + 1}行{text}以下是{text}的数,表中没有本期的数:请填报本期数",
                           f"the rows under row {at + 1} ({text}) are another period's; the "
                           "table holds none of this period: fill in this period's figures",
                           sheet=self.plan.name, row=at + 1, column=self.column)
        for at, (text, n) in sorted(self.left.items()):
            self.plan.findings.append(Finding(
                "other_period_rows", f"第{at + 1}行{text}以下{n}行是{text}的数,不是本期的,未读取",
                f"the {n} row(s) under row {at + 1} ({text}) are another period's, not this "
                "period's: not read", sheet=self.plan.name, row=at + 1, column=self.column))
        return None

    def _title(self, r: int, text: str, period: str) -> None:
        self._section()
        if period == "other":
            self.block = (r, "other", text)
        elif part_word(text) and (self.part_sheet or self.ytd):
            self.block = (r, "part", text)

    def _year(self, r: int, row, first: str) -> bool:
        """A year alone (2024年, 2023年; a number 2024 only in the label column): a sub-title."""
        if self.period is None or (first.isascii() and not (
                self.label_col is not None and self.label_col < len(row)
                and row[self.label_col] is first)):
            return False
        text = _lone(row, self.label_col, self.plan.index)
        if text is None or (period := year_title(text, self.period)) is None:
            return False
        self._title(r, text.strip(), period)
        return True

    def _so_far(self, row) -> bool:
        """A sub-title of the year's so far (1-9月累计 alone) under one of a quarter's: ends it."""
        text = _lone(row, self.label_col, self.plan.index)
        if text is None or part_word(text) is not None:
            return False
        span = month_span(text.replace("累计", ""))
        if not (span and span[0] == 1) and not any(w in norm(text) for w in _cumulative()):
            return False
        self._section()
        return True

    def _section(self) -> None:
        """This period's rows start again (本期, or a row of it): no sub-title over them."""
        self.block = self.pending = None
        self.start = self._read()

    def _read(self) -> int:
        return len(self.plan.rows) + len(self.parts)

    def _ambiguous(self) -> Refusal:
        r, text = self.pending
        return Refusal("period_subtitle",
                       f"第{r + 1}行{text}填有数字,又在表中各行之上:其下各行是{text}的还是本期的无法判断;"
                       f"请删去{text}的数,或在本期各行之上加一行“本期”",
                       f"row {r + 1} ({text}) holds figures over the table's rows: whether the "
                       f"rows under it are {text}'s or this period's cannot be told; delete the "
                       "other period's figures, or put a row 本期 over this period's rows",
                       sheet=self.plan.name, row=r + 1, column=self.column)
