"""Which cells of a cover are its fields' labels: a label (or synonym) of the contract's
cover fields, with 其中: before it, a unit in brackets (户籍人口(万人)) or its value inline after a
colon (填报单位:马店镇) — memoised, as a province's covers share their labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from civstat.contract import Column, load_contract
from civstat.ingest.normalize import header_key, is_blank, norm

QIZHONG = re.compile(r"^\s*其中\s*[:：]?\s*")

COLON = re.compile(r"\s*[:：]\s*")

BARE_UNIT = re.compile(r"^(?:\(([^()]{0,6})\)|人|户|元|万元|张|个|岁)$")

@dataclass(frozen=True)
class Label:
    field: Column
    row: int            # 0-based grid row of the label
    col: int            # 0-based grid column of the label
    inline: str | None  # value written in the label's own cell (填报单位:马店镇)

@dataclass(frozen=True)
class Found:
    field: Column
    raw: object | None  # the value as written, None when blank
    row: int            # 0-based row and column of the value (of the label when blank)
    col: int
    unit: str | None = None  # the unit the label states (户籍人口(万人): 万人)

class LabelRead(NamedTuple):
    field: Column
    inline: str | None  # the value written in the label's own cell (填报单位:马店镇)
    unit: str | None    # the unit in the label's brackets (户籍人口(万人): 万人)

@cache
def cover_index() -> dict[str, Column]:
    """Normalised label (and synonym) → cover field."""
    index: dict[str, Column] = {}
    for f in load_contract().cover_fields:
        for name in (f.header, *f.synonyms):
            index.setdefault(header_key(name)[0], f)
    return index

def field_of(label: str) -> Column | None:
    key = header_key(label)[0]
    return cover_index().get(key) if key else None

@lru_cache(maxsize=4096)
def read_label(text: str) -> LabelRead | None:
    """``'其中：城镇人口（万人）'`` → (pop_urban, None, '万人'); ``'填报单位:马店镇'`` →
    (unit_name, '马店镇', None)."""
    body = QIZHONG.sub("", text.strip())
    whole = field_of(body)
    if whole is not None:
        return LabelRead(whole, None, header_key(body)[1])
    for parts in (COLON.split(body, maxsplit=1), body.split(None, 1)):
        if len(parts) == 2:
            head = field_of(parts[0])
            if head is not None:
                return LabelRead(head, parts[1].strip() or None, header_key(parts[0])[1])
    return None

@cache
def ascii_unlabelled() -> bool:
    """Every label key holds a Chinese character: a cell of ASCII text is no label (its key,
    after NFKC and without white space, is ASCII too)."""
    return not any(key.isascii() for key in cover_index())

def label_at(grid: list[list], r: int, c: int) -> LabelRead | None:
    cell = grid[r][c] if c < len(grid[r]) else None
    if not isinstance(cell, str) or (cell.isascii() and ascii_unlabelled()):
        return None
    return cell_label(cell)

@lru_cache(maxsize=1 << 14)
def cell_label(cell: str) -> LabelRead | None:
    """:func:`label_at` of a text cell, memoised: a province's covers share their labels."""
    return None if is_blank(cell) else read_label(cell)

def is_bare_unit(cell: object) -> bool:
    return isinstance(cell, str) and bool(BARE_UNIT.match(norm(cell)))

def labels_of(grid: list[list]) -> list[Label]:
    skip_ascii = ascii_unlabelled()
    return [Label(found[0], r, c, found[1])
            for r, row in enumerate(grid) for c, cell in enumerate(row)
            if isinstance(cell, str) and not (skip_ascii and cell.isascii())
            and (found := cell_label(cell)) is not None]
