"""Where a sheet's header is, and what it says: the row, or pair of rows, matching most of the
contract's columns (synonyms, merged two-row headers), each column's unit factor and period.

A column's unit is the one its header states (``累计支出低保资金(万元)``); where the header states
none, the one a units line above the table states for that kind of unit (``金额单位:万元``,
``单位:户、人、万元``, a title ending ``(单位:万元)``), else the form's own (元; 万元 for
直接经济损失). A units line that changes a column's reading is a finding on the return; one
that names two units of a kind (``单位:户、人、元、万元``) while a column states neither is
refused: the reader cannot tell which of the two the column is in.

Every return of a province is filled in on a few templates, so the answer is memoised per
layout (:func:`layout`): the scan rows with every cell that cannot match a column (a number,
a title naming the township) replaced by a stand-in of the same flags. A header that matches
every column is decided by the rows down to it alone (no later row can beat it), so it is
also remembered under those rows only, and a return's data rows never need to be looked at
to find it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from civstat.contract import Column, load_contract
from civstat.ingest.columns import header_period
from civstat.ingest.normalize import header_key, is_blank, norm

HEADER_SCAN_ROWS = 12


@cache
def _column_index(family: str) -> dict[str, Column]:
    sheet = load_contract().sheet(family)
    index: dict[str, Column] = {}
    for col in sheet.columns:
        names = [col.header, *col.synonyms]
        if col.group and col.short:
            names.append(col.group + col.short)
        for name in names:
            index.setdefault(header_key(name)[0], col)
    return index


def _cell(row: list, i: int):
    return row[i] if i < len(row) else None


def _match_header(family: str, upper: list | None, lower: list) -> dict[int, tuple[Column, str | None, str]]:
    """Column index → (contract column, unit in header, header text)."""
    return dict(_match_rows(family, None if upper is None else tuple(upper), tuple(lower)))


@lru_cache(maxsize=4096)
def _match_rows(family: str, upper: tuple | None, lower: tuple) -> tuple:
    """:func:`_match_header` on hashable rows, memoised: every return of a province is filled
    in on the same template, so the same header rows come back hundreds of times."""
    index = _column_index(family)
    found: dict[int, tuple[Column, str | None, str]] = {}
    carry = None
    for i in range(len(lower)):
        up = _cell(upper, i) if upper is not None else None
        if upper is not None:
            carry = up if not is_blank(up) else carry  # merged cells: forward-fill the upper row
            up = carry if is_blank(_cell(lower, i)) is False else up
        lo = _cell(lower, i)
        candidates = []
        if up is not None and not is_blank(lo):
            (uk, uu), (lk, lu) = header_key(up), header_key(lo)
            candidates.append((uk + lk, lu or uu, f"{norm(up)}{norm(lo)}"))
        if not is_blank(lo):
            k, u = header_key(lo)
            candidates.append((k, u, norm(lo)))
        if up is not None and not is_blank(up) and is_blank(lo):
            k, u = header_key(up)
            candidates.append((k, u, norm(up)))
        for key, unit, text in candidates:
            col = index.get(key)
            if col is not None and all(c is not col for c, _, _ in found.values()):
                found[i] = (col, unit, text)
                break
    return tuple(found.items())


_NUMERIC = re.compile(r"\s*[-+]?[\d,.，．]+\s*%?\s*")


def _blank(cell) -> bool:
    """:func:`is_blank`, without normalising ASCII text (NFKC and OpenCC leave it alone, so
    it is blank when empty or white space only)."""
    if cell.__class__ is str and cell.isascii():
        return not cell or cell.isspace()
    return is_blank(cell)


def _is_text(cell) -> bool:
    """Text that could be a header: not blank, not a number written as text."""
    return isinstance(cell, str) and not _NUMERIC.fullmatch(cell) and not is_blank(cell)


@lru_cache(maxsize=4096)
def _row_flags(row: tuple) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """(could be header text, is blank) per cell; memoised: a province's returns share headers."""
    return tuple(_is_text(c) for c in row), tuple(is_blank(c) for c in row)


@cache
def _affixes(family: str) -> frozenset[str]:
    """Every non-empty prefix and suffix of the family's header keys (the keys included): a
    cell whose key is none of them can match no column, alone or joined to another cell."""
    out = set()
    for key in _column_index(family):
        for i in range(1, len(key) + 1):
            out.add(key[:i])
            out.add(key[-i:])
    return frozenset(out)


@cache
def _digits_free(family: str) -> bool:
    """No header key holds a digit (nor the text stand-in): a number matches no column."""
    return not any(ch.isdigit() or ch == _TEXT_MARK for key in _affixes(family) for ch in key)


_PLAIN_NUMBER = re.compile(r"\s*-?\d+(?:\.\d+)?\s*")
_TEXT_MARK, _NUMBER_MARK = "\x00", "0"  # stand-ins that match nothing, of the same flags


def _layout_cell(cell, affixes: frozenset[str], digits_free: bool):
    """A cell of the header scan as it matters to :func:`_locate_header`: cells that can match
    no column (numbers, a title naming the township) become a stand-in with the same flags."""
    if cell.isascii():
        if digits_free and _PLAIN_NUMBER.fullmatch(cell):
            return _NUMBER_MARK  # its key holds a digit, which no header key does
        if not cell or cell.isspace():
            return cell
    elif is_blank(cell):
        return cell
    key = header_key(cell)[0]
    if not key or key in affixes:
        return cell
    units = stated_units(cell)
    if units:  # a units line: its units decide columns' units (and the text may name the township)
        return _TEXT_MARK + "、".join(units)
    if _is_text(cell):  # a title naming the township: whatever the keys hold, \x00 is in none
        return _TEXT_MARK
    return _NUMBER_MARK if digits_free else cell  # "0" could be an affix where keys hold digits


class _LayoutCells(dict):
    """cell → :func:`_layout_cell` of one family, filled on first sight of a cell."""

    def __init__(self, family: str):
        super().__init__()
        self.family = family
        self[None] = None

    def __missing__(self, cell):
        if cell.__class__ is not str:  # 1, 1.0 and True are equal keys: never memoised
            return (cell.__class__, cell)
        value = _layout_cell(cell, _affixes(self.family), _digits_free(self.family))
        self[cell] = value
        return value


_LAYOUT_CELLS: dict[str, _LayoutCells] = {}


# -- units lines: 单位:户、人、元 / 金额单位:万元 above the table --------------------------------------
_STATEMENT = re.compile(r"(金额|计量|货币|资金|面积)?单位:?")
_UNIT_SEPARATORS = re.compile(r"[、,;/()和及]")


@lru_cache(maxsize=4096)
def stated_units(text: str) -> tuple[str, ...]:
    """The convertible units (``unit_conversions``) a units line states, in order:
    ``'金额单位:万元'`` → ``('万元',)``; ``'单位:户、人、元'`` → ``('元',)``; a title ending
    ``'(单位:万元)'`` → ``('万元',)``. A bare 单位 counts at the start of the cell or in
    brackets only (``填报单位:马店镇`` states no unit); a unit counts as a whole item of the list
    (``单位:元宝镇`` states none)."""
    conversions = load_contract().unit_conversions
    text = norm(text)
    found: list[str] = []
    for m in _STATEMENT.finditer(text):
        bracketed = m.start() > 0 and text[m.start() - 1] == "("
        if m[1] is None and m.start() > 0 and not bracketed:
            continue
        rest = text[m.end():]
        if bracketed:
            rest = rest.split(")", 1)[0]
        found += [item for item in _UNIT_SEPARATORS.split(rest) if item in conversions]
    return tuple(dict.fromkeys(found))


def _units_lines(grid: list, last_row: int) -> list[tuple[int, tuple[str, ...]]]:
    """(row, units) of every cell from the top down to ``last_row`` stating units (the layout
    memo keeps a units line's units, not its text: see :func:`_layout_cell`)."""
    return [(r, units) for r, row in enumerate(grid[:last_row + 1]) for cell in row
            if cell.__class__ is str and not cell.isascii() and (units := stated_units(cell))]


@dataclass(frozen=True)
class LineUnit:
    """A column read in the unit a units line states (its header states none)."""

    header: str         # the column's header text
    unit: str           # the unit the line states (万元)
    default: str | None  # the unit the column is read in without the line (元)
    row: int            # the line's row (0-based)


@dataclass(frozen=True)
class Layout:
    """A sheet's header as found by :func:`_scan_header`, and what the reader derives from it."""

    header_rows: tuple[int, ...] | None
    mapping: dict[int, tuple[Column, str | None, str]]  # column index → (column, unit, text)
    missing: str | None   # the first required column not found (its header)
    columns: list[tuple[Column, str, float, str | None]]  # column, header text, factor, period
    index: tuple[int, ...]  # the mapped column indexes, in order
    label_col: int | None   # the first column not mapped (the row label)
    full: bool              # every column of the sheet matched
    line_units: tuple[LineUnit, ...] = ()  # columns read in a units line's unit
    # a column stating no unit under a line naming two of its kind: (header, units, row)
    unit_conflict: tuple[str, tuple[str, ...], int] | None = None

    @classmethod
    def of(cls, family: str, grid: list, found: tuple) -> Layout:
        header_rows, mapping = found
        sheet = load_contract().sheet(family)
        ids = {id(m[0]) for m in mapping.values()}
        missing = next((c.header for c in sheet.columns if c.required and id(c) not in ids), None)
        lines = _units_lines(grid, header_rows[-1]) if header_rows is not None else []
        line_units, conflict, columns = [], None, []
        for col, unit, text in mapping.values():
            used = unit
            if lines and _states_no_unit(unit):
                used, line = _line_unit(col, lines)
                if line is not None and conflict is None and used is None:
                    conflict = (text, line[1], line[0])
                elif line is not None and used is not None:
                    line_units.append(LineUnit(text, used, _default_unit(col), line[0]))
            columns.append((col, text, _factor(col, used),
                            header_period(col, unit, text) if col.period_units else None))
        label_col = None if header_rows is None else min(
            (i for i in range(len(grid[header_rows[0]])) if i not in mapping), default=None)
        return cls(header_rows, mapping, missing, columns, tuple(mapping), label_col,
                   header_rows is not None and len(mapping) >= len(sheet.columns),
                   tuple(line_units), conflict)


_HEADER_CACHE: dict[tuple, Layout] = {}
_FULL_ENDS: dict[str, tuple[int, ...]] = {}  # family → last header rows of full matches


def layout(family: str, grid: list[list]) -> Layout:
    """:func:`_scan_header` of the sheet and what follows from it, memoised per layout."""
    cells = _LAYOUT_CELLS.get(family)
    if cells is None or len(cells) > 1 << 16:
        cells = _LAYOUT_CELLS[family] = _LayoutCells(family)
    standin = cells.__getitem__
    rows: list[tuple] = []
    for end in _FULL_ENDS.get(family, ()):
        if end >= len(grid):
            break
        rows.extend(tuple(map(standin, row)) for row in grid[len(rows):end + 1])
        hit = _HEADER_CACHE.get((family, tuple(rows)))
        if hit is not None and hit.full:
            return hit
    rows.extend(tuple(map(standin, row)) for row in grid[len(rows):HEADER_SCAN_ROWS + 1])
    hit = _HEADER_CACHE.get((family, tuple(rows)))
    if hit is None:
        if len(_HEADER_CACHE) >= 4096:
            _HEADER_CACHE.clear()
        hit = Layout.of(family, grid, _scan_header(family, grid))
        end = hit.header_rows[-1] + 1 if hit.full else len(rows)
        _HEADER_CACHE[(family, tuple(rows[:end]))] = hit
        if hit.full:  # decided by the rows down to the header: remembered under those alone
            _FULL_ENDS[family] = tuple(sorted({*_FULL_ENDS.get(family, ()), end - 1}))
    return hit


def _locate_header(family: str, grid: list[list]):
    """:func:`_scan_header`, memoised per layout (header rows, column index → mapping)."""
    hit = layout(family, grid)
    return hit.header_rows, dict(hit.mapping)


def _scan_header(family: str, grid: list[list]):
    """The header: the row, or pair of rows (two-row merged headers), matching most columns.

    Only text can match a header, and under an upper row a column matches on the lower row's
    text or, where that is blank, the upper row's; rows and pairs whose count of such cells
    cannot beat the best so far (data rows: a label and numbers) are not matched at all.
    """
    scan = grid[:HEADER_SCAN_ROWS + 1]
    flags = [_row_flags(tuple(row)) for row in scan[:2]]
    full = len(load_contract().sheet(family).columns)  # a header matching all cannot be beaten
    best = (0, None, None)  # score, header rows used, mapping
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        if best[0] >= full:
            break
        if sum(flags[r][0]) > best[0]:
            single = _match_header(family, None, grid[r])
            if len(single) > best[0]:
                best = (len(single), (r,), single)
        if r + 1 < len(scan):
            if len(flags) == r + 1:
                flags.append(_row_flags(tuple(scan[r + 1])))
            up, lo, lo_blank = flags[r][0], flags[r + 1][0], flags[r + 1][1]
            bound = sum(lo[i] or (lo_blank[i] and i < len(up) and up[i]) for i in range(len(lo)))
            if bound > best[0]:
                pair = _match_header(family, grid[r], grid[r + 1])
                if len(pair) > best[0]:
                    best = (len(pair), (r, r + 1), pair)
    return best[1], best[2] or {}


def _states_no_unit(unit: str | None) -> bool:
    """The header states no unit the reader converts (none, or one like 人 or 元/人·月)."""
    return not unit or norm(unit) not in load_contract().unit_conversions


def _default_unit(col: Column) -> str | None:
    """The unit a column is read in when nothing states one: the form's (万元 for 直接经济损失)."""
    return col.header_unit if col.header_unit in load_contract().unit_conversions else col.unit


def _line_unit(col: Column, lines: list) -> tuple[str | None, tuple | None]:
    """(unit, (row, units) of the line stating it) for a column whose header states no unit:
    (None, None) when no line states a unit of its kind, or only the form's own; (None, line)
    when it names two of its kind, 元 and 万元 (which one is this column in?)."""
    conversions = load_contract().unit_conversions
    default = _default_unit(col)
    for r, units in lines:  # the first line stating a unit of its kind decides
        kind = tuple(u for u in units if conversions[u][0] == col.unit)
        if not kind:
            continue
        if kind == (default,):
            return None, None
        return (kind[0] if len(kind) == 1 else None), (r, kind)
    return None, None


def _factor(col: Column, unit: str | None) -> float:
    conversions = load_contract().unit_conversions
    unit = norm(unit) if unit else None
    effective = unit if unit in conversions else col.header_unit
    if effective in conversions and conversions[effective][0] == col.unit:
        return conversions[effective][1]
    return 1.0
