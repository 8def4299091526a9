"""表12 福利彩票与慈善 (programmes/lottery_charity.yaml) and 表14 流浪乞讨人员救助
(programmes/vagrants.yaml): read from returns written cell by cell in the words clerks use
(traditional characters, 万元 headers, numbers typed as text, 其中： with a full-width colon), the
generic edit rules on the new sheets, and the KPIs as dbt builds them — each rate's numerator and
denominator over the same townships."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from handmade import canonical_sheets, cover_rows, quarantine_rows, run_ingest, write_xlsx
from test_dbt_support import COUNTY, T1, T2, build_fixture_warehouse, insert_rows
from test_quality_support import T2 as CHENGBEI
from test_quality_support import build_clean, mutate, sid

from civstat import workstate
from civstat.quality import evaluate, load_catalogue
from civstat.refresh import refresh
from civstat.warehouse import Warehouse

LOTTERY = ["lottery_sales_ytd", "lottery_welfare_funds_ytd", "charity_donations_ytd",
           "charity_aided_ytd", "charity_shops", "volunteers", "welfare_enterprises",
           "welfare_enterprise_staff", "welfare_enterprise_disabled_staff"]
VAGRANTS = ["aided_ytd", "minors_ytd", "escorted_home_ytd", "funds_ytd"]


def row(con, table: str, columns: list[str]) -> list[tuple]:
    return con.execute(f"SELECT source_sheet, {', '.join(columns)} FROM raw.{table}").fetchall()


# -- read from returns written by hand ----------------------------------------------------------
def test_both_sheets_in_clerks_words(tmp_path):
    """表12 named 福彩與慈善 in traditional characters, sales and 公益金 in 万元 (萬元), donations
    typed as text with a thousands separator, 爱心超市 for 慈善超市, 其中：残疾职工 with a full-width
    colon; 表14 named 救助管理, 救助资金 in 万元 and the other columns in the words of the seeds."""
    lottery = [
        ["福利彩票銷售額(萬元)", "籌集公益金(萬元)", "慈善募捐(元)", "慈善救助人次", "愛心超市(個)",
         "注册志愿者人数", "福利企業數", "職工人數", "其中：殘疾職工"],
        [152.35, "45.7", "12,300", 86, 2, 3120, 1, 38, 15],
    ]
    vagrants = [
        ["救助生活无着的流浪乞讨人员(人次)", "其中:未成年人", "护送返乡人次", "救助资金(万元)"],
        [23, 2, 9, 1.25],
    ]
    write_xlsx(tmp_path / "raw" / "2024Q3" / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), "福彩與慈善": lottery, "救助管理": vagrants})
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.message_zh for q in result.quarantined]
    assert row(con, "lottery_charity", LOTTERY) == [
        ("福彩與慈善", 1_523_500.0, 457_000.0, 12_300.0, 86, 2, 3120, 1, 38, 15)]
    assert row(con, "vagrants", VAGRANTS) == [("救助管理", 23, 2, 9, 12_500.0)]


def test_seed_words_and_blank_optional_columns(tmp_path):
    """Other words (福彩销量, 福彩公益金, 募集善款, 慈善超市, 社会福利企业, 福利企业职工人数, 安置残疾职工;
    流浪乞讨救助 with 救助人次, 救助流浪未成年人, 护送回家, 救助经费); 表12's columns are all optional —
    a township without welfare enterprises leaves them blank or writes —."""
    lottery = [
        ["福彩销量(元)", "福彩公益金(元)", "募集善款(元)", "慈善超市", "社会福利企业", "福利企业职工人数",
         "安置残疾职工"],
        [880_000, 281_600, None, 1, "—", None, "/"],
    ]
    vagrants = [["救助人次", "救助流浪未成年人", "护送回家", "救助经费(元)"], [7, None, 3, 2100]]
    write_xlsx(tmp_path / "raw" / "2024Q3" / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), "表12 福利彩票和慈善": lottery, "流浪乞讨救助": vagrants})
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.message_zh for q in result.quarantined]
    assert row(con, "lottery_charity", LOTTERY) == [
        ("表12 福利彩票和慈善", 880_000.0, 281_600.0, None, None, 1, None, None, None, None)]
    assert row(con, "vagrants", VAGRANTS) == [("流浪乞讨救助", 7, None, 3, 2100.0)]


def test_vagrant_sheet_without_persons_aided_is_refused(tmp_path):
    """救助流浪乞讨人员 is required (*) on a 表14 that is present."""
    write_xlsx(tmp_path / "raw" / "2024Q3" / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), "表14 流浪乞讨人员救助": [["护送返乡", "救助资金(元)"], [3, 900]]})
    con, result = run_ingest(tmp_path)
    assert result.loaded == []
    (q,) = quarantine_rows(con)
    assert q[:5] == ("2024Q3/马店镇.xlsx", "missing_column", "表14 流浪乞讨人员救助", None, "救助流浪乞讨人员")
    assert con.execute("SELECT count(*) FROM raw.submissions").fetchone() == (0,)


# -- generic edit rules on the new sheets -------------------------------------------------------
@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    path = build_clean(tmp_path_factory.mktemp("lottery_vagrants") / "clean.duckdb")
    con = duckdb.connect(str(path))
    try:
        base = ("submission_id, division_code, period, year, quarter, file_path, '{sheet}', 5, "
                "file_sha256, submitted_at")
        src = ("FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i "
               "FROM raw.submissions)")
        con.execute(f"INSERT INTO raw.lottery_charity SELECT {base.format(sheet='表12 福利彩票与慈善')}, "
                    "100000.0 * i * quarter, 30000.0 * i * quarter, 5000.0 * i * quarter, 3 * i * quarter, "
                    f"1, 500 * i, 1, 40, 15 {src}")
        con.execute(f"INSERT INTO raw.vagrants SELECT {base.format(sheet='表14 流浪乞讨人员救助')}, "
                    f"4 * i * quarter, quarter, 2 * i * quarter, 600.0 * i * quarter {src}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def test_generic_rules_cover_the_new_sheets():
    cat = load_catalogue()
    assert {r.code for r in cat.rules_for("lottery_charity")} == {"H6", "H7", "H8", "S9", "S10", "S11"}
    assert {r.code for r in cat.rules_for("vagrants")} == {"H6", "H7", "H8", "S9", "S10", "S11"}


S = sid(CHENGBEI, "2024Q2")


@pytest.mark.parametrize(("rule", "table", "edit", "column"), [
    (None, None, None, None),
    ("H8", "vagrants", "minors_ytd = aided_ytd + 1", "minors_ytd"),
    ("H8", "lottery_charity", "welfare_enterprise_disabled_staff = 41", "welfare_enterprise_disabled_staff"),
    ("H6", "vagrants", "aided_ytd = 1", "aided_ytd"),
    ("S9", "lottery_charity", "lottery_sales_ytd = lottery_sales_ytd / 10000", "lottery_sales_ytd"),
], ids=["clean", "H8-minors", "H8-disabled", "H6-aided", "S9-sales-in-wanyuan"])
def test_generic_rules_on_the_new_sheets(clean, tmp_path, rule, table, edit, column):
    path = clean if edit is None else mutate(
        clean, tmp_path / "broken.duckdb", [f"UPDATE raw.{table} SET {edit} WHERE submission_id = '{S}'"])
    rules = ["H6", "H7", "H8", "S9", "S10", "S11"] if rule is None else [rule]
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = evaluate(con, rules=rules, periods=["2024Q2"]).violations
    finally:
        con.close()
    expected = [] if rule is None else [(rule, CHENGBEI, table, column)]
    assert [(v.rule_code, v.division_code, v.table_name, v.column_name) for v in found] == expected


# -- dbt: the KPIs ------------------------------------------------------------------------------
@pytest.mark.slow
def test_kpis_built_by_dbt(tmp_path_factory, dbt_isolated):
    """The dbt fixture county (test_dbt_support), 2023, both townships reporting 表12 and 表14:
    新市镇 (T2) leaves 公益金, 注册志愿者, 残疾职工 and 其中:未成年人 blank. 公益金筹集率 is T1's
    公益金 ÷ T1's sales (T2's sales without 公益金 stay out of it, but count in the sales total);
    志愿者比例 is over T1's population only; T2's blank 残疾职工 and 未成年人 count as 0."""
    wh = Warehouse(tmp_path_factory.mktemp("wh_lottery") / "civstat.duckdb")
    fx = build_fixture_warehouse(wh.working)
    lottery, vagrants = [], []
    for s in fx.current("submissions"):
        if s["year"] != 2023:
            continue
        q, t1 = s["quarter"], s["division_code"] == T1
        lineage = {"submission_id": s["submission_id"], "division_code": s["division_code"],
                   "period": s["period"], "year": 2023, "quarter": q, "source_file": s["file_path"],
                   "source_row": 5, "file_sha256": s["file_sha256"], "submitted_at": s["submitted_at"]}
        lottery.append({**lineage, "source_sheet": "表12 福利彩票与慈善",
                        "lottery_sales_ytd": (400_000.0 if t1 else 200_000.0) * q,
                        "lottery_welfare_funds_ytd": 120_000.0 * q if t1 else None,
                        "charity_donations_ytd": 50_000.0 * q if t1 else None,
                        "charity_aided_ytd": 10 * q, "charity_shops": 2 if t1 else 1,
                        "volunteers": 650 if t1 else None, "welfare_enterprises": 1,
                        "welfare_enterprise_staff": 40 if t1 else 30,
                        "welfare_enterprise_disabled_staff": 16 if t1 else None})
        vagrants.append({**lineage, "source_sheet": "表14 流浪乞讨人员救助",
                         "aided_ytd": (10 if t1 else 5) * q, "minors_ytd": q if t1 else None,
                         "escorted_home_ytd": 3 * q, "funds_ytd": 800.0 * q})
    con = duckdb.connect(str(wh.working))
    try:
        insert_rows(con, "raw.lottery_charity", lottery)
        insert_rows(con, "raw.vagrants", vagrants)
        pop_t1 = con.execute("SELECT pop_total FROM raw.submissions WHERE division_code = ? AND "
                             "period = '2023Q4' AND is_current", [T1]).fetchone()[0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    workstate.mark_file(wh.working, "gate")
    refresh(wh, capture=True, gate=False)

    codes = ("lottery_public_welfare_share", "volunteer_rate", "welfare_enterprise_disabled_share",
             "vagrant_minor_share")
    with wh.reader() as c:
        annual = {(d, k): v for d, k, v in c.execute(
            "SELECT division_code, kpi_code, value FROM kpi_annual WHERE year = 2023 "
            f"AND kpi_code IN {codes}").fetchall()}
        measures = dict(c.execute(
            "SELECT measure_code, value FROM fct_measures WHERE division_code = ? AND period = '2023Q4'",
            [COUNTY]).fetchall())
        funds = dict(c.execute(
            "SELECT programme_code, sum(funds_ytd) FROM fct_funds WHERE period = '2023Q4' "
            "AND programme_code IN ('lottery_public_welfare', 'charity', 'vagrants') GROUP BY ALL").fetchall())
    assert annual[(COUNTY, "lottery_public_welfare_share")] == pytest.approx(0.3)
    assert annual[(T1, "lottery_public_welfare_share")] == pytest.approx(0.3)
    assert annual[(T2, "lottery_public_welfare_share")] is None
    assert annual[(COUNTY, "volunteer_rate")] == pytest.approx(650 / pop_t1)
    assert annual[(COUNTY, "welfare_enterprise_disabled_share")] == pytest.approx(16 / 70)
    assert annual[(T2, "welfare_enterprise_disabled_share")] == 0.0
    assert annual[(COUNTY, "vagrant_minor_share")] == pytest.approx(4 / 60)
    assert annual[(T1, "vagrant_minor_share")] == pytest.approx(0.1)
    assert measures["lottery_sales_ytd"] == 2_400_000 and measures["lottery_welfare_funds_ytd"] == 480_000
    assert measures["volunteers_pop_total"] == pop_t1 and measures["vagrants_aided_ytd"] == 60
    assert funds == {"lottery_public_welfare": 480_000, "charity": 200_000, "vagrants": 6_400}
