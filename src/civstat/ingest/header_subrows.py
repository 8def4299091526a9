"""The rows and cells of a header beyond its own words: the row under it when it is a
sub-header (``7-9月 | 1-9月累计``, ``城市(元/人·月) | 农村(元/人·年)``), a column that only a units
row names under a header cell merged over it (保障标准 over ``元/人·月 | 元/人·年``: the standard's
other period, read as well), and a quarter's figures alone under a group that the form asks the
year so far of (累计救助户次 over ``本季度``: refused, never read as the year's) — with the small
helpers of a header's cells that :mod:`civstat.ingest.header` shares.
"""

from __future__ import annotations

from civstat.contract import Column
from civstat.ingest.cell_units import unit_period
from civstat.ingest.column_units import numbers_columns, units_line
from civstat.ingest.header_candidates import category_words, groups_over, period_alone
from civstat.ingest.header_standins import is_text
from civstat.ingest.normalize import header_key, is_blank, is_empty, norm
from civstat.ingest.qualifiers import Problem, has_period_word, part_word, units_row
from civstat.ingest.row_kinds import label_sets

HEADER_SCAN_ROWS = 12  # the rows a header may take, from the sheet's first

def cell_at(row: list, i: int):
    return row[i] if i < len(row) else None


Spans = tuple[tuple[int, tuple[tuple[int, int], ...]], ...]  # row → its merges across columns


def row_spans(spans: Spans | None, r: int) -> tuple[tuple[int, int], ...] | None:
    return next((s for row, s in spans if row == r), None) if spans else None


def part_under_group(upper: tuple | list | None, lower: tuple | list, i: int) -> str | None:
    """The words of the lower cell of column ``i`` of a two-row header stating a quarter's or a
    month's figure alone (7-9月, 本季度 under 累计救助户次), else None."""
    if upper is None:
        return None
    cell = cell_at(lower, i)
    return part_word(cell) if cell.__class__ is str and period_alone(cell) else None


def other_period_of(col: Column, unit: str | None, found) -> bool:
    """``col`` (a standard, ``period_units``) is found once, and ``unit`` states the other of
    its periods than that column's (保障标准 over 元/人·月 | 元/人·年: the urban standard per
    month in one, the rural per year in the other): the second column is read as well, each
    row's figure from the one it fills (:func:`civstat.ingest.columns._fill_row`)."""
    if not col.period_units or (period := unit_period(col, unit)) is None:
        return False
    taken = [u for c, u, _ in found if c is col]
    return len(taken) == 1 and unit_period(col, taken[0]) not in (None, period)


def blank(cell) -> bool:
    """:func:`is_blank`, without normalising ASCII text (NFKC and OpenCC leave it alone, so
    it is blank when empty or white space only)."""
    if cell.__class__ is str and cell.isascii():
        return not cell or cell.isspace()
    return is_blank(cell)


def under_merged(grid: list, header_rows: tuple[int, ...], mapping: dict, stated: dict,
                  spans: Spans | None) -> tuple[dict, Problem | None]:
    """The mapping with the columns a units row states a unit for under a header cell merged
    over them from a column's (保障标准 over 元/人·月 | 元/人·年: a standard's other period, read
    as well, :func:`other_period_of`); a problem for such a column of any other unit (资金 over
    元 | 万元: which column holds the figure cannot be told) — never a column left unread."""
    added, problem = {}, None
    for i, unit in stated.items():
        if i in mapping:
            continue
        owner = merged_over(grid, header_rows, i, spans)
        if owner is None or owner not in mapping:
            continue
        col, own, text = mapping[owner]
        own = own or stated.get(owner)
        if other_period_of(col, unit, [(col, own, text)]) and all(
                c is not col for c, _, _ in added.values()):
            added[i] = (col, unit, f"{norm(grid[header_rows[-1]][owner])}({unit})")
        elif problem is None:
            problem = Problem(
                "ambiguous_unit",
                f"{text} 的表头合并了两列,其下注明的单位为 {own or '(无)'} 和 {unit}:"
                "哪一列是本期数据无法确定(请每列单独写表头)",
                f"{text} is headed over two columns, their units {own or '(none)'} and {unit}: "
                "which holds the figure cannot be told (head each column of its own)",
                header_rows[-1] + 1, text)
    if not added:
        return mapping, problem
    return dict(sorted({**mapping, **added}.items())), problem


def merged_over(grid: list, header_rows: tuple[int, ...], i: int, spans: Spans | None
                 ) -> int | None:
    """The column whose header cell is merged over column ``i`` (blank in every header row):
    the nearest with a header on its left, within its merge where the merges are known."""
    rows = [grid[r] for r in header_rows]
    if any(not blank(cell_at(row, i)) for row in rows):
        return None
    for j in range(i - 1, -1, -1):
        if all(blank(cell_at(row, j)) for row in rows):
            continue
        if spans is None:
            return j
        reach = [last for r in header_rows for first, last in (row_spans(spans, r) or ())
                 if first == j]
        return j if reach and max(reach) >= i else None
    return None


def unread_header(grid: list, header_rows: tuple[int, ...], i: int,
                  spans: Spans | None = None) -> str:
    """The header of column ``i`` as the sheet writes it: the group over it, then its own."""
    text = norm(grid[header_rows[-1]][i])
    group = groups_of(grid, header_rows, spans).get(i, "")
    return f"{group}{text}" if group and group != text else text


def groups_of(grid: list, header_rows: tuple[int, ...] | None, spans: Spans | None = None
            ) -> dict[int, str]:
    """Column → the upper row's text over it in a two-row header (merged cells filled right,
    as far as the merge reaches where ``spans`` knows it: :func:`groups_over`)."""
    if header_rows is None or len(header_rows) < 2:
        return {}
    upper = grid[header_rows[0]]
    over = groups_over(upper, len(upper), row_spans(spans, header_rows[0]))
    return {i: "" if g is None else norm(g) for i, g in enumerate(over)}


def part_of_group(col: Column, text: str, word: str, row: int) -> Problem:
    """A column the form asks 1月至本期累计 for, headed as a group over a quarter's or a month's
    figure alone (累计救助户次 over 7-9月), and no column of the year so far beside it."""
    return Problem("not_cumulative",
                   f"{text}:本列应填1月至本期的累计数,表头 {col.header} 下写的是{word}的数,读作累计会少算:"
                   "请改填累计数(或加一列1月至本期累计)",
                   f"{text}: this column takes the year's total so far; under {col.header} the "
                   f"header says {word} alone, which read as the year's would fall short: fill "
                   "in the total so far (or add a column of it)", row + 1, text)


def sub_headers(family: str, grid: list) -> tuple:
    """The rows of the header scan that are sub-headers (:func:`sub_header`), with their words
    (which a refusal names): part of a layout's key, as their stand-ins are any text's."""
    return tuple((r, tuple(norm(c) for c in grid[r] if not blank(c)))
                 for r in range(1, min(len(grid), HEADER_SCAN_ROWS + 1))
                 if sub_header(family, grid[r - 1], grid[r]))


def sub_header(family: str, upper, lower) -> bool:
    """``lower`` is a row of words under the header row ``upper`` (7-9月 | 1-9月累计, 城市(元/人·月)
    | 农村(元/人·年)): two cells or more, every one text (no figure) under a header cell or right
    of one, none a category's or a 合计 row's label (a row of the table, its figures left blank)."""
    cells = [(i, c) for i, c in enumerate(lower) if not blank(c)]
    if len(cells) < 2 or any(not is_text(c) or is_empty(c) for _, c in cells):
        return False  # (无 | — | 本季度无灾情: a row saying none)
    if units_row(lower) is not None:
        return False  # 户 | 人 | 万元: the columns' units (header_units_row)
    first = next((i for i, c in enumerate(upper) if not blank(c)), None)
    if first is None or cells[0][0] < first:
        return False
    labels = category_words(family) | label_sets()[0]
    return not any(header_key(c)[0] in labels or norm(c) in labels for _, c in cells)


def sub_header_problem(family: str, grid: list, header_rows: tuple[int, ...],
                        spans: Spans | None) -> Problem | None:
    """The row under a one-row header that is a sub-header the reader cannot read
    (:func:`sub_header`; not a units row, a 栏次 row, a units line or a row of periods): read as
    data it would be refused for its words, or its columns' figures read in another sense."""
    r = header_rows[-1] + 1
    if len(header_rows) != 1 or r >= len(grid):
        return None
    row = grid[r]
    if (units_row(row) is not None or units_line(row) is not None or numbers_columns(row)
            or has_period_word(row) or not sub_header(family, grid[header_rows[0]], row)
            or not any(merged_over(grid, header_rows, i, spans) is not None
                       for i, c in enumerate(row) if not blank(c))):
        return None  # (a sub-header splits a header cell merged over its columns)
    words = " | ".join(norm(c) for c in row if not blank(c))
    return Problem("unknown_sub_header",
                   f"第{r + 1}行({words})是表头下的子表头,无法识别它所分的列:请每列单独写完整的表头"
                   "(如 累计救助户次(1-9月累计)),或删去这一行",
                   f"row {r + 1} ({words}) is a sub-header under the header, which the reader "
                   "cannot tell the columns of: head each column in full (累计救助户次(1-9月累计)), "
                   "or delete the row", r + 1, words)
