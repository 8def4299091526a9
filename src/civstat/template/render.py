"""Renderers: laid-out grids → .xlsx (xlsxwriter: formats, merges, dropdowns, protection, A4 print
set-up), legacy .xls (xlwt) or one CSV per sheet (as spreadsheet programs export them). The same
grids give the same bytes (fixed workbook properties)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from civstat.template.grid import Formula, Grid, plain_number

FIXED_CREATED = dt.datetime(2024, 1, 1, 8, 0, 0)  # workbook property: same bytes for same input
_NUM_FORMATS = {"int": "#,##0", "money": "#,##0.00", "decimal": "#,##0.00", "date": "yyyy-mm-dd"}


def _base_role(role: str) -> str:
    return role.removesuffix("_total")


def _header_lines(row: list, widths: list[float]) -> int:
    """Text lines a header or note row needs (xlsxwriter does not size rows itself)."""
    lines = 1
    for c, cell in enumerate(row):
        if not cell or cell[1] not in ("header", "note") or not isinstance(cell[0], str):
            continue
        width = widths[c] if c < len(widths) else 10
        per_line = max(1, int(width / 2.1))
        lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in cell[0].split("\n")))
    return min(lines, 6)


def render_xlsx(grids: list[Grid], path: Path, *, title: str = "乡镇民政统计季报") -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    wb.set_properties(
        {"title": title, "author": "civstat", "company": "县民政局", "created": FIXED_CREATED}
    )
    formats: dict[tuple[str, bool], Any] = {}

    def fmt(role: str, unlocked: bool):
        key = (role, unlocked)
        if key not in formats:
            base = _base_role(role)
            props: dict[str, Any] = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
            if role == "title":
                props.update(bold=True, font_size=14, align="center")
            elif role in ("units", "footer"):
                props.update(align="left")
            elif role == "note":
                props.update(align="left", text_wrap=True)
            elif role == "header":
                props.update(
                    bold=True, align="center", text_wrap=True, border=1, bg_color="#DDEBF7"
                )
            elif role == "key":
                props.update(bold=True, border=1, bg_color="#DDEBF7")
            else:
                props.update(border=1)
                if base in _NUM_FORMATS:
                    props["num_format"] = _NUM_FORMATS[base]
                if role.endswith("_total") or role == "label_total":
                    props.update(bold=True, bg_color="#F2F2F2")
            if unlocked:
                props["locked"] = False
            formats[key] = wb.add_format(props)
        return formats[key]

    for grid in grids:
        ws = wb.add_worksheet(grid.name[:31])
        merged_away = _merged_away(grid)
        for r, row in enumerate(grid.rows):
            for c, cell in enumerate(row):
                if cell is None or (r, c) in merged_away:
                    continue
                value, role = cell
                unlocked = (
                    grid.protect
                    and role
                    not in ("title", "units", "header", "key", "label", "label_total", "note")
                    and not role.endswith("_total")
                )
                f = fmt(role, unlocked)
                if isinstance(value, Formula):
                    ws.write_formula(r, c, "=" + value.text, f, 0)
                elif value is None or value == "" and role != "text":
                    ws.write_blank(r, c, None, f)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, f)
                elif isinstance(value, dt.datetime | dt.date):
                    ws.write_datetime(
                        r,
                        c,
                        dt.datetime.combine(value, dt.time())
                        if not isinstance(value, dt.datetime)
                        else value,
                        f,
                    )
                else:
                    ws.write_number(r, c, value, f)
        for r1, c1, r2, c2 in grid.merges:
            cell = grid.rows[r1][c1]
            value, role = cell if cell else ("", "header")
            ws.merge_range(r1, c1, r2, c2, value, fmt(role, False))
        for c, w in enumerate(grid.widths):
            ws.set_column(c, c, w)
        for r, row in enumerate(grid.rows):
            lines = _header_lines(row, grid.widths)
            if lines > 1:
                ws.set_row(r, 14 * lines + 2)
        if grid.freeze:
            ws.freeze_panes(grid.freeze, 0)
        ws.set_paper(9)  # A4, landscape, one page wide — as printed for signature
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        for r1, c1, r2, c2, opts in grid.validations:
            ws.data_validation(r1, c1, r2, c2, opts)
        if grid.protect:
            ws.protect(
                "", {"format_columns": True, "format_rows": True, "select_locked_cells": True}
            )
    wb.close()


def render_xls(grids: list[Grid], path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}

    def style(role: str):
        if role not in styles:
            base = _base_role(role)
            s = xlwt.XFStyle()
            font = xlwt.Font()
            font.name = "SimSun"
            font.bold = role in ("title", "header", "key") or role.endswith("_total")
            font.height = 280 if role == "title" else 200
            s.font = font
            if role not in ("title", "units", "footer", "note"):
                b = xlwt.Borders()
                b.left = b.right = b.top = b.bottom = xlwt.Borders.THIN
                s.borders = b
            if base in _NUM_FORMATS:
                s.num_format_str = {"date": "YYYY-MM-DD"}.get(base, _NUM_FORMATS[base])
            if role == "header":
                a = xlwt.Alignment()
                a.horz, a.vert, a.wrap = xlwt.Alignment.HORZ_CENTER, xlwt.Alignment.VERT_CENTER, 1
                s.alignment = a
            styles[role] = s
        return styles[role]

    for grid in grids:
        ws = wb.add_sheet(grid.name[:31], cell_overwrite_ok=True)
        merged_away: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in grid.merges:
            cell = grid.rows[r1][c1]
            value, role = cell if cell else ("", "header")
            ws.write_merge(r1, r2, c1, c2, value, style(role))
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    merged_away.add((r, c))
        for r, row in enumerate(grid.rows):
            for c, cell in enumerate(row):
                if cell is None or (r, c) in merged_away:
                    continue
                value, role = cell
                if isinstance(value, Formula):
                    value = xlwt.Formula(value.text)
                elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                    value = dt.datetime.combine(value, dt.time())
                ws.write(r, c, "" if value is None else value, style(role))
        for c, w in enumerate(grid.widths):
            ws.col(c).width = int(w * 256)
    wb.save(str(path))


def _csv_value(value: Any) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return plain_number(value, 4)
    return str(value)


def _merged_away(grid: Grid) -> set[tuple[int, int]]:
    """Cells covered by a merge other than its top-left one."""
    away: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in grid.merges:
        away.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        away.discard((r1, c1))
    return away


def render_csv(grids: list[Grid], path: Path, encoding: str = "utf-8") -> list[Path]:
    """One CSV per sheet, ``<stem>__<sheet>.csv`` beside ``path``; merged cells keep their value
    in the first cell only, as spreadsheet programs export them."""
    out = []
    for grid in grids:
        target = path.with_name(f"{path.stem}__{grid.name}.csv")
        away = _merged_away(grid)
        width = max((len(r) for r in grid.rows), default=0)
        with target.open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            for r, row in enumerate(grid.rows):
                cells = [
                    "" if c is None or (r, j) in away else _csv_value(c[0])
                    for j, c in enumerate(row)
                ]
                w.writerow(cells + [""] * (width - len(row)))
        out.append(target)
    return out
