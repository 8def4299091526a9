"""Above the county on returns civstat did not write (issue 15): a city of two counties typed
cell by cell — two workbooks with the contract's labels, one in a clerk's own wording with
traditional characters and 万元, one township's CSV export — and a ``divisions.csv`` that lists
the province and the city themselves. One township of 西县 sends nothing.

The drop goes through the ``civstat`` commands (ingest → build → report → check). Every expected
figure is computed here from the cells written: the city's and province's rates are the rate of
the summed numerators and denominators (not the mean of the county rates, which differs here),
the completeness counts follow from the one missing return, and the city's summary, its plan
target and its 数据说明 say so."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import civstat_env
from handmade import canonical_sheets, write_cells, write_csv_group

from civstat.report import formatting as f

pytestmark = pytest.mark.slow

YEAR = 2024
PROVINCE, CITY = ("330000000000", "试验省"), ("330500000000", "试验市")
EAST, WEST = ("330501000000", "东县"), ("330502000000", "西县")
D1, D2 = "330501001000", "330501100000"  # 东城街道, 东山镇
W1, W2, W3 = "330502001000", "330502100000", "330502101000"  # 西城街道, 西湖镇, 西岭乡 (no return)
TOWNS = {D1: ("东城街道", "东城", "街道", EAST), D2: ("东山镇", "东山", "镇", EAST),
         W1: ("西城街道", "西城", "街道", WEST), W2: ("西湖镇", "西湖", "镇", WEST),
         W3: ("西岭乡", "西岭", "乡", WEST)}
# per township: urban and rural population, then 低保 persons (urban, rural)
FIGURES = {D1: (30000, 4000, 200, 40), D2: (8000, 20000, 60, 600),
           W1: (26000, 6000, 150, 30), W2: (9000, 60000, 50, 900)}
TARGET_SOURCE = "试验市2024年民政工作要点"
KPI = "dibao_coverage_rate_rural"


def cover(code: str) -> list[list]:
    urban, rural, *_ = FIGURES[code]
    return [["乡镇民政统计季报(封面)"], ["填报单位", TOWNS[code][0]], ["统计用区划代码", code],
            ["报告期", f"{YEAR}年第4季度"], ["户籍人口(人)", urban + rural],
            ["其中:城镇人口(人)", urban], ["其中:农村人口(人)", rural],
            ["60岁及以上人口(人)", (urban + rural) // 5], ["填报人", "赵敏"], ["审核人", "钱进"],
            ["填报日期", f"{YEAR + 1}年1月8日"]]


def dibao_row(persons: int, standard: float) -> list:
    """households, persons, new h/p, exited h/p (YTD), funds (YTD, 元), standard (元/人·月)."""
    households = persons * 3 // 5
    return [households, persons, persons // 10, persons // 8, persons // 20, persons // 16,
            round(persons * standard * 2.4, 2), standard]


def dibao_canonical(code: str) -> list[list]:
    *_, urban, rural = FIGURES[code]
    return [["类别", "期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数",
             "本年退出人数", "累计支出低保资金(元)", "保障标准(元/人·月)"],
            ["城市低保", *dibao_row(urban, 820.0)], ["农村低保", *dibao_row(rural, 640.0)]]


def dibao_own_words(code: str) -> list[list]:
    """东山镇's clerk: traditional characters, money in 万元, bare standards."""
    rows = [["類別", "低保戶數", "低保人數", "新增戶數", "新增人數", "清減戶數", "清減人數",
             "低保資金(萬元)", "保障標準"]]
    for label, row in zip(("城市", "农村"), dibao_canonical(code)[1:], strict=True):
        values = row[1:]
        rows.append([label, *values[:6], f"{values[6] / 10000:.6f}", values[7]])
    return rows


def others() -> dict[str, list[list]]:
    sheets = canonical_sheets()
    del sheets["表1 最低生活保障"]
    return sheets


def write_drop(raw: Path, ref: Path) -> None:
    folder = raw / f"{YEAR}Q4"
    write_cells(folder / "东城街道2024年四季度民政统计季报.xlsx",
                {"封面": cover(D1), "表1 最低生活保障": dibao_canonical(D1), **others()})
    write_cells(folder / "东山镇民政季报(2024Q4).xlsx",
                {"封面": cover(D2), "低保": dibao_own_words(D2), **others()})
    write_csv_group(folder, "西城街道四季度", cover(W1),
                    {"表1 最低生活保障": dibao_canonical(W1), **others()}, encoding="utf-8")
    write_cells(folder / "西湖镇.xlsx",
                {"封面": cover(W2), "表1 最低生活保障": dibao_canonical(W2), **others()})
    ref.mkdir(parents=True, exist_ok=True)
    with (ref / "divisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["division_code", "name", "short_name", "level", "type", "parent_code",
                    "valid_from", "valid_to", "successor_code"])
        w.writerow([*PROVINCE, "试验", "province", "省", "", "2000-01-01", "", ""])
        w.writerow([*CITY, "试验", "city", "市", PROVINCE[0], "2000-01-01", "", ""])
        for code, name in (EAST, WEST):
            w.writerow([code, name, name[0], "county", "县", CITY[0], "2000-01-01", "", ""])
        for code, (name, short, kind, county) in TOWNS.items():
            w.writerow([code, name, short, "township", kind, county[0], "2000-01-01", "", ""])
    (ref / "plan_targets.csv").write_text(
        "division_code,year,kpi_code,target,comparison,source\n"
        f"{CITY[0]},{YEAR},{KPI},0.02,>=,{TARGET_SOURCE}\n", encoding="utf-8")
    (ref / "explanations.csv").write_text("division_code,period,rule_code,text\n", encoding="utf-8")


def civstat(*args: str, env: dict) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("civstat")
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def city(tmp_path_factory, dbt_isolated):
    root = tmp_path_factory.mktemp("handmade_city")
    env = civstat_env(root)
    write_drop(root / "raw", root / "reference")
    steps = {"ingest": civstat("ingest", env=env), "build": civstat("build", env=env)}
    report = civstat("report", "--period", str(YEAR), "--format", "html", "--out",
                     str(root / "reports"), env=env)
    con = duckdb.connect(env["CIVSTAT_WAREHOUSE"], read_only=True)
    yield {"root": root, "env": env, "con": con, "steps": steps, "report": report}
    con.close()


def sums(codes) -> tuple[int, int]:
    """(rural 低保 persons, rural population) summed over ``codes``' returns."""
    return (sum(FIGURES[c][3] for c in codes if c in FIGURES),
            sum(FIGURES[c][1] for c in codes if c in FIGURES))


def test_the_drop_loads_builds_and_publishes(city):
    for name, res in city["steps"].items():
        assert res.returncode == 0, f"civstat {name}:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    assert city["con"].execute("SELECT count(*) FROM raw.submissions").fetchone() == (4,)


def test_every_township_has_its_full_path(city):
    rows = city["con"].execute(
        "SELECT division_code, division_level, county_code, city_code, province_code, division_name "
        "FROM dim_division ORDER BY division_code").fetchall()
    by_code = {r[0]: r[1:] for r in rows}
    assert by_code[PROVINCE[0]] == ("province", None, None, PROVINCE[0], PROVINCE[1])
    assert by_code[CITY[0]] == ("city", None, CITY[0], PROVINCE[0], CITY[1])
    assert by_code[W3] == ("township", WEST[0], CITY[0], PROVINCE[0], "西岭乡")
    assert by_code[D2][:4] == ("township", EAST[0], CITY[0], PROVINCE[0])


def test_rates_at_every_level_are_the_rate_of_the_sums(city):
    con = city["con"]
    (scale,) = con.execute("SELECT scale FROM dim_kpi WHERE kpi_code = ?", [KPI]).fetchone()
    got = {code: (value, n, d) for code, value, n, d in con.execute(
        "SELECT division_code, value, numerator, denominator FROM kpi_annual "
        "WHERE year = ? AND kpi_code = ?", [YEAR, KPI]).fetchall()}
    levels = {D2: [D2], EAST[0]: [D1, D2], WEST[0]: [W1, W2, W3], CITY[0]: list(FIGURES),
              PROVINCE[0]: list(FIGURES)}
    for code, towns in levels.items():
        n, d = sums(towns)
        assert got[code][1:] == (pytest.approx(n), pytest.approx(d)), code
        assert got[code][0] == pytest.approx(n / d * scale), code
    east, west = (sums(t)[0] / sums(t)[1] for t in (levels[EAST[0]], levels[WEST[0]]))
    assert abs(got[CITY[0]][0] - (east + west) / 2 * scale) > 1e-3  # not a mean of rates


def test_completeness_counts_the_missing_return(city):
    con = city["con"]
    county = con.execute(
        "SELECT townships_expected, townships_included, complete, townships_missing FROM kpi_annual "
        "WHERE year = ? AND kpi_code = ? AND division_code = ?", [YEAR, KPI, WEST[0]]).fetchone()
    assert county == (3, 2, False, [W3])
    upper = con.execute(
        "SELECT counties_expected, counties_complete, counties_incomplete FROM kpi_annual "
        "WHERE year = ? AND kpi_code = ? AND division_code = ?", [YEAR, KPI, CITY[0]]).fetchone()
    assert upper == (2, 1, [WEST[0]])


def body_text(html: Path) -> str:
    page = html.read_text(encoding="utf-8")
    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.DOTALL)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))


def test_the_city_summary_ranks_states_its_target_and_names_what_is_missing(city):
    res = city["report"]
    assert res.returncode == 0, res.stderr[-3000:]
    html = next(Path(p) for p in res.stdout.split() if p.endswith(".html"))
    assert CITY[1] in html.name  # no --division: the smallest division holding every county
    text = body_text(html)
    assert f"{CITY[1]}{YEAR}年度民政工作总结" in text and "全市" in text
    # 西县 lacks 西岭乡: no whole figure of it to rank against 东县's, so no county is ranked
    # (its cells in 表2 are marked); the townships' extremes are still named
    assert f"以{EAST[1]}最高" not in text and f"以{WEST[1]}最高" not in text
    assert f"*{WEST[1]}：不含西岭乡" in text
    assert "农村低保覆盖率在各乡镇（街道）中以" in text
    n, d = sums(FIGURES)
    assert f.fmt_pct(n / d) in text
    assert TARGET_SOURCE in text
    notes = text[text.rindex("数据说明"):]
    assert f"四季度数据不完整的县（市、区）：{WEST[1]}（缺西岭乡）" in notes, notes[:600]


@pytest.mark.parametrize(("division", "exit_code"), [(EAST[1], 0), (WEST[1], 1), (CITY[1], 1)])
def test_check_is_scoped_to_a_division(city, division, exit_code):
    """西岭乡 sent nothing (H12, hard): it fails 西县's and the city's check, not 东县's."""
    res = civstat("check", "--period", f"{YEAR}Q4", "--division", division, "--out",
                  str(city["root"] / "quality"), env=city["env"])
    assert res.returncode == exit_code, (division, res.stdout[-2000:], res.stderr[-2000:])
