"""Edit rules follow the programme catalogue: a programme file dropped into the contract (the
fixture 表17 冬春生活救助, ``tests/fixtures/programmes/winter_relief.yaml``) gets every generic rule its
sheet calls for and its own rule, without a word in ``quality/rules.yaml``; the merger chain and
the 保障标准 unit rule of the quality views are the dbt macros' own."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import jinja2
import pytest
from test_quality_support import T2, build_clean, mutate, sid

from civstat import paths
from civstat.contract import CONTRACT_DIR, load_contract
from civstat.quality import evaluate, load_catalogue
from civstat.quality.catalogue import CatalogueError, render_sql, shared_macros
from civstat.quality.gx import frames_for
from civstat.raw_schema import sheet_ddl

FIXTURE = Path(__file__).parent / "fixtures" / "programmes" / "winter_relief.yaml"
S = sid(T2, "2024Q2")


@pytest.fixture(scope="module")
def contract_dir(tmp_path_factory) -> Path:
    """A copy of the contract with the winter relief programme added."""
    root = tmp_path_factory.mktemp("contract") / "contract"
    shutil.copytree(CONTRACT_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copy(FIXTURE, root / "programmes" / "winter_relief.yaml")
    return root


@pytest.fixture(scope="module")
def catalogue(contract_dir):
    return load_catalogue(contract_dir=contract_dir)


def test_programme_file_brings_its_own_rule(catalogue):
    rule = catalogue.rule("W1")
    assert rule.programme == "winter_relief" and rule.severity == "soft"
    assert rule.tables == ("winter_relief",)  # defaults to the programme's table
    assert [f.table for f in frames_for(rule, catalogue.contract)] == ["winter_relief"]
    assert load_catalogue().codes == [c for c in catalogue.codes if c != "W1"]


def test_generic_rules_cover_the_new_sheet(catalogue):
    covering = {r.code for r in catalogue.rules_for("winter_relief")}
    # a single-row sheet of year-to-date counts: YTD never falls, non-negative, copied return,
    # sheet left empty — and its own W1; not the 合计/城乡/其中/元-万元 rules
    assert covering == {"H6", "H7", "S10", "S11", "W1"}
    contract = catalogue.contract
    assert "raw.winter_relief" in render_sql(catalogue.rule("H6"), contract)
    assert "raw.winter_relief" in render_sql(catalogue.rule("S10"), contract)
    assert "'winter_relief'" in render_sql(catalogue.rule("S11"), contract)
    h7 = {f.table for f in frames_for(catalogue.rule("H7"), contract)}
    assert "winter_relief" in h7 and "submissions" in h7
    assert "q_winter_relief" in catalogue.views


def test_programme_rules_live_in_their_files():
    """rules.yaml names no programme table; each programme-specific rule comes from its file."""
    text = (Path(__file__).parents[1] / "src/civstat/quality/rules.yaml").read_text(encoding="utf-8")
    for sheet in load_contract().sheets:
        assert f"raw.{sheet.table}" not in text and f"[{sheet.table}" not in text, sheet.table
    cat = load_catalogue()
    owners = {r.code: r.programme for r in cat.rules}
    assert owners["H4"] == "tekun" and owners["H9"] == "disaster" and owners["S1"] == "dibao"
    assert owners["H6"] is None and owners["S11"] is None
    # H3 is generic, its pairs come from 表1 and 表3; H9 takes 表5 out of H8
    assert cat.rule("H3").tables == ("dibao", "temp_assist")
    assert "disaster_events" not in cat.rule("H8").tables


def test_duplicate_code_in_a_programme_file_is_refused(contract_dir, tmp_path):
    bad = tmp_path / "contract"
    shutil.copytree(contract_dir, bad)
    text = FIXTURE.read_text(encoding="utf-8").replace("code: W1", "code: S11")
    (bad / "programmes" / "winter_relief.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="S11"):
        load_catalogue(contract_dir=bad)


# -- evaluated: the clean county with 表17 ----------------------------------------------------


@pytest.fixture(scope="module")
def clean(tmp_path_factory, catalogue) -> Path:
    path = build_clean(tmp_path_factory.mktemp("winter_relief") / "clean.duckdb")
    sheet = catalogue.contract.sheet("winter_relief")
    con = duckdb.connect(str(path))
    try:
        con.execute(sheet_ddl(sheet))
        # township index i (from the code) × quarter: YTD counts grow, clothing a quarter of aided
        con.execute("""
            INSERT INTO raw.winter_relief
            SELECT submission_id, division_code, period, year, quarter, file_path, '表17 冬春生活救助', 5,
                   file_sha256, submitted_at, 20 * i * quarter, 5 * i * quarter, 3 * i * quarter, 2
            FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i FROM raw.submissions)
        """)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def run(path: Path, catalogue, rules=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, catalogue=catalogue, rules=rules, periods=["2024Q2"])
    finally:
        con.close()


def test_clean_county_with_the_new_sheet_passes(clean, catalogue):
    result = run(clean, catalogue)
    assert result.violations == []
    assert {r.rule_code for r in result.runs} >= {"H6", "H7", "S10", "S11", "W1"}


@pytest.mark.parametrize(("rule", "edit", "column"), [
    ("W1", f"UPDATE raw.winter_relief SET clothing_ytd = aided_ytd * 2 + 1 WHERE submission_id = '{S}'",
     "clothing_ytd"),
    ("H6", f"UPDATE raw.winter_relief SET aided_ytd = aided_ytd // 2 - 1 WHERE submission_id = '{S}'", "aided_ytd"),
    ("H7", f"UPDATE raw.winter_relief SET caseworkers = -1 WHERE submission_id = '{S}'", "caseworkers"),
    ("S11", f"DELETE FROM raw.winter_relief WHERE submission_id = '{S}'", None),
])
def test_new_sheet_breaks_are_caught(clean, catalogue, tmp_path, rule, edit, column):
    broken = mutate(clean, tmp_path / "broken.duckdb", [edit])
    found = [v for v in run(broken, catalogue).violations]
    assert [(v.rule_code, v.division_code, v.table_name, v.column_name) for v in found] == [
        (rule, T2, "winter_relief", column)]
    v = found[0]
    assert v.sheet == "表17 冬春生活救助" and v.period == "2024Q2"
    if rule == "W1":
        assert not v.is_hard and "发放棉衣被" in v.message_zh and "请说明" in v.message_zh


# -- defined once: the views render the dbt macros ---------------------------------------------


def test_quality_views_use_the_dbt_macros():
    macros = shared_macros()
    assert {"division_chain", "standard_period", "standard_monthly"} <= set(macros)
    views = load_catalogue().views
    columns = ["division_code", "name", "short_name", "level", "type", "parent_code",
               "valid_from", "valid_to", "successor_code"]
    chain = macros["division_chain"]("divisions", columns, current="current_code")
    assert chain.strip() in views["q_div"]
    standard = load_contract().sheet("dibao").column("standard")
    month_max = standard.period_magnitude["month_max"]
    assert f"> {float(month_max)!r}" in views["q_dibao"]
    assert "standard_monthly" in views["q_dibao"]
    # the dbt models call the same macros
    dbt = paths.DBT_PROJECT_DIR / "models"
    assert "division_chain(" in (dbt / "intermediate/int_divisions_resolved.sql").read_text(encoding="utf-8")
    stg = (dbt / "staging/stg_dibao.sql").read_text(encoding="utf-8")
    assert "standard_period(" in stg and "standard_monthly(" in stg and "2000 then" not in stg


def test_standard_unit_rule_on_duckdb():
    """The macro's SQL, as the quality view renders it: the reader's period wins; without one a
    value above the contract's month_max is yearly."""
    macros = shared_macros()
    con = duckdb.connect()
    try:
        sql = macros["standard_monthly"]("v", "p", 2000.0)
        rows = con.execute(
            f"SELECT v, p, {sql} FROM (VALUES (900.0, NULL), (9000.0, NULL), (9000.0, 'month'), "
            "(1200.0, 'year'), (NULL, 'year')) t(v, p)").fetchall()
    finally:
        con.close()
    assert [r[2] for r in rows] == [900.0, 750.0, 9000.0, 100.0, None]


def test_macro_files_render_without_dbt():
    """The shared macro files are plain Jinja: no ref/source/dbt-only calls."""
    for name in ("division_chain.sql", "dibao_standard.sql"):
        text = (paths.DBT_PROJECT_DIR / "macros" / name).read_text(encoding="utf-8")
        jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text).module  # noqa: B018
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)  # comments may show a dbt call
        for dbt_only in ("ref(", "source(", "return(", "adapter.", "{% do"):
            assert dbt_only not in text, (name, dbt_only)


def test_dbt_takes_the_standard_threshold_from_the_catalogue():
    """stg_dibao reads period_magnitude.month_max of dibao's `standard` from the generated
    catalogue macro (civstat.contract.dbtgen), the value the quality views use."""
    from civstat.contract import dbtgen

    contract = load_contract()
    dibao = next(p for p in dbtgen.catalogue_data(contract)["programmes"] if p["code"] == "dibao")
    standard = next(c for c in dibao["columns"] if c["name"] == "standard")
    expected = contract.sheet("dibao").column("standard").period_magnitude["month_max"]
    assert float(standard["period_magnitude"]["month_max"]) == expected
