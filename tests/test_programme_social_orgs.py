"""表11 社会组织 (programmes/social_orgs.yaml): read from returns written cell by cell in the words
clerks use (traditional characters, a two-row 年检/评估 header, the 年检 block left blank before
Q4); edit rule H14 on a hand-built DuckDB (年检合格 ≤ 实际参加 ≤ 应参加, 3A及以上 ≤ 参加评估; a blank
is no violation); and the KPIs as dbt builds them (每万人社会组织数 over the townships that report
表11, 年检率 from the Q4 return only)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from handmade import (
    BAIMIAO,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    run_ingest,
    write_xlsx,
)
from test_dbt_support import COUNTY, T1, build_fixture_warehouse, insert_rows
from test_dbt_support import T2 as NEW_MARKET
from test_quality_support import T2, TOWNSHIPS, build_clean, mutate, sid

from civstat import workstate
from civstat.quality import evaluate
from civstat.refresh import refresh
from civstat.warehouse import Warehouse

COLUMNS = ["associations", "service_institutions", "foundations", "new_registered_ytd",
           "deregistered_ytd", "inspection_due_ytd", "inspection_attended_ytd",
           "inspection_passed_ytd", "evaluated_ytd", "rated_3a_ytd"]
INSPECTION = COLUMNS[5:]


def cover(period_text: str, fill_date: str, **kw) -> list[list]:
    """The hand-made cover of handmade.py, for another quarter."""
    return [[r[0], period_text] if r and r[0] == "报告期" else r
            for r in cover_rows(fill_date=fill_date, **kw)]


def raw_rows(con) -> list[tuple]:
    return con.execute(f"SELECT period, source_sheet, {', '.join(COLUMNS)} FROM raw.social_orgs "
                       "ORDER BY period").fetchall()


# -- read from returns written by hand ----------------------------------------------------------
def test_q4_return_in_traditional_characters_with_a_two_row_header(tmp_path):
    """A Q4 return: a title and a units line, traditional characters, 民辦非企業單位 for 社会服务机构,
    年檢情況 over 應參加 | 實際參加 | 合格 and 等級評估 over 參加評估 | 其中:3A及以上 (merged cells)."""
    sheet = [
        ["馬店鎮2024年第四季度民政統計季報——社會組織"],
        ["單位:個"],
        ["社會團體(個)", "民辦非企業單位(個)", "基金會", "本年新成立", "注銷撤銷", "年檢情況", None, None,
         "等級評估", None],
        [None, None, None, None, None, "應參加", "實際參加", "合格", "參加評估", "其中:3A及以上"],
        [18, 26, 1, 3, "1", 44, 42, "40", 5, 2],
        ["填表人:张三"],
    ]
    write_xlsx(tmp_path / "raw" / "2024Q4" / "马店镇.xlsx", cover("2024年第4季度", "2025年1月8日"),
               {**canonical_sheets(), "社會組織": sheet},
               merges={"社會組織": ["F3:H3", "I3:J3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4"]})
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.message_zh for q in result.quarantined]
    assert raw_rows(con) == [("2024Q4", "社會組織", 18, 26, 1, 3, 1, 44, 42, 40, 5, 2)]


def test_q3_return_leaves_the_year_end_block_blank(tmp_path):
    """Q3: the 年检/评估 cells are empty (they are filled in Q4) — read as blanks, not refused;
    the one-row header uses other words (社团数, 社会服务机构, 新登记, 注销登记, 应年检数 …)."""
    sheet = [
        ["社团数", "社会服务机构", "基金会数", "新登记", "注销登记", "应年检数", "实际年检数", "年检合格数",
         "参加评估数", "3A级及以上"],
        [17, 25, None, 2, 0, None, None, None, "—", None],
    ]
    write_xlsx(tmp_path / "raw" / "2024Q3" / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), "表11 民间组织管理": sheet})
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.message_zh for q in result.quarantined]
    assert raw_rows(con) == [("2024Q3", "表11 民间组织管理", 17, 25, None, 2, 0,
                              None, None, None, None, None)]


def test_optional_sheet_may_be_absent_but_not_without_its_required_columns(tmp_path):
    """表11 is optional: a return without it loads. A return whose 表11 lacks 社会团体 (required,
    *) is refused with one line naming the sheet and the column."""
    write_xlsx(tmp_path / "raw" / "2024Q3" / "马店镇.xlsx", cover_rows(), canonical_sheets())
    write_xlsx(tmp_path / "raw" / "2024Q3" / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), "社会组织": [["民办非企业单位", "基金会"], [12, 0]]})
    con, result = run_ingest(tmp_path)
    assert [i.file for i in result.loaded] == ["2024Q3/马店镇.xlsx"]
    assert con.execute("SELECT count(*) FROM raw.social_orgs").fetchone() == (0,)
    (row,) = quarantine_rows(con)
    assert row[:5] == ("2024Q3/白庙乡.xlsx", "missing_column", "社会组织", None, "社会团体")
    assert con.execute("SELECT division_code FROM raw.submissions").fetchall() == [(MADIAN,)]


# -- H14 on a hand-built DuckDB -----------------------------------------------------------------
@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """The clean quality county with a 表11 in every return: stocks constant within the year,
    新登记 growing, the 年检/评估 block blank in Q1–Q3 and consistent in Q4."""
    path = build_clean(tmp_path_factory.mktemp("social_orgs") / "clean.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute("""
            INSERT INTO raw.social_orgs
            SELECT submission_id, division_code, period, year, quarter, file_path, '表11 社会组织', 5,
                   file_sha256, submitted_at, 10 * i, 15 * i, NULL, quarter, 0,
                   CASE WHEN quarter = 4 THEN 24 * i END, CASE WHEN quarter = 4 THEN 23 * i END,
                   CASE WHEN quarter = 4 THEN 22 * i END, CASE WHEN quarter = 4 THEN 3 * i END,
                   CASE WHEN quarter = 4 THEN i END
            FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i FROM raw.submissions)
        """)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


RULES = ["H6", "H7", "H8", "H14", "S10", "S11"]  # every rule that reads raw.social_orgs
S4 = sid(T2, "2024Q4")
S3 = sid(T2, "2024Q3")


def run(path: Path, periods: list[str]):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, rules=RULES, periods=periods)
    finally:
        con.close()


def test_clean_county_passes_and_blank_q1_to_q3_is_no_violation(clean):
    periods = [f"{y}Q{q}" for y in (2023, 2024) for q in range(1, 5)]
    result = run(clean, periods)
    assert [v for v in result.violations if v.table_name == "social_orgs"] == []
    h14 = next(r for r in result.runs if r.rule_code == "H14")
    con = duckdb.connect(str(clean), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM raw.social_orgs t JOIN raw.submissions s USING "
                        "(submission_id) WHERE s.is_current").fetchone()[0]
        blank = con.execute("SELECT count(*) FROM raw.social_orgs WHERE quarter < 4 AND "
                            + " AND ".join(f"{c} IS NULL" for c in INSPECTION)).fetchone()[0]
    finally:
        con.close()
    assert h14.rows_checked == n and blank == 3 * n // 4  # every return checked, Q1–Q3 blank


@pytest.mark.parametrize(("edit", "column", "expected"), [
    ("inspection_passed_ytd = inspection_attended_ytd + 1", "inspection_passed_ytd", "年检合格 ≤ 实际参加年检"),
    ("inspection_attended_ytd = inspection_due_ytd + 2, inspection_passed_ytd = inspection_due_ytd",
     "inspection_attended_ytd", "实际参加年检 ≤ 应参加年检"),
    ("rated_3a_ytd = evaluated_ytd + 1", "rated_3a_ytd", "3A及以上 ≤ 参加等级评估"),
    # 实际参加 left blank: 合格 is still held to 应参加
    ("inspection_attended_ytd = NULL, inspection_passed_ytd = inspection_due_ytd + 1",
     "inspection_passed_ytd", "年检合格 ≤ 应参加年检"),
], ids=["passed>attended", "attended>due", "3A>evaluated", "passed>due,attended-blank"])
def test_h14_catches_its_breaks(clean, tmp_path, edit, column, expected):
    broken = mutate(clean, tmp_path / "broken.duckdb",
                    [f"UPDATE raw.social_orgs SET {edit} WHERE submission_id = '{S4}'"])
    found = run(broken, ["2024Q3", "2024Q4"]).violations
    # one finding, H14's (H8 leaves 表11's 3A及以上 to H14: no second finding for the same cell)
    assert [(v.rule_code, v.division_code, v.period, v.table_name, v.column_name) for v in found] == [
        ("H14", T2, "2024Q4", "social_orgs", column)]
    v = found[0]
    assert v.is_hard and v.sheet == "表11 社会组织" and v.division_name == TOWNSHIPS[T2][1]
    assert expected in v.message_zh and "{" not in v.message_zh and v.message_en


@pytest.mark.parametrize("edit", [
    # Q3: one township fills 应参加 early and leaves the rest blank
    f"UPDATE raw.social_orgs SET inspection_due_ytd = 30 WHERE submission_id = '{S3}'",
    # Q4: 合格 and 3A left blank, 实际参加 equal to 应参加
    (f"UPDATE raw.social_orgs SET inspection_attended_ytd = inspection_due_ytd, "
     f"inspection_passed_ytd = NULL, rated_3a_ytd = NULL WHERE submission_id = '{S4}'"),
    # Q4: the whole block left blank
    (f"UPDATE raw.social_orgs SET {', '.join(f'{c} = NULL' for c in INSPECTION)} "
     f"WHERE submission_id = '{S4}'"),
], ids=["q3-due-only", "q4-partly-blank", "q4-all-blank"])
def test_h14_blank_is_not_a_violation(clean, tmp_path, edit):
    edited = mutate(clean, tmp_path / "edited.duckdb", [edit])
    assert run(edited, ["2024Q3", "2024Q4"]).violations == []


# -- dbt: the KPIs ----------------------------------------------------------------------------
@pytest.mark.slow
def test_kpis_built_by_dbt(tmp_path_factory, dbt_isolated):
    """On the dbt fixture county (test_dbt_support) with a 表11 from 武康街道 (T1) only: the
    county's 每万人社会组织数 is T1's organisations per 10,000 of T1's population (新市镇 sends no
    表11, so its people are not in the denominator); 年检率 and 合格率 exist for Q4 only (the block
    is blank in Q1–Q3); a blank 实际参加 beside a stated 应参加 counts as 0 (2022)."""
    wh = Warehouse(tmp_path_factory.mktemp("wh_social_orgs") / "civstat.duckdb")
    fx = build_fixture_warehouse(wh.working)
    rows = []
    for s in fx.current("submissions"):
        if s["division_code"] != T1:
            continue
        q, y = s["quarter"], s["year"]
        q4 = q == 4
        rows.append({
            "submission_id": s["submission_id"], "division_code": T1, "period": s["period"],
            "year": y, "quarter": q, "source_file": s["file_path"], "source_sheet": "表11 社会组织",
            "source_row": 5, "file_sha256": s["file_sha256"], "submitted_at": s["submitted_at"],
            "associations": 12, "service_institutions": 20, "foundations": None,
            "new_registered_ytd": q, "deregistered_ytd": 0,
            "inspection_due_ytd": (30 if y == 2023 else 20) if q4 else None,
            "inspection_attended_ytd": 24 if q4 and y == 2023 else None,
            "inspection_passed_ytd": 18 if q4 and y == 2023 else None,
            "evaluated_ytd": 4 if q4 else None, "rated_3a_ytd": 2 if q4 else None})
    con = duckdb.connect(str(wh.working))
    try:
        insert_rows(con, "raw.social_orgs", rows)
        pop_t1 = con.execute("SELECT pop_total FROM raw.submissions WHERE division_code = ? AND "
                             "period = '2023Q4' AND is_current", [T1]).fetchone()[0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    workstate.mark_file(wh.working, "gate")
    refresh(wh, capture=True, gate=False)

    with wh.reader() as c:
        annual = {(d, y, k): v for d, y, k, v in c.execute(
            "SELECT division_code, year, kpi_code, value FROM kpi_annual "
            "WHERE kpi_code LIKE 'social_org%'").fetchall()}
        quarterly = {(p, k): v for p, k, v in c.execute(
            "SELECT period, kpi_code, value FROM kpi_quarterly WHERE division_code = ? "
            "AND year = 2023 AND kpi_code LIKE 'social_org%'", [COUNTY]).fetchall()}
        measures = dict(c.execute(
            "SELECT measure_code, value FROM fct_measures WHERE division_code = ? AND period = '2023Q4' "
            "AND measure_code LIKE 'social_org%'", [COUNTY]).fetchall())
    per_10k = 32 / pop_t1 * 10000
    for division in (COUNTY, T1):
        assert annual[(division, 2023, "social_orgs_per_10k")] == pytest.approx(per_10k)
        assert annual[(division, 2023, "social_org_inspection_rate")] == pytest.approx(0.8)
        assert annual[(division, 2023, "social_org_inspection_pass_rate")] == pytest.approx(0.75)
    assert annual.get((NEW_MARKET, 2023, "social_orgs_per_10k")) is None
    assert annual[(COUNTY, 2022, "social_org_inspection_rate")] == 0.0
    assert annual[(COUNTY, 2022, "social_org_inspection_pass_rate")] is None  # 0 ÷ 0
    for q in (1, 2, 3):
        assert quarterly[(f"2023Q{q}", "social_org_inspection_rate")] is None
        assert quarterly[(f"2023Q{q}", "social_orgs_per_10k")] == pytest.approx(per_10k)
    assert measures["social_orgs_total"] == 32 and measures["social_orgs_pop_total"] == pop_t1
    assert measures["social_org_inspection_due"] == 30 and measures["social_org_rated_3a"] == 2
