"""``civstat sql``: query the published warehouse from your own workspace.

``civstat sql "SELECT …"`` prints a table fitted to the terminal (``--csv FILE`` / ``--xlsx
FILE`` export it, Chinese headers and codes as text: :mod:`civstat.export`);
``civstat sql ".tables"`` runs a dot-command; ``civstat sql`` alone opens the interactive shell
(:mod:`civstat.shell.repl`). The session is the user's workspace file with the published
warehouse attached read-only (:mod:`civstat.shell.workspace`): the published file is never
written, a refresh is never blocked, and tables the user creates survive every refresh.

Exports are meant for Excel, so they never carry a formula (CSV injection): in the CSV a text
cell (or column name) that starts with ``= + - @``, a tab or a carriage return gets a leading
``'`` (OWASP's advice; ``--raw`` writes cells verbatim), numeric columns are left alone, and
text columns are quoted. Excel's double-click CSV import still reads a 12-digit code as a
number: no plain CSV spelling avoids that without changing the value for every other tool —
use ``--xlsx``, where every text cell is written as a string (never a formula, URL or number).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import duckdb

from civstat.export import csv_safe, neutralise, write_csv  # noqa: F401  (public helpers)
from civstat.shell.render import MODES, Result, render  # noqa: F401
from civstat.warehouse import Warehouse, WarehouseMissing


def query(con: duckdb.DuckDBPyConnection, sql: str):
    """Run one statement and return its result as a polars frame (empty if no result set)."""
    cur = con.execute(sql)
    if cur.description is None:
        return Result([]).frame()
    names = [d[0] for d in cur.description]
    return Result(names, [str(d[1]) for d in cur.description], cur.fetchall()).frame()


def _fail(message: str, code: int) -> None:
    click.echo(f"错误 / error: {message}", err=True)
    sys.exit(code)


@click.command("sql")
@click.argument("statement", required=False)
@click.option("--warehouse", "warehouse_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="已发布仓库路径 / published warehouse (default: $CIVSTAT_WAREHOUSE)")
@click.option("--workspace", "workspace_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="个人工作区文件 / your workspace file (default: "
                                 "$CIVSTAT_WORKSPACE or data/workspace/<用户>.duckdb)")
@click.option("--no-workspace", is_flag=True, default=False,
              help="不打开个人工作区(建的表不保存) / no workspace: nothing you create is kept")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="导出CSV(UTF-8);以 = + - @ 开头的文本前加 ' 以防被当作公式 / export the "
                   "result as CSV; text starting with = + - @ gets a leading ' (no formulas)")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="导出Excel:中文表头,代码为文本,不成公式 / export as .xlsx: Chinese headers, "
                   "codes as text, never formulas")
@click.option("--raw", is_flag=True, default=False,
              help="CSV按原样写出,不加 ' (可能被Excel当作公式执行) / write CSV cells verbatim, "
                   "no leading ' (Excel may run them as formulas)")
@click.option("--header", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="导出表头:中文(列注释)或英文列名 / export headers: Chinese or column names")
@click.option("--mode", type=click.Choice(MODES), default="table", show_default=True,
              help="显示方式 / output mode")
@click.option("--max-rows", default=200, show_default=True, help="屏幕最多显示行数 / rows shown")
def sql_command(statement: str | None, warehouse_path: Path | None, workspace_path: Path | None,
                no_workspace: bool, csv_path: Path | None, xlsx_path: Path | None, raw: bool,
                header: str, mode: str, max_rows: int) -> None:
    """在已发布数仓上查询(只读),自建表存个人工作区 / query the published warehouse (read-only);
    tables you create live in your own workspace.

    \b
    civstat sql "SELECT * FROM kpi_annual LIMIT 5"
    civstat sql ".tables"            点命令 / dot-commands: .tables .schema .mode .export .help
    civstat sql                      交互式 / the interactive shell
    """
    from civstat.export import write_result
    from civstat.shell.commands import Cancelled, Shell, ShellError
    from civstat.shell.workspace import history_path, open_session

    wh = Warehouse.at(warehouse_path)
    try:
        session = open_session(wh, workspace_path, keep=not no_workspace)
    except WarehouseMissing as exc:
        _fail(str(exc), 2)
    shell = Shell(session, mode=mode, max_rows=max_rows)
    try:
        if statement is None:
            from civstat.shell.repl import interactive

            interactive(shell, history_path(session.workspace))
            return
        if session.note:  # said before the statement runs: its tables may not be kept
            click.echo(session.note, err=True)
        try:
            click.echo(shell.run(statement))
        except ShellError as exc:
            _fail(str(exc), 2)
        except Cancelled as exc:
            _fail(str(exc), 130)
        except duckdb.Error as exc:
            _fail(f"查询失败 / query failed: {exc}", 1)
        finally:
            for note in shell.echo:
                click.echo(note, err=True)
        if shell.last is None and (csv_path or xlsx_path):
            _fail("语句没有结果集,无可导出 / the statement returned no rows to export", 2)
        for path in (p for p in (csv_path, xlsx_path) if p):
            write_result(session.con, shell.last, path, header=header, raw=raw)
            click.echo(f"已导出 / written: {path}")
    finally:
        session.close()
