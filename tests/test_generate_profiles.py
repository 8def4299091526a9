"""A programme added as a file is in the template and generated from its ``generator:`` profile.

The catalogue is copied to a temporary directory with extra programme files (the 表17 冬春生活救助
fixture, and small synthetic programmes for every row kind) and passed to the template and the
generator; a fresh process running a copy of the package reads the generated returns back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import fastexcel
import openpyxl
import pytest

import civstat
from civstat import paths
from civstat.contract import load_contract
from civstat.generate.model import build_county
from civstat.generate.profile import ProfileError, load_profile
from civstat.template import write_return, write_template

PACKAGE = Path(civstat.__file__).parent
CONTRACT_DIR = PACKAGE / "contract"
WINTER_RELIEF = Path(__file__).parent / "fixtures" / "programmes" / "winter_relief.yaml"

SHELTERS = """
code: shelters
domain: social_affairs
order: 165
sheet:
  table: shelters
  number: 91
  sheet: 表91 救助管理机构
  sheet_synonyms: [救助管理机构, 救助站]
  row_kind: entity
  columns:
    - {name: shelter_name, header: 机构名称, kind: attr, type: text, required: true}
    - {name: shelter_type, header: 机构类型, kind: attr, type: text, required: true, choices: [救助管理站, 未成年人救助保护中心]}
    - {name: beds, header: 床位数, unit: 张, kind: stock, type: int, required: true}
    - {name: occupied, header: 在站人数, unit: 人, kind: stock, type: int, required: true, of: beds}
    - {name: served_ytd, header: 累计救助人次, unit: 人次, kind: ytd, type: int, required: true}
    - {name: spending_ytd, header: 累计救助支出, unit: 元, kind: ytd, type: money, required: true}
generator:
  entities: {count: [1, 3], by_township: {街道: {count: [2, 3]}}}
  columns:
    shelter_name: {template: "{township}{shelter_type}"}
    beds: {range: [10, 40]}
    occupied: {share: [0.3, 0.8]}
    served_ytd: {per: beds, factor: [2, 6], seasonal: [0.4, 0.1, 0.1, 0.4]}
    spending_ytd: {per: served_ytd, factor: [200, 600], round: 100}
"""

SUBSIDY = """
code: subsidy
domain: social_assistance
order: 15
sheet:
  table: subsidy
  number: 92
  sheet: 表92 困难群众补贴
  sheet_synonyms: [困难群众补贴]
  row_kind: category
  label: {name: category, header: 类别}
  categories:
    urban: {label: 城镇}
    rural: {label: 农村}
  columns:
    - {name: persons, header: 期末人数, unit: 人, kind: stock, type: int, required: true}
    - {name: disabled, header: 残疾人, unit: 人, kind: stock, type: int, of: persons}
    - {name: paid_ytd, header: 累计发放补贴, unit: 元, kind: ytd, type: money, required: true}
    - {name: in_kind_ytd, header: 实物折款, unit: 元, kind: ytd, type: money, of: paid_ytd}
    - {name: standard, header: 补贴标准, unit: 元/人·月, kind: stock, type: decimal}
generator:
  categories:
    urban: {population: pop_urban}
    rural: {population: pop_rural, scale: 1.5}
  columns:
    persons: {per_10k: [20, 40]}
    disabled: {share: [0.1, 0.3]}
    paid_ytd: {per: persons, factor: [600, 900]}
    in_kind_ytd: {share: [0.05, 0.15]}
    standard: {by_category: {urban: {range: [80, 100]}, rural: {range: [60, 80]}}, trend: 0.05, noise: 0}
"""

INCIDENTS = """
code: incidents
domain: social_affairs
order: 167
sheet:
  table: incidents
  number: 93
  sheet: 表93 突发事件救助
  sheet_synonyms: [突发事件救助]
  row_kind: event
  columns:
    - {name: incident_date, header: 发生日期, kind: attr, type: date, required: true}
    - {name: incident_type, header: 事件类型, kind: attr, type: text, required: true, choices: [火灾, 溺水, 交通事故]}
    - {name: persons, header: 涉及人数, unit: 人, kind: attr, type: int, required: true}
    - {name: aided, header: 救助人数, unit: 人, kind: attr, type: int, of: persons}
    - {name: area_mu, header: 影响面积, unit: 亩, kind: attr, type: decimal}
generator:
  events: {per_year: [1, 4]}
  columns:
    persons: {range: [1, 30]}
    aided: {share: [0.5, 1]}
"""

PLAIN = """
code: plain
domain: social_affairs
order: 168
sheet:
  table: plain
  number: 94
  sheet: 表94 其他事项
  row_kind: single
  columns:
    - {name: staff, header: 工作人员, unit: 人, kind: stock, type: int, required: true}
    - {name: cases_ytd, header: 累计办理件数, unit: 件, kind: ytd, type: int, required: true}
    - {name: online_ytd, header: 网上办理件数, unit: 件, kind: ytd, type: int, of: cases_ytd}
    - {name: funds_ytd, header: 累计支出, unit: 元, kind: ytd, type: money}
"""  # no generator: key at all — placeholder figures


def catalogue(root: Path, *extra: str | Path):
    """The catalogue with extra programme files (a path, or YAML text)."""
    (root / "programmes").mkdir(parents=True)
    shutil.copy(CONTRACT_DIR / "return.yaml", root / "return.yaml")
    for path in (CONTRACT_DIR / "programmes").glob("*.yaml"):
        shutil.copy(path, root / "programmes" / path.name)
    for item in extra:
        if isinstance(item, Path):
            shutil.copy(item, root / "programmes" / item.name)
        else:
            code = item.split("code:", 1)[1].split()[0]
            (root / "programmes" / f"{code}.yaml").write_text(item.lstrip(), encoding="utf-8")
    return load_contract(root)


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    return catalogue(
        tmp_path_factory.mktemp("catalogue"), WINTER_RELIEF, SHELTERS, SUBSIDY, INCIDENTS, PLAIN
    )


@pytest.fixture(scope="module")
def county(contract):
    return build_county(contract=contract)




def test_template_has_the_added_sheets_in_catalogue_order(contract, tmp_path):
    path = write_template(tmp_path / "t.xlsx", contract)
    names = fastexcel.read_excel(path).sheet_names
    assert names[0] == "封面" and names[-1] == "填表说明"
    assert names[1:-1] == [
        p.sheet.sheet for p in sorted(contract.programmes, key=lambda p: p.order)
    ]
    assert names.index("表92 困难群众补贴") == names.index("表1 最低生活保障") + 1  # order 15
    assert names[-3:-1] == ["表94 其他事项", "表17 冬春生活救助"]  # order 168, 170
    ws = openpyxl.load_workbook(path)["表17 冬春生活救助"]
    cells = {c for row in ws.iter_rows(values_only=True) for c in row if c}
    assert {"救助困难群众(人次)", "发放棉衣被(件)", "救助经办人员(人)"} <= cells
    notes = " ".join(
        str(c)
        for row in openpyxl.load_workbook(path)["填表说明"].iter_rows(values_only=True)
        for c in row
        if c
    )
    assert "表91每个救助管理机构填一行" in notes and "表93每起突发事件救助填一行" in notes
    assert (
        "表17 冬春生活救助:期末数——救助经办人员;1月至本期累计——救助困难群众、发放棉衣被、入户走访"
        in notes
    )


def test_winter_relief_is_generated_plausibly(county):
    cur = county.current()
    for (code, year, q), ret in cur.items():
        (row,) = ret.data["winter_relief"]
        assert set(row) == {"aided_ytd", "clothing_ytd", "visits_ytd", "caseworkers"}
        assert all(isinstance(v, int) and v >= 0 for v in row.values()), row
        assert row["caseworkers"] >= 1 and row["clothing_ytd"] < row["aided_ytd"]
        if q == 4:
            per_10k = row["aided_ytd"] / ret.cover["pop_total"] * 10000
            assert 55 <= per_10k <= 280, (code, year, per_10k)
        if q > 1 and (code, year, q - 1) in cur and (code, year, q) != county.plants["copy_paste"]:
            (prev,) = cur[(code, year, q - 1)].data["winter_relief"]
            for col in ("aided_ytd", "clothing_ytd", "visits_ytd"):
                assert row[col] >= prev[col], (code, year, q, col)
            assert row["aided_ytd"] > prev["aided_ytd"]
            if q == 4 and (code, year, 2) in cur:  # most of the year's aid in Q1 and Q4
                assert row["aided_ytd"] - prev["aided_ytd"] > prev["aided_ytd"] - (
                    cur[(code, year, 2)].data["winter_relief"][0]["aided_ytd"]
                ), (code, year)


def test_adding_a_programme_changes_no_other_figure(county):
    plain = build_county()
    assert len(plain.returns) == len(county.returns)
    for a, b in zip(plain.returns, county.returns):
        assert a.cover == b.cover
        assert a.data == {f: rows for f, rows in b.data.items() if f in a.data}


def test_generated_is_deterministic(contract, county):
    again = build_county(contract=contract)
    assert [r.data for r in again.returns] == [r.data for r in county.returns]
    other = build_county(seed=1, contract=contract)
    assert [r.data["winter_relief"] for r in other.returns] != [
        r.data["winter_relief"] for r in county.returns
    ]


def _ytd_monotonic(cur, family, key):
    for (code, year, q), ret in cur.items():
        if q == 1 or (code, year, q - 1) not in cur or ret.data == cur[(code, year, q - 1)].data:
            continue
        prev = {key(r): r for r in cur[(code, year, q - 1)].data[family]}
        for row in ret.data[family]:
            if key(row) in prev:
                for col in row:
                    if col.endswith("_ytd"):
                        assert row[col] >= prev[key(row)][col], (family, code, year, q, col)


def test_category_rows(county):
    cur = county.current()
    for ret in cur.values():
        rows = {r["category"]: r for r in ret.data["subsidy"]}
        assert set(rows) == {"urban", "rural"}
        for row in rows.values():
            assert isinstance(row["persons"], int) and row["disabled"] <= row["persons"]
            assert isinstance(row["paid_ytd"], int) and row["in_kind_ytd"] <= row["paid_ytd"]
        assert 80 <= rows["urban"]["standard"] / 1.05 ** (ret.year - 2024) <= 100
        assert rows["urban"]["standard"] == round(rows["urban"]["standard"], 2)
        assert 0.001 <= rows["rural"]["persons"] / ret.cover["pop_rural"] <= 0.0065
    _ytd_monotonic(cur, "subsidy", lambda r: r["category"])


def test_entity_rows(county):
    cur = county.current()
    streets = {d["division_code"] for d in county.divisions if d["type"] == "街道"}
    for (code, _, _), ret in cur.items():
        rows = ret.data["shelters"]
        names = [r["shelter_name"] for r in rows]
        assert len(names) == len(set(names)) and 1 <= len(rows)
        assert code not in streets or len(rows) >= 2
        for row in rows:
            assert row["shelter_type"] in ("救助管理站", "未成年人救助保护中心")
            assert (
                row["shelter_name"].endswith(row["shelter_type"])
                or row["shelter_name"][-1].isdigit()
            )
            assert 10 <= row["beds"] <= 40 and row["occupied"] <= row["beds"]
            assert row["spending_ytd"] % 100 == 0
    _ytd_monotonic(cur, "shelters", lambda r: r["shelter_name"])


def test_event_rows(county):
    cur = county.current()
    for (code, year, q), ret in cur.items():
        rows = ret.data["incidents"]
        dates = [r["incident_date"] for r in rows]
        assert dates == sorted(dates) and all(d.startswith(str(year)) for d in dates)
        assert all(int(d[5:7]) <= 3 * q for d in dates)
        for row in rows:
            assert 1 <= row["persons"] <= 30 and row["aided"] <= row["persons"]
            assert isinstance(row["area_mu"], float) and row["area_mu"] == round(row["area_mu"], 2)
        if q > 1 and (code, year, q - 1) in cur:
            before = cur[(code, year, q - 1)].data["incidents"]
            assert all(e in rows for e in before)  # an event stays listed for the rest of the year


def test_programme_without_profile_gets_placeholder_figures(county):
    cur = county.current()
    for ret in cur.values():
        (row,) = ret.data["plain"]
        assert all(isinstance(v, int) and v >= 0 for v in row.values())
        assert row["online_ytd"] <= row["cases_ytd"] and row["staff"] > 0
    _ytd_monotonic(cur, "plain", lambda r: 0)


def test_profile_mistakes_name_the_file(tmp_path):
    bad = WINTER_RELIEF.read_text(encoding="utf-8").replace("clothing_ytd: {per:", "clothing_ytd: {pr:")
    path = tmp_path / "winter_relief.yaml"
    path.write_text(bad, encoding="utf-8")
    contract = catalogue(tmp_path / "c", path)
    with pytest.raises(
        ProfileError,
        match=r"winter_relief\.yaml generator\.columns\.clothing_ytd: unknown key 'pr'",
    ):
        load_profile(contract.programme("winter_relief"))
    bad = WINTER_RELIEF.read_text(encoding="utf-8").replace("caseworkers: {", "caseworker: {")
    path.write_text(bad, encoding="utf-8")
    contract = catalogue(tmp_path / "d", path)
    with pytest.raises(ProfileError, match="no column 'caseworker'"):
        build_county(years=(2024,), contract=contract)


def test_written_return_has_the_sheet(contract, county, tmp_path):
    ret = next(r for r in county.returns if r.quarter == 2)
    path = write_return(tmp_path / "r.xlsx", ret.cover, ret.data, contract=contract)[0]
    rows = fastexcel.read_excel(path).load_sheet("表17 冬春生活救助", header_row=None).to_polars().rows()
    header = next(i for i, r in enumerate(rows) if r[0] == "救助困难群众(人次)")
    assert [int(float(v)) for v in rows[header + 1]] == list(ret.data["winter_relief"][0].values())


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """A copy of the package with the extra programme files, run in a fresh process: generate
    2024Q1–Q2 (messy styles included) and ingest them into DuckDB."""
    work = tmp_path_factory.mktemp("round_trip")
    src = work / "src"
    shutil.copytree(PACKAGE, src / "civstat", ignore=shutil.ignore_patterns("__pycache__"))
    programmes = src / "civstat" / "contract" / "programmes"
    shutil.copy(WINTER_RELIEF, programmes / WINTER_RELIEF.name)
    for text in (SHELTERS, SUBSIDY, INCIDENTS, PLAIN):
        code = text.split("code:", 1)[1].split()[0]
        (programmes / f"{code}.yaml").write_text(text.lstrip(), encoding="utf-8")
    code = f"""
import json, duckdb, civstat
from civstat.generate import generate
from civstat.ingest import ingest
assert civstat.__file__.startswith({str(src)!r}), civstat.__file__
info = generate({str(work / "raw")!r}, {str(work / "ref")!r}, years=(2024,), quarters=["2024Q1", "2024Q2"])
con = duckdb.connect({str(work / "wh.duckdb")!r})
res = ingest(con, {str(work / "raw")!r}, {str(work / "ref")!r}, quarantine_dir={str(work / "q")!r})
con.execute("CHECKPOINT")
print(json.dumps({{"quarantined": [str(q) for q in res.quarantined], "messiness": sorted(info["messiness"])}}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVSTAT_")}
    env["PYTHONPATH"] = str(src)  # the copy's package, ahead of the installed one
    env["CIVSTAT_PROJECT_ROOT"] = str(paths.PROJECT_ROOT)  # dbt seeds the reference checks read
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=work,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work, json.loads(proc.stdout.strip().splitlines()[-1])


def test_generated_returns_read_back(round_trip, contract):
    import duckdb

    work, info = round_trip
    assert info["quarantined"] == [] and len(info["messiness"]) > 5
    county = build_county(years=(2024,), contract=contract)
    cur = {k: r for k, r in county.current().items() if k[2] <= 2}
    con = duckdb.connect(str(work / "wh.duckdb"), read_only=True)
    try:
        current = "submission_id IN (SELECT submission_id FROM raw.submissions WHERE is_current)"
        for family, table, cols in (
            ("winter_relief", "winter_relief", ["aided_ytd", "clothing_ytd", "caseworkers"]),
            ("subsidy", "subsidy", ["persons", "paid_ytd", "in_kind_ytd"]),
            ("shelters", "shelters", ["beds", "served_ytd", "spending_ytd"]),
            ("incidents", "incidents", ["persons", "aided", "area_mu"]),
            ("plain", "plain", ["staff", "cases_ytd", "funds_ytd"]),
        ):
            totals = "" if family in ("winter_relief", "plain") else " AND NOT is_total"
            got = con.execute(
                f"SELECT period, {', '.join(f'sum({c})' for c in cols)}, count(*) FROM raw.{table} "
                f"WHERE {current}{totals} GROUP BY period ORDER BY period"
            ).fetchall()
            width = len(cols) + 1
            want = defaultdict(lambda: [0.0] * width)  # noqa: B023
            for (_, year, q), ret in cur.items():
                for row in ret.data[family]:
                    acc = want[f"{year}Q{q}"]
                    for i, c in enumerate(cols):
                        acc[i] += row[c] or 0
                    acc[-1] += 1
            assert [p for p, *_ in got] == sorted(want), family
            for period, *values in got:
                assert values[-1] == want[period][-1], (family, period)
                # an area written in 公顷 to 0.01 (the area_gongqing style) reads back ×15: each
                # row may be off by half a step, 0.075 亩; everything else is exact to the 分
                slack = 0.075 * values[-1] if "area_mu" in cols else 0.01
                assert values[:-1] == pytest.approx(want[period][:-1], rel=1e-9, abs=slack), (
                    family,
                    period,
                )
    finally:
        con.close()
