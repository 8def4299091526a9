"""The demo county as pure data: divisions and every township's quarterly returns.

Values are in canonical units (元, 亩); stocks are end-of-quarter, flows year-to-date. Every
programme of the catalogue is simulated from its ``generator:`` profile (``township``), so a
programme added as a file is generated too. The model is built so that every hard edit rule
holds except the planted violations — 集中 + 分散 ≠ 特困供养人数 (``hard_tekun``) and, for every
programme whose profile declares ``plants.violation`` (殡葬: 火化遗体 = 死亡人数 × 1.2), one
township-quarter breaking that programme's own hard rule (``violation``) — and a few soft warnings
are planted on purpose (see ``County.plants``): *where* (township, quarter) is the demo's story,
told here; *what* a plant does to a programme is in that programme's profile (``generator.plants``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from civstat.contract import Contract, load_contract
from civstat.generate.divisions import (
    CITY_TOWNSHIPS,
    COUNTY_CODE,
    COUNTY_NAME,
    DEMO_TOWNSHIPS,
    MERGED,
    county_divisions,
    person,
    province_counties,
)
from civstat.generate.profile import plan_targets, plant, violation_plant
from civstat.generate.township import Town, Township
from civstat.template.grid import summable

MERGE_DATE = "2025-01-01"
# plant → (township, quarter); the year is the first (s1_jump, low_occupancy, correction) or the
# last generated year (hard_tekun, copy_paste)
PLANTS = {
    "s1_jump": ("柳林镇", 2024, 3),
    "copy_paste": ("石桥镇", 2025, 3),
    "low_occupancy": ("西湖街道", 2024, 2),
    "hard_tekun": ("杨庄镇", 2025, 2),
    "correction": ("双河镇", 2024, 4),
    "violation": ("王营镇", 2025, 3),  # only when a programme declares plants.violation
}
LAST_YEAR_PLANTS = ("hard_tekun", "copy_paste", "violation")
MISSED_PLACEMENT = "河口镇"  # one veteran not placed in the first year's Q4 (optional 待安置)

__all__ = ["COUNTY_CODE", "COUNTY_NAME", "MERGE_DATE", "PLANTS", "County", "Return", "build_county"]


@dataclass
class Return:
    division_code: str
    year: int
    quarter: int
    cover: dict
    data: dict[str, list[dict]]
    correction: bool = False  # a resubmitted (更正) return for the same township and quarter
    county_code: str = COUNTY_CODE

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def __getitem__(self, key):  # dict-style access for callers that prefer it
        return getattr(self, key)


@dataclass
class County:
    seed: int
    scale: str
    years: tuple[int, ...]
    divisions: list[dict]
    returns: list[Return]
    plans: list[dict] = field(default_factory=list)
    explanations: list[dict] = field(default_factory=list)
    plants: dict = field(default_factory=dict)  # what was planted where: {name: (code, year, q)}

    def township(self, name: str) -> dict:
        return next(d for d in self.divisions if d["name"] == name)

    def current(self) -> dict[tuple[str, int, int], Return]:
        """The newest return per (township, year, quarter): a correction (later 填报日期) replaces
        the original, as ingest's is_current does."""
        cur: dict[tuple[str, int, int], Return] = {}
        for r in self.returns:
            key = (r.division_code, r.year, r.quarter)
            if key not in cur or r.cover["fill_date"] > cur[key].cover["fill_date"]:
                cur[key] = r
        return cur


# ---------------------------------------------------------------- pieces of a return


def _merge_data(a: dict, b: dict, contract: Contract) -> dict:
    """The successor's return after a merger: both areas' counts, money and areas added up
    (standards as the successor's), events and entities of both listed; a sheet only one of them
    reports is reported with that one's figures."""
    out = {}
    for fam in [p.code for p in contract.programmes if p.code in a or p.code in b]:
        ra, rb = (a[fam], b.get(fam, [])) if fam in a else (b[fam], [])
        sheet = contract.programme(fam).sheet
        if sheet.row_kind in ("event", "entity"):
            out[fam] = [dict(x) for x in ra] + [dict(x) for x in rb]
            if sheet.row_kind == "event":
                out[fam].sort(key=lambda e: tuple(str(e.get(c.name, "")) for c in sheet.columns))
            continue
        add = {c.name for c in sheet.columns if summable(c)}
        other = {x.get("category"): x for x in rb}
        out[fam] = [
            {
                k: _add(v, other.get(x.get("category"), {}).get(k)) if k in add else v
                for k, v in x.items()
            }
            for x in ra
        ]
    return out


def _add(a, b):
    """Sum of two figures of the same cell; blank (None: an optional column left out) only if
    both are."""
    return None if a is None and b is None else (a or 0) + (b or 0)


def _fill_date(year: int, q: int, rnd: random.Random) -> str:
    end = dt.date(year, q * 3, 28) + dt.timedelta(days=4)
    end = end.replace(day=1) - dt.timedelta(days=1)
    return (end + dt.timedelta(days=rnd.randint(3, 12))).isoformat()


def _wrong_copy(data: dict, contract: Contract) -> dict:
    """The first, wrong return of a corrected pair: one figure off, as a profile's plant says."""
    wrong = {f: [dict(r) for r in rows] for f, rows in data.items()}
    for prog in contract.programmes:
        slip = plant(prog, "correction")
        if slip and wrong.get(prog.code) and wrong[prog.code][0].get(slip["column"]) is not None:
            wrong[prog.code][0][slip["column"]] += slip["add"]
    return wrong


def _plants(years: tuple[int, ...], contract: Contract) -> dict:
    y0, y1 = years[0], years[-1]
    plants: dict = {"_years": years}
    declared = any(violation_plant(p) for p in contract.programmes)
    for name, (town, _, q) in PLANTS.items():
        if name == "violation" and not declared:
            continue  # no programme says what the violation is: nothing planted, nothing recorded
        plants[name] = (town, y1 if name in LAST_YEAR_PLANTS else y0, q)
    plants["_miss_placement"] = (MISSED_PLACEMENT, y0, 4)
    return plants


def _plans(contract: Contract, county_code: str, county_name: str, years) -> list[dict]:
    return [
        {
            "division_code": county_code,
            "year": y,
            "kpi_code": t["kpi"],
            "target": t["target"],
            "comparison": t["comparison"],
            "source": f"{county_name}{y}年民政工作要点",
        }
        for y in years
        for prog in contract.programmes
        for t in plan_targets(prog)
    ]


# ---------------------------------------------------------------- assembling the county


def build_county(
    seed: int = 20241231,
    scale: str = "county",
    years=(2024, 2025),
    contract: Contract | None = None,
) -> County:
    """Build the demo county (scale='county'), ~1,600 clean townships (scale='province') or
    4 clean counties of 4 townships in one prefecture city (scale='city'),
    every programme of ``contract`` (default: the catalogue) on every return."""
    contract = contract or load_contract()
    years = tuple(sorted(int(y) for y in years))
    rnd = random.Random(seed)
    demo = scale == "county"
    if demo:
        counties = [(COUNTY_CODE, COUNTY_NAME, DEMO_TOWNSHIPS)]
    elif scale == "province":
        counties = province_counties(rnd, 90)
    elif scale == "city":
        counties = province_counties(rnd, 4, CITY_TOWNSHIPS)
    else:
        raise ValueError(f"未知规模 / unknown scale: {scale!r} (county|city|province)")
    merged = MERGED if demo and len(years) > 1 else None
    merge_year = years[1] if merged else None
    plants = _plants(years, contract) if demo else {"_years": years}
    divisions: list[dict] = []
    returns: list[Return] = []
    plans: list[dict] = []
    for code6, cname, towns in counties:
        cdivs = county_divisions(code6, cname, towns, merged, years[0], merge_year)
        divisions += cdivs
        code_of = {d["name"]: d["division_code"] for d in cdivs}
        sims = {}
        for tname, typ in towns:
            t = Township(contract, Town(code_of[tname], tname, typ, seed), years[0])
            sims[tname] = {y: t.simulate_year(y, plants) for y in years}
        staff_rnd = random.Random(f"{seed}:{code6}:people")
        people = {
            t: (person(staff_rnd), person(staff_rnd), f"0635-{staff_rnd.randint(6000000, 8999999)}")
            for t, _ in towns
        }
        for y in years:
            for q in (1, 2, 3, 4):
                for tname, _typ in towns:
                    if merged and y >= merge_year and tname == merged[0]:
                        continue
                    quarter = sims[tname][y][q - 1]
                    data, pops = quarter["data"], dict(quarter["pops"])
                    if merged and y >= merge_year and tname == merged[1]:
                        other = sims[merged[0]][y][q - 1]
                        data = _merge_data(data, other["data"], contract)
                        pops = {k: v + other["pops"][k] for k, v in pops.items()}
                    if demo and plants["copy_paste"] == (tname, y, q):
                        data = {
                            f: [dict(r) for r in rows]
                            for f, rows in sims[tname][y][q - 2]["data"].items()
                        }
                    frnd = random.Random(f"{seed}:{code_of[tname]}:{y}{q}")
                    filled, reviewed, phone = people[tname]
                    cover = {
                        "unit_name": tname,
                        "division_code": code_of[tname],
                        "period_text": f"{y}年第{q}季度",
                        **pops,
                        "filled_by": filled,
                        "reviewed_by": reviewed,
                        "phone": phone,
                        "fill_date": _fill_date(y, q, frnd),
                    }
                    if demo and plants["correction"] == (tname, y, q):
                        returns.append(
                            Return(
                                code_of[tname],
                                y,
                                q,
                                cover,
                                _wrong_copy(data, contract),
                                county_code=code6,
                            )
                        )
                        later = dt.date.fromisoformat(cover["fill_date"]) + dt.timedelta(days=7)
                        returns.append(
                            Return(
                                code_of[tname],
                                y,
                                q,
                                dict(cover, fill_date=later.isoformat()),
                                data,
                                correction=True,
                                county_code=code6,
                            )
                        )
                        continue
                    returns.append(Return(code_of[tname], y, q, cover, data, county_code=code6))
        plans += _plans(contract, code6 + "000000", cname, years)
    code_of_all = {d["name"]: d["division_code"] for d in divisions}
    plant_codes = (
        {k: (code_of_all[v[0]], v[1], v[2]) for k, v in plants.items() if not k.startswith("_")}
        if demo
        else {}
    )
    explanations = []
    if demo:
        code, y, q = plant_codes["s1_jump"]
        explanations.append(
            {
                "division_code": code,
                "period": f"{y}Q{q}",
                "rule_code": "S1",
                "text": "本季度开展农村低保扩围专项行动,集中新纳入一批因病因残困难家庭,人数增幅较大。",
            }
        )
    return County(seed, scale, years, divisions, returns, plans, explanations, plant_codes)
