"""``civstat sql``: query the published warehouse, read-only.

``civstat sql "SELECT …"`` prints a table (``--csv FILE`` / ``--xlsx FILE`` export it);
``civstat sql`` alone opens a small interactive prompt (``.tables``, ``.schema <table>``,
``.quit``). Readers open the published file read-only, so a refresh never waits for them
and they never see a half-built warehouse.
"""

from __future__ import annotations

from pathlib import Path

import click
import duckdb
import polars as pl

from civstat.warehouse import Warehouse, WarehouseMissing

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


def export(df: pl.DataFrame, csv: Path | None, xlsx: Path | None) -> list[Path]:
    written = []
    if csv:
        csv.parent.mkdir(parents=True, exist_ok=True)
        # UTF-8 with BOM so Excel opens Chinese text correctly
        csv.write_bytes(b"\xef\xbb\xbf" + df.write_csv().encode("utf-8"))
        written.append(csv)
    if xlsx:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        df.write_excel(xlsx, worksheet="result", autofit=True)
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
              help="导出CSV(UTF-8) / export the result as CSV")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="导出Excel / export the result as .xlsx")
@click.option("--max-rows", default=200, show_default=True, help="屏幕最多显示行数 / rows shown")
def sql_command(statement: str | None, warehouse_path: Path | None, csv_path: Path | None,
                xlsx_path: Path | None, max_rows: int) -> None:
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
        for path in export(df, csv_path, xlsx_path):
            click.echo(f"已导出 / written: {path}")
    finally:
        con.close()
