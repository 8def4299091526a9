"""A return still sent under the old code after a re-coding: 城关乡 (371599125000, to
2011-12-31) became 城关街道 (371599126000, from 2012-01-01), and the clerk's 2012Q4 return still
carries the old code and name on its cover. The gate passes it (H11/H12 count it for 城关街道,
in force then: tests/test_quality_s34_successors.py) and the warehouse sums it for 城关街道.

Before, the warehouse's coverage (int_division_coverage) matched returns to the townships in force
by their own code only: the return matched none, so 城关街道 was listed missing in 2012Q4 —
county complete = false, 1 of 2 townships included — while its beds were in the county's sum, and
every growth over 2011 was withheld (NULL). Now it counts for the township in force.
Returns written cell by cell (tests/handmade.py); ingested, gated, built and published."""

from __future__ import annotations

import duckdb
import handmade as hm
import pytest

pytestmark = pytest.mark.slow

COUNTY = hm.COUNTY
Z, C_OLD, C_NEW = "371599123000", "371599125000", "371599126000"
DIVISIONS = [(Z, "马店镇", "马店", "镇", "2000-01-01", "", ""),
             (C_OLD, "城关乡", "城关", "乡", "2000-01-01", "2011-12-31", C_NEW),
             (C_NEW, "城关街道", "城关", "街道", "2012-01-01", "", "")]
# (period, code on the cover, name on the cover) → 表6 beds (在院 = beds // 2)
RETURNS = {("2011Q4", Z, "马店镇"): 100, ("2011Q4", C_OLD, "城关乡"): 80,
           ("2012Q4", Z, "马店镇"): 110, ("2012Q4", C_OLD, "城关乡"): 96}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    root = tmp_path_factory.mktemp("s40oldcode")
    for (period, code, name), beds in RETURNS.items():
        sheets = hm.quarter_sheets(period)
        for row in (1, 2):
            sheets["表1 最低生活保障"][row][-1] = 300   # a 2011/2012 monthly standard
        sheets["表6 养老服务机构"][1] = [f"{name}敬老院", "敬老院", "公办公营", beds, beds // 4,
                                    beds // 2, 30, 12, 8]
        hm.write_xlsx(root / "raw" / period / f"{name}.xlsx", hm.quarter_cover(name, code, period),
                      sheets)
    hm.write_history(root / "reference", DIVISIONS)
    con = duckdb.connect(str(hm.ingest_and_publish(root)), read_only=True)
    yield con
    con.close()


kpi = hm.kpi_row


def beds(period: str) -> int:
    return sum(b for (p, _, _), b in RETURNS.items() if p == period)


def test_the_gate_passes_the_old_code(wh):
    assert wh.execute("SELECT count(*) FROM quality.violations WHERE severity = 'hard'"
                      ).fetchone() == (0,)
    assert wh.execute("SELECT count(*) FROM quality_status WHERE status = 'blocked'"
                      ).fetchone() == (0,)


def test_county_is_whole_and_its_growth_computed(wh):
    got = kpi(wh, COUNTY, 2012, "eldercare_beds_growth")
    assert (got["numerator"], got["denominator"]) == (beds("2012Q4"), beds("2011Q4"))
    assert got["value"] == pytest.approx(beds("2012Q4") / beds("2011Q4") - 1)   # 206 / 180 − 1
    assert (got["townships_expected"], got["townships_included"], got["complete"]) == (2, 2, True)
    assert list(got["townships_missing"]) == []


def test_the_new_code_is_one_series_whole_in_both_years(wh):
    for year, old_beds in ((2011, 80), (2012, 96)):
        got = kpi(wh, C_NEW, year, "bed_occupancy_rate")
        assert (got["numerator"], got["denominator"]) == (old_beds // 2, old_beds)
        assert (got["townships_expected"], got["townships_included"], got["complete"]) == (1, 1, True)
    got = kpi(wh, C_NEW, 2012, "eldercare_beds_growth")
    assert got["value"] == pytest.approx(96 / 80 - 1) and got["complete"] is True


def test_period_coverage_lists_no_township_missing(wh):
    rows = wh.execute("SELECT period, townships_expected, townships_included, townships_missing "
                      "FROM period_coverage WHERE division_code = ? ORDER BY period",
                      [COUNTY]).fetchall()
    assert [(p, e, i, list(m)) for p, e, i, m in rows] == [("2011Q4", 2, 2, []), ("2012Q4", 2, 2, [])]
