"""``civstat ingest``, ``build`` and ``check`` as processes on a drop zone of years 2008–2025
mixed: three townships' returns of 2008Q4, 2016Q4 and 2025Q1, an empty quarter folder (2019Q2),
a quarter folder holding only refused files (2020Q3: a file that is no workbook, a workbook
without 表1), and a hard fault in 白庙乡's 2016Q4 return (H4: 城市特困 7 persons, 2 集中 + 4 分散).

Exit codes and messages as the README's table says: ingest 1 naming the refused files; build 0,
published without the blocked return; check 1 naming township, sheet, row and rule for 2016Q4;
check of 2020Q3 — returns sent, every one refused — exit 1 naming the files (before: exit 2,
"no current returns", as if nothing had been sent); check of the empty 2019Q2 exit 2.
Returns written cell by cell (tests/handmade.py)."""

from __future__ import annotations

import duckdb
import handmade as hm
import pytest

from civstat.quality.marts import MART_TABLES

pytestmark = pytest.mark.slow

PERIODS = ["2008Q4", "2016Q4", "2025Q1"]
BLOCKED = ("2016Q4", hm.BAIMIAO)
STANDARD_2008 = {"urban": 300, "rural": 150}   # 元/人·月: the 2024 figures are no 2008 standard


def sheets(period: str, code: str) -> dict[str, hm.Rows]:
    out = hm.quarter_sheets(period)
    if period == "2008Q4":
        for row, kind in ((1, "urban"), (2, "rural")):
            out["表1 最低生活保障"][row][-1] = STANDARD_2008[kind]
    if (period, code) == BLOCKED:
        out["表2 特困人员救助供养"][1][1] = 7
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("s40cli"))  # its reports under it (run_civstat)


def _run(root):
    for period in PERIODS:
        for code, name, _, _ in hm.TOWNS:
            hm.write_xlsx(root / "raw" / period / f"{name}.xlsx",
                          hm.quarter_cover(name, code, period), sheets(period, code))
    (root / "raw" / "2019Q2").mkdir(parents=True)
    refused = root / "raw" / "2020Q3"
    refused.mkdir(parents=True)
    (refused / "马店镇.xlsx").write_bytes(b"not a workbook")
    no_t1 = hm.quarter_sheets("2020Q3")
    del no_t1["表1 最低生活保障"]
    hm.write_xlsx(refused / "白庙乡.xlsx", hm.quarter_cover("白庙乡", hm.BAIMIAO, "2020Q3"), no_t1)
    hm.write_reference(root / "reference", valid_from="2000-01-01")
    out = {"root": root}
    for key, args in [("ingest", ["ingest"]), ("build", ["build"]),
                      ("check_blocked", ["check", "--period", "2016Q4"]),
                      ("check_refused", ["check", "--period", "2020Q3"]),
                      ("check_empty", ["check", "--period", "2019Q2"]),
                      ("check_clean", ["check", "--period", "2025Q1"]),
                      ("report_refused", ["report", "--period", "2020", "--format", "html"])]:
        out[key] = hm.run_civstat(root, *args)
    return out


def test_ingest_exits_1_naming_the_refused_files(runs):
    p = runs["ingest"]
    assert p.returncode == 1, p.stderr
    assert "2020Q3/马店镇.xlsx" in p.stdout and "无法打开工作簿" in p.stdout
    assert "2020Q3/白庙乡.xlsx" in p.stdout and "缺少工作表 表1 最低生活保障" in p.stdout
    assert "Traceback" not in p.stderr


def test_build_publishes_every_year_without_the_blocked_return(runs):
    p = runs["build"]
    assert p.returncode == 0, p.stderr[-2000:]
    assert "已发布 / published" in p.stdout
    con = duckdb.connect(str(runs["root"] / "civstat.duckdb"), read_only=True)
    try:
        periods = [r[0] for r in con.execute(
            "SELECT DISTINCT period FROM kpi_quarterly ORDER BY 1").fetchall()]
        county = dict(con.execute(
            "SELECT period, numerator FROM kpi_quarterly WHERE division_code = ? "
            "AND kpi_code = 'tekun_centralized_rate'", [hm.COUNTY]).fetchall())
        cov = con.execute(
            "SELECT townships_expected, townships_included, complete, townships_missing "
            "FROM kpi_quarterly WHERE division_code = ? AND period = '2016Q4' "
            "AND kpi_code = 'tekun_centralized_rate'", [hm.COUNTY]).fetchone()
        blocked = con.execute("SELECT submission_id FROM raw.submissions WHERE division_code = ? "
                              "AND period = ?", [BLOCKED[1], BLOCKED[0]]).fetchone()[0]
        # no fact table holds a row of the blocked return
        leaked = {m: con.execute(f"SELECT count(*) FROM main.{m} WHERE submission_id = ?",
                                 [blocked]).fetchone()[0] for m in MART_TABLES}
        measures = con.execute("SELECT count(*) FROM fct_measures WHERE division_code = ? "
                               "AND period = ?", [BLOCKED[1], BLOCKED[0]]).fetchone()
    finally:
        con.close()
    assert periods == PERIODS
    # 集中供养 of the returns that published: 城市 2 + 农村 30 each; 2016Q4 without 白庙乡
    one = hm.TEKUN["urban"][1] + hm.TEKUN["rural"][1]
    assert county == {"2008Q4": 3 * one, "2016Q4": 2 * one, "2025Q1": 3 * one}
    assert cov[:3] == (3, 2, False) and list(cov[3]) == [hm.BAIMIAO]
    assert MART_TABLES and set(leaked.values()) == {0}, leaked
    assert measures == (0,)


def test_check_of_the_blocked_quarter_exits_1_naming_township_sheet_row_rule(runs):
    p = runs["check_blocked"]
    assert p.returncode == 1, p.stderr[-2000:]
    text = p.stdout + p.stderr
    # one line for the failure: township, quarter, rule, sheet, row and the figures
    persons = hm.TEKUN["urban"][1] + hm.TEKUN["urban"][2]
    line = (f"白庙乡 2016Q4 H4 表2 特困人员救助供养第2行城市特困:集中供养 {hm.TEKUN['urban'][1]} + "
            f"分散供养 {hm.TEKUN['urban'][2]} = {persons},与期末供养人数 7 不符")
    assert line in text, text[-3000:]
    assert (runs["root"] / "out" / "quality" / "quality_report_2016Q4.html").exists()


def test_check_of_a_quarter_whose_every_return_was_refused_exits_1_naming_them(runs):
    p = runs["check_refused"]
    assert p.returncode == 1, p.stderr
    assert "2020Q3的报表全部被拒收(隔离,2 个文件)" in p.stderr
    assert "2020Q3/马店镇.xlsx" in p.stderr and "2020Q3/白庙乡.xlsx" in p.stderr
    assert "Traceback" not in p.stderr


def test_check_of_an_empty_quarter_is_a_usage_error(runs):
    p = runs["check_empty"]
    assert p.returncode == 2
    assert "仓库中没有2019Q2的现行报表" in p.stderr and "2008Q4、2016Q4、2025Q1" in p.stderr


def test_check_of_a_clean_quarter_exits_0(runs):
    assert runs["check_clean"].returncode == 0, runs["check_clean"].stderr[-2000:]


def test_report_of_a_year_whose_every_return_was_refused_says_they_were_sent(runs):
    """Nothing of 2020 is published, but two files were sent and refused: the report's one line
    says so (not as if no township had sent anything)."""
    p = runs["report_refused"]
    assert p.returncode == 2, p.stderr[-2000:]
    assert "2020年没有已发布的数据(该期有2个报表文件被拒收" in p.stderr
    assert "Traceback" not in p.stderr
