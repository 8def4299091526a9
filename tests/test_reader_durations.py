"""A figure in a cell formatted as a duration (``[h]:mm``, ``[mm]:ss``): Excel stores the
figure (120) and shows it as hours (2880:00); the reader reads the number stored. Workbooks
written cell by cell with openpyxl, never by civstat's template."""

from __future__ import annotations

import openpyxl
from handmade import (
    DIBAO,
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

DIBAO_SHEET = "表1 最低生活保障"
TEMP_SHEET = "表3 临时救助"


def test_figures_in_duration_formatted_cells_read_as_the_numbers_stored(tmp_path):
    """表1 城市低保 期末保障户数 120 and 累计支出低保资金 380000.5, 表3 其中:实物折款 0.5, in
    cells formatted [h]:mm (calamine hands them over as durations: 120 days, 12 hours). Before:
    read as dates counted from 1899-12-31 and back as Excel serials, one too high from 60 on —
    121 households and 380001.5 元, silently but for a figure_as_date finding. Now read as the
    numbers the cells store."""
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][1][7] = 380_000.5
    sheets[TEMP_SHEET][1][3] = 0.5
    path = write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)
    wb = openpyxl.load_workbook(path)
    for sheet, cell in ((DIBAO_SHEET, "B2"), (DIBAO_SHEET, "H2"), (TEMP_SHEET, "D2")):
        wb[sheet][cell].number_format = "[h]:mm"
    wb.save(path)
    con, result = run_ingest(tmp_path)
    assert quarantine_rows(con) == [] and len(result.loaded) == 1
    assert con.execute("SELECT households, persons, funds_ytd FROM raw.dibao "
                       "WHERE category = 'urban'").fetchone() == (120, DIBAO["urban"][1], 380_000.5)
    assert con.execute("SELECT in_kind_ytd FROM raw.temp_assist").fetchone() == (0.5,)
    assert not [f for sheet in (DIBAO_SHEET, TEMP_SHEET) for f in findings(con, sheet)
                if "figure_as_date" in f]
