"""The figure a cell formatted as a date stores, where the date calamine gives cannot tell it.

calamine gives 59 and 60 alike as 1900-02-28, and 0, every negative figure and a fraction
below 1 as a time on 1899-12-31 (:mod:`civstat.ingest.date_figures`): a clerk's 0 in a column
formatted as a date (a common slip) would be refused, though the workbook holds the number
itself — an .xlsx in its sheet's XML (``<c r="C5" s="3"><v>-5</v></c>``), an .xls in its cell
record (xlrd reads its value). For those cells alone, among the figures the reader reads (rare:
an ordinary return opens nothing more), the number is read from there and kept in the plan
(:attr:`civstat.ingest.columns.SheetPlan.stored`): it is the figure then, with the finding of a
figure formatted as a date (``figure_as_date``), and goes on as the same figure typed in a
cell formatted as a number does. A number that is not one the date stands for (another cell's)
is none; where none is found (a CSV), the cell is refused as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from civstat.ingest.biff import xls_book, xls_sheet
from civstat.ingest.columns import numeric_at
from civstat.ingest.date_figures import (
    BELOW_ONE_HEAD,
    UNTOLD_HEADS,
    implausible_date,
    is_untold,
    serial_1904,
    stores,
)
from civstat.ingest.limits import Checked
from civstat.ingest.sheetxml import numbers_at, sheet_members

Cells = dict[str, set[tuple[int, int]]]  # sheet → (row, column) of the cells, 0-based as in Excel
Finder = Callable[[Cells], dict[str, dict[tuple[int, int], float]]]


def xlsx_stored(checked: Checked) -> Finder:
    """The numbers saved in the named cells of an xlsx's sheets (its worksheets as
    :attr:`Checked.worksheets` inflated them)."""
    def find(cells: Cells) -> dict[str, dict[tuple[int, int], float]]:
        read, inflated = checked.member_reader(), checked.worksheets
        try:
            members = sheet_members(read)
            return {name: numbers_at(inflated.get(members[name]) or read(members[name]), wanted)
                    for name, wanted in cells.items() if name in members}
        except (KeyError, ValueError):
            return {}
    return find


def xls_stored(data: bytes) -> Finder:
    """The numbers in the named cells of an .xls's sheets (a date cell's value, read by xlrd)."""
    def find(cells: Cells) -> dict[str, dict[tuple[int, int], float]]:
        from xlrd import XL_CELL_DATE, XL_CELL_NUMBER

        out = {}
        for name, wanted in cells.items():
            sheet = xls_sheet(data, name)
            if sheet is not None:
                out[name] = {(r, c): float(sheet.cell_value(r, c)) for r, c in wanted
                             if r < sheet.nrows and c < sheet.row_len(r)
                             and sheet.cell_type(r, c) in (XL_CELL_DATE, XL_CELL_NUMBER)}
        return out
    return find


def xlsx_1904(checked: Checked) -> Callable[[], bool]:
    """Whether an xlsx counts its dates in the 1904 date system (``<workbookPr date1904="1"/>``)."""
    def is_1904() -> bool:
        try:
            book = checked.member_reader()("xl/workbook.xml")
        except (KeyError, ValueError):
            return False
        return _DATE1904.search(book) is not None
    return is_1904


def xls_1904(data: bytes) -> Callable[[], bool]:
    """Whether an .xls counts its dates in the 1904 date system (its DATEMODE record)."""
    def is_1904() -> bool:
        book = xls_book(data)
        return book is not None and book.datemode == 1
    return is_1904


_DATE1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')


def read_stored(find: Finder, grids, plans, is_1904: Callable[[], bool] = bool) -> None:
    """Put in each plan (:attr:`SheetPlan.stored`) the figure of each cell it reads as a figure
    that holds a date no return's date is (a figure formatted as a date): in a workbook of the
    1904 date system (``is_1904``: :func:`xlsx_1904`, :func:`xls_1904`), every such figure, of
    the date as that system counts (calamine gives 210 as 1904-07-29, which the 1900 system's
    reading takes for 1,672); else where the date cannot tell it (1899-12-31, 1900-02-28), the
    number the workbook stores (``find``: :func:`xlsx_stored` or :func:`xls_stored`)."""
    dated: dict[str, dict[tuple[int, int], tuple]] = {}
    for plan in plans:
        numeric = numeric_at(plan.columns)
        for record, cells, _ in plan.rows:
            for j in numeric:
                cell = cells[j]
                if cell.__class__ is str and len(cell) == 19 and implausible_date(cell):
                    r, lead = record["source_row"], grids.leads.get(plan.name, 0)
                    dated.setdefault(plan.name, {})[r - 1, plan.index[j] + lead] = (
                        plan, r, j, cell)
    if not dated:
        return
    heads = UNTOLD_HEADS
    if is_1904():  # 1900-02-28 is 1,519 or 1,520 there; below 1 is a time, as in the 1900 system
        heads = frozenset([BELOW_ONE_HEAD])
        for cells in dated.values():
            for plan, row, j, text in cells.values():
                if text[:11] not in heads:
                    plan.stored[row, j] = serial_1904(text)
    untold = {name: {at: cell for at, cell in cells.items() if cell[3][:11] in heads
                     and is_untold(cell[3])} for name, cells in dated.items()}
    untold = {name: cells for name, cells in untold.items() if cells}
    if not untold:
        return
    for name, numbers in find({name: set(cells) for name, cells in untold.items()}).items():
        for at, number in numbers.items():
            plan, row, j, text = untold[name][at]
            if stores(text, number):
                plan.stored[row, j] = number
