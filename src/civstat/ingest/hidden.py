"""Rows and columns a workbook hides, where the reader would read figures from them.

calamine reads a hidden row like any other, so a row the clerk hid — a closed institution in
表6, last quarter's row left under this one's, a part kept for her own sums — loads with the
return, though nobody looking at the sheet sees it: a figure no one can check against the
sheet would be published. Whether a hidden row is to be reported or not cannot be told, so a
hidden row or column holding figures the reader reads refuses the return (``hidden_row``,
``hidden_column``), naming it: unhide it (it is to be reported) or delete it (it is not). A
hidden row or column that is empty, or holds nothing the reader reads (a note, a footer), is no
matter.

The flags live in the sheet's XML (``<row r="5" hidden="1">``, ``<col min="3" max="3"
hidden="1">``) of an .xlsx, and in the ROW / COLINFO records of an .xls (read by xlrd).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xlsxwriter.utility import xl_col_to_name

from civstat.ingest.biff import xls_sheet
from civstat.ingest.limits import Checked
from civstat.ingest.normalize import is_empty
from civstat.ingest.refusal import Refusal
from civstat.ingest.sheetxml import sheet_members

_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MIN, _MAX = re.compile(rb'\bmin="(\d+)"'), re.compile(rb'\bmax="(\d+)"')

Hidden = tuple[frozenset[int], frozenset[int]]  # (rows, columns) hidden, 0-based as in Excel
Finder = Callable[[list[str]], dict[str, Hidden]]


def xlsx_hidden(checked: Checked) -> Finder:
    """The hidden rows and columns of the named sheets of an xlsx. Every worksheet's XML is
    looked into for a hidden flag first; which sheet a flagged one is, is only worked out then
    (an ordinary return hides nothing, and costs its sheets' inflating alone)."""
    def find(sheets: list[str]) -> dict[str, Hidden]:
        flagged = {member: xml for member, xml in checked.worksheets.items()
                   if b"hidden=" in xml and _HIDDEN.search(xml)}
        if not flagged:
            return {}
        try:
            members = sheet_members(checked.member_reader())
        except (KeyError, ValueError):
            return {}
        return {name: _in_sheet(flagged[members[name]]) for name in sheets
                if members.get(name) in flagged}
    return find


def _in_sheet(xml: bytes) -> Hidden:
    rows = {int(number[1]) - 1 for attributes in _ROW.findall(xml)
            if _HIDDEN.search(attributes) and (number := _ROW_NUMBER.search(attributes))}
    columns = set()
    for attributes in _COL.findall(xml):
        low, high = _MIN.search(attributes), _MAX.search(attributes)
        if _HIDDEN.search(attributes) and low and high:
            columns.update(range(int(low[1]) - 1, min(int(high[1]), int(low[1]) + 16_384)))
    return frozenset(rows), frozenset(columns)


def xls_hidden(data: bytes) -> Finder:
    """The hidden rows and columns of the named sheets of an .xls (BIFF), read by xlrd."""
    def find(sheets: list[str]) -> dict[str, Hidden]:
        out = {}
        for name in sheets:
            sheet = xls_sheet(data, name)
            if sheet is None:
                continue
            rows = frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden)
            columns = frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden)
            if rows or columns:
                out[name] = rows, columns
        return out
    return find


def refuse_hidden(find: Finder, grids, plans) -> None:
    """Refuse the return when a row or column the plans read from is hidden and holds a figure
    they read (``find``: :func:`xlsx_hidden` or :func:`xls_hidden`)."""
    read = [plan for plan in plans if plan.rows]
    if not read:
        return
    hidden = find([plan.name for plan in read])
    for plan in read:
        if plan.name not in hidden:
            continue
        rows, columns = hidden[plan.name]
        lead = grids.leads.get(plan.name, 0)
        for record, cells in plan.counted():
            r = record["source_row"] - 1
            filled = [j for j, cell in enumerate(cells) if not is_empty(cell)]
            if r in rows and filled:
                j = filled[0]
                raise Refusal(
                    "hidden_row",
                    f"第{r + 1}行是隐藏行,却填有数据({plan.columns[j][1]} {cells[j]}):隐藏的行在表上"
                    "看不到,无法核对是否应报;应报请取消隐藏,不应报请删除该行,然后重新报送",
                    f"row {r + 1} is hidden but holds figures ({plan.columns[j][1]} {cells[j]}): "
                    "no one looking at the sheet can check them; unhide the row (to report it) or "
                    "delete it (not to), and resend", sheet=plan.name, row=r + 1,
                    column=plan.columns[j][1])
            for j in filled:
                if plan.index[j] + lead in columns:
                    letter = xl_col_to_name(plan.index[j] + lead)
                    header = plan.columns[j][1]
                    raise Refusal(
                        "hidden_column",
                        f"{header}({letter}列)是隐藏列,却填有数据(第{r + 1}行 {cells[j]}):隐藏的列"
                        "在表上看不到,无法核对是否应报;应报请取消隐藏,不应报请删除该列,然后重新报送",
                        f"{header} (column {letter}) is hidden but holds figures (row {r + 1}: "
                        f"{cells[j]}): no one looking at the sheet can check them; unhide the column "
                        "(to report it) or delete it (not to), and resend", sheet=plan.name,
                        row=r + 1, column=header)
