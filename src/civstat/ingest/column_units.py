"""The unit each column of a header is read in, as the sheet states it above the figures: its
header's (``累计支出低保资金(万元)`` ×10,000: :func:`header_factor`), a units row's under the header,
in its upper row or right over it (``单位 | 户 | 人 | 万元 | 元/人·月``: :func:`header_units_row`,
under a 栏次 row too), else a units line's (``金额单位:万元``: :func:`read_unit`; one right under the
header, :func:`units_line_under`, holds no data); a unit a units row states that the
column cannot be in, or another than its header's or a units line's, is refused.
"""

from __future__ import annotations

from civstat.contract import Column, load_contract
from civstat.ingest.cell_units import header_period, period_factor
from civstat.ingest.normalize import is_blank, norm
from civstat.ingest.qualifiers import (
    LineUnit,
    Problem,
    UnitsLine,
    default_unit,
    line_unit,
    row_unit_conflict,
    row_unit_mismatch,
    same_unit,
    stated_units,
    states_no_unit,
    two_units,
    unit_kind,
    units_row,
    units_statement,
    unknown_line_unit,
    unknown_magnitude,
    unknown_unit,
    unread_period,
)
from civstat.ingest.row_kinds import label_sets


def numbers_columns(row) -> bool:
    """The row numbers the header's columns (甲 | 乙 | 1 | 2 …, 栏次 | 1 | 2 …): its first cell
    not blank is one of the contract's ``column_number_labels``."""
    first = next((c for c in row if not is_blank(c)), None)
    return first.__class__ is str and norm(first) in label_sets()[2]


def rows_under(grid: list, header_rows: tuple[int, ...]) -> tuple[int, ...]:
    """The rows under a header that may state its columns' units: the next one, and the one
    after it when the next numbers the columns (header | 栏次 | 单位 | 户 | 人 …)."""
    below = header_rows[-1] + 1
    if below + 1 < len(grid) and numbers_columns(grid[below]):
        return below, below + 1
    return (below,)


def units_line(row) -> tuple[str, ...] | None:
    """The units a row states when its only cell is a units line (``单位:户次``, ``计量单位:户、
    人、万元``: :func:`units_statement`), else None."""
    cells = [c for c in row if not is_blank(c)]
    if len(cells) != 1 or cells[0].__class__ is not str:
        return None
    return units_statement(cells[0])


def units_line_under(grid: list, header_rows: tuple[int, ...] | None
                     ) -> tuple[int, tuple[str, ...]] | None:
    """(row, the units it states the reader converts) of a units line right under the header
    (or under its 栏次 row), which holds no data; None when there is none."""
    for at in () if header_rows is None else rows_under(grid, header_rows):
        if at < len(grid) and units_line(grid[at]) is not None:
            return at, stated_units(next(c for c in grid[at] if not is_blank(c)))
    return None


def header_units_row(grid: list, header_rows: tuple[int, ...] | None
                     ) -> tuple[dict[int, str], int | None]:
    """(column index → unit, row) of the header's units row (:func:`units_row`): the row under
    the header (or under its 栏次 row), else its upper row, else the row right over it; ({}, None)
    when none states units."""
    if header_rows is None:
        return {}, None
    for at in (*rows_under(grid, header_rows), *header_rows[:-1], header_rows[0] - 1):
        if 0 <= at < len(grid) and (stated := dict(units_row(grid[at]) or ())):
            return stated, at
    return {}, None


def row_unit_problem(col: Column, text: str, unit: str | None, stated: str, row: int,
                     lines: list) -> Problem | None:
    """Why the unit a units row states for a column cannot be read: not of the column's kind
    (元 under 期末保障户数: columns shifted?), or another than its header's or a units line's."""
    if not _fits(col, stated):
        return row_unit_mismatch(col, text, stated, row)
    if unit is not None and not same_unit(unit, stated):
        return row_unit_conflict(text, unit, stated, row)
    for line in lines if unit is None else ():
        if line.sheet is not None:
            continue  # the cover's units: the sheet's own units row states the column's
        said = [u for u in line.units if unit_kind(u) == col.unit]
        if said and not any(same_unit(u, stated) for u in said):
            return row_unit_conflict(text, "、".join(said), stated, row, said_at=line.row)
    return None


def _fits(col: Column, unit: str) -> bool:
    """``unit`` can state the column's figures: its own (or the same people counted), one the
    reader converts to it (万元 for 元), a period of a standard (元/年), or a rate the reader
    refuses on its own (元/人·季: :func:`unread_period_unit`)."""
    if col.unit is None or same_unit(col.unit, unit) or unread_period(unit):
        return True
    conversions = load_contract().unit_conversions
    if unit in conversions and conversions[unit][0] == col.unit:
        return True
    if col.header_unit and same_unit(col.header_unit, unit):
        return True
    return bool(header_period(col, unit, "")) or period_factor(col.unit, unit) is not None


def read_unit(col: Column, text: str, unit: str | None, lines: list[UnitsLine], row: int
              ) -> tuple[str | None, LineUnit | None, Problem | None]:
    """(the unit a column is read in, the :class:`LineUnit` noting it, why it cannot be read):
    its header's (or its units row's) ``unit``, else the one a units line states for its kind
    (``lines``: the sheet's, :func:`units_lines`, then the cover's); a problem for two units of its kind in the
    lines, or a unit with a magnitude the reader does not convert (百万元), in the header or in
    the line."""
    if lines and states_no_unit(unit):
        used, line = line_unit(col, lines)
        if line is not None and used is None:
            return used, None, two_units(text, line)
        if line is not None and unknown_magnitude(col, used):  # 单位:百万元
            return used, None, unknown_line_unit(col, text, used, line)
        if line is not None:
            return used, LineUnit(text, used, default_unit(col), line), None
        return used, None, None
    if unknown_magnitude(col, unit):
        return unit, None, unknown_unit(col, text, unit, row)
    if unit and (line := _other_than(col, unit, lines)) is not None:  # 万元 over 资金(元)
        return unit, LineUnit(text, unit, line.units[0], line, overruled=True), None
    return unit, None, None


def _other_than(col: Column, unit: str, lines: list[UnitsLine]) -> UnitsLine | None:
    """The first line stating a unit of the column's kind, when it states another than the
    header's ``unit`` (a title's 金额单位:万元 over 资金(元)): the header is read, the line noted."""
    for line in lines:
        if kind := tuple(u for u in line.units if unit_kind(u) == col.unit):
            return None if any(same_unit(u, unit) for u in kind) else line._replace(units=kind)
    return None


def form_unit(col: Column) -> str | None:
    """The unit the form states for a column the reader converts from (直接经济损失: 万元), which
    a header stating no unit is read in; None when the form's unit is the column's own."""
    conversions = load_contract().unit_conversions
    unit = col.header_unit
    if unit in conversions and conversions[unit][0] == col.unit and conversions[unit][1] != 1:
        return unit
    return None


def header_factor(col: Column, unit: str | None) -> float:
    """The factor a column's header unit states (万元 ×10,000; none: the form's unit's)."""
    if not col.period_units and (per := period_factor(col.unit, unit)) is not None:
        return per  # 集中供养标准(元/人·月) for a column per year: ×12
    conversions = load_contract().unit_conversions
    unit = norm(unit) if unit else None
    effective = unit if unit in conversions else col.header_unit
    if effective in conversions and conversions[effective][0] == col.unit:
        return conversions[effective][1]
    return 1.0
