"""The ``civstat sql`` shell: prompt_toolkit driven through its test harness (pipe input, dummy
output), the personal workspace beside a published warehouse written by the test (no dbt)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from civstat.shell.commands import Cancelled, Shell, ShellError
from civstat.shell.render import Result, format_number, render
from civstat.shell.workspace import history_path, open_session
from civstat.sql import sql_command
from civstat.warehouse import Warehouse

WIDE = 27  # columns of the wide table


@pytest.fixture()
def published(tmp_path, monkeypatch):
    """A published warehouse (the file a refresh replaces) with a mart, a raw table, a view
    naming its catalog as dbt's do, and comments."""
    monkeypatch.setenv("CIVSTAT_WORKSPACE", str(tmp_path / "ws" / "tester.duckdb"))
    monkeypatch.setenv("COLUMNS", "100")
    path = tmp_path / "wh" / "civstat.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE kpi_annual (division_code VARCHAR, year INTEGER, value DOUBLE)")
        con.execute("COMMENT ON COLUMN kpi_annual.division_code IS '统计用区划代码(12位)  \n*code*'")
        con.execute("INSERT INTO kpi_annual VALUES ('371599101000', 2024, 120388166.0), "
                    "('371599102000', 2024, 0.000012)")
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.submissions AS SELECT 's1' AS submission_id")
        con.execute("CREATE VIEW kpi_view AS SELECT * FROM civstat.main.kpi_annual")
        cols = ", ".join(f"{i} AS column_{i:02d}" for i in range(WIDE))
        con.execute(f"CREATE TABLE wide AS SELECT {cols} FROM range(3)")
    return Warehouse(path)


def shell_for(wh: Warehouse, tmp_path, **kw) -> Shell:
    return Shell(open_session(wh, tmp_path / "ws" / "tester.duckdb"), **kw)


# -- drawing results ---------------------------------------------------------------------
def test_numbers_never_in_scientific_notation():
    assert format_number(1.20388166e8) == "120388166"
    assert format_number(1.2e-5) == "0.000012"
    assert format_number(2.5) == "2.5"
    text = render(Result(["s"], ["DOUBLE"], [(1.20388166e8,)]))
    assert "120388166" in text and "e+" not in text and "e8" not in text


def test_wide_result_fits_the_terminal_and_says_what_is_hidden(published, tmp_path):
    sh = shell_for(published, tmp_path, width=80)
    text = sh.run("SELECT * FROM wide")
    lines = text.splitlines()
    from civstat.shell.render import display_width

    assert max(display_width(line) for line in lines[:-2]) <= 80
    assert "column_00" in lines[1] and "column_26" not in lines[1]
    hidden = next(line for line in lines if "列未显示" in line)
    assert f"共 {WIDE} 列" in hidden and "column_26" not in hidden and hidden.endswith("…")
    assert "(3 行 / rows)" in text
    sh.run(".mode line")
    assert "column_26 = 2" in sh.run("SELECT * FROM wide")


def test_chinese_cells_line_up():
    text = render(Result(["名称", "n"], ["VARCHAR", "INTEGER"], [("马店镇", 1), ("ab", 22)]),
                  width=80)
    rows = [line for line in text.splitlines() if line.startswith("│")]
    from civstat.shell.render import display_width

    assert len({display_width(r) for r in rows}) == 1


# -- the workspace ---------------------------------------------------------------------------
def test_existing_queries_resolve_and_own_tables_go_to_the_workspace(published, tmp_path):
    sh = shell_for(published, tmp_path)
    assert sh.query("SELECT count(*) FROM kpi_annual").rows == [(2,)]
    assert sh.query("SELECT count(*) FROM main.kpi_annual").rows == [(2,)]
    assert sh.query("SELECT count(*) FROM raw.submissions").rows == [(1,)]
    assert sh.query("SELECT count(*) FROM kpi_view").rows == [(2,)]  # views name "civstat"
    assert "完成" in sh.run("CREATE TABLE mine AS SELECT * FROM kpi_annual WHERE year = 2024")
    with pytest.raises(duckdb.Error, match="read-only"):
        sh.query("DELETE FROM kpi_annual")
    sh.session.close()
    with duckdb.connect(str(tmp_path / "ws" / "tester.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mine").fetchone() == (2,)
    with duckdb.connect(str(published.path), read_only=True) as con:
        assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name = 'mine'").fetchall()


def _publish(wh: Warehouse, rows: int) -> None:
    """A real publish (Warehouse.publish: copy + os.replace) of a working copy with ``rows``."""
    from civstat import workstate

    wh.prepare_working()
    with duckdb.connect(str(wh.working)) as con:
        con.execute("CREATE OR REPLACE TABLE kpi_annual AS "
                    f"SELECT '371599101000' AS division_code, 2025 AS year, 1.0 AS value "
                    f"FROM range({rows})")
    for stage in ("raw", "gate", "build_start", "build_ok"):
        workstate.mark_file(wh.working, stage)
    with wh.lock():
        wh.publish()


def test_an_open_session_does_not_block_a_publish_and_sees_the_new_file(published, tmp_path):
    sh = shell_for(published, tmp_path)
    sh.run("CREATE TABLE notes AS SELECT 'mine' AS who")
    before = os.stat(published.path).st_ino
    _publish(published, 5)  # the session holds the old file attached read-only meanwhile
    assert os.stat(published.path).st_ino != before
    assert sh.query("SELECT count(*) FROM kpi_annual").rows == [(5,)]
    assert any("已重新载入" in note for note in sh.echo)
    assert sh.query("SELECT who FROM notes").rows == [("mine",)]


# -- Ctrl-C ------------------------------------------------------------------------------------
@pytest.mark.parametrize("handler", ["default", "swallowing", "ignoring"])
def test_ctrl_c_cancels_the_running_query_and_the_session_goes_on(published, tmp_path, handler):
    """Ctrl-C cancels the statement and the session goes on — under Python's own SIGINT handler,
    under one that records the signal and returns (left installed by some library or an earlier
    in-process run: it would leave the statement running and the session waiting on it for
    ever), and with SIGINT ignored (as a process started in the background, or a pytest-xdist
    worker, has it). The query waits under Python's own handler and puts the one before back."""
    sh = shell_for(published, tmp_path)
    swallowed: list[int] = []
    installed = {"default": signal.default_int_handler, "ignoring": signal.SIG_IGN,
                 "swallowing": lambda signum, frame: swallowed.append(signum)}[handler]
    previous = signal.signal(signal.SIGINT, installed)
    try:
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        started = time.monotonic()
        timer.start()
        with pytest.raises(Cancelled):
            sh.query("SELECT sum(a.range * b.range) FROM range(2000000) a, range(2000000) b")
        assert time.monotonic() - started < 20
        assert swallowed == []
        assert signal.getsignal(signal.SIGINT) is installed
    finally:
        signal.signal(signal.SIGINT, previous)
    assert sh.query("SELECT 42").rows == [(42,)]


# -- the prompt (prompt_toolkit's pipe input) ------------------------------------------------
def _drive(sh: Shell, keys: str, history) -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from civstat.shell.repl import interactive

    with create_pipe_input() as inp:
        inp.send_text(keys)
        interactive(sh, history, input=inp, output=DummyOutput())


def test_prompt_runs_multi_line_statements_dot_commands_and_exports(published, tmp_path, capsys):
    import openpyxl

    sh = shell_for(published, tmp_path)
    out = tmp_path / "out.xlsx"
    keys = (".tables\r"
            "SELECT division_code,\r  value\rFROM kpi_annual\rORDER BY 1;\r"
            f".export {out}\r"
            ".mode nonsense\r"
            "\x04")  # Ctrl-D leaves
    _drive(sh, keys, history_path(sh.session.workspace))
    printed = capsys.readouterr()
    assert "kpi_annual" in printed.out and "raw" in printed.out
    assert "120388166" in printed.out and "0.000012" in printed.out
    assert "已导出" in printed.out
    assert "显示方式只能是" in printed.err
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "统计用区划代码(12位)"
    assert ws["A2"].value == "371599101000" and ws["A2"].data_type == "s"


def test_history_is_kept_across_sessions(published, tmp_path, capsys):
    sh = shell_for(published, tmp_path)
    hist = history_path(sh.session.workspace)
    _drive(sh, "SELECT 1 AS one;\r\x04", hist)
    sh.session.close()
    assert "SELECT 1 AS one;" in hist.read_text(encoding="utf-8")
    # a new session: Up recalls the last statement, Enter runs it again
    sh = shell_for(published, tmp_path)
    capsys.readouterr()
    _drive(sh, "\x1b[A\r\x04", hist)
    assert "one" in capsys.readouterr().out


def test_completion_offers_tables_and_columns(published, tmp_path):
    from prompt_toolkit.document import Document

    from civstat.shell.repl import make_completer

    completer = make_completer(shell_for(published, tmp_path))
    words = {c.text for c in completer.get_completions(Document("SELECT * FROM kpi_"), None)}
    assert "kpi_annual" in words and "kpi_view" in words
    words = {c.text for c in completer.get_completions(Document("SELECT divi"), None)}
    assert "division_code" in words
    words = {c.text for c in completer.get_completions(Document(".sch"), None)}
    assert words == {".schema"}


# -- on the command line -----------------------------------------------------------------------
def test_dot_commands_work_from_the_command_line(published):
    res = CliRunner().invoke(sql_command, [".tables", "--warehouse", str(published.path)])
    assert res.exit_code == 0, res.output
    assert "kpi_annual" in res.output and "wide" in res.output
    res = CliRunner().invoke(sql_command, [".schema kpi_annual", "--warehouse",
                                           str(published.path)])
    assert res.exit_code == 0 and "统计用区划代码" in res.output
    res = CliRunner().invoke(sql_command, [".nonsense", "--warehouse", str(published.path)])
    assert res.exit_code == 2 and "未知命令" in res.output


def test_piped_script_and_end_of_input_exit_0(published):
    res = CliRunner().invoke(sql_command, ["--warehouse", str(published.path)],
                             input="SELECT 6 * 7 AS answer;\n")
    assert res.exit_code == 0 and "42" in res.output


def test_missing_warehouse_is_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVSTAT_WORKSPACE", str(tmp_path / "ws.duckdb"))
    res = CliRunner().invoke(sql_command, ["SELECT 1", "--warehouse", str(tmp_path / "no.duckdb")])
    assert res.exit_code == 2 and "civstat build" in res.output


def test_a_busy_workspace_falls_back_to_memory(published, tmp_path):
    first = shell_for(published, tmp_path)
    # DuckDB shares an open file within one process: a second process (another statistician's
    # `civstat sql`) finds it locked, works in memory and says so before its statement runs
    exe = Path(sys.executable).with_name("civstat")
    other = subprocess.run(
        [str(exe), "sql", "CREATE TABLE mine AS SELECT 1 AS n", "--warehouse", str(published.path)],
        env={**os.environ, "CIVSTAT_WORKSPACE": str(tmp_path / "ws" / "tester.duckdb")},
        capture_output=True, text=True, timeout=300, check=False)
    assert other.returncode == 0, other.stdout + other.stderr
    assert "另一会话" in other.stderr and "不会保存" in other.stderr
    first.session.close()


def test_export_needs_a_result(published, tmp_path):
    sh = shell_for(published, tmp_path)
    with pytest.raises(ShellError, match="还没有可导出的结果"):
        sh.run(f".export {tmp_path / 'x.csv'}")
    assert "已导出" in sh.run(f".export {tmp_path / 'x.parquet'} SELECT * FROM kpi_annual")
    assert (tmp_path / "x.parquet").exists()
