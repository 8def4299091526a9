"""What each column of a header may be read as: its own text, or, under a group (the upper row
of a two-row header, merged over its parts), the group and the part together — the keys to
look the contract's columns up by (:func:`civstat.ingest.header.layout` takes the first found).
"""

from __future__ import annotations

import re
from functools import cache

from civstat.contract import Column, load_contract
from civstat.ingest.normalize import header_key, is_blank, named_key, norm
from civstat.ingest.qualifiers import (
    count_units,
    month_span,
    part_word,
    period_word,
    period_words,
    row_unit,
    same_unit,
)


def derived_totals(sheet, found: set[int]) -> tuple[tuple[Column, tuple[Column, ...]], ...]:
    """(total, its parts) for each total the header has not and whose parts it has, the contract
    saying they add up to it (``parts_add_up``: 期末供养人数 = 集中 + 分散); ``found``: the ids of
    the columns the header has."""
    return tuple((c, parts) for c in sheet.columns if c.parts_add_up and id(c) not in found
                 and (parts := tuple(p for p in sheet.columns if p.of == c.name))
                 and all(id(p) in found for p in parts))


@cache
def column_index(family: str) -> dict[str, Column]:
    """Header key → the family's column it names (its header, synonyms, group and short name)."""
    sheet = load_contract().sheet(family)
    index: dict[str, Column] = {}
    for col in sheet.columns:
        names = [col.header, *col.synonyms]
        if col.group and col.short:
            names.append(col.group + col.short)
        for name in names:
            index.setdefault(header_key(name)[0], col)
    return index


def _cell(row, i: int):
    return row[i] if i < len(row) else None


@cache
def _total_words() -> frozenset[str]:
    """The contract's 合计 labels (合计, 小计, 总计 …): a part under a group that is its total."""
    return frozenset(norm(t) for t in load_contract().total_labels)


def groups_over(upper: tuple, width: int, spans: tuple | None = None) -> list:
    """Column → the upper row's cell over it (``width`` columns): its own, else the nearest one
    not blank on its left — within that cell's merged range where the row's merges are known
    (``spans``: (first, last) column of each merge across the row, the columns the group is over;
    None: not known, as in a CSV, or the row merges none: a group then reaches the next one)."""
    starts = None if spans is None else dict(spans)
    out, carry, end = [], None, None
    for i in range(width):
        cell = _cell(upper, i)
        if not is_blank(cell):
            carry, end = cell, None if starts is None else starts.get(i, i)
        elif end is not None and i > end:
            carry = None  # right of a merged group: a column headed in the lower row alone
        out.append(carry)
    return out


def candidates(family: str, upper: tuple | None, lower: tuple, spans: tuple | None = None
               ) -> list[list[tuple[str, str | None, str]]]:
    """Per column of a header (one row, or two: a merged group over its parts), the (key, unit,
    text) it may be read as, best first: group and the count its part names (期末保障 over 户 or
    (户): 期末保障户数), group and part joined (期末保障 | 户数), part and group joined (集中 under
    供养标准), the group over a part that is its total (期末供养人数 over 合计 | 集中 | 分散), the
    part alone, the part in place of the group's first words where that names a part of the
    group's column (集中 under 期末供养人数: 集中供养人数, of 期末供养人数; under a 其中 group, of
    the column left of it), the group alone
    over a blank part or over the period's own word (累计救助人次 over 本期). None for a column of
    another period (上年同期 over it, or 比上年增减, 累计救助人次(上年同期)). ``spans``: the upper
    row's merges (:func:`groups_over`)."""
    out: list[list[tuple[str, str | None, str]]] = []
    previous = None
    groups = groups_over(upper, len(lower), spans) if upper is not None else None
    for i in range(len(lower)):
        up = _cell(upper, i) if upper is not None else None
        if groups is not None and not is_blank(_cell(lower, i)):
            up = groups[i]  # a part under its group (merged cells: the upper row filled right)
        lo = _cell(lower, i)
        found: list[tuple[str, str | None, str]] = []
        out.append(found)
        if period_word(up) == "other" or period_word(lo) == "other":
            continue
        joined = up is not None and not is_blank(lo)
        if joined:
            (uk, uu), (lk, lu) = header_key(up), header_key(lo)
            if (counted := lk or lu) in count_units():  # 期末保障 over 户 | 人, (户) | (人): 期末保障户数
                found.append((f"{uk}{counted}数", counted, f"{norm(up)}{norm(lo)}"))
            found.append((uk + lk, lu or uu, f"{norm(up)}{norm(lo)}"))
            # 供养标准(元/人·年) over 集中 | 分散: the part names the kind first (集中供养标准)
            found.append((lk + uk, lu or uu, f"{norm(lo)}{norm(up)}"))
            if lk in _total_words():  # 期末供养人数 over 合计: the group's own column
                found.append((uk, lu or uu, f"{norm(up)}{norm(lo)}"))
        if not is_blank(lo):
            found += _own(lo)
        if joined and uk and lu and lk in category_words(family):  # 保障标准 over 城市(元/人·月) |
            # 农村(元/人·年): the group's column, in the unit the category's column states
            found.append((uk, lu, f"{norm(up)}({lk}{lu})"))
        if joined and uk and (said := row_unit(lo)) is not None and (uu is None
                                                                     or same_unit(uu, said)):  # 保障标准 over 元/人·月 | 元/人·年:
            # the group's column, in the unit under it (a second column of another period of a
            # standard is read as well: header._match_rows)
            found.append((uk, said, f"{norm(up)}({said})"))
        if joined and lk:  # 集中 under 期末供养人数 (集中供养人数), under 累计支出供养资金 (集中供养资金),
            # under 其中 right of 期末供养人数 (期末供养人数 | 其中, over 集中 | 分散)
            whole = uk or (previous if norm(up).rstrip(":") == "其中" else "")
            found += _parts(family, whole, lk, lu or uu, norm(lo))
        elif up is not None and not is_blank(up) and is_blank(lo):
            previous = header_key(up)[0]  # a column of its own, headed in the upper row
        if up is not None and not is_blank(up) and (is_blank(lo) or period_word(lo) == "current"
                                                    or period_alone(lo)):
            if not is_blank(lo) and part_word(lo) is not None:  # 本季度 under 救助户次: the
                # quarter's figure alone, which a column of the year so far is not (part_period)
                found += [(key, unit, text + norm(lo)) for key, unit, text in _own(up)]
            else:
                found += _own(up)
    return out


_FROM_JANUARY_TO = re.compile(r"^[1一]月份?(?:[至到~—–-]|起至)(?:本季度?|本期|本月|当季度?|当月"
                              r"|\d{1,2}月份?|十[一二]?月份?|[一二三四五六七八九]月份?)(?:末|底)?$")


def period_alone(cell) -> bool:
    """A header cell that states only the months of the figures under it: a quarter's or a
    month's alone (7-9月, 九月, 本季度, 当月) or the year's so far (1-9月, 1-9月累计, 1月至本季度累计,
    本年累计) — under a group (累计救助户次 over 7-9月 | 1-9月累计), the group's column for those
    months (:func:`civstat.ingest.header_subrows.part_under_group` refuses or passes over the former)."""
    if cell.__class__ is not str or is_blank(cell):
        return False
    text = norm(cell)
    for word in ("累计数", "累计", "以来", "止"):
        text = text.replace(word, "")
    _, current = period_words()
    return (not text or text in current or month_span(text) is not None
            or _FROM_JANUARY_TO.fullmatch(text) is not None or part_word(cell) == text)


@cache
def category_words(family: str) -> frozenset[str]:
    """The header keys of the family's categories' words (城市, 城镇低保, 农村 …)."""
    sheet = load_contract().sheet(family)
    return frozenset(header_key(w)[0] for c in sheet.categories for w in (c.label, *c.synonyms))


def _own(cell) -> list[tuple[str, str | None, str]]:
    """A header cell read alone: its key and the unit it states; then, where it states none
    and its words end in a unit the reader converts (资金万元, 面积公顷), the words before it in
    that unit — tried last, only where the whole words name no column."""
    key, unit = header_key(cell)
    out = [(key, unit, norm(cell))]
    if unit is None and (tail := unit_tail(key)) is not None:
        out.append((key[:-len(tail)], tail, norm(cell)))
    if (named := named_key(cell)) is not None:  # 孤儿人数(集中养育): a bracket that is no unit
        out.append((*named, norm(cell)))        # names a part of the column (孤儿人数集中养育)
    return out


@cache
def _tails() -> tuple[str, ...]:
    """The units a header's words may end in with no bracket or mark before them: those the
    reader converts (``unit_conversions``), longest first (万元 before 元); not 万 alone."""
    return tuple(sorted((u for u in load_contract().unit_conversions if len(u) > 1 or u != "万"),
                        key=len, reverse=True))


def unit_tail(key: str) -> str | None:
    """The unit ``key`` (a header key) ends in, with words before it (:func:`_own`), else None."""
    return next((u for u in _tails() if key.endswith(u) and len(key) > len(u)), None)


def _parts(family: str, group: str, part: str, unit: str | None, text: str
           ) -> list[tuple[str, str | None, str]]:
    """The part written in place of the group's first words (期末 of 期末供养人数, 累计支出 of
    累计支出供养资金) where that names a column the contract counts as part of the group's
    (集中 under 期末供养人数: 集中供养人数, of 期末供养人数); never one of another column (集中
    under 本年新增人数 is no 集中供养人数)."""
    index = column_index(family)
    whole = index.get(group)
    if whole is None:
        return []
    out = []
    for j in range(1, len(group) - 1):
        col = index.get(key := part + group[j:])
        if col is not None and col.of == whole.name:
            out.append((key, unit, f"{text}{group[j:]}"))
    return out
