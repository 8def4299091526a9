"""``civstat`` — the front door. Each command lives in its own module and is imported lazily,
so ``civstat --help`` is instant and a command only pays for the libraries it uses."""

from __future__ import annotations

import errno
import importlib
import os
import sys
from pathlib import Path

import click

# name -> (module:attribute, one-line help shown by `civstat --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "template": ("civstat.template:template_command", "写出空白季报模板(.xlsx) / write the blank return template"),
    "generate": ("civstat.generate.cli:generate_command", "生成演示县或省级规模数据 / generate the demo county or province-scale returns"),
    "ingest": ("civstat.ingest.cli:ingest_command", "读取季报进入原始层 / read returns into the raw layer"),
    "withdraw": ("civstat.ingest.withdraw:withdraw_command", "撤回已读取的报表 / withdraw a loaded return"),
    "build": ("civstat.build:build_command", "dbt 构建数仓并原子发布 / build the warehouse with dbt and publish it"),
    "check": ("civstat.quality.cli:check_command", "审核关系质量闸门 / run the edit rules (quality gate)"),
    "report": ("civstat.report.cli:report_command", "生成年度工作总结 / render the year-end summary (HTML/PDF/DOCX/XLSX)"),
    "sql": ("civstat.sql:sql_command", "查询已发布数仓(个人工作区) / query the published warehouse from your workspace"),
    "export": ("civstat.export.cli:export_command", "导出集市:Excel、Parquet、DuckDB 1.x 副本 / export the marts (XLSX, Parquet, DuckDB 1.x copy)"),
    "docs": ("civstat.build:docs_command", "生成并在本机浏览 dbt 文档 / build and serve dbt docs on localhost"),
    "demo": ("civstat.demo:demo_command", "演示:生成→读取→构建→审核→报告 / run the whole pipeline on the demo county"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        target, _ = COMMANDS[name]
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's own errors in Chinese and English; exit 2 for usage errors and set-up errors
        (a path that is a folder or not readable, a database file DuckDB cannot open: one line),
        130 on Ctrl-C, 3 when civstat itself failed (an unexpected exception: its traceback, then
        one line saying so — never 1, which says the data failed a check)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        from civstat.cliutil import show_error

        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            show_error(exc)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("\n已中止 / aborted", err=True)
            sys.exit(130)
        except (IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            # the set-up: a warehouse path that is a folder, a file not readable
            click.echo(f"错误 / error: 无法使用该路径 / cannot use the path: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001 — a crash is civstat's fault, not the data's
            detail = (str(exc).strip().splitlines() or [""])[0][:300]
            if _no_room(exc, detail):
                # the machine's: a full disk, a read-only mount (OSError, or DuckDB's words)
                click.echo(f"错误 / error: 磁盘已满或为只读,无法写入 / the disk is full or "
                           f"read-only: {detail}", err=True)
                sys.unraisablehook = lambda _: None  # a writer's half-closed file, at exit
                sys.exit(2)
            if type(exc).__name__ == "IOException" and type(exc).__module__.startswith("_duckdb"):
                # DuckDB cannot open a file: damaged, half copied, held by another program
                click.echo(f"错误 / error: 数据库文件无法打开(损坏、未复制完整或被其他程序占用)/ "
                           f"cannot open a database file (damaged, half copied or held by another "
                           f"program): {detail}", err=True)
                sys.exit(2)
            import traceback

            traceback.print_exc()
            click.echo(f"程序出错(不是报表数据的问题),请把以上信息报告给维护者 / civstat failed "
                       f"(not a problem of the returns); please report the lines above: "
                       f"{type(exc).__name__}: {detail}", err=True)
            sys.exit(3)
        sys.exit(rv if isinstance(rv, int) else 0)


_NO_ROOM = (errno.ENOSPC, errno.EROFS, errno.EDQUOT)
_NO_ROOM_WORDS = ("No space left on device", "Read-only file system", "Disk quota exceeded")


def _no_room(exc: BaseException | None, detail: str) -> bool:
    """A write the machine refused: disk full, read-only file system, quota — the error itself,
    one it was raised from (xlsxwriter's FileCreateError) or DuckDB's words for it."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
            return True
        if type(exc).__module__.startswith("_duckdb") and any(w in str(exc) for w in _NO_ROOM_WORDS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    return (f"civstat {v('civstat')} (duckdb {v('duckdb')}, dbt-core {v('dbt-core')}, "
            f"dagster {v('dagster')}, Python {sys.version.split()[0]})")


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version())
        ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", "-V", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="显示版本 / show the version and exit")
def main() -> None:
    """civstat — 县/区民政统计季报数据管道与分析仓库."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    _venv_on_path()


def _venv_on_path() -> None:
    """``.venv/bin/civstat`` works without activating the venv: the tools it starts (dbt)
    are found beside the running interpreter first."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *[p for p in parts if p]])


if __name__ == "__main__":
    main()
