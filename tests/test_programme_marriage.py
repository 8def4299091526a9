"""表9 婚姻收养登记 (programmes/marriage.yaml): read from returns written cell by cell the way
clerks head their columns (traditional characters, 其中:, numbered headers), refused without a
required column; the 离结比 half of S12 (离婚登记 above 0.8 × 结婚登记) and H8 (涉外 ≤ 结婚) on a
hand-built warehouse; and the demo generator's magnitudes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from handmade import (
    MADIAN,
    assert_refused_for_missing_column,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)
from test_quality_support import T2, build_clean, mutate, sid

from civstat.contract import load_contract
from civstat.quality import evaluate, load_catalogue

SHEET = "表9 婚姻收养登记"


# -- reading ---------------------------------------------------------------------------------


def test_marriage_sheet_read_from_a_clerks_return(tmp_path):
    rows = [
        ["婚姻收养登记情况(1月至本季度末累计)"],
        ["1、結婚登記(對)", "其中:涉外婚姻登记(对)", "2、離婚登記(对)", "3、补领结婚证(件)",
         "4、收養登記(件)", "5、婚姻家庭辅导人次"],
        [268, 3, "97", 41, 2, 150],
        ["审核人：李四"],
    ]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), "婚姻登记": rows})
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    cols = [c.name for c in load_contract().sheet("marriage").columns]
    got = con.execute(f"SELECT division_code, source_sheet, source_row, {', '.join(cols)} "
                      "FROM raw.marriage").fetchall()
    assert cols == ["marriages_ytd", "foreign_marriages_ytd", "divorces_ytd",
                    "certificates_reissued_ytd", "adoptions_ytd", "counselling_ytd"]
    assert got == [(MADIAN, "婚姻登记", 3, 268, 3, 97, 41, 2, 150)]


def test_marriage_sheet_without_a_required_column_is_refused(tmp_path):
    rows = [["结婚登记(对)", "补领婚姻登记证(件)"], [268, 41]]  # 离婚登记 left out
    assert_refused_for_missing_column(tmp_path, SHEET, rows, "离婚登记", "marriage")


# -- edit rules on a hand-built county ------------------------------------------------------
# Every current return of the quality fixture county gets a 表9 row: township index i, quarter q
# → 结婚 40·i·q, 涉外 q, 离婚 16·i·q (离结比 0.4), 补领 5·i·q, 收养 q, 辅导 20·i·q.


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    path = build_clean(tmp_path_factory.mktemp("marriage") / "clean.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute(f"""
            INSERT INTO raw.marriage
            SELECT submission_id, division_code, period, year, quarter, file_path, '{SHEET}', 3,
                   file_sha256, submitted_at,
                   40 * i * quarter, quarter, 16 * i * quarter, 5 * i * quarter, quarter, 20 * i * quarter
            FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i FROM raw.submissions)
        """)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


MARRIAGES = 40 * (int(T2[-4:]) % 97 + 1) * 2   # T2's 2024Q2 结婚登记


def run(path: Path, rules=("S12", "H8")):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, catalogue=load_catalogue(), rules=list(rules), periods=["2024Q2"])
    finally:
        con.close()


def _set(**values) -> str:
    sets = ", ".join(f"{k} = {v}" for k, v in values.items())
    return f"UPDATE raw.marriage SET {sets} WHERE submission_id = '{sid(T2, '2024Q2')}'"


def test_clean_county_passes(clean):
    result = run(clean)
    assert result.violations == []
    assert {r.rule_code for r in result.runs} == {"S12", "H8"}


def test_s12_divorces_above_eight_tenths_of_marriages(clean, tmp_path):
    divorces = MARRIAGES * 8 // 10 + 1
    found = run(mutate(clean, tmp_path / "b.duckdb", [_set(divorces_ytd=divorces)])).violations
    assert [(v.rule_code, v.division_code, v.table_name, v.column_name, v.is_hard) for v in found] == [
        ("S12", T2, "marriage", "divorces_ytd", False)]
    v = found[0]
    ratio = f"{divorces * 100 / MARRIAGES:.1f}%"
    assert v.sheet == SHEET and v.value == f"离结比 {ratio}"
    assert f"离婚登记 {divorces:,} 对、结婚登记 {MARRIAGES:,} 对,离结比 {ratio},高于 80%" in v.message_zh
    assert v.message_zh.endswith("请说明")


def test_s12_ratio_of_exactly_eight_tenths_passes(clean, tmp_path):
    assert MARRIAGES * 8 % 10 == 0
    assert run(mutate(clean, tmp_path / "ok.duckdb", [_set(divorces_ytd=MARRIAGES * 8 // 10)])).violations == []


def test_s12_divorces_without_marriages(clean, tmp_path):
    found = run(mutate(clean, tmp_path / "b.duckdb", [_set(marriages_ytd=0, foreign_marriages_ytd=0)])).violations
    assert [(v.rule_code, v.column_name) for v in found] == [("S12", "divorces_ytd")]
    assert "结婚登记 0 对" in found[0].message_zh


def test_h8_foreign_marriages_are_part_of_marriages(clean, tmp_path):
    found = run(mutate(clean, tmp_path / "b.duckdb", [_set(foreign_marriages_ytd=MARRIAGES + 1)])).violations
    assert [(v.rule_code, v.table_name, v.column_name) for v in found] == [
        ("H8", "marriage", "foreign_marriages_ytd")]


# -- the demo generator ----------------------------------------------------------------------


def test_generated_marriage_figures_are_plausible():
    from civstat.generate.model import build_county

    county = build_county(years=(2024, 2025))
    totals = {2024: [0, 0, 0], 2025: [0, 0, 0]}   # marriages, divorces, population
    for r in county.returns:
        rows = r.data.get("marriage") or []
        if not rows or r.quarter != 4 or r.correction:
            continue
        row = rows[0]
        assert (row["foreign_marriages_ytd"] or 0) <= row["marriages_ytd"]
        assert row["divorces_ytd"] <= 0.8 * row["marriages_ytd"]   # S12 quiet
        t = totals[r.year]
        t[0], t[1], t[2] = t[0] + row["marriages_ytd"], t[1] + row["divorces_ytd"], t[2] + r.cover["pop_total"]
    for marriages, divorces, pop in totals.values():
        assert 3.5 <= marriages / pop * 1000 <= 6          # pairs per 1,000 people a year
        assert 1000 <= marriages <= 5000                   # a few thousand in the county
        assert 0.3 <= divorces / marriages <= 0.5
    assert totals[2025][0] < totals[2024][0]               # fewer marriages every year
