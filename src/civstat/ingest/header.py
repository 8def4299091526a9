"""Where a sheet's header is, and what it says: the row, or pair of rows, matching most of the
contract's columns (synonyms, merged two-row headers: what each column may be read as is
:mod:`civstat.ingest.header_candidates`'), each column's unit factor and period.

A column's unit is the one its header (or a units row) states (``累计支出低保资金(万元)``), else the
one a units line above the table (or the cover) states (:mod:`civstat.ingest.column_units`); a column of another
period (上年同期) is never read, and a column of the form that two columns read as is refused
(:mod:`civstat.ingest.qualifiers`).

Every return of a province is filled in on a few templates, so the answer is memoised per
layout (:func:`layout`): the scan rows with every cell that cannot match a column (a number,
a title naming the township) replaced by a stand-in of the same flags
(:mod:`civstat.ingest.header_standins`). A header that matches
every column is decided by the rows down to it alone (no later row can beat it), so it is
also remembered under those rows only, and a return's data rows never need to be looked at
to find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import starmap

from civstat.contract import Column, load_contract
from civstat.ingest.cell_units import header_period
from civstat.ingest.column_units import (
    form_unit,
    header_factor,
    header_units_row,
    numbers_columns,
    read_unit,
    row_unit_problem,
    rows_under,
    units_line,
    units_line_under,
)
from civstat.ingest.header_candidates import candidates as _candidates
from civstat.ingest.header_candidates import column_index as _column_index
from civstat.ingest.header_candidates import (
    derived_totals,
)
from civstat.ingest.header_standins import (
    LAYOUT_CELLS,
    LayoutCells,
    is_text,
    label_words,
    note_headers,
)
from civstat.ingest.header_subrows import (
    HEADER_SCAN_ROWS,
    Spans,
    other_period_of,
    part_under_group,
    sub_header,
)
from civstat.ingest.header_subrows import blank as _blank
from civstat.ingest.header_subrows import cell_at as _cell
from civstat.ingest.header_subrows import groups_of as _groups
from civstat.ingest.header_subrows import part_of_group as _part_of_group
from civstat.ingest.header_subrows import row_spans as _row_spans
from civstat.ingest.header_subrows import sub_header_problem as _sub_header_problem
from civstat.ingest.header_subrows import sub_headers as _sub_headers
from civstat.ingest.header_subrows import under_merged as _under_merged
from civstat.ingest.normalize import header_key, is_blank, norm
from civstat.ingest.qualifiers import (
    LineUnit,
    Problem,
    UnitsLine,
    has_period_word,
    other_count,
    part_period,
    period_word,
    units_lines,
    units_notes,
    units_row,
    unread_period_unit,
)


def header_spans(merges: list | None, lead: int = 0) -> Spans | None:
    """The merges across columns in the rows a header may take (row → (first, last) columns,
    0-based as the sheet's rows are, ``lead`` empty columns dropped): a group in the upper row
    of a header is over the columns its merge covers (:func:`groups_over`); None without any."""
    rows: dict[int, list[tuple[int, int]]] = {}
    for (r1, c1), (_, c2) in merges or ():
        if c2 > c1 and r1 <= HEADER_SCAN_ROWS:
            rows.setdefault(r1, []).append((c1 - lead, c2 - lead))
    return tuple(sorted((r, tuple(sorted(s))) for r, s in rows.items())) or None


def _match_header(family: str, upper: list | None, lower: list,
                  spans: tuple | None = None) -> dict[int, tuple[Column, str | None, str]]:
    """Column index → (contract column, unit in header, header text); ``spans``: the upper
    row's merges across columns."""
    return dict(_match_rows(family, None if upper is None else tuple(upper), tuple(lower), spans))


@lru_cache(maxsize=4096)
def _match_rows(family: str, upper: tuple | None, lower: tuple, spans: tuple | None = None
                ) -> tuple:
    """:func:`_match_header` on hashable rows, memoised: every return of a province is filled
    in on the same template, so the same header rows come back hundreds of times."""
    index = _column_index(family)
    found: dict[int, tuple[Column, str | None, str]] = {}
    every = list(enumerate(_candidates(family, upper, lower, spans)))
    parts = {i for i, _ in every if part_under_group(upper, lower, i)}
    # a group's column for a quarter's figure alone (累计救助户次 over 7-9月 | 1-9月累计) is matched
    # after the others: where the group's column of the year so far is there, it is read
    for i, candidates in [*(e for e in every if e[0] not in parts),
                          *(e for e in every if e[0] in parts)]:
        for key, unit, text in candidates:
            col = index.get(key)
            if col is not None and (all(c is not col for c, _, _ in found.values())
                                    or other_period_of(col, unit, found.values())):
                found[i] = (col, unit, text)
                break
            if col is not None and i in parts:
                break  # the quarter's figures of a column read from another: not read (unread)
    return tuple(sorted(found.items()))


def _duplicate(family: str, grid: list, header_rows: tuple[int, ...], mapping: dict,
               spans: Spans | None = None
               ) -> tuple[Column, str, str] | None:
    """A column of the contract that a second column of the header reads as too (the first of
    them is mapped): (column, the mapped header's text, the other's text), else None."""
    index = _column_index(family)
    upper = tuple(grid[header_rows[0]]) if len(header_rows) == 2 else None
    taken = {id(col): text for col, _, text in mapping.values()}
    lower = tuple(grid[header_rows[-1]])
    for i, candidates in enumerate(_candidates(family, upper, lower,
                                               _row_spans(spans, header_rows[0]))):
        if i in mapping or part_under_group(upper, lower, i):
            continue  # (a quarter's figures beside the year's so far: unread_header names them)
        for key, _, text in candidates:
            col = index.get(key)
            if col is not None and id(col) in taken:
                return col, taken[id(col)], text
    return None


@lru_cache(maxsize=4096)
def _row_flags(row: tuple) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """(could be header text, is blank) per cell; memoised: a province's returns share headers."""
    return tuple(is_text(c) for c in row), tuple(is_blank(c) for c in row)


def _label_column(family: str, grid: list, header_rows: tuple[int, ...], mapping: dict
                  ) -> int | None:
    """The column holding each row's label: the first one not mapped that is headed as the
    label (类别), else the first not mapped that is no row-number column (序号 | 类别 …)."""
    free = [i for i in range(len(grid[header_rows[0]])) if i not in mapping]
    labels, numbers = label_words(family)

    def keys(i: int) -> set[str]:
        return {header_key(c)[0] for r in header_rows if isinstance(c := _cell(grid[r], i), str)}

    for wanted in (lambda i: keys(i) & labels, lambda i: not keys(i) & numbers, lambda i: True):
        found = next((i for i in free if wanted(i)), None)
        if found is not None:
            return found
    return None


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
    problem: Problem | None = None  # a column whose unit or place cannot be told
    units_row: int | None = None  # the row under the header (or its 栏次 row) stating units
    unread: tuple[int, ...] = ()  # columns the form has not (:func:`unread_header` names them)
    form_units: tuple[tuple[str, str], ...] = ()  # (header, unit) read in the form's unit (万元)
    derived: tuple[tuple[Column, tuple[Column, ...]], ...] = ()  # a total not given, its parts
    spans: Spans | None = None  # the header rows' merges across columns (:func:`header_spans`)

    @classmethod
    def of(cls, family: str, grid: list, found: tuple, cover: tuple[UnitsLine, ...] = (),
           spans: Spans | None = None) -> Layout:
        """``cover``: the units the cover states for every table (:func:`cover_units`);
        ``spans``: the header rows' merges across columns (:func:`header_spans`)."""
        header_rows, mapping = found
        sheet = load_contract().sheet(family)
        ids = {id(m[0]) for m in mapping.values()}
        derived = derived_totals(sheet, ids)
        given = ids | {id(c) for c, _ in derived}
        missing = next((c.header for c in sheet.columns if c.required and id(c) not in given), None)
        under = units_line_under(grid, header_rows)  # 单位:户次 under the header: no data
        lines = [] if header_rows is None else [*starmap(UnitsLine, sorted(
            {*units_lines(grid, header_rows[-1]), *units_notes(grid),
             *((under,) if under and under[1] else ())})), *cover]  # above first: they decide
        line_units, problems, columns, form_units = [], [], [], []
        groups = _groups(grid, header_rows, spans)
        stated, at = header_units_row(grid, header_rows)
        if stated and header_rows is not None:
            mapping, merged = _under_merged(grid, header_rows, mapping, stated, spans)
            if merged is not None:
                problems.append(merged)
        for i, (col, unit, text) in mapping.items():
            if i in stated:  # 单位 | 户 | 人 | 万元 under the header: as if the header stated it
                if (problem := row_unit_problem(col, text, unit, stated[i], at, lines)):
                    problems.append(problem)
                unit = unit or stated[i]
            group = groups.get(i, "")
            if (part := part_period(col, text if text.startswith(group) else group + text,
                                    header_rows[-1])) is not None:
                problems.append(part)
            elif (col.kind == "ytd" and len(header_rows) == 2
                  and (word := part_under_group(grid[header_rows[0]], grid[header_rows[-1]], i))):
                problems.append(_part_of_group(col, text, word, header_rows[-1]))  # 累计救助户次
                # over 7-9月: its 累计 is the column's name, the months its figures' (not the year's)
            if (other := other_count(col, text, unit, header_rows[-1])) is not None:
                problems.append(other)
            if (per := unread_period_unit(text, unit, header_rows[-1])) is not None:
                problems.append(per)
            used, noted, problem = read_unit(col, text, unit, lines, header_rows[-1])
            if noted is not None:
                line_units.append(noted)
            elif unit is None and (form := form_unit(col)) is not None:
                form_units.append((text, form))  # 直接经济损失, no unit: the form's 万元
            if problem is not None:
                problems.append(problem)
            columns.append((col, text, header_factor(col, used),
                            header_period(col, unit, text) if col.period_units else None))
        if header_rows is not None and (sub := _sub_header_problem(family, grid, header_rows, spans)):
            problems.insert(0, sub)
        twice = (_duplicate(family, grid, header_rows, mapping, spans)
                 if header_rows is not None else None)
        if twice is not None:
            problems.append(_twice(*twice, header_rows[-1]))
        label_col = None if header_rows is None else _label_column(family, grid, header_rows,
                                                                    mapping)
        unread = () if header_rows is None else _unread(family, grid, header_rows, mapping, spans)
        return cls(header_rows, mapping, missing, columns, tuple(mapping), label_col,
                   header_rows is not None and len(mapping) >= len(sheet.columns),
                   tuple(line_units), problems[0] if problems else None,
                   at if stated and at in rows_under(grid, header_rows)
                   else under[0] if under else None, unread, tuple(form_units), derived, spans)


def _unread(family: str, grid: list, header_rows: tuple[int, ...], mapping: dict,
            spans: Spans | None = None
            ) -> tuple[int, ...]:
    """The header's columns the form has no column for (其中:残疾人 added by a township): not a
    row-number column (序号), nor notes or contacts (备注, 联系电话), nor one of another period (上年同期, 比上年增减) or the period's own
    word alone. (The rows' label column is one of them: its cells are labels, never figures,
    so it is never reported.) Indexes only: a layout is shared by returns whose headers read
    alike, and two added columns' words read alike."""
    groups = _groups(grid, header_rows, spans)
    _, numbers = label_words(family)
    notes = note_headers()
    out = []
    for i, cell in enumerate(grid[header_rows[-1]]):
        if i in mapping or not is_text(cell):
            continue
        group = groups.get(i, "")
        if (header_key(cell)[0] in numbers or norm(cell).startswith(notes)
                or (period_word(cell) and not part_under_group(grid[header_rows[0]], grid[
                    header_rows[-1]], i) if len(header_rows) == 2 else period_word(cell))
                or (group and period_word(group))):
            continue
        out.append(i)
    return tuple(out)


def _twice(col: Column, first: str, second: str, row: int) -> Problem:
    """A contract column that two columns of the header read as."""
    return Problem("duplicate_column",
                   f"{col.header} 在表头出现两次('{first}' 和 '{second}'),无法确定哪一列是本期数据"
                   "(请删去多余的列,或在其上注明 上年同期 等)",
                   f"{col.header} appears twice in the header ('{first}' and '{second}'): which is "
                   "this period's cannot be told (delete one, or head the other 上年同期 …)",
                   row + 1, col.header)


_HEADER_CACHE: dict[tuple, Layout] = {}
_FULL_ENDS: dict[str, tuple[int, ...]] = {}  # family → last header rows of full matches


def layout(family: str, grid: list[list], township: str | None = None,
           cover: tuple[UnitsLine, ...] = (), spans: Spans | None = None) -> Layout:
    """:func:`_scan_header` of the sheet and what follows from it, memoised per layout
    (``township``: the name on the return's cover, which titles repeat; ``cover``: the units
    it states for every table; ``spans``: the sheet's merges across columns in the rows a
    header may take, :func:`header_spans`)."""
    cells = LAYOUT_CELLS.get(family)
    if cells is None or len(cells) > 1 << 16:
        cells = LAYOUT_CELLS[family] = LayoutCells(family)
    cells.township = township.strip() if township.__class__ is str else None
    standin = cells.__getitem__
    notes = units_notes(grid), cover, spans  # in every key: units stated under the table or on
    # the cover, and the header rows' merges (which columns a group is over)
    rows: list[tuple] = []
    for end in _FULL_ENDS.get(family, ()):
        if end >= len(grid):
            break
        rows.extend(tuple(map(standin, row)) for row in grid[len(rows):end + 1])
        hit = _HEADER_CACHE.get((family, tuple(rows), _below(grid, end + 1, family), notes))
        if hit is not None and hit.full:
            return hit
    rows.extend(tuple(map(standin, row)) for row in grid[len(rows):HEADER_SCAN_ROWS + 1])
    scan = (*notes, _sub_headers(family, grid))  # the stand-ins of words are alike (7-9月, 无)
    hit = _HEADER_CACHE.get((family, tuple(rows), scan))
    if hit is None:
        if len(_HEADER_CACHE) >= 4096:
            _HEADER_CACHE.clear()
        hit = Layout.of(family, grid, _scan_header(family, grid, spans), cover, spans)
        if hit.full:  # decided by the rows down to the header (and whether 本期 | 上年同期, or
            # a units row, is under it): remembered under those alone
            end = hit.header_rows[-1] + 1
            _HEADER_CACHE[(family, tuple(rows[:end]), _below(grid, end, family), notes)] = hit
            _FULL_ENDS[family] = tuple(sorted({*_FULL_ENDS.get(family, ()), end - 1}))
        else:
            _HEADER_CACHE[(family, tuple(rows), scan)] = hit
    return hit


def _below(grid: list, r: int, family: str) -> tuple[bool, tuple | None] | tuple:
    """What of row ``r`` (the one under a header) decides a layout: whether it holds a period's
    word (本期 | 上年同期 may make it part of the header: :func:`_scan_header`), and the units it
    states as a units row (:func:`units_row`) or a units line (:func:`units_line`); the same
    of the row after it where ``r`` numbers the columns (栏次)."""
    if r >= len(grid):
        return False, None
    row = grid[r]
    stated = units_row(row)
    if stated is not None:
        return has_period_word(row), stated
    key = has_period_word(row), None, units_line(row), r > 0 and sub_header(
        family, grid[r - 1], row) and tuple(norm(c) for c in row if not _blank(c))
    if numbers_columns(row) and r + 1 < len(grid):
        key += (units_row(grid[r + 1]), units_line(grid[r + 1]))
    return key


def _locate_header(family: str, grid: list[list]):
    """:func:`_scan_header`, memoised per layout (header rows, column index → mapping)."""
    hit = layout(family, grid)
    return hit.header_rows, dict(hit.mapping)


def _scan_header(family: str, grid: list[list], spans: Spans | None = None):
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
            # 本期 | 上年同期 under the row, or a sub-header (7-9月 | 1-9月累计): the pair wins a tie
            # (it leaves last year's columns, or the quarter's alone, out)
            periods = best[1] == (r,) and (has_period_word(scan[r + 1])
                                           or sub_header(family, scan[r], scan[r + 1]))
            if bound > best[0] or (periods and bound == best[0]):
                pair = _match_header(family, grid[r], grid[r + 1], _row_spans(spans, r))
                if len(pair) > best[0] or (periods and len(pair) == best[0]):
                    best = (len(pair), (r, r + 1), pair)
    return best[1], best[2] or {}
