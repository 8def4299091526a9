"""One township of the demo: its population (the cover) and one simulator per programme.

Every programme draws from its own seeded stream (seed, township, programme), so adding, removing
or re-profiling one programme never changes another's figures; they share only the township's
population and, where a profile asks for it (``per: dibao.persons``), figures of programmes earlier
in the catalogue for the same quarter.

What the township *sends* is decided after every programme is simulated, for every kind alike: an
optional sheet the township does not report (``generator.absent``, drawn once per township) is
left out of its returns, a column not reported this quarter (``reported_in``) is blank, and the
demo's planted violation (``generator.plants.violation``) is applied where the county's story puts
it. The simulators never see these, so a later programme's ``per:`` still reads the figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from civstat.contract import Contract, Programme
from civstat.generate.profile import absent_share, kind_of, violation_plant, where


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    type: str  # 街道 | 镇 | 乡
    seed: int

    @property
    def base(self) -> str:
        """The name without its type (河口 for 河口镇)."""
        return self.name.removesuffix(self.type)

    def stream(self, programme: str) -> str:
        return f"{self.seed}:{self.code}:{programme}"


@dataclass
class YearContext:
    """What a programme simulator sees of one township-year."""

    contract: Contract
    town: Town
    year: int
    first_year: int
    pops: dict[str, int]  # pop_total, pop_urban, pop_rural, pop_60plus (the cover)
    plants: dict  # name → (township, year, quarter)
    quarters: list[dict[str, list[dict]]] = field(default_factory=lambda: [{}, {}, {}, {}])

    @property
    def is_first_year(self) -> bool:
        return self.year == self.first_year

    def planted(self, name: str, quarter: int | None = None) -> bool:
        """Is the demo plant ``name`` in this township, this year (and quarter)?"""
        where_ = self.plants.get(name)
        if not where_ or where_[0] != self.town.name or where_[1] != self.year:
            return False
        return quarter is None or len(where_) < 3 or where_[2] == quarter

    def is_ytd(self, family: str, column: str) -> bool:
        return self.contract.programme(family).sheet.column(column).kind == "ytd"

    def figure(self, family: str, column: str, quarter: int) -> float:
        """A programme's township total of one column in a quarter (from earlier programmes)."""
        if family not in self.quarters[quarter - 1]:
            raise KeyError(
                f"{family}.{column}: programme {family!r} is not generated before this one "
                f"(it must exist and come earlier in the catalogue's order)"
            )
        return sum(r.get(column) or 0 for r in self.quarters[quarter - 1][family])


def simulator(prog: Programme, town: Town, first_year: int):
    from civstat.generate.generic import Generic
    from civstat.generate.kinds import KINDS

    kind = kind_of(prog)
    if kind == "generic":
        return Generic(prog, town, first_year)
    if kind not in KINDS:
        raise ValueError(
            f"{where(prog, 'kind')}: unknown kind {kind!r} "
            f"(generic or one of {', '.join(sorted(KINDS))})"
        )
    return KINDS[kind](prog, town, first_year)


class Township:
    """The township's people (drifting a little every year) and its programmes' simulators."""

    def __init__(self, contract: Contract, town: Town, first_year: int):
        r = random.Random(f"{town.seed}:{town.code}")
        self.town, self.rnd, self.first_year = town, r, first_year
        self.pop = r.randint(25000, 70000) if town.type == "街道" else r.randint(18000, 55000)
        self.urban_share = {"街道": r.uniform(0.75, 0.95), "镇": r.uniform(0.25, 0.5)}.get(
            town.type, r.uniform(0.06, 0.2)
        )
        self.old_share = r.uniform(0.18, 0.24)
        self.contract = contract
        self.sims = [(p.code, simulator(p, town, first_year)) for p in contract.programmes]
        self.violations = {p.code: v for p in contract.programmes if (v := violation_plant(p))}
        self.absent = {p.code for p in contract.programmes if self._leaves_out(p)}

    def _leaves_out(self, prog: Programme) -> bool:
        """Does this township leave the programme's (optional) sheet out of every return?
        Drawn once from its own stream (seed, township, programme)."""
        share = absent_share(prog, self.town.type)
        return share > 0 and random.Random(f"{self.town.stream(prog.code)}:absent").random() < share

    def pops(self) -> dict[str, int]:
        urban = round(self.pop * self.urban_share)
        return {
            "pop_total": self.pop,
            "pop_urban": urban,
            "pop_rural": self.pop - urban,
            "pop_60plus": round(self.pop * self.old_share),
        }

    def simulate_year(self, year: int, plants: dict) -> list[dict]:
        """Four quarters: ``{"data": {family: rows}, "pops": cover populations}``."""
        self.pop = round(self.pop * self.rnd.uniform(0.995, 1.008))
        ctx = YearContext(self.contract, self.town, year, self.first_year, self.pops(), plants)
        for family, sim in self.sims:
            for q, rows in enumerate(sim.year(ctx)):
                ctx.quarters[q][family] = rows
        absent = self.absent
        if (plants.get("violation") or ("",))[0] == self.town.name:
            absent = absent - set(self.violations)  # the planted township reports the sheet
        sent = [self._sent(ctx, q, absent) for q in (1, 2, 3, 4)]
        if ctx.planted("violation"):
            for family, spec in self.violations.items():
                plant_violation([quarter[family] for quarter in sent], spec, plants["violation"][2],
                                self.contract.programme(family))
        return [{"data": sent[q], "pops": dict(ctx.pops)} for q in range(4)]

    def _sent(self, ctx: YearContext, q: int, absent: set[str]) -> dict[str, list[dict]]:
        """One quarter's sheets as the township sends them: the sheets it reports, each column
        blank in a quarter it is not reported in (``reported_in``)."""
        out = {}
        for prog in self.contract.programmes:
            if prog.code in absent:
                continue
            blank = [c.name for c in prog.sheet.columns if q not in c.reported_in]
            out[prog.code] = [{**row, **dict.fromkeys(blank)} for row in ctx.quarters[q - 1][prog.code]]
        return out


def plant_violation(quarters: list[list[dict]], spec: dict, quarter: int, prog: Programme) -> None:
    """The demo's planted hard violation: in ``quarter`` every row's ``column`` becomes
    ``ratio_to`` × ``factor``; a year-to-date column keeps at least that value in the year's later
    quarters (it never falls)."""
    col, ref = prog.sheet.column(spec["column"]), spec["ratio_to"]
    rows = quarters[quarter - 1]
    for i, row in enumerate(rows):
        if row.get(ref) is None or row.get(col.name) is None:  # not reported this quarter
            continue
        value = row[ref] * float(spec["factor"])
        row[col.name] = round(value, 2) if col.type == "decimal" else round(value)
        if col.kind == "ytd":
            for later in quarters[quarter:]:
                if i < len(later) and later[i].get(col.name) is not None:
                    later[i][col.name] = max(later[i][col.name], row[col.name])
