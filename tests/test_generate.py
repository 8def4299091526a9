"""The demo generator: deterministic, internally consistent, with exactly the planted problems."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import fastexcel
import pytest

from civstat.contract import load_contract
from civstat.generate import MESSY_STYLES, generate
from civstat.generate.model import build_county

CONTRACT = load_contract()


@pytest.fixture(scope="module")
def county():
    return build_county()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    summary = generate(base / "raw", base / "ref")
    return base, summary




def _crosswalk(county):
    return {
        d["division_code"]: d["successor_code"] for d in county.divisions if d["successor_code"]
    }


def _dibao(ret):
    return {row["category"]: row for row in ret.data["dibao"]}


def _previous_dibao(cur, xwalk, code, year, q):
    """Previous quarter's 低保 rows, with merged predecessors added to their successor."""
    py, pq = (year, q - 1) if q > 1 else (year - 1, 4)
    sources = [
        c
        for (c, y, qq) in cur
        if y == py
        and qq == pq
        and (c == code or (xwalk.get(c) == code and (c, year, q) not in cur))
    ]
    if not sources:
        return None
    out = defaultdict(lambda: defaultdict(int))
    for c in sources:
        for cat, row in _dibao(cur[(c, py, pq)]).items():
            for k, v in row.items():
                if k != "category":
                    out[cat][k] += v
    return out


def test_model_is_deterministic():
    a, b = build_county(seed=7), build_county(seed=7)
    assert a.divisions == b.divisions
    assert a.returns == b.returns
    assert build_county(seed=8).returns != a.returns


def test_generate_is_byte_identical(tmp_path):
    s1 = generate(tmp_path / "a" / "raw", tmp_path / "a" / "ref", quarters=["2024Q4", "2025Q1"])
    s2 = generate(tmp_path / "b" / "raw", tmp_path / "b" / "ref", quarters=["2024Q4", "2025Q1"])
    files1 = sorted(Path(p).relative_to(tmp_path / "a") for p in s1["files"] + s1["reference"])
    files2 = sorted(Path(p).relative_to(tmp_path / "b") for p in s2["files"] + s2["reference"])
    assert files1 == files2 and files1
    for rel in files1:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_county_shape(county):
    towns = [d for d in county.divisions if d["level"] == "township"]
    assert 15 <= len(towns) <= 22
    assert {d["type"] for d in towns} == {"街道", "镇", "乡"}
    for d in towns:
        code = d["division_code"]
        assert len(code) == 12 and code.startswith("371599") and code.endswith("000")
        part = int(code[6:9])
        assert {"街道": 1 <= part <= 99, "镇": 100 <= part <= 199, "乡": 200 <= part <= 399}[
            d["type"]
        ]
    county_rows = [d for d in county.divisions if d["level"] == "county"]
    assert len(county_rows) == 1 and county_rows[0]["type"] == "县"


def test_ytd_monotonic_and_stock_identity(county):
    cur = county.current()
    xwalk = _crosswalk(county)
    ytd = {sh.family: [c.name for c in sh.columns if c.kind == "ytd"] for sh in CONTRACT.sheets}
    checked = 0
    for (code, year, q), ret in cur.items():
        if q > 1 and (code, year, q - 1) in cur:
            prev = cur[(code, year, q - 1)]
            for fam, cols in ((f, c) for f, c in ytd.items() if c):
                if fam not in ret.data or fam not in prev.data:  # an optional sheet left out
                    continue
                if fam in ("dibao", "tekun"):
                    pairs = [(_by(prev, fam)[k], _by(ret, fam)[k]) for k in _by(ret, fam)]
                else:
                    pairs = [(prev.data[fam][0], ret.data[fam][0])] if ret.data[fam] else []
                for a, b in pairs:
                    for col in cols:
                        if a[col] is not None and b[col] is not None:  # reported_in
                            assert b[col] >= a[col], (code, year, q, fam, col)
        prev = _previous_dibao(cur, xwalk, code, year, q)
        if prev is None:
            continue
        for cat, row in _dibao(ret).items():
            p = prev[cat]
            for unit in ("persons", "households"):
                if q == 1:
                    new, exited = row[f"new_{unit}"], row[f"exited_{unit}"]
                else:
                    new = row[f"new_{unit}"] - p[f"new_{unit}"]
                    exited = row[f"exited_{unit}"] - p[f"exited_{unit}"]
                assert row[unit] == p[unit] + new - exited, (code, year, q, cat, unit)
                checked += 1
    assert checked > 200


def _by(ret, fam):
    return {row["category"]: row for row in ret.data[fam]}


def _hard_violations(ret):
    """Row-level hard rules H3, H4, H7, H8, H9, H10 evaluated independently of the generator."""
    bad = []
    for sh in CONTRACT.sheets:
        for row in ret.data.get(sh.family, []):
            for col in sh.columns:
                v = row.get(col.name)
                if col.type in ("int", "money", "decimal") and v is not None:
                    if v < 0 or (col.type == "int" and v != int(v)):
                        bad.append("H7")
                    if col.of and row.get(col.of) is not None and v > row[col.of]:
                        bad.append("H8")
    for row in ret.data["dibao"]:
        for a, b in (
            ("households", "persons"),
            ("new_households", "new_persons"),
            ("exited_households", "exited_persons"),
        ):
            if row[a] > row[b]:
                bad.append("H3")
    t = ret.data["temp_assist"][0]
    if t["household_times_ytd"] > t["person_times_ytd"]:
        bad.append("H3")
    for row in ret.data["tekun"]:
        if row["centralized"] + row["dispersed"] != row["persons"]:
            bad.append("H4")
    for row in ret.data["disaster"]:
        if (
            row["crop_failed_mu"] > row["crop_area_mu"]
            or row["collapsed_households"] > row["collapsed_rooms"]
        ):
            bad.append("H9")
    for row in ret.data["eldercare"]:
        if row["residents"] > 1.05 * row["beds"]:
            bad.append("H10")
        if row["residents"] > row["beds"]:
            bad.append("residents>beds")
    y = ret.data["youfu"][0]
    if y["veterans_placed_ytd"] + y["veterans_self_employed_ytd"] > y["veterans_received_ytd"]:
        bad.append("youfu")
    if y["veterans_trained_ytd"] > y["veterans_self_employed_ytd"]:
        bad.append("youfu")
    return bad


def test_only_the_planted_hard_violation(county):
    found = []
    for r in county.returns:
        for rule in _hard_violations(r):
            found.append((r.division_code, r.year, r.quarter, rule))
    code, year, q = county.plants["hard_tekun"]
    assert found == [(code, year, q, "H4")]
    rural = _by(
        next(r for r in county.returns if (r.division_code, r.year, r.quarter) == (code, year, q)),
        "tekun",
    )
    assert (
        rural["rural"]["persons"] - rural["rural"]["centralized"] - rural["rural"]["dispersed"] == 2
    )


def test_plausible_ranges(county):
    for r in county.returns:
        c = r.cover
        d = _dibao(r)
        assert 0.005 <= d["urban"]["persons"] / c["pop_urban"] <= 0.05
        assert 0.01 <= d["rural"]["persons"] / c["pop_rural"] <= 0.10
        assert 1.0 <= d["rural"]["persons"] / d["rural"]["households"] <= 2.2
        for row in r.data["tekun"]:
            assert 0.05 <= row["centralized"] / row["persons"] <= 0.42
        assert 700 <= d["urban"]["standard"] <= 900 and 550 <= d["rural"]["standard"] <= 750
        for e in r.data["disaster"]:
            assert e["event_date"].startswith(str(r.year))


def test_standards_rise_each_year(county):
    std = {(r.year, cat): row["standard"] for r in county.returns for cat, row in _dibao(r).items()}
    for cat in ("urban", "rural"):
        assert std[(2025, cat)] > std[(2024, cat)]


def test_soft_plants(county):
    cur = county.current()
    code, year, q = county.plants["s1_jump"]
    persons = lambda key: sum(row["persons"] for row in cur[key].data["dibao"])
    assert persons((code, year, q)) / persons((code, year, q - 1)) - 1 > 0.15
    jumps = [
        k
        for k in cur
        if k[2] > 1
        and (k[0], k[1], k[2] - 1) in cur
        and abs(persons(k) / persons((k[0], k[1], k[2] - 1)) - 1) > 0.15
    ]
    assert jumps == [(code, year, q)]
    code, year, q = county.plants["copy_paste"]
    assert cur[(code, year, q)].data == cur[(code, year, q - 1)].data
    code, year, q = county.plants["low_occupancy"]
    inst = cur[(code, year, q)].data["eldercare"]
    assert sum(i["residents"] for i in inst) / sum(i["beds"] for i in inst) < 0.2
    low = [
        k
        for k, r in cur.items()
        if r.data["eldercare"]
        and sum(i["residents"] for i in r.data["eldercare"])
        / sum(i["beds"] for i in r.data["eldercare"])
        < 0.2
    ]
    assert low == [(code, year, q)]
    s1_code, s1_year, s1_q = county.plants["s1_jump"]
    assert [(e["division_code"], e["period"], e["rule_code"]) for e in county.explanations] == [
        (s1_code, f"{s1_year}Q{s1_q}", "S1")
    ]


def test_merger(county):
    merged = [d for d in county.divisions if d["successor_code"]]
    assert len(merged) == 1
    old, new = merged[0]["division_code"], merged[0]["successor_code"]
    assert merged[0]["valid_to"] == "2024-12-31" and merged[0]["type"] == "乡"
    assert next(d for d in county.divisions if d["division_code"] == new)["type"] == "镇"
    reporters = {(r.division_code, r.year) for r in county.returns}
    assert (old, 2024) in reporters and (old, 2025) not in reporters and (new, 2025) in reporters
    cur = county.current()
    # the successor's 2025Q1 stock continues from both areas' 2024Q4 stock
    pop = cur[(new, 2025, 1)].cover["pop_total"]
    assert (
        pop > cur[(new, 2024, 4)].cover["pop_total"] + 0.5 * cur[(old, 2024, 4)].cover["pop_total"]
    )


def test_resubmission(county, demo_dir):
    groups = defaultdict(list)
    for r in county.returns:
        groups[(r.division_code, r.year, r.quarter)].append(r)
    dupes = [g for g in groups.values() if len(g) > 1]
    assert len(dupes) == 1 and len(dupes[0]) == 2
    orig, corr = dupes[0]
    assert (
        corr.correction
        and not orig.correction
        and corr.cover["fill_date"] > orig.cover["fill_date"]
    )
    diffs = [
        (fam, i, k)
        for fam in orig.data
        for i, row in enumerate(orig.data[fam])
        for k in row
        if row[k] != corr.data[fam][i][k]
    ]
    assert len(diffs) == 1
    _, summary = demo_dir
    assert sum("(更正)" in Path(p).name for p in summary["files"]) == 1


def _sheets(path: Path) -> dict[str, list[list]]:
    if path.suffix == ".csv":
        raise AssertionError
    reader = fastexcel.read_excel(path)
    out = {}
    for name in reader.sheet_names:
        df = reader.load_sheet(name, header_row=None).to_polars()
        out[name] = [list(r) for r in df.iter_rows()]
    return out


def _all_text(sheets: dict) -> str:
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row)
        for rows in sheets.values()
        for row in rows
    )


def _cover(path: Path) -> dict:
    return {r[0]: r[1] for r in _sheets(path)["封面"] if r and r[0]}


def test_each_messiness_item_in_output(demo_dir, county):
    _base, summary = demo_dir
    items = summary["messiness"]
    assert set(items) == set(MESSY_STYLES)
    for year in county.years:
        per_year = {k for k, files in items.items() if any(f"{year}Q" in f for f in files)}
        assert per_year == set(MESSY_STYLES), year
    contract_sheets = [s.sheet for s in CONTRACT.sheets]

    def one(item):
        return Path(items[item][0])

    def sent(path):
        """The sheets of the return a file holds: every required sheet, the optional ones its
        township reports."""
        cover = _cover(path)
        ret = next(r for r in county.returns if r.cover["division_code"] == cover["统计用区划代码"]
                   and r.cover["period_text"] == cover["报告期"])
        return [s.sheet for s in CONTRACT.sheets if s.required or s.family in ret.data]

    clean = next(
        Path(f)
        for f in summary["files"]
        if f.endswith(".xlsx") and not any(f in fs for fs in items.values())
    )
    rows = _sheets(clean)["表1 最低生活保障"]
    upper = next(i for i, r in enumerate(rows) if "期末保障" in r)
    assert str(rows[upper + 1][1]).startswith("户数")  # two-row merged header
    assert "单位:户、人、元" in _all_text(_sheets(clean))  # units line
    plain = _sheets(one("plain_header"))["表1 最低生活保障"]
    assert plain[0][0] == "类别" and "期末保障户数(户)" in plain[0]
    assert "累计支出低保资金(万元)" in _all_text(_sheets(one("money_wanyuan")))
    assert "农作物受灾面积(公顷)" in _all_text(_sheets(one("area_gongqing")))
    assert "戶數" in _all_text(_sheets(one("traditional")))
    assert "—" in _all_text(_sheets(one("numbers_thousands")))
    assert any(ch in _all_text(_sheets(one("numbers_fullwidth"))) for ch in "０１２３４５６７８９")
    assert re.search(r"\d+户", _all_text(_sheets(one("numbers_unit_suffix"))))
    assert "合计" in _all_text(_sheets(one("total_row")))
    assert "填表人:" in _all_text(_sheets(one("footer_blank_rows")))
    assert one("xls").suffix == ".xls" and set(sent(one("xls"))) <= set(_sheets(one("xls")))
    gbk = [Path(p) for p in items["csv_gbk"]]
    assert any("__封面" in p.name for p in gbk) and all("__" in p.name for p in gbk)
    with pytest.raises(UnicodeDecodeError):
        for p in gbk:
            p.read_text(encoding="utf-8")
    assert "填报单位" in next(p for p in gbk if "__封面" in p.name).read_text(encoding="gbk")
    utf8 = [Path(p) for p in items["csv_utf8"]]
    cover = next(p for p in utf8 if "__封面" in p.name)
    assert "填报单位" in [r[0] for r in csv.reader(cover.open(encoding="utf-8")) if r]
    names = fastexcel.read_excel(one("shuffled_extra_sheet")).sheet_names
    order = [n for n in names if n in contract_sheets]
    assert order != sent(one("shuffled_extra_sheet")) and sorted(order) == sorted(sent(one("shuffled_extra_sheet")))
    assert len(names) == len(order) + 2  # cover + one extra sheet
    # missing_welfare leaves out 表8 only: the township's other optional sheets are there
    without = fastexcel.read_excel(one("missing_welfare")).sheet_names
    assert "表8 其他社会福利" not in without
    assert [s for s in sent(one("missing_welfare")) if s not in without] == ["表8 其他社会福利"]
    renamed = fastexcel.read_excel(one("sheet_names_synonym")).sheet_names
    assert not set(renamed) & set(contract_sheets)
    assert len(renamed) == len(sent(one("sheet_names_synonym"))) + 1
    assert re.search(r" \d+ ", _all_text(_sheets(one("stray_spaces"))))
    shorts = {d["name"]: d["short_name"] for d in county.divisions}
    assert _cover(one("short_name"))["填报单位"] in shorts.values()
    assert _cover(one("short_name"))["填报单位"] not in shorts
    assert len(str(_cover(one("code9"))["统计用区划代码"])) == 9
    assert re.fullmatch(r"\d{4}年1-\d+月", _cover(one("period_months"))["报告期"])
    assert re.fullmatch(r"\d{4}年[一二三四]季度", _cover(one("period_chinese"))["报告期"])


def test_clean_file_round_trips(demo_dir, county):
    _base, summary = demo_dir
    messy = {f for files in summary["messiness"].values() for f in files}
    path = next(Path(f) for f in summary["files"] if f not in messy and "(更正)" not in f)
    cover = _cover(path)
    ret = next(
        r
        for r in county.returns
        if r.cover["division_code"] == cover["统计用区划代码"]
        and r.cover["period_text"] == cover["报告期"]
    )
    rows = _sheets(path)["表1 最低生活保障"]
    lower = next(i for i, r in enumerate(rows) if r[0] is None and r[1] == "户数(户)")
    body = {r[0]: r for r in rows[lower + 1 :] if r[0]}
    assert float(body["城市低保"][2]) == _dibao(ret)["urban"]["persons"]
    assert float(body["农村低保"][7]) == _dibao(ret)["rural"]["funds_ytd"]


def test_reference_csvs(demo_dir, county):
    base, _ = demo_dir
    divs = list(csv.DictReader((base / "ref" / "divisions.csv").open(encoding="utf-8")))
    assert len(divs) == len(county.divisions)
    plans = list(csv.DictReader((base / "ref" / "plan_targets.csv").open(encoding="utf-8")))
    assert {p["kpi_code"] for p in plans} >= {
        "tekun_centralized_rate",
        "nursing_bed_share",
        "veteran_placement_rate",
        "caregiver_training_rate",
        "disability_subsidy_uptake_rate",
    }
    expl = list(csv.DictReader((base / "ref" / "explanations.csv").open(encoding="utf-8")))
    assert expl[0]["rule_code"] == "S1"


def test_refuses_to_overwrite(tmp_path):
    generate(tmp_path / "raw", tmp_path / "ref", quarters=["2024Q1"])
    with pytest.raises(FileExistsError, match="--force"):
        generate(tmp_path / "raw", tmp_path / "ref", quarters=["2024Q1"])
    again = generate(tmp_path / "raw", tmp_path / "ref", quarters=["2024Q1"], force=True)
    assert len(list((tmp_path / "raw" / "2024Q1").iterdir())) == len(again["files"])
    generate(tmp_path / "raw", tmp_path / "ref", quarters=["2024Q2"])  # other quarters are free


def test_province_scale():
    county = build_county(scale="province", years=(2024,))
    towns = [d for d in county.divisions if d["level"] == "township"]
    assert len(towns) >= 1500
    assert len({d["division_code"] for d in county.divisions}) == len(county.divisions)
    assert len(county.returns) == 4 * len(towns)


def test_province_drop_has_one_file_per_township(tmp_path):
    """Township names repeat across a province's counties; their file names must not."""
    info = generate(tmp_path / "raw", tmp_path / "ref", scale="province", years=(2024,),
                    messy=False, quarters=["2024Q4"])
    files = list((tmp_path / "raw" / "2024Q4").iterdir())
    with (tmp_path / "ref" / "divisions.csv").open(encoding="utf-8") as f:  # the drop's own
        towns = [d for d in csv.DictReader(f) if d["level"] == "township"]
    assert len(files) == len(info["files"]) == len(towns) >= 1500
    assert len({d["name"] for d in towns}) < len(towns)  # names do repeat
