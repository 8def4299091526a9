"""Statements and dot-commands, the same at the prompt and on the command line.

``.tables [pattern]``, ``.schema [table]``, ``.mode table|line|csv|markdown``,
``.export FILE.xlsx|csv|parquet [SELECT …]`` (the last result, or the statement given),
``.maxrows N``, ``.width N``, ``.help``, ``.quit``. A running statement is cancelled with
Ctrl-C (:meth:`duckdb.DuckDBPyConnection.interrupt`); the session goes on.
"""

from __future__ import annotations

import shlex
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from civstat.shell.render import MODES, Result, render
from civstat.shell.workspace import Session

HELP = """命令 / commands:
  .tables [模式]            列出表和视图 / list tables and views (pattern: LIKE, e.g. kpi%)
  .schema [表]              列及其中文说明 / columns with their comments
  .mode table|line|csv|markdown   显示方式 / output mode
  .export 文件.xlsx|.csv|.parquet [SELECT …]   导出上一结果或给定查询 / export the last result
  .maxrows N  .width N      最多显示行数、屏幕宽度 / rows shown, screen width
  .help  .quit              帮助、退出(Ctrl-D)/ help, quit
语句以 ; 结束,可跨行;Ctrl-C 取消正在运行的查询 / end statements with ; (several lines are
fine); Ctrl-C cancels a running query. 自己建的表存在个人工作区,刷新后仍在 / tables you create
live in your workspace and survive every refresh."""

TABLES_SQL = """
SELECT CASE WHEN database_name = 'workspace' THEN '工作区 workspace' ELSE schema_name END
         AS schema, table_name AS "table", kind,
       trim(split_part(coalesce(comment, ''), chr(10), 1)) AS comment
FROM (SELECT database_name, schema_name, table_name, 'table' AS kind, comment
      FROM duckdb_tables() WHERE NOT internal
      UNION ALL
      SELECT database_name, schema_name, view_name, 'view', comment
      FROM duckdb_views() WHERE NOT internal)
WHERE database_name IN ('workspace', $alias) AND table_name ILIKE $pattern
ORDER BY database_name <> 'workspace', schema_name <> 'main', schema_name, table_name
"""

SCHEMA_SQL = """
SELECT c.database_name AS db, c.schema_name AS schema, c.table_name AS "table",
       c.column_name AS "column", c.data_type AS type,
       trim(split_part(coalesce(c.comment, ''), chr(10), 1)) AS comment
FROM duckdb_columns() c
WHERE c.database_name IN ('workspace', $alias) AND c.table_name ILIKE $table
  AND ($schema IS NULL OR c.schema_name = $schema)
ORDER BY c.database_name <> 'workspace', c.schema_name <> 'main', c.schema_name, c.table_name,
         c.column_index
"""


class Cancelled(Exception):
    """Ctrl-C during a statement: DuckDB interrupted it."""


class ShellError(Exception):
    """A dot-command that cannot run (bad arguments, unknown command)."""


@dataclass
class Shell:
    session: Session
    mode: str = "table"
    max_rows: int = 200
    width: int | None = None
    last: Result | None = None
    echo: list[str] = field(default_factory=list)  # notes for the caller to print

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self.session.con

    # -- statements ------------------------------------------------------------------------
    def query(self, sql: str, params: dict | None = None) -> Result:
        """Run ``sql`` (several statements allowed; the last one's result is returned) in a
        worker thread, so Ctrl-C in the main thread can interrupt DuckDB."""
        if self.session.reattach_if_replaced():
            self.echo.append("已发布的仓库已更新,已重新载入 / the published warehouse was "
                             "refreshed: attached the new one")
        box: dict = {}

        def work() -> None:
            try:
                cur = self._execute(sql, params)
                if cur.description is None:
                    box["result"] = Result([], [], [])
                else:
                    names = [d[0] for d in cur.description]
                    types = [str(d[1]) for d in cur.description]
                    box["result"] = Result(names, types, cur.fetchall())
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                box["error"] = exc

        worker = threading.Thread(target=work, daemon=True)
        # Ctrl-C must raise here whatever handler a library left installed (one that records
        # SIGINT and returns would leave the statement running and the session waiting on it)
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.05)
        except KeyboardInterrupt:
            self.con.interrupt()
            worker.join()
            raise Cancelled("已取消 / cancelled") from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if "error" in box:
            exc = box["error"]
            if isinstance(exc, duckdb.InterruptException):
                raise Cancelled("已取消 / cancelled") from None
            raise exc
        return box["result"]

    def _execute(self, sql: str, params: dict | None):
        """Execute; right after a cancelled statement DuckDB may still be winding it down and
        refuse the connection as busy for a moment: wait for it (up to 5 s), don't fail."""
        deadline = time.monotonic() + 5
        while True:
            try:
                return self.con.execute(sql, params) if params else self.con.execute(sql)
            except duckdb.ResourceInUseException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def run(self, text: str) -> str:
        """One statement or dot-command; the text to print."""
        text = text.strip()
        if text.startswith("."):
            return self.dot(text)
        result = self.query(text)
        if result.names == ["Count"] and not _is_query(text):  # CREATE … AS, INSERT, UPDATE
            n = result.rows[0][0] if result.rows else 0
            return f"完成,{n} 行 / done, {n} rows"
        if result.names:
            self.last = result
        self.session.set_search_path() if _changes_schemas(text) else None
        return render(result, mode=self.mode, max_rows=self.max_rows, width=self.width)

    # -- dot-commands ----------------------------------------------------------------------
    def dot(self, line: str) -> str:
        try:
            parts = shlex.split(line)
        except ValueError as exc:
            raise ShellError(f"无法解析 / cannot parse: {exc}") from None
        cmd, args = parts[0].lower(), parts[1:]
        alias = self.session.alias
        if cmd == ".tables":
            pattern = args[0] if args else "%"
            res = self.query(TABLES_SQL, {"alias": alias, "pattern": pattern})
            return render(res, mode=self.mode, max_rows=10_000, width=self.width)
        if cmd == ".schema":
            name = args[0] if args else "%"
            schema, _, table = name.rpartition(".")
            res = self.query(SCHEMA_SQL, {"alias": alias, "table": table,
                                          "schema": schema or None})
            if not res.rows:
                raise ShellError(f"没有这个表 / no such table: {name}")
            return render(res, mode=self.mode, max_rows=10_000, width=self.width)
        if cmd == ".mode":
            if not args:
                return f"当前 / current: {self.mode}  ({' '.join(MODES)})"
            if args[0] not in MODES:
                raise ShellError(f"显示方式只能是 {' / '.join(MODES)} / mode must be one of "
                                 f"{', '.join(MODES)}")
            self.mode = args[0]
            return f"显示方式 / mode: {self.mode}"
        if cmd in (".maxrows", ".width"):
            if not args or not args[0].isdigit():
                raise ShellError(f"{cmd} 需要一个正整数 / {cmd} takes a number")
            setattr(self, cmd[1:].replace("maxrows", "max_rows"), int(args[0]))
            return f"{cmd[1:]} = {args[0]}"
        if cmd == ".export":
            return self.export(args, line)
        if cmd == ".help":
            return HELP
        raise ShellError(f"未知命令 {cmd} / unknown command\n{HELP}")

    def export(self, args: list[str], line: str) -> str:
        from civstat.export import write_result

        if not args:
            raise ShellError(".export 文件.xlsx|.csv|.parquet [SELECT …]")
        path = Path(args[0]).expanduser()
        statement = _after_first_word(line.split(None, 1)[1]).rstrip().rstrip(";").strip()
        if statement:
            result = self.query(statement)
        elif self.last is not None:
            result = self.last
        else:
            raise ShellError("还没有可导出的结果,请先查询或在文件名后给出查询 / nothing to export "
                             "yet: run a query first or give one after the file name")
        try:
            write_result(self.con, result, path)
        except ValueError as exc:
            raise ShellError(str(exc)) from None
        return f"已导出 / written: {path} ({result.height} 行 / rows)"


def _after_first_word(text: str) -> str:
    """What follows the first (possibly quoted) word of ``text``."""
    text = text.strip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        return text[end + 1:] if end > 0 else ""
    parts = text.split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def _is_query(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)
    return bool(head) and head[0].upper().rstrip(";") in (
        "SELECT", "WITH", "FROM", "VALUES", "TABLE", "SHOW", "DESCRIBE", "SUMMARIZE", "PIVOT",
        "UNPIVOT", "EXPLAIN", "PRAGMA", "CALL", "(")


def _changes_schemas(sql: str) -> bool:
    head = sql.lstrip().split(None, 2)
    return bool(head) and head[0].upper() in ("CREATE", "DROP") and len(head) > 1 \
        and head[1].upper() == "SCHEMA"
