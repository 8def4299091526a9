"""Excel error values (#REF!, #DIV/0!) where calamine reads an empty cell, in the places the
formula checks did not reach: an .xls row holding nothing but errors, and a category's label
cell. Workbooks written cell by cell (openpyxl, xlwt), never by civstat's template."""

from __future__ import annotations

from handmade import (
    BAIMIAO,
    MADIAN,
    TEMP,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)

DIBAO_SHEET = "表1 最低生活保障"
TEMP_SHEET = "表3 临时救助"


def _xls_temp_row(tmp_path, row: list):
    sheets = canonical_sheets()
    sheets[TEMP_SHEET][1] = row
    write_xls(raw_folder(tmp_path) / "马店镇.xls", {"封面": cover_rows(), **sheets})
    return run_ingest(tmp_path)


def test_an_xls_row_of_error_values_is_no_empty_row(tmp_path):
    """An .xls 表3 whose one row is #DIV/0! and #REF! (xlwt writes them as BIFF error records,
    which calamine reads as empty): the row was no row, and 表3 loaded as no 临时救助 at all,
    silently. Now refused at its first cell, as the same row in an .xlsx is."""
    con, result = _xls_temp_row(tmp_path, ["#DIV/0!", "#REF!", "#REF!", None])
    assert not result.loaded
    [(_, code, sheet, row, column, zh)] = quarantine_rows(con)
    assert (code, sheet, row, column) == ("bad_value", TEMP_SHEET, 2, "累计救助户次")
    assert "单元格 A2 是 Excel 错误值 #DIV/0!" in zh
    assert con.execute("SELECT count(*) FROM raw.temp_assist").fetchone() == (0,)


def test_errors_beside_an_xls_table_are_no_matter(tmp_path):
    """An error in a column nothing reads, in a row of its own below 表3's figures: the return
    loads (a guard against false alarms)."""
    sheets = canonical_sheets()
    sheets[TEMP_SHEET].append([None, None, None, None, None, "#REF!"])
    write_xls(raw_folder(tmp_path) / "马店镇.xls", {"封面": cover_rows(), **sheets})
    con, result = run_ingest(tmp_path)
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert con.execute("SELECT household_times_ytd, person_times_ytd, funds_ytd, in_kind_ytd "
                       "FROM raw.temp_assist").fetchall() == [tuple(TEMP)]


def test_a_category_cell_holding_an_error_or_nothing_says_so(tmp_path):
    """表1's 农村低保 cell is #REF! (a link to a deleted sheet; read as an empty cell) in 马店's
    .xlsx, left empty beside its figures in 白庙's. Before: refused as 无法识别的类别 None, which
    tells the clerk nothing. Now the refusal says the category cell is empty or an error."""
    folder = raw_folder(tmp_path)
    for town, code, label in (("马店镇", MADIAN, "#REF!"), ("白庙乡", BAIMIAO, None)):
        sheets = canonical_sheets()
        sheets[DIBAO_SHEET][2][0] = label
        write_xlsx(folder / f"{town}.xlsx", cover_rows(unit=town, code=code), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    rows = quarantine_rows(con)
    assert [r[1:5] for r in rows] == [("unknown_category", DIBAO_SHEET, 3, "类别")] * 2
    for row in rows:
        assert "类别单元格为空(或是 #REF!、#N/A 等错误值),无法确定这一行的数是哪一类" in row[5]
        assert "None" not in row[5]
