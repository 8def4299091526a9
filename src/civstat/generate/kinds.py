"""Named profile kinds: programmes whose demo figures need more than the generic profile.

低保 (persons admitted and leaving every quarter, the stock following its flows: H5), 特困 (集中 +
分散 = 期末, standards tied to 低保's, some of the year's new persons in centralised care),
养老机构 (institutions that open, expand and fill up; safety hazards found and rectified) and
优抚安置 (veterans home in autumn, placed or self-employed). The logic is here; every magnitude is
read from the programme's ``generator:`` key (``kind: dibao`` …), so figures are tuned in the file.
A plant (``generator.plants``) is what the demo county's planted problem does to this programme.
Columns added to a sheet later draw from streams of their own (``Kind.stream``), so that adding
them leaves every figure the demo had before unchanged.
"""

from __future__ import annotations

import math
import random

from civstat.contract import Programme
from civstat.generate.profile import ProfileError, plant, where
from civstat.generate.township import Town, YearContext


class Kind:
    """A named kind: ``start`` once (the first generated year), then ``simulate`` each year."""

    def __init__(self, prog: Programme, town: Town, first_year: int):
        self.prog, self.town, self.first_year = prog, town, first_year
        self.p = dict(prog.generator or {})
        self.rnd = random.Random(town.stream(prog.code))
        self._started = False

    def need(self, key: str):
        if key not in self.p:
            raise ProfileError(f"{where(self.prog, key)}: required by kind {self.p.get('kind')!r}")
        return self.p[key]

    def u(self, value) -> float:
        """A number, or a uniform draw from [low, high]."""
        return self.rnd.uniform(*value) if isinstance(value, list) else float(value)

    def stream(self, *parts) -> random.Random:
        """A stream of its own for figures added later (``parts``: what they belong to)."""
        return random.Random("|".join(map(str, (self.town.stream(self.prog.code), *parts))))

    def year(self, ctx: YearContext) -> list[list[dict]]:
        if not self._started:
            self.start(ctx)
            self._started = True
        return self.simulate(ctx)

    def start(self, ctx: YearContext) -> None:
        pass

    def simulate(self, ctx: YearContext) -> list[list[dict]]:
        raise NotImplementedError


def _standard(spec: dict, category: str, year: int) -> float:
    """A standard rising every year: {base_year, <category>: [value in base_year, yearly step]}."""
    value, step = spec[category]
    return value + step * (year - int(spec["base_year"]))


def _applications(rnd: random.Random, n: int, p: float, phase: float, q: int) -> int:
    """Persons admitted out of a stock of ``n`` at the county's rate ``p``. Like a count they vary
    by about √n (a binomial's spread); each township reviews applications on its own yearly cycle
    (``phase``), so in any quarter some townships admit a little more than the county, some less."""
    spread = (3 * n * p * (1 - p)) ** 0.5
    cycle = math.sin(2 * math.pi * (phase + q / 4))
    return max(0, round(n * p + (cycle + 0.1 * rnd.uniform(-1, 1)) * spread))


class Dibao(Kind):
    """低保: per category a stock of persons and households, admissions and exits every quarter."""

    def start(self, ctx: YearContext) -> None:
        self.state = {}
        self.phase = self.rnd.random()
        for cat, c in self.need("categories").items():
            cov, ratio, aid = (
                self.u(c["coverage"]),
                self.u(c["persons_per_household"]),
                self.u(c["aid_share"]),
            )
            persons = max(int(self.p.get("min_persons", 1)), round(ctx.pops[c["population"]] * cov))
            self.state[cat] = {
                "persons": persons,
                "households": max(1, round(persons / ratio)),
                "ratio": ratio,
                "aid": aid,
            }

    def simulate(self, ctx: YearContext) -> list[list[dict]]:
        std = {cat: _standard(self.need("standard"), cat, ctx.year) for cat in self.state}
        ytd = {cat: dict.fromkeys(("nh", "np", "xh", "xp", "funds"), 0) for cat in self.state}
        jump = plant(self.prog, "s1_jump")
        out = []
        for q in (1, 2, 3, 4):
            rows = []
            county = random.Random(
                f"{self.town.seed}:{self.town.code[:6]}:{self.prog.code}:{ctx.year}Q{q}"
            )
            admitted, exited = (
                county.uniform(*self.need("admitted")),
                county.uniform(*self.need("exited")),
            )
            for cat, d in self.state.items():
                prev = d["persons"]
                np_ = _applications(self.rnd, prev, admitted, self.phase, q)
                xp = min(prev - 1, round(prev * exited))
                if jump and cat == jump["category"] and ctx.planted("s1_jump", q):
                    np_ += round(sum(x["persons"] for x in self.state.values()) * jump["share"])
                nh = min(np_, round(np_ / d["ratio"]))
                xh = min(xp, d["households"] - 1, round(xp / d["ratio"]))
                d["persons"] += np_ - xp
                d["households"] += nh - xh
                y = ytd[cat]
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
            out.append(rows)
        return out


class Tekun(Kind):
    """特困: persons per category, some in centralised care (集中 + 分散 = 期末供养人数)."""

    def start(self, ctx: YearContext) -> None:
        self.state = {}
        for cat, c in self.need("categories").items():
            persons = max(
                int(self.p.get("min_persons", 1)),
                round(ctx.pops[c["population"]] * self.u(c["share"])),
            )
            self.state[cat] = {
                "persons": persons,
                "centralized": round(persons * self.u(self.need("centralized_share"))),
            }

    def _standard(self, ctx: YearContext, cat: str, q: int) -> float:
        spec = self.need("standard")
        if "per" not in spec:
            return float(spec["value"])
        family, column = spec["per"].split(".", 1)
        ctx.figure(family, column, q)  # the programme must come first
        row = next(r for r in ctx.quarters[q - 1][family] if r.get("category") == cat)
        step = spec.get("round", 1)
        return round(row[column] * float(spec.get("factor", 1)) / step) * step

    def _centralized_standard(self, std: float) -> float:
        """集中供养标准: ``centralized_standard: {factor, round}`` of the dispersed one (care costs
        more in an institution); the same standard without the key."""
        spec = self.p.get("centralized_standard") or {}
        step = spec.get("round", 1)
        return round(std * float(spec.get("factor", 1)) / step) * step

    def simulate(self, ctx: YearContext) -> list[list[dict]]:
        cap = float(self.p.get("max_centralized_share", 1.0))
        if ctx.year > ctx.first_year:
            for t in self.state.values():
                grow = round(t["persons"] * self.u(self.need("centralized_growth")))
                t["centralized"] = min(t["persons"], t["centralized"] + grow)
        ytd = {cat: {"new": 0, "funds": 0, "new_c": 0, "funds_c": 0} for cat in self.state}
        hard = plant(self.prog, "hard_tekun")
        share = self.p.get("new_centralized_share") or [0.0, 0.0]
        added = self.stream("centralized", ctx.year)  # the added columns' own stream
        out = []
        for q in (1, 2, 3, 4):
            rows = []
            for cat, t in self.state.items():
                new = self.rnd.randint(0, max(1, int(t["persons"] * self.need("admitted"))))
                gone = self.rnd.randint(0, max(1, int(t["persons"] * self.need("exited"))))
                t["persons"] = max(round(t["centralized"] / cap) + 1, t["persons"] + new - gone)
                y = ytd[cat]
                y["new"] += new
                y["new_c"] += min(new, round(new * added.uniform(*share)))
                std = self._standard(ctx, cat, q)
                std_c = self._centralized_standard(std)
                funds_c = round(t["centralized"] * std_c / 4)
                y["funds_c"] += funds_c
                y["funds"] += funds_c + round((t["persons"] - t["centralized"]) * std / 4)
                dispersed = t["persons"] - t["centralized"]
                if hard and cat == hard["category"] and ctx.planted("hard_tekun", q):
                    dispersed += int(hard["dispersed"])
                rows.append(
                    {
                        "category": cat,
                        "persons": t["persons"],
                        "centralized": t["centralized"],
                        "dispersed": dispersed,
                        "new_persons": y["new"],
                        "new_centralized": y["new_c"],
                        "funds_ytd": y["funds"],
                        "centralized_funds_ytd": y["funds_c"],
                        "std_centralized": std_c,
                        "std_dispersed": std,
                    }
                )
            out.append(rows)
        return out


class Eldercare(Kind):
    """养老服务机构: the township's institutions; beds, nursing beds, residents, staff."""

    def start(self, ctx: YearContext) -> None:
        r, p = self.rnd, self.p
        picked = [r.choice(self.need("main")[self.town.type])]
        for extra in p.get("also") or ():
            if r.random() < float(extra.get("chance", 1)):
                picked.append([extra["type"], extra["mode"]])
        first, second = p.get("private_name") or ["康", "园"]
        beds_by_type = self.need("beds")
        shares = p.get("tekun_share") or {}
        self.institutions = []
        for typ, mode in picked:
            beds = round(self.u(beds_by_type.get(typ, beds_by_type["default"])))
            name = (
                f"{self.town.base}{typ}"
                if mode != "民办"
                else f"{self.town.base}{r.choice(first)}{r.choice(second)}养老院"
            )
            taken, again = {i["institution_name"] for i in self.institutions}, name
            for n in "二三四五六七八九":  # names are unique, as registered (no extra draw)
                if name not in taken:
                    break
                name = again.replace(self.town.base, f"{self.town.base}第{n}", 1)
            staff = max(
                int(p.get("min_staff", 1)), round(beds / self.u(self.need("beds_per_staff")))
            )
            self.institutions.append(
                {
                    "institution_name": name,
                    "institution_type": typ,
                    "operation_mode": mode,
                    "beds": beds,
                    "nursing_share": self.u(self.need("nursing_share")),
                    "occ": self.u(self.need("occupancy")),
                    "staff": staff,
                    "train": self.u(self.need("trained_share")),
                    "tekun_share": self.u(shares[typ]) if typ in shares else 0.0,
                }
            )

    def simulate(self, ctx: YearContext) -> list[list[dict]]:
        p, r = self.p, self.rnd
        if ctx.year > ctx.first_year:
            for inst in self.institutions:
                inst["nursing_share"] = min(
                    float(p.get("max_nursing_share", 1)),
                    inst["nursing_share"] + self.u(self.need("nursing_growth")),
                )
                inst["train"] = min(1.0, inst["train"] + self.u(self.need("training_growth")))
        grow = p.get("expansion") or {}
        grow_q = r.choice(grow.get("quarters") or [2])
        low = plant(self.prog, "low_occupancy")
        hazards = {inst["institution_name"]: self._hazards(ctx, inst) for inst in self.institutions}
        out = []
        for q in (1, 2, 3, 4):
            rows = []
            for inst in self.institutions:
                beds = inst["beds"]
                if (
                    q == grow_q
                    and inst["institution_type"] not in (grow.get("except") or ())
                    and r.random() < float(grow.get("chance", 0))
                ):
                    inst["beds"] = beds = beds + r.choice(grow["beds"])
                    inst["staff"] += int(grow.get("staff", 0))
                noise = float(p.get("occupancy_noise", 0))
                occ = inst["occ"] + r.uniform(-noise, noise)
                if low and ctx.planted("low_occupancy", q):
                    occ = float(low["occupancy"])
                residents = min(beds, round(beds * occ))
                staff = inst["staff"]
                rows.append(
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
                        **hazards[inst["institution_name"]][q - 1],
                    }
                )
            out.append(rows)
        return out

    def _hazards(self, ctx: YearContext, inst: dict) -> list[dict]:
        """排查安全隐患 / 其中:已整改 (1月至本期累计) of one institution, Q1..Q4: a few hazards a
        year spread over the inspection quarters, most of those found so far rectified."""
        spec = self.p.get("hazards")
        if not spec:
            return [{}] * 4
        rnd = self.stream("hazards", ctx.year, inst["institution_name"])
        per_year = spec["per_year"]
        low, high = per_year.get(inst["institution_type"], per_year["default"])
        n = rnd.randint(low, high)
        weights = spec.get("quarters") or [1, 1, 1, 1]
        found = [0, 0, 0, 0]
        for _ in range(n):
            found[rnd.choices(range(4), weights)[0]] += 1
        share = rnd.uniform(*spec.get("rectified", [1.0, 1.0]))
        out, total, rectified = [], 0, 0
        for q in range(4):
            total += found[q]
            rectified = max(rectified, min(total, round(total * share)))
            out.append({"hazards_found_ytd": total, "hazards_rectified_ytd": rectified})
        return out


class Youfu(Kind):
    """优抚安置: entitled persons and pensions, conscripts' families, veterans home in autumn."""

    def start(self, ctx: YearContext) -> None:
        self.entitled = round(ctx.pops["pop_total"] / 10000 * self.u(self.need("entitled_per_10k")))
        self.families = round(self.u(self.need("conscript_families")))
        pending = self.p.get("pending") or {}
        self.reports_pending = random.Random(
            self.town.stream(self.prog.code) + "|pending"
        ).random() >= float(pending.get("left_out", 0))

    def _pending(self, ctx: YearContext, q: int) -> int | None:
        """其中:待安置 — a small backlog, often zero; some townships leave the column out."""
        if not self.reports_pending:
            return None
        rnd = random.Random(f"{self.town.stream(self.prog.code)}|{ctx.year}Q{q}|pending")
        pending = rnd.choice((self.p.get("pending") or {}).get("choices") or [0])
        missed = plant(self.prog, "_miss_placement")
        if missed and ctx.planted("_miss_placement", q):
            pending += int(missed.get("pending", 0))
        return pending

    def simulate(self, ctx: YearContext) -> list[list[dict]]:
        p, r = self.p, self.rnd
        y = dict.fromkeys(("pension", "cff", "recv", "placed", "self", "trained", "grants"), 0)
        missed = plant(self.prog, "_miss_placement")
        out = []
        for q in (1, 2, 3, 4):
            if q in self.need("veteran_quarters"):
                most = max(
                    2, round(ctx.pops["pop_total"] / 10000 * float(self.need("veterans_per_10k")))
                )
                recv = r.randint(1, most)
                self_emp = r.randint(0, recv)
                placed = recv - self_emp
                if missed and placed > 0 and ctx.planted("_miss_placement", q):
                    placed += int(missed.get("placed", 0))
                y["recv"] += recv
                y["self"] += self_emp
                y["placed"] += placed
                y["trained"] = min(y["self"], y["trained"] + r.randint(0, self_emp))
                y["grants"] += recv * int(self.need("veteran_grant"))
            if q == int(p.get("enlist_quarter", 3)):
                self.families += r.randint(*self.need("enlisted"))
            y["pension"] += self.entitled * r.choice(self.need("pension"))
            if q in self.need("paid_quarters"):
                y["cff"] += self.families * int(self.need("family_payment"))
            out.append(
                [
                    {
                        "entitled_persons": self.entitled,
                        "pension_funds_ytd": y["pension"],
                        "conscript_families": self.families,
                        "conscript_family_funds_ytd": y["cff"],
                        "veterans_received_ytd": y["recv"],
                        "veterans_placed_ytd": y["placed"],
                        "veterans_self_employed_ytd": y["self"],
                        "veterans_trained_ytd": y["trained"],
                        "veteran_grants_ytd": y["grants"],
                        "veterans_pending": self._pending(ctx, q),
                    }
                ]
            )
        return out


KINDS = {"dibao": Dibao, "tekun": Tekun, "eldercare": Eldercare, "youfu": Youfu}
