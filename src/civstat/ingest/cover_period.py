"""The period a cover states: its 报告期, or, without a readable one, a title over its labels
(马店镇2024年第二季度民政统计季报); and how a cover's cells are named in messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from civstat.ingest.normalize import PeriodRead, is_blank, read_period
from civstat.ingest.refusal import Finding, Refusal

if TYPE_CHECKING:
    from civstat.ingest.cover import _Found

__all__ = ["StatedPeriod", "cell_address", "period_finding", "quoted"]


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
        if title is not None and _ends(title[0]) != _ends(read):
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
    return [Finding("cover_unreadable",
                    f"封面 报告期 无法识别:{quoted(text)}(单元格 {cell}),{by[0]}",
                    f"cover 报告期 unreadable: {quoted(text)} (cell {cell}); {by[1]}", sheet=sheet,
                    row=item.row + 1 if item else None, column="报告期")]


def _ends(read: PeriodRead) -> tuple[int, int]:
    """The year and month a period runs to: 第三季度 and 7-9月 say the same quarter (whether
    the figures are the year's so far is the 报告期's to say)."""
    return read.year, read.last
