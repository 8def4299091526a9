"""The interactive prompt (prompt_toolkit): history across sessions, line editing, completion
of table and column names, statements over several lines until ``;``.

Ctrl-C at the prompt clears the line being typed, during a query cancels it; Ctrl-D (or
``.quit``) leaves with exit status 0. When stdin is not a terminal (a script piped in) the same
loop reads plain lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click
import duckdb

from civstat.shell.commands import Cancelled, Shell, ShellError

QUIT = (".quit", ".exit", "quit", "exit", "\\q")
KEYWORDS = (
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "JOIN", "LEFT",
    "RIGHT", "FULL", "INNER", "OUTER", "ON", "USING", "AS", "AND", "OR", "NOT", "IN", "IS",
    "NULL", "LIKE", "ILIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "DISTINCT",
    "COUNT", "SUM", "AVG", "MIN", "MAX", "ROUND", "CREATE", "TABLE", "VIEW", "DROP", "INSERT",
    "INTO", "VALUES", "UPDATE", "SET", "DELETE", "WITH", "UNION", "ALL", "DESC", "ASC",
    "DESCRIBE", "SUMMARIZE", "PIVOT", "UNPIVOT", "QUALIFY", "OVER", "PARTITION", "EXCLUDE",
    "REPLACE", "COPY", "TO", "FORMAT",
)
DOT_COMMANDS = [".tables", ".schema", ".mode", ".export", ".maxrows", ".width", ".help", ".quit"]


def catalogue_words(shell: Shell) -> list[str]:
    """Schema, table and column names of the workspace and the warehouse."""
    try:
        rows = shell.con.execute(
            "SELECT DISTINCT schema_name FROM duckdb_schemas() WHERE NOT internal "
            "UNION SELECT DISTINCT table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION SELECT DISTINCT view_name FROM duckdb_views() WHERE NOT internal "
            "UNION SELECT DISTINCT column_name FROM duckdb_columns() WHERE NOT internal"
        ).fetchall()
    except duckdb.Error:
        return []
    return sorted({r[0] for r in rows if r[0]})


def make_completer(shell: Shell):
    from prompt_toolkit.completion import Completer, Completion

    class SqlCompleter(Completer):
        """Names of the catalogue (refreshed after each statement), keywords, dot-commands."""

        def __init__(self) -> None:
            self.words: list[str] = []
            self.refresh()

        def refresh(self) -> None:
            self.words = catalogue_words(shell)

        def get_completions(self, document, complete_event) -> Iterable[Completion]:
            text = document.text_before_cursor
            if text.lstrip().startswith(".") and " " not in text.strip():
                word = text.strip()
                for cmd in DOT_COMMANDS:
                    if cmd.startswith(word):
                        yield Completion(cmd, start_position=-len(word))
                return
            word = document.get_word_before_cursor(WORD=False)
            if not word or not (word[0].isalnum() or word[0] == "_"):
                return
            low = word.lower()
            for name in self.words:
                if name.lower().startswith(low):
                    yield Completion(name, start_position=-len(word))
            for kw in KEYWORDS:
                if kw.lower().startswith(low):
                    yield Completion(kw if word[0].isupper() else kw.lower(),
                                     start_position=-len(word))

    return SqlCompleter()


def banner(shell: Shell) -> str:
    s = shell.session
    where = str(s.workspace) if s.workspace else "内存 / in memory"
    text = (f"civstat sql — 已发布的仓库(只读)/ published warehouse (read-only): "
            f"{s.warehouse.path}\n个人工作区 / your workspace: {where}\n"
            ".help 帮助 / help,语句以 ; 结束 / end statements with ;,Ctrl-D 退出 / to quit")
    return text + (f"\n{s.note}" if s.note else "")


def handle(shell: Shell, text: str, out: Callable[[str], None],
           err: Callable[[str], None]) -> bool:
    """Run one statement or dot-command, print its result; False if it failed."""
    try:
        printed = shell.run(text)
    except Cancelled as exc:
        err(str(exc))
        return False
    except ShellError as exc:
        err(f"错误 / error: {exc}")
        return False
    except duckdb.Error as exc:
        err(f"错误 / error: {exc}")
        return False
    finally:
        for note in shell.echo:
            err(note)
        shell.echo.clear()
    out(printed)
    return True


def _complete(buffer: list[str], line: str) -> bool:
    """A statement is complete at a ``;`` (or a dot-command, alone on its first line)."""
    if not buffer and line.strip().startswith("."):
        return True
    return line.rstrip().endswith(";")


def loop(shell: Shell, read: Callable[[str], str], out, err,
         on_statement: Callable[[], None] | None = None) -> None:
    """Read-eval-print until end of input or ``.quit``. ``read(prompt)`` raises EOFError at
    the end and KeyboardInterrupt on Ctrl-C (the half-typed statement is dropped)."""
    buffer: list[str] = []
    while True:
        try:
            line = read("civstat> " if not buffer else "   ...> ")
        except EOFError:
            return
        except KeyboardInterrupt:
            buffer = []
            continue
        if not buffer and line.strip().lower() in QUIT:
            return
        if not buffer and not line.strip():
            continue
        buffer.append(line)
        if _complete(buffer[:-1], line):
            text = "\n".join(buffer)
            buffer = []
            handle(shell, text, out, err)
            if on_statement:
                on_statement()


def interactive(shell: Shell, history: Path | None, *, input=None, output=None) -> None:
    """The prompt on a terminal (or on the given prompt_toolkit input/output, for tests)."""
    out = click.echo
    def err(text: str) -> None:
        click.echo(text, err=True)

    if input is None and not sys.stdin.isatty():
        def read_plain(prompt: str) -> str:
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")

        loop(shell, read_plain, out, err)
        return

    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    hist = InMemoryHistory()
    if history is not None:
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            hist = FileHistory(str(history))
        except OSError:
            pass
    from prompt_toolkit.filters import Condition

    def more_lines() -> bool:
        """Enter adds a line until the statement ends with ; (dot-commands: one line)."""
        text = session.default_buffer.text
        return not (_complete([], text) or not text.strip() or text.strip().lower() in QUIT)

    completer = make_completer(shell)
    session = PromptSession(history=hist, completer=completer, complete_while_typing=False,
                            input=input, output=output, enable_history_search=True,
                            multiline=Condition(more_lines), prompt_continuation="   ...> ")
    out(banner(shell))
    loop(shell, lambda prompt: session.prompt(prompt), out, err, on_statement=completer.refresh)
