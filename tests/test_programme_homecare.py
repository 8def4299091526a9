"""表16 居家和社区养老服务 (``programmes/homecare.yaml``): read from returns written cell by cell
in the words clerks use (助餐点 / 老年食堂 / 长者食堂, traditional characters), the generic edit
rules its year-to-date columns call for, its flows, and the demo county's magnitudes against the
90 % plan target. Its coverage rate built by dbt (村(居)委会 carried from 表15) is tested with
表13's and 表15's in ``test_programme_children_community.py``."""

from __future__ import annotations

import duckdb
import pytest
from handmade import (
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)
from test_quality_support import T2, build_clean, mutate, sid

from civstat.contract import dbtgen, load_contract
from civstat.generate.model import build_county
from civstat.quality import evaluate, load_catalogue

COLUMNS = ["homecare_centers", "homecare_stations", "meal_points", "home_visits_ytd",
           "senior_contracted", "senior_cards_ytd"]
VALUES = [2, 17, 6, 1_830, 412, 263]

SHEETS = {
    # the form's own words
    "form": ("表16 居家和社区养老服务", [
        ["居家养老服务中心(个)", "居家养老服务站(个)", "老年助餐点(个)", "居家养老上门服务(人次)",
         "高龄老人家庭签约服务(人)", "老年人优待证发放(张)"], VALUES]),
    # a clerk's, in traditional characters: 服務站點, 長者食堂, 上門服務人次, 發放優待證
    "traditional": ("居家養老服務", [
        ["居家養老服務中心(個)", "居家養老服務站點(個)", "長者食堂(個)", "上門服務人次",
         "高齡老人家庭簽約服務人數", "發放老年人優待證(張)"], VALUES]),
    # another's: 助餐点, 老年食堂 elsewhere; a title row and a label column above and beside
    "clerk": ("社区居家养老服务", [
        ["社区居家养老服务情况表"],
        ["项目", "社区居家养老服务中心", "村级居家养老服务站", "助餐点", "累计上门服务人次",
         "签约服务高龄老人", "办理老年人优待证"],
        ["本期", *VALUES]]),
}


@pytest.mark.parametrize("variant", sorted(SHEETS))
def test_homecare_read_in_clerks_words(tmp_path, variant):
    name, rows = SHEETS[variant]
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), {**canonical_sheets(), name: rows})
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    got = con.execute(f"SELECT division_code, period, source_sheet, {', '.join(COLUMNS)} "
                      "FROM raw.homecare").fetchall()
    assert got == [(MADIAN, "2024Q3", name, *VALUES)]


def test_meal_points_alone_are_a_valid_sheet(tmp_path):
    """No column of 表16 is required: a township that runs only 老年食堂 reports just those."""
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), "表16 居家和社区养老服务": [["老年食堂(个)"], [3]]})
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    assert con.execute(f"SELECT {', '.join(COLUMNS)} FROM raw.homecare").fetchall() == [
        (None, None, 3, None, None, None)]


def test_year_to_date_columns_are_flows_of_their_lines():
    contract = load_contract()
    prog = contract.programme("homecare")
    data = next(p for p in dbtgen.catalogue_data(contract)["programmes"] if p["code"] == "homecare")
    assert {(f["column"], f["programme"], f["flow"]) for f in data["flows"]} == {
        ("home_visits_ytd", "homecare", "home_visits"),
        ("senior_cards_ytd", "senior_preferential", "cards_issued")}
    lines = {line["code"] for line in prog.spending_lines}
    assert {f["programme"] for f in data["flows"]} <= lines
    assert {c.name: c.kind for c in prog.sheet.columns if c.kind == "ytd"} == {
        "home_visits_ytd": "ytd", "senior_cards_ytd": "ytd"}


# -- the generic rules on 表16 (quality fixture county) -------------------------------------------

S = sid(T2, "2024Q2")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The quality fixture county with a 表16 on every return: stocks constant, visits and cards
    growing through the year."""
    path = build_clean(tmp_path_factory.mktemp("homecare") / "clean.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute("""
            INSERT INTO raw.homecare BY NAME
            SELECT submission_id, division_code, period, year, quarter, file_path AS source_file,
                   '表16 居家和社区养老服务' AS source_sheet, 5 AS source_row, file_sha256, submitted_at,
                   1 AS homecare_centers, 10 + i AS homecare_stations, 3 AS meal_points,
                   300 * i * quarter AS home_visits_ytd, 50 * i AS senior_contracted,
                   20 * i * quarter AS senior_cards_ytd
            FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i FROM raw.submissions)
        """)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def _violations(path, rules):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, rules=rules, periods=["2024Q2"]).violations
    finally:
        con.close()


def test_generic_rules_cover_homecare(clean):
    assert {r.code for r in load_catalogue().rules_for("homecare")} == {"H6", "H7", "S10", "S11"}
    assert _violations(clean, ["H6", "H7", "S11"]) == []


@pytest.mark.parametrize(("rule", "edit", "column"), [
    ("H6", "home_visits_ytd = 1", "home_visits_ytd"),        # 1月至本期 below last quarter's
    ("H6", "senior_cards_ytd = 0", "senior_cards_ytd"),
    ("H7", "meal_points = -1", "meal_points"),
])
def test_generic_rules_catch_homecare_breaks(clean, tmp_path, rule, edit, column):
    broken = mutate(clean, tmp_path / "broken.duckdb",
                    [f"UPDATE raw.homecare SET {edit} WHERE submission_id = '{S}'"])
    found = _violations(broken, [rule])
    assert [(v.rule_code, v.division_code, v.table_name, v.column_name) for v in found] == [
        (rule, T2, "homecare", column)]
    assert found[0].sheet == "表16 居家和社区养老服务"


def test_sheet_left_out_after_a_quarter_with_it_asks_for_a_note(clean, tmp_path):
    broken = mutate(clean, tmp_path / "broken.duckdb", [f"DELETE FROM raw.homecare WHERE submission_id = '{S}'"])
    found = _violations(broken, ["S11"])
    assert [(v.rule_code, v.division_code, v.table_name, v.is_hard) for v in found] == [
        ("S11", T2, "homecare", False)]
    assert "居家和社区养老服务" in found[0].message_zh


# -- the demo county -----------------------------------------------------------------------------


def test_demo_county_falls_short_of_the_90_percent_target():
    """A centre or two per township and stations in most villages: the county's coverage is
    plausible and below the plan's 90 %, better than the year before."""
    county = build_county(years=(2024, 2025))
    plans = {(p["kpi_code"], p["target"], p["comparison"]) for p in county.plans
             if p["kpi_code"] == "homecare_station_coverage"}
    assert plans == {("homecare_station_coverage", 0.9, ">=")}
    coverage = {}
    for year in (2024, 2025):
        q4 = [r for r in county.returns if (r.year, r.quarter) == (year, 4)]
        stations = committees = 0
        for r in q4:
            if not {"homecare", "community"} <= set(r.data):  # a township may leave either out
                continue
            h, c = r.data["homecare"][0], r.data["community"][0]
            n = c["village_committees"] + c["resident_committees"]
            assert 1 <= h["homecare_centers"] <= 3 and h["homecare_stations"] <= n
            assert h["meal_points"] < n
            pop60 = r.cover["pop_60plus"]
            assert 0.2 * pop60 <= h["home_visits_ytd"] <= 1.0 * pop60   # 人次 a year
            assert h["senior_cards_ytd"] < 0.07 * pop60
            stations += h["homecare_centers"] + h["homecare_stations"]
            committees += n
        coverage[year] = stations / committees
    assert 0.55 <= coverage[2024] < coverage[2025] < 0.9
