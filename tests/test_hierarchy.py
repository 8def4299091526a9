"""Above the county (issue 15): a small multi-county drop (``generate(scale='city')``: four
counties of four townships in prefecture city 3791, province 37, none of which divisions.csv
lists) is ingested and built; the warehouse derives the city and the province from the codes,
and their KPIs are the sums of the townships' numerators and denominators — recomputed here in
Python from the township rows — with the rate of the sums, never a mean of rates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from civstat.generate import generate

CITY, PROVINCE = "379100000000", "370000000000"
COUNTIES = [f"3791{i:02d}000000" for i in range(1, 5)]


def _civstat(*args: str, env: dict) -> None:
    exe = Path(sys.executable).with_name("civstat")
    res = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=False)
    assert res.returncode == 0, f"civstat {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}"


@pytest.fixture(scope="module")
def con(tmp_path_factory, dbt_isolated):
    root = tmp_path_factory.mktemp("city")
    env = {
        **os.environ,
        "CIVSTAT_WAREHOUSE": str(root / "civstat.duckdb"),
        "CIVSTAT_RAW_DIR": str(root / "raw"),
        "CIVSTAT_REFERENCE_DIR": str(root / "reference"),
        "CIVSTAT_OUTPUT_DIR": str(root / "out"),
        "CIVSTAT_QUARANTINE_DIR": str(root / "quarantine"),
    }
    generate(root / "raw", root / "reference", scale="city", years=(2025,), messy=False)
    wh = env["CIVSTAT_WAREHOUSE"]
    _civstat("ingest", "--raw", env["CIVSTAT_RAW_DIR"], "--reference",
             env["CIVSTAT_REFERENCE_DIR"], "--warehouse", wh, env=env)
    _civstat("build", "--warehouse", wh, env=env)
    c = duckdb.connect(wh, read_only=True)
    yield c
    c.close()


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_dim_division_has_the_whole_path(con):
    levels = dict(rows(con, "SELECT division_level, count(*) FROM dim_division GROUP BY 1"))
    assert levels == {"province": 1, "city": 1, "county": 4, "township": 16}
    assert rows(con, "SELECT division_name, parent_code, city_code, province_code FROM dim_division "
                     "WHERE division_code = ?", [CITY]) == [("地市3791", PROVINCE, CITY, PROVINCE)]
    assert rows(con, "SELECT division_name, parent_code, province_code FROM dim_division "
                     "WHERE division_code = ?", [PROVINCE]) == [("省37", None, PROVINCE)]
    # every county's parent is the derived city; every township carries its full path
    assert {r[0] for r in rows(con, "SELECT parent_code FROM dim_division "
                                    "WHERE division_level = 'county'")} == {CITY}
    bad = rows(con, "SELECT division_code FROM dim_division WHERE division_level = 'township' "
                    "AND NOT (county_code = parent_code AND city_code = ? AND province_code = ? "
                    "AND county_name IS NOT NULL AND city_name = '地市3791')", [CITY, PROVINCE])
    assert bad == []


def _definitions(con):
    """Additive KPIs (both measures summed, same-period denominator): formula and scale."""
    return {k: (f, s) for k, f, s in rows(con, """
        SELECT k.kpi_code, k.formula, k.scale
        FROM seeds.kpi_definitions AS k
        JOIN seeds.measure_definitions AS n ON n.measure_code = k.numerator_measure
        LEFT JOIN seeds.measure_definitions AS d ON d.measure_code = k.denominator_measure
        WHERE n.aggregation = 'sum' AND coalesce(d.aggregation, 'sum') = 'sum'
            AND k.denominator_period = 'same'""")}


def test_city_and_province_kpis_are_recomputed_from_the_townships(con):
    defs = _definitions(con)
    assert len(defs) > 20
    path = dict(rows(con, "SELECT division_code, county_code FROM dim_division "
                          "WHERE division_level = 'township'"))
    num, den = defaultdict(float), defaultdict(float)
    has_num, has_den = set(), set()
    for code, kpi, n, d in rows(con, "SELECT division_code, kpi_code, numerator, denominator "
                                     "FROM kpi_annual WHERE year = 2025 "
                                     "AND division_level = 'township'"):
        if kpi not in defs:
            continue
        for scope in (path[code], CITY, PROVINCE):
            if n is not None:
                num[scope, kpi] += n
                has_num.add((scope, kpi))
            if d is not None:
                den[scope, kpi] += d
                has_den.add((scope, kpi))
    got = {(code, kpi): (level, v, n, d) for code, level, kpi, v, n, d in rows(con, """
        SELECT division_code, division_level, kpi_code, value, numerator, denominator
        FROM kpi_annual WHERE year = 2025 AND division_level IN ('county', 'city', 'province')""")}
    checked = 0
    for scope in [*COUNTIES, CITY, PROVINCE]:
        for kpi, (formula, scale) in defs.items():
            level, value, n, d = got[scope, kpi]
            assert level == {CITY: "city", PROVINCE: "province"}.get(scope, "county")
            exp_n = num[scope, kpi] if (scope, kpi) in has_num else None
            exp_d = den[scope, kpi] if (scope, kpi) in has_den else None
            assert n == pytest.approx(exp_n), (scope, kpi)
            assert d == pytest.approx(exp_d), (scope, kpi)
            if formula == "ratio" and exp_n is not None and exp_d:
                assert value == pytest.approx(exp_n / exp_d * scale), (scope, kpi)
                checked += 1
            elif formula == "value" and exp_n is not None:
                assert value == pytest.approx(exp_n * scale), (scope, kpi)
    assert checked > 20
    # one city: the province is that city
    for kpi in defs:
        assert got[CITY, kpi][1:] == got[PROVINCE, kpi][1:]


def test_a_city_rate_is_not_a_mean_of_county_rates(con):
    (value, n, d), = rows(con, "SELECT value, numerator, denominator FROM kpi_annual "
                               "WHERE division_code = ? AND year = 2025 "
                               "AND kpi_code = 'dibao_coverage_rate_rural'", [CITY])
    counties = rows(con, "SELECT numerator, denominator FROM kpi_annual WHERE year = 2025 "
                         "AND division_level = 'county' AND kpi_code = 'dibao_coverage_rate_rural'")
    assert value == pytest.approx(sum(c[0] for c in counties) / sum(c[1] for c in counties))
    assert (n, d) == (pytest.approx(sum(c[0] for c in counties)),
                      pytest.approx(sum(c[1] for c in counties)))


def test_upper_levels_carry_their_coverage(con):
    for code in (CITY, PROVINCE):
        cov = rows(con, "SELECT DISTINCT townships_expected, townships_included, complete, "
                        "townships_missing, counties_expected, counties_complete, "
                        "counties_incomplete FROM kpi_annual WHERE division_code = ? "
                        "AND year = 2025", [code])
        assert cov == [(16, 16, True, [], 4, 4, [])], code
        assert rows(con, "SELECT DISTINCT townships_expected, counties_expected FROM "
                         "period_coverage WHERE division_code = ?", [code]) == [(16, 4)]
    # county and township rows count townships only
    assert rows(con, "SELECT DISTINCT counties_expected FROM kpi_annual "
                     "WHERE division_level IN ('county', 'township')") == [(None,)]


def test_measures_and_standards_at_every_level(con):
    levels = {r[0] for r in rows(con, "SELECT DISTINCT division_level FROM fct_measures")}
    assert levels == {"township", "county", "city", "province"}
    persons = dict(rows(con, "SELECT division_level, sum(value) FROM fct_measures "
                             "WHERE measure_code = 'dibao_persons_rural' AND period = '2025Q4' "
                             "GROUP BY 1"))
    assert persons["city"] == persons["county"] == persons["township"] == persons["province"]
    assert {r[0] for r in rows(con, "SELECT DISTINCT division_level FROM dibao_standards")} == {
        "township", "county", "city", "province"}
