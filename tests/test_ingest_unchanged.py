"""An ingest with nothing new does nothing: same drop zone, same reference CSVs, same reader →
the working copy is left untouched and the last outcome (files still quarantined, exit status)
is repeated; one changed byte anywhere reads everything again. Returns written cell by cell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
from handmade import (
    BAIMIAO,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    write_reference,
    write_xlsx,
)

EXE = Path(sys.executable).with_name("civstat")
UNCHANGED = "没有新的变化"


def _ingest(base: Path) -> subprocess.CompletedProcess:
    args = ["--raw", str(base / "raw"), "--reference", str(base / "reference"),
            "--warehouse", str(base / "wh" / "civstat.duckdb"), "--quarantine", str(base / "q")]
    return subprocess.run([str(EXE), "ingest", *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "COLUMNS": "200"})


def _working(base: Path) -> Path:
    return base / "wh" / "civstat.build.duckdb"


def _submissions(base: Path) -> int:
    con = duckdb.connect(str(_working(base)), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM raw.submissions").fetchone()[0]
    finally:
        con.close()


def test_an_ingest_with_nothing_new_leaves_the_working_copy_alone(tmp_path):
    write_reference(tmp_path / "reference")
    folder = tmp_path / "raw" / PERIOD
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())
    (folder / "坏文件.xlsx").write_text("不是工作簿", encoding="utf-8")

    first = _ingest(tmp_path)
    assert first.returncode == 1 and UNCHANGED not in first.stdout  # one file quarantined
    assert _submissions(tmp_path) == 1
    stamp = _working(tmp_path).stat().st_mtime_ns, _working(tmp_path).read_bytes()

    again = _ingest(tmp_path)
    assert UNCHANGED in again.stdout
    assert again.returncode == 1  # the same outcome: the bad file is still quarantined
    assert "坏文件.xlsx" in again.stdout
    assert (_working(tmp_path).stat().st_mtime_ns, _working(tmp_path).read_bytes()) == stamp

    # a new return: everything is read again and it loads
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    added = _ingest(tmp_path)
    assert UNCHANGED not in added.stdout and _submissions(tmp_path) == 2

    # the bad file removed: read again, and now nothing is quarantined (exit 0)
    (folder / "坏文件.xlsx").unlink()
    fixed = _ingest(tmp_path)
    assert UNCHANGED not in fixed.stdout and fixed.returncode == 0
    assert UNCHANGED in _ingest(tmp_path).stdout

    # one byte of the reference data changes: read again
    explanations = tmp_path / "reference" / "explanations.csv"
    explanations.write_text(explanations.read_text(encoding="utf-8") +
                            f"{MADIAN},{PERIOD},S1,本季度开展扩围专项行动\n", encoding="utf-8")
    assert UNCHANGED not in _ingest(tmp_path).stdout


def test_a_changed_return_with_the_same_name_and_size_is_read_again(tmp_path):
    write_reference(tmp_path / "reference")
    path = tmp_path / "raw" / PERIOD / "马店镇.xlsx"
    write_xlsx(path, cover_rows(), canonical_sheets())
    assert _ingest(tmp_path).returncode == 0
    mtime = path.stat().st_mtime_ns
    # the same file name, a corrected return (another 填报日期), the old modification time
    write_xlsx(path, cover_rows(fill_date="2024年10月9日"), canonical_sheets())
    os.utime(path, ns=(mtime, mtime))
    proc = _ingest(tmp_path)
    assert UNCHANGED not in proc.stdout and proc.returncode == 0
    assert _submissions(tmp_path) == 2  # the correction is on record beside the first
