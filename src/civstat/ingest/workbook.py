"""A return's cells as rows of text, and its SHA-256.

A workbook is opened once with calamine (python-calamine) and each sheet is read whole, as
Python rows straight from calamine: for the 16 small sheets of a return this costs less than
the parse into Arrow (fastexcel) and a conversion back to rows. Cells are then given the text
fastexcel writes for them (``dtypes="string"``), so the reader sees one kind of cell whatever
wrote the file: numbers as plain decimals (``1185250``, ``384560.63``; whole numbers without
``.0``), dates as ``2025-01-03 00:00:00``, a duration (``[h]:mm``) as the days it stores
(``120``, not a date 120 days on), booleans as ``true``/``false``; empty and error
cells are ``None``. Leading empty columns are dropped, as fastexcel drops them (rows keep their
Excel numbers). A group of per-sheet CSV exports is decoded (UTF-8 or GBK) and split by the
``csv`` module.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from pathlib import Path

import numpy as np
from xlsxwriter.utility import xl_range

from civstat.ingest.normalize import norm
from civstat.ingest.refusal import Refusal
from civstat.ingest.row_kinds import label_sets

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


class Grids(dict):
    """Sheet name → rows, and (:meth:`hidden`) the names of the sheets the workbook hides."""

    book = None  # the calamine workbook (its sheets' visibility, read only when asked)

    def __init__(self):
        super().__init__()
        self.leads: dict[str, int] = {}  # sheet → leading empty columns dropped (Excel's A, B …)
        self.merges: dict[str, list] = {}  # sheet → merged ranges ((r1, c1), (r2, c2)), 0-based

    def hidden(self) -> frozenset[str]:
        from python_calamine import SheetVisibleEnum

        if self.book is None:
            return frozenset()
        return frozenset(m.name for m in self.book.sheets_metadata
                         if m.visible != SheetVisibleEnum.Visible)


def grids_excel(path: Path, content: bytes | None = None) -> Grids:
    """Every sheet of a workbook: sheet name → rows (tuples of text or None). ``content``: the
    file's bytes when the caller has read them. calamine parses the bytes from memory (from a
    path it seeks and reads per zip member) and by what they are, not by the file's extension:
    an .xls saved as ``.xlsx`` is read as the .xls it is."""
    from python_calamine import CalamineWorkbook

    from civstat.ingest.limits import MAX_SHEET_CELLS, sheet_too_large

    try:
        data = path.read_bytes() if content is None else content
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids, limit = Grids(), MAX_SHEET_CELLS.value()
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            # an .xls states no area the zip checks could read: its grid is checked here,
            # before it becomes Python rows (a stray value in IV65536: 16.7 million cells)
            if sheet.height * sheet.width > limit:
                span = xl_range(*sheet.start, *sheet.end) if sheet.start else ""
                raise sheet_too_large(name, sheet.height * sheet.width, span, limit)
            grids[name], grids.leads[name] = _text_rows(sheet.to_python(skip_empty_area=False))
            if merged := sheet.merged_cell_ranges:
                grids.merges[name] = merged
        grids.book = book
        return grids
    except Refusal:
        raise
    except BaseException as exc:  # calamine raises many kinds for bad files
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit; a panic in calamine (pyo3) is the file's
        raise Refusal(
            "unreadable",
            f"无法打开工作簿(不是Excel文件、已加密或已损坏):{type(exc).__name__}",
            f"cannot open workbook (not a workbook, encrypted or corrupt): {type(exc).__name__}"
            f"{_first_line(exc, path)}",
        ) from None


def _text_rows(rows: list[list]) -> tuple[list[tuple], int]:
    """calamine's cells → text or None (:class:`_CellText`), without leading empty columns;
    and how many were dropped."""
    text = _CELL_TEXT.__getitem__
    if len(_CELL_TEXT) > 1 << 18:
        _CELL_TEXT.clear()
    out = [tuple(map(text, row)) for row in rows]
    lead = 0
    if out and all(row[0] is None for row in out if row):
        lead = min((next(i for i, c in enumerate(row) if c is not None)
                    for row in out if any(c is not None for c in row)), default=0)
        out = [row[lead:] for row in out]
    return out, lead


def _number_text(x: float) -> str:
    """A number as fastexcel writes it: whole without ``.0``, else the shortest decimal that
    reads back exactly, never in exponent form (``1e-07`` → ``0.0000001``)."""
    if x.is_integer():
        return str(int(x))
    text = repr(x)
    if "e" in text or "E" in text:
        text = np.format_float_positional(x, trim="-")
    return text


_EXCEL_EPOCH = dt.datetime(1899, 12, 31)
_ONE_DAY = dt.timedelta(days=1)  # Excel's 1.0 in a duration-formatted cell ([h]:mm: 120 → 2880:00)
# calamine rounds a duration to the millisecond (1.2e-8 of a day): the figure, to 7 decimals
_DURATION_DIGITS = 7


class _CellText(dict):
    """calamine cell → its text (memoised: labels and small counts repeat across returns).

    Booleans are never memoised and neither are numbers equal to 0 or 1: ``True == 1`` and
    ``False == 0`` in a dict, and a TRUE cell must stay ``true``, a 1 stay ``1``."""

    def __missing__(self, cell):
        kind = cell.__class__
        if kind is str:
            value = cell or None
        elif kind is float or kind is int:
            value = str(cell) if kind is int or not math.isfinite(cell) else _number_text(cell)
            if cell == 0 or cell == 1:
                return value
        elif kind is bool:
            return "true" if cell else "false"
        elif kind is dt.datetime:
            value = cell.isoformat(sep=" ", timespec="seconds")
        elif kind is dt.date:
            value = f"{cell.isoformat()} 00:00:00"
        elif kind is dt.time:
            value = dt.datetime.combine(_EXCEL_EPOCH, cell).isoformat(sep=" ", timespec="seconds")
        elif kind is dt.timedelta:  # a duration format ([h]:mm): the days Excel stores
            value = _number_text(round(cell / _ONE_DAY, _DURATION_DIGITS) + 0.0)
        elif cell is None:
            value = None
        else:
            value = str(cell)
        self[cell] = value
        return value


_CELL_TEXT = _CellText()


def _first_line(exc: BaseException, path: Path) -> str:
    """The exception's first line, without the file's absolute path (messages are one line)."""
    text = str(exc).replace(str(path), path.name).strip().splitlines()
    return f": {text[0][:200]}" if text else ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refusal("unreadable", "CSV 编码无法识别(应为UTF-8或GBK)", "CSV is neither UTF-8 nor GBK")


def grids_csv(files: list[Path]) -> Grids:
    """A group of ``<workbook>__<sheet>.csv`` exports: sheet name → rows (none hidden)."""
    grids = Grids()
    for f in files:
        if "__" not in f.stem:
            raise Refusal("not_a_workbook", "CSV 文件名应为 <工作簿>__<工作表>.csv",
                          "a CSV must be named <workbook>__<sheet>.csv")
        sheet = f.stem.split("__", 1)[1]
        text = _decode(f.read_bytes())
        rows = list(csv.reader(io.StringIO(text)))
        _refuse_cut_short(text, rows, sheet)
        grids[sheet] = [[c if c != "" else None for c in r] for r in rows]
    return grids


def _refuse_cut_short(text: str, rows: list[list[str]], sheet: str) -> None:
    """Refuse a CSV that ends inside its last line, shorter than the rows above it (or inside a
    quoted cell): a file still being copied, or cut off, whose last row would load as smaller
    figures (``城市低保,120,21`` of ``…,210,8,…``) and the rows after it as not reported. Every
    spreadsheet's CSV export ends each line with a line break and writes each row of the table
    as wide as the others; a footer (填表人:张三) is no row of figures, however short."""
    if not rows or text.endswith(("\n", "\r")):
        return
    last = rows[-1]
    line = text[text.rfind("\n") + 1:]
    unclosed = line.count('"') % 2 == 1
    first = next((c for c in last if c.strip()), None)
    if not unclosed and (first is None or len(last) >= max(map(len, rows[:-1]), default=0)
                         or norm(first).startswith(label_sets()[1])):
        return
    raise Refusal("unreadable",
                  f"文件在第{len(rows)}行中间结束(这一行比上面的行短,且没有换行结尾):多半是文件还没"
                  "复制完或被截断,这一行的数字可能不全;请重新投递完整的文件",
                  f"the file ends in the middle of row {len(rows)} (shorter than the rows above, "
                  "with no line break at its end): most likely it was still being copied or was "
                  "cut off, and the row's figures may be incomplete; drop the whole file again",
                  sheet=sheet, row=len(rows))


def file_sha256(files: list[Path] | tuple[Path, ...]) -> str:
    """SHA-256 of a return's bytes (a CSV group: names and bytes), read in chunks."""
    h = hashlib.sha256()
    for f in sorted(files):
        if len(files) > 1:
            h.update(f.name.encode())
        with f.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()
