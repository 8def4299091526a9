"""A table's title naming another township than the cover's — returns written cell by cell here
(openpyxl, xlwt, csv), never by civstat's template or generator.

A clerk of 马店镇 is sent 白庙乡's workbook as a template (the neighbour's, figures and all),
types 马店镇 on the cover and perhaps not every figure: the table's title still reads
白庙乡2024年第三季度…. Before, the return loaded whole as 马店镇's, the neighbour's figures with
it, without a word. Now it is refused (``identity_conflict``, as a file named 白庙乡.xlsx with
马店镇 on the cover is), naming the sheet, the title's row and its cell. A title naming the
cover's township, none, the county, or a township the cover's merged into, reads.
"""

from __future__ import annotations

import duckdb
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    COUNTY,
    DIBAO,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_csv_group,
    write_history,
    write_xls,
    write_xlsx,
)

from civstat.ingest import ingest

SHEET = "表1 最低生活保障"


def _titled(title: str, lead: int = 0) -> dict:
    sheets = canonical_sheets()
    sheets[SHEET] = [[None] * lead + [title], [None] * lead + ["单位:户、人、元"],
                     *[[None] * lead + row for row in sheets[SHEET]]]
    return sheets


def _persons(con) -> dict[str, int]:
    return dict(con.execute("SELECT category, persons FROM raw.dibao").fetchall())


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_a_table_titled_for_a_neighbour_is_refused_naming_its_cell(tmp_path, fmt):
    title = "白庙乡2024年第三季度民政统计季报——最低生活保障"
    sheets = _titled(title)
    if fmt == "xlsx":
        write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)
    elif fmt == "xls":
        write_xls(raw_folder(tmp_path) / "马店镇.xls", {"封面": cover_rows(), **sheets})
    else:
        write_csv_group(raw_folder(tmp_path), "马店镇", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert len(refused) == 1 and not result.loaded
    _, code, sheet, row, column, message = refused[0]
    assert (code, sheet, row, column) == ("identity_conflict", SHEET, 1, "标题")
    assert "白庙乡" in message and "封面填的却是马店镇(371599101000)" in message and "A1" in message
    assert "\n" not in message
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


def test_the_titles_cell_is_named_where_it_stands_in_the_sheet(tmp_path):
    """Two empty columns left of the table (the reader drops them): the title is in C1."""
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(),
               _titled("白庙乡2024年1-9月低保统计表", lead=2))
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("identity_conflict", SHEET, 1, "标题")]
    assert "C1" in refused[0][5] and "A1" not in refused[0][5]


@pytest.mark.parametrize("title", [
    "马店镇2024年第三季度民政统计季报——最低生活保障",   # its own
    "清河县马店镇2024年1-9月低保统计表",               # the county's name and its own
    "清河县2024年第三季度城乡低保情况",                 # the county's alone
    "2024年第三季度最低生活保障统计表",                 # none
    "马店镇(含原白庙乡)2024年1-9月低保统计表",          # its own, another in brackets beside it
    "马店2024年1-9月低保统计表",                        # its short name
])
def test_a_title_naming_the_covers_township_or_none_reads(tmp_path, title):
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), _titled(title))
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert _persons(con) == {"urban": DIBAO["urban"][1], "rural": DIBAO["rural"][1]}


def test_a_name_inside_a_longer_one_is_the_longer_ones(tmp_path):
    """东城关街道 holds 城关街道: the title names 东城关街道, and the refusal says so."""
    east = "371599003000"
    ref = write_history(tmp_path / "reference", [
        (MADIAN, "马店镇", "马店", "镇", "2011-01-01", "", ""),
        (CHENGGUAN, "城关街道", "城关", "街道", "2011-01-01", "", ""),
        (east, "东城关街道", "东城关", "街道", "2011-01-01", "", "")])
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(),
               _titled("东城关街道2024年第三季度低保统计表"))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
    refused = quarantine_rows(con)
    assert [r[1] for r in refused] == ["identity_conflict"]
    assert "写的是东城关街道" in refused[0][5]


def test_a_title_naming_the_township_merged_into_the_covers_reads(tmp_path):
    """白庙乡 merged into 马店镇 (撤乡并镇): 马店镇's clerk kept 白庙乡's old title; the return is
    马店镇's, which now holds 白庙乡, and reads."""
    ref = write_history(tmp_path / "reference", [
        (MADIAN, "马店镇", "马店", "镇", "2011-01-01", "", ""),
        (BAIMIAO, "白庙乡", "白庙", "乡", "2011-01-01", "2023-12-31", MADIAN)])
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(),
               _titled("白庙乡2024年第三季度低保统计表"))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
    assert quarantine_rows(con) == []
    assert _persons(con) == {"urban": DIBAO["urban"][1], "rural": DIBAO["rural"][1]}
    assert COUNTY.startswith(MADIAN[:6])


def test_a_list_of_events_may_name_another_township_in_its_title(tmp_path):
    """表5 (a list of events) titled 白庙乡河段溃堤灾情 in 马店镇's return: a disaster may be named
    after a place; the return reads."""
    sheets = canonical_sheets()
    sheets["表5 自然灾害"] = [["白庙乡河段溃堤灾情"], *sheets["表5 自然灾害"]]
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert con.execute("SELECT affected_persons FROM raw.disaster_events").fetchall() == [(800,)]


@pytest.mark.parametrize(("title", "refused"), [("白庙乡2024年第三季度民政统计季报 封面", True),
                                                ("马店镇2024年第三季度民政统计季报 封面", False),
                                                ("乡镇民政统计季报 封面", False)])
def test_the_covers_own_title_is_checked_as_a_tables_is(tmp_path, title, refused):
    """白庙乡民政统计季报 over the cover's labels, 马店镇 as 填报单位 and no table titled: the
    neighbour's workbook with only its 填报单位 changed."""
    cover = cover_rows()
    cover[0] = [title]
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover, canonical_sheets())
    con, _ = run_ingest(tmp_path)
    refused_rows = [r[1:5] for r in quarantine_rows(con)]
    assert refused_rows == ([("identity_conflict", "封面", 1, "标题")] if refused else [])
    if refused:
        message = quarantine_rows(con)[0][5]
        assert "白庙乡" in message and "A1" in message and "封面填的却是马店镇" in message
