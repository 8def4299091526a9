"""What every ``civstat`` command shares: one period syntax, divisions by code or name,
bilingual errors and exit statuses (0 done, 1 the data failed a check, 2 usage or set-up).

A period is written ``2025Q4`` (a quarter) or ``2025`` (a year) everywhere: ``check --period``,
``report --period``, ``ingest --period``. The former spellings (``check --quarter 2025Q4``,
``--year 2025``, ``report --quarter 4``) still work and say so once on stderr.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import click

PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")  # folder names are exact: 2025Q4, not 2025q4


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    def __str__(self) -> str:
        return self.key

    def quarters(self) -> list[str]:
        return [self.key] if self.quarter else [f"{self.year}Q{q}" for q in range(1, 5)]


def parse_period(text: str) -> Period:
    m = PERIOD.match(str(text))
    if not m:
        raise ValueError(f"报告期应写作 2025Q4(季度)或 2025(年度):{text!r} / a period looks "
                         f"like 2025Q4 (a quarter) or 2025 (a year): {text!r}")
    return Period(int(m.group(1)), int(m.group(2)) if m.group(2) else None)


class PeriodType(click.ParamType):
    name = "period"

    def convert(self, value, param, ctx):
        if isinstance(value, Period):
            return value
        try:
            return parse_period(str(value).strip().upper())  # options forgive a lower-case q
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


PERIOD_TYPE = PeriodType()


def deprecated(old: str, new: str) -> None:
    click.echo(f"提示:{old} 已改为 {new},旧写法仍可用 / note: {old} is now {new} (the old "
               "spelling still works)", err=True)


def fail(message: str, code: int = 2) -> None:
    """Print ``错误 / error: …`` on stderr and exit (2: usage or set-up error)."""
    click.echo(f"错误 / error: {message}", err=True)
    sys.exit(code)


# -- divisions ----------------------------------------------------------------------------------
def resolve_division(con, text: str) -> str:
    """A township (or the county) by its 12-digit code, its name (马店镇) or short name (马店);
    unknown → :class:`LookupError` listing the valid ones, names first; a merged township →
    :class:`LookupError` naming its successor."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'dim_division'").fetchall()}

    def col(name: str, default: str) -> str:
        return name if name in have else f"{default} AS {name}"

    rows = con.execute(
        f"SELECT division_code, division_name, {col('short_name', 'NULL')}, division_level, "
        f"{col('is_current', 'true')}, {col('current_division_name', 'division_name')} "
        "FROM dim_division ORDER BY division_level <> 'county', NOT is_current, division_code"
    ).fetchall()
    wanted = text.strip()
    try:
        import opencc

        simplified = opencc.OpenCC("t2s").convert(wanted)
    except Exception:  # noqa: BLE001 - traditional characters are a convenience
        simplified = wanted
    for code, name, short, _, current, now in rows:
        if wanted == code or simplified in (name, short):
            if not current:
                raise LookupError(f"{name}({code})已撤并,并入{now},请改用 {now} / {code} was "
                                  f"merged into {now}: use that division")
            return code
    listing = "、".join(
        f"{name} {code}" + ("" if current else f"(已并入{now} / merged)")
        for code, name, _, _, current, now in rows)
    raise LookupError(f"没有这个区划:{text};可用的区划:{listing} / unknown division {text!r}; "
                      "use a name or code listed above")


# -- click's own errors, in Chinese and English --------------------------------------------
CLICK_ZH = [
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Missing option", "缺少必需的选项"),
    ("Missing argument", "缺少参数"),
    ("Missing parameter", "缺少参数"),
    ("Invalid value for", "取值无效"),
    ("Got unexpected extra argument", "多余的参数"),
    ("requires an argument", "选项需要一个值"),
    ("Option '", "选项用法有误"),
]


def bilingual(message: str) -> str:
    """``取值无效 / Invalid value for '--year': …`` — Chinese first, click's English kept."""
    for english, chinese in CLICK_ZH:
        if english in message and chinese not in message:
            return f"{chinese} / {message}"
    return message


def show_error(exc: click.ClickException) -> None:
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        usage = exc.ctx.get_usage().replace("Usage:", "用法 / usage:")
        help_opt = exc.ctx.help_option_names[0] if exc.ctx.help_option_names else "--help"
        click.echo(usage, err=True)
        click.echo(f"运行 '{exc.ctx.command_path} {help_opt}' 查看帮助 / try "
                   f"'{exc.ctx.command_path} {help_opt}' for help\n", err=True)
    click.echo(f"错误 / error: {bilingual(exc.format_message())}", err=True)
