"""What an optional programme gets from the demo generator (tests/optional_programmes.py: 表31
社团登记, 表32 殡仪服务 added to a copy of the catalogue): townships that leave the sheet out,
columns reported in Q4 only, stocks revised at year end, the planted violation of its own hard
rule, its plan targets — and, in a fresh process reading the generated workbooks back, the edit
rules find exactly the planted problems."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

import fastexcel
import pytest
from optional_programmes import ASSOC, BURIAL, PACKAGE, add_programmes, catalogue, catalogue_dir

from civstat import paths
from civstat.contract import load_contract
from civstat.generate import generate
from civstat.generate.model import PLANTS, build_county
from civstat.generate.profile import DEFAULT_ABSENT_SHARE, ProfileError


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    return catalogue(tmp_path_factory.mktemp("catalogue") / "contract", ASSOC, BURIAL)


@pytest.fixture(scope="module")
def county(contract):
    return build_county(contract=contract)




def _types(county):
    return {d["division_code"]: d["type"] for d in county.divisions}


def _reporters(county, family):
    """(township, year) → the quarters whose return holds the sheet."""
    out = defaultdict(set)
    for (code, year, q), r in county.current().items():
        if family in r.data:
            out[(code, year)].add(q)
    return out


# -- townships that leave an optional sheet out ---------------------------------------------


def test_absent_townships_leave_the_sheet_out_of_every_return(county):
    towns = {r.division_code for r in county.returns}
    merged = {d["division_code"] for d in county.divisions if d["successor_code"]}
    for family in ("assoc", "burial"):
        reporters = _reporters(county, family)
        # a township reports the sheet in all four quarters of a year or in none
        assert all(qs == {1, 2, 3, 4} for qs in reporters.values()), family
        absent = towns - {code for code, _ in reporters} - merged
        assert absent, family  # 35 % / 20 % of 18 townships: some leave it out …
        assert len(absent) < len(towns) / 2, family  # … most report it
    # assoc: `by_township: {街道: 0}` — every 街道 reports it
    types = _types(county)
    streets = {c for c in towns if types[c] == "街道"}
    assert streets <= {code for code, _ in _reporters(county, "assoc")}


def test_required_sheets_are_never_left_out(county, contract):
    required = {p.code for p in contract.programmes if p.sheet.required}
    assert all(required <= set(r.data) for r in county.returns)


def test_absence_follows_the_seed(contract, county):
    again = build_county(contract=contract)
    assert [sorted(r.data) for r in again.returns] == [sorted(r.data) for r in county.returns]
    other = build_county(seed=3, contract=contract)
    assert [sorted(r.data) for r in other.returns] != [sorted(r.data) for r in county.returns]


def test_optional_sheet_without_the_key_is_reported_by_most(tmp_path):
    """Default for an optional sheet: most townships report it (about 1 − DEFAULT_ABSENT_SHARE);
    `absent: {share: 0}` — all; `share: 1` with a by_township exception — only that type."""
    plain = BURIAL.replace("  absent: {share: 0.2}\n", "")
    none = BURIAL.replace("absent: {share: 0.2}", "absent: {share: 0}")
    only_streets = ASSOC.replace("absent: {share: 0.35, by_township: {街道: 0}}",
                                 "absent: {share: 1, by_township: {街道: 0}}")
    for name, text, check in (
        ("plain", plain, lambda n, total: 0 < n < total and n >= (1 - 3 * DEFAULT_ABSENT_SHARE) * total),
        ("none", none, lambda n, total: n == total),
    ):
        county = build_county(years=(2024,), contract=catalogue(tmp_path / name, text))
        rets = [r for r in county.returns if r.quarter == 1]
        assert check(sum("burial" in r.data for r in rets), len(rets)), name
    county = build_county(years=(2024,), contract=catalogue(tmp_path / "streets", only_streets))
    types = _types(county)
    assert {types[r.division_code] for r in county.returns if "assoc" in r.data} == {"街道"}
    assert all(("assoc" in r.data) == (types[r.division_code] == "街道") for r in county.returns)


def test_absent_key_mistakes_name_the_file(tmp_path):
    for i, (bad, message) in enumerate((
        ("absent: {share: 1.5}", r"burial\.yaml generator\.absent\.share: a share between 0 and 1"),
        ("absent: {share: 0.2, by_township: {村: 0.1}}", r"absent\.by_township: '村'"),
        ("absent: {portion: 0.2}", r"burial\.yaml generator\.absent"),
    )):
        contract = catalogue(tmp_path / f"c{i}", BURIAL.replace("absent: {share: 0.2}", bad))
        with pytest.raises(ProfileError, match=message):
            build_county(years=(2024,), contract=contract)
    required = BURIAL.replace("  required: false\n", "  required: true\n")
    with pytest.raises(ProfileError, match="is required; a township never leaves it out"):
        build_county(years=(2024,), contract=catalogue(tmp_path / "required", required))


def test_written_workbook_has_no_sheet_for_an_absent_township(contract, county, tmp_path):
    summary = generate(tmp_path / "raw", tmp_path / "ref", years=(2024,), quarters=["2024Q2"],
                       messy=False, contract=contract)
    reporters = {code for code, year in _reporters(county, "assoc") if year == 2024}
    seen = set()
    for path in summary["files"]:
        book = fastexcel.read_excel(path)
        sheets = book.sheet_names
        cover = {r[0]: r[1] for r in book.load_sheet("封面", header_row=None).to_polars().rows()}
        code = cover["统计用区划代码"]
        assert ("表31 社团登记" in sheets) == (code in reporters), path
        assert "表1 最低生活保障" in sheets
        seen.add(code in reporters)
    assert seen == {True, False}


# -- reported_in: [4] and stocks_revised: year_end -----------------------------------------


def test_q4_columns_are_blank_in_q1_to_q3(county):
    checked = 0
    for (_, _, q), r in county.current().items():
        for row in r.data.get("assoc", []):
            annual = [row["inspection_due"], row["inspected"], row["rated_3a"]]
            if q < 4:
                assert annual == [None, None, None]
            else:
                # a year-to-date column reported in Q4 holds the year's value (`value: 12` a year)
                assert row["inspection_due"] == 12 and 0 < row["inspected"] <= 12
                assert 1 <= row["rated_3a"] <= 3
                checked += 1
            assert row["societies"] >= 1 and row["registered_ytd"] >= 1
    assert checked >= 2 * 10


def test_year_end_stocks_change_only_in_q4(county):
    cur = county.current()
    stocks = ("societies", "service_orgs")
    # the township that absorbs another in the second year starts it with both areas' stocks
    successors = {d["successor_code"] for d in county.divisions if d["successor_code"]}
    moved_in_q4 = compared = 0
    for (code, year, q), r in cur.items():
        if "assoc" not in r.data or q == 4:
            continue
        (row,) = r.data["assoc"]
        prev_key = (code, year, q - 1) if q > 1 else (code, year - 1, 4)
        if prev_key in cur and "assoc" in cur[prev_key].data and (code not in successors or q > 1):
            (prev,) = cur[prev_key].data["assoc"]
            assert [row[s] for s in stocks] == [prev[s] for s in stocks], (code, year, q)
            compared += 1
        if q == 3 and (code, year, 4) in cur:
            (q4,) = cur[(code, year, 4)].data["assoc"]
            moved_in_q4 += [q4[s] for s in stocks] != [row[s] for s in stocks]
    assert compared > 50 and moved_in_q4 >= 5  # revised at year end (trend and noise)
    # registered this year still grows every quarter: only stocks are held
    first = [r for (c, y, q), r in cur.items() if y == 2024 and q in (1, 3) and "assoc" in r.data]
    assert len({r.data["assoc"][0]["registered_ytd"] for r in first}) > 1


# -- the planted violation -----------------------------------------------------------------


def test_violation_is_planted_once_where_the_story_says(county):
    town, _, quarter = PLANTS["violation"]
    code = next(d["division_code"] for d in county.divisions if d["name"] == town)
    assert county.plants["violation"] == (code, county.years[-1], quarter)
    over = []
    for (c, year, q), r in county.current().items():
        for row in r.data.get("burial", []):
            if row["cremations_ytd"] > 1.05 * row["deaths_ytd"]:
                over.append((c, year, q))
            if (c, year, q) == county.plants["violation"]:
                assert row["cremations_ytd"] == round(row["deaths_ytd"] * 1.2)
    assert over == [county.plants["violation"]]
    cur = county.current()
    # year-to-date: the year's later quarter does not fall below the planted figure
    (planted,) = cur[county.plants["violation"]].data["burial"]
    (q4,) = cur[(code, county.years[-1], 4)].data["burial"]
    assert q4["cremations_ytd"] >= planted["cremations_ytd"]


def test_no_violation_recorded_when_no_programme_declares_one(tmp_path):
    text = BURIAL.replace("  plants:\n    violation: {column: cremations_ytd, ratio_to: deaths_ytd, factor: 1.2}\n", "")
    assert "violation" not in text
    root = catalogue_dir(tmp_path / "c", text)
    for path in (root / "programmes").glob("*.yaml"):  # 表10 殡葬 declares one too: take it out
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if not x.lstrip().startswith("violation:")),
                        encoding="utf-8")
    county = build_county(years=(2025,), contract=load_contract(root))
    assert "violation" not in county.plants
    assert all(row["cremations_ytd"] <= row["deaths_ytd"]
               for r in county.returns for row in r.data.get("burial", []))


def test_violation_plant_mistakes_name_the_file(tmp_path):
    for i, (bad, message) in enumerate((
        ("{column: cremations, ratio_to: deaths_ytd, factor: 1.2}", r"violation\.column: no numeric column 'cremations'"),
        ("{column: cremations_ytd, ratio_to: deaths_ytd}", r"burial\.yaml generator\.plants\.violation"),
        ("{column: cremations_ytd, ratio_to: deaths_ytd, factor: high}", r"violation\.factor"),
    )):
        text = BURIAL.replace("{column: cremations_ytd, ratio_to: deaths_ytd, factor: 1.2}", bad)
        with pytest.raises(ProfileError, match=message):
            build_county(years=(2025,), contract=catalogue(tmp_path / f"c{i}", text))


# -- plan targets of several programmes ----------------------------------------------------


def test_plan_targets_in_catalogue_order(tmp_path):
    assoc = ASSOC + "  plan_targets:\n    - {kpi: assoc_inspection_rate, target: 0.95, comparison: \">=\"}\n"
    burial = BURIAL + ("  plan_targets:\n    - {kpi: burial_cremation_rate, target: 1.0, comparison: \">=\"}\n"
                       "    - {kpi: burial_eco_share, target: 0.3, comparison: \">=\"}\n")
    contract = catalogue(tmp_path / "c", burial, assoc)
    generate(tmp_path / "raw", tmp_path / "ref", years=(2024, 2025), quarters=["2024Q1"],
             contract=contract)
    import csv

    rows = list(csv.DictReader((tmp_path / "ref" / "plan_targets.csv").open(encoding="utf-8")))
    declared = [t["kpi"] for p in contract.programmes for t in (p.generator.get("plan_targets") or [])]
    assert declared[-3:] == ["assoc_inspection_rate", "burial_cremation_rate", "burial_eco_share"]
    for year in ("2024", "2025"):
        assert [r["kpi_code"] for r in rows if r["year"] == year] == declared
    cremation = next(r for r in rows if r["kpi_code"] == "burial_cremation_rate")
    assert (cremation["target"], cremation["comparison"], cremation["division_code"]) == (
        "1.0", ">=", "371599000000")
    assert cremation["source"] == "清河县2024年民政工作要点"


# -- read back and checked: the gate finds exactly the planted problems ----------------------


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """A copy of the package with 表31/表32, run in a fresh process: the demo county generated
    (clean files), read into DuckDB and checked by every edit rule."""
    import shutil

    work = tmp_path_factory.mktemp("optional_round_trip")
    src = work / "src"
    shutil.copytree(PACKAGE, src / "civstat", ignore=shutil.ignore_patterns("__pycache__"))
    add_programmes(src / "civstat" / "contract" / "programmes", ASSOC, BURIAL)
    code = f"""
import json, duckdb, civstat
from civstat.generate import generate
from civstat.ingest import ingest
from civstat.quality import evaluate
assert civstat.__file__.startswith({str(src)!r}), civstat.__file__
info = generate({str(work / "raw")!r}, {str(work / "ref")!r}, messy=False)
con = duckdb.connect({str(work / "wh.duckdb")!r})
res = ingest(con, {str(work / "raw")!r}, {str(work / "ref")!r}, quarantine_dir={str(work / "q")!r})
con.execute("CHECKPOINT")
result = evaluate(con)
print(json.dumps({{
    "quarantined": [str(q) for q in res.quarantined],
    "plants": info["plants"],
    "violations": [[v.rule_code, v.division_code, v.period, v.table_name, v.column_name, v.message_zh]
                   for v in result.violations],
    "runs": sorted(r.rule_code for r in result.runs),
}}, ensure_ascii=False))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVSTAT_")}
    env["PYTHONPATH"] = str(src)
    env["CIVSTAT_PROJECT_ROOT"] = str(paths.PROJECT_ROOT)  # dbt macros and seeds the checks read
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=work, text=True,
                          capture_output=True, timeout=1500, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work, json.loads(proc.stdout.strip().splitlines()[-1])


def test_gate_finds_the_planted_violation_and_nothing_else_hard(checked):
    _, out = checked
    assert out["quarantined"] == []
    plants = out["plants"]
    hard = sorted((r, d, p, t) for r, d, p, t, _c, _m in out["violations"] if r.startswith("H"))
    expected = sorted([
        ("H4", plants["hard_tekun"]["division_code"], plants["hard_tekun"]["period"], "tekun"),
        ("H91", plants["violation"]["division_code"], plants["violation"]["period"], "burial"),
        # the catalogue's own 表10 殡葬 plants its H13 in the same township-quarter
        ("H13", plants["violation"]["division_code"], plants["violation"]["period"], "funeral"),
    ])
    assert hard == expected
    (message,) = [m for r, *_x, m in out["violations"] if r == "H91"]
    assert message.startswith("表32 殡仪服务:") and "火化遗体" in message


def test_no_generic_warning_from_absent_sheets_blank_columns_or_held_stocks(checked):
    import duckdb

    work, out = checked
    assert {"S11", "S13", "H6", "H7", "H8", "S9", "S10"} <= set(out["runs"])
    optional = [v for v in out["violations"] if v[3] in ("assoc", "burial") and v[0] != "H91"]
    assert optional == []
    assert not [v for v in out["violations"] if v[0] in ("S11", "S13")]
    con = duckdb.connect(str(work / "wh.duckdb"), read_only=True)
    try:
        # the checks had something to look at: blanks in Q1–Q3, held stocks, absent townships
        blanks = con.execute("SELECT count(*) FILTER (WHERE quarter < 4 AND inspection_due IS NULL), "
                             "count(*) FILTER (WHERE quarter = 4 AND inspection_due = 12), "
                             "count(DISTINCT division_code) FROM raw.assoc").fetchone()
        towns = con.execute("SELECT count(DISTINCT division_code) FROM raw.submissions").fetchone()[0]
    finally:
        con.close()
    assert blanks[0] > 50 and blanks[1] > 15 and 0 < blanks[2] < towns
