"""A growth over the previous year-end (养老机构床位增长率, 城乡低保标准增长率) needs both
year-ends whole: 双河县's 2008 sums lack 河口镇 (its 2008Q4 return blocked by the edit rules),
so its 2009 growth is not published as complete (before: 床位 320 ÷ 160 − 1 = 100%, complete
true, nobody missing). The county of tests/test_report_s30_history.py, built once here."""

from __future__ import annotations

import pytest
import test_report_s30_history as history
from test_report_s30_history import COUNTY, B, N, _q

pytestmark = pytest.mark.slow
county = history.county  # the fixture: the county built once for this module

GROWTH = ("dibao_standard_growth_rural", "dibao_standard_growth_urban", "eldercare_beds_growth")


def _growth(county, division: str, year: int) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in _q(
        county, "SELECT kpi_code, value, numerator, denominator, townships_expected, "
        "townships_included, complete, townships_missing FROM kpi_annual "
        "WHERE division_code = ? AND year = ? AND list_contains(?, kpi_code)",
        [division, year, list(GROWTH)])}


def test_2009_county_growth_over_a_2008_short_of_a_township_is_not_complete(county):
    """床位: 4 townships × 80 = 320 in 2009 against 160 of 东城 and 山前 alone in 2008 (河口镇
    blocked, 新城街道 not yet set up): no value, complete false, 河口镇 missing (from 2008),
    3 of 4 included (东城, 新城 — not in force in 2008, nothing to miss — and 山前). The
    standards likewise: 2009's 330 / 170 against a 2008 weighted without 河口镇."""
    got = _growth(county, COUNTY, 2009)
    assert got["eldercare_beds_growth"] == (None, 320.0, 160.0, 4, 3, False, [B])
    assert got["dibao_standard_growth_urban"] == (None, 330.0, 300.0, 4, 3, False, [B])
    assert got["dibao_standard_growth_rural"] == (None, 170.0, 150.0, 4, 3, False, [B])
    # a same-period rate of that row is whole: 2009's own returns are all published
    rate = _q(county, "SELECT value, complete, townships_missing FROM kpi_annual WHERE "
              "division_code = ? AND year = 2009 AND kpi_code = 'beds_per_1000_elderly'", [COUNTY])
    assert rate == [(320 / 25000 * 1000, True, [])]


def test_township_growth_and_years_without_a_base(county):
    """东城街道 2009: 80 beds against 80 → 0%, complete; 河口镇 2009 (its 2008 blocked): no value
    and short of itself; 新城街道 2009 (set up in 2009): no base to be short of, complete;
    2011 after a year without data (2010): no value, complete (no base at all)."""
    assert _growth(county, "330698001000", 2009)["eldercare_beds_growth"] == (
        0.0, 80.0, 80.0, 1, 1, True, [])
    assert _growth(county, B, 2009)["eldercare_beds_growth"] == (None, 80.0, None, 1, 0, False, [B])
    assert _growth(county, N, 2009)["eldercare_beds_growth"] == (None, 80.0, None, 1, 1, True, [])
    assert _growth(county, COUNTY, 2011)["eldercare_beds_growth"] == (
        None, 320.0, None, 4, 4, True, [])
