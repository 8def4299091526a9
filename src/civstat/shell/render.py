"""Results on a terminal: fitted to its width, numbers never in scientific notation.

A result is drawn the way the DuckDB CLI draws it (a box, numbers right-aligned); columns that
do not fit the terminal are left out from the right and named under the table, long cells are
cut with ``…``, and rows beyond ``max_rows`` are counted, never silently dropped. Chinese
characters count two columns (East Asian width).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import math
import os
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field

MAX_CELL = 40  # characters of one cell before it is cut with …
MODES = ("table", "line", "csv", "markdown")


@dataclass
class Result:
    """One statement's result set: column names, DuckDB types and the rows."""

    names: list[str]
    types: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.names)

    def frame(self):
        """The result as a polars frame (for exports)."""
        import polars as pl

        columns = {n: [r[i] for r in self.rows] for i, n in enumerate(self.names)}
        return pl.DataFrame(columns, strict=False)


def format_number(value: object) -> str:
    """``120388166`` for 1.20388166e8, ``0.00012`` for 1.2e-4: plain digits, always."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        text = format(decimal.Decimal(repr(value)), "f")
        return text.removesuffix(".0")
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def cell_text(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, float, decimal.Decimal)):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def is_numeric(value: object) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` display columns, ending in … when cut."""
    text = text.replace("\n", "↵").replace("\r", "").replace("\t", " ")
    if display_width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def terminal_width() -> int:
    """The width to fit: ``$COLUMNS``, else the terminal's, else 200 (a file or a pipe)."""
    env = os.environ.get("COLUMNS")
    if env and env.isdigit():
        return int(env)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((120, 24)).columns
    return 200


def render(result: Result, *, mode: str = "table", max_rows: int = 200,
           width: int | None = None) -> str:
    if mode == "csv":
        return _csv(result, max_rows)
    if mode == "line":
        return _lines(result, max_rows)
    return _table(result, max_rows=max_rows, width=width or terminal_width(),
                  markdown=mode == "markdown")


def _rows_note(result: Result, shown: int) -> str:
    note = f"({result.height} 行 / rows"
    if shown < result.height:
        note += f",显示前 {shown} 行 / first {shown} shown"
    return note + ")"


def _table(result: Result, *, max_rows: int, width: int, markdown: bool) -> str:
    if not result.names:
        return "完成 / done"
    rows = result.rows[:max_rows]
    texts = [[cut(cell_text(v), MAX_CELL) for v in row] for row in rows]
    numeric = [any(is_numeric(r[i]) for r in rows) for i in range(result.width)]
    widths = [max([display_width(cut(n, MAX_CELL))] + [display_width(t[i]) for t in texts])
              for i, n in enumerate(result.names)]
    # as many columns from the left as fit (each costs its width + 3 for "│ " and " ")
    shown, used = [], 1
    for i, w in enumerate(widths):
        if shown and used + w + 3 > width:
            break
        shown.append(i)
        used += w + 3
    if len(shown) == 1 and used > width:  # one very wide column: cut it to the screen
        widths[0] = max(8, width - 4)
        texts = [[cut(t[0], widths[0])] + t[1:] for t in texts]
    hidden = [result.names[i] for i in range(result.width) if i not in shown]

    def line(cells: list[str]) -> str:
        if markdown:
            return "| " + " | ".join(cells) + " |"
        return "│ " + " │ ".join(cells) + " │"

    head = line([pad(cut(result.names[i], widths[i]), widths[i], numeric[i]) for i in shown])
    if markdown:
        rule = "|" + "|".join(("-" * (widths[i] + 1)) + (":" if numeric[i] else "-")
                              for i in shown) + "|"
        out = [head, rule]
    else:
        bar = ["─" * (widths[i] + 2) for i in shown]
        out = ["┌" + "┬".join(bar) + "┐", head, "├" + "┼".join(bar) + "┤"]
    out += [line([pad(t[i], widths[i], numeric[i]) for i in shown]) for t in texts]
    if not markdown:
        out.append("└" + "┴".join(bar) + "┘")
    out.append(_rows_note(result, len(rows)))
    if hidden:
        names = ", ".join(hidden[:12]) + (" …" if len(hidden) > 12 else "")
        out.append(f"另有 {len(hidden)} 列未显示(共 {result.width} 列;.mode line 逐行显示全部)"
                   f" / {len(hidden)} of {result.width} columns hidden: {names}")
    return "\n".join(out)


def _lines(result: Result, max_rows: int) -> str:
    if not result.names:
        return "完成 / done"
    label = max(display_width(n) for n in result.names)
    out = []
    for n, row in enumerate(result.rows[:max_rows], 1):
        out.append(f"-- 第 {n} 行 / row {n}")
        out += [f"{pad(name, label, True)} = {cell_text(v)}" for name, v in zip(result.names, row)]
    out.append(_rows_note(result, min(max_rows, result.height)))
    return "\n".join(out)


def _csv(result: Result, max_rows: int) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.names)
    for row in result.rows[:max_rows]:
        writer.writerow(["" if v is None else cell_text(v) for v in row])
    return buf.getvalue().rstrip("\n")
