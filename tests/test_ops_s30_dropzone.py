"""The drop zone as an operator changes it after a load: a return deleted, a corrected return
beside or over the loaded one, a file still being copied when the sensor looks, and a crash.
Real ``civstat`` processes on returns written cell by cell (:mod:`handmade`), DuckDB on disk."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import civstat_env
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    TOWNS,
    canonical_sheets,
    cover_rows,
    write_reference,
    write_xlsx,
)

CIVSTAT = str(Path(sys.executable).with_name("civstat"))
LEFT = "已不在投递目录"


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CIVSTAT, *args], env=civstat_env(root), capture_output=True,
                          text=True, check=False, timeout=300)


def _town_return(root: Path, name: str, code: str, short: str, *, fill_date="2024年10月8日",
                 file: str | None = None, persons: int = 210) -> Path:
    sheets = canonical_sheets()
    sheets["表1 最低生活保障"][1][2] = persons  # 城市低保 期末保障人数
    return write_xlsx(root / "raw" / "2024Q3" / (file or f"{short}.xlsx"),
                      cover_rows(unit=name, code=code, fill_date=fill_date), sheets)


@pytest.fixture()
def site(tmp_path) -> Path:
    """Three townships' 2024Q3 returns, ingested (exit 0)."""
    write_reference(tmp_path / "reference")
    for code, name, short, _ in TOWNS:
        _town_return(tmp_path, name, code, short)
    first = _run(tmp_path, "ingest")
    assert first.returncode == 0, first.stdout + first.stderr
    assert LEFT not in first.stdout
    return tmp_path


def _current(root: Path) -> list[tuple]:
    con = duckdb.connect(str(root / "civstat.build.duckdb"), read_only=True)
    try:
        return con.execute("SELECT file_path, division_code, fill_date FROM raw.submissions "
                           "WHERE is_current ORDER BY file_path").fetchall()
    finally:
        con.close()


def test_a_return_deleted_after_loading_is_named_and_its_figures_kept(site):
    """Deleting 白庙's loaded return used to change nothing and say nothing: its figures stayed
    in every later build, silently. They stay (a deleted file is no withdrawal), and every
    ingest names the file, the nothing-changed one too."""
    (site / "raw" / "2024Q3" / "白庙.xlsx").unlink()
    after = _run(site, "ingest")
    assert after.returncode == 0, after.stdout + after.stderr
    lines = [line for line in after.stdout.splitlines() if LEFT in line]
    assert len(lines) == 1 and "2024Q3/白庙.xlsx(白庙乡 2024Q3)" in lines[0]
    assert "仓库仍保留其数字" in lines[0] and "deleting a file does not withdraw" in lines[0]
    assert sorted(c for _, c, _ in _current(site)) == sorted(c for c, *_ in TOWNS)  # still current
    again = _run(site, "ingest")  # nothing changed since: the same line
    assert "没有新的变化" in again.stdout and again.returncode == 0
    assert [line for line in again.stdout.splitlines() if LEFT in line] == lines
    only_q = _run(site, "ingest", "--period", "2024Q3")
    assert [line for line in only_q.stdout.splitlines() if LEFT in line] == lines


def test_a_resubmission_says_what_it_replaced_or_why_it_did_not(site):
    """城关's return overwritten by a corrected one (later 填报日期) replaces it; 白庙's
    correction saved beside it with an earlier 填报日期 stays second — said as such, where the
    summary only counted both as 更正重报."""
    _town_return(site, "城关街道", CHENGGUAN, "城关", fill_date="2024年10月20日", persons=230)
    _town_return(site, "白庙乡", BAIMIAO, "白庙", fill_date="2024年10月1日", persons=999,
                 file="白庙(更正).xlsx")
    run = _run(site, "ingest")
    assert run.returncode == 0, run.stdout + run.stderr
    notes = sorted(line for line in run.stdout.splitlines() if line.startswith("更正重报 / resubmitted:"))
    assert notes == [
        ("更正重报 / resubmitted: 2024Q3/城关.xlsx(填报日期 2024-10-20)取代同名文件的上一版本 "
        "2024Q3/城关.xlsx(填报日期 2024-10-08, 2024Q3),后者保留备查 / 2024Q3/城关.xlsx (填报日期 "
        "2024-10-20) replaces the earlier version of 2024Q3/城关.xlsx (填报日期 2024-10-08, 2024Q3), "
        "which stays on record"),
        ("更正重报 / resubmitted: 2024Q3/白庙(更正).xlsx(填报日期 2024-10-01)未取代现行的2024Q3/白庙.xlsx"
        "(填报日期 2024-10-08, 2024Q3):以填报日期最新者为准(同一天的以文件时间为准);如它才是更正的报表,请改正其填报日期 / "
        "2024Q3/白庙(更正).xlsx (填报日期 2024-10-01) did not replace the current 2024Q3/白庙.xlsx "
        "(填报日期 2024-10-08, 2024Q3): the latest 填报日期 wins (of one day, the later file); if it "
        "is the correction, correct its 填报日期"),
    ]
    con = duckdb.connect(str(site / "civstat.build.duckdb"), read_only=True)
    try:
        persons = dict(con.execute(
            "SELECT d.source_file, d.persons FROM raw.dibao d JOIN raw.submissions s "
            "USING (submission_id) WHERE s.is_current AND d.category = 'urban'").fetchall())
    finally:
        con.close()
    assert persons == {"2024Q3/城关.xlsx": 230, "2024Q3/白庙.xlsx": 210, "2024Q3/马店.xlsx": 210}


def test_a_damaged_database_file_exits_2_not_1(site):
    """A working copy that is no DuckDB file made `civstat ingest` and `check` end in a Python
    traceback with exit 1 — the status that says the data failed (files quarantined, a hard
    edit-rule failure) —, later 3 (civstat's own failure). It is the set-up's: one line saying
    the file cannot be opened and why, exit 2, no traceback; so is a warehouse path that is a
    folder."""
    (site / "civstat.build.duckdb").write_bytes(b"not a database")
    (site / "civstat.duckdb").write_bytes(b"not a database")
    for args in (("ingest",), ("check", "--period", "2024Q3")):
        run = _run(site, *args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
        (line,) = run.stderr.strip().splitlines()
        assert line.startswith("错误 / error: 数据库文件无法打开(损坏、未复制完整或被其他程序占用)")
        assert "not a valid DuckDB database file" in line
    (site / "civstat.build.duckdb").unlink()
    (site / "civstat.duckdb").unlink()
    (site / "civstat.duckdb").mkdir()
    run = _run(site, "withdraw", "2024Q3/马店.xlsx", "--reason", "错投")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "无法使用该路径" in run.stderr and "Is a directory" in run.stderr


# -- the drop-zone sensor ----------------------------------------------------------------------
def _tick(raw: Path, tmp_path: Path, instance, cursor=None):
    from civstat.defs.raw import raw_drop_zone_sensor
    from civstat.defs.resources import WarehouseResource

    resources = {"warehouse": WarehouseResource(path=str(tmp_path / "wh" / "civstat.duckdb"),
                                                raw_dir=str(raw),
                                                reference_dir=str(tmp_path / "reference"))}
    return raw_drop_zone_sensor(dg.build_sensor_context(instance=instance, resources=resources,
                                                        cursor=cursor))


def test_the_sensor_waits_for_a_file_still_being_copied(tmp_path, monkeypatch):
    """A CSV export cut short mid-row (`城市低保,120,21`) loads as 21 people, not 210, with no
    finding: the sensor used to request its folder at once. A folder with a file written within
    CIVSTAT_SETTLE_SECONDS is left to a later tick — also when the copy keeps the source's
    modification time (only the inode's change time is new)."""
    from civstat.defs.raw import still_written

    monkeypatch.setenv("CIVSTAT_SETTLE_SECONDS", "3")
    raw = tmp_path / "raw"
    old = raw / "2024Q2" / "a.xlsx"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"x")
    copying = raw / "2024Q3" / "马店__表1 最低生活保障.csv"
    copying.parent.mkdir(parents=True)
    copying.write_text("类别,期末保障户数,期末保障人数\n城市低保,120,21", encoding="utf-8")
    os.utime(copying, (time.time() - 86400, time.time() - 86400))  # cp -p: an old mtime
    assert still_written(raw / "2024Q3", 3.0) == ["马店__表1 最低生活保障.csv"]
    assert still_written(raw / "2024Q3", 3.0, now=time.time() + 4) == []
    time.sleep(3.1)
    with dg.instance_for_test() as instance:
        with copying.open("a", encoding="utf-8") as fh:  # the copy goes on
            fh.write("0,8,12\n")
        first = _tick(raw, tmp_path, instance)
        assert [r.partition_key for r in first.run_requests] == ["2024Q2"]
        time.sleep(3.1)  # the copy finished: nothing written for the settle time
        second = _tick(raw, tmp_path, instance, first.cursor)
        assert [r.partition_key for r in second.run_requests] == ["2024Q3"]
        third = _tick(raw, tmp_path, instance, second.cursor)
        assert third.run_requests == []
