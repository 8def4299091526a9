"""divisions.csv may list the levels above the county (issue 15): provinces, prefecture cities
and counties with their parents, in English or Chinese level names; a parent of the wrong level
is refused alone and named. (The warehouse side — deriving unlisted levels from the codes — is
tests/test_hierarchy.py and the unit tests of int_divisions_resolved.)"""

from __future__ import annotations

from test_reference import DIV_HEADER, load, named, write

P, M, K1, K2, T1, T2 = ("370000000000", "371500000000", "371501000000", "371502000000",
                        "371501101000", "371502101000")


def test_divisions_csv_accepts_every_level(tmp_path):
    ref = tmp_path / "ref"
    write(ref, "divisions.csv", DIV_HEADER, [
        f"{P},山东省,山东,省,省,,2011-01-01,,",
        f"{M},某某市,某某,地级市,市,{P},2011-01-01,,",
        f"{K1},甲县,甲,county,县,{M},2011-01-01,,",
        f"{K2},乙县,乙,县,县,,2011-01-01,,",                  # parent derived from the code
        f"{T1},甲镇,甲,township,镇,{K1},2011-01-01,,",
        f"{T2},乙镇,乙,township,镇,{K2},2011-01-01,,",
        f"371503000000,丙县,丙,county,县,{T1},2011-01-01,,",  # 8 parent is a township
        f"371600000000,丁市,丁,city,市,{K1},2011-01-01,,",    # 9 parent is a county
        f"380000000000,戊省,戊,province,省,{P},2011-01-01,,",  # 10 a province's parent
    ])
    write(ref, "plan_targets.csv", "division_code,year,kpi_code,target,comparison,source", [])
    write(ref, "explanations.csv", "division_code,period,rule_code,text", [])
    result, tables, _ = load(tmp_path)
    assert named(result) == {
        ("divisions.csv", 8, "parent_code", "parent_wrong_level"),
        ("divisions.csv", 9, "parent_code", "parent_wrong_level"),
        ("divisions.csv", 10, "parent_code", "parent_wrong_level"),
    }
    levels = {r[0]: r[3] for r in tables["divisions"]}
    assert levels == {P: "province", M: "city", K1: "county", K2: "county",
                      T1: "township", T2: "township"}


def test_plan_targets_for_a_city_or_province_derived_from_the_codes(tmp_path):
    """A city bureau sets its targets for 地市3715 without listing the city in divisions.csv
    (the warehouse derives it from its counties' codes); a code that no county's prefix
    derives, and an upper level of a single-county file, stay unknown."""
    ref = tmp_path / "ref"
    write(ref, "divisions.csv", DIV_HEADER, [
        f"{K1},甲县,甲,county,县,,2011-01-01,,",
        f"{K2},乙县,乙,county,县,,2011-01-01,,",
        f"{T1},甲镇,甲,township,镇,{K1},2011-01-01,,",
        f"{T2},乙镇,乙,township,镇,{K2},2011-01-01,,",
    ])
    write(ref, "plan_targets.csv", "division_code,year,kpi_code,target,comparison,source", [
        f"{M},2025,dibao_coverage_rate_rural,0.04,>=,全市民政工作要点",
        f"{P},2025,dibao_coverage_rate_rural,0.04,>=,全省民政工作要点",
        "371600000000,2025,dibao_coverage_rate_rural,0.04,>=,另一个市",  # 4: no county of it
    ])
    write(ref, "explanations.csv", "division_code,period,rule_code,text", [])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 4, "division_code", "unknown_division")}
    assert {r[0] for r in tables["plan_targets"]} == {M, P}

    write(ref, "divisions.csv", DIV_HEADER, [  # one county: no levels above it are derived
        f"{K1},甲县,甲,county,县,,2011-01-01,,",
        f"{T1},甲镇,甲,township,镇,{K1},2011-01-01,,",
    ])
    result, tables, _ = load(tmp_path)
    assert ("plan_targets.csv", 2, "division_code", "unknown_division") in named(result)
