"""The cover (封面): who sent a return, for which period, and the population it covers.

Clerks lay a cover out in many ways; every one of these is read:

* label | value in the next cell, or further right (empty cells and a bare unit cell such as
  ``人`` / ``(人)`` in between are skipped): ``户籍人口(人) | | 32000``;
* several label | value pairs on one row: ``填报人 | 张三 | 审核人 | 李四``;
* ``label:value`` in one cell, half- or full-width colon: ``填报单位：马店镇``; or label and
  value separated by spaces: ``填报日期 2024年10月8日``;
* ``其中:`` / ``其中：`` / ``其中 `` before a label (``其中:城镇人口(人)``), or ``其中`` in a cell
  of its own before the label's cell; units in brackets (full- or half-width); numbered labels;
* vertical: a row holding only labels, with the values in the row below.

A count is read in the unit its label states (``户籍人口(万人) | 3.2``: 32,000 people; the
contract's ``unit_conversions``), or in the unit typed after the number (``3.2万``, ``32000人``),
which replaces the label's; a label unit of a magnitude the contract does not convert (千人)
leaves the value empty with a finding.

A 填报日期 is read as dates are written (``2024年10月8日``, ``2024.10.08``, ``20241008``,
``二〇二四年十月八日``, a date cell or its serial, ``24/10/8``, ``25/10/2024``), but never
guessed: numbers two orders make a date of (``10/8/2024``: 8 October, or 10 August as the US
writes it?) are a finding. A 报告期 typed as a date, and a 填报日期 outside its period:
:mod:`civstat.ingest.cover_period`.

A recognised label whose value cannot be read is never a silent NULL: for the identity fields
(填报单位, 统计用区划代码) it refuses the return, naming sheet, row and column; for every other
field it is a :class:`Finding` on the return (the value stays empty); a number no return can
hold (``1e308``) refuses it like a sheet's cell (``bad_value``). A cover that names neither
unit nor code is refused. The fields that feed figures (户籍人口, 城镇人口, 农村人口: the coverage
denominators; 填报日期: which correction is newest) give a finding when the cover leaves them
out.

A label the cover's fields do not know, written with a figure by it (``低保对象总数(人) | 1234``,
a misspelt ``户藉人口(人) | 32000``), is a finding naming the label, its row and cell and the
figure, which is not read; a field left out beside it is then told as it is — 未读到 with the
label like its own, 没有…栏目 — not 封面未填 of a figure the clerk did write.
"""

from __future__ import annotations

from functools import cache

from civstat.contract import Column, load_contract
from civstat.ingest.cover_labels import Found as _Found
from civstat.ingest.cover_labels import ascii_unlabelled as _ascii_unlabelled
from civstat.ingest.cover_labels import cell_label as _cell_label
from civstat.ingest.cover_labels import is_bare_unit as _is_bare_unit
from civstat.ingest.cover_labels import labels_of as _labels
from civstat.ingest.cover_lacks import missing_findings as _missing_findings
from civstat.ingest.cover_lacks import unknown_finding as _unknown_finding
from civstat.ingest.cover_lacks import unknown_labels as _unknown_labels
from civstat.ingest.cover_period import (
    cell_address,
    period_finding,
    quoted,
)
from civstat.ingest.cover_values import BadNumber, Unreadable, read_value
from civstat.ingest.date_figures import date_finding, day_serial, serial_1904
from civstat.ingest.normalize import (
    is_blank,
    norm,
    read_period,
)
from civstat.ingest.refusal import IDENTITY_FIELDS, Finding, Refusal
from civstat.ingest.sheet_titles import lone_texts

# What locating the fields needs to know of a cell: (blank, a bare unit such as 人 or (人),
# the field it labels or None, the label carries its value inline, the unit the label states).
# Cells of the same kind give the same layout, so a province's covers are located once per
# layout.
_BLANK_CELL = (True, False, None, False, None)
_OTHER_CELL = (False, False, None, False, None)


class _Kinds(dict):
    """cell → :func:`_kind` (a dict, so a cover's cells are looked up by ``map`` alone)."""

    def __missing__(self, cell) -> tuple[bool, bool, str | None, bool, str | None]:
        if cell is None:
            return _BLANK_CELL
        if not isinstance(cell, str):
            return _OTHER_CELL
        if cell.isascii():  # NFKC and OpenCC leave it alone: a unit only in brackets
            blank, unit = not cell or cell.isspace(), "(" in cell and _is_bare_unit(cell)
            label = None if _ascii_unlabelled() else _cell_label(cell)
        else:
            blank, unit, label = is_blank(cell), _is_bare_unit(cell), _cell_label(cell)
        kind = self[cell] = (blank, unit, label.field.name if label else None,
                             bool(label) and label.inline is not None,
                             label.unit if label else None)
        return kind


_KINDS = _Kinds()
_LAYOUTS: dict[tuple, tuple] = {}


def _locate(grid: list[list]) -> dict[str, _Found]:
    """Each field's first written value (or, when every occurrence is blank, its first label)."""
    return _locate_all(grid)[0]


def labels_a_cover(grid: list[list]) -> bool:
    """The sheet carries a cover's labels with values: 填报单位 or 统计用区划代码, and two more
    fields (a sheet named nothing the form knows, Sheet1, may be the cover)."""
    written = {name for name, item in _locate(grid).items()
               if item.raw is not None and not is_blank(item.raw)}
    return bool(written & set(IDENTITY_FIELDS)) and len(written) >= 3


def _locate_all(grid: list[list]) -> tuple[dict[str, _Found], list[_Found]]:
    """:func:`_locate`, and the values written under a field's label again (填报单位 twice)."""
    if len(_KINDS) > 1 << 16:
        _KINDS.clear()
    kind = _KINDS.__getitem__
    kinds = tuple(tuple(map(kind, row)) for row in grid)
    layout = _LAYOUTS.get(kinds)
    if layout is None:
        if len(_LAYOUTS) > 4096:
            _LAYOUTS.clear()
        layout = _LAYOUTS[kinds] = _layout(kinds)
    fields = _fields()

    def found_at(name: str, how: str, r: int, c: int, unit: str | None) -> _Found:
        cell = grid[r][c] if how != "none" else None
        raw = _cell_label(cell).inline if how == "inline" else cell
        return _Found(fields[name], raw, r, c, unit)

    first, again = layout
    return {v[0]: found_at(*v) for v in first}, [found_at(*v) for v in again]


@cache
def _fields() -> dict[str, Column]:
    return {f.name: f for f in load_contract().cover_fields}


def _layout(kinds: tuple[tuple, ...]) -> tuple[tuple[tuple, ...], tuple]:
    """Where each field's value is: (field, ``cell`` / ``inline`` / ``none``, row, column, the
    unit its label states), and where a field labelled again has another written value.

    A value is the next cell to the right (blank cells and bare units skipped, up to the next
    label), the label's own cell (``填报单位:马店镇``), or, under a row of labels only, the
    cell below; a field labelled twice takes its first written value (the others are checked
    against it: :func:`parse_cover`)."""
    labels = [(r, c, k) for r, row in enumerate(kinds) for c, k in enumerate(row)
              if k[2] is not None]
    by_row: dict[int, list[tuple]] = {}
    for lb in labels:
        by_row.setdefault(lb[0], []).append(lb)
    found: dict[str, tuple] = {}
    again: list[tuple] = []
    for r, c, k in labels:
        value = _value_at(kinds, r, c, k, _label_row(kinds, r, by_row[r]))
        prev = found.get(k[2])
        if prev is None or (prev[1] == "none" and value[1] != "none"):
            found[k[2]] = value
        elif value[1] != "none":
            again.append(value)
    return tuple(found.values()), tuple(again)


def _label_row(kinds: tuple, r: int, labels_here: list[tuple]) -> bool:
    """A row of two or more labels and nothing else (values in the row below)."""
    if len(labels_here) < 2 or any(k[3] for _, _, k in labels_here):
        return False
    at = {c for _, c, _ in labels_here}
    return all(c in at or k[0] or k[1] for c, k in enumerate(kinds[r]))


def _value_at(kinds: tuple, r: int, c: int, kind: tuple, label_row: bool
              ) -> tuple[str, str, int, int, str | None]:
    name, stated = kind[2], kind[4]
    if kind[3]:
        return name, "inline", r, c, stated
    if not label_row:
        row = kinds[r]
        for j in range(c + 1, len(row)):
            blank, unit, label = row[j][:3]
            if blank or unit:
                continue
            if label is not None:
                break  # the next label: this one's value is blank
            return name, "cell", r, j, stated
    elif r + 1 < len(kinds):
        below = kinds[r + 1][c] if c < len(kinds[r + 1]) else _BLANK_CELL
        if not below[0] and below[2] is None:
            return name, "cell", r + 1, c, stated
    return name, "none", r, c, stated


# -- the cover -----------------------------------------------------------------------------
def _unreadable(sheet: str, found: _Found, exc: Unreadable) -> tuple[str, str, dict]:
    cell = cell_address(found.row, found.col)
    zh = f"封面 {found.field.header} 无法识别:{quoted(found.raw)}({exc.zh},单元格 {cell})"
    en = f"cover {found.field.header} unreadable: {quoted(found.raw)} ({exc.en}, cell {cell})"
    return zh, en, {"sheet": sheet, "row": found.row + 1, "column": found.field.header}


def _date_finding(sheet: str, item: _Found, value: int) -> Finding:
    return date_finding(str(item.raw), f"{value:,}",
                        {"sheet": sheet, "row": item.row + 1, "column": item.field.header})


def recount_1904(sheet: str, dated: dict, cover: dict, findings: list[Finding]) -> None:
    """A cover of a workbook in the 1904 date system (old Excel for Mac): its counts in cells
    formatted as a date (``dated``: field → where :func:`parse_cover` found it) are counted
    from 1904-01-01, as that workbook stores them, not from 1899-12-30; their findings say so."""
    for name, item in dated.items():
        old = _date_finding(sheet, item, cover[name])
        try:
            cover[name] = read_value(item.field, round(serial_1904(str(item.raw))), item.unit)
        except Unreadable as exc:
            zh, en, where = _unreadable(sheet, item, exc)
            cover.pop(name)
            new = Finding("cover_unreadable", f"{zh},该项留空", f"{en}; left empty", **where)
        else:
            new = _date_finding(sheet, item, cover[name])
        findings[:] = [new if f == old else f for f in findings]


def parse_cover(sheet: str, grid: list[list]) -> tuple[dict, list[Finding]]:
    """The cover's fields (canonical names → values) and the findings on it; besides the
    fields, ``period`` (:class:`~civstat.ingest.cover_period.StatedPeriod`, when the cover
    states one) and ``rows`` (field → the 1-based row it is on).

    Raises :class:`Refusal` when 填报单位 or 统计用区划代码 is written but unreadable, or when
    the cover names neither."""
    found, again = _locate_all(grid)
    cover: dict = {}
    findings: list[Finding] = []
    for name, item in found.items():
        if item.raw is None or is_blank(item.raw):
            continue
        try:
            value = read_value(item.field, item.raw, item.unit)
        except Unreadable as exc:
            zh, en, where = _unreadable(sheet, item, exc)
            if isinstance(exc, BadNumber):
                raise Refusal("bad_value", zh, en, **where) from None
            if name in IDENTITY_FIELDS:
                raise Refusal("bad_cover", zh, en, **where) from None
            findings.append(Finding("cover_unreadable", f"{zh},该项留空", f"{en}; left empty",
                                    **where))
            continue
        if value is not None:
            cover[name] = value
            if item.field.type == "int" and day_serial(str(item.raw)) is not None:
                findings.append(_date_finding(sheet, item, value))
                cover.setdefault("dated", {})[name] = item  # (recount_1904)
    findings += _written_again(sheet, cover, found, again)
    if "unit_name" not in cover and "division_code" not in cover:
        where = found.get("unit_name") or found.get("division_code")
        raise Refusal("no_cover", "封面缺少填报单位和统计用区划代码", "cover names neither unit nor code",
                      sheet=sheet, row=where.row + 1 if where else None,
                      column=where.field.header if where else "填报单位")
    first_label = min((lb.row for lb in _labels(grid)), default=0)
    findings += period_finding(sheet, grid, cover, found.get("period_text"), first_label)
    if (item := found.get("fill_date")) is not None:  # checked against the period in ingest
        cover["fill_date_at"] = (sheet, item.row, item.col, item.field.header)
    cover["rows"] = {name: item.row + 1 for name, item in found.items()}  # for identity's messages
    cover["titles"] = lone_texts(grid, first_label)  # its titles (popped by the reader, which
    # checks whose township they name with the tables': identity.py)
    cover["sheet"] = sheet
    unknown = _unknown_labels(grid, found, again)
    findings += [_unknown_finding(sheet, u) for u in unknown]
    findings += _missing_findings(sheet, cover, found, unknown)
    return cover, findings


# A second value that differs refuses the return for these (who, when, the denominators).
DECISIVE_FIELDS = (*IDENTITY_FIELDS, "period_text", "pop_total", "pop_urban", "pop_rural",
                   "pop_60plus")


def _written_again(sheet: str, cover: dict, found: dict[str, _Found], again: list[_Found]
                   ) -> list[Finding]:
    """A field written twice with two values (填报单位 马店镇 at the top, 白庙乡 by the seal):
    refused for the fields that decide who sent the return or feed figures, a finding for
    the others (the first value stands)."""
    findings = []
    for item in again:
        name = item.field.name
        try:
            value = None if is_blank(item.raw) else read_value(item.field, item.raw, item.unit)
        except Unreadable:
            continue  # the first value stands; it alone is read
        first = found[name]
        if value is None or name not in cover or _same(name, cover[name], value):
            continue
        cells = f"{cell_address(first.row, first.col)}、{cell_address(item.row, item.col)}"
        zh = (f"封面 {item.field.header} 写了两个不同的值:{quoted(first.raw)} 和 {quoted(item.raw)}"
              f"(单元格 {cells})")
        en = (f"cover {item.field.header} has two values: {quoted(first.raw)} and {quoted(item.raw)}"
              f" (cells {cells.replace('、', ', ')})")
        where = {"sheet": sheet, "row": item.row + 1, "column": item.field.header}
        if name in DECISIVE_FIELDS:
            raise Refusal("bad_cover", zh, en, **where)
        findings.append(Finding("cover_conflict", f"{zh},取前者", f"{en}; the first is kept", **where))
    return findings


def _same(name: str, first, other) -> bool:
    """Two values of one cover field that say the same: equal; the same period in other words
    (2024年第3季度, 2024年三季度); a unit and its office (马店镇, 马店镇民政办公室 by the seal)."""
    if first == other:
        return True
    if name == "period_text":
        return read_period(first) is not None and read_period(first) == read_period(other)
    if name == "unit_name":
        a, b = norm(first), norm(other)
        return a in b or b in a
    return False

