"""A refused return is recorded in raw.quarantine with the township it belongs to, as far as the
ingest can tell: its cover's when the reader got that far (division_source 'cover'), else the
township its file's name names ('file_name'), else none. The report reads that column to say a
return was sent but refused (no longer by matching file names against township names itself).

Before: raw.quarantine had no division_code / division_source (every query below failed), and the
report attributed a refused file to a township by its file's name alone — 三季度报表.xlsx, whose
cover says 白庙乡, to nobody. Returns written cell by cell (tests/handmade.py), ingested into a
DuckDB file on disk."""

from __future__ import annotations

import duckdb
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_ingest,
    write_cells,
    write_reference,
    write_xlsx,
)

from civstat.ingest import ingest

DIBAO = "表1 最低生活保障"


def _without_persons() -> dict:
    """The canonical sheets with 表1's 期末保障人数 column left out (a required column)."""
    sheets = canonical_sheets()
    col = sheets[DIBAO][0].index("期末保障人数")
    sheets[DIBAO] = [row[:col] + row[col + 1:] for row in sheets[DIBAO]]
    return sheets


def _told(con) -> dict[str, tuple]:
    rows = con.execute("SELECT file_path, reason_code, division_code, division_source "
                       "FROM raw.quarantine ORDER BY file_path").fetchall()
    return {path: tuple(rest) for path, *rest in rows}


def test_refused_returns_carry_their_township(tmp_path):
    folder = raw_folder(tmp_path)
    # the cover read, a required column missing: the cover's 白庙乡 (the name says nothing)
    write_xlsx(folder / "三季度报表.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), _without_persons())
    # the cover read, its 报告期 another quarter than the folder's: the cover's 城关街道
    cover = [row if row[0] != "报告期" else ["报告期", "2024年第2季度"]
             for row in cover_rows(unit="城关街道", code=CHENGGUAN)]
    write_xlsx(folder / "报表(更正).xlsx", cover, canonical_sheets())
    # a neighbour's return copied, cover left as 马店镇: refused for its name, told by its cover
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(), canonical_sheets())
    # no cover at all: the file's name says 城关街道
    write_cells(folder / "城关街道三季度.xlsx", dict(canonical_sheets()))
    # a cover naming no known township: the file's name says 马店镇
    write_xlsx(folder / "马店镇报表.xlsx", cover_rows(unit="新华乡", code=None), canonical_sheets())
    # no cover, a name naming no township: not told
    write_cells(folder / "季报.xlsx", dict(canonical_sheets(), 说明=[["无"]]))
    con, _ = run_ingest(tmp_path)
    q = f"{PERIOD}/"
    assert _told(con) == {
        q + "三季度报表.xlsx": ("missing_column", BAIMIAO, "cover"),
        q + "报表(更正).xlsx": ("period_mismatch", CHENGGUAN, "cover"),
        q + "白庙乡.xlsx": ("identity_conflict", MADIAN, "cover"),
        q + "城关街道三季度.xlsx": ("no_cover", CHENGGUAN, "file_name"),
        q + "马店镇报表.xlsx": ("unknown_township", MADIAN, "file_name"),
        q + "季报.xlsx": ("no_cover", None, None),
    }


def test_a_name_inside_a_longer_one_is_not_a_second_township(tmp_path):
    """Townships 城关镇 and 东城关镇: a file 东城关镇.xlsx names 东城关镇 alone, though 城关镇 is in
    its name too; 城关镇.xlsx names 城关镇."""
    towns = [("371599001000", "城关镇", "城关", "镇"), ("371599002000", "东城关镇", "东城关", "镇")]
    write_cells(raw_folder(tmp_path) / "东城关镇.xlsx", dict(canonical_sheets()))
    write_cells(raw_folder(tmp_path) / "城关镇.xlsx", dict(canonical_sheets(), 说明=[["无"]]))
    ref = write_reference(tmp_path / "reference", towns=towns)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
    assert _told(con) == {f"{PERIOD}/东城关镇.xlsx": ("no_cover", "371599002000", "file_name"),
                          f"{PERIOD}/城关镇.xlsx": ("no_cover", "371599001000", "file_name")}


def test_an_existing_warehouse_gains_the_columns(tmp_path):
    """A working copy written before: raw.quarantine without the two columns and one refusal in
    it. The next ingest adds them (its old row has none) and fills them for the new refusal, with
    their Chinese comments."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    con.execute("CREATE SCHEMA raw")
    con.execute("""CREATE TABLE raw.quarantine (
        file_path VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL, folder_period VARCHAR,
        sheet VARCHAR, "row" INTEGER, "column" VARCHAR, reason_code VARCHAR NOT NULL,
        message_zh VARCHAR NOT NULL, message_en VARCHAR NOT NULL, quarantined_at TIMESTAMP NOT NULL,
        quarantine_copy VARCHAR, resolved_at TIMESTAMP, resolution VARCHAR,
        PRIMARY KEY (file_path, file_sha256))""")
    con.execute("INSERT INTO raw.quarantine VALUES ('2024Q2/旧.xlsx', 'abc', '2024Q2', NULL, NULL, "
                "NULL, 'no_cover', '旧', 'old', TIMESTAMP '2024-07-01 00:00:00', NULL, NULL, NULL)")
    con.close()
    write_xlsx(raw_folder(tmp_path) / "三季度报表.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               _without_persons())
    con, _ = run_ingest(tmp_path)
    told = _told(con)
    assert told["2024Q2/旧.xlsx"] == ("no_cover", None, None)
    assert told[f"{PERIOD}/三季度报表.xlsx"] == ("missing_column", BAIMIAO, "cover")
    comments = dict(con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'raw' "
        "AND table_name = 'quarantine' AND column_name LIKE 'division_%'").fetchall())
    assert comments["division_code"].startswith("统计用区划代码")
    assert comments["division_source"].startswith("区划代码的来源")


def test_report_says_refused_by_the_recorded_township(tmp_path):
    """The report's refused_returns: 三季度报表.xlsx (cover 白庙乡) is 白庙乡's 2024Q3; 白庙乡.xlsx
    (cover 马店镇, refused as a copied neighbour's return) is 马店镇's, as its cover says."""
    from civstat.report.data import MartReader

    folder = raw_folder(tmp_path)
    write_xlsx(folder / "三季度报表.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), _without_persons())
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(), canonical_sheets())
    con, _ = run_ingest(tmp_path)
    # the published warehouse's dim_division, as the report read it before
    con.execute("CREATE TABLE dim_division AS SELECT division_code, name AS division_name, "
                "level AS division_level FROM ref.divisions")
    reader = MartReader(con)
    assert reader.refused_returns(2024, [MADIAN, BAIMIAO, CHENGGUAN]) == {(BAIMIAO, 3), (MADIAN, 3)}
    assert reader.refused_returns(2024, [CHENGGUAN]) == set()
    assert reader.refused_returns(2023, [MADIAN, BAIMIAO]) == set()


def test_a_return_refused_past_its_cover_is_its_covers(tmp_path):
    """Refused by a check on the workbook's XML after the cover was read (a hidden row of
    figures in 表1), in a file whose name names no township: told by its cover (白庙乡). Before,
    such a refusal carried no cover, and the file was attributed to nobody."""
    import openpyxl

    path = write_xlsx(raw_folder(tmp_path) / "三季度.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
                      canonical_sheets())
    book = openpyxl.load_workbook(path)
    book[DIBAO].row_dimensions[3].hidden = True  # 农村低保, figures and all
    book.save(path)
    con, _ = run_ingest(tmp_path)
    assert _told(con) == {f"{PERIOD}/三季度.xlsx": ("hidden_row", BAIMIAO, "cover")}
