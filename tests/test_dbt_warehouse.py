"""The dbt warehouse built by `civstat build` on the hand-derivable fixture county.

One dbt build for the module (plus one failing build at the end); expected values are
computed here in Python from the fixture's raw rows, independently of the SQL.
"""

from __future__ import annotations

import hashlib

import duckdb
import pytest
from click.testing import CliRunner
from test_dbt_support import (
    BLOCKED,
    COUNTY,
    RESUBMITTED,
    SOFT,
    T1,
    T2,
    T3,
    build_fixture_warehouse,
)

from civstat import workstate
from civstat.build import build_command
from civstat.contract import load_contract
from civstat.refresh import refresh as build_warehouse
from civstat.warehouse import Warehouse

KPI_COUNT = len(load_contract().kpis)  # every KPI of the catalogue, for every division


@pytest.fixture(scope="module")
def built(tmp_path_factory, dbt_isolated):
    wh = Warehouse(tmp_path_factory.mktemp("wh") / "civstat.duckdb")
    fx = build_fixture_warehouse(wh.working)
    # the fixture's own quality findings stand for the gate's (the real edit rules would block
    # most of its synthetic returns: see test_warehouse_refresh)
    workstate.mark_file(wh.working, "gate")
    build_warehouse(wh, capture=True, gate=False)
    return wh, fx


@pytest.fixture()
def con(built):
    wh, _ = built
    with wh.reader() as c:
        yield c


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_build_publishes_a_readable_warehouse(built, con):
    wh, _ = built
    assert wh.path.exists() and wh.working.exists()
    tables = {r[0] for r in rows(con, "SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main'")}
    for mart in ("dim_division", "dim_period", "dim_programme", "dim_kpi", "fct_recipients",
                 "fct_funds", "fct_disaster_losses", "fct_eldercare_beds", "fct_veteran_placement",
                 "fct_welfare_subsidies", "kpi_quarterly", "kpi_annual", "plan_targets",
                 "kpi_plan_completion", "quality_status", "audit_superseded_submissions"):
        assert mart in tables, mart
    # staging views still resolve in the published copy (catalog name is the same)
    assert rows(con, "SELECT count(*) FROM staging.stg_dibao")[0][0] > 0


def test_every_kpi_for_every_township_and_the_county(con):
    per_period = dict(rows(con, "SELECT period, count(*) FROM kpi_quarterly GROUP BY period"))
    for period, n in per_period.items():
        townships = 2  # 2022's three townships are restated to today's two
        if (T2, period) == BLOCKED:
            townships -= 1  # a blocked return is excluded from the marts
        assert n == (townships + 1) * KPI_COUNT, period
    assert len(per_period) == 8
    annual = dict(rows(con, "SELECT year, count(*) FROM kpi_annual GROUP BY year"))
    # 2022: T1, T2 (restated, includes 筏头乡) and the county; 2023 the same
    assert annual == {2022: 3 * KPI_COUNT, 2023: 3 * KPI_COUNT}


def _sum(rs, key):
    return sum(r[key] for r in rs)


def test_county_rates_are_ratios_of_sums(built, con):
    _, fx = built
    for period in ("2022Q4", "2023Q4", "2023Q3"):
        subs = [s for s in fx.current("submissions")
                if s["period"] == period and (s["division_code"], period) != BLOCKED]
        dibao = [r for r in fx.published("dibao") if r["period"] == period and not r["is_total"]]
        persons = _sum([r for r in dibao if r["category"] == "rural"], "persons")
        pop = _sum(subs, "pop_rural")
        value, num, den = rows(con, "SELECT value, numerator, denominator FROM kpi_quarterly "
                                    "WHERE division_code = ? AND period = ? AND kpi_code = "
                                    "'dibao_coverage_rate_rural'", [COUNTY, period])[0]
        assert (num, den) == (persons, pop)
        assert value == pytest.approx(persons / pop)


def test_merged_township_is_restated_into_its_successor(built, con):
    _, fx = built
    tekun = [r for r in fx.published("tekun") if r["period"] == "2022Q4" and not r["is_total"]]
    t2_t3 = [r for r in tekun if r["division_code"] in (T2, T3)]
    num, den = rows(con, "SELECT numerator, denominator FROM kpi_annual WHERE division_code = ? "
                         "AND year = 2022 AND kpi_code = 'tekun_centralized_rate'", [T2])[0]
    assert (num, den) == (_sum(t2_t3, "centralized"), _sum(t2_t3, "persons"))
    assert rows(con, "SELECT count(*) FROM kpi_quarterly WHERE division_code = ?", [T3])[0][0] == 0
    # as reported: the facts keep 筏头乡's own code, with its successor alongside
    assert rows(con, "SELECT DISTINCT current_division_code FROM fct_recipients "
                     "WHERE division_code = ?", [T3]) == [(T2,)]
    assert rows(con, "SELECT current_division_code, is_current FROM dim_division "
                     "WHERE division_code = ?", [T3]) == [(T2, False)]


def test_quarterly_funds_are_ytd_differences(built, con):
    _, fx = built
    ytd = {(r["division_code"], r["year"], r["quarter"], r["category"]): r["funds_ytd"]
           for r in fx.current("dibao") if not r["is_total"]}
    got = {(d, y, q, c): v for d, y, q, c, v in rows(
        con, "SELECT division_code, year, quarter, category, funds_quarter FROM fct_funds "
             "WHERE programme_code = 'dibao'")}
    assert got
    blocked_code, blocked_period = BLOCKED
    after_blocked = (blocked_code, int(blocked_period[:4]), int(blocked_period[-1]) + 1)
    for (d, y, q, c), value in got.items():
        if (d, y, q) == after_blocked:
            continue
        expected = ytd[(d, y, q, c)] - (ytd[(d, y, q - 1, c)] if q > 1 else 0)
        assert value == pytest.approx(expected), (d, y, q, c)
    # the blocked quarter has no row; the quarter after it has no previous quarter to subtract
    # (never YTD(Q4) − YTD(blocked Q3), nor the two-quarter YTD(Q4) − YTD(Q2)), and its YTD stays
    assert (T2, 2023, 3, "urban") not in got
    assert got[(T2, 2023, 4, "urban")] is None
    assert rows(con, "SELECT funds_ytd FROM fct_funds WHERE division_code = ? AND period = '2023Q4' "
                     "AND programme_code = 'dibao' AND category = 'urban'", [T2]) == [
        (ytd[(T2, 2023, 4, "urban")],)]


def test_only_current_submissions_feed_the_marts(built, con):
    _, fx = built
    code, period = RESUBMITTED
    current = [r for r in fx.current("dibao")
               if (r["division_code"], r["period"]) == (code, period) and r["category"] == "urban"]
    assert rows(con, "SELECT persons FROM fct_recipients WHERE division_code = ? AND period = ? "
                     "AND programme_code = 'dibao' AND category = 'urban'", [code, period]) == [
        (current[0]["persons"],)]
    superseded = [s["submission_id"] for s in fx.rows["submissions"] if not s["is_current"]]
    assert [r[0] for r in rows(con, "SELECT submission_id FROM audit_superseded_submissions")] == superseded
    assert rows(con, "SELECT count(*) FROM fct_funds WHERE submission_id = ?", [superseded[0]])[0][0] == 0


def test_quality_gate_blocks_hard_and_lists_soft(con):
    code, period = BLOCKED
    assert rows(con, "SELECT status, hard_rules FROM quality_status WHERE division_code = ? "
                     "AND period = ?", [code, period]) == [("blocked", "H5")]
    for fact in ("fct_recipients", "fct_funds", "fct_eldercare_beds", "fct_veteran_placement",
                 "fct_welfare_subsidies", "kpi_quarterly"):
        n = rows(con, f"SELECT count(*) FROM {fact} WHERE division_code = ? AND period = ?",
                 [code, period])[0][0]
        assert n == 0, fact
    scode, speriod, srule = SOFT
    assert rows(con, "SELECT status FROM quality_status WHERE division_code = ? AND period = ?",
                [scode, speriod]) == [("published",)]
    assert rows(con, "SELECT rule_code, is_explained FROM quality_warnings") == [(srule, True)]
    # run-1's H3 on T1 2023Q1 was cleared by run-2
    assert rows(con, "SELECT status FROM quality_status WHERE division_code = ? AND period = "
                     "'2023Q1'", [T1]) == [("published",)]


def test_disaster_events_deduplicated(built, con):
    _, fx = built
    events = {(r["division_code"], r["event_date"], r["hazard_type"])
              for r in fx.published("disaster_events")}
    assert rows(con, "SELECT count(*) FROM fct_disaster_losses")[0][0] == len(events)
    # figures come from the latest published return listing the event
    latest = {}
    for r in sorted(fx.published("disaster_events"), key=lambda r: (r["year"], r["quarter"])):
        latest[(r["division_code"], r["event_date"], r["hazard_type"])] = r["direct_loss"]
    got = {(d, e, h): v for d, e, h, v in rows(
        con, "SELECT division_code, event_date, hazard_type, direct_loss FROM fct_disaster_losses")}
    assert got == latest


def test_annual_flows_are_full_year_and_person_months_from_stocks(built, con):
    _, fx = built
    dibao = [r for r in fx.published("dibao") if not r["is_total"] and r["category"] == "urban"]
    cur = [r for r in fx.current("dibao") if not r["is_total"] and r["category"] == "urban"]
    # T2's person-months for 2023 are unknown (its Q3 return is blocked): T2 is left out of the
    # county's numerator and denominator alike, and the figure says so
    funds = _sum([r for r in dibao if r["period"] == "2023Q4" and r["division_code"] == T1],
                 "funds_ytd")
    person_months = 3 * _sum([r for r in cur if r["year"] == 2023 and r["division_code"] == T1],
                             "persons")
    value, num, den = rows(con, "SELECT value, numerator, denominator FROM kpi_annual WHERE "
                                "division_code = ? AND year = 2023 AND kpi_code = "
                                "'dibao_monthly_per_capita_urban'", [COUNTY])[0]
    assert (num, den) == (funds, person_months)
    assert value == pytest.approx(funds / person_months)
    assert rows(con, "SELECT townships_expected, townships_included, complete, townships_missing "
                     "FROM kpi_annual WHERE division_code = ? AND year = 2023 AND kpi_code = "
                     "'dibao_monthly_per_capita_urban'", [COUNTY]) == [(2, 1, False, [T2])]
    assert rows(con, "SELECT value, numerator, complete FROM kpi_annual WHERE division_code = ? "
                     "AND year = 2023 AND kpi_code = 'dibao_monthly_per_capita_urban'", [T2]) == [
        (None, None, False)]


def test_plan_completion(con):
    got = {(d, k): (t, a, ach, gap) for d, k, t, a, ach, gap in rows(
        con, "SELECT division_code, kpi_code, target, actual, achieved, gap FROM kpi_plan_completion")}
    assert len(got) == 3
    for (d, k), (target, actual, achieved, gap) in got.items():
        value = rows(con, "SELECT value FROM kpi_annual WHERE division_code = ? AND year = 2023 "
                          "AND kpi_code = ?", [d, k])[0][0]
        assert actual == value
        assert gap == pytest.approx(value - target)
    assert got[(COUNTY, "tekun_centralized_rate")][2] is (got[(COUNTY, "tekun_centralized_rate")][1] >= 0.5)
    assert got[(T1, "veteran_placement_rate")][2] is False  # = 1.0 required


def test_column_docs_are_persisted_bilingual(con):
    comment = rows(con, "SELECT comment FROM duckdb_columns() WHERE table_name = 'kpi_quarterly' "
                        "AND column_name = 'value'")[0][0]
    assert "比率" in comment and "fraction" in comment


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_build_does_not_publish(built):
    wh, _ = built
    before = _digest(wh.path)
    with duckdb.connect(str(wh.working)) as c:
        c.execute("INSERT INTO ref.plan_targets VALUES (?, 2023, 'nursing_bed_share', 0.5, '>>', 'x')",
                  [COUNTY])
    try:
        result = CliRunner().invoke(build_command, ["--warehouse", str(wh.path), "--no-gate"])
        assert result.exit_code != 0
        assert "未发布" in result.output
        assert _digest(wh.path) == before
    finally:
        with duckdb.connect(str(wh.working)) as c:
            c.execute("DELETE FROM ref.plan_targets WHERE comparison = '>>'")


# -- coverage: a blocked return feeds no figure, and every short aggregate says so -------------
def test_blocked_return_is_in_no_fact_or_kpi_row(built, con):
    code, period = BLOCKED
    sid = next(s["submission_id"] for s in built[1].current("submissions")
               if (s["division_code"], s["period"]) == BLOCKED)
    for fact in ("fct_recipients", "fct_funds", "fct_assistance_cases", "fct_eldercare_beds",
                 "fct_veteran_placement", "fct_welfare_subsidies", "fct_disaster_losses"):
        assert rows(con, f"SELECT count(*) FROM {fact} WHERE submission_id = ?", [sid])[0][0] == 0, fact
    for view in ("int_township_measures", "int_dibao_person_months", "int_flows_long",
                 "int_flows_quarterly"):
        assert rows(con, f"SELECT count(*) FROM intermediate.{view} WHERE submission_id = ?",
                    [sid])[0][0] == 0, view
    assert rows(con, "SELECT count(*) FROM kpi_quarterly WHERE division_code = ? AND period = ?",
                [code, period])[0][0] == 0


def test_county_figures_of_the_blocked_quarter_sum_the_unblocked_townships(built, con):
    _, fx = built
    code, period = BLOCKED
    persons = _sum([r for r in fx.current("dibao") if r["period"] == period and not r["is_total"]
                    and r["division_code"] != code and r["category"] == "urban"], "persons")
    assert persons == 20 * 1 + 2 * 3 + 1  # T1 (i = 1) in 2023 (k = 1), Q3: 20i + 2q + k
    assert rows(con, "SELECT numerator, townships_expected, townships_included, complete, "
                     "townships_missing FROM kpi_quarterly WHERE division_code = ? AND period = ? "
                     "AND kpi_code = 'dibao_coverage_rate_urban'", [COUNTY, period]) == [
        (persons, 2, 1, False, [code])]
    assert rows(con, "SELECT townships_expected, townships_included, complete, townships_missing "
                     "FROM period_coverage WHERE division_code = ? AND period = ?",
                [COUNTY, period]) == [(2, 1, False, [code])]


def test_complete_is_false_for_exactly_the_blocked_quarter(con):
    _, period = BLOCKED
    year, quarter = int(period[:4]), int(period[-1])
    incomplete = rows(con, "SELECT DISTINCT period, kpi_code FROM kpi_quarterly "
                           "WHERE division_level = 'county' AND NOT complete")
    contract = load_contract()
    summed = {m["code"] for m in contract.measures if m["kind"] == "ytd_quarters"}
    over_quarters = {k["code"] for k in contract.kpis
                     if {k.get("numerator"), k.get("denominator")} & summed}
    assert {"dibao_monthly_per_capita_urban", "disaster_relief_per_affected"} <= over_quarters
    by_kind = {p for p, k in incomplete if k not in over_quarters}
    assert by_kind == {period}
    # 月人均补助 (person-months) and 人均救灾资金 (表5's events) sum the year's quarters: short of
    # T2 from the blocked quarter to year end
    year_kpis = {p for p, k in incomplete if k in over_quarters}
    assert year_kpis == {f"{year}Q{q}" for q in range(quarter, 5)}
    for exp, inc, complete in rows(con, "SELECT townships_expected, townships_included, complete "
                                        "FROM kpi_quarterly WHERE division_level = 'county'"):
        assert inc == exp if complete else inc == exp - 1
    # 2022: 筏头乡 is in force and expected with 新市镇; township rows expect their own areas
    assert rows(con, "SELECT DISTINCT townships_expected FROM kpi_quarterly WHERE division_code = ? "
                     "AND year = 2022", [COUNTY]) == [(3,)]
    assert rows(con, "SELECT DISTINCT townships_expected FROM kpi_quarterly WHERE division_code = ? "
                     "AND year = 2022", [T2]) == [(2,)]
    assert rows(con, "SELECT DISTINCT townships_expected FROM kpi_quarterly WHERE division_code = ? ",
                [T1]) == [(1,)]
    comment = rows(con, "SELECT comment FROM duckdb_columns() WHERE table_name = 'kpi_quarterly' "
                        "AND column_name = 'townships_included'")[0][0]
    assert "乡镇" in comment


def test_placement_rate_counts_pending_veterans(built, con):
    _, fx = built
    youfu = {(r["division_code"], r["period"]): r for r in fx.published("youfu")}
    t1 = youfu[(T1, "2023Q4")]
    assert t1["veterans_pending"] > 0
    expected = t1["veterans_placed_ytd"] / (t1["veterans_placed_ytd"] + t1["veterans_pending"])
    value, num, den = rows(con, "SELECT value, numerator, denominator FROM kpi_annual WHERE "
                                "division_code = ? AND year = 2023 AND kpi_code = "
                                "'veteran_placement_rate'", [T1])[0]
    assert (num, den) == (4, 8) and value == pytest.approx(expected) == 0.5
    # T2 leaves 待安置 out: the old formula 安排工作 ÷ (接收 − 自主就业)
    t2 = youfu[(T2, "2023Q4")]
    assert t2["veterans_pending"] is None
    assert rows(con, "SELECT denominator FROM kpi_annual WHERE division_code = ? AND year = 2023 "
                     "AND kpi_code = 'veteran_placement_rate'", [T2]) == [
        (t2["veterans_received_ytd"] - t2["veterans_self_employed_ytd"],)]
    assert rows(con, "SELECT veterans_pending FROM fct_veteran_placement WHERE division_code = ? "
                     "AND period = '2023Q4'", [T1]) == [(t1["veterans_pending"],)]


def test_standards_keep_the_reported_unit_and_an_exact_monthly_equivalent(built, con):
    """Rural standards are reported yearly (7,200 / 7,800 元/人·年), urban ones monthly: each is
    kept as reported with its unit; the monthly equivalent is exactly ÷ 12 (7,800 → 650)."""
    _, fx = built
    for r in fx.published("dibao"):
        if r["is_total"]:
            continue
        got = rows(con, "SELECT standard_reported, standard_unit, standard_period, standard_monthly "
                        "FROM fct_recipients WHERE submission_id = ? AND programme_code = 'dibao' "
                        "AND category = ?", [r["submission_id"], r["category"]])
        yearly = r["standard_period"] == "year"
        assert got == [(r["standard"], "元/人·年" if yearly else "元/人·月", r["standard_period"],
                         r["standard"] / 12 if yearly else r["standard"])]
    assert rows(con, "SELECT standard_monthly FROM fct_recipients WHERE division_code = ? AND "
                     "period = '2023Q4' AND programme_code = 'dibao' AND category = 'rural'",
                [T1]) == [(650.0,)]
    # the county's rural standard is yearly, as every township reported it; urban monthly
    got = {c: (s, u, m) for c, s, u, m in rows(
        con, "SELECT category, standard, standard_unit, standard_monthly FROM dibao_standards "
             "WHERE division_code = ? AND period = '2023Q4'", [COUNTY])}
    assert got == {"rural": (7800.0, "元/人·年", 650.0), "urban": (850.0, "元/人·月", 850.0)}
    # the growth KPI compares monthly equivalents: 650 / 600 − 1
    value = rows(con, "SELECT value FROM kpi_annual WHERE division_code = ? AND year = 2023 AND "
                      "kpi_code = 'dibao_standard_growth_rural'", [COUNTY])[0][0]
    assert value == pytest.approx(650 / 600 - 1)


def test_report_states_standards_in_the_townships_unit(built, tmp_path):
    """The summary says 由…提高到… in the unit the townships used: rural yearly, urban monthly;
    the growth is the KPI's (monthly equivalents: 650 / 600 − 1 = 8.3%)."""
    import re

    from civstat.report import render_reports

    wh, _ = built
    files = render_reports(2023, formats=["html"], out_dir=tmp_path, warehouse=wh.path)
    html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "农村低保保障标准由年人均7,200元提高到年人均7,800元，比上年增长8.3%。" in text
    assert "城市低保保障标准由月人均800元提高到月人均850元" in text
    assert "7,800元/人·月" not in text
