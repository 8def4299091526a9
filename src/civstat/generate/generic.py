"""The generic profile: any programme's rows from the magnitudes in its ``generator:`` key.

A *row* is the single row, one category, one entity (drawn once per township) or one event (drawn
each year). Each numeric column of a row has a level drawn once (``per_10k``, ``range``, ``factor``,
``share``, ``trend``, ``zero``); each quarter varies it by ``noise``. Stocks are that quarter's
figure; year-to-date columns add the quarter's increment (a year's amount × its ``seasonal`` share,
or a share of the increments they are ``per`` / part of) to the running total, so they never
decrease, and a part's increment never exceeds its total's. On a sheet whose stocks are revised
once a year (``stocks_revised: year_end``) a stock keeps last Q4's figure through Q1–Q3 and changes
only in Q4 (the first generated year: its Q1 figure, held to Q3). Integers stay integers, money is
rounded to whole 元 (or ``round``); everything is drawn from the township's own stream for this
programme, so the figures follow from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from civstat.contract import Column, Programme
from civstat.generate.profile import (
    NUMERIC,
    Levels,
    Profile,
    ProfileError,
    load_profile,
    pick,
    where,
)
from civstat.generate.township import Town, YearContext


@dataclass
class Row:
    """One row of the sheet across quarters: its identity and fixed (text / date) values."""

    id: str
    category: str | None = None
    scale: float = 1.0  # share of the population base of per_10k (categories, entities)
    population: str | None = None  # a category's own base (pop_urban …)
    fixed: dict = field(default_factory=dict)
    quarter: int = 1  # events: the quarter it happened in
    values: dict | None = None  # events: figures fixed when it happened


class Generic:
    def __init__(self, prog: Programme, town: Town, first_year: int):
        self.prog, self.sheet, self.town, self.first_year = prog, prog.sheet, town, first_year
        self.profile: Profile = load_profile(prog)
        self.rnd = random.Random(town.stream(prog.code))
        self.levels = Levels(town.stream(prog.code))
        self.cols = {c.name: c for c in self.sheet.columns}
        self.order = self._order()
        self._names: set[str] = set()
        self.rows = self._rows()
        # stocks_revised: year_end — each row's stocks as last revised (row id → column → figure)
        self.year_end = self.sheet.stocks_revised == "year_end" and self.sheet.row_kind != "event"
        self._held: dict[str, dict] = {}

    # ------------------------------------------------------------ set-up

    def _order(self) -> list[Column]:
        """Columns in contract order, each after the columns its figures depend on."""
        deps: dict[str, set[str]] = {}
        for col in self.sheet.columns:
            d = {col.of} if col.of else set()
            for spec in self.profile.all_specs(col.name):
                per = spec.get("per") or []
                d |= {r for r in ([per] if isinstance(per, str) else per) if "." not in r}
                d |= {spec[k] for k in ("at_least", "at_most") if k in spec}
            deps[col.name] = d & set(self.cols)
        done: list[str] = []
        while len(done) < len(deps):
            ready = [n for n in deps if n not in done and deps[n] <= set(done)]
            if not ready:
                loop = sorted(set(deps) - set(done))
                raise ValueError(
                    f"{where(self.prog, 'columns')}: circular per/of/at_* among {loop}"
                )
            done.append(ready[0])
        return [self.cols[n] for n in done]

    def _rows(self) -> list[Row]:
        kind = self.sheet.row_kind
        if kind == "single":
            return [Row("row")]
        if kind == "category":
            cats = self.profile.categories
            n = len(self.sheet.categories)
            out = []
            for cat in self.sheet.categories:
                c = cats.get(cat.code) or {}
                scale = float(c.get("scale", 1.0 if c.get("population") else 1.0 / n))
                out.append(
                    Row(cat.code, category=cat.code, scale=scale, population=c.get("population"))
                )
            return out
        if kind == "entity":
            ent = dict(self.profile.entities)
            ent.update((ent.pop("by_township", None) or {}).get(self.town.type) or {})
            count = max(0, round(self.levels.draw(ent.get("count", [1, 2]), "entities")))
            rows = [Row(f"e{i}", scale=1.0 / count) for i in range(count)]
            for i, row in enumerate(rows):
                row.fixed = self._texts(row, n=i + 1, month=None)
            return rows
        return []  # events: drawn each year

    def _texts(self, row: Row, *, n: int, month: int | None) -> dict:
        """Text columns of an entity or event, fixed once: picked from their choices (by the
        event's month), then names from their ``template`` (which may use the picked ones)."""
        out: dict = {}
        named = []
        for col in self.sheet.columns:
            if col.type != "text":
                continue
            spec = self._spec(col, row)
            choices = (spec.get("by_month") or {}).get(month) if month else None
            choices = choices or spec.get("choices") or (list(col.choices) or None)
            if choices:
                out[col.name] = pick(self.rnd, choices)
            elif self.sheet.row_kind == "entity":
                named.append((col, spec.get("template") or "{township}{title}{n}"))
        for col, template in named:
            try:
                name = template.format(
                    township=self.town.base, name=self.town.name, title=self.sheet.title, n=n, **out
                )
            except (KeyError, IndexError) as exc:
                raise ProfileError(
                    f"{where(self.prog, 'columns.' + col.name)}.template "
                    f"{template!r}: no field {exc}"
                ) from None
            while name in self._names:
                name = f"{name}{n}"
            self._names.add(name)
            out[col.name] = name
        return out

    def _events(self, year: int) -> list[Row]:
        ev = dict(self.profile.events)
        ev.update((ev.pop("by_township", None) or {}).get(self.town.type) or {})
        per_year = ev.get("per_year", {0: 0.4, 1: 0.4, 2: 0.2})
        n = (
            int(pick(self.rnd, per_year))
            if isinstance(per_year, dict)
            else self.rnd.randint(*per_year)
        )
        months = ev.get("months") or [1] * 12
        dates = [c.name for c in self.sheet.columns if c.type == "date"]
        rows, seen = [], set()
        for i in range(n):
            month = self.rnd.choices(range(1, 13), [float(w) for w in months])[0]
            day = self.rnd.randint(1, 28)
            row = Row(f"{year}-{i}", quarter=(month - 1) // 3 + 1)
            row.fixed = self._texts(row, n=i + 1, month=month)
            if dates:
                row.fixed[dates[0]] = f"{year}-{month:02d}-{day:02d}"
            key = tuple(sorted(row.fixed.items()))
            if key in seen:
                continue
            seen.add(key)
            rows.append(row)
        rows.sort(key=lambda r: tuple(str(r.fixed.get(c.name, "")) for c in self.sheet.columns))
        return rows

    # ------------------------------------------------------------ figures

    def _spec(self, col: Column, row: Row, first_year: bool = False) -> dict:
        return self.profile.spec(
            col.name, category=row.category, township=self.town.type, first_year=first_year
        )

    def _ref(
        self, ref: str, row: Row, cur: dict, inc: dict, q: int, ctx: YearContext, ytd: bool
    ) -> float:
        """A referenced figure: this row's column, or another programme's township total."""
        if "." in ref:
            family, column = ref.split(".", 1)
            value = ctx.figure(family, column, q)
            if ytd and ctx.is_ytd(family, column):
                return value - (ctx.figure(family, column, q - 1) if q > 1 else 0)
            return value
        if ytd and self.cols[ref].kind == "ytd":
            return inc[ref]
        return cur[ref] or 0

    def _amount(
        self,
        col: Column,
        spec: dict,
        row: Row,
        q: int,
        ctx: YearContext,
        cur: dict,
        inc: dict,
        ytd: bool,
    ) -> float:
        """The figure before noise: a stock's level, or a year-to-date column's increment."""
        lv = self.levels
        seasonal = spec.get("seasonal") or [0.25] * 4
        annual = seasonal[q - 1] if ytd else 1.0  # population / range bases are a year's amount
        trend = (1 + lv.draw(spec.get("trend", 0), row.id, col.name, "trend")) ** (
            ctx.year - self.first_year
        )
        if "value" in spec:
            return float(spec["value"]) * annual
        if "range" in spec:
            return lv.draw(spec["range"], row.id, col.name, "range") * trend * annual
        if "per_10k" in spec:
            pop = ctx.pops[spec.get("population") or row.population or self.profile.population]
            rate = lv.draw(spec["per_10k"], row.id, col.name, "per_10k")
            return rate * pop / 10000 * row.scale * trend * annual
        if "per" in spec:
            refs = [spec["per"]] if isinstance(spec["per"], str) else spec["per"]
            base = 0.0
            for ref in refs:
                value = self._ref(ref, row, cur, inc, q, ctx, ytd)
                referenced_ytd = (
                    ctx.is_ytd(*ref.split(".", 1)) if "." in ref else self.cols[ref].kind == "ytd"
                )
                base += value if (not ytd or referenced_ytd) else value * seasonal[q - 1]
            return base * lv.draw(spec.get("factor", 1), row.id, col.name, "factor")
        if "share" in spec and col.of:
            parent = inc[col.of] if ytd and self.cols[col.of].kind == "ytd" else (cur[col.of] or 0)
            return parent * lv.draw(spec["share"], row.id, col.name, "share")
        raise ValueError(
            f"{where(self.prog, 'columns.' + col.name)}: needs one of value, range, "
            f"per_10k, per, share"
        )

    def _round(self, col: Column, spec: dict, x: float) -> float | int:
        x = max(0.0, x)
        if col.type == "int":
            return round(x)
        step = float(spec.get("round", 1 if col.type == "money" else 0.01))
        if step >= 1 and step.is_integer():
            return int(round(x / step) * step)
        return round(round(x / step) * step, 2)

    def _figure(
        self, col: Column, row: Row, q: int, ctx: YearContext, cur: dict, inc: dict, cum: dict
    ) -> None:
        spec = self._spec(col, row, first_year=ctx.is_first_year)
        ytd = col.kind == "ytd" and self.sheet.row_kind != "event"
        x = self._amount(col, spec, row, q, ctx, cur, inc, ytd)
        noise = float(
            spec.get(
                "noise",
                0 if self.sheet.row_kind == "event" or col.kind == "attr" else 0.1 if ytd else 0.02,
            )
        )
        if noise and "value" not in spec:
            x *= 1 + self.rnd.uniform(-noise, noise)
        if self.levels.chance(float(spec.get("zero", 0)), row.id, col.name, "zero"):
            x = 0
        x = self._round(col, spec, x)
        if "min" in spec:
            x = max(x, spec["min"])
        if "max" in spec:
            x = min(x, spec["max"])
        if ytd:
            prev = cum.get(col.name, 0)
            for other, up in (
                (col.of, True),
                (spec.get("at_most"), True),
                (spec.get("at_least"), False),
            ):
                if not other:
                    continue
                o = self.cols[other]
                bound = inc[other] if o.kind == "ytd" else max(0, (cur[other] or 0) - prev)
                x = min(x, bound) if up else max(x, bound)
            inc[col.name] = x
            cum[col.name] = prev + x
            cur[col.name] = cum[col.name]
        else:
            for other, up in (
                (col.of, True),
                (spec.get("at_most"), True),
                (spec.get("at_least"), False),
            ):
                if other and cur.get(other) is not None:
                    x = min(x, cur[other]) if up else max(x, cur[other])
            cur[col.name] = x

    def _row(self, row: Row, q: int, ctx: YearContext, cum: dict) -> dict:
        cur: dict = dict(row.fixed)
        inc: dict = {}
        held = self._held.get(row.id) if self.year_end and q < 4 else None
        for col in self.order:
            if held is not None and col.kind == "stock" and col.name in held:
                cur[col.name] = held[col.name]  # revised at year end only
            elif col.type in NUMERIC:
                self._figure(col, row, q, ctx, cur, inc, cum)
            else:
                cur.setdefault(col.name, None)
        if self.year_end and (held is None or q == 4):
            self._held[row.id] = {c.name: cur[c.name] for c in self.order
                                  if c.kind == "stock" and c.type in NUMERIC}
        out = {"category": row.category} if row.category else {}
        out.update((c.name, cur.get(c.name)) for c in self.sheet.columns)
        return out

    # ------------------------------------------------------------ a year

    def year(self, ctx: YearContext) -> list[list[dict]]:
        if self.sheet.row_kind == "event":
            events = self._events(ctx.year)
            for ev in events:
                ev.values = self._row(ev, ev.quarter, ctx, {})
            return [[dict(ev.values) for ev in events if ev.quarter <= q] for q in (1, 2, 3, 4)]
        cums: dict[str, dict] = {row.id: {} for row in self.rows}
        return [[self._row(row, q, ctx, cums[row.id]) for row in self.rows] for q in (1, 2, 3, 4)]
