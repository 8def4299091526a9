"""Per-file isolation on an adversarial drop zone (tests/hostile.py), through the CLI.

Every file gets its own outcome — loaded, quarantined (reason, sheet, row, column) or listed
as ignored — everything good loads, raw files stay byte-identical, refused files are re-read on
every run, and ``civstat ingest`` exits 1 until none is left in the drop zone, then 0.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hostile import FOLDER, add_other_county_township, write_batch

from civstat.ingest import _parse_unit
from civstat.ingest.limits import MAX_FILE, MAX_UNPACKED
from civstat.ingest.reader import Refusal

EXE = Path(sys.executable).with_name("civstat")


def _shas(raw: Path) -> dict[str, str]:
    return {p.relative_to(raw).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in raw.rglob("*") if p.is_file()}


def _ingest(base: Path, *extra: str) -> subprocess.CompletedProcess:
    args = ["--raw", str(base / "raw"), "--reference", str(base / "reference"),
            "--warehouse", str(base / "wh" / "civstat.duckdb"), "--quarantine", str(base / "q")]
    return subprocess.run([str(EXE), "ingest", *args, *extra], capture_output=True, text=True,
                          check=False, env={**os.environ, "COLUMNS": "200"})


def _state(base: Path) -> tuple[set[str], dict[str, tuple]]:
    con = duckdb.connect(str(base / "wh" / "civstat.build.duckdb"), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("SELECT file_path FROM raw.submissions").fetchall()}
        open_ = {r[0]: r[1:] for r in con.execute(
            'SELECT file_path, reason_code, sheet, "row", "column", message_zh, message_en '
            "FROM raw.quarantine WHERE resolved_at IS NULL").fetchall()}
        return loaded, open_
    finally:
        con.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    expected = write_batch(base / "raw", base / "reference")
    before = _shas(base / "raw")
    first = _ingest(base)
    return base, expected, before, first


def test_batch_uses_the_process_pool(batch):
    _, expected, _, first = batch
    assert sum(e.outcome != "ignored" for e in expected.values()) > 100
    assert "Traceback" not in first.stderr, first.stderr


def test_every_file_gets_its_own_outcome(batch):
    base, expected, _, first = batch
    assert first.returncode == 1, first.stdout + first.stderr
    loaded, open_ = _state(base)
    for rel, exp in expected.items():
        if exp.outcome == "loaded":
            assert rel in loaded and rel not in open_, rel
        elif exp.outcome == "ignored":
            assert f"忽略 / ignored: {rel}" in first.stdout, rel
            assert rel not in loaded and rel not in open_
        else:
            assert rel in open_ and rel not in loaded, rel
            reason, sheet, row, column, _, _ = open_[rel]
            assert reason == exp.reason, (rel, open_[rel])
            assert sheet == exp.sheet, (rel, open_[rel])
            if exp.row:
                assert row == exp.row, (rel, open_[rel])
            if exp.column:
                assert column and exp.column in column, (rel, open_[rel])
    assert set(open_) == {r for r, e in expected.items() if e.outcome == "quarantined"}


def test_refusals_are_one_line_naming_the_relative_file(batch):
    base, expected, _, first = batch
    quarantined = [r for r, e in expected.items() if e.outcome == "quarantined"]
    lines = [ln for ln in first.stdout.splitlines() if ln.startswith("隔离 / quarantined:")]
    assert len(lines) == len(quarantined)
    for rel in quarantined:
        line = next(ln for ln in lines if f": {rel}" in ln)
        assert " / " in line and str(base) not in line
        reason = (base / "q" / f"{rel}.reason.txt").read_text(encoding="utf-8")
        assert reason.count("\n") == 1 and reason.startswith(rel) and str(base) not in reason
        assert (base / "q" / rel).exists()
    _, open_ = _state(base)
    assert "城关_2025Q1.xlsx" in open_[f"{FOLDER}/城关_副本.xlsx"][4]          # names the original
    twins = open_[f"{FOLDER}/石桥镇_甲.xlsx"][4]
    assert "石桥镇_乙.xlsx" in twins
    assert "staged" in first.stdout and "civstat build" in first.stdout
    assert not (base / "wh" / "civstat.duckdb").exists()  # ingest stages, build publishes


def test_rerun_rereads_refused_files_until_fixed_or_removed(batch):
    base, expected, before, _ = batch
    raw = base / "raw"
    again = _ingest(base)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert _state(base)[1].keys() == {r for r, e in expected.items() if e.outcome == "quarantined"}

    # the bureau fixes the reference: the return refused for another county's code now loads
    add_other_county_township(base / "reference")
    # a new return claiming 城关 2025Q1 with the loaded return's 填报日期: refused, naming it
    _twin_of_loaded(raw / FOLDER / "城关_2025Q1.xlsx", raw / FOLDER / "城关_迟到.xlsx")
    fixed = _ingest(base)
    assert fixed.returncode == 1
    loaded, open_ = _state(base)
    assert f"{FOLDER}/外县代码.xlsx" in loaded
    assert open_[f"{FOLDER}/城关_迟到.xlsx"][0] == "identity_conflict"
    assert "城关_2025Q1.xlsx" in open_[f"{FOLDER}/城关_迟到.xlsx"][4]

    for rel in open_:
        (raw / rel).unlink()
    done = _ingest(base)
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(base / "wh" / "civstat.build.duckdb"), read_only=True)
    resolutions = dict(con.execute(
        "SELECT file_path, resolution FROM raw.quarantine WHERE resolved_at IS NOT NULL").fetchall())
    con.close()
    assert resolutions[f"{FOLDER}/外县代码.xlsx"] == "loaded"
    assert resolutions[f"{FOLDER}/坏文件.xlsx"] == "withdrawn"
    assert not _state(base)[1]
    after = _shas(raw)
    assert {k: v for k, v in after.items() if k in before} == {k: v for k, v in before.items()
                                                              if k in after}


def _twin_of_loaded(src: Path, dst: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb["封面"]
    for row in ws.iter_rows():
        if row[0].value == "填报人":
            row[1].value = "另一人"
    wb.save(dst)


# -- units -------------------------------------------------------------------------------------
def test_refusal_pickles_with_where():
    exc = Refusal("bad_value", "中", "en", sheet="表1", row=5, column="人数")
    back = pickle.loads(pickle.dumps(exc))
    assert back.as_dict() == exc.as_dict()


def test_unexpected_reader_failure_is_that_files_refusal(tmp_path, monkeypatch):
    import civstat.ingest as ingest_module

    def boom(*_args, **_kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(ingest_module, "plan_return", boom)  # _parse_unit: plan, then finish
    (tmp_path / "a.xlsx").write_bytes(b"not a zip: the size checks pass it to the reader")
    status, payload, *_ = _parse_unit((tmp_path / "a.xlsx", "2025Q1"))
    assert status == "refused" and payload["code"] == "reader_error" and "KeyError" in payload["en"]


def test_limits_read_from_environment(monkeypatch):
    assert (MAX_FILE.bytes(), MAX_UNPACKED.bytes()) == (50 << 20, 200 << 20)
    monkeypatch.setenv("CIVSTAT_MAX_FILE_MB", "2")
    monkeypatch.setenv("CIVSTAT_MAX_UNPACKED_MB", "nonsense")
    assert (MAX_FILE.bytes(), MAX_UNPACKED.bytes()) == (2 << 20, 200 << 20)


@pytest.mark.parametrize("period", ["2025q1", "25Q1", "2025Q5"])
def test_bad_period_is_a_usage_error(tmp_path, period):
    (tmp_path / "raw" / "2025Q1").mkdir(parents=True)
    proc = _ingest(tmp_path, "--period", period)
    assert proc.returncode == 2 and "2025Q4" in proc.stdout


def test_period_without_folder_is_a_usage_error(tmp_path):
    (tmp_path / "raw" / "2025Q1").mkdir(parents=True)
    proc = _ingest(tmp_path, "--period", "2024Q4")
    assert proc.returncode == 2 and "2024Q4" in proc.stdout



def test_failed_batch_write_falls_back_to_one_file_at_a_time():
    import datetime as dt

    from civstat.ingest.store import Load, write_loads
    from civstat.raw_schema import create_raw_schema

    con = duckdb.connect()
    create_raw_schema(con)
    now = dt.datetime(2025, 4, 1)

    def load(name: str, sha: str, code: str | None) -> Load:
        return Load(name, sha, {
            "submission_id": sha[:16], "file_path": name, "file_sha256": sha, "file_format": "xlsx",
            "folder_period": "2025Q1", "period": "2025Q1", "year": 2025, "quarter": 1,
            "division_code": code, "file_mtime": now, "submitted_at": now, "ingested_at": now,
            "sheets_found": [], "is_current": True, "superseded_by": None})

    good, bad = load("2025Q1/a.xlsx", "a" * 64, "371599001000"), load("2025Q1/b.xlsx", "b" * 64, None)
    failed = write_loads(con, [good, bad])
    assert [(f.file, "NOT NULL" in error.upper()) for f, error in failed] == [("2025Q1/b.xlsx", True)]
    assert con.execute("SELECT file_path FROM raw.submissions").fetchall() == [("2025Q1/a.xlsx",)]
