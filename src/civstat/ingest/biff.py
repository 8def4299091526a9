"""What the reader looks up in an ``.xls`` (BIFF, the format WPS long saved by default) itself,
where calamine does not say: error values (calamine reads ``#REF!`` as an empty cell) and
hidden rows and columns. xlrd reads the records; this is the one place that opens a workbook
with it (:mod:`civstat.ingest.sheetxml` is the same for an ``.xlsx``).
"""

from __future__ import annotations

from functools import lru_cache

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an .xls (BIFF8)
ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
          0x24: "#NUM!", 0x2A: "#N/A"}  # BIFF error codes → Excel's text


@lru_cache(maxsize=2)  # a return's checks share one parse
def xls_book(data: bytes):
    """The xlrd workbook of an .xls's bytes (with its formatting: rows' and columns' flags);
    None for any other file, or one xlrd cannot read (calamine has read it: there is nothing
    more to tell)."""
    import xlrd

    if data[:8] != OLE_MAGIC:  # an .xlsx named .xls: calamine reads what it is
        return None
    try:
        return xlrd.open_workbook(file_contents=data, on_demand=True, formatting_info=True)
    except Exception:  # noqa: BLE001 — xlrd raises many kinds for files calamine reads
        return None


def xls_sheet(data: bytes, name: str):
    """The xlrd sheet ``name`` of an .xls's bytes, None when it cannot be read."""
    import xlrd

    book = xls_book(data)
    if book is None:
        return None
    try:
        return book.sheet_by_name(name)
    except xlrd.XLRDError:
        return None
