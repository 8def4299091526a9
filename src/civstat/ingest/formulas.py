"""Formula cells a workbook holds no value for.

Excel and WPS save each formula's result next to it (``<c r="B2"><f>B3+B4</f><v>120</v></c>``)
and calamine reads that result. A workbook written by a program (openpyxl, a script that fills
the template) keeps the formula alone: ``<f>B3+B4</f><v></v>``. calamine reads such a cell as
empty, and an empty cell is a zero on a return (the contract's convention), so a 合计 or a
count computed by formula would load as nothing, silently. The reader asks this module about
the empty cells it would read (only those, so an ordinary return costs nothing) and refuses the
return when one of them is a formula without a result: opened and saved in Excel or WPS, the
file carries its values.

A formula that yields empty text on purpose (``=IF(B3=0,"",B3)``, saved as ``t="str"`` with an
empty value) is an empty cell like any other.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from civstat.ingest.limits import Checked, member_reader
from civstat.ingest.refusal import Finding, Refusal

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3}\d{1,7})"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_RELATION = re.compile(r"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')


def _attributes(tag: str) -> dict[str, str]:
    return {k.rpartition(":")[2] if k.endswith(":id") else k: v for k, v in _ATTRIBUTE.findall(tag)}


def sheet_members(read: Callable[[str], bytes]) -> dict[str, str]:
    """Sheet name → its XML member (``xl/worksheets/sheet2.xml``), from the workbook and its
    relationships (``read``: a zip member's bytes by name)."""
    rels = read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    book = read("xl/workbook.xml").decode("utf-8", "replace")
    targets = {}
    for tag in _RELATION.findall(rels):
        attributes = _attributes(tag)
        rid, target = attributes.get("Id"), attributes.get("Target")
        if rid and target:
            target = html.unescape(target).lstrip("/")
            targets[rid] = target if target.startswith("xl/") else f"xl/{target}"
    members = {}
    for tag in _SHEET.findall(book):
        attributes = _attributes(tag)
        name, rid = attributes.get("name"), attributes.get("id")
        if name is not None and rid in targets:
            members[html.unescape(name)] = targets[rid]
    return members


def uncomputed(content: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) → formula text (0-based, as in Excel) of the sheet's formula cells saved
    without a result; {} when the file is no xlsx or the sheet cannot be found."""
    return _uncomputed(member_reader(content), [sheet]).get(sheet, {})


def _uncomputed(read: Callable[[str], bytes], sheets: list[str]
                ) -> dict[str, dict[tuple[int, int], str]]:
    """:func:`uncomputed` of each sheet (the workbook's relationships read once)."""
    try:
        members = sheet_members(read)
    except (KeyError, ValueError):
        return {}
    out = {}
    for sheet in sheets:
        try:
            out[sheet] = _in_sheet(read(members[sheet])) if sheet in members else {}
        except (KeyError, ValueError):
            out[sheet] = {}
    return out


def _in_sheet(xml: bytes) -> dict[tuple[int, int], str]:
    if not _FORMULA.search(xml):
        return {}
    found = {}
    for attributes, body in _CELL.findall(xml):
        if not body or not _FORMULA.search(body) or _VALUE.search(body):
            continue
        kind = _TYPE.search(attributes)
        ref = _REF.search(attributes)
        if ref is None or (kind is not None and kind[1] in (b"str", b"inlineStr")):
            continue  # no place to name, or a formula whose result is empty text on purpose
        formula = _FORMULA_TEXT.search(body)
        text = html.unescape(formula[1].decode("utf-8", "replace")) if formula else ""
        found[xl_cell_to_rowcol(ref[1].decode())] = text
    return found


def refuse_uncomputed(checked: Checked, grids, cover: tuple[str, list[Finding]], plans) -> None:
    """Refuse the return when an empty cell it would read is a formula saved without its value:
    read as empty it would count as nothing. ``plans``: the sheets' :class:`SheetPlan` (their
    ``blanks``, the empty cells they read); on the cover (``cover``: its sheet and findings), a
    field left empty (``cover_missing``) is looked for in its label's row and the row below."""
    name, findings = cover
    places = {name: [(f.row - 1 + below, None, f.column) for f in findings
                     if f.code == "cover_missing" and f.row for below in (0, 1)]}
    for plan in plans:
        places[plan.name] = [(r, c, plan.columns[j][0].header) for r, c, j in plan.blanks]
    places = {sheet: cells for sheet, cells in places.items() if cells}
    if not places:
        return
    for sheet, formulas in _uncomputed(checked.member_reader(), list(places)).items():
        lead = grids.leads.get(sheet, 0)
        for r, c, header in places[sheet] if formulas else ():
            at = [(r, c + lead)] if c is not None else sorted(k for k in formulas if k[0] == r)
            for key in (k for k in at if k in formulas):
                raise _refusal(sheet, r, header, xl_rowcol_to_cell(*key), formulas[key])


def _refusal(sheet: str, row: int, header: str, cell: str, formula: str) -> Refusal:
    return Refusal(
        "uncomputed_formula",
        f"单元格 {cell} 是公式(={formula}),文件里却没有它的计算结果(多半由程序生成、未在 "
        "Excel/WPS 中保存过),按空白读取会当作0:请用 Excel 或 WPS 打开、保存后重新报送",
        f"cell {cell} holds a formula (={formula}) but the file holds no result for it (written "
        "by a program, never saved in Excel/WPS); read as empty it would count as zero: open "
        "and save the file in Excel or WPS and resend",
        sheet=sheet, row=row + 1, column=header)
