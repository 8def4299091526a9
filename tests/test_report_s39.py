"""数据说明 of a year whose figures a township left short, on returns typed cell by cell
(tests/handmade.py), ingested, gated, built, published and rendered (HTML):

* 马店镇's year-end cover leaves 城镇人口 blank while its 表1 gives 城市低保 persons: 城市低保覆盖率
  has no value (kpi_quarterly: a numerator without the same-period denominator), shown —;
  数据说明 says which KPI, which township and period, and which term is missing. Before: no line.
* 白庙乡's year-end return was withdrawn (civstat withdraw): its 年度 report stops at 三季度 and
  says the 四季度 return was withdrawn. Before: 三季度以后的数据尚未发布 (not yet published).
"""

from __future__ import annotations

import re

import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    COUNTY,
    MADIAN,
    quarter_cover,
    quarter_sheets,
    write_reference,
    write_xlsx,
)

pytestmark = pytest.mark.slow

NAMES = {MADIAN: "马店镇", BAIMIAO: "白庙乡", CHENGGUAN: "城关街道"}
WITHDRAWN = "2024Q4/白庙乡.xlsx"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from civstat.ingest import ingest
    from civstat.ingest.withdraw import plan, withdraw
    from civstat.refresh import refresh
    from civstat.report import render_reports
    from civstat.warehouse import Warehouse

    root = tmp_path_factory.mktemp("s39county")
    for q in (1, 2, 3, 4):
        period = f"2024Q{q}"
        for code, name in NAMES.items():
            figures = {"urban": None} if (code, q) == (MADIAN, 4) else {}
            write_xlsx(root / "raw" / period / f"{name}.xlsx",
                       quarter_cover(name, code, period, **figures), quarter_sheets(period))
    write_reference(root / "reference", valid_from="2000-01-01")
    wh = Warehouse.at(root / "warehouse" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
        assert result.ok, [i.line for i in result.still_quarantined]
        (root / "raw" / WITHDRAWN).unlink()
        withdraw(con, plan(con, root / "raw", [WITHDRAWN], "误报"), "误报", "测试")
    assert refresh(wh, capture=True).published
    files = render_reports(2024, divisions=[None, BAIMIAO], formats=["html"],
                           out_dir=root / "out", warehouse=wh.path)
    texts = [re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")) for p in files]
    by = {("白庙乡" in t.split("年度民政工作总结")[0]): t for t in texts}
    return {"wh": wh, "county": by[False], "baimiao": by[True]}


def _data_notes(text: str) -> str:
    return text[text.rindex("数据说明"):]


def test_a_rate_left_without_its_denominator_is_explained_in_the_data_notes(county):
    with county["wh"].reader() as con:
        rows = dict(con.execute(
            "SELECT division_code, [numerator IS NOT NULL, denominator IS NOT NULL, "
            "value IS NOT NULL] FROM kpi_annual WHERE year = 2024 "
            "AND kpi_code = 'dibao_coverage_rate_urban'").fetchall())
    assert rows[MADIAN] == [True, False, False]
    assert rows[COUNTY] == [True, True, False]  # the county's rate too: —
    notes = _data_notes(county["county"])
    assert ("城市低保覆盖率无法计算（以“—”表示）：2024年四季度马店镇填报了城市低保期末人数，"
            "但未填报同期城镇户籍人口。") in notes
    # 农村低保覆盖率 has both terms everywhere: no such line
    assert "农村低保覆盖率无法计算" not in notes


def test_a_withdrawn_year_end_return_is_told_withdrawn_not_unpublished(county):
    notes = _data_notes(county["baimiao"])
    assert "2024年四季度报表已撤回，本总结为1月至三季度末的累计情况。" in notes
    assert "尚未发布" not in county["baimiao"]
    # the county's report (its year-end published by the two others) says who is left out and why
    assert "白庙乡（2024年四季度报表已撤回）" in county["county"]
