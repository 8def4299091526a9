r"""Figures a cell's number format shows in another magnitude.

A clerk can type 38 in a 累计支出低保资金(元) cell and give it the format ``0.00"万"``: the sheet
shows 38.00万, the file holds 38, and calamine reads 38 — 38 元 where the clerk meant 380,000.
The number format is the only place the 万 is written. Where the reader reads a figure from a
cell whose format appends a magnitude (万, 万元, 千元 …) to the number as stored, the figure is
read with that unit, as if typed after it (``38万``: :func:`civstat.ingest.cell_units.cell_factor`),
and a ``display_unit`` finding names the cell.

A format that shows a full figure scaled (``0!.0000"万元"``, ``0\.0000"万元"`` or
``0"."0000"万元"`` show 380000 as 38.0000万元: a literal point before the last four digits; a
thousands comma before the text, ``0,"千元"``, divides by a thousand) holds the full figure: it
is read as stored. Only workbooks whose styles name such a unit are looked at further, so an
ordinary return costs one small read. An ``.xls`` is read the same way, its formats through xlrd.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from civstat.ingest.biff import xls_book, xls_sheet
from civstat.ingest.columns import is_numeric
from civstat.ingest.limits import Checked
from civstat.ingest.refusal import Finding
from civstat.ingest.sheetxml import CELL_TAG, REF, sheet_members

_NUMFMT = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.DOTALL)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)")
_NUMFMT_ID = re.compile(rb'\bnumFmtId="(\d+)"')
_SHOWN = re.compile(r'"([^"]*[万千亿][^"]*)"|\\([万千亿])')  # the text a format appends
# 0!.0000"万", 0\.0000"万", 0"."0000"万" (a literal point), 0,"千元": a full figure shown scaled
_SCALED = re.compile(r'!\.|\\\.|"\."|,+(?=\s*(?:"|\\|$))')
_MAGNITUDES = tuple(c.encode() for c in "万千亿")
_STYLE = re.compile(rb'\bs="(\d+)"')


def shown_units(read: Callable[[str], bytes]) -> dict[int, str]:
    """Cell style index → the unit its number format appends to a figure as stored (万, 万元)."""
    try:
        styles = read("xl/styles.xml")
    except (KeyError, ValueError):
        return {}
    if not any(m in styles for m in _MAGNITUDES):
        return {}
    units = {}
    for fmt_id, code in _NUMFMT.findall(styles):
        if unit := shown_unit(html.unescape(code.decode("utf-8", "replace"))):
            units[int(fmt_id)] = unit
    xfs = _CELLXFS.search(styles)
    if not units or xfs is None:
        return {}
    out = {}
    for i, attributes in enumerate(_XF.findall(xfs[1])):
        fmt = _NUMFMT_ID.search(attributes)
        if fmt and int(fmt[1]) in units:
            out[i] = units[int(fmt[1])]
    return out


def shown_unit(code: str) -> str | None:
    """The unit a number format ``code`` appends to a figure as stored (``0.00"万"``: 万), None
    when it appends none or shows a full figure scaled (``0!.0000"万元"``)."""
    text = code.split(";")[0]
    shown = _SHOWN.search(text)
    return None if shown is None or _SCALED.search(text) else (shown[1] or shown[2]).strip()


def read_shown_units(checked: Checked, grids, plans) -> None:
    """Append the unit a cell's format shows to each plain figure the plans read from such a
    cell (38 shown as 38.00万 is read as 38万), with a finding naming the cell."""
    read = checked.member_reader()
    styles = shown_units(read)
    if not styles:
        return
    try:
        members = sheet_members(read)
    except (KeyError, ValueError):
        return
    for plan in plans:
        if plan.name not in members or not plan.rows:
            continue
        try:
            cells = _styled(read(members[plan.name]), styles)
        except (KeyError, ValueError):
            continue
        if cells:
            _append_units(plan, cells, grids.leads.get(plan.name, 0))


def read_xls_shown_units(data: bytes, grids, plans) -> None:
    """:func:`read_shown_units` of an .xls: its cells' formats as xlrd reads them."""
    book = xls_book(data)
    if book is None:
        return
    units = {key: unit for key, fmt in book.format_map.items()
             if (unit := shown_unit(fmt.format_str or ""))}
    styles = {i: units[xf.format_key] for i, xf in enumerate(book.xf_list)
              if xf.format_key in units}
    if not styles:
        return
    for plan in plans:
        sheet = xls_sheet(data, plan.name) if plan.rows else None
        if sheet is None:
            continue
        cells = {}
        for record, _, _ in plan.rows:
            r = record["source_row"] - 1
            for c in range(sheet.row_len(r) if r < sheet.nrows else 0):
                if (unit := styles.get(sheet.cell_xf_index(r, c))) is not None:
                    cells[(r, c)] = unit
        if cells:
            _append_units(plan, cells, grids.leads.get(plan.name, 0))


def _styled(xml: bytes, styles: dict[int, str]) -> dict[tuple[int, int], str]:
    """(row, column) → the unit shown, of the sheet's cells in one of ``styles``."""
    out = {}
    for attributes in CELL_TAG.findall(xml):
        style, ref = _STYLE.search(attributes), REF.search(attributes)
        if style and ref and int(style[1]) in styles:
            out[xl_cell_to_rowcol(ref[1].decode())] = styles[int(style[1])]
    return out


def _append_units(plan, cells: dict[tuple[int, int], str], lead: int) -> None:
    numeric = [is_numeric(col) for col, *_ in plan.columns]
    for n, (record, row, k) in enumerate(plan.rows):
        r = record["source_row"] - 1
        changed = list(row)
        for j, c in enumerate(plan.index):
            unit = cells.get((r, c + lead))
            text = row[j]
            if unit is None or not numeric[j] or text is None or not _plain(text):
                continue
            changed[j] = f"{text}{unit}"
            header = plan.columns[j][1]
            cell = xl_rowcol_to_cell(r, c + lead)
            plan.findings.append(Finding(
                "display_unit",
                f"{header} 单元格 {cell} 存的是 {text},格式显示为 {text}{unit}:按 {text}{unit} 读取",
                f"{header}: cell {cell} holds {text}, its format shows {text}{unit}: read as "
                f"{text}{unit}", sheet=plan.name, row=r + 1, column=header))
        plan.rows[n] = (record, tuple(changed), k)


_PLAIN = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None
