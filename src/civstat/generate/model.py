"""The demo county as pure data: divisions and every township's quarterly returns.

Values are in canonical units (元, 亩); stocks are end-of-quarter, flows year-to-date. The
model is built so that every hard edit rule (H1–H10) holds except one planted violation, and a
few soft warnings are planted on purpose (see ``County.plants``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COUNTY_CODE = "371599"
COUNTY_NAME = "清河县"
VALID_FROM = "2011-01-01"
MERGE_DATE = "2025-01-01"

# (name, type) — 001–099 街道, 100–199 镇, 200–399 乡
DEMO_TOWNSHIPS = [
    ("城关街道", "街道"),
    ("长桥街道", "街道"),
    ("东城街道", "街道"),
    ("西湖街道", "街道"),
    ("河口镇", "镇"),
    ("柳林镇", "镇"),
    ("石桥镇", "镇"),
    ("新集镇", "镇"),
    ("马店镇", "镇"),
    ("杨庄镇", "镇"),
    ("王营镇", "镇"),
    ("双河镇", "镇"),
    ("李楼乡", "乡"),
    ("红旗乡", "乡"),
    ("大王庄乡", "乡"),
    ("白庙乡", "乡"),
    ("三里乡", "乡"),
    ("张湾乡", "乡"),
]
MERGED = ("白庙乡", "马店镇")  # (absorbed, successor)
PLANTS = {
    "s1_jump": ("柳林镇", 2024, 3),
    "copy_paste": ("石桥镇", 2025, 3),
    "low_occupancy": ("西湖街道", 2024, 2),
    "hard_tekun": ("杨庄镇", 2025, 2),
    "correction": ("双河镇", 2024, 4),
}
SYL1 = "东西南北新大小安永平兴和丰宁泰康长青石金白红黄柳桃杨李王张刘陈马高"
SYL2 = "山河湖桥林庄集店营湾楼岗口坪台沟屯寨园堡埠塘溪坝"
HAZARDS_BY_MONTH = {
    1: ["低温冷冻", "雪灾"],
    2: ["低温冷冻", "雪灾"],
    3: ["干旱", "风雹"],
    4: ["风雹", "干旱"],
    5: ["风雹", "暴雨洪涝"],
    6: ["暴雨洪涝", "风雹"],
    7: ["暴雨洪涝", "风雹", "地质灾害"],
    8: ["暴雨洪涝", "台风"],
    9: ["台风", "干旱"],
    10: ["干旱", "其他"],
    11: ["低温冷冻", "森林火灾"],
    12: ["雪灾", "低温冷冻"],
}
FAMILY_NAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强丽华海燕军伟红梅春兰文明玉芳德胜桂香永红"


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


# ---------------------------------------------------------------- one township's simulation


def _standards(year: int) -> tuple[int, int]:
    """County 低保 standards (元/人·月), urban and rural, rising every year."""
    k = year - 2021
    return 700 + 40 * k, 560 + 35 * k


class _Township:
    def __init__(self, rnd: random.Random, code: str, name: str, kind: str, year0: int):
        self.rnd, self.code, self.name, self.kind = rnd, code, name, kind
        r = rnd
        self.pop = r.randint(25000, 70000) if kind == "街道" else r.randint(18000, 55000)
        self.urban_share = {"街道": r.uniform(0.75, 0.95), "镇": r.uniform(0.25, 0.5)}.get(
            kind, r.uniform(0.06, 0.2)
        )
        self.old_share = r.uniform(0.18, 0.24)
        self.dibao = {}
        for cat, cov, ratio in (
            ("urban", r.uniform(0.012, 0.03), r.uniform(1.4, 1.7)),
            ("rural", r.uniform(0.03, 0.06), r.uniform(1.6, 1.9)),
        ):
            persons = max(20, round(self.pops()[cat] * cov))
            self.dibao[cat] = {
                "persons": persons,
                "households": max(1, round(persons / ratio)),
                "ratio": ratio,
                "aid": r.uniform(0.6, 0.8),
            }
        self.tekun = {}
        for cat, share in (("urban", r.uniform(0.0008, 0.0015)), ("rural", r.uniform(0.006, 0.01))):
            persons = max(15, round(self.pops()[cat] * share))
            self.tekun[cat] = {
                "persons": persons,
                "centralized": round(persons * r.uniform(0.15, 0.32)),
            }
        self.institutions = self._institutions()
        self.entitled = round(self.pop * r.uniform(0.004, 0.009))
        self.conscript_families = r.randint(5, 25)
        self.welfare = {
            "hardship": round(self.pop * r.uniform(0.002, 0.004)),
            "severe": round(self.pop * r.uniform(0.002, 0.004)),
            "orph_c": r.randint(0, 3),
            "orph_d": r.randint(1, 8),
        }

    def pops(self) -> dict:
        urban = round(self.pop * self.urban_share)
        return {
            "total": self.pop,
            "urban": urban,
            "rural": self.pop - urban,
            "60plus": round(self.pop * self.old_share),
        }

    def _institutions(self) -> list[dict]:
        r = self.rnd
        insts = []
        base = self.name[:-2] if self.name.endswith("街道") else self.name[:-1]
        if self.kind == "街道":
            insts.append(
                ["社会福利中心", "公建民营"] if r.random() < 0.5 else ["民办养老院", "民办"]
            )
        else:
            insts.append(["敬老院", r.choice(["公办公营", "公建民营"])])
        insts.append(["日间照料中心", "公建民营"])
        if r.random() < 0.3:
            insts.append(["民办养老院", "民办"])
        out = []
        for i, (typ, mode) in enumerate(insts):
            beds = {"日间照料中心": r.randint(10, 30)}.get(typ, r.randint(40, 160))
            name = (
                f"{base}{typ}"
                if typ != "民办养老院"
                else f"{base}{r.choice('康福寿颐乐安')}{r.choice('园苑居家')}养老院"
            )
            staff = max(3, round(beds / r.uniform(6, 9)))
            out.append(
                {
                    "institution_name": name,
                    "institution_type": typ,
                    "operation_mode": mode,
                    "beds": beds,
                    "nursing_share": r.uniform(0.42, 0.55),
                    "occ": r.uniform(0.45, 0.85),
                    "staff": staff,
                    "train": r.uniform(0.68, 0.8),
                    "tekun_share": r.uniform(0.4, 0.9)
                    if typ in ("敬老院", "社会福利中心")
                    else 0.0,
                }
            )
        return out

    # --- one year: list of four quarterly data dicts (canonical units)
    def simulate_year(self, year: int, plants: dict) -> list[dict]:
        r = self.rnd
        std_u, std_r = _standards(year)
        std = {"urban": std_u, "rural": std_r}
        self.pop = round(self.pop * r.uniform(0.995, 1.008))
        if year > min(plants.get("_years", (year,))):
            for inst in self.institutions:
                inst["nursing_share"] = min(0.8, inst["nursing_share"] + r.uniform(0.06, 0.12))
                inst["train"] = min(1.0, inst["train"] + r.uniform(0.08, 0.14))
            for t in self.tekun.values():
                t["centralized"] = min(
                    t["persons"], t["centralized"] + round(t["persons"] * r.uniform(0.04, 0.08))
                )
        ytd_d = {c: dict.fromkeys(("nh", "np", "xh", "xp", "funds"), 0) for c in self.dibao}
        ytd_t = {c: {"new": 0, "funds": 0} for c in self.tekun}
        temp = dict.fromkeys(("hh", "pp", "funds", "kind"), 0)
        med = dict.fromkeys(("ip", "if", "dt", "df"), 0)
        youfu = dict.fromkeys(("pension", "cff", "recv", "placed", "self", "trained", "grants"), 0)
        wel = {"ha_funds": 0, "dis_funds": 0, "orph_funds": 0}
        events = self._events(year)
        grow_q = r.choice((2, 3))
        out = []
        for q in (1, 2, 3, 4):
            key = (self.name, year, q)
            data: dict[str, list[dict]] = {}
            rows = []
            for cat, d in self.dibao.items():
                prev = d["persons"]
                np_ = round(prev * r.uniform(0.02, 0.045))
                xp = min(prev - 1, round(prev * r.uniform(0.02, 0.045)))
                if plants.get("s1_jump") == key and cat == "rural":
                    total = sum(x["persons"] for x in self.dibao.values())
                    np_ += round(total * 0.25)
                nh = min(np_, round(np_ / d["ratio"]))
                xh = min(xp, d["households"] - 1, round(xp / d["ratio"]))
                d["persons"] += np_ - xp
                d["households"] += nh - xh
                y = ytd_d[cat]
                y["np"] += np_
                y["xp"] += xp
                y["nh"] += nh
                y["xh"] += xh
                y["funds"] += round((prev + d["persons"]) / 2 * 3 * std[cat] * d["aid"])
                rows.append(
                    {
                        "category": cat,
                        "households": d["households"],
                        "persons": d["persons"],
                        "new_households": y["nh"],
                        "new_persons": y["np"],
                        "exited_households": y["xh"],
                        "exited_persons": y["xp"],
                        "funds_ytd": y["funds"],
                        "standard": std[cat],
                    }
                )
            data["dibao"] = rows
            rows = []
            for cat, t in self.tekun.items():
                new = r.randint(0, max(1, t["persons"] // 25))
                out_ = r.randint(0, max(1, t["persons"] // 30))
                t["persons"] = max(round(t["centralized"] / 0.38) + 1, t["persons"] + new - out_)
                ytd_t[cat]["new"] += new
                sc = (
                    round(std_r * 12 * 1.3 / 10) * 10
                    if cat == "rural"
                    else round(std_u * 12 * 1.3 / 10) * 10
                )
                sd = sc
                ytd_t[cat]["funds"] += round(
                    (t["centralized"] * sc + (t["persons"] - t["centralized"]) * sd) / 4
                )
                dispersed = t["persons"] - t["centralized"]
                if plants.get("hard_tekun") == key and cat == "rural":
                    dispersed -= 2
                rows.append(
                    {
                        "category": cat,
                        "persons": t["persons"],
                        "centralized": t["centralized"],
                        "dispersed": dispersed,
                        "new_persons": ytd_t[cat]["new"],
                        "funds_ytd": ytd_t[cat]["funds"],
                        "std_centralized": sc,
                        "std_dispersed": sd,
                    }
                )
            data["tekun"] = rows
            scale = self.pop / 30000
            hh = max(1, round(r.randint(8, 30) * scale))
            pp = round(hh * r.uniform(1.3, 2.4))
            funds = round(pp * r.uniform(800, 1800))
            temp["hh"] += hh
            temp["pp"] += pp
            temp["funds"] += funds
            temp["kind"] += round(funds * r.uniform(0.05, 0.2))
            data["temp_assist"] = [
                {
                    "household_times_ytd": temp["hh"],
                    "person_times_ytd": temp["pp"],
                    "funds_ytd": temp["funds"],
                    "in_kind_ytd": temp["kind"],
                }
            ]
            ins = sum(x["persons"] for x in self.dibao.values()) + sum(
                x["persons"] for x in self.tekun.values()
            )
            add = ins if q == 1 else r.randint(0, max(1, ins // 50))
            med["ip"] += add
            med["if"] += add * r.choice((350, 380, 400))
            dt_ = round(r.randint(30, 120) * scale)
            med["dt"] += dt_
            med["df"] += round(dt_ * r.uniform(1500, 4000))
            data["med_assist"] = [
                {
                    "insured_persons_ytd": med["ip"],
                    "insured_funds_ytd": med["if"],
                    "direct_times_ytd": med["dt"],
                    "direct_funds_ytd": med["df"],
                }
            ]
            data["disaster"] = [dict(e) for e in events if int(e["event_date"][5:7]) <= q * 3]
            insts = []
            for inst in self.institutions:
                beds = inst["beds"]
                if q == grow_q and inst["institution_type"] != "日间照料中心" and r.random() < 0.35:
                    inst["beds"] = beds = beds + r.choice((10, 20, 30))
                    inst["staff"] += 2
                occ = inst["occ"] + r.uniform(-0.04, 0.04)
                if plants.get("low_occupancy") == key:
                    occ = 0.15
                residents = min(beds, round(beds * occ))
                staff = inst["staff"]
                insts.append(
                    {
                        "institution_name": inst["institution_name"],
                        "institution_type": inst["institution_type"],
                        "operation_mode": inst["operation_mode"],
                        "beds": beds,
                        "nursing_beds": min(beds, round(beds * inst["nursing_share"])),
                        "residents": residents,
                        "residents_tekun": round(residents * inst["tekun_share"]),
                        "staff": staff,
                        "trained_caregivers": min(staff, round(staff * inst["train"])),
                    }
                )
            data["eldercare"] = insts
            if q in (3, 4):
                recv = r.randint(1, max(2, round(6 * scale)))
                self_emp = r.randint(0, recv)
                youfu["recv"] += recv
                youfu["self"] += self_emp
                placed = recv - self_emp
                if q == 4 and plants.get("_miss_placement") == (self.name, year) and placed > 0:
                    placed -= 1
                youfu["placed"] += placed
                youfu["trained"] = min(youfu["self"], youfu["trained"] + r.randint(0, self_emp))
                youfu["grants"] += recv * 5000
                self.conscript_families += r.randint(0, 3) if q == 3 else 0
            youfu["pension"] += self.entitled * r.choice((2400, 2600, 2800))
            if q in (1, 3):
                youfu["cff"] += self.conscript_families * 1500
            data["youfu"] = [
                {
                    "entitled_persons": self.entitled,
                    "pension_funds_ytd": youfu["pension"],
                    "conscript_families": self.conscript_families,
                    "conscript_family_funds_ytd": youfu["cff"],
                    "veterans_received_ytd": youfu["recv"],
                    "veterans_placed_ytd": youfu["placed"],
                    "veterans_self_employed_ytd": youfu["self"],
                    "veterans_trained_ytd": youfu["trained"],
                    "veteran_grants_ytd": youfu["grants"],
                    "veterans_pending": self._veterans_pending(year, q, plants),
                }
            ]
            pops = self.pops()
            high_age = round(pops["60plus"] * 0.12)
            w = self.welfare
            w["hardship"] += r.randint(-1, 3)
            w["severe"] += r.randint(-1, 3)
            uptake = 0.93 if year == min(plants.get("_years", (year,))) else 0.98
            h_recv = min(
                w["hardship"], round(w["hardship"] * r.uniform(uptake - 0.02, uptake + 0.02))
            )
            s_recv = min(w["severe"], round(w["severe"] * r.uniform(uptake - 0.02, uptake + 0.02)))
            wel["ha_funds"] += high_age * 300
            wel["dis_funds"] += (h_recv + s_recv) * 3 * 90
            wel["orph_funds"] += (w["orph_c"] + w["orph_d"]) * 3 * 1500
            data["welfare"] = [
                {
                    "high_age_persons": high_age,
                    "high_age_funds_ytd": wel["ha_funds"],
                    "hardship_disabled_eligible": w["hardship"],
                    "hardship_disabled_receiving": h_recv,
                    "severe_disabled_eligible": w["severe"],
                    "severe_disabled_receiving": s_recv,
                    "disability_funds_ytd": wel["dis_funds"],
                    "orphans_centralized": w["orph_c"],
                    "orphans_dispersed": w["orph_d"],
                    "orphan_funds_ytd": wel["orph_funds"],
                }
            ]
            out.append({"data": data, "pops": pops})
        return out

    def _veterans_pending(self, year: int, q: int, plants: dict) -> int | None:
        """表7 其中:待安置 — a small backlog, often zero; a few townships leave the optional
        column out (None). Drawn from its own generator so the other figures stay as they were."""
        if random.Random(f"{self.name}|表7待安置").random() < 0.2:
            return None
        r = random.Random(f"{self.name}|{year}Q{q}|待安置")
        pending = r.choice((0, 0, 0, 1, 1, 2, 3))
        if q == 4 and plants.get("_miss_placement") == (self.name, year):
            pending += 1  # the veteran not placed this year is still owed a placement
        return pending

    def _events(self, year: int) -> list[dict]:
        r = self.rnd
        events = []
        n = r.choices((0, 1, 2, 3), (0.3, 0.35, 0.25, 0.1))[0]
        seen = set()
        for _ in range(n):
            month = r.choices(range(1, 13), (1, 1, 1, 2, 5, 8, 9, 8, 5, 2, 1, 1))[0]
            day = r.randint(1, 28)
            hazard = r.choice(HAZARDS_BY_MONTH[month])
            if (month, day, hazard) in seen:
                continue
            seen.add((month, day, hazard))
            affected = r.randint(50, 3000)
            area = 0 if self.kind == "街道" and r.random() < 0.5 else r.randint(50, 4000)
            rooms = r.randint(0, 8)
            events.append(
                {
                    "event_date": f"{year}-{month:02d}-{day:02d}",
                    "hazard_type": hazard,
                    "affected_persons": affected,
                    "evacuated_persons": round(affected * r.uniform(0, 0.2)),
                    "crop_area_mu": float(area),
                    "crop_failed_mu": float(round(area * r.uniform(0, 0.2))),
                    "collapsed_households": r.randint(0, rooms),
                    "collapsed_rooms": rooms,
                    "severely_damaged_rooms": r.randint(0, 15),
                    "generally_damaged_rooms": r.randint(0, 40),
                    "direct_loss": float(r.randint(100, 20000) * 100),
                    "relief_funds": float(r.randint(0, 200) * 500),
                }
            )
        events.sort(key=lambda e: (e["event_date"], e["hazard_type"]))
        return events


# ---------------------------------------------------------------- assembling the county


def _merge_data(a: dict, b: dict) -> dict:
    """The successor's return after a merger: sums of both areas (standards unchanged)."""
    out = {}
    for fam, ra in a.items():
        rb = b.get(fam, [])
        if fam in ("dibao", "tekun"):
            bycat = {x["category"]: x for x in rb}
            rows = []
            for x in ra:
                y = bycat.get(x["category"], {})
                rows.append(
                    {
                        k: (
                            v + y.get(k, 0)
                            if k not in ("category", "standard", "std_centralized", "std_dispersed")
                            else v
                        )
                        for k, v in x.items()
                    }
                )
            out[fam] = rows
        elif fam in ("disaster", "eldercare"):
            out[fam] = [dict(x) for x in ra] + [dict(x) for x in rb]
            if fam == "disaster":
                out[fam].sort(key=lambda e: (e["event_date"], e["hazard_type"]))
        else:
            out[fam] = [{k: _add(v, rb[0].get(k)) for k, v in ra[0].items()}]
    return out


def _add(a, b):
    """Sum of two figures of the same cell; blank (None, an optional column left out) only if both are."""
    return None if a is None and b is None else (a or 0) + (b or 0)


def _person(rnd: random.Random) -> str:
    return rnd.choice(FAMILY_NAMES) + "".join(rnd.sample(GIVEN, rnd.choice((1, 2))))


def _fill_date(year: int, q: int, rnd: random.Random) -> str:
    import datetime as dt

    end = dt.date(year, q * 3, 28) + dt.timedelta(days=4)
    end = end.replace(day=1) - dt.timedelta(days=1)
    return (end + dt.timedelta(days=rnd.randint(3, 12))).isoformat()


def _county_divisions(
    code6: str,
    name: str,
    townships: list[tuple[str, str]],
    merged: tuple[str, str] | None,
    first_year: int | None = None,
    merge_year: int | None = None,
) -> list[dict]:
    """Divisions in force from 2011, or from the first generated year if earlier (history back
    to the 2000s); the merged township ends on 31 December before the merger year."""
    valid_from = min(VALID_FROM, f"{first_year}-01-01") if first_year else VALID_FROM
    rows = [
        {
            "division_code": code6 + "000000",
            "name": name,
            "short_name": name[:-1],
            "level": "county",
            "type": "县",
            "parent_code": "",
            "valid_from": valid_from,
            "valid_to": "",
            "successor_code": "",
        }
    ]
    counters = {"街道": 1, "镇": 100, "乡": 200}
    codes = {}
    for tname, typ in townships:
        code = f"{code6}{counters[typ]:03d}000"
        counters[typ] += 1
        codes[tname] = code
        short = tname[: -len(typ)]
        rows.append(
            {
                "division_code": code,
                "name": tname,
                "short_name": short,
                "level": "township",
                "type": typ,
                "parent_code": code6 + "000000",
                "valid_from": valid_from,
                "valid_to": "",
                "successor_code": "",
            }
        )
    if merged:
        for row in rows:
            if row["name"] == merged[0]:
                row["valid_to"] = f"{(merge_year or 2025) - 1}-12-31"
                row["successor_code"] = codes[merged[1]]
    return rows


def _province_counties(
    rnd: random.Random, n_counties: int
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    counties = []
    used_c = set()
    for i in range(n_counties):
        code6 = f"37{91 + i // 10:02d}{1 + i % 10:02d}"
        while True:
            cname = rnd.choice(SYL1) + rnd.choice(SYL2) + "县"
            if cname not in used_c:
                used_c.add(cname)
                break
        used = set()
        towns = []
        for typ, n in (("街道", 3), ("镇", 9), ("乡", 6)):
            for _ in range(n):
                while True:
                    t = (
                        rnd.choice(SYL1)
                        + rnd.choice(SYL2)
                        + ("" if rnd.random() < 0.6 else rnd.choice("东西南北"))
                    )
                    if t not in used:
                        used.add(t)
                        break
                towns.append((t + typ, typ))
        counties.append((code6, cname, towns))
    return counties


def build_county(seed: int = 20241231, scale: str = "county", years=(2024, 2025)) -> County:
    """Build the demo county (scale='county') or ~1,600 clean townships (scale='province')."""
    years = tuple(sorted(int(y) for y in years))
    rnd = random.Random(seed)
    demo = scale == "county"
    if demo:
        counties = [(COUNTY_CODE, COUNTY_NAME, DEMO_TOWNSHIPS)]
    elif scale == "province":
        counties = _province_counties(rnd, 90)
    else:
        raise ValueError(f"未知规模 / unknown scale: {scale!r} (county|province)")
    merged = MERGED if demo and len(years) > 1 else None
    merge_year = years[1] if merged else None
    plants: dict = {"_years": years}
    if demo:
        y0, y1 = years[0], years[-1]
        plants.update(
            {
                "s1_jump": (PLANTS["s1_jump"][0], y0, 3),
                "low_occupancy": (PLANTS["low_occupancy"][0], y0, 2),
                "hard_tekun": (PLANTS["hard_tekun"][0], y1, 2),
                "copy_paste": (PLANTS["copy_paste"][0], y1, 3),
                "correction": (PLANTS["correction"][0], y0, 4),
                "_miss_placement": ("河口镇", y0),
            }
        )
    divisions: list[dict] = []
    returns: list[Return] = []
    plans: list[dict] = []
    for code6, cname, towns in counties:
        cdivs = _county_divisions(code6, cname, towns, merged, years[0], merge_year)
        divisions += cdivs
        code_of = {d["name"]: d["division_code"] for d in cdivs}
        sims = {}
        for tname, typ in towns:
            trnd = random.Random(f"{seed}:{code_of[tname]}")
            t = _Township(trnd, code_of[tname], tname, typ, years[0])
            sims[tname] = (t, {y: t.simulate_year(y, plants) for y in years})
        staff_rnd = random.Random(f"{seed}:{code6}:people")
        people = {
            t: (
                _person(staff_rnd),
                _person(staff_rnd),
                f"0635-{staff_rnd.randint(6000000, 8999999)}",
            )
            for t, _ in towns
        }
        for y in years:
            for q in (1, 2, 3, 4):
                for tname, typ in towns:
                    if merged and y >= merge_year and tname == merged[0]:
                        continue
                    t, years_data = sims[tname]
                    quarter = years_data[y][q - 1]
                    data, pops = quarter["data"], dict(quarter["pops"])
                    if merged and y >= merge_year and tname == merged[1]:
                        other = sims[merged[0]][1][y][q - 1]
                        data = _merge_data(data, other["data"])
                        pops = {k: v + other["pops"][k] for k, v in pops.items()}
                    if demo and plants["copy_paste"] == (tname, y, q):
                        data = {
                            f: [dict(r) for r in rows]
                            for f, rows in years_data[y][q - 2]["data"].items()
                        }
                    frnd = random.Random(f"{seed}:{code_of[tname]}:{y}{q}")
                    filled, reviewed, phone = people[tname]
                    cover = {
                        "unit_name": tname,
                        "division_code": code_of[tname],
                        "period_text": f"{y}年第{q}季度",
                        "pop_total": pops["total"],
                        "pop_urban": pops["urban"],
                        "pop_rural": pops["rural"],
                        "pop_60plus": pops["60plus"],
                        "filled_by": filled,
                        "reviewed_by": reviewed,
                        "phone": phone,
                        "fill_date": _fill_date(y, q, frnd),
                    }
                    if demo and plants["correction"] == (tname, y, q):
                        wrong = {f: [dict(r) for r in rows] for f, rows in data.items()}
                        wrong["med_assist"][0]["direct_funds_ytd"] += 10000
                        returns.append(
                            Return(code_of[tname], y, q, cover, wrong, county_code=code6)
                        )
                        import datetime as dt

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
        for y in years:
            src = f"{cname}{y}年民政工作要点"
            for kpi, target, cmp_ in (
                ("tekun_centralized_rate", 0.30, ">="),
                ("nursing_bed_share", 0.55, ">="),
                ("veteran_placement_rate", 1.0, ">="),
                ("caregiver_training_rate", 0.8, ">="),
                ("disability_subsidy_uptake_rate", 0.95, ">="),
            ):
                plans.append(
                    {
                        "division_code": code6 + "000000",
                        "year": y,
                        "kpi_code": kpi,
                        "target": target,
                        "comparison": cmp_,
                        "source": src,
                    }
                )
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
