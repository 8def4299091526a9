"""The stand-ins of the layout memo (:func:`civstat.ingest.header.layout`): a cell of a sheet's
header scan as it matters to finding the header. A cell that can match no column — a number,
a title naming the township, a note — becomes a stand-in with the same flags, so every return
filled in on one template reads as the same layout and its header is worked out once.

What is kept as itself is what decides a layout: any text that is part of a header key of the
family, the row label's and row-number column's words, a 栏次 row's first cell; a units cell
keeps its unit, a period word its period.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise

from civstat.contract import load_contract
from civstat.ingest.header_candidates import category_words, period_alone, unit_tail
from civstat.ingest.header_candidates import column_index as _column_index
from civstat.ingest.normalize import header_key, is_blank, norm
from civstat.ingest.qualifiers import (
    key_period,
    period_words,
    row_unit,
    stated_units,
    units_statement,
)

_NUMERIC = re.compile(r"\s*[-+]?[\d,.，．]+\s*%?\s*")


def is_text(cell) -> bool:
    """Text that could be a header: not blank, not a number written as text."""
    return isinstance(cell, str) and not _NUMERIC.fullmatch(cell) and not is_blank(cell)


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


@cache
def label_words(family: str) -> tuple[frozenset[str], frozenset[str]]:
    """Header keys of the family's row label (类别, 项目 …) and of a row-number column (序号 …)."""
    sheet = load_contract().sheet(family)
    labels = (sheet.label.header, *sheet.label.synonyms) if sheet.label else ()
    return (frozenset(header_key(t)[0] for t in labels),
            frozenset(header_key(t)[0] for t in load_contract().row_number_headers))


@cache
def note_headers() -> tuple[str, ...]:
    """Headers of a column of notes or contacts (备注, 说明, 联系电话: the contract's footer and
    note words), never an indicator the form lacks."""
    contract = load_contract()
    return tuple(norm(w) for w in (*contract.footer_prefixes, *contract.note_prefixes, "电话", "手机"))


@cache
def _kept(family: str) -> frozenset[str]:
    """Keys of cells that stand for themselves in a layout: the row label's (类别) and a
    row-number column's (序号) words, which decide the label column, and a 栏次 row's first cell
    (甲, 栏次), which decides where a units row under it stands."""
    labels, numbers = label_words(family)
    return labels | numbers | {header_key(t)[0] for t in load_contract().column_number_labels}


def _layout_cell(cell, affixes: frozenset[str], digits_free: bool, kept: frozenset[str],
                 categories: frozenset[str] = frozenset()):
    """A cell of the header scan as it matters to :func:`_locate_header`: cells that can match
    no column (numbers, a title naming the township) become a stand-in with the same flags."""
    if cell.isascii():
        if digits_free and _PLAIN_NUMBER.fullmatch(cell):
            return _NUMBER_MARK  # its key holds a digit, which no header key does
        if not cell or cell.isspace():
            return cell
    elif is_blank(cell):
        return cell
    key, unit = header_key(cell)
    if not key or key in affixes or key in kept:  # kept: 类别 / 序号 / 栏次 (:func:`_kept`)
        return cell
    if unit is not None and key in categories:  # 城市(元/人·月) under 保障标准: the unit of the
        return cell                             # category's column
    if period_alone(cell):  # 7-9月 | 1-9月累计 under a group: which is the year's so far decides
        return cell         # (and the header's words name it in a refusal)
    if unit is None and unit_tail(key) is not None:  # 资金万元: its unit decides the column's
        return cell
    if (unit := row_unit(cell)) is not None:  # a units row's cell: its unit decides the column's
        return _TEXT_MARK + "unit:" + unit
    if norm(cell).startswith(note_headers()):  # 备注, 填表人:张三: no column the form lacks
        return _TEXT_MARK + "note"
    # a units line: its units decide columns' units (and the text may name the township); one
    # stating none the reader converts (单位:户次) holds no data under the header
    if "单位" in norm(cell) and (units := stated_units(cell) or units_statement(cell)):
        return _TEXT_MARK + "、".join(units)
    period = key_period(key, unit)
    if period is not None:  # 上年同期 / 本期 over a column decide whether it is read
        return _TEXT_MARK + period
    if is_text(cell):  # a title naming the township: whatever the keys hold, \x00 is in none
        return _TEXT_MARK
    return _NUMBER_MARK if digits_free else cell  # "0" could be an affix where keys hold digits


class LayoutCells(dict):
    """cell → :func:`_layout_cell` of one family, filled on first sight of a cell."""

    township: str | None = None  # the name the return's cover gives (set per sheet)

    def __init__(self, family: str):
        super().__init__()
        self.family = family
        self[None] = None

    def __missing__(self, cell):
        if cell.__class__ is not str:  # 1, 1.0 and True are equal keys: never memoised
            return (cell.__class__, cell)
        name = self.township
        if name is not None and name in cell:
            placed = place_name(self.family, name, cell)
            if placed is not None:  # the same title in every return: worked out once …
                value = self[placed]
                if _PLACE not in value:  # … unless the cell is its own stand-in (a header's
                    return value         # text, (马店镇) read as a unit): then it is itself
        value = _layout_cell(cell, _affixes(self.family), _digits_free(self.family),
                             _kept(self.family), category_words(self.family))
        self[cell] = value
        return value


LAYOUT_CELLS: dict[str, LayoutCells] = {}

# A title naming the township (高塘街道2024年第四季度民政统计季报——最低生活保障) is new text in
# every return. Where the name stands apart in it (no Chinese character either side), the cell
# reads as it would with any other name, so its stand-in is looked up with the name replaced by
# _PLACE and a province's titles are worked out once. A name that could change how the cell
# reads is never replaced: one holding anything but Chinese characters, a traditional
# character, a header's words (保障), a period word (上年), a numeral first (二十、 numbers an
# item), 其中 first; nor is a cell holding 单位 (its units are read from the text), nor one that
# is its own stand-in (a header's text, or (马店镇) read as a unit).
_PLACE = "\u3400"  # 㐀: a character no header, label or period word holds
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_NAME = re.compile(f"[{_CJK}]{{2,20}}")


@lru_cache(maxsize=4096)
def _name_apart(name: str) -> bool:
    """The name can be replaced where it stands apart in a cell (whatever the sheet)."""
    if not _CJK_NAME.fullmatch(name) or _PLACE in name or norm(name) != name:
        return False
    if name[0] in "一二三四五六七八九十" or name.startswith("其中") or "单位" in name:
        return False
    other, current = period_words()
    return not any(w and (w in name or name in w) for w in (*other, *current))


@cache
def _family_words(family: str) -> str:
    """The family's header keys, row-label and row-number words, one a line (a name found in
    them is never replaced: it could be read as a header)."""
    labels, numbers = label_words(family)
    return "\n".join((*_column_index(family), *labels, *numbers))


_is_cjk = re.compile(f"[{_CJK}]").match  # a Chinese character (the range _CJK_NAME holds)


def place_name(family: str, name: str, cell: str) -> str | None:
    """``cell`` with the township's name replaced by :data:`_PLACE`, or None when it is kept."""
    if (not _name_apart(name) or name in _family_words(family)
            or "单位" in cell or "單位" in cell):
        return None
    parts = cell.split(name)
    for left, right in pairwise(parts):  # each place the name stands: apart, or kept
        if (left and _is_cjk(left[-1])) or (right and _is_cjk(right[0])):
            return None
    return _PLACE.join(parts)
