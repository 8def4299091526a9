"""``civstat sql``: query the published warehouse, read-only.

``civstat sql "SELECT …"`` prints a table (``--csv FILE`` / ``--xlsx FILE`` export it);
``civstat sql`` alone opens a small interactive prompt (``.tables``, ``.schema <table>``,
``.quit``). Readers open the published file read-only, so a refresh never waits for them
and they never see a half-built warehouse.

Exports are meant for Excel, so they never carry a formula (CSV injection): in the CSV a text
cell (or column name) that starts with ``= + - @``, a tab or a carriage return gets a leading
``'`` (OWASP's advice; ``--raw`` writes cells verbatim), numeric columns are left alone (a
negative number stays a number), and text columns are quoted, so an importer that honours
quotes (LibreOffice's "format quoted field as text", Power Query) keeps a 12-digit division
code as text. Excel's double-click CSV import still reads such a code as a number: no plain CSV
spelling avoids that without changing the value for every other tool — use ``--xlsx``, where
every text cell is written as a string (never a formula, hyperlink or number).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import duckdb
import polars as pl
import polars.selectors as cs

from civstat.warehouse import Warehouse, WarehouseMissing

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

TABLES_SQL = """
SELECT table_schema AS schema, table_name AS "table", table_type AS kind
FROM information_schema.tables
WHERE table_schema NOT IN ('information_schema', 'pg_catalog')
ORDER BY (table_schema <> 'main'), table_schema, table_name
"""


def query(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    """Run one statement and return its result as a polars frame (empty if no result set)."""
    cur = con.execute(sql)
    if cur.description is None:
        return pl.DataFrame()
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    columns = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    return pl.DataFrame(columns, strict=False)


def render(df: pl.DataFrame, max_rows: int = 200) -> str:
    """A plain-text table (wide enough for Chinese labels)."""
    with pl.Config(
        tbl_rows=max_rows,
        tbl_cols=-1,
        fmt_str_lengths=60,
        tbl_width_chars=240,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        float_precision=None,
    ):
        text = str(df)
    suffix = f"\n({df.height} 行 / rows)"
    return text + suffix


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """``'=1+2`` for ``=1+2``: a leading ``'`` keeps a formula-looking text a text."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_safe(df: pl.DataFrame) -> pl.DataFrame:
    """Text columns (and column names) neutralised; numeric and other columns untouched."""
    text = cs.expand_selector(df, cs.string(include_categorical=True))
    fixed = df.with_columns(
        pl.when(pl.col(c).cast(pl.String).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(c).cast(pl.String))
        .otherwise(pl.col(c).cast(pl.String))
        .alias(c)
        for c in text
    )
    return fixed.rename({c: neutralise(c) for c in df.columns if neutralise(c) != c})


def write_csv(df: pl.DataFrame, path: Path, *, raw: bool = False) -> None:
    """UTF-8 with BOM (Excel then reads Chinese text right); text columns quoted."""
    out = df if raw else csv_safe(df)
    path.write_bytes(b"\xef\xbb\xbf" + out.write_csv(quote_style="non_numeric").encode("utf-8"))


def _write_text(ws: Worksheet, row: int, col: int, token: str, *args: object) -> int:
    """xlsxwriter write handler: every str is a string cell (no formula, URL or number)."""
    return ws.write_string(row, col, token, *args)


def write_xlsx(df: pl.DataFrame, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    ws = wb.add_worksheet("result")
    ws.add_write_handler(str, _write_text)
    df.write_excel(wb, worksheet=ws, autofit=True)
    wb.close()


def export(
    df: pl.DataFrame, csv: Path | None, xlsx: Path | None, *, raw: bool = False
) -> list[Path]:
    written = []
    if csv:
        csv.parent.mkdir(parents=True, exist_ok=True)
        write_csv(df, csv, raw=raw)
        written.append(csv)
    if xlsx:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(df, xlsx)
        written.append(xlsx)
    return written


def _meta_command(con: duckdb.DuckDBPyConnection, line: str) -> str | None:
    parts = line.split()
    if parts[0] == ".tables":
        return render(query(con, TABLES_SQL), max_rows=500)
    if parts[0] == ".schema" and len(parts) == 2:
        name = parts[1].replace("'", "''")
        schema, _, table = name.rpartition(".")
        cond = f"table_name = '{table}'" + (f" AND table_schema = '{schema}'" if schema else "")
        return render(query(con, f"SELECT column_name, data_type FROM information_schema.columns "
                                 f"WHERE {cond} ORDER BY ordinal_position"), max_rows=500)
    return "命令 / commands: .tables  .schema <table>  .quit"


def interactive(con: duckdb.DuckDBPyConnection) -> None:
    click.echo("civstat sql — 只读 / read-only. 以 ; 结束语句 / end statements with ;  "
               ".tables  .schema <表>  .quit")
    buffer: list[str] = []
    while True:
        try:
            line = input("civstat> " if not buffer else "   ...> ")
        except (EOFError, KeyboardInterrupt):
            click.echo("")
            return
        stripped = line.strip()
        if not buffer and stripped in (".quit", ".exit", "quit", "exit"):
            return
        if not buffer and stripped.startswith("."):
            click.echo(_meta_command(con, stripped))
            continue
        buffer.append(line)
        if stripped.endswith(";"):
            sql = "\n".join(buffer)
            buffer = []
            try:
                click.echo(render(query(con, sql)))
            except duckdb.Error as exc:
                click.echo(f"错误 / error: {exc}", err=True)


@click.command("sql")
@click.argument("statement", required=False)
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库路径 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="导出CSV(UTF-8);以 = + - @ 开头的文本前加 ' 以防被当作公式 / export the "
                   "result as CSV; text starting with = + - @ gets a leading ' (no formulas)")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="导出Excel(文本一律写为文本,不成公式) / export the result as .xlsx "
                   "(text cells stay text, never formulas)")
@click.option("--raw", is_flag=True, default=False,
              help="CSV按原样写出,不加 ' (可能被Excel当作公式执行) / write CSV cells verbatim, "
                   "no leading ' (Excel may run them as formulas)")
@click.option("--max-rows", default=200, show_default=True, help="屏幕最多显示行数 / rows shown")
def sql_command(statement: str | None, warehouse_path: Path | None, csv_path: Path | None,
                xlsx_path: Path | None, raw: bool, max_rows: int) -> None:
    """在已发布数仓上查询(只读) / query the published warehouse (read-only)."""
    wh = Warehouse.at(warehouse_path)
    try:
        con = wh.connect_reader()
    except WarehouseMissing as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if statement is None:
            interactive(con)
            return
        try:
            df = query(con, statement)
        except duckdb.Error as exc:
            raise click.ClickException(f"查询失败 / query failed: {exc}") from None
        click.echo(render(df, max_rows=max_rows))
        for path in export(df, csv_path, xlsx_path, raw=raw):
            click.echo(f"已导出 / written: {path}")
    finally:
        con.close()
