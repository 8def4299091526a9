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

from collections.abc import Callable

from civstat.ingest.biff import xls_sheet
from civstat.ingest.columns import numeric_at
from civstat.ingest.date_figures import UNTOLD_HEADS, is_untold, stores
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


def read_stored(find: Finder, grids, plans) -> None:
    """Put in each plan (:attr:`SheetPlan.stored`) the figure its workbook stores in each cell
    it reads as a figure that holds a date whose figure cannot be told (1899-12-31, 1900-02-28;
    ``find``: :func:`xlsx_stored` or :func:`xls_stored`)."""
    untold: dict[str, dict[tuple[int, int], tuple]] = {}
    for plan in plans:
        numeric = numeric_at(plan.columns)
        for record, cells, _ in plan.rows:
            for j in numeric:
                cell = cells[j]
                if cell.__class__ is str and cell[:11] in UNTOLD_HEADS and is_untold(cell):
                    r, lead = record["source_row"], grids.leads.get(plan.name, 0)
                    untold.setdefault(plan.name, {})[r - 1, plan.index[j] + lead] = (
                        plan, r, j, cell)
    if not untold:
        return
    for name, numbers in find({name: set(cells) for name, cells in untold.items()}).items():
        for at, number in numbers.items():
            plan, row, j, text = untold[name][at]
            if stores(text, number):
                plan.stored[row, j] = number
