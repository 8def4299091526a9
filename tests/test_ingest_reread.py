"""Returns loaded by an older reader are said to be so, and ``civstat ingest --reread`` reads them
again: what reads the same only gets the new reader's version, what reads differently is replaced
with every difference listed and kept, what the newer reader refuses leaves the raw layer and is
quarantined — and the next build publishes what was read again.

Before: a file was read once (skipped by path and bytes), so a return loaded before a reader fix
kept the older reader's figures (a 2009 rural standard of 960元/人·年 stored as 元/人·月) with
nothing saying so. An older reader is stood in for by the raw rows it wrote: the test writes the
figures it made of the cells and an older ``reader_version`` into the warehouse on disk. Returns
written cell by cell (tests/handmade.py); ``civstat`` run as a process.
"""

from __future__ import annotations

import duckdb
from handmade import (
    BAIMIAO,
    DIBAO,
    DIBAO_COLUMNS,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    quarter_cover,
    quarter_sheets,
    raw_folder,
    run_civstat,
    write_csv_group,
    write_reference,
    write_xlsx,
)

from civstat.ingest.inputs import reader_fingerprint

WORKING = "civstat.build.duckdb"


def _older_reader(root, file: str, *, standard: float | None = None, finding: bool = False) -> None:
    """Make ``file``'s loaded return look as an older reader left it: its version, and (when
    given) the urban 低保 standard it read, or a finding it recorded."""
    con = duckdb.connect(str(root / WORKING))
    try:
        sid = con.execute("SELECT submission_id FROM raw.submissions WHERE file_path = ?",
                          [file]).fetchone()[0]
        con.execute("UPDATE raw.submissions SET reader_version = 'older0000000' "
                    "WHERE submission_id = ?", [sid])
        if standard is not None:  # and the rural standard's unit, decided by its size
            con.execute("UPDATE raw.dibao SET standard = ? WHERE submission_id = ? "
                        "AND category = 'urban'", [standard, sid])
            con.execute("UPDATE raw.dibao SET standard_period = 'year', standard_unit_source = "
                        "'magnitude' WHERE submission_id = ? AND category = 'rural'", [sid])
        if finding:
            con.execute("INSERT INTO raw.findings SELECT ?, 99, division_code, period, file_path, "
                        "'unit_inferred', '表1 最低生活保障', 3, '保障标准', '旧版提示', 'old finding', "
                        "ingested_at FROM raw.submissions WHERE submission_id = ?", [sid, sid])
    finally:
        con.close()


def _query(root, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(root / WORKING), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _two_returns(tmp_path):
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    write_reference(tmp_path / "reference")
    assert run_civstat(tmp_path, "ingest").returncode == 0


def test_an_older_readers_returns_are_named_then_read_again_with_every_difference_kept(tmp_path):
    _two_returns(tmp_path)
    ingested = dict(_query(tmp_path, "SELECT file_path, ingested_at FROM raw.submissions"))
    assert {v for (v,) in _query(tmp_path, "SELECT reader_version FROM raw.submissions")} == {
        reader_fingerprint()}
    _older_reader(tmp_path, "2024Q3/马店镇.xlsx", standard=9600.0, finding=True)
    _older_reader(tmp_path, "2024Q3/白庙乡.xlsx")  # read the same then as now

    # without --reread: said, nothing changed
    proc = run_civstat(tmp_path, "ingest")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "2 份已读取的报表(2024Q3)是旧版读取程序读取的" in out and "--reread" in out
    assert _query(tmp_path, "SELECT standard FROM raw.dibao d JOIN raw.submissions s USING "
                  "(submission_id) WHERE s.file_path = '2024Q3/马店镇.xlsx' AND category = 'urban'"
                  ) == [(9600.0,)]

    proc = run_civstat(tmp_path, "ingest", "--reread")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert ("重新读取 / reread: 2024Q3/马店镇.xlsx(2024Q3):4 处不同 / 4 differences:"
            "表1 最低生活保障 第2行 保障标准:9600 → 800") in out
    assert "重新读取 / reread: 2024Q3/白庙乡.xlsx(2024Q3):结果相同" in out
    assert "旧版读取程序读取" not in out

    # the rows are what the cells say; the submission keeps its id
    urban = DIBAO["urban"][DIBAO_COLUMNS.index("standard")]
    assert _query(tmp_path, "SELECT d.standard, s.submission_id = substr(s.file_sha256, 1, 16) "
                  "FROM raw.dibao d JOIN raw.submissions s USING (submission_id) "
                  "WHERE s.file_path = '2024Q3/马店镇.xlsx' AND category = 'urban'"
                  ) == [(urban, True)]
    assert _query(tmp_path, "SELECT count(*) FROM raw.findings WHERE message_zh = '旧版提示'"
                  ) == [(0,)]
    rows = _query(tmp_path, "SELECT file_path, reader_before, reader_after, outcome, changes, "
                  "detail FROM raw.rereads ORDER BY file_path")
    assert [r[:5] for r in rows] == [
        ("2024Q3/白庙乡.xlsx", "older0000000", reader_fingerprint(), "unchanged", 0),
        ("2024Q3/马店镇.xlsx", "older0000000", reader_fingerprint(), "changed", 4)]
    assert rows[1][5].splitlines() == ["表1 最低生活保障 第2行 保障标准:9600 → 800",
                                       "表1 最低生活保障 第3行 保障标准(按月/按年):year → month",
                                       "表1 最低生活保障 第3行 保障标准(单位依据):magnitude → header",
                                       "不再提示 / finding gone:旧版提示"]
    assert _query(tmp_path, "SELECT standard_period, standard_unit_source FROM raw.dibao "
                  "WHERE division_code = ? AND category = 'rural'", [MADIAN]) == [("month", "header")]
    after = dict(_query(tmp_path, "SELECT file_path, ingested_at FROM raw.submissions"))
    assert after["2024Q3/白庙乡.xlsx"] == ingested["2024Q3/白庙乡.xlsx"]  # nothing rewritten
    assert after["2024Q3/马店镇.xlsx"] > ingested["2024Q3/马店镇.xlsx"]  # the marts see it
    assert {v for (v,) in _query(tmp_path, "SELECT reader_version FROM raw.submissions")} == {
        reader_fingerprint()}

    again = run_civstat(tmp_path, "ingest", "--reread")
    assert again.returncode == 0 and "重新读取 / reread:" not in again.stdout


def test_a_return_the_newer_reader_refuses_leaves_the_raw_layer_and_is_quarantined(
        tmp_path, monkeypatch):
    _two_returns(tmp_path)
    _older_reader(tmp_path, "2024Q3/白庙乡.xlsx")
    # what the newer reading refuses: here, a sheet over the cell limit the bureau set since
    monkeypatch.setenv("CIVSTAT_MAX_SHEET_CELLS", "20")

    proc = run_civstat(tmp_path, "ingest", "--reread")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "重新读取 / reread: 2024Q3/白庙乡.xlsx(2024Q3):现在被拒收 / now refused" in out
    assert "隔离 / quarantined:" in out and "2024Q3/白庙乡.xlsx" in out
    assert _query(tmp_path, "SELECT file_path FROM raw.submissions") == [("2024Q3/马店镇.xlsx",)]
    assert _query(tmp_path, "SELECT count(*) FROM raw.dibao WHERE division_code = ?",
                  [BAIMIAO]) == [(0,)]
    assert _query(tmp_path, "SELECT file_path, resolved_at IS NULL FROM raw.quarantine"
                  ) == [("2024Q3/白庙乡.xlsx", True)]
    (outcome, detail), = _query(tmp_path, "SELECT outcome, detail FROM raw.rereads")
    assert outcome == "refused" and "2024Q3/白庙乡.xlsx" in detail
    assert (tmp_path / "raw" / "2024Q3" / "白庙乡.xlsx").is_file()  # the raw file is untouched


def test_the_next_build_publishes_what_was_read_again(tmp_path):
    """Built with an older reader's figure, read again, built incrementally: the published marts
    hold the figure the cells say (the reread changed the quarter's fingerprint: ingested_at)."""
    _two_returns(tmp_path)
    _older_reader(tmp_path, "2024Q3/马店镇.xlsx")
    con = duckdb.connect(str(tmp_path / WORKING))
    try:  # what the older reader made of 表1's urban 期末保障人数
        con.execute("UPDATE raw.dibao SET persons = 2100 WHERE category = 'urban' "
                    "AND division_code = ?", [MADIAN])
    finally:
        con.close()

    def published() -> list[tuple]:
        con = duckdb.connect(str(tmp_path / "civstat.duckdb"), read_only=True)
        try:
            return con.execute(
                "SELECT persons FROM fct_recipients WHERE division_code = ? AND period = ? "
                "AND programme_code = 'dibao' AND category = 'urban'", [MADIAN, PERIOD]).fetchall()
        finally:
            con.close()

    proc = run_civstat(tmp_path, "build")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1: 城关街道 sent nothing (H12)
    assert published() == [(2100,)]
    proc = run_civstat(tmp_path, "ingest", "--reread")
    assert "期末保障人数:2100 → 210" in proc.stdout, proc.stdout + proc.stderr
    proc = run_civstat(tmp_path, "build")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "增量构建" in proc.stdout
    assert published() == [(DIBAO["urban"][DIBAO_COLUMNS.index("persons")],)]


def test_dagster_reads_again_when_asked_and_says_what_an_older_reader_read(tmp_path):
    """The raw layer's asset: the older reader's returns in its metadata; run with
    ``reread: true`` it reads them again and lists the differences."""
    import dagster as dg

    from civstat.dbtrun import prepare_manifest
    from civstat.definitions import defs
    from civstat.defs.resources import WarehouseResource

    _two_returns(tmp_path)
    _older_reader(tmp_path, "2024Q3/马店镇.xlsx", standard=9600.0)
    prepare_manifest()
    job = defs().resolve_job_def("ingest_quarter")
    resources = {"warehouse": WarehouseResource(path=str(tmp_path / "civstat.duckdb"),
                                                raw_dir=str(tmp_path / "raw"),
                                                reference_dir=str(tmp_path / "reference"))}

    def run(config: dict | None = None) -> dict:
        with dg.instance_for_test() as instance:
            instance.add_dynamic_partitions("quarter", [PERIOD])
            result = job.execute_in_process(partition_key=PERIOD, instance=instance,
                                            resources=resources, run_config=config)
        assert result.success
        (event,) = [e for e in result.get_asset_materialization_events()
                    if e.asset_key == dg.AssetKey(["raw", "submissions"])]
        return {k: v.value for k, v in event.materialization.metadata.items()}

    meta = run()
    assert "1 份已读取的报表(2024Q3)是旧版读取程序读取的" in meta["read_by_older_reader"]
    assert meta["reread"] == 0
    meta = run({"ops": {"raw_returns": {"config": {"reread": True}}}})
    assert meta["reread"] == 1 and meta["read_by_older_reader"] == "无"
    assert "表1 最低生活保障 第2行 保障标准:9600 → 800" in meta["reread_files"]


def test_only_the_folders_asked_for_are_read_again_and_a_moved_file_by_its_new_name(tmp_path):
    """A CSV group reads again like a workbook; ``--period`` limits the reread to its folders;
    a file moved in the same run is named by its new name and read again on the next one."""
    folder = raw_folder(tmp_path)
    write_csv_group(folder, "白庙乡", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())
    write_xlsx(tmp_path / "raw" / "2024Q2" / "马店镇.xlsx", quarter_cover("马店镇", MADIAN, "2024Q2"),
               quarter_sheets("2024Q2"))
    write_reference(tmp_path / "reference")
    assert run_civstat(tmp_path, "ingest").returncode == 0
    for file in (f"{PERIOD}/白庙乡", f"{PERIOD}/马店镇.xlsx", "2024Q2/马店镇.xlsx"):
        _older_reader(tmp_path, file, standard=1.0 if file.endswith("白庙乡") else None)
    (folder / "马店镇.xlsx").rename(folder / "马店镇三季度.xlsx")

    proc = run_civstat(tmp_path, "ingest", "--reread", "--period", PERIOD)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"重新读取 / reread: {PERIOD}/白庙乡({PERIOD}):" in out and "保障标准:1 → 800" in out
    assert f"1 份已读取的报表({PERIOD})是旧版读取程序读取的" in out  # moved: by its new name
    assert "2024Q2" not in out
    proc = run_civstat(tmp_path, "ingest", "--reread")
    assert proc.returncode == 0
    assert [line for line in proc.stdout.splitlines() if "重新读取 / reread:" in line] == [
        "重新读取 / reread: 2024Q2/马店镇.xlsx(2024Q2):结果相同 / same",
        f"重新读取 / reread: {PERIOD}/马店镇三季度.xlsx({PERIOD}):结果相同 / same"]
    assert _query(tmp_path, "SELECT DISTINCT standard FROM raw.dibao WHERE division_code = ? "
                  "AND category = 'urban'", [BAIMIAO]) == [(DIBAO["urban"][-1],)]
