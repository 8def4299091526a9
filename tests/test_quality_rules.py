"""Every edit rule of the catalogue: one fixture that breaks it, and the clean county that passes
it. Breaks are SQL edits of one return of a DuckDB file written by the test; the expected finding
(township, period, table, column) follows from the edit, not from the rule's implementation."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from test_quality_support import (
    PERIODS,
    SHEET_TABLES,
    T2,
    T5,
    T6,
    TOWNSHIPS,
    build_clean,
    copy_return,
    mutate,
    sid,
)

from civstat.quality import evaluate, load_catalogue, store, write_report

EDIT_RULES_MD = Path("/work/shared/contract/edit-rules.md")
MORE_PROGRAMMES_MD = Path("/work/shared/contract/more-programmes.md")  # H13–H15, S12, S13
# generic rules whose breaking fixture needs a sheet the real catalogue may not have yet (a sheet
# with `stocks_revised: year_end`): tests/test_quality_generic_rules.py breaks them on a copy of
# the catalogue with a synthetic programme
ELSEWHERE = {"S13"}
S = sid(T2, "2024Q2")  # the return most breaks edit: 城北街道 2024Q2


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    return build_clean(tmp_path_factory.mktemp("quality") / "clean.duckdb")


@pytest.fixture(scope="module")
def clean_result(clean):
    con = duckdb.connect(str(clean), read_only=True)
    try:
        return evaluate(con)
    finally:
        con.close()


def run(path: Path, rules: list[str] | None = None, periods: list[str] | None = None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, rules=rules, periods=periods)
    finally:
        con.close()


# (case id, rule, SQL edits, expected (division, period, table, column))
BREAKS = [
    ("H1", "H1", [(f"UPDATE raw.eldercare_institutions SET beds = beds + 5 WHERE submission_id = "
                  f"'{sid(T2, '2023Q2')}' AND is_total")],
     (T2, "2023Q2", "eldercare_institutions", "beds")),
    ("H2-total-row", "H2", [f"UPDATE raw.dibao SET persons = persons + 3 WHERE submission_id = '{S}' AND is_total"],
     (T2, "2024Q2", "dibao", "persons")),
    ("H2-one-category", "H2", [f"DELETE FROM raw.dibao WHERE submission_id = '{S}' AND category = 'rural'"],
     (T2, "2024Q2", "dibao", "persons")),
    ("H2-cover", "H2", [f"UPDATE raw.submissions SET pop_total = pop_total + 1 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "submissions", "pop_total")),
    ("H3", "H3", [f"UPDATE raw.dibao SET households = persons + 1 WHERE submission_id = '{S}' AND category = 'urban'"],
     (T2, "2024Q2", "dibao", "households")),
    ("H3-temp", "H3", [f"UPDATE raw.temp_assist SET household_times_ytd = person_times_ytd + 1 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "temp_assist", "household_times_ytd")),
    ("H4", "H4", [f"UPDATE raw.tekun SET dispersed = dispersed - 2 WHERE submission_id = '{S}' AND category = 'rural'"],
     (T2, "2024Q2", "tekun", "dispersed")),
    ("H5", "H5", [f"UPDATE raw.dibao SET persons = persons + 4 WHERE submission_id = '{S}' AND category = 'rural'"],
     (T2, "2024Q2", "dibao", "persons")),
    ("H6", "H6", [f"UPDATE raw.temp_assist SET funds_ytd = 1 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "temp_assist", "funds_ytd")),
    ("H7", "H7", [f"UPDATE raw.youfu SET entitled_persons = -1 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "youfu", "entitled_persons")),
    ("H7-cover", "H7", [f"UPDATE raw.submissions SET pop_60plus = -5 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "submissions", "pop_60plus")),
    ("H8", "H8", [(f"UPDATE raw.welfare SET hardship_disabled_receiving = hardship_disabled_eligible + 1 "
                  f"WHERE submission_id = '{S}'")],
     (T2, "2024Q2", "welfare", "hardship_disabled_receiving")),
    ("H8-nursing-beds", "H8", [(f"UPDATE raw.eldercare_institutions SET nursing_beds = beds + 1 "
                               f"WHERE submission_id = '{S}' AND institution_type = '敬老院'")],
     (T2, "2024Q2", "eldercare_institutions", "nursing_beds")),
    ("H9", "H9", [f"UPDATE raw.disaster_events SET collapsed_households = collapsed_rooms + 1 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "disaster_events", "collapsed_households")),
    ("H10", "H10", [(f"UPDATE raw.eldercare_institutions SET residents = CAST(beds * 1.05 AS BIGINT) + 2 "
                    f"WHERE submission_id = '{S}' AND institution_type = '敬老院'")],
     (T2, "2024Q2", "eldercare_institutions", "residents")),
    ("H11-mismatch", "H11", [f"UPDATE raw.submissions SET division_code_reported = '441200999000' WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "submissions", "division_code")),
    ("H11-format", "H11", [f"UPDATE raw.submissions SET division_code_reported = '4412-A' WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "submissions", "division_code")),
    ("H12-missing", "H12", [f"DELETE FROM raw.submissions WHERE submission_id = '{sid(T5, '2024Q2')}'"],
     (T5, "2024Q2", "submissions", None)),
    ("H12-duplicate", "H12", [(f"INSERT INTO raw.submissions SELECT * REPLACE ('dup-{S}' AS submission_id, "
                              f"'2024Q2/城北街道(更正).xlsx' AS file_path) FROM raw.submissions WHERE submission_id = '{S}'")],
     (T2, "2024Q2", "submissions", "division_code")),
    ("S1-qoq", "S1", [(f"UPDATE raw.dibao SET persons = persons + 120, new_persons = new_persons + 120 "
                      f"WHERE submission_id = '{S}' AND category IN ('urban', 'total')")],
     (T2, "2024Q2", "dibao", "persons")),
    ("S1-hidiroglou-berthelot", "S1", [(f"UPDATE raw.dibao SET persons = persons + 60, new_persons = new_persons + 60 "
                                       f"WHERE submission_id = '{S}' AND category IN ('urban', 'total')")],
     (T2, "2024Q2", "dibao", "persons")),
    ("S2-decrease", "S2", [f"UPDATE raw.dibao SET standard = 700 WHERE submission_id = '{S}' AND category = 'urban'"],
     (T2, "2024Q2", "dibao", "standard")),
    ("S2-growth", "S2", [f"UPDATE raw.dibao SET standard = 1000 WHERE submission_id = '{S}' AND category = 'urban'"],
     (T2, "2024Q2", "dibao", "standard")),
    ("S3", "S3", [f"UPDATE raw.dibao SET funds_ytd = funds_ytd * 3 WHERE submission_id = '{S}' AND category = 'urban'"],
     (T2, "2024Q2", "dibao", "funds_ytd")),
    ("S4", "S4", [f"UPDATE raw.dibao SET households = persons // 5 WHERE submission_id = '{S}' AND category = 'urban'"],
     (T2, "2024Q2", "dibao", "persons_per_household")),
    ("S5", "S5", [(f"UPDATE raw.submissions SET pop_urban = pop_urban * 10, pop_total = pop_urban * 10 + pop_rural "
                  f"WHERE submission_id = '{S}'")],
     (T2, "2024Q2", "dibao", "persons")),
    ("S6", "S6", [(f"UPDATE raw.tekun SET centralized = centralized + 20, dispersed = dispersed - 20 "
                  f"WHERE submission_id = '{S}' AND category IN ('rural', 'total')")],
     (T2, "2024Q2", "tekun", "centralized")),
    ("S7", "S7", [(f"UPDATE raw.eldercare_institutions SET residents = 10 WHERE submission_id = '{S}' "
                  "AND institution_type = '敬老院'")],
     (T2, "2024Q2", "eldercare_institutions", "occupancy")),
    ("S8", "S8", [(f"UPDATE raw.disaster_events SET affected_persons = 0, evacuated_persons = 0, crop_area_mu = 0, "
                  f"crop_failed_mu = 0 WHERE submission_id = '{S}'")],
     (T2, "2024Q2", "disaster_events", "direct_loss")),
    ("S9", "S9", [f"UPDATE raw.temp_assist SET funds_ytd = funds_ytd * 10000 WHERE submission_id = '{S}'"],
     (T2, "2024Q2", "temp_assist", "funds_ytd")),
    ("S10", "S10", copy_return(T2, "2024Q1", "2024Q2"), (T2, "2024Q2", None, None)),
    ("S11", "S11", [f"DELETE FROM raw.welfare WHERE submission_id = '{S}'"], (T2, "2024Q2", "welfare", None)),
]


def test_catalogue_has_every_rule_of_the_contract_once():
    documented = re.findall(r"^- ([HS]\d+) ", EDIT_RULES_MD.read_text(encoding="utf-8"), re.MULTILINE)
    added = re.findall(r"^- ([HS]\d+) \((?:hard|soft)\)", MORE_PROGRAMMES_MD.read_text(encoding="utf-8"),
                       re.MULTILINE)
    cat = load_catalogue()
    assert len(documented) == 23 and len(cat.codes) == len(set(cat.codes))
    # every rule of edit-rules.md; of more-programmes.md the generic S13 and whatever programme
    # files of 表9–表16 the catalogue holds
    assert set(documented) | {"S13"} <= set(cat.codes) <= set(documented) | set(added)
    for rule in cat.rules:
        assert rule.severity == ("hard" if rule.code.startswith("H") else "soft")
        assert rule.message_zh and rule.message_en and rule.name_zh and rule.name_en
        # S13 reads the sheets revised at year end: none until such a programme file exists
        assert rule.tables or (rule.code == "S13" and not any(
            s.stocks_revised == "year_end" for s in cat.contract.sheets)), rule.code


def _fixture_rules() -> set[str]:
    """The generic rules and the rules of the programmes the fixture county reports (表1–表8);
    the rules of a programme file added later are broken by that programme's own tests."""
    cat = load_catalogue()
    mine = {p.code for p in cat.contract.programmes if p.sheet.table in SHEET_TABLES}
    return {r.code for r in cat.rules if r.programme is None or r.programme in mine}


def test_every_rule_has_a_breaking_fixture():
    assert {rule for _, rule, _, _ in BREAKS} | ELSEWHERE == _fixture_rules() | ELSEWHERE


def test_clean_county_passes_every_rule(clean_result):
    assert clean_result.periods == PERIODS
    assert clean_result.returns == len(TOWNSHIPS) * 8 + 4  # + 古城乡 in 2023
    assert [r.rule_code for r in clean_result.runs] == load_catalogue().codes
    assert all(r.rows_checked > 0 for r in clean_result.runs if r.rule_code in _fixture_rules())
    assert clean_result.violations == []
    assert clean_result.exit_code == 0


@pytest.mark.parametrize(("case", "rule", "edits", "where"), BREAKS, ids=[b[0] for b in BREAKS])
def test_rule_catches_its_break(clean, tmp_path, case, rule, edits, where):
    broken = mutate(clean, tmp_path / "broken.duckdb", edits)
    division, period, table, column = where
    result = run(broken, rules=[rule], periods=[period])
    found = [v for v in result.violations if v.rule_code == rule]
    assert found, f"{case}: {rule} not raised"
    hits = [v for v in found if (v.division_code, v.period, v.table_name, v.column_name)
            == (division, period, table, column)]
    assert hits, [(v.division_code, v.period, v.table_name, v.column_name) for v in found]
    v = hits[0]
    assert v.severity == ("hard" if rule.startswith("H") else "soft")
    assert v.message_zh and v.message_en and "{" not in v.message_zh
    assert v.division_name == {**{c: n for c, (_, n, *_r) in TOWNSHIPS.items()}}[division]
    # the edit touched one return only: nothing in other townships
    assert {x.division_code for x in found} == {division}
    assert result.exit_code == (1 if rule.startswith("H") else 0)


def test_lineage_points_at_the_cell(clean, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.tekun SET dispersed = dispersed - 2 WHERE submission_id = '{S}' AND category = 'rural'"])
    (v,) = run(broken, rules=["H4"]).violations
    assert (v.sheet, v.source_row, v.source_file) == ("表2 特困人员救助供养", 6, "2024Q2/城北街道.xlsx")
    assert v.column_label == "分散供养人数"
    assert "集中供养 40 + 分散供养 38 = 78" in v.message_zh and "80" in v.message_zh


def test_missing_township_is_named(clean, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb",
                    [f"DELETE FROM raw.submissions WHERE submission_id = '{sid(T5, '2024Q2')}'"])
    (v,) = run(broken, rules=["H12"]).violations
    assert "三河镇" in v.message_zh and v.period == "2024Q2"


def test_merger_is_not_a_break(clean_result):
    """六合镇 absorbs 古城乡 in 2024: stocks continue from both, 古城乡 is no longer expected."""
    assert not [v for v in clean_result.violations if v.division_code == T6]


def test_hidiroglou_berthelot_flags_a_moderate_outlier(clean, tmp_path):
    edits = [(f"UPDATE raw.dibao SET persons = persons + 60, new_persons = new_persons + 60 "
             f"WHERE submission_id = '{S}' AND category IN ('urban', 'total')")]
    found = run(mutate(clean, tmp_path / "b.duckdb", edits), rules=["S1"], periods=["2024Q2"]).violations
    assert len(found) == 1 and "Hidiroglou" in found[0].message_zh  # +10 %: below the 15 % test


def test_scope_by_period_and_year(clean, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.youfu SET entitled_persons = -1 WHERE submission_id IN ('{S}', '{sid(T2, '2023Q3')}')"])
    assert {v.period for v in run(broken, rules=["H7"]).violations} == {"2024Q2", "2023Q3"}
    assert {v.period for v in run(broken, rules=["H7"], periods=["2023Q3"]).violations} == {"2023Q3"}
    con = duckdb.connect(str(broken), read_only=True)
    try:
        r = evaluate(con, year=2024, rules=["H7"])
    finally:
        con.close()
    assert r.periods == PERIODS[4:] and {v.period for v in r.violations} == {"2024Q2"}


def test_explanation_replaces_the_warning(clean, tmp_path):
    text = "县里统一调整标准 <b>2024</b>"
    broken = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.dibao SET standard = 700 WHERE submission_id = '{S}' AND category = 'urban'",
        f"INSERT INTO ref.explanations VALUES ('{T2}', '2024Q2', 'S2', '{text}')",
    ])
    result = run(broken)
    (v,) = [v for v in result.violations if v.rule_code == "S2" and v.period == "2024Q2"]
    assert v.explanation == text
    assert not result.unexplained_soft or v not in result.unexplained_soft
    html = write_report(result, tmp_path / "out", evidence=False).read_text(encoding="utf-8")
    assert "已说明:县里统一调整标准 &lt;b&gt;2024&lt;/b&gt;" in html
    assert "<b>2024</b>" not in html


def test_store_replaces_the_evaluated_periods(clean, tmp_path):
    path = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.tekun SET dispersed = dispersed - 2 WHERE submission_id = '{S}' AND category = 'rural'"])
    con = duckdb.connect(str(path))
    try:
        first = evaluate(con)
        store(con, first)
        store(con, evaluate(con, periods=["2024Q2"]))
        rows = con.execute("SELECT rule_code, severity, division_code, period, source_row, column_name, "
                           "run_id FROM quality.violations").fetchall()
        runs = con.execute("SELECT run_id, count(*), any_value(periods) FROM quality.rule_runs "
                           "GROUP BY run_id ORDER BY min(evaluated_at), run_id").fetchall()
    finally:
        con.close()
    # the rural row breaks H4; the untouched 合计 row no longer adds up (H2)
    assert sorted(r[:6] for r in rows) == [("H2", "hard", T2, "2024Q2", 7, "dispersed"),
                                           ("H4", "hard", T2, "2024Q2", 6, "dispersed")]
    assert {r[6] for r in rows} != {first.run_id}  # replaced by the second run
    n_rules = len(load_catalogue().codes)
    assert sorted(n for _, n, _ in runs) == [n_rules, n_rules]
    assert sorted(len(p) for _, _, p in runs) == [1, 8]


def test_report_is_chinese_self_contained_with_evidence_per_rule(clean, tmp_path):
    path = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.tekun SET dispersed = dispersed - 2 WHERE submission_id = '{S}' AND category = 'rural'",
        f"DELETE FROM raw.welfare WHERE submission_id = '{S}'"])
    result = run(path)
    report = write_report(result, tmp_path / "out")
    html = report.read_text(encoding="utf-8")
    assert report.parent == tmp_path / "out"
    assert "城北街道" in html and "2024Q2" in html and "须更正后重报" in html and "请提供说明" in html
    assert "分散供养人数" in html and "表2 特困人员救助供养" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html)
    # every rule of the run — GX and SQL — has its evidence page, linked from its code
    folder = tmp_path / "out" / "evidence" / result.run_id
    assert sorted(p.stem for p in folder.glob("*.html")) == sorted(r.rule_code for r in result.runs)
    for r in result.runs:
        assert f'href="evidence/{result.run_id}/{r.rule_code}.html"' in html
    engines = {r.engine for r in result.runs}
    assert engines == {"sql", "great_expectations"}
    # a GX rule's page shows GX's own counts and the row it found, naming file, sheet and row
    tekun = next(v for v in result.hard if v.table_name == "tekun"
                 and v.rule_code in {r.rule_code for r in result.runs if r.engine != "sql"})
    page = (folder / f"{tekun.rule_code}.html").read_text(encoding="utf-8")
    gx_run = next(r for r in result.runs if r.rule_code == tekun.rule_code)
    assert gx_run.engine == "great_expectations" and gx_run.checks
    assert any(c["table"] == "tekun" and c["unexpected"] >= 1 for c in gx_run.checks)
    assert "raw.tekun" in page and tekun.source_file in page and tekun.sheet in page
    assert f">{tekun.source_row}<" in page and "返回审核报告" in page
    # a SQL rule's page shows the query it ran
    sql_run = next(r for r in result.runs if r.engine == "sql" and r.checks)
    sql_page = (folder / f"{sql_run.rule_code}.html").read_text(encoding="utf-8")
    assert "SELECT" in sql_page.upper() and "raw." in sql_page
    assert not re.search(r"(src|href)=\"https?://", page + sql_page)
    # a second check writes its own folder: the first run's evidence stays as it was
    second = run(path)
    write_report(second, tmp_path / "out")
    assert folder.is_dir() and (tmp_path / "out" / "evidence" / second.run_id).is_dir()
