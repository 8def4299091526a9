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

from xlsxwriter.utility import xl_cell_to_rowcol

from civstat.ingest.limits import member_reader

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
    try:
        read = member_reader(content)
        member = sheet_members(read).get(sheet)
        if member is None:
            return {}
        xml = read(member)
    except (KeyError, ValueError):
        return {}
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
