"""What the reader looks up in an ``.xlsx``'s XML itself, where calamine does not say: which zip
member holds a sheet, and its cells' tags (a cell's reference, type, style).

calamine parses every value; a few checks need what it leaves out — a formula saved without its
result, an Excel error value (:mod:`civstat.ingest.formulas`), a number format showing a
magnitude (:mod:`civstat.ingest.formats`), a sheet's declared area
(:mod:`civstat.ingest.limits`), the number a cell formatted as a date stores
(:mod:`civstat.ingest.stored_figures`). They read the members through one zip directory
(:meth:`civstat.ingest.limits.Checked.member_reader`) and share these patterns. Prefixed tags
(``<x:c>``, written by some exporters) are matched like plain ones.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable

from xlsxwriter.utility import xl_cell_to_rowcol

CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)  # attributes, body
CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")  # a cell's opening tag: its attributes
REF = re.compile(rb'\br="([A-Z]{1,3}\d{1,7})"')   # a cell's reference (B12)
TYPE = re.compile(rb'\bt="(\w+)"')               # a cell's type (s, str, e, n …; none: a number)
VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")  # a cell's saved value
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


def numbers_at(xml: bytes, cells: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """(row, column) → the number saved in each of ``cells`` (0-based, as in Excel) of a
    worksheet's XML: a cell of no type or ``t="n"`` with its ``<v>`` (``<c r="C5" s="3"><v>-5</v></c>``:
    -5.0); a cell missing, of another type or holding no number is left out."""
    found = {}
    for attributes, body in CELL.findall(xml):
        ref = REF.search(attributes)
        if ref is None or (at := xl_cell_to_rowcol(ref[1].decode())) not in cells:
            continue
        kind, value = TYPE.search(attributes), VALUE.search(body) if body else None
        if value is None or (kind is not None and kind[1] != b"n"):
            continue
        try:
            number = float(value[1])
        except ValueError:
            continue
        if math.isfinite(number):
            found[at] = number
    return found
