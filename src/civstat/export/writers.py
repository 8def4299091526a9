"""Exports for other tools: one writer for ``civstat export`` and ``civstat sql --xlsx/--csv``.

* **XLSX** (Excel, WPS): one sheet per table, the header in Chinese — the first clause of the
  column's comment (dbt's ``persist_docs``), the English name as the cell's note —, text cells
  written as text (a 12-digit division code stays a code; never a formula, URL or number),
  years and quarters plain (``2024``), counts ``#,##0``, money ``#,##0.00``, rates stored as
  fractions ``0.0%``; a first sheet ``目录`` lists the tables with their descriptions.
* **CSV**: UTF-8 with BOM, text quoted, formula-looking text given a leading ``'``
  (OWASP's advice against CSV injection; ``raw=True`` writes cells verbatim).
* **Parquet**, one file per table (any DuckDB, polars, pandas, Arrow tool reads it).
* **DuckDB 1.x copy**: a file written with ``STORAGE_VERSION 'v1.0.0'`` (storage header 64),
  which every DuckDB from 1.0 on opens (checked with 1.0.0 and 1.4.5; ``'v1.4.0'`` gives header
  67, which only 1.4 and later read) — the published warehouse is DuckDB 2.0's format (header
  999), which no 1.x reads. Views become tables in the copy (their definitions name the
  published file's catalog).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civstat.shell.render import Result

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet minus the header row
COMPAT_STORAGE = "v1.0.0"  # header 64: DuckDB 1.0 … 1.4 and 2.0 open it

# Names whose numbers are labels, not quantities: written without a thousands separator.
PLAIN_NAMES = re.compile(r"^(year|quarter|month|.*_year|ordinal|sort_order)$")
RATE_NAMES = re.compile(r"(_rate|_share|_ratio|_pct)$|^(rate|share|ratio)$")
MONEY_WORDS = ("元", "yuan")
RATE_FRACTION_WORDS = ("小数", "fraction", "比率", "比例", "率")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type name
    comment: str = ""

    @property
    def header(self) -> str:
        return header_of(self.comment) or self.name

    @property
    def kind(self) -> str:
        """text | plain | count | money | rate | percent | number | date | datetime | other"""
        t, name, comment = self.type.upper(), self.name.lower(), self.comment
        if t in ("VARCHAR", "UUID", "ENUM") or t.startswith(("VARCHAR", "ENUM")):
            return "text"
        if t == "DATE":
            return "date"
        if t.startswith("TIMESTAMP"):
            return "datetime"
        integer = t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                        "USMALLINT", "UINTEGER", "UBIGINT")
        numeric = integer or t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL")
        if not numeric:
            return "other"
        if PLAIN_NAMES.match(name):
            return "plain"
        first = first_line(comment)
        if "比率为小数" in first:
            return "mixed"  # a fraction on rows whose unit is 'ratio', a number on the others
        if re.search(r"[((]\s*[%%]\s*[))]", first):
            return "percent"  # stored as a percentage already: one decimal
        if RATE_NAMES.search(name) or (not integer and re.search("率|占比", self.header)):
            return "rate"
        if integer:
            return "count"
        if any(w in first for w in MONEY_WORDS) or any(w in name for w in ("amount", "funds")):
            return "money"
        return "number"


NUMBER_FORMATS = {"plain": "0", "mixed": "#,##0.0###", "count": "#,##0", "money": "#,##0.00", "rate": "0.0%",
                  "percent": "0.0", "number": "#,##0.0###", "date": "yyyy-mm-dd",
                  "datetime": "yyyy-mm-dd hh:mm:ss"}


def first_line(comment: str | None) -> str:
    """The Chinese half of a comment: its first line, before a `` / `` English translation."""
    if not comment:
        return ""
    line, depth = comment.strip().splitlines()[0], 0
    for i, ch in enumerate(line):
        depth += (ch in "((") - (ch in "))")
        if depth <= 0 and line.startswith(" / ", i):
            return line[:i].strip()
    return line.strip()


def header_of(comment: str | None) -> str:
    """The column's Chinese label: the comment's first line up to a ``=``, ``;`` or ``,``
    outside brackets, without a long explanation in brackets (``累计支出(元,1月至本期)`` of
    ``累计支出(元,1月至本期)  *spending…*``, ``指标值`` of ``指标值(比率为小数,0.285 = 28.5%)``)."""
    line = first_line(comment)
    depth, out = 0, []
    for ch in line:
        if ch in "((":
            depth += 1
        elif ch in "))":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "=;;,,。:":
            break
        out.append(ch)
    text = "".join(out).strip().strip("*").strip()
    text = re.sub(r"[((][^()()]{13,}[))]$", "", text).strip() or text
    return text if len(text) <= 40 else text[:39] + "…"


# -- reading the catalogue ---------------------------------------------------------------------
def table_columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str,
                  table: str) -> list[Column]:
    rows = con.execute(
        "SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [catalog, schema, table]).fetchall()
    return [Column(n, t, c) for n, t, c in rows]


def comment_map(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Column name → its most frequent comment over every table (for ad-hoc query results)."""
    seen: dict[str, Counter] = {}
    for name, comment in con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE comment IS NOT NULL "
            "AND comment <> ''").fetchall():
        seen.setdefault(name, Counter())[comment] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in seen.items()}


def result_columns(con: duckdb.DuckDBPyConnection | None, result: Result) -> list[Column]:
    comments = comment_map(con) if con is not None else {}
    types = result.types or ["VARCHAR"] * result.width
    return [Column(n, t, comments.get(n, "")) for n, t in zip(result.names, types)]


def marts(con: duckdb.DuckDBPyConnection, catalog: str,
          only: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(table, description) of the marts — the tables of the warehouse's ``main`` schema."""
    rows = con.execute(
        "SELECT table_name, coalesce(comment, '') FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name = 'main' AND NOT internal ORDER BY table_name", [catalog]).fetchall()
    if only:
        known = {r[0] for r in rows}
        unknown = [t for t in only if t not in known]
        if unknown:
            raise ValueError(
                f"没有这些数据集市表:{', '.join(unknown)};可选:{', '.join(sorted(known))} / "
                f"unknown marts: {', '.join(unknown)}")
        rows = [r for r in rows if r[0] in only]
    return rows


# -- XLSX ----------------------------------------------------------------------------------------
def _workbook(path: Path):
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    return xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False,
                                           "nan_inf_to_errors": True,
                                           "default_date_format": "yyyy-mm-dd"})


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base[:28]}~{n}"
    used.add(candidate.lower())
    return candidate


def write_sheet(wb, name: str, columns: Sequence[Column], rows: Iterable[Sequence],
                *, header: str = "zh") -> int:
    """One sheet: header row, typed cells, frozen header, filter; returns the rows written."""
    import datetime as dt
    import decimal
    import math

    ws = wb.add_worksheet(name)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                          "valign": "top"})
    text_fmt = wb.add_format({"num_format": "@"})
    fmts = {k: wb.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()}
    kinds = [c.kind for c in columns]
    names = [c.name for c in columns]
    unit_at = names.index("unit") if "unit" in names else None
    labels = unique_headers(columns) if header == "zh" else names
    widths = []
    for j, col in enumerate(columns):
        label = labels[j]
        ws.write_string(0, j, label, head)
        if header == "zh" and label != col.name:
            ws.write_comment(0, j, col.name, {"visible": False})
        widths.append(_width(label))
    count = 0
    for i, row in enumerate(rows, start=1):
        if i > XLSX_MAX_ROWS:
            raise ValueError(f"{name}: 超过 Excel 的 {XLSX_MAX_ROWS} 行上限,请改用 Parquet / more "
                             f"rows than an Excel sheet holds; export Parquet instead")
        for j, value in enumerate(row):
            kind = kinds[j]
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(i, j, value, text_fmt if kind == "text" else None)
                if i <= 200:
                    widths[j] = max(widths[j], _width(value))
            elif isinstance(value, bool):
                ws.write_boolean(i, j, value)
            elif isinstance(value, (int, float, decimal.Decimal)):
                number = float(value)
                if math.isnan(number) or math.isinf(number):
                    ws.write_string(i, j, str(number))
                else:
                    if kind == "mixed" and unit_at is not None and row[unit_at] == "ratio":
                        kind = "rate"
                    elif kind in ("mixed", "number"):  # no trailing "." on a whole number
                        kind = "count" if number.is_integer() else "number"
                    ws.write_number(i, j, number, fmts.get(kind))
                if i <= 200:
                    widths[j] = max(widths[j], min(18, len(str(value)) + 2))
            elif isinstance(value, (dt.datetime, dt.date)):
                ws.write_datetime(i, j, value if isinstance(value, dt.datetime)
                                  else dt.datetime(value.year, value.month, value.day),
                                  fmts["datetime" if isinstance(value, dt.datetime) else "date"])
                widths[j] = max(widths[j], 12)
            elif isinstance(value, (list, tuple)):
                ws.write_string(i, j, "、".join("" if v is None else str(v) for v in value))
            else:
                ws.write_string(i, j, str(value))
        count = i
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(max(w, 6), 50))
    ws.freeze_panes(1, 0)
    if columns:
        ws.autofilter(0, 0, max(count, 1), len(columns) - 1)
    return count


def unique_headers(columns: Sequence[Column]) -> list[str]:
    """Chinese headers; where two columns share one, both get their English name appended."""
    counts = Counter(c.header for c in columns)
    return [c.header if counts[c.header] == 1 else f"{c.header}({c.name})" for c in columns]


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text) + 2


def write_result_xlsx(con, result: Result, path: Path, *, sheet: str = "查询结果",
                      header: str = "zh") -> None:
    wb = _workbook(path)
    try:
        write_sheet(wb, sheet, result_columns(con, result), result.rows, header=header)
    finally:
        wb.close()


def write_result(con, result: Result, path: Path, *, header: str = "zh",
                 raw: bool = False) -> Path:
    """One query result to ``path`` by its suffix: .xlsx, .csv or .parquet."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        write_result_xlsx(con, result, path, header=header)
    elif suffix == ".csv":
        df = result.frame()
        if header == "zh":
            df = _zh_names(df, result_columns(con, result))
        write_csv(df, path, raw=raw)
    elif suffix == ".parquet":
        result.frame().write_parquet(path)
    else:
        raise ValueError(f"只能导出 .xlsx、.csv 或 .parquet / export to .xlsx, .csv or .parquet: "
                         f"{path.name}")
    return path


def _zh_names(df, columns: Sequence[Column]):
    return df.rename(dict(zip([c.name for c in columns], unique_headers(columns))))


def _rows(cur, size: int = 10_000):
    while chunk := cur.fetchmany(size):
        yield from chunk


def write_marts_xlsx(con, catalog: str, path: Path, *, only: Sequence[str] = (),
                     header: str = "zh", progress=None) -> list[tuple[str, int]]:
    """Every mart into one workbook (a contents sheet ``目录`` first); (table, rows) written.
    Written aside and renamed into place: an export cut short (killed, a full disk) leaves the
    previous workbook, never a truncated one."""
    tables = marts(con, catalog, only)
    partial = path.with_name(f".{path.name}.partial")
    try:
        written = _write_marts_xlsx(con, catalog, tables, partial, header, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return written


def _write_marts_xlsx(con, catalog: str, tables, path: Path, header: str,
                      progress) -> list[tuple[str, int]]:
    wb = _workbook(path)
    written = []
    try:
        used = {"目录"}
        toc = wb.add_worksheet("目录")
        names = [_sheet_name(t, used) for t, _ in tables]
        for (table, description), sheet in zip(tables, names):
            if progress:
                progress(table)
            columns = table_columns(con, catalog, "main", table)
            cur = con.execute(f'SELECT * FROM "{catalog}".main."{table}"')
            n = write_sheet(wb, sheet, columns, _rows(cur), header=header)
            written.append((table, n))
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        for j, label in enumerate(("工作表 / sheet", "说明 / description", "行数 / rows")):
            toc.write_string(0, j, label, bold)
        for i, ((table, description), sheet, (_, n)) in enumerate(
                zip(tables, names, written), start=1):
            toc.write_url(i, 0, f"internal:'{sheet}'!A1", string=sheet)
            toc.write_string(i, 1, description.strip().splitlines()[0] if description else "")
            toc.write_number(i, 2, n, wb.add_format({"num_format": "#,##0"}))
        toc.set_column(0, 0, 30)
        toc.set_column(1, 1, 80)
        toc.set_column(2, 2, 10)
    finally:
        wb.close()
    return written


# -- CSV -------------------------------------------------------------------------------------------
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """``'=1+2`` for ``=1+2``: a leading ``'`` keeps a formula-looking text a text."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_safe(df):
    """Text columns (and column names) neutralised; numeric and other columns untouched."""
    import polars as pl
    import polars.selectors as cs

    text = cs.expand_selector(df, cs.string(include_categorical=True))
    fixed = df.with_columns(
        pl.when(pl.col(c).cast(pl.String).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(c).cast(pl.String))
        .otherwise(pl.col(c).cast(pl.String))
        .alias(c)
        for c in text
    )
    return fixed.rename({c: neutralise(c) for c in df.columns if neutralise(c) != c})


def write_csv(df, path: Path, *, raw: bool = False) -> None:
    """UTF-8 with BOM (Excel then reads Chinese text right); text columns quoted, so an importer
    that honours quotes keeps a 12-digit code a text (Excel's double-click import does not:
    use the XLSX there)."""
    out = df if raw else csv_safe(df)
    path.write_bytes(b"\xef\xbb\xbf" + out.write_csv(quote_style="non_numeric").encode("utf-8"))


# -- Parquet and the DuckDB 1.x copy ----------------------------------------------------------
def write_marts_parquet(con, catalog: str, folder: Path, *, only: Sequence[str] = (),
                        progress=None) -> list[Path]:
    """A Parquet file per mart in ``folder``, all of one build: written in a folder aside and
    swapped in once every file is there, so that an export cut short (killed, a full disk) never
    leaves files of two builds side by side. With ``only``, those files replace theirs (each
    renamed into place) and the others stay."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    names = []
    try:
        for table, _ in marts(con, catalog, only):
            if progress:
                progress(table)
            target = partial / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM \"{catalog}\".main.\"{table}\") TO "
                        f"'{_sq(str(target))}' (FORMAT parquet, COMPRESSION zstd)")
            names.append(target.name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if only:
        folder.mkdir(exist_ok=True)
        for name in names:
            os.replace(partial / name, folder / name)
        shutil.rmtree(partial, ignore_errors=True)
    else:
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            os.replace(folder, old)
        os.replace(partial, folder)
        shutil.rmtree(old, ignore_errors=True)
    return [folder / name for name in names]


def _sq(text: str) -> str:
    return text.replace("'", "''")


def write_compat_copy(con, catalog: str, path: Path, *, storage: str = COMPAT_STORAGE,
                      progress=None) -> list[str]:
    """A DuckDB 1.4-readable copy of every table of the warehouse (and the views of ``main``
    as tables), with the table and column comments; returns the tables copied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.unlink(missing_ok=True)
    con.execute(f"ATTACH '{_sq(str(tmp))}' AS civstat_compat "
                f"(STORAGE_VERSION '{_sq(storage)}')")
    copied = []
    try:
        objects = con.execute(
            "SELECT schema_name, table_name, coalesce(comment, '') FROM duckdb_tables() "
            "WHERE database_name = $1 AND NOT internal "
            "UNION ALL SELECT schema_name, view_name, coalesce(comment, '') FROM duckdb_views() "
            "WHERE database_name = $1 AND schema_name = 'main' AND NOT internal "
            "ORDER BY 1, 2", [catalog]).fetchall()
        for schema, table, comment in objects:
            if progress:
                progress(f"{schema}.{table}")
            target = f'civstat_compat."{schema}"."{table}"'
            con.execute(f'CREATE SCHEMA IF NOT EXISTS civstat_compat."{schema}"')
            con.execute(f'CREATE TABLE {target} AS SELECT * FROM "{catalog}"."{schema}"."{table}"')
            if comment:
                con.execute(f"COMMENT ON TABLE {target} IS '{_sq(comment)}'")
            for col in table_columns(con, catalog, schema, table):
                if col.comment:
                    con.execute(f"COMMENT ON COLUMN {target}.\"{col.name}\" IS "
                                f"'{_sq(col.comment)}'")
            copied.append(f"{schema}.{table}")
        con.execute("CHECKPOINT civstat_compat")
    finally:
        con.execute("DETACH civstat_compat")
    tmp.replace(path)
    return copied


def storage_header(path: Path) -> int:
    """The storage version number in a DuckDB file's header (64: 1.0+, 67: 1.4+, 999: 2.0)."""
    with open(path, "rb") as fh:
        head = fh.read(20)
    if head[8:12] != b"DUCK":
        raise ValueError(f"不是 DuckDB 文件 / not a DuckDB file: {path}")
    return int.from_bytes(head[12:20], "little")
