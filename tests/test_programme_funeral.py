"""表10 殡葬管理服务 (programmes/funeral.yaml): read from returns written cell by cell the way
clerks head their columns (traditional characters, 万元, 其中:), refused without a required
column, optional as a sheet; its edit rules H13 (火化遗体 / 惠民殡葬减免人数 ≤ 死亡人数 × 1.05) and
the 火化率 half of S12 (±10 points off the township's previous-year rate, mergers included) on a
hand-built warehouse; and the demo generator's magnitudes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from handmade import (
    CHENGGUAN,
    MADIAN,
    assert_refused_for_missing_column,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)
from test_quality_support import MERGED, T5, T6, build_clean, mutate, sid

from civstat.contract import load_contract
from civstat.quality import evaluate, load_catalogue

SHEET = "表10 殡葬管理服务"


# -- reading ---------------------------------------------------------------------------------


def _funeral_rows() -> list[list[object]]:
    """A title line, headers as a clerk types them (traditional 火化遺體, 万元, 其中:), a footer."""
    return [
        ["2024年1-9月殡葬管理服务情况"],
        ["死亡人口(人)", "火化遺體(具)", "惠民殯葬減免人數(人)", "惠民殡葬减免资金(万元)",
         "节地生态安葬(例)", "公益性公墓数(个)", "其中:农村公益性公墓(个)"],
        [312, 298, 251, 30.12, 27, 6, 5],
        ["填表人：张三"],
    ]


def test_funeral_sheet_read_from_a_clerks_return(tmp_path):
    # the sheet named by a synonym in traditional characters
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), "殯葬管理": _funeral_rows()})
    # a township without the optional sheet
    write_xlsx(raw_folder(tmp_path) / "城关.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN),
               canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    cols = [c.name for c in load_contract().sheet("funeral").columns]
    rows = con.execute(f"SELECT division_code, source_sheet, source_row, {', '.join(cols)} "
                       "FROM raw.funeral").fetchall()
    assert rows == [(MADIAN, "殯葬管理", 3, 312, 298, 251, 301_200.0, 27, 6, 5)]
    assert con.execute("SELECT count(*) FROM raw.submissions WHERE division_code = ?",
                       [CHENGGUAN]).fetchone()[0] == 1


def test_funeral_sheet_without_a_required_column_is_refused(tmp_path):
    rows = [["死亡人数(人)", "惠民殡葬减免人数(人)"], [312, 251]]  # 火化遗体 left out
    assert_refused_for_missing_column(tmp_path, SHEET, rows, "火化遗体", "funeral")


# -- edit rules on a hand-built county ------------------------------------------------------
# Every current return of the quality fixture county (six townships, 2023–2024, 古城乡 merged
# into 六合镇 in 2024) gets a 表10 row: township index i, quarter q → deaths 30·i·q, cremated
# 27·i·q (火化率 90 % everywhere), 惠民殡葬 20·i·q persons at 1,200 元.


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    path = build_clean(tmp_path_factory.mktemp("funeral") / "clean.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute(f"""
            INSERT INTO raw.funeral
            SELECT submission_id, division_code, period, year, quarter, file_path, '{SHEET}', 3,
                   file_sha256, submitted_at,
                   30 * i * quarter, 27 * i * quarter, 20 * i * quarter, 24000.0 * i * quarter,
                   3 * i * quarter, 4, 3
            FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i FROM raw.submissions)
        """)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def _i(code: str) -> int:
    return int(code[-4:]) % 97 + 1


def run(path: Path, period: str = "2024Q2", rules=("H13", "S12")):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, catalogue=load_catalogue(), rules=list(rules), periods=[period])
    finally:
        con.close()


def _set(code: str, period: str, **values) -> str:
    sets = ", ".join(f"{k} = {v}" for k, v in values.items())
    return f"UPDATE raw.funeral SET {sets} WHERE submission_id = '{sid(code, period)}'"


def test_clean_county_passes(clean):
    result = run(clean)
    assert result.violations == []
    assert {r.rule_code for r in result.runs} == {"H13", "S12"}
    assert next(r for r in result.runs if r.rule_code == "H13").rows_checked > 0


def test_h13_cremated_above_deaths(clean, tmp_path):
    deaths = 30 * _i(T5) * 2
    broken = mutate(clean, tmp_path / "b.duckdb", [_set(T5, "2024Q2", cremated_ytd=deaths * 105 // 100 + 1)])
    found = run(broken, rules=["H13"]).violations
    assert [(v.rule_code, v.division_code, v.table_name, v.column_name, v.is_hard) for v in found] == [
        ("H13", T5, "funeral", "cremated_ytd", True)]
    assert found[0].sheet == SHEET and "火化遗体 ≤ 死亡人数 × 1.05" in found[0].message_zh


def test_h13_holds_at_the_bound(clean, tmp_path):
    deaths = 30 * _i(T5) * 2   # 1.05 × deaths is a whole number: the bound itself, both columns
    ok = mutate(clean, tmp_path / "ok.duckdb",
                [_set(T5, "2024Q2", cremated_ytd=deaths * 105 // 100, subsidy_persons_ytd=deaths * 105 // 100)])
    assert deaths * 105 % 100 == 0
    assert run(ok, rules=["H13"]).violations == []


def test_h13_waived_fees_above_deaths(clean, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb", [_set(T5, "2024Q2", subsidy_persons_ytd=30 * _i(T5) * 2 * 2)])
    found = run(broken, rules=["H13"]).violations
    assert [(v.rule_code, v.column_name) for v in found] == [("H13", "subsidy_persons_ytd")]
    assert "惠民殡葬减免人数" in found[0].message_zh


def test_s12_cremation_rate_falls_more_than_ten_points(clean, tmp_path):
    # 2024Q2: 火化率 90 % → 79.5 %, against 2023's full-year 90 %
    deaths = 30 * _i(T5) * 2
    broken = mutate(clean, tmp_path / "b.duckdb", [_set(T5, "2024Q2", cremated_ytd=round(deaths * 0.795))])
    found = run(broken, rules=["S12"]).violations
    assert [(v.rule_code, v.division_code, v.table_name, v.column_name, v.is_hard) for v in found] == [
        ("S12", T5, "funeral", "cremated_ytd", False)]
    msg = found[0].message_zh
    assert "火化率 79.5%" in msg and "2023年)全年为 90.0%" in msg and "降低 10.5 个百分点" in msg
    assert found[0].value == "火化率 79.5%"


def test_s12_cremation_rate_within_ten_points_passes(clean, tmp_path):
    deaths = 30 * _i(T5) * 2   # 80.0 % cremated: exactly 10 points below 90 %
    assert deaths * 8 % 10 == 0
    ok = mutate(clean, tmp_path / "ok.duckdb", [_set(T5, "2024Q2", cremated_ytd=deaths * 8 // 10)])
    assert run(ok, rules=["S12"]).violations == []


def test_s12_cremation_rate_rises_more_than_ten_points(clean, tmp_path):
    # the previous year's Q4 is the base: 2023 full year at 70 %, 2024Q2 at 90 %
    i = _i(T5)
    broken = mutate(clean, tmp_path / "b.duckdb", [_set(T5, "2023Q4", cremated_ytd=30 * i * 4 * 7 // 10)])
    found = run(broken, rules=["S12"]).violations
    assert [(v.division_code, v.period) for v in found] == [(T5, "2024Q2")]
    assert "提高 20.0 个百分点" in found[0].message_zh


def test_s12_base_of_a_merged_township_includes_the_absorbed_one(clean, tmp_path):
    """六合镇 (T6) absorbed 古城乡 in 2024: its 2023 base is both townships' 2023Q4 returns."""
    i6 = _i(T6)
    drop = _set(T6, "2024Q2", cremated_ytd=round(30 * i6 * 2 * 0.78))       # 78 %
    assert [v.division_code for v in run(mutate(clean, tmp_path / "a.duckdb", [drop]),
                                         rules=["S12"]).violations] == [T6]   # against 90 %
    # 古城乡's 2023: many deaths, few cremations — together the two townships had 80 %
    deaths6, cremated6, deaths_m = 30 * i6 * 4, 27 * i6 * 4, 1440
    assert (deaths6 + deaths_m) % 5 == 0
    cremated_m = (deaths6 + deaths_m) * 4 // 5 - cremated6
    assert 0 <= cremated_m <= deaths_m
    low = _set(MERGED, "2023Q4", deaths_ytd=deaths_m, cremated_ytd=cremated_m)
    assert run(mutate(clean, tmp_path / "b.duckdb", [drop, low]), rules=["S12"]).violations == []
    # without 古城乡's 表10 the base is incomplete: no comparison at all
    gone = f"DELETE FROM raw.funeral WHERE submission_id = '{sid(MERGED, '2023Q4')}'"
    assert run(mutate(clean, tmp_path / "c.duckdb", [drop, gone]), rules=["S12"]).violations == []


def test_s12_ignores_an_impossible_base(clean, tmp_path):
    """A previous year that breaks H13 itself (火化 > 1.05 × 死亡) is no base for S12."""
    i = _i(T5)
    bad_base = _set(T5, "2023Q4", cremated_ytd=30 * i * 4 * 2)
    assert run(mutate(clean, tmp_path / "b.duckdb", [bad_base]), rules=["S12"]).violations == []


# -- the demo generator ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def county():
    from civstat.generate.model import build_county

    return build_county(years=(2024, 2025))


def test_generated_funeral_figures_are_plausible(county):
    planted = county.plants.get("violation")
    rates: dict[str, list[float]] = {"街道": [], "镇": [], "乡": []}
    types = {d["division_code"]: d["type"] for d in county.divisions}
    deaths = pops = 0
    for r in county.returns:
        rows = r.data.get("funeral") or []
        if not rows or (planted and (r.division_code, r.year, r.quarter) == tuple(planted)):
            continue
        row = rows[0]
        assert row["cremated_ytd"] <= row["deaths_ytd"] * 1.05   # H13
        assert (row["subsidy_persons_ytd"] or 0) <= row["deaths_ytd"] * 1.05
        assert (row["rural_public_cemeteries"] or 0) <= (row["public_cemeteries"] or 0)
        if r.quarter == 4 and not r.correction:
            rates[types[r.division_code]].append(row["cremated_ytd"] / row["deaths_ytd"])
            if r.year == 2025:
                deaths += row["deaths_ytd"]
                pops += r.cover["pop_total"]
    assert 6 <= deaths / pops * 1000 <= 10          # deaths per 1,000 people a year
    assert min(rates["街道"]) >= 0.94 and max(rates["乡"]) < min(rates["街道"])
    assert 0.7 <= min(rates["乡"]) and max(rates["乡"]) <= 0.95
