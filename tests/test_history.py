"""History back to the 2000s: a drop zone holding 2008 and 2019 runs through the main pipeline.

Year and quarter partitions follow the data (``defs/partitions.py``), so the Dagster jobs take
any year; the generator's divisions are in force from the first generated year and the merged
township ends the year before the merger. The year-end summaries of both years are written and
state the figures ``kpi_annual`` holds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from civstat import paths
from civstat.report import formatting as f

YEARS = (2008, 2019)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Generate the Q4 returns of 2008 and 2019 and run ``civstat demo``'s pipeline on them."""
    from civstat.demo import run_pipeline
    from civstat.generate import generate

    root = tmp_path_factory.mktemp("history")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(paths.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {
        "CIVSTAT_RAW_DIR": root / "raw",
        "CIVSTAT_REFERENCE_DIR": root / "reference",
        "CIVSTAT_WAREHOUSE": root / "warehouse" / "civstat.duckdb",
        "CIVSTAT_OUTPUT_DIR": root / "out",
        "CIVSTAT_QUARANTINE_DIR": root / "quarantine",
        "DAGSTER_HOME": home,
    }
    mp = pytest.MonkeyPatch()
    for key, value in env.items():
        mp.setenv(key, str(value))
    try:
        generate(env["CIVSTAT_RAW_DIR"], env["CIVSTAT_REFERENCE_DIR"], years=list(YEARS),
                 quarters=[f"{y}Q4" for y in YEARS])
        summary = run_pipeline(formats="html")
    finally:
        mp.undo()
    return {"root": root, "summary": summary, "warehouse": env["CIVSTAT_WAREHOUSE"],
            "out": env["CIVSTAT_OUTPUT_DIR"]}


def _kpi(warehouse: Path, year: int, code: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT k.value, k.complete FROM kpi_annual AS k JOIN dim_division AS d "
            "USING (division_code) WHERE d.division_level = 'county' AND d.is_current "
            "AND k.year = ? AND k.kpi_code = ?", [year, code]).fetchone()
    finally:
        con.close()


def test_old_years_are_partitions_and_published(history):
    assert history["summary"]["quarters"] == [f"{y}Q4" for y in YEARS]
    assert history["summary"]["years"] == [str(y) for y in YEARS]
    con = duckdb.connect(str(history["warehouse"]), read_only=True)
    try:
        assert [r[0] for r in con.execute(
            "SELECT DISTINCT year FROM kpi_annual ORDER BY year").fetchall()] == list(YEARS)
        assert con.execute("SELECT min(year) FROM dim_period").fetchone()[0] == 2008
    finally:
        con.close()


@pytest.mark.parametrize("year", YEARS)
def test_year_end_report_states_kpi_annual(history, year):
    report = history["out"] / "reports" / str(year) / f"年度民政工作总结_{year}_清河县.html"
    assert report.exists(), sorted(p.name for p in (history["out"] / "reports").rglob("*"))
    text = re.sub(r"<[^>]+>", "", report.read_text(encoding="utf-8"))
    assert f"{year}年度民政工作总结" in text
    rate, complete = _kpi(history["warehouse"], year, "tekun_centralized_rate")
    # every township in force that year reported: the generator's divisions start with the
    # first generated year (not 2011) and the merged township ends before the merger year
    assert complete is True
    assert f"集中供养率{f.fmt_pct(rate)}" in text
    per_case, _ = _kpi(history["warehouse"], year, "med_assist_per_case")
    assert f.fmt_yuan_level(per_case) in text
