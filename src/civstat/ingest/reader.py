"""Read one township return (xlsx, xls or a group of per-sheet CSVs) into canonical rows.

Pure parsing, no database: headers are recognised through the contract's synonyms, units
converted to the canonical ones, 合计 rows flagged, footers dropped. Anything that would make
the return load wrongly raises :class:`Refusal` naming sheet, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from civstat.contract import Column, Sheet, load_contract
from civstat.ingest.columns import SheetPlan, header_period, type_sheets
from civstat.ingest.cover import parse_cover
from civstat.ingest.normalize import (
    header_key,
    is_blank,
    norm,
    sheet_key,
)
from civstat.ingest.refusal import Finding, Refusal

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
HEADER_SCAN_ROWS = 12


@dataclass
class SheetRows:
    family: str
    sheet_name: str
    rows: list[dict]


@dataclass
class ParsedReturn:
    source: Path                 # the workbook, or the CSV group's first file
    files: list[Path]
    file_format: str
    sha256: str
    cover: dict
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # warnings that do not refuse


# -- workbook access -------------------------------------------------------------------------
def _grid_excel(path: Path) -> dict[str, list[list]]:
    import fastexcel

    try:
        book = fastexcel.read_excel(str(path))
        grids = {}
        for name in book.sheet_names:
            frame = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0).to_polars()
            grids[name] = frame.rows()  # tuples: no per-row copies
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


def _grid_csv(files: list[Path]) -> dict[str, list[list]]:
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


# -- contract lookups ------------------------------------------------------------------------
@cache
def _column_index(family: str) -> dict[str, Column]:
    sheet = load_contract().sheet(family)
    index: dict[str, Column] = {}
    for col in sheet.columns:
        names = [col.header, *col.synonyms]
        if col.group and col.short:
            names.append(col.group + col.short)
        for name in names:
            index.setdefault(header_key(name)[0], col)
    return index


@cache
def _sheet_index() -> dict[str, str]:
    contract = load_contract()
    index = {sheet_key(n): "cover" for n in (contract.cover_sheet, *contract.cover_sheet_synonyms)}
    for sheet in contract.sheets:
        for name in (sheet.sheet, *sheet.sheet_synonyms):
            index.setdefault(sheet_key(name), sheet.family)
    return index


@cache
def _label_sets() -> tuple[frozenset[str], tuple[str, ...]]:
    contract = load_contract()
    return (frozenset(norm(t) for t in contract.total_labels),
            tuple(norm(p) for p in contract.footer_prefixes))


_CATEGORY_INDEX: dict[int, tuple[Sheet, dict[str, str]]] = {}


def _category(sheet: Sheet, label: str) -> str | None:
    """The code of the first category whose label or synonym is ``label`` (normalised)."""
    entry = _CATEGORY_INDEX.get(id(sheet))
    if entry is None or entry[0] is not sheet:
        index: dict[str, str] = {}
        for cat in sheet.categories:
            for name in (cat.label, *cat.synonyms):
                index.setdefault(norm(name), cat.code)
        entry = _CATEGORY_INDEX[id(sheet)] = (sheet, index)
    return entry[1].get(norm(label))


# -- parsing ---------------------------------------------------------------------------------
def _cell(row: list, i: int):
    return row[i] if i < len(row) else None


def _match_header(family: str, upper: list | None, lower: list) -> dict[int, tuple[Column, str | None, str]]:
    """Column index → (contract column, unit in header, header text)."""
    return dict(_match_rows(family, None if upper is None else tuple(upper), tuple(lower)))


@lru_cache(maxsize=4096)
def _match_rows(family: str, upper: tuple | None, lower: tuple) -> tuple:
    """:func:`_match_header` on hashable rows, memoised: every return of a province is filled
    in on the same template, so the same header rows come back hundreds of times."""
    index = _column_index(family)
    found: dict[int, tuple[Column, str | None, str]] = {}
    carry = None
    for i in range(len(lower)):
        up = _cell(upper, i) if upper is not None else None
        if upper is not None:
            carry = up if not is_blank(up) else carry  # merged cells: forward-fill the upper row
            up = carry if is_blank(_cell(lower, i)) is False else up
        lo = _cell(lower, i)
        candidates = []
        if up is not None and not is_blank(lo):
            (uk, uu), (lk, lu) = header_key(up), header_key(lo)
            candidates.append((uk + lk, lu or uu, f"{norm(up)}{norm(lo)}"))
        if not is_blank(lo):
            k, u = header_key(lo)
            candidates.append((k, u, norm(lo)))
        if up is not None and not is_blank(up) and is_blank(lo):
            k, u = header_key(up)
            candidates.append((k, u, norm(up)))
        for key, unit, text in candidates:
            col = index.get(key)
            if col is not None and all(c is not col for c, _, _ in found.values()):
                found[i] = (col, unit, text)
                break
    return tuple(found.items())


_NUMERIC = re.compile(r"\s*[-+]?[\d,.，．]+\s*%?\s*")


def _blank(cell) -> bool:
    """:func:`is_blank`, without normalising ASCII text (NFKC and OpenCC leave it alone, so
    it is blank when empty or white space only)."""
    if cell.__class__ is str and cell.isascii():
        return not cell or cell.isspace()
    return is_blank(cell)


def _is_text(cell) -> bool:
    """Text that could be a header: not blank, not a number written as text."""
    return isinstance(cell, str) and not _NUMERIC.fullmatch(cell) and not is_blank(cell)


@lru_cache(maxsize=4096)
def _row_flags(row: tuple) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """(could be header text, is blank) per cell; memoised: a province's returns share headers."""
    return tuple(_is_text(c) for c in row), tuple(is_blank(c) for c in row)


@cache
def _affixes(family: str) -> frozenset[str]:
    """Every non-empty prefix and suffix of the family's header keys (the keys included): a
    cell whose key is none of them can match no column, alone or joined to another cell."""
    out = set()
    for key in _column_index(family):
        for i in range(1, len(key) + 1):
            out.add(key[:i])
            out.add(key[-i:])
    return frozenset(out)


@cache
def _digits_free(family: str) -> bool:
    """No header key holds a digit (nor the text stand-in): a number matches no column."""
    return not any(ch.isdigit() or ch == _TEXT_MARK for key in _affixes(family) for ch in key)


_PLAIN_NUMBER = re.compile(r"\s*-?\d+(?:\.\d+)?\s*")
_TEXT_MARK, _NUMBER_MARK = "\x00", "0"  # stand-ins that match nothing, of the same flags
_HEADER_CACHE: dict[tuple, tuple] = {}


def _layout_cell(cell, affixes: frozenset[str], digits_free: bool):
    """A cell of the header scan as it matters to :func:`_locate_header`: cells that can match
    no column (numbers, a title naming the township) become a stand-in with the same flags."""
    if digits_free and cell.isascii() and _PLAIN_NUMBER.fullmatch(cell):
        return _NUMBER_MARK  # its key holds a digit, which no header key does
    if _blank(cell):
        return cell
    key = header_key(cell)[0]
    if not key or key in affixes:
        return cell
    if not digits_free:
        return cell
    return _TEXT_MARK if _is_text(cell) else _NUMBER_MARK


class _LayoutCells(dict):
    """cell → :func:`_layout_cell` of one family, filled on first sight of a cell."""

    def __init__(self, family: str):
        super().__init__()
        self.family = family
        self[None] = None

    def __missing__(self, cell):
        if cell.__class__ is not str:  # 1, 1.0 and True are equal keys: never memoised
            return (cell.__class__, cell)
        value = _layout_cell(cell, _affixes(self.family), _digits_free(self.family))
        self[cell] = value
        return value


_LAYOUT_CELLS: dict[str, _LayoutCells] = {}


def _locate_header(family: str, grid: list[list]):
    """:func:`_scan_header`, memoised per layout: the scan rows with every cell that cannot
    match a column replaced by a stand-in (a province's returns share a few layouts)."""
    cells = _LAYOUT_CELLS.get(family)
    if cells is None or len(cells) > 1 << 16:
        cells = _LAYOUT_CELLS[family] = _LayoutCells(family)
    signature = (family, tuple(tuple(map(cells.__getitem__, row))
                               for row in grid[:HEADER_SCAN_ROWS + 1]))
    hit = _HEADER_CACHE.get(signature)
    if hit is None:
        if len(_HEADER_CACHE) >= 4096:
            _HEADER_CACHE.clear()
        hit = _HEADER_CACHE[signature] = _scan_header(family, grid)
    return hit[0], dict(hit[1])


def _scan_header(family: str, grid: list[list]):
    """The header: the row, or pair of rows (two-row merged headers), matching most columns.

    Only text can match a header, and under an upper row a column matches on the lower row's
    text or, where that is blank, the upper row's; rows and pairs whose count of such cells
    cannot beat the best so far (data rows: a label and numbers) are not matched at all.
    """
    scan = grid[:HEADER_SCAN_ROWS + 1]
    flags = [_row_flags(tuple(row)) for row in scan[:2]]
    full = len(load_contract().sheet(family).columns)  # a header matching all cannot be beaten
    best = (0, None, None)  # score, header rows used, mapping
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        if best[0] >= full:
            break
        if sum(flags[r][0]) > best[0]:
            single = _match_header(family, None, grid[r])
            if len(single) > best[0]:
                best = (len(single), (r,), single)
        if r + 1 < len(scan):
            if len(flags) == r + 1:
                flags.append(_row_flags(tuple(scan[r + 1])))
            up, lo, lo_blank = flags[r][0], flags[r + 1][0], flags[r + 1][1]
            bound = sum(lo[i] or (lo_blank[i] and i < len(up) and up[i]) for i in range(len(lo)))
            if bound > best[0]:
                pair = _match_header(family, grid[r], grid[r + 1])
                if len(pair) > best[0]:
                    best = (len(pair), (r, r + 1), pair)
    return best[1], best[2] or {}


def _factor(col: Column, unit: str | None) -> float:
    conversions = load_contract().unit_conversions
    unit = norm(unit) if unit else None
    effective = unit if unit in conversions else col.header_unit
    if effective in conversions and conversions[effective][0] == col.unit:
        return conversions[effective][1]
    return 1.0


def _plan_sheet(sheet: Sheet, name: str, grid: list) -> tuple[SheetPlan, Refusal | None]:
    """Header and row classification of one sheet; a row that must be refused ends the plan
    (its refusal is returned, to be raised after the cells of the rows before it are typed)."""
    header_rows, mapping = _locate_header(sheet.family, grid)
    found = {id(m[0]) for m in mapping.values()}
    missing = [c for c in sheet.columns if c.required and id(c) not in found]
    if header_rows is None or missing:
        col = missing[0].header if missing else None
        raise Refusal("missing_column", f"缺少必填列 {col or '(表头无法识别)'}",
                      f"required column missing: {col or '(header not recognised)'}",
                      sheet=name, column=col)
    plan = SheetPlan(sheet, name, [
        (col, text, _factor(col, unit), header_period(col, unit, text) if col.period_units else None)
        for col, unit, text in mapping.values()])
    totals, footers = _label_sets()
    index = list(mapping)
    label_col = min((i for i in range(len(grid[header_rows[0]])) if i not in mapping), default=None)
    for r in range(header_rows[-1] + 1, len(grid)):
        row = grid[r]
        first = next((c for c in row if not _blank(c)), None)
        if first is None or norm(first).startswith(footers):
            continue
        label = _cell(row, label_col) if label_col is not None else None
        is_total = norm(label if label is not None else first) in totals
        record: dict = {"source_row": r + 1}
        if sheet.row_kind == "category":
            code = "total" if is_total else _category(sheet, label) if label is not None else None
            if code is None:
                return plan, Refusal("unknown_category", f"无法识别的类别 {label!r}",
                                     f"unknown category {label!r}", sheet=name, row=r + 1,
                                     column=sheet.label.header if sheet.label else None)
            record["category"] = code
        elif sheet.row_kind == "single" and is_total:
            continue
        if sheet.row_kind != "single":
            record["is_total"] = is_total
        plan.rows.append((record, tuple(_cell(row, i) for i in index), 0))
    return plan, None


def _parse_sheet(sheet: Sheet, name: str, grid: list) -> list[dict]:
    """One sheet's rows (tests and tools; :func:`read_return` types a return's sheets at once)."""
    plan, refusal = _plan_sheet(sheet, name, grid)
    rows = type_sheets([plan])[0][sheet.family]
    if refusal is not None:
        raise refusal
    return rows


def _parse_cover(name: str, grid: list[list]) -> tuple[dict, list[Finding]]:
    """The cover's fields and its findings (layouts and rules: :mod:`civstat.ingest.cover`)."""
    return parse_cover(name, grid)


def read_return(source: Path | list[Path], sha256: str | None = None) -> ParsedReturn:
    """Parse one return: a workbook path, or the list of CSV files of one workbook
    (``sha256``: its :func:`file_sha256`, when the caller has already hashed it)."""
    files = sorted(source) if isinstance(source, list) else [Path(source)]
    first = files[0]
    if first.suffix.lower() == ".csv":
        grids, fmt = _grid_csv(files), "csv"
    elif first.suffix.lower() in WORKBOOK_SUFFIXES:
        grids, fmt = _grid_excel(first), first.suffix.lower().lstrip(".")
    else:
        raise Refusal("not_a_workbook", f"不是工作簿文件(扩展名 {first.suffix or '无'})",
                      f"not a workbook (extension {first.suffix or 'none'})")
    contract = load_contract()
    by_family: dict[str, str] = {}
    sheet_index = _sheet_index()
    for name in grids:
        family = sheet_index.get(sheet_key(name))
        if family and family not in by_family:
            by_family[family] = name
    if "cover" not in by_family:
        raise Refusal("no_cover", "找不到封面(封面工作表缺失或无法识别)",
                      "no recognisable cover sheet (封面)")
    cover, cover_findings = _parse_cover(by_family["cover"], grids[by_family["cover"]])
    parsed = ParsedReturn(source=first, files=files, file_format=fmt, sha256=sha256 or file_sha256(files),
                          cover=cover, findings=list(cover_findings))
    plans, refusal = _plan_sheets(contract.sheets, by_family, grids)
    rows, findings = type_sheets(plans)  # a bad cell before the refused row is named first
    if refusal is not None:
        raise refusal
    for plan in plans:
        parsed.sheets[plan.sheet.family] = SheetRows(plan.sheet.family, plan.name,
                                                     rows[plan.sheet.family])
    parsed.findings.extend(findings)
    return parsed


def _plan_sheets(sheets, by_family: dict[str, str], grids: dict) -> tuple[list, Refusal | None]:
    """The plans of a return's sheets in contract order, up to the first refusal (returned)."""
    plans: list[SheetPlan] = []
    for sheet in sheets:
        name = by_family.get(sheet.family)
        try:
            if name is None:
                if sheet.required:
                    raise Refusal("missing_sheet", f"缺少工作表 {sheet.sheet}",
                                  f"missing sheet {sheet.sheet}", sheet=sheet.sheet)
                continue
            plan, refusal = _plan_sheet(sheet, name, grids[name])
        except Refusal as exc:
            return plans, exc
        plans.append(plan)
        if refusal is not None:
            return plans, refusal
    return plans, None


def fill_date_time(cover: dict) -> dt.datetime | None:
    d = cover.get("fill_date")
    return dt.datetime.combine(d, dt.time()) if isinstance(d, dt.date) else None
