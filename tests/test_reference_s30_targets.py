"""plan_targets.csv as a statistician types it in Excel or WPS: a ratio KPI's target written as a
whole per cent (95 for 95%, 15 for 增长15%) was loaded as 95.0 and 15.0, so 计划完成情况 said 未完成
with a gap of −94 and nothing else was said → refused, naming the cell and what to write, while
95%, 0.95, 150% (stated with its sign) and a count KPI's 35 are read; a KPI named by its Chinese
name (护理型床位占比, 村（居）委会女性成员比例) was refused unknown_kpi → read as its code; a decimal
comma (35,5) was dropped (355) → refused."""

from __future__ import annotations

import duckdb
import pytest
from test_reference import (
    DIV_HEADER,
    GOOD_DIVISIONS,
    PLAN_HEADER,
    T1,
    C,
    load,
    named,
    write,
    write_all,
)

from civstat.ingest.reference import create_ref_schema


def test_a_ratio_target_written_as_a_whole_percent_is_refused_and_named(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref, plans=[
        f"{C},2025,cremation_rate,95,>=,要点",                    # row 2: 95 for 95%
        f"{C},2025,nursing_bed_share,55%,>=,要点",                # row 3
        f"{C},2025,tekun_centralized_rate,0.3,>=,要点",           # row 4
        f"{C},2025,veteran_placement_rate,100,>=,要点",           # row 5: 100 for 100%
        f"{C},2025,eldercare_beds_growth,150%,>=,要点",           # row 6: stated with its sign
        f"{T1},2025,eldercare_beds_growth,15,>=,要点",            # row 7: 增长15% as 15
        f"{C},2025,beds_per_1000_elderly,35,>=,要点",             # row 8: a count per 1000, not a ratio
        f"{C},2025,safety_hazard_rectification_rate,1,>=,要点",   # row 9: 100% as 1
        f"{T1},2025,caregiver_training_rate,95.00%,>=,要点",      # row 10: Excel's percent format
    ], expl=[])
    result, tables, stored = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 2, "target", "target_not_fraction"),
                             ("plan_targets.csv", 5, "target", "target_not_fraction"),
                             ("plan_targets.csv", 7, "target", "target_not_fraction")}
    by_row = {r.row: r for r in result.refusals}
    assert "请写成 95% 或 0.95" in by_row[2].message_zh and "write 95% or 0.95" in by_row[2].message_en
    assert "请写成 100% 或 1" in by_row[5].message_zh
    assert "eldercare_beds_growth" in by_row[7].message_zh and "请写成 15% 或 0.15" in by_row[7].message_zh
    assert all("该目标未载入" in r.message_zh for r in result.refusals)
    assert sorted(tables["plan_targets"]) == [
        (C, 2025, "beds_per_1000_elderly", 35.0, ">=", "要点"),
        (C, 2025, "eldercare_beds_growth", 1.5, ">=", "要点"),
        (C, 2025, "nursing_bed_share", 0.55, ">=", "要点"),
        (C, 2025, "safety_hazard_rectification_rate", 1.0, ">=", "要点"),
        (C, 2025, "tekun_centralized_rate", 0.3, ">=", "要点"),
        (T1, 2025, "caregiver_training_rate", 0.95, ">=", "要点"),
    ]
    assert {(f, r, c, k) for f, r, c, k, _, _ in stored} == named(result)


def test_a_whole_percent_target_kept_from_an_earlier_load_is_removed_not_kept(tmp_path):
    """A warehouse loaded before this check holds cremation_rate 95.0: the file row, still 95, is
    refused and must not fall back to that same wrong target as the last good row."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    create_ref_schema(con)
    con.execute("INSERT INTO ref.plan_targets VALUES (?, 2025, 'cremation_rate', 95.0, '>=', '要点'),"
                " (?, 2025, 'nursing_bed_share', 0.55, '>=', '要点')", [C, C])
    con.close()
    write_all(tmp_path / "ref", plans=[f"{C},2025,cremation_rate,95,>=,要点",
                                       f"{C},2025,nursing_bed_share,0.6,>=,要点"], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 2, "target", "target_not_fraction"),
                             ("plan_targets.csv", 0, "target", "last_good_invalid")}
    assert not any(r.kept_last_good for r in result.refusals)
    assert tables["plan_targets"] == [(C, 2025, "nursing_bed_share", 0.6, ">=", "要点")]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_kpi_named_by_its_chinese_name_is_read_as_its_code(tmp_path, encoding):
    ref = tmp_path / "ref"
    write(ref, "divisions.csv", DIV_HEADER, GOOD_DIVISIONS, encoding)
    write(ref, "plan_targets.csv", PLAN_HEADER, [
        f"{C},2025,护理型床位占比,55%,≥,要点",
        f"{C},2025,村（居）委会女性成员比例,0.3,>=,要点",   # full-width brackets as typed
        f"{C},2025, 特困人员集中供养率 ,0.3,>=,要点",
        f"{C},2025,集中供养率,0.3,>=,要点",               # not a KPI's name: refused as before
    ], encoding)
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 5, "kpi_code", "unknown_kpi")}
    assert sorted(tables["plan_targets"]) == [
        (C, 2025, "committee_female_share", 0.3, ">=", "要点"),
        (C, 2025, "nursing_bed_share", 0.55, ">=", "要点"),
        (C, 2025, "tekun_centralized_rate", 0.3, ">=", "要点"),
    ]


def test_a_kpi_by_its_name_and_by_its_code_is_one_key(tmp_path):
    """The same target by name and by code collapses; a different one conflicts, both named."""
    write_all(tmp_path / "ref", plans=[f"{C},2025,护理型床位占比,0.55,>=,要点",
                                       f"{C},2025,nursing_bed_share,55%,>=,要点",
                                       f"{C},2025,火化率,0.9,>=,要点",
                                       f"{C},2025,cremation_rate,0.95,>=,要点"], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 4, "target", "duplicate_conflict"),
                             ("plan_targets.csv", 5, "target", "duplicate_conflict")}
    assert tables["plan_targets"] == [(C, 2025, "nursing_bed_share", 0.55, ">=", "要点")]


def test_a_decimal_comma_in_a_target_is_refused_not_dropped(tmp_path):
    """"35,5" (35.5 typed with a decimal comma) loaded as 355 and "0,950" as 950; a comma that
    separates thousands (1,200; 12,0000 in 万 groups) is read."""
    write_all(tmp_path / "ref", plans=[
        f'{C},2025,beds_per_1000_elderly,"35,5",>=,要点',         # row 2
        f'{T1},2025,beds_per_1000_elderly,"0,950",>=,要点',       # row 3
        f'{C},2025,social_workers_per_10k,"1,200",>=,要点',       # row 4
        f'{T1},2025,social_workers_per_10k,"12,0000",>=,要点',    # row 5
        f'{C},2025,temp_assist_per_case,"1,234.5",>=,要点',       # row 6
    ], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 2, "target", "bad_value"),
                             ("plan_targets.csv", 3, "target", "bad_value")}
    assert all("逗号不是千位分隔符" in r.message_zh for r in result.refusals)
    assert sorted(tables["plan_targets"]) == [
        (C, 2025, "social_workers_per_10k", 1200.0, ">=", "要点"),
        (C, 2025, "temp_assist_per_case", 1234.5, ">=", "要点"),
        (T1, 2025, "social_workers_per_10k", 120000.0, ">=", "要点"),
    ]
