"""One CLI: ``--version``, one period syntax, divisions by name, bilingual errors, exit 2 for
usage and set-up errors, ``build --select`` that selects nothing, a refresh with nothing to do."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from click.testing import CliRunner
from test_quality_support import build_clean

from civstat import buildplan, workstate
from civstat.cli import main
from civstat.cliutil import Period, parse_period, resolve_division
from civstat.warehouse import Warehouse


def run(*args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and res.output.startswith("civstat 0.")
    assert "duckdb 2." in res.output


@pytest.mark.parametrize("args, zh", [
    (["report", "--yaer", "2024"], "没有这个选项"),
    (["nonsense"], "没有这个命令"),
    (["report", "--year", "abc"], "取值无效"),
    (["check", "--period", "2024Q5"], "取值无效"),
])
def test_click_errors_are_bilingual_and_exit_2(args, zh):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert zh in res.output and "错误 / error:" in res.output and "用法 / usage:" in res.output
    assert "Traceback" not in res.output


def test_one_period_syntax():
    assert parse_period("2025Q4") == Period(2025, 4)
    assert parse_period("2025") == Period(2025, None)
    assert parse_period("2025").quarters() == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    for bad in ("2025Q5", "25Q1", "2025q1", "2025-4"):
        with pytest.raises(ValueError, match="2025Q4"):
            parse_period(bad)


# -- check -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return build_clean(tmp_path_factory.mktemp("cli") / "civstat.duckdb")


def test_check_with_no_returns_for_the_period_fails_up_front(clean, tmp_path):
    res = run("check", "--warehouse", str(clean), "--period", "1999",
              "--out", str(tmp_path / "q"))
    assert res.exit_code == 2, res.output
    assert "1999年" in res.output and "已有报告期" in res.output and "2024Q1" in res.output
    assert "无硬性错误" not in res.output and "审核结果" not in res.output  # no table of zeros
    assert not (tmp_path / "q").exists()


def test_check_old_spellings_still_work_with_a_note(clean, tmp_path):
    res = run("check", "--warehouse", str(clean), "--year", "1999")
    assert res.exit_code == 2 and "--period 1999" in res.output
    res = run("check", "--warehouse", str(clean), "--quarter", "2024Q2", "--period", "2024")
    assert res.exit_code == 2 and "只能选一个" in res.output


def test_check_period_year_runs(clean, tmp_path):
    res = run("check", "--warehouse", str(clean), "--period", "2024", "--out", str(tmp_path))
    assert res.exit_code in (0, 1), res.output
    assert "2024Q1" in res.output


def test_missing_warehouse_is_exit_2_everywhere(tmp_path):
    nowhere = str(tmp_path / "none.duckdb")
    for args in (["check", "--warehouse", nowhere],
                 ["report", "--period", "2025", "--warehouse", nowhere],
                 ["report", "--period", "2025", "--all-townships", "--warehouse", nowhere],
                 ["report", "--period", "2025", "--division", "马店镇", "--warehouse", nowhere],
                 ["export", "--warehouse", nowhere],
                 ["sql", "SELECT 1", "--warehouse", nowhere]):
        res = run(*args)
        assert res.exit_code == 2, (args, res.output)
        assert "仓库尚未发布" in res.output and "Traceback" not in res.output, args


def test_report_needs_one_period_spelling(tmp_path):
    assert run("report", "--warehouse", str(tmp_path / "x.duckdb")).exit_code == 2
    res = run("report", "--period", "2025", "--year", "2025")
    assert res.exit_code == 2 and "--period" in res.output


# -- divisions by code or name ----------------------------------------------------------------
@pytest.fixture()
def divisions(tmp_path):
    con = duckdb.connect(str(tmp_path / "d.duckdb"))
    con.execute("""CREATE TABLE dim_division AS SELECT * FROM (VALUES
        ('371599000000', '清河县', '清河', 'county', true, '清河县'),
        ('371599104000', '马店镇', '马店', 'township', true, '马店镇'),
        ('371599203000', '白庙乡', '白庙', 'township', false, '马店镇'))
        t(division_code, division_name, short_name, division_level, is_current,
          current_division_name)""")
    yield con
    con.close()


def test_divisions_by_code_name_short_name_or_traditional(divisions):
    for given in ("371599104000", "马店镇", "马店", "馬店鎮"):
        assert resolve_division(divisions, given) == "371599104000"
    with pytest.raises(LookupError, match="并入马店镇"):
        resolve_division(divisions, "白庙乡")
    with pytest.raises(LookupError) as err:
        resolve_division(divisions, "不存在镇")
    message = str(err.value)
    assert message.startswith("没有这个区划:不存在镇")
    assert "清河县 371599000000、马店镇 371599104000" in message  # names first, the county first


# -- build ------------------------------------------------------------------------------------
def test_build_select_that_selects_nothing_fails_and_publishes_nothing(tmp_path):
    wh = tmp_path / "civstat.duckdb"
    res = run("build", "--warehouse", str(wh), "--select", "nonexistent_model")
    assert res.exit_code == 2, res.output
    assert "nonexistent_model" in res.output and "未发布" in res.output
    assert not wh.exists() and not Warehouse(wh).working.exists()


def _built_copy(wh: Warehouse) -> None:
    """A working copy whose last change was gated and built, recorded as dbt would, and
    published (no dbt needed)."""
    with duckdb.connect(str(wh.working)) as con:
        con.execute("CREATE TABLE kpi_annual AS SELECT 1 AS value")
    for stage in ("raw", "gate", "build_start"):
        workstate.mark_file(wh.working, stage)
    plan = buildplan.plan_build(wh.working, full_refresh=True)
    buildplan.record_build(wh.working, plan, 1.0, orchestrator="cli")
    workstate.mark_file(wh.working, "build_ok")
    with wh.lock():
        wh.publish()


def test_a_refresh_with_nothing_changed_says_so_and_does_nothing(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _built_copy(wh)
    assert buildplan.nothing_changed(wh.working, wh.path) is not None
    inode = wh.path.stat().st_ino
    res = run("build", "--warehouse", str(wh.path))
    assert res.exit_code == 0, res.output
    assert "没有新的变化" in res.output and "nothing changed" in res.output
    assert wh.path.stat().st_ino == inode  # not republished
    # new raw data, another published file, or another dbt project: something to do
    workstate.mark_file(wh.working, "raw")
    assert buildplan.nothing_changed(wh.working, wh.path) is None


def test_nothing_changed_needs_the_published_file_to_be_that_build(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    _built_copy(wh)
    other = tmp_path / "other.duckdb"
    shutil.copy2(wh.path, other)
    with duckdb.connect(str(other)) as con:
        con.execute("UPDATE meta.build_log SET built_at = ?", [dt.datetime(2000, 1, 1)])
    assert buildplan.nothing_changed(wh.working, other) is None
    with duckdb.connect(str(wh.working)) as con:
        con.execute("UPDATE meta.build_log SET gate_fingerprint = 'old rules'")
    assert buildplan.nothing_changed(wh.working, wh.path) is None


def test_demo_counts_dbt_nodes_while_dbt_writes_its_log(tmp_path):
    import io
    import threading
    import time

    from civstat.demo import DbtProgress

    log = tmp_path / "refresh.log"
    log.write_text("", encoding="utf-8")
    out = io.StringIO()

    def dbt() -> None:
        with open(log, "a", encoding="utf-8") as fh:
            for i in range(1, 46):
                fh.write(f"{i} of 45 START sql table model main.m{i} ....... [RUN]\n")
                fh.write(f"{i} of 45 OK created sql table model main.m{i} .. [OK in 0.1s]\n")
                fh.flush()
                time.sleep(0.05)

    with DbtProgress(log, out):
        writer = threading.Thread(target=dbt)
        writer.start()
        writer.join()
    lines = out.getvalue().splitlines()
    assert lines and lines[-1].startswith("  dbt 45/45 main.m45")
    assert all("dbt " in line and "/45" in line for line in lines)
