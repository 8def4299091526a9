"""One programme sheet of the form, laid out from the catalogue: title and units line, the (two-row)
header, the data rows (one per category, the single row, or one per event / entity), the 合计 row,
footers, and on the blank template its input rows, formulas and dropdowns."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from civstat.contract import Column, Sheet
from civstat.template.drift import (
    ReturnStyle,
    display_unit,
    format_value,
    noisy_header,
    sheet_name,
    translator,
)
from civstat.template.grid import Formula, Grid, as_date, as_display, col_letter, summable

TEMPLATE_INPUT_ROWS = 20  # empty input rows on event / entity sheets of the blank template


def _header_parts(
    col: Column, style: ReturnStyle, noise: int | None, grouped: bool
) -> tuple[str | None, str]:
    """(upper, lower) header texts; upper is None for a one-row header cell."""
    unit = display_unit(col, style)
    unit_txt = f"({unit})" if unit else ""
    if grouped and col.group:
        return col.group, f"{col.short}{unit_txt}"
    text = col.header
    prefix = "其中:" if col.of and not col.group else ""
    if noise is not None:
        prefix, text, unit_txt = noisy_header(col, text, unit_txt, prefix, noise)
    return None, f"{prefix}{text}{unit_txt}"


def _units_line(sheet: Sheet, style: ReturnStyle) -> str:
    units: list[str] = []
    for col in sheet.columns:
        unit = display_unit(col, style)
        if unit and "/" not in unit and unit not in units:
            units.append(unit)
    return "单位:" + "、".join(units) if units else "单位:"


def _col_width(text: str) -> float:
    longest = max((len(part) for part in text.split("\n")), default=4)
    return min(max(2.1 * longest + 2, 9), 34)


def _title(cover: dict, sheet_title: str, blank: bool) -> str:
    if blank:
        return f"乡镇民政统计季报——{sheet_title}"
    return (
        f"{cover.get('_unit_label', '')}{cover.get('_period_title', '')}民政统计季报——{sheet_title}"
    )


def _header(grid: Grid, sheet: Sheet, style: ReturnStyle, tr, ncols: int) -> None:
    """The header row(s): a group over its short columns, one-row columns merged down."""
    rng = random.Random(f"{style.seed}:{sheet.family}")
    cols = list(sheet.columns)
    grouped = style.two_row_header and any(c.group for c in cols)
    noise = [rng.randrange(5) if style.header_noise else None for _ in cols]
    upper: list[tuple[Any, str] | None] = []
    lower: list[tuple[Any, str] | None] = []
    widths: list[float] = []
    if sheet.label is not None:
        upper.append((tr(sheet.label.header), "header"))
        lower.append(None)
        widths.append(12)
    for col, nz in zip(cols, noise):
        up, low = _header_parts(col, style, nz, grouped)
        upper.append((tr(up), "header") if up else (tr(low), "header"))
        lower.append((tr(low), "header") if up else None)
        widths.append(_col_width(low))
    grid.widths = widths
    h1 = grid.add(upper)
    if grouped:
        h2 = grid.add([c if c is not None else ("", "header") for c in lower])
        c = 0
        while c < ncols:
            if lower[c] is None:  # one-row column: merge vertically
                grid.merges.append((h1, c, h2, c))
                c += 1
                continue
            end = c
            while end + 1 < ncols and lower[end + 1] is not None and upper[end + 1] == upper[c]:
                end += 1
            if end > c:
                grid.merges.append((h1, c, h1, end))
            c = end + 1
    grid.freeze = len(grid.rows)


def layout_sheet(
    sheet: Sheet,
    records: list[dict] | None,
    cover: dict,
    style: ReturnStyle,
    *,
    blank: bool = False,
) -> Grid:
    """Lay out one contract sheet (blank=True: the empty template with input rows and formulas)."""
    tr = translator(style)
    has_label = sheet.label is not None
    cols = list(sheet.columns)
    ncols = len(cols) + (1 if has_label else 0)
    grid = Grid(name=sheet_name(sheet, style), protect=blank)

    if style.title:
        r = grid.add([(tr(_title(cover, sheet.title, blank)), "title")] + [None] * (ncols - 1))
        grid.merges.append((r, 0, r, ncols - 1))
        grid.add([(tr(_units_line(sheet, style)), "units")] + [None] * (ncols - 1))
    _header(grid, sheet, style, tr, ncols)

    def blank_row() -> None:
        grid.add([None] * ncols)

    def data_cells(rec: dict | None, label: str | None) -> list:
        cells: list[tuple[Any, str] | None] = []
        if has_label:
            text = tr(label) if label else label
            if text and style.stray_spaces:
                text = f" {text} "
            cells.append((text, "label"))
        for col in cols:
            unit = display_unit(col, style)
            value = None if rec is None else as_display(col, rec.get(col.name), unit)
            if col.type == "date":
                value = as_date(value)
            cells.append((format_value(value, unit, style), col.type))
        return cells

    if style.blank_rows and not blank:
        blank_row()
    first_data = len(grid.rows)
    written: list[dict] = []
    if sheet.row_kind == "category":
        by_cat = {r.get("category"): r for r in (records or [])}
        for i, cat in enumerate(sheet.categories):
            if style.blank_rows and i and not blank:
                blank_row()
            rec = by_cat.get(cat.code)
            grid.add(data_cells(rec, cat.label))
            if rec is not None:
                written.append(rec)
    elif sheet.row_kind == "single":
        rec = (records or [None])[0]
        grid.add(data_cells(rec, None))
    else:
        rows = records or []
        if blank:
            for _ in range(TEMPLATE_INPUT_ROWS):
                grid.add(data_cells(None, None))
        for i, rec in enumerate(rows):
            if style.blank_rows and i and i % 2 == 0:
                blank_row()
            grid.add(data_cells(rec, None))
            written.append(rec)
    last_data = len(grid.rows) - 1

    total_label = "合计" if blank and sheet.row_kind == "category" else style.total_row
    if total_label and sheet.row_kind in ("category", "event", "entity") and (written or blank):
        if style.blank_rows and not blank:
            blank_row()
        grid.add(
            _total_cells(
                sheet, written, total_label, style, tr, blank, first_data, last_data, has_label
            )
        )

    if style.footer and not blank:
        blank_row()
        grid.add(
            [(f"填表人:{cover.get('filled_by') or ''}", "footer")]
            + [None] * max(0, min(2, ncols - 2))
            + [(f"审核人:{cover.get('reviewed_by') or ''}", "footer")]
            + [None] * max(0, ncols - 4)
        )
        note = "填表说明:存量为期末数,资金、人次等为1月至本期累计数。"
        r = grid.add([(tr(note), "footer")] + [None] * (ncols - 1))
        grid.merges.append((r, 0, r, ncols - 1))

    if blank:
        _template_validations(grid, sheet, first_data, last_data, has_label)
    return grid


def _total_cells(sheet, written, label, style, tr, blank, first, last, has_label) -> list:
    label = "合计" if label is True else label
    cells: list[tuple[Any, str] | None] = []
    label_cell = (tr(label), "label_total")
    if has_label:
        cells.append(label_cell)
    for j, col in enumerate(sheet.columns):
        c = j + (1 if has_label else 0)
        if not has_label and j == 0:
            cells.append(label_cell)
        elif not summable(col):
            cells.append((None, col.type + "_total"))
        elif blank:
            ref = f"{col_letter(c)}{first + 1}:{col_letter(c)}{last + 1}"
            cells.append((Formula(f"SUM({ref})"), col.type + "_total"))
        else:
            unit = display_unit(col, style)
            total = round(sum(as_display(col, r.get(col.name), unit) or 0 for r in written), 4)
            total = int(total) if float(total).is_integer() else total
            cells.append((format_value(total, unit, style), col.type + "_total"))
    return cells


DATE_RANGE = {
    "criteria": "between",
    "minimum": dt.date(2000, 1, 1),
    "maximum": dt.date(2099, 12, 31),
}


def column_validation(col: Column) -> dict | None:
    """The input check of a template cell: a dropdown, a date, a non-negative number."""
    if col.choices:
        return {
            "validate": "list",
            "source": list(col.choices),
            "input_title": col.header[:32],
            "input_message": "请从下拉列表中选择",
        }
    if col.type == "date":
        return {
            "validate": "date",
            **DATE_RANGE,
            "input_title": col.header[:32],
            "input_message": "日期,如 2024-07-15",
        }
    if col.type in ("int", "money", "decimal"):
        return {
            "validate": "integer" if col.type == "int" else "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": "请填写非负数;整数单位(人/户/张/间)不得有小数",
        }
    return None


def _template_validations(grid: Grid, sheet: Sheet, first: int, last: int, has_label: bool) -> None:
    for j, col in enumerate(sheet.columns):
        c = j + (1 if has_label else 0)
        rule = column_validation(col)
        if rule:
            grid.validations.append((first, c, last, c, rule))
