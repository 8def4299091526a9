"""A sheet's title stating another period than the return's (马店镇2024年1-6月最低生活保障统计表 over
表1 of a third quarter's return): a clerk copies last quarter's workbook, corrects the cover and
perhaps not every sheet. Whether the sheet holds last quarter's figures under a stale title, or
this quarter's, cannot be told: the return is refused (``period_mismatch``, as a cover whose
title and 报告期 disagree is), naming the title's cell. Before, the title was not looked at and
the sheet's figures loaded as the return's period's.

A title is a row above the header's lowest row holding one text cell alone (merged across the
table or not: the reader may take a merged title for an upper header row); its period is read as
the cover's title's is (2024年度 states none); it agrees when it runs to the same month of the
same year (第三季度, 1-9月, 7-9月, 截至9月30日). Only sheets of a row per
category or one row of figures: a list of events or institutions may well name a month in its
title (2024年6月暴雨洪涝灾害情况).
"""

from __future__ import annotations

import re
from functools import lru_cache

from civstat.contract import Sheet
from civstat.ingest.cover_period import cell_address, period_end, quoted
from civstat.ingest.normalize import PeriodRead, is_blank, read_period
from civstat.ingest.refusal import Refusal

TITLED_KINDS = frozenset({"category", "single"})  # sheets whose title speaks for their figures


def lone_texts(grid: list, header_row: int) -> list[tuple[int, int, str]]:
    """The rows above ``header_row`` holding one text cell alone, as (row, column, text), 0-based
    in the grid: a sheet's titles (马店镇2024年第三季度民政统计季报——最低生活保障, 单位:户、人、元)."""
    out = []
    for r in range(min(header_row, len(grid))):
        row = grid[r]
        filled = [c for c, cell in enumerate(row) if cell is not None]
        if len(filled) > 1:  # blank text (a space) in a row of several cells: rare, looked at
            filled = [c for c in filled if not is_blank(row[c])]
        if len(filled) == 1 and isinstance(text := row[filled[0]], str) and (
                "\u4e00" <= text[:1] <= "\u9fff" or not is_blank(text)):  # (a CJK ideograph first
            out.append((r, filled[0], text))  # is never blank: no need to normalise the text)
    return out


def _title(titles: list[tuple[int, int, str]]) -> tuple[PeriodRead, str, int, int] | None:
    """The first of a sheet's titles (:func:`lone_texts`) that states a period."""
    for r, c, text in titles:
        if (read := _period(_from_year(text))) is not None:
            return read, text, r, c
    return None


def _from_year(text: str) -> str:
    """``text`` from its first character that may begin a year (a digit, 〇 … 九, or anything
    not a plain CJK ideograph): every period :func:`read_period` reads begins with a year that
    no numeral precedes, so the name before it (马店镇2024年…) changes nothing, and titles that
    differ only in the township's name share one :func:`_period`."""
    m = _BEFORE_YEAR.match(text)
    return text[m.end():] if m else text


# a run of CJK ideographs, none a numeral (NFKC and OpenCC leave them ideographs, no numerals)
_BEFORE_YEAR = re.compile(r"(?:(?![零一二三四五六七八九十])[\u4e00-\u9fff])+")


@lru_cache(maxsize=4096)
def _period(text: str) -> PeriodRead | None:
    """:func:`read_period` of a title (from its year, :func:`_from_year`), once per text (a
    title such as 2024年第三季度民政统计 repeats across sheets and returns)."""
    return read_period(text, whole_year=False)


def title_refusal(sheet: Sheet, name: str, titles: list[tuple[int, int, str]],
                  period: tuple[int, int] | None, lead: int = 0) -> Refusal | None:
    """The refusal of a sheet whose title (``titles``: :func:`lone_texts` above its header)
    states a period ending elsewhere than the return's ``period`` (year, quarter); else None
    (``lead``: the empty columns left of the grid, for the cell's address)."""
    if period is None or sheet.row_kind not in TITLED_KINDS:
        return None
    title = _title(titles)
    if title is None:
        return None
    read, text, r, c = title
    year, quarter = period
    if period_end(read) == (year, 3 * quarter):
        return None
    cell = cell_address(r, c + lead)
    return Refusal("period_mismatch",
                   f"标题 {quoted(text)}(单元格 {cell})说的是 {read.year}年{read.last}月止,本报表是 "
                   f"{year}年1-{3 * quarter}月:本表是另一期的数吗?请改正标题或数据",
                   f"the title {quoted(text)} (cell {cell}) states a period to {read.year}-"
                   f"{read.last:02d}, the return's runs to {year}-{3 * quarter:02d}: are the sheet's "
                   "figures another period's? Correct the title or the figures",
                   sheet=name, row=r + 1, column="标题")
