"""What a row of a table is, by its first cell and its label: a footer or another period's row
(dropped), a 合计, a category of the contract (一、城市低保 numbered as clerks number them), a
row of a quarter or month alone (本季度) in a one-row sheet, or a row of its own (an institution,
an event). Memoised per sheet and per (first cell, label): labels repeat across returns."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from civstat.contract import Sheet, load_contract
from civstat.ingest.normalize import LABEL_NUMBER, norm
from civstat.ingest.qualifiers import part_word, period_word, units_statement


@cache
def label_sets() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """合计 labels, footer words, and the first cells of a row numbering the columns (甲, 栏次)."""
    contract = load_contract()
    return (frozenset(norm(t) for t in contract.total_labels),
            tuple(norm(p) for p in contract.footer_prefixes),
            frozenset(norm(t) for t in contract.column_number_labels))


@cache
def _total_words() -> tuple[str, ...]:
    """The 合计 labels of two characters (合计, 小计, 总计, 共计): a label starting or ending with
    one (公办小计, 小计(公办)) totals a group of institutions or events."""
    return tuple(t for t in label_sets()[0] if len(t) == 2)


_CATEGORY_INDEX: dict[int, tuple[Sheet, dict[str, str]]] = {}


def _category(sheet: Sheet, label: str) -> str | None:
    """The code of the first category whose label or synonym is ``label`` (normalised), or is
    once the number a clerk put before it is taken off (一、城市低保, (一)城市低保, 1.农村低保,
    ①城市低保), or the 其中 before it (合计 over 其中:城市低保 | 其中:农村低保)."""
    entry = _CATEGORY_INDEX.get(id(sheet))
    if entry is None or entry[0] is not sheet:
        index: dict[str, str] = {}
        for cat in sheet.categories:
            for name in (cat.label, *cat.synonyms):
                index.setdefault(norm(name), cat.code)
        entry = _CATEGORY_INDEX[id(sheet)] = (sheet, index)
    key = norm(label)
    code = entry[1].get(key)
    if code is None:
        code = entry[1].get(LABEL_NUMBER.sub("", key, count=1))
    if code is None and key.startswith("其中"):
        code = entry[1].get(key.removeprefix("其中").lstrip(":"))
    return code


# a year before another period's word: 2023年同期, 二〇二三年同期数 (the year named is another)
_YEAR = re.compile(r"\s*(?:(?:19|20)\d{2}|[一二][〇零○][一二三四五六七八九〇零○]{2})\s*年度?")


def row_period(cell) -> str | None:
    """``other`` for a row label of another period (上年同期, 比上年增减, 2023年同期), ``current``
    for the period's own word alone (本期, 本年), else None (:func:`qualifiers.period_word`)."""
    return _text_period(cell) if cell.__class__ is str and not cell.isascii() else None


@lru_cache(maxsize=4096)
def _text_period(cell: str) -> str | None:
    word = period_word(cell)
    if word is None and (year := _YEAR.match(cell)) is not None and year.end() < len(cell):
        return "other" if period_word(cell[year.end():]) == "other" else None
    return word


PART_PERIOD = "part_period"  # the code of a one-row sheet's row of a quarter or month alone
PART_ROW = "part_row"  # the code of a category sheet's 其中 row (其中:残疾人 under 城市低保)


class RowKinds(dict):
    """(first non-blank cell, row label) → None for a row to drop (a footer; a row of another
    period, 上年同期), else (is 合计, category code — None when the label is no category)."""

    def __init__(self, sheet: Sheet):
        super().__init__()
        self.sheet = sheet
        self.part_rows = sheet.row_kind == "single" and any(  # a quarter's row would misread
            c.kind == "ytd" for c in sheet.columns)

    def __missing__(self, key):
        first, label = key
        if label is None and first != "0" and first.isascii() and _words_apart():
            return self["0", None]  # a one-row sheet's figure, a date: all ASCII reads alike
        if len(self) > 1 << 16:
            self.clear()
        value = self[key] = self.classify(*key)
        return value

    def classify(self, first, label):
        totals, footers, numbering = label_sets()
        key = norm(first)
        if key.startswith(footers) or key in numbering or row_period(first) == "other":
            return None  # a footer, the columns' numbers (甲 | 乙 | 1 | 2 …), another period's row
            # (上年同期, 2023年同期); one of a sub-title's: :mod:`civstat.ingest.period_titles`
        if "单位" in key and units_statement(first) is not None:
            return None  # 单位:万元 under the table: read as a units line (qualifiers.units_notes)
        key = norm(label if label is not None else first).rstrip(":")
        is_total = key in totals
        if self.sheet.row_kind == "category":
            code = "total" if is_total else _category(self.sheet, label) if label is not None else None
            if code is None and key.startswith("其中"):
                return False, PART_ROW  # 其中:残疾人 under 城市低保: a part of it, no category
            return is_total, code
        if key.startswith("其中"):
            return None  # 其中:公办 under a row: a part of it, not an institution or event of its own
        if self.part_rows and part_word(key):
            return False, PART_PERIOD  # 本季度 | 7-9月: not the year's so far its columns ask
        words = _total_words()  # 公办小计, 小计(公办), 民办合计: a group's total, no institution
        return is_total or key.startswith(words) or key.endswith(words), None


_ROW_KINDS: dict[int, RowKinds] = {}


@cache
def _words_apart() -> bool:
    """No 合计 or footer word starts with an ASCII character (so a row whose first cell is ASCII
    text — a number, a date — is no footer nor total, whatever it holds; ASCII holds no period
    word)."""
    totals, footers, numbering = label_sets()
    return not any(w[:1].isascii() for w in (*totals, *footers, *numbering))


def row_kinds(sheet: Sheet) -> RowKinds:
    kinds = _ROW_KINDS.get(id(sheet))
    if kinds is None or kinds.sheet is not sheet:
        kinds = _ROW_KINDS[id(sheet)] = RowKinds(sheet)
    return kinds

