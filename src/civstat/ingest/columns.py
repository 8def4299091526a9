"""Typing a return's data cells over whole columns (the units typed in cells and the periods of
standards: :mod:`civstat.ingest.cell_units`).

The reader classifies rows (header, 合计, footers, categories: :mod:`civstat.ingest.reader`)
into a :class:`SheetPlan` per sheet; :func:`add_sheets` puts every numeric cell of a return
into a :class:`CellBatch` (the reader puts many returns into one batch) and it is typed
column-wise:

* one polars cast reads the plain numbers (``1185250``, ``12.5``) of the whole column;
* the cells it cannot read go through polars expressions (:func:`civstat.ingest.cell_batch._cleaning`): NFKC
  (``１２３``, ``1，775``), no white space, characters that show nothing (a zero-width space, a
  BOM), thousands separators or apostrophe marking a number as text (``'120``), null markers
  (``— - / 无 …``, those of :func:`civstat.ingest.normalize.parse_number`), a trailing unit
  (``529户``, ``3,300元/年``) or ``67%`` (a unit the column is not in, a percentage, a rate per
  quarter: the per-cell reader refuses it; a unit it reads replaces the header's factor:
  :func:`civstat.ingest.cell_units.cell_factor`); a figure in a cell formatted as a date
  (``1900-04-29 00:00:00``: 120) is the serial the cell stores, a plausible date refused
  (:mod:`civstat.ingest.date_figures`; 1899-12-31, 0 or -5: the workbook's, SheetPlan.stored);
* unit factor of the header (万元 ×10,000, 公顷 ×15), then the checks over the whole column
  (numpy on the cast column): not a number, not finite or beyond the column's range, not whole
  in an integer column.

A bad cell is refused by the per-cell reader (:func:`read_cell`), so the refusal names sheet,
Excel row and column, worded exactly as before; the first in reading order (row by row) wins.
Dates and text (a few cells per return) are read per cell, a ditto mark (``同上``, ``〃``) in
them as the row above's (:mod:`civstat.ingest.dittos`). Standards (``period_units``
columns) get their period and how it was decided
(:func:`civstat.ingest.cell_units.decide_period`, rules in the contract's programme files).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from operator import itemgetter

from civstat.contract import Column, Sheet, load_contract
from civstat.ingest.cell_batch import CellBatch
from civstat.ingest.cell_findings import noted_finding, part_note_finding, show
from civstat.ingest.cell_notes import unread_note
from civstat.ingest.cell_units import (
    HeaderPeriod,
    VagueNumber,
    category_periods,
    cell_factor,
    cell_unit,
    decide_period,
    stated_period_misfits,
    unit_finding,
)
from civstat.ingest.date_figures import (
    DateInFigure,
    date_refusal,
    is_date_text,
    serial,
    shown_serial,
)
from civstat.ingest.decimals import doubtful_refusal
from civstat.ingest.dittos import ditto_refusal, fill_dittos
from civstat.ingest.normalize import (
    AmbiguousDate,
    MisgroupedNumber,
    ScientificNumber,
    SpacedNumber,
    is_blank,
    norm,
    parse_date,
    parse_number,
    visible,
)
from civstat.ingest.refusal import Finding, Refusal
from civstat.ingest.table_rows import nothing_alone, says_nothing, settle_rows

# No return holds a figure beyond 2^53 (exact in a double); integer columns also obey their type.
MAX_ABS_NUMBER = 2 ** 53
TYPE_LIMITS = {"INTEGER": 2 ** 31 - 1, "BIGINT": 2 ** 63 - 1}



def typing_unit(col: Column) -> str | None:
    """The unit a column's cells are converted to: its own, except for a standard whose period
    is kept as reported (``period_units``: 保障标准 in 元/人·月 or 元/人·年), converted by none."""
    return None if col.period_units else col.unit


def is_numeric(col: Column) -> bool:
    return col.type in ("int", "money", "decimal")


def limit_of(col: Column) -> int:
    return min(MAX_ABS_NUMBER, TYPE_LIMITS.get(col.duckdb_type, MAX_ABS_NUMBER))


def numeric_at(columns: list) -> tuple[int, ...]:
    return _spec(columns).at  # a plan's numeric columns (memoised per columns list)


# -- a return's sheets: batch, then rows ---------------------------------------------------
def read_cell(col: Column, raw, factor: float, where: dict, stored: float | None = None):
    """One cell the per-cell way (dates, text; a numeric cell the batch flagged: its refusal;
    ``stored``: the figure the workbook stores for a date that cannot tell it, 1899-12-31)."""
    shown = raw
    try:
        if col.type == "date":
            return parse_date(raw)
        if col.type == "text":
            return None if is_blank(raw) else visible(str(raw)).strip()
        number = parse_number(raw)
        factor = cell_factor(typing_unit(col), cell_unit(raw)) or factor
    except SpacedNumber:
        if not is_date_text(raw):
            raise Refusal("bad_value", f"{show(raw)} 的数字中间有空格或换行:是千分位,还是一格里填了两个数?"
                          "请只填一个数,不加空格",
                          f"{show(raw)} has white space between its digits: thousands apart, or "
                          "two figures in one cell? Fill in one figure, without spaces",
                          **where) from None
        try:
            number = serial(raw, stored)  # a figure in a cell formatted as a date (1900-04-29: 120)
        except DateInFigure as exc:
            raise date_refusal(raw, exc.day, where) from None
        shown = shown_serial(raw, number)
    except ScientificNumber:
        raise Refusal("bad_value", f"{show(raw)} 是科学计数法,只留下了几位有效数字(多半是从显示的值复制的):"
                      "请填写完整的数",
                      f"{show(raw)} is in exponent form, a few digits of the figure (most likely "
                      "copied from what a cell showed): fill in the whole figure", **where) from None
    except MisgroupedNumber:
        raise Refusal("bad_value", f"数值的逗号不是千分位(应每三位一个):{show(raw)},是小数点吗?",
                      f"the commas of {show(raw)} are no thousands separators (three digits "
                      "apart): a decimal point?", **where) from None
    except VagueNumber as exc:
        raise Refusal("bad_value", *exc.words(show(raw), col), **where) from None
    except AmbiguousDate as exc:
        first, second = (d.isoformat() for d in exc.dates[:2])
        raise Refusal("bad_value", f"日期 {show(raw)} 的日、月次序不明:{first} 还是 {second}?"
                      "请按 年-月-日 填写(如 2024-06-20)",
                      f"date {show(raw)}: day and month can be read either way, {first} or "
                      f"{second}? Write it year-month-day (2024-06-20)", **where) from None
    except (ValueError, OverflowError):
        if (ditto := ditto_refusal(raw, where)) is not None:  # 同上 for a figure: its own words
            raise ditto from None
        if (said := says_nothing(raw)) is not None:
            if col.type == "date":  # 表5's 本季度无灾情: no event (table_rows)
                return None
            raise Refusal("bad_value", f"数字栏填了“{said}”,不是数字:请填写数字(没有发生的填 0)",
                          f"a figure's cell says {said!r}, which is no figure: fill in a figure "
                          "(0 for none)", **where) from None
        if col.type == "date" and _NO_YEAR.fullmatch(str(raw).strip()):
            raise Refusal("bad_value", f"日期 {show(raw)} 没有年份:请填写完整的日期(如 2024年6月20日)",
                          f"date {show(raw)} has no year: write the whole date (2024-06-20)",
                          **where) from None
        what_zh, what_en = ("日期", "date") if col.type == "date" else ("数值", "value")
        raise Refusal("bad_value", f"无法识别的{what_zh} {show(raw)}",
                      f"cannot parse {what_en} {show(raw)}", **where) from None
    if number is None:
        return None
    if (doubt := doubtful_refusal(raw, typing_unit(col), factor, col.type == "int", show(raw),
                                  where)) is not None:
        raise doubt  # 177.5475 元, 1.000 persons (decimals.py)
    number *= factor
    limit = limit_of(col)
    if not math.isfinite(number) or abs(number) > limit:
        raise Refusal("bad_value", f"数值超出可能范围(非有限数或绝对值大于 {limit}):{show(shown)}",
                      f"value out of range (not finite or beyond ±{limit}): {show(shown)}", **where)
    if col.type == "int":
        if abs(number - round(number)) > 1e-6:
            raise Refusal("not_whole", f"应为整数,实为 {shown!r}",
                          f"expected a whole number, got {shown!r}", **where)
        return round(number)
    return round(number, 2)


_NO_YEAR = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号]?"
                      r"|\d{1,2}[./]\d{1,2}")  # 6月20日, 六月二十日, 6.20: a day of no year


@dataclass
class SheetPlan:
    """A sheet's data rows, classified (合计, category, footers dropped) but not yet typed."""

    sheet: Sheet
    name: str
    columns: list[tuple[Column, str, float, HeaderPeriod]]  # column, header text, factor, period
    rows: list[tuple[dict, tuple, int]] = field(default_factory=list)  # record, cells, batch index
    findings: list[Finding] = field(default_factory=list)  # the planning's (a units line's unit)
    blanks: list[tuple[int, int, int]] = field(default_factory=list)  # empty cells read (row, col, plan col)
    index: tuple[int, ...] = ()  # per plan column, the grid column it is read from
    derived: tuple = ()  # (column, its parts): a total the sheet gives only as its parts
    header_row: int = -1  # the last row of the sheet's header (0-based)
    stored: dict[tuple[int, int], float] = field(default_factory=dict)  # (row, col) → figure
    # (the figure the workbook stores in a cell whose date cannot tell it: stored_figures)
    period: tuple[int, int] | None = None  # the return's (year, quarter): a standard's bounds
    titles: tuple[tuple[int, int, str], ...] = ()  # (row, column, text) over the header, 0-based
    # (sheet_titles.TITLED_KINDS: a row per category or one row of figures)

    def counted(self) -> list[tuple[dict, tuple]]:
        """The rows read whose figures count (record, cells): all but a 合计 beside its rows,
        which is only checked against them (rule H1), never summed — a one-row table's 合计 is
        its figures."""
        single = self.sheet.row_kind == "single"
        return [(record, cells) for record, cells, _ in self.rows
                if single or not record.get("is_total")]


@dataclass(frozen=True)
class _Spec:
    """How a plan's columns are typed: the numeric ones in the batch, the others per cell."""

    numeric: tuple[bool, ...]   # per plan column
    at: tuple[int, ...]         # positions of the numeric columns
    factors: list[float]
    limits: list[float]
    wholes: list[bool]
    units: list[str | None]     # the numeric columns' units (元, 亩, 人 …)
    names: tuple[str, ...]      # per plan column, its canonical name
    plain: bool                 # every column numeric, none a standard (period_units)


_SPECS: dict[int, tuple[list, _Spec]] = {}


def _spec(columns: list) -> _Spec:
    """:class:`_Spec` of a plan's columns, memoised per columns list (one per header layout)."""
    entry = _SPECS.get(id(columns))
    if entry is None or entry[0] is not columns:
        if len(_SPECS) > 4096:
            _SPECS.clear()
        numeric = tuple(is_numeric(col) for col, _, _, _ in columns)
        at = tuple(i for i, n in enumerate(numeric) if n)
        spec = _Spec(numeric, at, [columns[i][2] for i in at],
                     [float(limit_of(columns[i][0])) for i in at],
                     [columns[i][0].type == "int" for i in at],
                     [typing_unit(columns[i][0]) for i in at],
                     tuple(col.name for col, _, _, _ in columns),
                     all(numeric) and not any(col.period_units for col, _, _, _ in columns))
        entry = _SPECS[id(columns)] = (columns, spec)
    return entry[1]


def type_sheets(plans: list[SheetPlan]) -> tuple[dict[str, list[dict]], list[Finding]]:
    """Type the numeric cells of every planned sheet in one polars pass, then fill the rows."""
    batch = CellBatch()
    add_sheets(batch, plans)
    typed = batch.typed()
    return fill_sheets(plans, typed.values, set(typed.bad), set(typed.noted))


def add_sheets(batch: CellBatch, plans: list[SheetPlan]) -> None:
    """Put the numeric cells of the planned sheets into ``batch`` (row by row), noting in each
    planned row where its cells start."""
    raws = batch.raw
    for plan in plans:
        spec = _spec(plan.columns)
        at, width = spec.at, len(spec.numeric)
        take = itemgetter(*at) if len(at) > 1 else lambda cells, i=at[:1]: tuple(cells[j] for j in i)
        for n, (record, cells, _) in enumerate(plan.rows):
            if len(cells) != width:
                raise ValueError("a row's cells do not match its sheet's columns")
            plan.rows[n] = (record, cells, len(raws))
            if at:  # batch.add of each numeric cell, a row at a time
                raws.extend(take(cells))
        if at and plan.rows:
            count = len(plan.rows)
            batch.factor.extend(spec.factors * count)
            batch.limit.extend(spec.limits * count)
            batch.whole.extend(spec.wholes * count)
            batch.unit.extend(spec.units * count)
        starts = {record["source_row"]: k for record, _, k in plan.rows} if plan.stored else {}
        for (row, j), figure in plan.stored.items():  # (rare: a date whose figure it cannot tell)
            batch.stored[starts[row] + spec.at.index(j)] = figure


def fill_sheets(plans: list[SheetPlan], values: list, bad: set[int],
                noted: frozenset[int] | set[int] = frozenset()
                ) -> tuple[dict[str, list[dict]], list[Finding]]:
    """The rows of the planned sheets from the typed batch; a bad cell (first in reading
    order) raises its :class:`Refusal`; a ``noted`` cell is a finding (:func:`note_finding`)."""
    out: dict[str, list[dict]] = {}
    findings: list[Finding] = []
    slow = bad | noted if noted else bad  # cells read one by one
    for plan in plans:
        planned = len(plan.findings)
        findings.extend(plan.findings)
        out[plan.sheet.family] = _fill(plan, values, slow, findings, noted)
        findings.extend(plan.findings[planned:])  # the rows' own (table_rows: a title row)
    return out, findings


_META = frozenset({"source_row", "category", "is_total"})  # what a planned record starts with
_SHEET_NAMES: dict[int, tuple[Sheet, tuple[str, ...], bool]] = {}


def _sheet_names(sheet: Sheet) -> tuple[tuple[str, ...], bool]:
    """The sheet's column names, and whether none is also a key a planned record starts with."""
    entry = _SHEET_NAMES.get(id(sheet))
    if entry is None or entry[0] is not sheet:
        names = tuple(c.name for c in sheet.columns)
        entry = _SHEET_NAMES[id(sheet)] = (sheet, names, _META.isdisjoint(names))
    return entry[1], entry[2]


def _fill(plan: SheetPlan, values: list, bad: set[int], findings: list[Finding],
          noted: frozenset[int] | set[int] = frozenset()) -> list[dict]:
    sheet, rows, spec = plan.sheet, [], _spec(plan.columns)
    names, distinct = _sheet_names(sheet)
    width = len(spec.numeric)
    if not spec.plain:
        fill_dittos(plan, spec.numeric)  # 同上 in a text or date cell: the row above's
    for record, cells, k in plan.rows:
        if spec.plain and (not bad or bad.isdisjoint(range(k, k + width))):
            filled = values[k:k + width]
            record.update(zip(spec.names, filled))
            if distinct:  # the sheet's other columns are not in the record
                if filled.count(None) == width:
                    continue
            elif all(record.get(n) is None for n in names):
                continue
        else:
            _fill_row(plan, spec, record, cells, k, values, bad, findings, noted)
            if all(record.get(n) is None for n in names):
                continue
        rows.append(record)
    return settle_rows(plan, rows, spec.names)


def _fill_row(plan: SheetPlan, spec: _Spec, record: dict, cells: tuple, k: int, values: list,
              bad: set[int], findings: list[Finding], noted: frozenset[int] | set[int]) -> None:
    is_total = record.get("is_total", False)
    for j, ((col, text, factor, period), raw, numeric) in enumerate(zip(
            plan.columns, cells, spec.numeric, strict=True)):
        if numeric:
            value = values[k]
            if k in noted:
                findings.append(noted_finding(raw, value, _where(plan, record, text)))
            elif k in bad:  # the per-cell reader words the refusal (or, if it can, reads it)
                value = None if nothing_alone(plan, cells, raw) else read_cell(
                    col, raw, factor, _where(plan, record, text),
                    plan.stored.get((record["source_row"], j)) if plan.stored else None)
                if value is not None and raw.__class__ is str and (
                        note := unread_note(norm(raw))) is not None:  # 210人(含残疾5人)
                    findings.append(part_note_finding(raw, value, note, _where(plan, record, text)))
            k += 1
        elif is_total:
            value = None  # a 合计 label sitting in a date/text column
        else:
            value = read_cell(col, raw, factor, _where(plan, record, text))
        if col.period_units and value is not None and not is_total and _split(plan, col):
            _category_column(plan, record, col, text, value)
        if col.period_units and col.name in record and any(
                c is col for c, _, _, _ in plan.columns[:j]):  # its other period's column
            if value is None:
                continue  # the row's figure is the other column's (or none)
            if record[col.name] is not None:
                _both_periods(plan, record, col, j, value, text)
                continue
        record[col.name] = value
        if col.period_units:
            _set_period(plan, record, (col, text, period), raw, findings)


def _split(plan: SheetPlan, col: Column) -> bool:
    """A standard read from two columns of the sheet (保障标准 over 元/人·月 | 元/人·年)."""
    return sum(c is col for c, _, _, _ in plan.columns) > 1


def _category_column(plan: SheetPlan, record: dict, col: Column, text: str, value) -> None:
    """A row of a category filling the column of a standard headed for another (农村低保's
    figure under 保障标准 over 城市(元/人·月)): refused, the column's unit is the other's."""
    named = dict(category_periods(col, text) or ())
    category = record.get("category")
    if named and category is not None and category not in named:
        labels = {c.code: c.label for c in plan.sheet.categories}
        raise Refusal("unit_mismatch",
                      f"{labels.get(category, category)} 的{col.header} {show(value)} 填在了 {text} 一列"
                      f"(该列是{'、'.join(labels.get(c, c) for c in named)}的):按哪个单位读取无法确定,"
                      "请填在本类别的列中",
                      f"the {col.header} of {labels.get(category, category)} ({show(value)}) is in "
                      f"the column {text}, headed for another category: its unit cannot be told; "
                      "fill it in the category's own column", **_where(plan, record, text))


def _both_periods(plan: SheetPlan, record: dict, col: Column, j: int, value: float,
                  text: str) -> None:
    """A row filling both columns of a standard (保障标准 over 元/人·月 | 元/人·年): read from the
    first when the two are the same standard (a month's ×12 is the year's, within the contract's
    ``standard_periods_tolerance_yuan``), else
    refused — which one is the standard cannot be told."""
    first = record[col.name]
    period = record.get(f"{col.name}_period")
    mine = "year" if period == "month" else "month"
    monthly = {period: first, mine: value}
    tolerance = load_contract().standard_periods_tolerance_yuan
    if period in ("month", "year") and abs(monthly["month"] * 12 - monthly["year"]) <= tolerance:
        return
    other = next(t for c, t, _, _ in plan.columns[:j] if c is col)
    raise Refusal("unit_mismatch",
                  f"{col.header} 填了两个不一致的数:{other} 为 {show(first)},{text} 为 {show(value)}"
                  "(按月×12 与按年不符):哪一个是本行的标准无法确定,请只填其中一列",
                  f"{col.header} is filled twice and the figures disagree: {other} {show(first)}, "
                  f"{text} {show(value)} (a month's ×12 is not the year's): which is the row's "
                  "standard cannot be told; fill in one of the columns", **_where(plan, record, text))


def _where(plan: SheetPlan, record: dict, text: str) -> dict:
    return {"sheet": plan.name, "row": record["source_row"], "column": text}


def _set_period(plan: SheetPlan, record: dict, column: tuple, raw, findings: list) -> None:
    """``<col>_period`` and ``<col>_unit_source`` of a standard; a finding when inferred (the
    magnitudes that decide or refuse are those of the return's year, ``plan.period``)."""
    col, text, period = column
    value, category = record[col.name], record.get("category")
    year = plan.period[0] if plan.period else None
    decided = decide_period(col, period, raw, value, category, year)
    if (wrong := stated_period_misfits(col, decided, value, year)) is not None:
        raise Refusal("unit_mismatch", *wrong, **_where(plan, record, text))
    record[f"{col.name}_period"], record[f"{col.name}_unit_source"] = decided
    if decided[1] in ("convention", "magnitude"):
        labels = {c.code: c.label for c in plan.sheet.categories} | {"total": "合计"}
        findings.append(unit_finding(col, decided, value, labels.get(category or "", "本表"),
                                     _where(plan, record, text)))
