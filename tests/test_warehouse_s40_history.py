"""Sixteen years of one county's division history, built by hand (not civstat's generator): a
merger chain of two steps (西岭乡 → 河口乡 at the end of 2011, 河口乡 → 马店镇 at the end of 2015),
a rename with the same code (白庙乡 → 白庙镇 from 2016) and a code change (城关乡 371599125000 →
城关街道 371599126000 from 2012). Q4 returns of 2008, 2011, 2012, 2015 and 2016 typed cell by cell
(tests/handmade.py), ingested, gated, built by dbt and published into a DuckDB file on disk; one
return (白庙乡 2011Q4) carries a hard fault (H4: 集中 + 分散 ≠ 特困人数).

Every figure below is computed here from the beds and persons the returns hold: county totals,
growths against the previous year-end at current boundaries (a merged township's base counts for
the township it ended in, two steps down the chain), coverage counts, names in force."""

from __future__ import annotations

import duckdb
import handmade as hm
import pytest

pytestmark = pytest.mark.slow

COUNTY = hm.COUNTY
X, Y, Z = "371599121000", "371599122000", "371599123000"   # 西岭乡 → 河口乡 → 马店镇
R = "371599124000"                                           # 白庙乡, 白庙镇 from 2016
C_OLD, C_NEW = "371599125000", "371599126000"                # 城关乡 → 城关街道 (new code, 2012)
# code, name, short, kind, valid_from, valid_to, successor
DIVISIONS = [
    (X, "西岭乡", "西岭", "乡", "2000-01-01", "2011-12-31", Y),
    (Y, "河口乡", "河口", "乡", "2000-01-01", "2015-12-31", Z),
    (Z, "马店镇", "马店", "镇", "2000-01-01", "", ""),
    (R, "白庙乡", "白庙", "乡", "2000-01-01", "2015-12-31", ""),
    (R, "白庙镇", "白庙", "镇", "2016-01-01", "", ""),
    (C_OLD, "城关乡", "城关", "乡", "2000-01-01", "2011-12-31", C_NEW),
    (C_NEW, "城关街道", "城关", "街道", "2012-01-01", "", ""),
]
YEARS = [2008, 2011, 2012, 2015, 2016]
# the townships in force at each year's end, the name each return's cover gives
IN_FORCE = {
    2008: {X: "西岭乡", Y: "河口乡", Z: "马店镇", R: "白庙乡", C_OLD: "城关乡"},
    2011: {X: "西岭乡", Y: "河口乡", Z: "马店镇", R: "白庙乡", C_OLD: "城关乡"},
    2012: {Y: "河口乡", Z: "马店镇", R: "白庙乡", C_NEW: "城关街道"},
    2015: {Y: "河口乡", Z: "马店镇", R: "白庙乡", C_NEW: "城关街道"},
    2016: {Z: "马店镇", R: "白庙镇", C_NEW: "城关街道"},
}
BLOCKED = (2011, R)   # its 表2 城市特困 row: 7 persons, 2 + 4 in the 其中 columns
# 表6 beds of each return (the 敬老院 row; 在院 = beds // 2 ≥ 30 特困, 护理型 = beds // 4)
BEDS = {
    (2008, X): 60, (2008, Y): 70, (2008, Z): 100, (2008, R): 80, (2008, C_OLD): 90,
    (2011, X): 64, (2011, Y): 72, (2011, Z): 110, (2011, R): 84, (2011, C_OLD): 96,
    (2012, Y): 150, (2012, Z): 120, (2012, R): 88, (2012, C_NEW): 120,
    (2015, Y): 160, (2015, Z): 140, (2015, R): 90, (2015, C_NEW): 130,
    (2016, Z): 330, (2016, R): 99, (2016, C_NEW): 143,
}
# 表1 城市低保 persons (households = persons // 2)
URBAN = {key: 100 + beds for key, beds in BEDS.items()}
STANDARD = {2008: 300, 2011: 400, 2012: 440, 2015: 500, 2016: 550}  # 城市, 元/人·月, every township


def sheets(year: int, code: str) -> dict[str, hm.Rows]:
    out = hm.quarter_sheets(f"{year}Q4")
    beds, persons = BEDS[(year, code)], URBAN[(year, code)]
    urban = [persons // 2, persons, 8, 12, 5, 7, 380_000.0, STANDARD[year]]
    out["表1 最低生活保障"][1] = ["城市低保", *urban]
    out["表6 养老服务机构"][1] = [f"{IN_FORCE[year][code]}敬老院", "敬老院", "公办公营", beds,
                              beds // 4, beds // 2, 30, 12, 8]
    if (year, code) == BLOCKED:
        out["表2 特困人员救助供养"][1][1] = 7
    return out


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    root = tmp_path_factory.mktemp("s40history")
    for year in YEARS:
        for code, name in IN_FORCE[year].items():
            hm.write_xlsx(root / "raw" / f"{year}Q4" / f"{name}.xlsx",
                          hm.quarter_cover(name, code, f"{year}Q4"), sheets(year, code))
    hm.write_history(root / "reference", DIVISIONS)
    con = duckdb.connect(str(hm.ingest_and_publish(root)), read_only=True)
    yield con
    con.close()


kpi = hm.kpi_row


def beds(year: int, *codes: str) -> int:
    return sum(BEDS.get((year, c), 0) for c in codes)


def test_every_year_published_and_only_the_faulty_return_blocked(wh):
    got = wh.execute("SELECT division_code, year, status FROM quality_status "
                     "WHERE status = 'blocked'").fetchall()
    assert got == [(R, 2011, "blocked")]
    years = [r[0] for r in wh.execute("SELECT DISTINCT year FROM kpi_annual ORDER BY 1").fetchall()]
    assert years == YEARS


def test_hard_fault_names_township_sheet_row_and_rule(wh):
    rows = wh.execute("SELECT rule_code, division_code, period, sheet, source_row, message_zh "
                      "FROM quality.violations WHERE severity = 'hard'").fetchall()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        ("H4", R, "2011Q4", "表2 特困人员救助供养", 2)]


def test_county_bed_growth_across_the_merger_and_code_change(wh):
    # 2016 over 2015: 河口乡's 2015 beds are in the base (its successor 马店镇 is in the county)
    got = kpi(wh, COUNTY, 2016, "eldercare_beds_growth")
    now, base = beds(2016, Z, R, C_NEW), beds(2015, Y, Z, R, C_NEW)
    assert (got["numerator"], got["denominator"]) == (now, base)
    assert got["value"] == pytest.approx(now / base - 1)
    assert (got["townships_expected"], got["townships_included"], got["complete"]) == (3, 3, True)


def test_county_growth_over_a_base_with_a_blocked_return_has_no_value(wh):
    # 2012 over 2011: 白庙乡's 2011Q4 return is blocked, so the base lacks a township
    got = kpi(wh, COUNTY, 2012, "eldercare_beds_growth")
    assert got["value"] is None and got["complete"] is False
    assert got["denominator"] == beds(2011, X, Y, Z, C_OLD)   # without the blocked return
    assert list(got["townships_missing"]) == [R]


def test_two_step_chain_township_growth(wh):
    # 马店镇 at current boundaries: 2012 over 2011 holds 西岭乡 (two steps: 西岭 → 河口 → 马店)
    got = kpi(wh, Z, 2012, "eldercare_beds_growth")
    now, base = beds(2012, Y, Z), beds(2011, X, Y, Z)
    assert (got["numerator"], got["denominator"]) == (now, base)
    assert got["value"] == pytest.approx(now / base - 1)
    assert (got["townships_expected"], got["townships_included"], got["complete"]) == (2, 2, True)
    got = kpi(wh, Z, 2016, "eldercare_beds_growth")
    now, base = beds(2016, Z), beds(2015, Y, Z)
    assert (got["numerator"], got["denominator"]) == (now, base)
    assert got["value"] == pytest.approx(now / base - 1)
    assert (got["townships_expected"], got["townships_included"], got["complete"]) == (1, 1, True)


def test_two_step_chain_2008_counts_all_three_for_madian(wh):
    got = kpi(wh, Z, 2008, "bed_occupancy_rate")
    assert got["denominator"] == beds(2008, X, Y, Z)
    assert got["numerator"] == sum(BEDS[(2008, c)] // 2 for c in (X, Y, Z))
    assert (got["townships_expected"], got["townships_included"], got["complete"]) == (3, 3, True)
    county = kpi(wh, COUNTY, 2008, "bed_occupancy_rate")
    assert county["denominator"] == beds(2008, X, Y, Z, R, C_OLD)
    assert (county["townships_expected"], county["townships_included"]) == (5, 5)


def test_growth_without_previous_year_has_no_value(wh):
    # no 2010 returns at all: 2011's growth has no base
    for code in (COUNTY, Z, C_NEW):
        assert kpi(wh, code, 2011, "eldercare_beds_growth")["value"] is None


def test_code_change_is_one_series(wh):
    got = kpi(wh, C_NEW, 2012, "eldercare_beds_growth")
    assert got["denominator"] == BEDS[(2011, C_OLD)]
    assert got["value"] == pytest.approx(BEDS[(2012, C_NEW)] / BEDS[(2011, C_OLD)] - 1)
    old = wh.execute("SELECT count(*) FROM kpi_annual WHERE division_code = ?", [C_OLD]).fetchone()
    assert old == (0,)
    got = kpi(wh, C_NEW, 2008, "bed_occupancy_rate")
    assert got["denominator"] == BEDS[(2008, C_OLD)]


def test_rename_is_one_series_named_as_in_force(wh):
    got = kpi(wh, R, 2016, "eldercare_beds_growth")
    assert got["value"] == pytest.approx(BEDS[(2016, R)] / BEDS[(2015, R)] - 1)
    assert got["division_name"] == "白庙镇"
    assert kpi(wh, R, 2015, "eldercare_beds_growth")["division_name"] == "白庙乡"


def test_standard_growth_weighted_across_the_chain(wh):
    # every township's standard is the year's: the county's weighted mean is that standard
    got = kpi(wh, COUNTY, 2016, "dibao_standard_growth_urban")
    assert got["value"] == pytest.approx(STANDARD[2016] / STANDARD[2015] - 1)
    got = kpi(wh, Z, 2016, "dibao_standard_growth_urban")
    assert got["value"] == pytest.approx(STANDARD[2016] / STANDARD[2015] - 1)


def test_blocked_return_feeds_no_figure(wh):
    # the county's 2011 beds and urban dibao persons are the four published returns'
    got = kpi(wh, COUNTY, 2011, "bed_occupancy_rate")
    assert got["denominator"] == beds(2011, X, Y, Z, C_OLD)
    assert (got["townships_expected"], got["townships_included"], got["complete"]) == (5, 4, False)
    got = kpi(wh, COUNTY, 2011, "dibao_coverage_rate_urban")
    assert got["numerator"] == sum(URBAN[(2011, c)] for c in (X, Y, Z, C_OLD))
    # the township whose only 2011 return is blocked has no row of 2011 at all (the county's
    # row names it missing)
    assert wh.execute("SELECT count(*) FROM kpi_annual WHERE division_code = ? AND year = 2011",
                      [R]).fetchone() == (0,)
    assert list(got["townships_missing"]) == [R]
