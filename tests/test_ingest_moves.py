"""A loaded return's file moved into a subfolder or renamed inside its quarter's folder is the
same return: kept, its paths following the file, not refused as a duplicate of itself.

Before: the ingest said the old name had left the drop zone *and* refused the moved file as a
duplicate of it (quarantined, exit 1) — a bureau tidying its folders got a failed ingest. Returns
written cell by cell (tests/handmade.py); ``civstat ingest`` run as a process on a DuckDB file
on disk.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_civstat,
    write_csv_group,
    write_reference,
    write_xlsx,
)

civstat = run_civstat


def paths(root: Path) -> dict:
    """Per submission: its file_path, the source_file of its 表1 rows and of its findings."""
    con = duckdb.connect(str(root / "civstat.build.duckdb"), read_only=True)
    try:
        return {sid: (path, tables, found) for sid, path, tables, found in con.execute(
            "SELECT s.submission_id, s.file_path, "
            "(SELECT list(DISTINCT d.source_file) FROM raw.dibao d "
            " WHERE d.submission_id = s.submission_id), "
            "(SELECT list(DISTINCT f.source_file) FROM raw.findings f "
            " WHERE f.submission_id = s.submission_id) "
            "FROM raw.submissions s").fetchall()}
    finally:
        con.close()


def test_a_file_moved_into_a_subfolder_or_renamed_stays_the_return_it_was(tmp_path):
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(fill_date="8/10/2024"), canonical_sheets())  # a finding
    write_csv_group(folder, "白庙乡", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    write_reference(tmp_path / "reference")
    assert civstat(tmp_path, "ingest").returncode == 0
    before = paths(tmp_path)
    assert {p for p, *_ in before.values()} == {f"{PERIOD}/马店镇.xlsx", f"{PERIOD}/白庙乡"}

    (folder / "已审").mkdir()
    (folder / "马店镇.xlsx").rename(folder / "马店镇三季度.xlsx")
    for csv in folder.glob("白庙乡__*.csv"):  # (a CSV group's sha covers its files' names)
        shutil.move(csv, folder / "已审" / csv.name)
    proc = civstat(tmp_path, "ingest")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"{PERIOD}/马店镇.xlsx → {PERIOD}/马店镇三季度.xlsx(马店镇 {PERIOD})" in out
    assert f"{PERIOD}/白庙乡 → {PERIOD}/已审/白庙乡(白庙乡 {PERIOD})" in out
    assert "no longer in the drop zone" not in out and "隔离 / quarantined:" not in out, out
    assert "移动或改名 / moved" in out and "重复投递" not in out

    after = paths(tmp_path)
    assert set(after) == set(before)  # the same submissions, nothing read again
    moved = {f"{PERIOD}/马店镇.xlsx": f"{PERIOD}/马店镇三季度.xlsx",
             f"{PERIOD}/白庙乡": f"{PERIOD}/已审/白庙乡"}
    for sid, (path, tables, found) in before.items():
        new = moved[path]
        assert after[sid][0] == new and after[sid][1] == [new]
        assert after[sid][2] == ([new] if found else found)
    assert before[next(s for s in before if before[s][0].endswith("马店镇.xlsx"))][2]  # had one
    con = duckdb.connect(str(tmp_path / "civstat.build.duckdb"), read_only=True)
    try:
        assert sorted(con.execute("SELECT from_path, to_path FROM raw.file_moves").fetchall()) == \
            sorted(moved.items())
        assert con.execute("SELECT count(*) FROM raw.quarantine").fetchone() == (0,)
    finally:
        con.close()

    again = civstat(tmp_path, "ingest")  # unchanged drop zone: nothing to do
    assert again.returncode == 0 and "移动 / moved:" not in again.stdout

    # withdrawn by the name it was loaded under: where it lies now is said, and is the one
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/马店镇.xlsx", "--reason", "测试")
    assert proc.returncode == 2
    assert (f"{PERIOD}/马店镇.xlsx 仍在投递目录中(以 {PERIOD}/马店镇三季度.xlsx 的名字)"
            in proc.stdout + proc.stderr)
    (folder / "马店镇三季度.xlsx").unlink()
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/马店镇.xlsx", "--reason", "测试")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{PERIOD}/马店镇三季度.xlsx(马店镇 {PERIOD}):该季度已无现行报表" in proc.stdout


def test_a_copy_beside_the_file_another_quarter_or_a_withdrawn_file_is_no_move(tmp_path):
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    write_reference(tmp_path / "reference")
    assert civstat(tmp_path, "ingest").returncode == 0

    (folder / "备份").mkdir()
    shutil.copy2(folder / "马店镇.xlsx", folder / "备份" / "马店镇.xlsx")  # a copy: the original stays
    other = tmp_path / "raw" / "2024Q4"
    other.mkdir()
    shutil.move(folder / "白庙乡.xlsx", other / "白庙乡.xlsx")  # into the next quarter's folder
    proc = civstat(tmp_path, "ingest")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "移动 / moved:" not in out
    assert f"{PERIOD}/备份/马店镇.xlsx" in out and f"与已读取的文件 {PERIOD}/马店镇.xlsx 内容完全相同" in out
    assert f"{PERIOD}/白庙乡.xlsx(白庙乡 {PERIOD}):文件已不在投递目录" in out
    assert "2024Q4/白庙乡.xlsx" in out  # read as that folder's: its cover says 2024Q3 (refused)

    shutil.rmtree(folder / "备份")
    shutil.move(other / "白庙乡.xlsx", folder / "白庙乡.xlsx")
    assert civstat(tmp_path, "ingest").returncode == 0
    (tmp_path / "aside").mkdir()
    shutil.move(folder / "白庙乡.xlsx", tmp_path / "aside" / "白庙乡.xlsx")
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/白庙乡.xlsx", "--reason", "测试")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shutil.move(tmp_path / "aside" / "白庙乡.xlsx", folder / "白庙乡(新).xlsx")
    proc = civstat(tmp_path, "ingest")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "移动 / moved:" not in out, out
    assert f"与已撤回的文件 {PERIOD}/白庙乡.xlsx 内容完全相同" in out


def test_renaming_one_of_two_returns_sent_at_the_same_time_does_not_change_which_is_current(
        tmp_path):
    """Two returns of one township and quarter with no 填报日期 and the same file time: which is
    current was decided by file name, so renaming one (tidying the folder) could swap the
    published figures. Now by content, the same before and after a rename."""
    import os

    folder = raw_folder(tmp_path)
    first, second = canonical_sheets(), canonical_sheets()
    second["表1 最低生活保障"][1][2] += 1  # another urban 期末保障人数
    for name, sheets in (("马店镇甲.xlsx", first), ("马店镇乙.xlsx", second)):
        write_xlsx(folder / name, cover_rows(fill_date=None), sheets)
        os.utime(folder / name, (1_720_000_000, 1_720_000_000))
    write_reference(tmp_path / "reference")
    assert civstat(tmp_path, "ingest").returncode == 0

    def current() -> str:
        con = duckdb.connect(str(tmp_path / "civstat.build.duckdb"), read_only=True)
        try:
            return con.execute("SELECT submission_id FROM raw.submissions WHERE is_current"
                               ).fetchone()[0]
        finally:
            con.close()

    before = current()
    # each renamed in turn (so that one rename would flip it), with another township's return
    # loaded in the same run (current is worked out again)
    for name, (unit, code) in (("马店镇甲.xlsx", ("白庙乡", BAIMIAO)),
                               ("马店镇乙.xlsx", ("城关街道", CHENGGUAN))):
        (folder / name).rename(folder / f"0{name}")
        write_xlsx(folder / f"{unit}.xlsx", cover_rows(unit=unit, code=code), canonical_sheets())
        proc = civstat(tmp_path, "ingest")
        assert proc.returncode == 0 and "移动 / moved:" in proc.stdout, proc.stdout + proc.stderr
        assert current() == before
