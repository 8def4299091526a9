"""Units the cover states for the whole return (``金额单位:万元``), on returns written cell by cell
here (openpyxl, xlwt), never by civstat's template.

A county's workbook often states its money unit once, on the cover, and heads its columns
without one. Read as 元, 38 (万元) of 低保 funds would load as 38 元, silently. The cover's
statement is read as a units line over every table, after the table's own lines (the sheet
decides first); a header stating its unit is read as it states, and a line stating another unit
for it is a finding. Figures are checked against values worked out by hand.
"""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)

DIBAO = "表1 最低生活保障"
TEMP = "表3 临时救助"
FUNDS = "累计支出低保资金"


def _dibao(header: str, urban, rural) -> list[list]:
    """表1 whose funds column is headed ``header``."""
    rows = canonical_sheets()[DIBAO]
    rows[0][7] = header
    rows[1][7], rows[2][7] = urban, rural
    return rows


def _cover(form: str) -> list[list]:
    rows = cover_rows()
    if form == "label and value":
        return [*rows, ["金额单位", "万元"]]
    if form == "a cell":
        return [*rows, ["金额单位：万元"]]
    return [["乡镇民政统计季报 封面（金额单位：万元）"], *rows[1:]]  # the title


def _findings(con, code: str) -> list[tuple]:
    return con.execute(
        'SELECT s.division_code, f.sheet, f."row", f."column", f.message_zh FROM raw.findings f '
        "JOIN raw.submissions s USING (submission_id) WHERE f.code = ? "
        'ORDER BY s.division_code, f.sheet, f."column"', [code]).fetchall()


@pytest.mark.parametrize(("form", "row"), [("label and value", 13), ("a cell", 13), ("title", 1)])
def test_the_covers_money_unit_scales_the_columns_stating_none(tmp_path, form, row):
    """马店's cover says 金额单位:万元 and its 表1 heads the funds column without a unit: 38 万元 =
    380,000 元, 177.5475 万元 = 1,775,475 元, with a finding naming the cover's row. 表3 states
    (元) in its headers and reads as before; 白庙's cover states nothing, its 380,000 is 元."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", _cover(form),
               {**canonical_sheets(), DIBAO: _dibao(FUNDS, 38, 177.5475)})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), DIBAO: _dibao(FUNDS, 380_000, 1_775_475)})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute(
        "SELECT s.division_code, d.category, d.funds_ytd, d.standard FROM raw.dibao d "
        "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall() == [
        (MADIAN, "rural", 1_775_475.0, 600.0), (MADIAN, "urban", 380_000.0, 800.0),
        (BAIMIAO, "rural", 1_775_475.0, 600.0), (BAIMIAO, "urban", 380_000.0, 800.0)]
    assert con.execute("SELECT DISTINCT funds_ytd FROM raw.temp_assist").fetchall() == [(36_800.0,)]
    assert _findings(con, "unit_from_line") == [
        (MADIAN, DIBAO, 1, FUNDS, f"{FUNDS} 表头未注明单位,按封面第{row}行注明的万元读取(未注明时按元)")]


def test_a_sheets_own_units_line_decides_before_the_cover(tmp_path):
    """.xls (xlwt): the cover says 万元, 表1's title line says 单位:户、人、元 over a funds column
    stating none: the sheet's own line decides, 380,000 is 元, and no finding."""
    sheet = [["单位:户、人、元"], *_dibao(FUNDS, 380_000, 1_775_475)]
    write_xls(raw_folder(tmp_path) / "马店.xls",
              {"封面": _cover("label and value"), **canonical_sheets(), DIBAO: sheet})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT category, funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", 1_775_475.0), ("urban", 380_000.0)]
    assert _findings(con, "unit_from_line") == []


def test_a_header_stating_another_unit_than_a_line_is_read_as_stated_and_noted(tmp_path):
    """马店's cover says 万元 over 累计支出低保资金(元); 白庙's 表1 title says (单位:万元) over the
    same header. Both are read in the header's 元 (the nearer statement), and the disagreement is
    a finding on the column for the statistician to check; 表3's two (元) headers under 马店's
    cover are noted too, in one finding naming both."""
    folder = raw_folder(tmp_path)
    head = f"{FUNDS}(元)"
    write_xlsx(folder / "马店.xlsx", _cover("a cell"),
               {**canonical_sheets(), DIBAO: _dibao(head, 380_000, 1_775_475)})
    titled = [["白庙乡2024年第三季度低保情况（单位：万元）"], *_dibao(head, 380_000, 1_775_475)]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), DIBAO: titled})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT DISTINCT funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        (380_000.0,), (1_775_475.0,)]
    noted = _findings(con, "unit_line_overruled")
    assert (MADIAN, DIBAO, 1, head,
            f"{head} 表头注明元,与封面第13行注明的万元不同,按表头的元读取(请核对该列的单位)") in noted
    assert (BAIMIAO, DIBAO, 2, head,
            f"{head} 表头注明元,与第1行注明的万元不同,按表头的元读取(请核对该列的单位)") in noted
    assert [m for d, s, _, _, m in noted if d == MADIAN and s == TEMP] == [
        ("累计支出救助资金(元)、其中:实物折款(元) 表头注明元,与封面第13行注明的万元不同,按表头的元读取"
        "(请核对这2列的单位)")]
    assert [d for d, s, *_ in noted if d == BAIMIAO] == [BAIMIAO]


def test_a_cover_stating_a_unit_the_reader_does_not_convert_refuses_the_return(tmp_path):
    """金额单位:百万元 on the cover over a funds column stating no unit: read as 元 it would be off
    a million times, so the return is refused, naming the cover and its row."""
    rows = [*cover_rows(), ["金额单位", "百万元"]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", rows,
               {**canonical_sheets(), DIBAO: _dibao(FUNDS, 0.38, 1.775475)})
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [(r[1], r[2], r[3], r[4]) for r in refused] == [("ambiguous_unit", "封面", 13, FUNDS)]
    assert "封面第13行注明的单位 百万元 无法识别" in refused[0][5]
    assert not result.loaded
