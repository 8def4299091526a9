"""The unit of a 保障标准 on historical returns, written cell by cell here (openpyxl, xlwt), never
by civstat's template.

* A header naming a unit per category (``保障标准(城市元/人·月,农村元/人·年)``, 城镇/农村, with 、 ;
  or / between, any spelling of the units) gives each category's row its category's unit, from
  the header: before, it stated no unit, and 柳河乡's 2009 rural 960 元/人·年 was taken as
  960 元/人·月 by magnitude (a finding only) and published twelve times too high.
* A stated unit (header or cell) is never overruled by magnitude, and is refused only when the
  figure is impossible for that period in the return's own year (contract ``period_magnitude``,
  ``period_magnitude_until``): 960元/人·年 was refused in a 2009 return, where rural standards of
  600–1,200 元/人·年 were common; 1,800 元/人·月 is refused in 2009 (no county paid that then).
* With no unit stated anywhere, a 2009 rural 960 is yearly by the rural convention (a finding),
  a 2009 urban 1,800 yearly by magnitude; the same figures in a 2024 return are decided as before.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from handmade import (
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    write_reference,
    write_xls,
    write_xlsx,
)

from civstat.ingest import ingest

DIBAO = "表1 最低生活保障"
STANDARD_AT = 8  # 保障标准, the last column of canonical_sheets' 表1


def dibao_return(root: Path, period: str, header: str, urban, rural, *, xls: bool = False) -> Path:
    """马店镇's return of ``period`` (2009Q4, 2024Q3) in its quarter's folder, its 表1 standard
    column headed ``header`` and holding ``urban`` and ``rural``; the cover's 报告期 and 填报日期
    are the period's."""
    year, quarter = int(period[:4]), int(period[-1])
    filled = f"{year + 1}年1月8日" if quarter == 4 else f"{year}年{quarter * 3 + 1}月8日"
    cover = [[r[0], f"{year}年第{quarter}季度"] if r[:1] == ["报告期"] else r
             for r in cover_rows(fill_date=filled)]
    sheets = canonical_sheets(year)
    dibao = sheets[DIBAO]
    dibao[0][STANDARD_AT], dibao[1][STANDARD_AT], dibao[2][STANDARD_AT] = header, urban, rural
    path = root / "raw" / period / ("马店.xls" if xls else "马店.xlsx")
    if xls:
        return write_xls(path, {"封面": cover, **sheets})
    return write_xlsx(path, cover, sheets)


def ingest_all(root: Path) -> duckdb.DuckDBPyConnection:
    """Ingest ``root/raw``; the townships are in force from 2000 (returns of 2009 are theirs)."""
    ref = write_reference(root / "reference", valid_from="2000-01-01")
    con = duckdb.connect(str(root / "wh.duckdb"))
    ingest(con, root / "raw", ref, quarantine_dir=root / "quarantine")
    return con


def standards(con, period: str) -> dict[str, tuple]:
    """category → (standard, standard_period, standard_unit_source) of 马店's return of ``period``."""
    rows = con.execute(
        "SELECT d.category, d.standard, d.standard_period, d.standard_unit_source FROM raw.dibao d "
        "JOIN raw.submissions s USING (submission_id) WHERE s.period = ? AND s.division_code = ? "
        "AND NOT d.is_total", [period, MADIAN]).fetchall()
    return {r[0]: r[1:] for r in rows}


def unit_findings(con, period: str) -> list[tuple]:
    """(row, column, zh, en) of the unit_inferred findings of 马店's return of ``period``."""
    return con.execute(
        'SELECT f."row", f."column", f.message_zh, f.message_en FROM raw.findings f '
        "JOIN raw.submissions s USING (submission_id) WHERE f.code = 'unit_inferred' "
        "AND f.sheet = ? AND s.period = ? ORDER BY f.\"row\"", [DIBAO, period]).fetchall()


@pytest.mark.parametrize("header", [
    "保障标准(城市元/人·月,农村元/人·年)",
    "保障标准(城镇元/人/月、农村元/人/年)",
    "保障标准(城市:元/月;农村:元/年)",
    "保障标准（城镇：元/人·月；农村：元/人·年）",
    "保障标准(城镇元/人月/农村元/人年)",
    "保障标准\n(城市元/人·月,农村元/人·年)",
])
def test_a_header_naming_a_unit_per_category_gives_each_row_its_own(tmp_path, header):
    """柳河乡's header: the urban row is per month, the rural row per year, both from the header,
    no finding — before, the header stated no unit and the rural 960 was 960 元/人·月 by
    magnitude (the county's rural standard 921 元/月 instead of ~80)."""
    dibao_return(tmp_path, "2009Q4", header, 230, 960)
    con = ingest_all(tmp_path)
    assert quarantine_rows(con) == []
    assert standards(con, "2009Q4") == {"urban": (230.0, "month", "header"),
                                        "rural": (960.0, "year", "header")}
    assert unit_findings(con, "2009Q4") == []


def test_a_header_naming_a_unit_per_category_in_an_xls_of_today(tmp_path):
    """The same header in an .xls of 2024 (7,200 a year in the rural row): read from the header,
    not by the categories' conventions with two findings."""
    dibao_return(tmp_path, "2024Q3", "保障标准(城市元/人·月,农村元/人·年)", 800, 7200, xls=True)
    con = ingest_all(tmp_path)
    assert quarantine_rows(con) == []
    assert standards(con, "2024Q3") == {"urban": (800.0, "month", "header"),
                                        "rural": (7200.0, "year", "header")}
    assert unit_findings(con, "2024Q3") == []


def test_categories_named_together_take_the_unit_after_them(tmp_path):
    """保障标准(城镇、农村:元/人·月): both rows per month from the header, the rural 80 too (before:
    by magnitude, with a finding)."""
    dibao_return(tmp_path, "2009Q4", "保障标准(城镇、农村:元/人·月)", 230, 80)
    con = ingest_all(tmp_path)
    assert standards(con, "2009Q4") == {"urban": (230.0, "month", "header"),
                                        "rural": (80.0, "month", "header")}
    assert unit_findings(con, "2009Q4") == []


def test_a_yearly_standard_typed_in_its_cell_is_read_in_2009_and_refused_in_2024(tmp_path):
    """960元/人·年 typed in the rural cell: a 2009 rural standard, loaded as stated (before:
    refused unit_mismatch, so a real 2009 standard could not be reported at all); the same cell
    in a 2024 return is still refused, naming sheet, row and column."""
    dibao_return(tmp_path, "2009Q4", "保障标准", 230, "960元/人·年")
    dibao_return(tmp_path, "2024Q3", "保障标准", 800, "960元/人·年")
    con = ingest_all(tmp_path)
    assert standards(con, "2009Q4") == {"urban": (230.0, "month", "convention"),
                                        "rural": (960.0, "year", "cell")}
    assert [(r, c) for r, c, _, _ in unit_findings(con, "2009Q4")] == [(2, "保障标准")]  # urban only
    assert quarantine_rows(con) == [(
        "2024Q3/马店.xlsx", "unit_mismatch", DIBAO, 3, "保障标准",
        ("2024Q3/马店.xlsx 表1 最低生活保障 第3行 [保障标准]:"
         "960 按 元/人·年 不合常理(年标准不低于 1000 元),是否是 元/人·月 的数?请核对单位"))]


def test_a_header_stated_yearly_standard_of_2009_is_not_refused(tmp_path):
    """保障标准(元/人·年) over 2009's 2,760 (urban) and 960 (rural): both yearly, from the header."""
    dibao_return(tmp_path, "2009Q4", "保障标准(元/人·年)", 2760, 960)
    con = ingest_all(tmp_path)
    assert quarantine_rows(con) == []
    assert standards(con, "2009Q4") == {"urban": (2760.0, "year", "header"),
                                        "rural": (960.0, "year", "header")}


def test_a_monthly_figure_impossible_in_2009_is_refused(tmp_path):
    """1,800 under 保障标准(元/人·月) in 2009: no county paid 1,800 a month then (the highest urban
    standards were ~450) — a year's 150 a month; refused, naming the cell (before: loaded as
    1,800 a month, within today's 2,000)."""
    dibao_return(tmp_path, "2009Q4", "保障标准(元/人·月)", 1800, 80)
    con = ingest_all(tmp_path)
    assert [r[1:] for r in quarantine_rows(con)] == [(
        "unit_mismatch", DIBAO, 2, "保障标准(元/人·月)",
        ("2009Q4/马店.xlsx 表1 最低生活保障 第2行 [保障标准(元/人·月)]:"
         "1800 按 元/人·月 不合常理(月标准不超过 600 元),是否是 元/人·年 的数?请核对单位"))]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone() == (0,)


def test_no_unit_anywhere_is_decided_by_the_returns_years_magnitudes(tmp_path):
    """保障标准 with no unit, the rural row 960 in a 2009 and in a 2024 return: yearly by the rural
    convention in 2009 (before: 960 元/人·月 by magnitude), monthly by magnitude in 2024 as
    before (no county pays less than 1,000 a year now) — each with its finding."""
    dibao_return(tmp_path, "2009Q4", "保障标准", 230, 960)
    dibao_return(tmp_path, "2024Q3", "保障标准", 800, 960)
    con = ingest_all(tmp_path)
    assert quarantine_rows(con) == []
    assert standards(con, "2009Q4") == {"urban": (230.0, "month", "convention"),
                                        "rural": (960.0, "year", "convention")}
    assert standards(con, "2024Q3") == {"urban": (800.0, "month", "convention"),
                                        "rural": (960.0, "month", "magnitude")}
    rural_2009 = unit_findings(con, "2009Q4")[1]
    assert rural_2009[:2] == (3, "保障标准")
    assert rural_2009[2] == "保障标准 未注明单位(表头和单元格均无),按农村低保惯例视为 元/人·年"
    rural_2024 = unit_findings(con, "2024Q3")[1]
    assert rural_2024[2] == ("保障标准 未注明单位,数值 960 不符合农村低保惯例(元/人·年),"
                             "按数值大小视为 元/人·月")


def test_an_urban_yearly_figure_of_2009_is_yearly_by_magnitude(tmp_path):
    """An urban 1,800 with no unit: 150 a month for a year in 2009 (no county paid 1,800 a month
    then: yearly by magnitude, with its finding; before: 1,800 a month by convention); in 2024
    1,800 a month is still read as the urban convention's."""
    dibao_return(tmp_path, "2009Q4", "保障标准", 1800, 960)
    dibao_return(tmp_path, "2024Q3", "保障标准", 1800, 7200)
    con = ingest_all(tmp_path)
    assert standards(con, "2009Q4")["urban"] == (1800.0, "year", "magnitude")
    assert standards(con, "2024Q3")["urban"] == (1800.0, "month", "convention")
    urban_2009 = unit_findings(con, "2009Q4")[0]
    assert urban_2009[:2] == (2, "保障标准") and "magnitude" in urban_2009[3]
