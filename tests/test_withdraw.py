"""``civstat withdraw``: a return loaded by mistake is withdrawn by name, with a reason, once its
file has left the drop zone; the township's earlier return of the quarter is current again, or
none is (and the report says 报表已撤回, not 未报送); the same file dropped again is restored.

Before: a return could not be withdrawn at all — deleting its file left its figures in every
build (said at each ingest, but nothing could be done short of a corrected return). Returns
written cell by cell (tests/handmade.py); ``civstat`` run as a process on a DuckDB file on disk.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import duckdb
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_civstat,
    write_csv_group,
    write_reference,
    write_xlsx,
)

from civstat.quality import evaluate
from civstat.report.data import MartReader

FIRST, CORRECTION = f"{PERIOD}/马店镇.xlsx", f"{PERIOD}/马店镇(更正).xlsx"


civstat = run_civstat


def county(root: Path) -> None:
    """马店镇's 2024Q3 return (填报日期 10月8日) and its correction (10月12日, 城市低保 persons
    210 for 200), 白庙乡's return; ingested."""
    folder = raw_folder(root)
    sheets = canonical_sheets()
    write_xlsx(folder / "马店镇.xlsx", cover_rows(fill_date="2024年10月8日"), sheets)
    corrected = canonical_sheets()
    corrected["表1 最低生活保障"][1][2] += 10
    write_xlsx(folder / "马店镇(更正).xlsx", cover_rows(fill_date="2024年10月12日"), corrected)
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), sheets)
    write_reference(root / "reference")
    proc = civstat(root, "ingest")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def current(root: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(root / "civstat.build.duckdb"), read_only=True)
    try:
        return {f: (cur, sup) for f, cur, sup in con.execute(
            "SELECT s.file_path, s.is_current, o.file_path FROM raw.submissions s "
            "LEFT JOIN raw.submissions o ON o.submission_id = s.superseded_by").fetchall()}
    finally:
        con.close()


def urban_persons(root: Path) -> int:
    con = duckdb.connect(str(root / "civstat.build.duckdb"), read_only=True)
    try:
        return con.execute("SELECT d.persons FROM raw.dibao d JOIN raw.submissions s "
                           "USING (submission_id) WHERE s.is_current AND s.division_code = ? "
                           "AND d.category = 'urban'", [MADIAN]).fetchone()[0]
    finally:
        con.close()


def test_a_withdrawn_correction_gives_the_quarter_back_to_the_first_return(tmp_path):
    county(tmp_path)
    assert current(tmp_path)[CORRECTION] == (True, None)
    assert urban_persons(tmp_path) == canonical_sheets()["表1 最低生活保障"][1][2] + 10

    # still in the drop zone: refused, nothing written
    proc = civstat(tmp_path, "withdraw", CORRECTION, "--reason", "乡镇来电:更正表填错了")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{CORRECTION} 仍在投递目录中" in proc.stdout + proc.stderr
    assert current(tmp_path)[CORRECTION] == (True, None)

    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(tmp_path / "raw" / CORRECTION, moved / "马店镇(更正).xlsx")
    # a reason is required; a file never loaded is named
    assert civstat(tmp_path, "withdraw", CORRECTION, "--reason", " ").returncode == 2
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/马店.xlsx", "--reason", "错投")
    assert proc.returncode == 2 and f"仓库中没有读取过 {PERIOD}/马店.xlsx" in proc.stdout + proc.stderr

    # named as a path under the drop zone, as a clerk would type it
    proc = civstat(tmp_path, "withdraw", str(tmp_path / "raw" / CORRECTION), "--reason",
                   "乡镇来电:更正表填错了")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"已撤回 / withdrawn: {CORRECTION}(马店镇 {PERIOD}):现行报表改为 {FIRST}" in proc.stdout
    assert current(tmp_path)[FIRST] == (True, None)
    assert current(tmp_path)[CORRECTION] == (False, None)   # withdrawn, not superseded
    assert urban_persons(tmp_path) == canonical_sheets()["表1 最低生活保障"][1][2]
    con = duckdb.connect(str(tmp_path / "civstat.build.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT file_path, division_code, period, reason, restored_at "
                           "FROM raw.withdrawals").fetchall() == [
            (CORRECTION, MADIAN, PERIOD, "乡镇来电:更正表填错了", None)]
    finally:
        con.close()

    # built and published: the marts hold the first return's figures, the audit mart the withdrawal
    proc = civstat(tmp_path, "build")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr   # 1: the county's other townships' H12
    con = duckdb.connect(str(tmp_path / "civstat.duckdb"), read_only=True)
    try:
        assert con.execute(
            "SELECT persons FROM fct_recipients WHERE division_code = ? AND period = ? "
            "AND programme_code = 'dibao' AND category = 'urban'", [MADIAN, PERIOD]).fetchall() == [
            (canonical_sheets()["表1 最低生活保障"][1][2],)]
        assert con.execute(
            "SELECT file_path, superseded_by, current_file_path, withdrawal_reason "
            "FROM audit_superseded_submissions WHERE division_code = ?", [MADIAN]).fetchall() == [
            (CORRECTION, None, FIRST, "乡镇来电:更正表填错了")]
    finally:
        con.close()

    # again: said, nothing changes; an ingest keeps the withdrawal
    proc = civstat(tmp_path, "withdraw", CORRECTION, "--reason", "再次")
    assert proc.returncode == 0 and "已撤回过" in proc.stdout
    assert civstat(tmp_path, "ingest").returncode == 0
    assert current(tmp_path)[CORRECTION] == (False, None)

    # the same file dropped again is sent again: restored, and said
    shutil.move(moved / "马店镇(更正).xlsx", tmp_path / "raw" / CORRECTION)
    proc = civstat(tmp_path, "ingest")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"恢复 / restored: {CORRECTION}(马店镇 {PERIOD}):撤回后又放回投递目录" in proc.stdout
    assert current(tmp_path)[CORRECTION] == (True, None)
    assert current(tmp_path)[FIRST] == (False, CORRECTION)


def test_withdrawing_a_townships_only_return_leaves_the_quarter_unsent_and_says_why(tmp_path):
    county(tmp_path)
    (tmp_path / "raw" / PERIOD / "白庙乡.xlsx").unlink()
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/白庙乡.xlsx", "--reason", "不是本季度的报表")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "该季度已无现行报表,按未报送处理" in proc.stdout
    assert current(tmp_path)[f"{PERIOD}/白庙乡.xlsx"] == (False, None)
    # the gate and the report's footnotes say the return was withdrawn, not that it was never sent
    con = duckdb.connect(str(tmp_path / "civstat.build.duckdb"))
    try:
        found = evaluate(con, rules=["H12"], periods=[PERIOD]).violations
        (v,) = [v for v in found if v.division_code == BAIMIAO]
        assert (v.period, v.source_file) == (PERIOD, f"{PERIOD}/白庙乡.xlsx")
        # 城关街道 sent nothing: 缺报, as before
        assert [v.message_zh for v in found if v.division_code == CHENGGUAN] == [
            f"城关街道{PERIOD}:缺报:城关街道 本季度没有报表"]
        assert v.message_zh == (f"白庙乡{PERIOD}:报表已撤回:白庙乡 本季度的报表已撤回({PERIOD}/白庙乡.xlsx:"
                                "不是本季度的报表),本季度没有现行报表")
        reader = MartReader(con)
        assert reader.withdrawn_returns(2024, [MADIAN, BAIMIAO]) == {(BAIMIAO, 3)}
        assert reader.withdrawn_returns(2023, [MADIAN, BAIMIAO]) == set()
        assert reader.refused_returns(2024, [BAIMIAO]) == set()
    finally:
        con.close()


def test_a_quarter_whose_every_return_is_withdrawn_leaves_the_marts(tmp_path):
    """Built, then every return of the quarter withdrawn and built again (incrementally): its rows
    leave every period-keyed mart. Before, the quarter had no fingerprint left (only quarters with
    a current return had one), so it was never rebuilt and its withdrawn figures stayed published."""
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), canonical_sheets())
    write_reference(tmp_path / "reference")
    assert civstat(tmp_path, "ingest").returncode == 0
    assert civstat(tmp_path, "build").returncode in (0, 1)

    def rows() -> list[int]:
        con = duckdb.connect(str(tmp_path / "civstat.duckdb"), read_only=True)
        try:
            return [con.execute(f"SELECT count(*) FROM {mart} WHERE period = ?", [PERIOD]).fetchone()[0]
                    for mart in ("fct_recipients", "fct_funds", "fct_measures", "kpi_quarterly")]
        finally:
            con.close()

    assert all(rows())
    (tmp_path / "raw" / FIRST).unlink()
    assert civstat(tmp_path, "withdraw", FIRST, "--reason", "测试文件误投").returncode == 0
    proc = civstat(tmp_path, "build")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "增量构建" in proc.stdout
    assert rows() == [0, 0, 0, 0]


def test_returns_are_named_as_a_clerk_types_them_and_their_bytes_must_be_gone(tmp_path):
    """A CSV group by one of its files, a name copied from a Mac (NFD) typed in NFC, a submission
    id in capitals; refused while the same bytes lie in the drop zone under another name, or when
    --raw names no folder (every file would seem gone); an original already replaced is said to
    stay replaced."""
    county(tmp_path)
    folder = raw_folder(tmp_path)
    write_csv_group(folder, "城关街道", cover_rows(unit="城关街道", code=CHENGGUAN), canonical_sheets())
    nfd = unicodedata.normalize("NFD", "白庙乡-révisé.xlsx")
    q4 = tmp_path / "raw" / "2024Q4"  # a Mac's copy of the same file, renamed, in another quarter
    q4.mkdir()
    shutil.move(folder / "白庙乡.xlsx", q4 / nfd)
    # 城关街道's Q2 return, its name written on a Mac (NFD)
    q2 = [row if row[0] != "报告期" else ["报告期", "2024年第2季度"]
          for row in cover_rows(unit="城关街道", code=CHENGGUAN, fill_date="2024年7月8日")]
    q2_name = unicodedata.normalize("NFD", "城关街道-révisé.xlsx")
    write_xlsx(tmp_path / "raw" / "2024Q2" / q2_name, q2, canonical_sheets())
    assert civstat(tmp_path, "ingest").returncode == 1   # the renamed copy: a duplicate, refused
    moved = tmp_path / "moved"
    moved.mkdir()

    # the same bytes under another name are still there
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/白庙乡.xlsx", "--reason", "错投")
    assert proc.returncode == 2
    assert f"{PERIOD}/白庙乡.xlsx 仍在投递目录中(以 2024Q4/白庙乡-révisé.xlsx 的名字)" in proc.stdout + proc.stderr
    shutil.move(q4 / nfd, moved / nfd)
    # a drop zone that is not there is not an empty one
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/白庙乡.xlsx", "--reason", "错投",
                   "--raw", str(tmp_path / "Raw"))
    assert proc.returncode == 2 and "投递目录不存在" in proc.stdout + proc.stderr

    for f in folder.glob("城关街道__*.csv"):
        shutil.move(f, moved / f.name)
    (folder / "马店镇.xlsx").unlink()
    (tmp_path / "raw" / "2024Q2" / q2_name).unlink()
    con = duckdb.connect(str(tmp_path / "civstat.build.duckdb"), read_only=True)
    try:
        (sid,) = con.execute("SELECT submission_id FROM raw.submissions WHERE file_path = ?",
                             [f"{PERIOD}/白庙乡.xlsx"]).fetchone()
    finally:
        con.close()
    proc = civstat(tmp_path, "withdraw", f"{PERIOD}/城关街道__封面.csv", sid.upper(), FIRST,
                   "2024Q2/城关街道-révisé.xlsx", "--reason", "错投")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{PERIOD}/城关街道(城关街道 {PERIOD}):该季度已无现行报表" in proc.stdout
    assert f"{PERIOD}/白庙乡.xlsx(白庙乡 {PERIOD}):该季度已无现行报表" in proc.stdout
    assert f"{FIRST}(马店镇 {PERIOD}):原已被替代,现行报表仍为 {CORRECTION}" in proc.stdout
    assert f"2024Q2/{q2_name}(城关街道 2024Q2):该季度已无现行报表" in proc.stdout
    assert {f: c for f, (c, _) in current(tmp_path).items()} == {
        f"{PERIOD}/城关街道": False, f"{PERIOD}/白庙乡.xlsx": False, FIRST: False, CORRECTION: True,
        f"2024Q2/{q2_name}": False}

    # its bytes under another name while it is withdrawn: refused, saying how to restore it
    shutil.copy(moved / nfd, folder / "白庙乡(副本).xlsx")
    assert civstat(tmp_path, "ingest").returncode == 1
    con = duckdb.connect(str(tmp_path / "civstat.build.duckdb"), read_only=True)
    try:
        message = (f"与已撤回的文件 {PERIOD}/白庙乡.xlsx 内容完全相同:"
                   f"如要恢复该报表,请以原名 {PERIOD}/白庙乡.xlsx 放回投递目录")
        assert con.execute("SELECT message_zh FROM raw.quarantine WHERE file_path = ? AND "
                           "resolved_at IS NULL", [f"{PERIOD}/白庙乡(副本).xlsx"]).fetchall() == [
            (f"{PERIOD}/白庙乡(副本).xlsx:{message}",)]
    finally:
        con.close()
