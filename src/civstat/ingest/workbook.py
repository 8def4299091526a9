"""A return's cells as rows of text, and its SHA-256.

A workbook is opened once with fastexcel (calamine) and each sheet is read whole, as Arrow
text columns (``dtypes="string"``: numbers, dates and booleans as calamine writes them), then
turned into rows column by column; a group of per-sheet CSV exports is decoded (UTF-8 or GBK)
and split by the ``csv`` module. Empty cells are ``None``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from civstat.ingest.refusal import Refusal

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


def grids_excel(path: Path) -> dict[str, list[tuple]]:
    """Every sheet of a workbook: sheet name → rows (tuples of text or None)."""
    import fastexcel

    try:
        book = fastexcel.read_excel(str(path))
        grids = {}
        for name in book.sheet_names:
            batch = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0,
                                    eager=True)
            grids[name] = list(zip(*[column.to_pylist() for column in batch.columns]))
        return grids
    except Exception as exc:  # noqa: BLE001 — calamine raises many kinds for bad files
        raise Refusal(
            "unreadable",
            f"无法打开工作簿(不是Excel文件、已加密或已损坏):{type(exc).__name__}",
            f"cannot open workbook (not a workbook, encrypted or corrupt): {type(exc).__name__}"
            f"{_first_line(exc, path)}",
        ) from None


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


def grids_csv(files: list[Path]) -> dict[str, list[list]]:
    """A group of ``<workbook>__<sheet>.csv`` exports: sheet name → rows."""
    grids = {}
    for f in files:
        if "__" not in f.stem:
            raise Refusal("not_a_workbook", "CSV 文件名应为 <工作簿>__<工作表>.csv",
                          "a CSV must be named <workbook>__<sheet>.csv")
        sheet = f.stem.split("__", 1)[1]
        rows = list(csv.reader(io.StringIO(_decode(f.read_bytes()))))
        grids[sheet] = [[c if c != "" else None for c in r] for r in rows]
    return grids


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
