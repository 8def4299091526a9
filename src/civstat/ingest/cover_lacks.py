"""What a cover lacks, told as it is: a field the reader needs (户籍人口, 城镇人口, 农村人口, 填报日期)
left out, and a label it does not know written with a figure by it (``低保对象总数(人) | 1234``,
a misspelt ``户藉人口(人) | 32000``) — a finding naming the label, its row and cell and the figure,
which is not read; a field left out beside it is then told 未读到 (a label like its own carries a
figure) or 没有…栏目, never 封面未填 of a figure the clerk did write.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import NamedTuple

from civstat.contract import Column, load_contract
from civstat.ingest.cover_labels import COLON, QIZHONG, Found, cell_label, is_bare_unit, label_at
from civstat.ingest.cover_period import cell_address
from civstat.ingest.normalize import header_key, is_blank, parse_number
from civstat.ingest.refusal import Finding

# Left out, these make figures missing (coverage rates) or ambiguous (which correction is newest).
EXPECTED_FIELDS = ("pop_total", "pop_urban", "pop_rural", "fill_date")
_HAN = re.compile(r"[\u3400-\u9fff]")

class Unknown(NamedTuple):
    """A label the cover's fields do not know, with a figure written by it (低保对象总数(人) |
    1234; 户藉人口(人) | 32000, a misspelt field): 0-based rows and columns."""

    label: str
    raw: object   # the figure as written
    row: int      # of the label
    col: int
    value_row: int
    value_col: int

def is_figure(cell: object) -> bool:
    """A cell holding a number (1234, '1,234', '1234人')."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return math.isfinite(cell)
    if not isinstance(cell, str) or is_blank(cell):
        return False
    try:
        return parse_number(cell) is not None
    except (ValueError, OverflowError):
        return False

def unknown_labels(grid: list[list], found: dict[str, Found], again: list[Found]
                    ) -> list[Unknown]:
    """Text cells that are no field's label nor a field's value, with a figure in the same cell
    after a colon (低保对象总数:1234) or in the next written cell to the right: the clerk wrote
    a figure the reader does not read, and is told so (not that a field was left empty)."""
    taken = {(f.row, f.col) for f in (*found.values(), *again)}
    label_rows = {r for r, row in enumerate(grid)
                  if sum(label_at(grid, r, c) is not None for c in range(len(row))) >= 2
                  and all(label_at(grid, r, c) is not None or cell is None
                          or (isinstance(cell, str) and (is_blank(cell) or is_bare_unit(cell)))
                          for c, cell in enumerate(row))}
    out: list[Unknown] = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if (not isinstance(cell, str) or (r, c) in taken or not _HAN.search(cell)
                    or is_blank(cell) or is_bare_unit(cell) or cell_label(cell) is not None):
                continue
            if r - 1 in label_rows:
                continue  # under a row of labels: a value (one the reader did not take is no label)
            parts = COLON.split(cell.strip(), maxsplit=1)
            if len(parts) == 2 and _HAN.search(parts[0]) and is_figure(parts[1]):
                out.append(Unknown(parts[0].strip(), parts[1].strip(), r, c, r, c))
                continue
            for j in range(c + 1, len(row)):
                value = row[j]
                if value is None or (isinstance(value, str)
                                     and (is_blank(value) or is_bare_unit(value))):
                    continue
                if (r, j) not in taken and is_figure(value):
                    out.append(Unknown(cell.strip(), value, r, c, r, j))
                break
    return out

def unknown_finding(sheet: str, u: Unknown) -> Finding:
    cell = cell_address(u.value_row, u.value_col)
    value = str(u.raw).strip()
    return Finding(
        "cover_unknown_label",
        f"封面第{u.row + 1}行 「{u.label}」 不是封面的栏目,其值 {value} 未读取(单元格 {cell})",
        f"cover row {u.row + 1}: {u.label!r} is no field of the cover; its value {value} "
        f"is not read (cell {cell})",
        sheet=sheet, row=u.row + 1, column=u.label)

def alike(field: Column, unknown: list[Unknown]) -> Unknown | None:
    """The unrecognised label most like the field's label or a synonym (户藉人口 for 户籍人口)."""
    names = [header_key(n)[0] for n in (field.header, *field.synonyms)]
    best, score = None, load_contract().cover_label_likeness
    for u in unknown:
        key = header_key(QIZHONG.sub("", u.label))[0]
        ratio = max((difflib.SequenceMatcher(None, key, n).ratio() for n in names if n),
                    default=0.0)
        if ratio >= score:
            best, score = u, ratio
    return best

MISSING_WHY = {
    "fill_date": ("同一季度有更正报表时按文件修改时间判断哪份最新",
                  "with a corrected return, the file time decides which is newest"),
}

MISSING_DEFAULT = ("相关覆盖率无法计算", "the rates it is the denominator of cannot be computed")

def missing_findings(sheet: str, cover: dict, found: dict[str, Found],
                      unknown: list[Unknown] = ()) -> list[Finding]:
    """A field the cover leaves out: 未填 when its label is there and its value blank, or no
    label and nothing else written that could be it; 未读到 when a label like its own
    (户藉人口(人)) carries a figure; 没有…栏目 when labels the reader does not know carry
    figures (each its own finding: :func:`unknown_finding`)."""
    out = []
    fields = {f.name: f for f in load_contract().cover_fields}
    for name in EXPECTED_FIELDS:
        item = found.get(name)
        if name in cover or (item is not None and not is_blank(item.raw)):
            continue  # read, or unreadable (already a finding)
        zh_why, en_why = MISSING_WHY.get(name, MISSING_DEFAULT)
        header = fields[name].header
        like = alike(fields[name], unknown) if item is None else None
        if like is not None:
            value = str(like.raw).strip()
            zh = (f"封面未读到 {header}:第{like.row + 1}行 「{like.label}」 与之相近,但不是封面的栏目,"
                  f"其值 {value} 未读取(如即{header},请按模板改写栏目名);{zh_why}")
            en = (f"the cover gives no {header}: row {like.row + 1} {like.label!r} is like it but "
                  f"is no field of the cover, its value {value} not read; {en_why}")
            row = like.row + 1
        elif item is None and unknown:
            names = "、".join(f"第{u.row + 1}行 「{u.label}」" for u in unknown[:2])
            more = "等" if len(unknown) > 2 else ""
            zh = f"封面没有 {header} 栏目({names}{more}不是封面的栏目,未读取):{zh_why}"
            en = (f"the cover has no {header} label ({len(unknown)} label(s) it does not know "
                  f"are not read): {en_why}")
            row = None
        else:
            zh = f"封面未填 {header}:{zh_why}"
            en = f"the cover leaves {header} empty: {en_why}"
            row = item.row + 1 if item else None
        out.append(Finding("cover_missing", zh, en, sheet=sheet, row=row, column=header))
    return out
