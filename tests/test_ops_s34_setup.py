"""The machine around civstat, as an operator gets it wrong: a reference folder that is not
there, a disk that is full. Each is the set-up's, said in one line with exit 2 — not a batch of
refused returns (exit 1, and a first build that published an empty warehouse with exit 0), not
a traceback with exit 3. Real ``civstat`` processes on returns written cell by cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import civstat_env
from handmade import canonical_sheets, cover_rows, raw_folder, write_reference, write_xlsx

CIVSTAT = str(Path(sys.executable).with_name("civstat"))


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CIVSTAT, *args], env=civstat_env(root), capture_output=True,
                          text=True, check=False, timeout=300)


def test_a_missing_reference_folder_or_divisions_file_is_a_set_up_error(tmp_path):
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), canonical_sheets())
    run = _run(tmp_path, "ingest")  # no reference folder at all
    assert run.returncode == 2, run.stdout + run.stderr
    assert "参考数据目录不存在 / reference folder not found" in run.stdout
    assert str(tmp_path / "reference") in run.stdout and "Traceback" not in run.stderr
    assert not (tmp_path / "civstat.build.duckdb").exists()      # nothing staged
    assert not (tmp_path / "quarantine").exists()                 # no return refused

    (tmp_path / "reference").mkdir()  # a folder, but no divisions.csv
    run = _run(tmp_path, "ingest")
    assert run.returncode == 2 and "没有区划表 divisions.csv" in run.stdout, run.stdout

    write_reference(tmp_path / "reference")
    run = _run(tmp_path, "ingest")
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_full_disk_is_said_in_one_line_not_a_traceback(tmp_path):
    """/dev/full refuses every write with ENOSPC, as a full disk does (xlsxwriter raises its own
    error from it)."""
    run = _run(tmp_path, "template", "--out", "/dev/full")
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.strip() == ("错误 / error: 磁盘已满或为只读,无法写入 / the disk is full or "
                                  "read-only: [Errno 28] No space left on device")
