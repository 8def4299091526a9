"""Rows and columns a clerk hid, on returns written cell by cell here (openpyxl, xlwt), never by
civstat's template: a hidden row or column holding figures the reader reads is refused, naming
it (nobody looking at the sheet sees them: to be reported or not cannot be told); hidden ones
holding nothing read — an empty row, a 备注 column, a 合计 beside its rows — are no matter.
Before, calamine read them like any other: a closed institution hidden in 表6 counted its beds.
"""

from __future__ import annotations

import openpyxl
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)

DIBAO = "表1 最低生活保障"
HOMES = "表6 养老服务机构"
CLOSED = ["白庙敬老院(已撤并)", "敬老院", "公办公营", 40, 0, 0, 0, 0, 0]


def _hide(path, sheet: str, rows=(), columns=()) -> None:
    """Hide rows (1-based) and columns (letters) of a sheet, as a clerk does in Excel."""
    book = openpyxl.load_workbook(path)
    for r in rows:
        book[sheet].row_dimensions[r].hidden = True
    for c in columns:
        book[sheet].column_dimensions[c].hidden = True
    book.save(path)


def test_a_hidden_row_or_column_of_figures_is_refused(tmp_path):
    """马店 hid a closed institution's row in 表6 (its 40 beds would have counted); 白庙 hid its
    本年新增户数 column (D) of 表1 (its figures, unseen, would have loaded); 城关, an .xls, hid an
    institution row too. Each is refused, naming sheet, row and column."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets[HOMES].append(CLOSED)
    _hide(write_xlsx(folder / "马店.xlsx", cover_rows(), sheets), HOMES, rows=[3])
    _hide(write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets()),
          DIBAO, columns=["D"])
    write_xls(folder / "城关街道.xls", {"封面": cover_rows(unit="城关街道", code=CHENGGUAN), **sheets},
              hidden={HOMES: [3]})
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    refused = quarantine_rows(con)
    assert [r[:5] for r in refused] == [
        ("2024Q3/城关街道.xls", "hidden_row", HOMES, 3, "机构名称"),
        ("2024Q3/白庙.xlsx", "hidden_column", DIBAO, 2, "本年新增户数"),
        ("2024Q3/马店.xlsx", "hidden_row", HOMES, 3, "机构名称")]
    assert "第3行是隐藏行,却填有数据(机构名称 白庙敬老院(已撤并))" in refused[2][5]
    assert "本年新增户数(D列)是隐藏列,却填有数据(第2行 8)" in refused[1][5]


def test_hidden_rows_and_columns_holding_nothing_read_are_no_matter(tmp_path):
    """An empty hidden row between the institutions, a hidden 备注 column with notes, a hidden
    合计 row under 表1's categories (only checked against them): the return loads as written."""
    sheets = canonical_sheets()
    sheets[HOMES] += [[None] * 9, ["白庙敬老院", "敬老院", "公办公营", 40, 10, 20, 12, 5, 3]]
    sheets[DIBAO][0].append("备注")
    sheets[DIBAO][1].append("含2户因病")
    sheets[DIBAO].append(["合计", 649, 874, 58, 72, 48, 51, 2_155_475, None])
    path = write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    _hide(path, HOMES, rows=[3])
    _hide(path, DIBAO, rows=[4], columns=["J"])
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT sum(beds) FROM raw.eldercare_institutions").fetchone() == (120,)
    assert con.execute("SELECT sum(persons) FROM raw.dibao WHERE NOT is_total").fetchone() == (874,)
