"""What the words around a sheet's header say about its columns: a units line above the table
(``金额单位:万元``, ``单位:户、人、万元``, a title ending ``(单位:万元)``) or a note under it
(``注:金额单位为万元``), and the periods a header
names (``上年同期`` over a group of columns, ``累计救助人次(上年同期)``, ``本期`` under a column's name).

A column whose header states no unit is read in the unit a units line states for its kind, else
in the form's own (元; 万元 for 直接经济损失); a units line that changes a column's reading is a
finding, one naming two units of a kind over a column stating neither is refused, and so is a
header unit with a magnitude the reader does not convert (百万元). The words are the contract's
(``unit_conversions``, ``other_period_words``, ``current_period_words`` in ``return.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from civstat.contract import Column, load_contract
from civstat.ingest.normalize import MAGNITUDE, header_key, is_empty, norm, unit_key


@dataclass(frozen=True)
class Problem:
    """Why a sheet's header cannot be read (the return is refused): reason code, messages,
    the 1-based row and the column's header."""

    code: str
    zh: str
    en: str
    row: int
    column: str
    sheet: str | None = None  # the sheet stating what cannot be read, when not this one (封面)


# -- units lines: 单位:户、人、元 / 金额单位:万元 above the table --------------------------------------
_STATEMENT = re.compile(r"(金额|计量|货币|资金|面积)?单位(?:为|是)?:?")
_UNIT_SEPARATORS = re.compile(r"[、,;/()和及。]")


@lru_cache(maxsize=4096)
def stated_units(text: str, note: bool = False) -> tuple[str, ...]:
    """The convertible units (``unit_conversions``; or a magnitude of one of their kinds the
    reader does not convert, 百万元, to be refused: :func:`unit_kind`) a units line states, in order:
    ``'金额单位:万元'`` → ``('万元',)``; ``'单位:户、人、元'`` → ``('元',)``; a title ending
    ``'(单位:万元)'`` → ``('万元',)``; ``'金额单位为万元'`` → ``('万元',)``. A bare 单位 counts
    at the start of the cell or in brackets only (``填报单位:马店镇`` states no unit) — anywhere
    in a ``note`` (``注:本表单位为万元``); a unit counts as a whole item of the list
    (``单位:元宝镇`` states none)."""
    text = norm(text)
    found: list[str] = []
    for m in _STATEMENT.finditer(text):
        bracketed = m.start() > 0 and text[m.start() - 1] == "("
        if m[1] is None and m.start() > 0 and not bracketed and not note:
            continue
        rest = text[m.end():]
        if bracketed:
            rest = rest.split(")", 1)[0]
        found += [item for item in _UNIT_SEPARATORS.split(rest) if unit_kind(item) is not None]
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4096)
def unit_kind(unit: str) -> str | None:
    """What a unit a units line states counts in: 元 for 万元 (``unit_conversions``), and for a
    magnitude the reader does not convert of one of their kinds (百万元, 亿元, 千人: a column of
    that kind read in it is refused); None for any other (户, 元宝镇)."""
    conversions = load_contract().unit_conversions
    if unit in conversions:
        return conversions[unit][0]
    base = unit.lstrip("十百千万亿")
    return base if base != unit and base in {c for c, _ in conversions.values()} else None


@lru_cache(maxsize=4096)
def units_statement(text: str) -> tuple[str, ...] | None:
    """The units a cell states when it is a units line and nothing else (``单位:户次``,
    ``计量单位:户、人、万元``, ``(单位:万元)``): each item one of the forms' units
    (:func:`row_unit`, or :func:`unit_kind`: 百万元 is stated, to be refused); None for any
    other text (``单位:元宝镇``, ``填报单位:马店镇``)."""
    text = norm(text).removeprefix("(").removesuffix(")")
    m = _STATEMENT.match(text)
    if m is None or text.isascii():
        return None
    items = [item for item in _UNIT_SEPARATORS.split(text[m.end():]) if item]
    units = tuple(item for item in items if _row_unit(item) or unit_kind(item))
    return units if units and len(units) == len(items) else None


def units_lines(grid: list, last_row: int) -> list[tuple[int, tuple[str, ...]]]:
    """(row, units) of every cell from the top down to ``last_row`` stating units (the layout
    memo keeps a units line's units, not its text: see :func:`civstat.ingest.header.layout`)."""
    return [(r, units) for r, row in enumerate(grid[:last_row + 1]) for cell in row
            if cell.__class__ is str and not cell.isascii() and (units := stated_units(cell))]


def units_notes(grid: list) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(row, units) of the notes that state units (``注:金额单位为万元`` under the table,
    ``说明:本表单位:万元``; a units line and nothing else, ``单位:万元``, alike), in the table's
    first column or, that one empty, the second (a 序号 column first): read as units lines
    wherever they stand."""
    out = []
    for r, row in enumerate(grid):
        cell = (row[0] if row[0] is not None else row[1] if len(row) > 1 else None) if row else None
        if cell.__class__ is str and ("单位" in cell or "單位" in cell):
            text = norm(cell)
            if text.startswith(_note_words()) and (units := stated_units(text, note=True)) or (units := units_statement(cell)) and (units := stated_units(text)):
                out.append((r, units))
    return tuple(out)


@cache
def _note_words() -> tuple[str, ...]:
    return tuple(norm(w) for w in load_contract().note_prefixes)


class UnitsLine(NamedTuple):
    """A line stating units: its row (0-based) and units, on the table's sheet or, ``sheet``
    named, on another that states them for every table (the cover)."""

    row: int
    units: tuple[str, ...]
    sheet: str | None = None

    def where(self) -> tuple[str, str]:
        """Where the line stands, in words (zh, en): ``第3行``, ``封面第12行``."""
        if self.sheet is None:
            return f"第{self.row + 1}行", f"row {self.row + 1}"
        return f"{self.sheet}第{self.row + 1}行", f"row {self.row + 1} of sheet {self.sheet}"


def cover_units(sheet: str, grid: list) -> tuple[UnitsLine, ...]:
    """The units the cover states for every table: a cell stating them (``金额单位:万元``, a title
    ending ``(金额单位:万元)``), or a label of its own and the value beside it (``金额单位`` |
    ``万元``). Read after each table's own lines, as a units line over every table would be."""
    out = []
    for r, row in enumerate(grid):
        cells = [c for c in row if c.__class__ is str and c.strip()]
        for i, cell in enumerate(cells):
            if "单位" not in cell and "單位" not in cell:
                continue
            text = norm(cell)
            if _STATEMENT.fullmatch(text) and i + 1 < len(cells):  # 金额单位 | 万元
                text = f"{text.rstrip(':')}:{norm(cells[i + 1])}"
            if units := stated_units(text):
                out.append(UnitsLine(r, units, sheet))
    return tuple(out)


@dataclass(frozen=True)
class LineUnit:
    """A column read in the unit a units line states (its header states none); or, when
    ``overruled``, in its header's though a units line states another."""

    header: str         # the column's header text
    unit: str           # the unit it is read in (万元)
    default: str | None  # the unit the column is read in without the line (元); overruled: the line's
    line: UnitsLine     # the line stating it
    overruled: bool = False


# -- a units row: 单位 | 户 | 人 | 万元 | 元/人·月 under the header ----------------------------------
@cache
def unit_vocabulary() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(units, their separator-free keys, labels) a units row may hold: every column's unit and
    form unit (人, 户, 元/人·月 …), those the reader converts (万元, 公顷), the standards' period
    units (元/年); the labels of its first cell (contract ``units_row_labels``: 单位, 计量单位)."""
    contract = load_contract()
    units = {norm(u) for s in contract.sheets for c in s.columns
             for u in (c.unit, c.header_unit, *c.period_units) if u}
    units |= {norm(u) for u in contract.unit_conversions}
    return (frozenset(units), frozenset(unit_key(u) for u in units if "/" in u),
            tuple(norm(w) for w in contract.units_row_labels))


def known_units() -> frozenset[str]:
    """Every unit of the forms (人, 户, 元/人·月 …) and every unit the reader converts (万元)."""
    return unit_vocabulary()[0]


def rate_keys() -> frozenset[str]:
    """The separator-free keys of the forms' rates (元月, 元年: :func:`unit_key`)."""
    return unit_vocabulary()[1]


def row_unit(cell) -> str | None:
    """The unit a cell of a units row states (``户``, ``(万元)``, ``元/人/月``, ``元/人·季``), else
    None."""
    if cell.__class__ is not str or not cell or cell.isascii():
        return None
    return _row_unit(cell)


@lru_cache(maxsize=4096)
def _row_unit(cell: str) -> str | None:
    text = norm(cell).removeprefix("(").removesuffix(")")
    units, rates, _ = unit_vocabulary()
    if text in units or unit_key(text) in rates or unread_period(text):
        return text
    return None


@lru_cache(maxsize=4096)
def header_unit(text: str) -> str | None:
    """``text``, normalised, when it is a unit a header may state after its words (``万元``,
    ``户``, ``元/人·月``, ``元/人·季``; a magnitude the reader does not convert before one of
    them, ``百万元``, to be refused as such), else None (人数, 女, 参训护理员)."""
    text = norm(text)
    if not text or text.isascii() or "(" in text:
        return None
    if _row_unit(text) is not None or _row_unit(text.lstrip("十百千万亿") or "-") is not None:
        return text
    return None


def units_row(row) -> tuple[tuple[int, str], ...] | None:
    """(column index, unit) of a row under (or right over) the header that states each
    column's unit (``单位 | 户 | 人 | 户 | 人 | 元 | 元/人·月``; the label cell blank or 单位 /
    计量单位, a column without a unit blank or ``—``), at least two of them; None for any other
    row (a number, a category, any other word)."""
    found = []
    for i, cell in enumerate(row):
        if cell is None or cell == "":
            continue
        unit = row_unit(cell)
        if unit is not None:
            found.append((i, unit))
        elif cell.__class__ is not str or not (
                norm(cell).startswith(unit_vocabulary()[2]) or is_empty(cell)
                or _DATE_FORMAT.fullmatch(norm(cell))):
            return None
    return tuple(found) if len(found) >= 2 else None


_DATE_FORMAT = re.compile(r"年[-/.]?月[-/.]?日|yyyy[-/.]?mm[-/.]?dd", re.IGNORECASE)  # a date's "unit"


def counts_alike(a: str, b: str) -> bool:
    """Two normalised units counting the same things: equal, or the same people (人, 人次)."""
    return a == b or a.rstrip("次") == b.rstrip("次")


def rates_money(rate: str, money: str) -> bool:
    """``money`` is the money of the rate ``rate`` (元 of 元/人·月: the period is the rate's)."""
    return "/" in rate and unit_key(money) == unit_key(rate)[:-1]


def same_unit(a: str, b: str) -> bool:
    """Two units that read a column alike: the same (``(元)`` and ``元``), the same people
    counted (人, 人次), or a rate and its money (元/人·月 and 元: the period is the header's)."""
    a, b = norm(a).removeprefix("(").removesuffix(")"), norm(b).removeprefix("(").removesuffix(")")
    if counts_alike(a, b):
        return True
    if not any(s in a + b for s in "/每"):
        return False
    return unit_key(a) == unit_key(b) or rates_money(a, b) or rates_money(b, a)


def row_unit_conflict(header: str, unit: str, stated: str, row: int,
                      said_at: int | None = None) -> Problem:
    """A header (or the units line in row ``said_at``) stating one unit, a units row another
    (资金(万元) over 元)."""
    zh, en = ("表头", "the header") if said_at is None else (f"第{said_at + 1}行", f"row {said_at + 1}")
    return Problem("ambiguous_unit",
                   f"{header}:{zh}的单位 {unit} 与第{row + 1}行注明的单位 {stated} 不一致,无法确定该列的单位",
                   f"{header}: {en} states {unit}, row {row + 1} {stated}: the column's unit "
                   "cannot be told", row + 1, header)


def row_unit_mismatch(col: Column, header: str, stated: str, row: int) -> Problem:
    """A units row stating a unit of another kind than its column's (元 under 期末保障户数)."""
    return Problem("unit_mismatch",
                   f"{header}:第{row + 1}行注明的单位 {stated} 与本列的单位 {col.unit} 不符,是否错列了?",
                   f"{header}: row {row + 1} states {stated}, but the column is in {col.unit}: "
                   "columns shifted?", row + 1, header)


def states_no_unit(unit: str | None) -> bool:
    """The header states no unit the reader converts (none, or one like 人 or 元/人·月)."""
    return not unit or norm(unit) not in load_contract().unit_conversions


def default_unit(col: Column) -> str | None:
    """The unit a column is read in when nothing states one: the form's (万元 for 直接经济损失)."""
    return col.header_unit if col.header_unit in load_contract().unit_conversions else col.unit


def line_unit(col: Column, lines: list[UnitsLine]) -> tuple[str | None, UnitsLine | None]:
    """(unit, the line stating it, with the units it states of the column's kind) for a column
    whose header states no unit: (None, None) when no line states a unit of its kind, or only
    the form's own; (None, line) when it names two of its kind, 元 and 万元 (which one is this
    column in?)."""
    default = default_unit(col)
    for line in lines:  # the first line stating a unit of its kind decides
        kind = tuple(u for u in line.units if unit_kind(u) == col.unit)
        if not kind:
            continue
        if kind == (default,):
            return None, None
        return (kind[0] if len(kind) == 1 else None), line._replace(units=kind)
    return None, None


def unknown_magnitude(col: Column, unit: str | None) -> bool:
    """A header unit of the column's kind with a magnitude the reader does not convert
    (百万元, 亿元): read as 元 it would be off by that magnitude."""
    conversions = load_contract().unit_conversions
    if not unit or col.unit not in {canonical for canonical, _ in conversions.values()}:
        return False
    unit = norm(unit)
    return unit not in conversions and bool(MAGNITUDE.search(unit))


def other_count(col: Column, header: str, unit: str | None, row: int) -> Problem | None:
    """A header stating a count of another kind than its column's (倒塌房屋(户) read as 倒塌房屋间数,
    in 间): the figure is not what the column counts."""
    if not other_count_unit(col.unit, unit):
        return None
    unit = norm(unit)
    return Problem("unit_mismatch",
                   f"{header} 的单位 {unit} 与本列({col.header})的单位 {col.unit} 不符:数的不是同一种东西,"
                   "是否填错了列?",
                   f"{header}: unit {unit}, but the column ({col.header}) counts {col.unit}: "
                   "another thing counted (the wrong column?)", row + 1, header)


def other_count_unit(col_unit: str | None, unit: str | None) -> bool:
    """``unit`` (a header's, or typed after a cell's number) counts another thing than a column
    counting ``col_unit`` (间 for 户; 人 and 人次 count the same people)."""
    if not unit or not col_unit:
        return False
    unit = norm(unit)
    counts = count_units()
    return unit in counts and col_unit in counts and not counts_alike(unit, col_unit)


@cache
def count_units() -> frozenset[str]:
    """The units the forms count in (人, 户, 间, 张 …): a column's plain unit, no rate, no money."""
    conversions = load_contract().unit_conversions
    return frozenset(c.unit for s in load_contract().sheets for c in s.columns
                     if c.unit and "/" not in c.unit and c.unit not in conversions and c.type == "int")


def unread_period(unit: str | None) -> str | None:
    """The period of a rate stated per one the reader does not convert (``元/人·季`` → 季,
    ``元/天``, ``万元每季度``), else None: standards and rates are read per month or per year
    only, and a figure per quarter read as either is off by 3 or 4 times (contract
    ``unread_rate_periods``)."""
    if not unit or not any(s in (text := norm(unit)) for s in "/每"):
        return None
    key = unit_key(text)
    money = next((m for m in ("万元", "千元", "元") if key.startswith(m)), "")
    rest = key[len(money):]
    return rest if money and rest in load_contract().unread_rate_periods else None


def unread_period_unit(header: str, unit: str | None, row: int) -> Problem | None:
    """A header stating its rate per a period the reader does not convert (保障标准(元/人·季))."""
    if (period := unread_period(unit)) is None:
        return None
    return Problem("unit_mismatch",
                   f"{header} 的单位 {unit} 是按{period}计的:请换算为 元/人·月 或 元/人·年 后填报",
                   f"{header}: unit {unit} is per {period}: convert it to 元/人·月 or 元/人·年",
                   row + 1, header)


def two_units(header: str, line: UnitsLine) -> Problem:
    """A column stating no unit under a units line naming two of its kind (元、万元)."""
    (zh, en), units = line.where(), line.units
    return Problem("ambiguous_unit",
                   f"{header} 表头未注明单位,而{zh}的单位同时写了{'和'.join(units)},无法确定该列的"
                   f"单位(请在表头注明,如 {header}({units[0]}))",
                   f"{header}: no unit in the header, and {en} states both "
                   f"{' and '.join(units)}: the column's unit cannot be told (state it in the header)",
                   line.row + 1, header, line.sheet)


def unknown_line_unit(col: Column, header: str, unit: str, line: UnitsLine) -> Problem:
    """A column stating no unit under a units line stating one of its kind with a magnitude the
    reader does not convert (单位:百万元): read as 元 it would be off by that magnitude."""
    known, (zh, en) = convertible_units(col), line.where()
    return Problem("ambiguous_unit",
                   f"{header} 表头未注明单位,{zh}注明的单位 {unit} 无法识别(可用 {known})",
                   f"{header}: no unit in the header, and {en} states {unit}, which is "
                   f"not recognised (use {known})", line.row + 1, header, line.sheet)


def convertible_units(col: Column) -> str:
    """The units a column of ``col``'s kind may be stated in: ``人、万人``; ``元、万元、千元、万``."""
    return "、".join(dict.fromkeys([col.unit, *(
        u for u, (canonical, _) in load_contract().unit_conversions.items() if canonical == col.unit)]))


def unknown_unit(col: Column, header: str, unit: str, row: int) -> Problem:
    """A header unit of the column's kind with a magnitude the reader does not convert."""
    known = convertible_units(col)
    return Problem("ambiguous_unit",
                   f"{header} 的单位 {unit} 无法识别(可用 {known})",
                   f"{header}: unit {unit} not recognised (use {known})", row + 1, header)


# -- periods: 上年同期 / 本期 -------------------------------------------------------------------
def has_period_word(row) -> bool:
    """A cell of the row is a period's word (本期, 上年同期 …)."""
    for cell in row:  # a loop, not any(): this runs on the row under every sheet's header
        if cell.__class__ is str and not cell.isascii() and key_period(*header_key(cell)):
            return True
    return False


def period_word(cell) -> str | None:
    """``other`` for a header of another period (上年同期…, 比上年增减, ``(上年同期)``), ``current``
    for the period's own word alone (本期, 本年累计), else None (words: the contract's)."""
    if cell.__class__ is not str or cell.isascii():
        return None
    return key_period(*header_key(cell))


def key_period(key: str, unit: str | None) -> str | None:
    """:func:`period_word` of a cell's header key and unit."""
    other, current = period_words()
    if key.startswith(other) or (unit and norm(unit).startswith(other)):
        return "other"
    return "current" if key in current else None


_MONTH_NUMBER = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"  # 9, 九, 十二
_MONTHS = re.compile(rf"{_MONTH_NUMBER}(?:月份?)?[-~—–至到]{_MONTH_NUMBER}月份?")  # 7-9月, 七至九月, 7月份至9月份
_MONTH = re.compile(rf"{_MONTH_NUMBER}月份?")  # 9月, 九月 (a row's whole label)
_FROM_JANUARY = re.compile(r"(?<![\d十])[1一]月份?[至到]")  # 1月至本季度 (not 11月至12月)
_CN_MONTH_DIGITS = str.maketrans({"一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                                  "六": "6", "七": "7", "八": "8", "九": "9"})


def part_period(col: Column, header: str, row: int) -> Problem | None:
    """A column the form asks 1月至本期累计 for (kind ytd) whose header states a quarter's or a
    month's figure alone (救助户次(本季度), 本月 over it, 7-9月): read as the year's so far it
    would fall short of it."""
    if col.kind != "ytd" or (word := part_word(header)) is None:
        return None
    return Problem("not_cumulative",
                   f"{header}:本列应填1月至本期的累计数,表头写的是{word}的数,读作累计会少算:请改填累计数",
                   f"{header}: this column takes the year's total so far; the header says {word} "
                   "alone, which read as the year's would fall short: fill in the total so far",
                   row + 1, header)


def part_word(text: str) -> str | None:
    """The words, as written, that make ``text`` (a header, a row's label) a quarter's or a
    month's figure alone (本季度, 当月, 7-9月, 七至九月; a label that is a month alone, 9月), else
    None: 1月至本季度累计, 1-9月, 截至本季度末 (contract ``cumulative_words``) are the year's so
    far."""
    text = norm(text)
    if any(w in text for w in _cumulative_words()):
        return None
    months = _MONTHS.search(text) or _MONTH.fullmatch(text)
    if _FROM_JANUARY.search(text) or (months and months.re is _MONTHS
                                      and _month_number(months[1]) == 1):
        return None
    return next((w for w in _part_words() if w in text), None) or (months[0] if months else None)


def month_span(text: str) -> tuple[int, int] | None:
    """(first, last) month of a label that names months alone (``7-9月`` → (7, 9), ``九月`` →
    (9, 9), ``一至九月`` → (1, 9)), else None (本季度: which months is not said)."""
    text = norm(text)
    if months := _MONTHS.fullmatch(text):
        return _month_number(months[1]), _month_number(months[2])
    if month := _MONTH.fullmatch(text):
        return (number := _month_number(month[1])), number
    return None


def _month_number(digits: str) -> int:
    """一 → 1, 十二 → 12, 9 → 9: a month written in digits or Chinese numerals."""
    return int({"十": "10", "十一": "11", "十二": "12"}.get(digits) or digits.translate(_CN_MONTH_DIGITS))


@cache
def _cumulative_words() -> tuple[str, ...]:
    return tuple(norm(w) for w in load_contract().cumulative_words)


@cache
def _part_words() -> tuple[str, ...]:
    return tuple(norm(w) for w in load_contract().part_period_words)


@cache
def period_words() -> tuple[tuple[str, ...], frozenset[str]]:
    contract = load_contract()
    return (tuple(norm(w) for w in contract.other_period_words),
            frozenset(norm(w) for w in contract.current_period_words))
