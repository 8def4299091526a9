"""A programme is one file: 冬春生活救助 added to a copy of the project from a fixture, nothing else.

The fixture ``tests/fixtures/programmes/winter_relief.yaml`` is copied into the copy's
``src/civstat/contract/programmes/``; then, in fresh processes running the copy's code:
the blank template has 表17, the demo generator writes it, ingest loads it into ``raw.winter_relief``,
the edit rules run over it (the generic ones and its own), dbt builds its flows (``fct_flows``)
and KPIs (``kpi_quarterly`` / ``kpi_annual``), and the county summary has its section with
figures read back from the warehouse. Every file of the copy other than the fixture and the
files generated from the catalogue (``civstat.contract.dbtgen``) is byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from openpyxl import load_workbook

from civstat import paths

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "programmes" / "winter_relief.yaml"
IGNORED = {".git", ".venv", "data", "target", "logs", "output", "__pycache__", ".pytest_cache",
           ".ruff_cache", "dbt_packages", ".dagster_home"}


def _copy_project(dest: Path) -> Path:
    root = paths.PROJECT_ROOT
    shutil.copytree(root, dest, ignore=lambda d, names: [n for n in names if n in IGNORED])
    return dest


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not (set(p.relative_to(root).parts) & IGNORED)}


def _run(copy: Path, env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-c", code], cwd=copy, env=env, text=True,
                          capture_output=True, timeout=1500, check=False)
    assert proc.returncode == 0, f"{code}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    work = tmp_path_factory.mktemp("programme_as_data")
    copy = _copy_project(work / "project")
    before = _hashes(copy)
    shutil.copy(FIXTURE, copy / "src" / "civstat" / "contract" / "programmes" / "winter_relief.yaml")

    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(copy / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVSTAT_")}
    env.update({
        "PYTHONPATH": str(copy / "src"),  # the copy's package, ahead of the installed one
        "CIVSTAT_PROJECT_ROOT": str(copy),
        "CIVSTAT_RAW_DIR": str(work / "raw"),
        "CIVSTAT_REFERENCE_DIR": str(work / "reference"),
        "CIVSTAT_WAREHOUSE": str(work / "warehouse" / "civstat.duckdb"),
        "CIVSTAT_OUTPUT_DIR": str(work / "out"),
        "CIVSTAT_QUARANTINE_DIR": str(work / "quarantine"),
        "DAGSTER_HOME": str(home),
    })
    _run(copy, env, f"import civstat; assert civstat.__file__.startswith({str(copy)!r}), civstat.__file__")
    _run(copy, env, f"from civstat.cli import main; main(['template', '--out', {str(work / 'template.xlsx')!r}])")
    _run(copy, env,
         "from civstat.generate import generate; "
         f"generate({str(work / 'raw')!r}, {str(work / 'reference')!r}, years=[2024, 2025], "
         "quarters=['2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4'], messy=False)")
    _run(copy, env, "from civstat.demo import run_pipeline; run_pipeline(formats='html')")

    from civstat.contract import dbtgen, load_contract

    generated = {str(Path("dbt_project") / rel) for rel in
                 dbtgen.render(load_contract(copy / "src" / "civstat" / "contract"))}
    after = _hashes(copy)
    return {"work": work, "copy": copy, "before": before, "after": after, "generated": generated,
            "env": env,
            "warehouse": work / "warehouse" / "civstat.duckdb", "out": work / "out"}


def _query(added, sql: str, params=()):
    con = duckdb.connect(str(added["warehouse"]), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_programme_as_data_edits_no_other_file(added):
    changed = {p for p in added["after"] if added["before"].get(p) != added["after"][p]}
    changed |= set(added["before"]) - set(added["after"])
    assert "src/civstat/contract/programmes/winter_relief.yaml" in changed
    hand_edited = changed - added["generated"] - {"src/civstat/contract/programmes/winter_relief.yaml"}
    assert not hand_edited, f"files changed besides the programme file: {sorted(hand_edited)}"
    assert "dbt_project/models/staging/generated/stg_winter_relief.sql" in changed


def test_programme_as_data_template_has_the_sheet(added):
    wb = load_workbook(added["work"] / "template.xlsx", read_only=True)
    assert "表17 冬春生活救助" in wb.sheetnames
    cells = {c for row in wb["表17 冬春生活救助"].iter_rows(values_only=True) for c in row if c}
    assert any("救助困难群众" in str(c) for c in cells) and any("救助经办人员" in str(c) for c in cells)


def test_programme_as_data_generated_ingested_and_built(added):
    raw = _query(added, "SELECT count(*), count(DISTINCT period), sum(aided_ytd) "
                        "FROM raw.winter_relief")[0]
    assert raw[0] > 0 and raw[1] == 5 and raw[2] > 0
    flows = dict(_query(added, "SELECT flow_code, count(*) FROM fct_flows "
                               "WHERE programme_code = 'winter_relief' GROUP BY ALL"))
    assert set(flows) >= {"aided", "clothing"}
    assert _query(added, "SELECT count(*) FROM dim_programme WHERE programme_code = 'winter_relief'")[0][0] == 1


def test_programme_as_data_kpis_equal_the_returns(added):
    """The county's 每救助人次发放棉衣被 for 2025 is Σ clothing ÷ Σ aided of the published Q4 returns."""
    expected = _query(added, """
        SELECT sum(m.clothing_ytd) / sum(m.aided_ytd)
        FROM raw.winter_relief AS m JOIN raw.submissions AS s USING (submission_id)
        WHERE s.is_current AND s.period = '2025Q4'
          AND s.submission_id IN (SELECT submission_id FROM main.fct_flows WHERE period = '2025Q4')
    """)[0][0]
    got = _query(added, """
        SELECT value FROM kpi_annual
        WHERE kpi_code = 'clothing_per_aided' AND year = 2025 AND division_level = 'county'
    """)
    assert got and got[0][0] == pytest.approx(expected, rel=1e-12)
    quarterly = _query(added, "SELECT count(DISTINCT period) FROM kpi_quarterly "
                              "WHERE kpi_code = 'aided_per_caseworker' AND value IS NOT NULL")
    assert quarterly[0][0] == 5


def _correct_a_return(added) -> tuple[Path, str]:
    """A township re-sends its 2025Q4 return (later 填报日期) with a negative 发放棉衣被."""
    folder = added["work"] / "raw" / "2025Q4"
    original = min(folder.glob("*.xlsx"))
    wb = load_workbook(original)
    sheet = wb["表17 冬春生活救助"]
    header_col = next(c.column for row in sheet.iter_rows() for c in row
                      if isinstance(c.value, str) and c.value.startswith("发放棉衣被"))
    data_row = next(r for r in range(1, sheet.max_row + 1)
                    if isinstance(sheet.cell(r, header_col).value, (int, float)))
    sheet.cell(data_row, header_col).value = -3
    cover = wb[wb.sheetnames[0]]
    for row in cover.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("填报日期"):
                cover.cell(cell.row, cell.column + 1).value = "2026-02-20"
    corrected = folder / f"{original.stem}(更正).xlsx"
    wb.save(corrected)
    return corrected, f"{data_row}"


def test_programme_as_data_summary_has_its_section(added):
    html = next((added["out"] / "reports").rglob("*2025*.html")).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    heading = re.search(r"（[一二三四五六七八九十]+）[^\n]*冬春生活救助", text)
    assert heading, "no numbered 冬春生活救助 section"
    total = _query(added, """
        SELECT sum(ytd_value) FROM fct_flows
        WHERE programme_code = 'winter_relief' AND flow_code = 'aided' AND period = '2025Q4'
    """)[0][0]
    section = text[heading.start():]
    assert f"{int(total):,}" in section or str(int(total)) in section, \
        f"the section does not state the year's {int(total)} persons aided"


def test_programme_as_data_edit_rules_cover_it(added):
    """The generic rules reach 表17 from its sheet spec, and its own rule runs: a corrected
    return with a negative 发放棉衣被 is blocked by the gate, named by sheet, row and column, and
    feeds no figure. (Last in the module: it publishes a new build.)"""
    codes = {r[0] for r in _query(added, "SELECT DISTINCT rule_code FROM quality.rule_runs")}
    own = {r["code"] for r in yaml.safe_load(FIXTURE.read_text(encoding="utf-8")).get("rules", [])}
    assert own and own <= codes, f"the programme's own rules did not run: {own - codes}"

    corrected, row = _correct_a_return(added)
    env = added["env"]
    _run(added["copy"], env, "from civstat.cli import main; import sys; "
                             "sys.exit(main(['ingest', '--period', '2025Q4']) or 0)")
    code = "from civstat.cli import main; main(['build'])"
    build = subprocess.run([sys.executable, "-c", code], cwd=added["copy"], env=env, text=True,
                           capture_output=True, timeout=900, check=False)
    hits = _query(added, "SELECT rule_code, severity, sheet, source_row, column_name, source_file "
                         "FROM quality.violations WHERE table_name = 'winter_relief'")
    blocking = [h for h in hits if h[1] == "hard" and h[2] == "表17 冬春生活救助"
                and str(h[3]) == row and h[4] == "clothing_ytd"]
    assert blocking, (hits, build.stdout[-2000:], build.stderr[-2000:])
    assert blocking[0][5].endswith("(更正).xlsx"), blocking
    name = corrected.relative_to(added["work"] / "raw").as_posix()  # the demo has its own 更正
    fed = _query(added, "SELECT count(*) FROM fct_flows AS f JOIN raw.submissions AS s "
                        "USING (submission_id) WHERE s.file_path = ?", [name])
    status = _query(added, "SELECT status FROM quality_status WHERE file_path = ?", [name])
    assert status == [("blocked",)], status
    assert fed[0][0] == 0, "a blocked return fed fct_flows"
