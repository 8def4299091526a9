"""The year-end summary above the county (issue 15): a city drop (``generate(scale='city')``:
four counties of four townships in prefecture city 3791) with one township's 2025Q4 return left
out is ingested and built for real; ``civstat report`` without ``--division`` writes the city's
summary (全市, its counties ranked, the county short of a township named in 数据说明), a county of
the city still gets its own, and ``civstat check --division`` reports one division.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import civstat_env
from test_report_trace import untraced_numbers

from civstat.generate import generate
from civstat.report import formatting as f
from civstat.report.levels import default_division

CITY, CITY_NAME = "379100000000", "地市3791"
CITY_TARGETS = "全市2025年民政工作要点"
YEAR = 2025


def civstat(*args: str, env: dict) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("civstat")
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=False)


def ok(*args: str, env: dict) -> subprocess.CompletedProcess:
    res = civstat(*args, env=env)
    assert res.returncode == 0, f"civstat {' '.join(args)}:\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def city(tmp_path_factory, dbt_isolated):
    root = tmp_path_factory.mktemp("city_report")
    env = civstat_env(root)
    generate(root / "raw", root / "reference", scale="city", years=(YEAR,), messy=False)
    dropped = min((root / "raw" / f"{YEAR}Q4").glob("*.xlsx"))
    dropped.unlink()  # one township sends no 2025Q4 return: its county and the city fall short
    with open(root / "reference" / "plan_targets.csv", "a", encoding="utf-8") as fh:
        # the city bureau's own target, for a city divisions.csv does not list (code-derived)
        fh.write(f"{CITY},{YEAR},nursing_bed_share,0.55,>=,{CITY_TARGETS}\n")
    wh = env["CIVSTAT_WAREHOUSE"]
    ok("ingest", "--raw", env["CIVSTAT_RAW_DIR"], "--reference", env["CIVSTAT_REFERENCE_DIR"],
       "--warehouse", wh, env=env)
    ok("build", "--warehouse", wh, env=env)
    out = root / "reports"
    res = ok("report", "--period", str(YEAR), "--format", "html,pdf", "--out", str(out), env=env)
    files = [Path(p) for p in res.stdout.split()]
    con = duckdb.connect(wh, read_only=True)
    yield {"root": root, "env": env, "con": con, "files": files, "out": out}
    con.close()


def body_text(html: Path) -> str:
    page = html.read_text(encoding="utf-8")
    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.DOTALL)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))


def _html(files: list[Path]) -> Path:
    return next(p for p in files if p.suffix == ".html")


def test_default_division_is_the_city(city):
    """No --division on a city drop: the city (its derived province holds nothing else)."""
    assert {p.suffix for p in city["files"]} == {".html", ".pdf"}
    assert all(CITY_NAME in p.name for p in city["files"]), city["files"]
    text = body_text(_html(city["files"]))
    assert f"{CITY_NAME}{YEAR}年度民政工作总结" in text
    assert "全市" in text and "全县" not in text


def _counties(con) -> dict[str, str]:
    return dict(con.execute(
        "SELECT division_code, division_name FROM dim_division WHERE division_level = 'county' "
        "AND city_code = ?", [CITY]).fetchall())


def test_city_ranks_its_counties_with_the_warehouse_values(city):
    """The counties whose figure is whole are ranked; the one short of a township (its 2025Q4
    return dropped) is left out of the ranking, which says so, and marked in the table."""
    con, counties = city["con"], _counties(city["con"])
    rows = con.execute(
        "SELECT division_code, value, complete FROM kpi_annual WHERE year = ? AND kpi_code = "
        "'dibao_coverage_rate_rural' AND list_contains(?, division_code) ORDER BY value DESC, "
        "division_code", [YEAR, list(counties)]).fetchall()
    assert len(rows) == 4
    (short,) = [c for c, _, complete in rows if not complete]
    rows = [r for r in rows if r[2]]
    top, bottom = rows[0], rows[-1]
    assert f.fmt_pct(top[1]) != f.fmt_pct(bottom[1])  # the counties differ: a ranking is stated
    text = body_text(_html(city["files"]))
    sentence = (f"农村低保覆盖率*以{counties[top[0]]}最高（{f.fmt_pct(top[1])}），"
                f"{counties[bottom[0]]}最低（{f.fmt_pct(bottom[1])}）")
    assert sentence in text, sentence
    assert f"*农村低保覆盖率排名：未计入{counties[short]}（数据不完整）" in text
    assert f"*{counties[short]}：不含" in text  # its cells in 表2 are marked and footnoted
    # the city's own rate is the kpi_annual row at city level
    (city_rate,) = con.execute(
        "SELECT value FROM kpi_annual WHERE year = ? AND kpi_code = 'dibao_coverage_rate_rural' "
        "AND division_code = ?", [YEAR, CITY]).fetchone()
    assert f.fmt_pct(city_rate) in text
    # the townships' extremes follow, named with their county
    assert "乡镇（街道）中以" in text
    # the tables of 附件 list the counties with a 合计 row
    assert "各县（市、区）主要指标" in text and "合计" in text


def test_data_notes_name_the_county_short_of_a_township(city):
    con = city["con"]
    (incomplete,) = con.execute(
        "SELECT counties_incomplete FROM period_coverage WHERE division_code = ? AND year = ? "
        "AND quarter = 4", [CITY, YEAR]).fetchone()
    assert len(incomplete) == 1
    county = incomplete[0]
    (missing,) = con.execute(
        "SELECT townships_missing FROM period_coverage WHERE division_code = ? AND year = ? "
        "AND quarter = 4", [county, YEAR]).fetchone()
    names = dict(con.execute("SELECT division_code, division_name FROM dim_division").fetchall())
    text = body_text(_html(city["files"]))
    notes = text[text.rindex("数据说明"):]
    assert (f"四季度数据不完整的县（市、区）：{names[county]}（缺{names[missing[0]]}）"
            in notes), notes[:600]


def test_every_number_of_the_city_report_is_traced(city):
    source = _html(city["files"]).read_text(encoding="utf-8")
    bad = untraced_numbers(source)
    assert bad == [], f"{len(bad)} numbers untraced: {bad[:30]}"


def test_city_pdf_says_the_same(city):
    pdf = next(p for p in city["files"] if p.suffix == ".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "全市" in flat and "数据不完整的县（市、区）" in flat
    counties = _counties(city["con"])
    assert any(f"以{n}" in flat for n in counties.values())


def test_a_county_of_the_city_keeps_its_own_report(city):
    name = min(_counties(city["con"]).values())
    res = ok("report", "--period", str(YEAR), "--division", name, "--format", "html", "--out",
             str(city["out"]), env=city["env"])
    html = Path(res.stdout.split()[0])
    assert name in html.name
    text = body_text(html)
    assert "全县" in text and "全市" not in text
    assert "各乡镇（街道）主要指标" in text


def test_default_division_choices():
    def frame(rows):
        return pl.DataFrame(rows, schema=["division_code", "division_name", "division_level"],
                            orient="row")

    assert default_division(frame([("a", "甲县", "county"), ("t", "乙镇", "township")])) == "a"
    assert default_division(frame([("37", "省37", "province"), ("3791", "地市3791", "city"),
                                   ("3792", "地市3792", "city")])) == "37"
    with pytest.raises(LookupError, match="请用 --division 指定其一:地市3791 3791、地市3792 3792"):
        default_division(frame([("3791", "地市3791", "city"), ("3792", "地市3792", "city"),
                                ("a", "甲县", "county")]))


def test_check_scoped_to_a_division(city):
    """The township without a 2025Q4 return is a hard finding (H12 缺报): it decides the exit
    code of the city's and its county's check, not that of another county."""
    con, env, out = city["con"], city["env"], city["root"] / "quality"
    names = dict(con.execute("SELECT division_code, division_name FROM dim_division").fetchall())
    (short,) = con.execute(
        "SELECT counties_incomplete FROM period_coverage WHERE division_code = ? AND year = ? "
        "AND quarter = 4", [CITY, YEAR]).fetchone()
    other = min(c for c in _counties(con) if c not in short)
    for division, code in ((CITY_NAME, 1), (names[short[0]], 1), (names[other], 0)):
        res = civstat("check", "--period", f"{YEAR}Q4", "--division", division, "--out",
                      str(out), env=env)
        assert res.returncode == code, (division, res.stdout, res.stderr)
        report = out / f"quality_report_{division}_{YEAR}Q4.html"
        assert report.exists()
        assert ("暂不发布" in res.stdout) == bool(code)  # the blocked return is listed or not
    res = civstat("check", "--division", "没有这个县", env=env)
    assert res.returncode == 2 and "没有这个区划" in res.stderr


def test_the_city_states_its_own_plan_target(city):
    """A target set for the (code-derived) city is loaded, compared with the city's own KPI
    and stated in the city's summary."""
    con = city["con"]
    (target, actual, source), = con.execute(
        "SELECT target, actual, source FROM kpi_plan_completion WHERE division_code = ? "
        "AND year = ? AND kpi_code = 'nursing_bed_share'", [CITY, YEAR]).fetchall()
    (own,), = con.execute(
        "SELECT value FROM kpi_annual WHERE division_code = ? AND year = ? "
        "AND kpi_code = 'nursing_bed_share'", [CITY, YEAR]).fetchall()
    assert (target, source) == (0.55, CITY_TARGETS) and actual == pytest.approx(own)
    page = _html(city["files"]).read_text(encoding="utf-8")
    assert CITY_TARGETS in page and "护理型床位" in body_text(_html(city["files"]))
