"""Figures of the scope, read and formatted: KPIs (``kpi_annual`` / ``kpi_quarterly``), the
measures they are built from (mart ``fct_measures``), year-on-year changes and township
rankings.

A *figure* is a KPI or a measure code of the catalogue; :meth:`Figures.fig` formats either by
its unit (rates as 28.5%, 元 amounts in the report's money unit, levels and counts with their
unit: 412.5元/人·月, 1,234对) and marks it when its aggregate lacks a township. Used as the base of
:class:`~civstat.report.context.Context`, which supplies the scope, period and footnotes."""

from __future__ import annotations

import polars as pl

from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.phrases import _format, sentence
from civstat.report.phrases import text as phrase_text
from civstat.report.trace import NO_TRACER, Traced

RATE_UNITS = {"ratio", "rate", "%", "比率", "比例", "百分比", "fraction", ""}


class Figures:
    tracer = NO_TRACER  # the report's Context sets its own Tracer (how each figure was made)

    # -- KPIs -------------------------------------------------------------------------------
    def _kpi_frames(self) -> None:
        if self.scope.is_aggregate:  # a county ranks its townships, a city its counties
            self.siblings = list(self.scope.units)
        else:
            county = self.r.county_of(self.scope.division_code)
            self.siblings = (list(self.r.scope(county, self.year).township_codes) if county
                             else self.codes)
        self.k_now = self.r.kpis(self.year, self.quarter, self._wanted())
        self.k_prev = self.r.kpis(self.year - 1, self.quarter, [self.scope.division_code])
        # the tables and rankings list only the divisions in force in the period (a 街道 set up
        # the year after has no row of —), and any with figures then
        in_force = self.r.in_force(f"{self.year}Q{self.quarter}", self.siblings)
        if in_force is not None:
            have = set(self.k_now["division_code"].to_list()) if self.k_now.height else set()
            self.siblings = [s for s in self.siblings if s in in_force or s in have]
        self._m_now: pl.DataFrame | None = None
        self._m_prev: pl.DataFrame | None = None

    def _wanted(self) -> list[str]:
        """Whose rows the report reads: the scope and the divisions it ranks; above the county
        its townships too (their extremes are named, :meth:`ranking_sentence`)."""
        towns = self.codes if self.scope.above_county else []
        return list(dict.fromkeys([self.scope.division_code, *self.siblings, *towns]))

    def _row(self, frame: pl.DataFrame, code: str, division: str | None = None) -> dict | None:
        d = division or self.scope.division_code
        return self._index(frame, "kpi_code").get((d, code))

    def _index(self, frame: pl.DataFrame, key: str) -> dict[tuple[str, str], dict]:
        """(division, code) → the frame's first row for it: looked up, not filtered, per call."""
        cache = self.__dict__.setdefault("_indexes", {})
        hit = cache.get(id(frame))
        if hit is None or hit[0] is not frame:
            index: dict[tuple[str, str], dict] = {}
            for r in frame.iter_rows(named=True):
                index.setdefault((r["division_code"], r[key]), r)
            hit = cache[id(frame)] = (frame, index)
        return hit[1]

    def kpi(self, code: str, prev: bool = False) -> dict | None:
        return self._row(self.k_prev if prev else self.k_now, code)

    def kval(self, code: str, prev: bool = False):
        row = self._row(self.k_prev if prev else self.k_now, code)
        return row["value"] if row else None

    def is_kpi(self, code: str) -> bool:
        return code in self.defs or any(k["code"] == code for k in self.contract.kpis)

    def definition(self, code: str) -> dict:
        """name_zh / unit of a KPI or measure: the warehouse's dim_kpi, else the catalogue."""
        cache = self.__dict__.setdefault("_definitions", {})
        if code not in cache:
            cache[code] = self._definition(code)
        return cache[code]

    def _definition(self, code: str) -> dict:
        if code in self.defs:
            d = self.defs[code]
            return {"name_zh": d.get("kpi_name_zh"), "unit": d.get("unit")}
        for d in (*self.contract.kpis, *self.contract.measures):
            if d["code"] == code:
                return d
        row = self.kpi(code) or {}
        return {"name_zh": row.get("kpi_name_zh"), "unit": row.get("unit")}

    def unit(self, code: str) -> str:
        return (self.definition(code).get("unit") or "").strip()

    def is_rate(self, code: str) -> bool:
        return self.unit(code).lower() in RATE_UNITS

    def kname(self, code: str) -> str:
        return self.definition(code).get("name_zh") or code

    def kfmt(self, code: str, value=None, *, use=True) -> str | None:
        """A KPI as a sentence prints it (the scope's own value, marked, unless given one)."""
        own = use and value is None
        v = self.kval(code) if own else value
        if v is None:
            return None
        text = self.fmt(code, v)
        return self.marked(text, code) if own else text

    def comparable(self, code: str | None = None, quarter: int | None = None) -> bool:
        """Whether the figure may be compared with a year before; :class:`Context` checks that
        year's coverage (figures over stated values compare always)."""
        return True

    def pp(self, code: str) -> str | None:
        if self.kval(code, prev=True) is not None and not self.comparable(code):
            return None  # 上年 short of a township
        return self.tracer.change(
            f.pp_change(self.kval(code), self.kval(code, prev=True), self.ph["words"]["change"]),
            code,
        )

    # -- measures ---------------------------------------------------------------------------
    def _measures(self) -> None:
        if self._m_now is None:
            self._m_now = self.r.measures(self.year, self.quarter, self._wanted())
            self._m_prev = self.r.measures(self.year - 1, self.quarter, [self.scope.division_code])

    def mrow(self, code: str, prev: bool = False, division: str | None = None) -> dict | None:
        """The measure's fct_measures row (value, townships included and expected, complete)."""
        self._measures()
        frame = self._m_prev if prev else self._m_now
        return self._index(frame, "measure_code").get((division or self.scope.division_code, code))

    def mval(self, code: str, prev: bool = False, division: str | None = None):
        row = self.mrow(code, prev, division)
        return row["value"] if row else None

    def measure_townships(self, code: str) -> set[str]:
        """The scope's townships whose returns give the measure this period."""
        self._measures()
        rows = self._m_now.filter(
            (pl.col("measure_code") == code)
            & pl.col("division_code").is_in(self.codes)
            & pl.col("value").is_not_null()
        )
        return set(rows["division_code"].to_list())

    def level_text(self, code: str) -> str | None:
        """A standard (元/人·月, 元/人·年) as the townships report it: one figure when they agree
        ('月人均1,300元'), else their range ('月人均1,300—1,400元'); never the county's weighted
        mean of differing standards."""
        values = [v for d in self.codes if (v := self.mval(code, division=d)) is not None]
        if not values:
            return None
        unit = self.unit(code)
        lo, hi = f.fmt_reported(min(values)), f.fmt_reported(max(values))
        n = lo if lo == hi else f"{lo}—{hi}"
        pattern = f.LEVEL_WORDS.get(unit)
        return self.tracer.figure(pattern.format(n=n) if pattern else f"{n}{unit}", code)

    # -- any figure (KPI or measure) ----------------------------------------------------------
    def value(self, code: str, prev: bool = False, division: str | None = None):
        if self.is_kpi(code):
            if division:
                row = self._row(self.k_now, code, division)
                return row["value"] if row else None
            return self.kval(code, prev)
        return self.mval(code, prev, division)

    def fmt(self, code: str, value, *, unit: bool = True) -> str | None:
        """A figure's value as text: with its unit (sentences) or without (table cells, whose
        header names the unit: :meth:`column_unit`). Rates one decimal (28.5%); amounts in 元 per
        the money setting (17,422.19万元 in text, exact 元 in tables); per-person amounts whole 元
        (月人均615元); other figures with their unit (1,234对)."""
        if value is None:
            return None
        u = self.unit(code)
        if self.is_rate(code):
            text = f.fmt_pct(value)
            return text if unit or text is None else text.rstrip("%")
        if u == "元":
            return self.money.total(value) if unit else self.money.cell(value)
        if u.startswith("元/"):
            if not unit:
                return f.level_number(value)
            n = f.level_number(value)
            pattern = f.LEVEL_WORDS.get(u)
            return pattern.format(n=n) if pattern else f"{n}元"
        if "/" in u:  # a level per something (8.0个/万人): one decimal, 8.0 not 8
            return f.fixed(value, 1) + (u if unit else "")
        return f.fmt_num(float(f.rounded(value, 1)), 1, u if unit else "")

    def amount(self, code: str, value) -> str | None:
        """A difference of the figure with its plain unit (89对, 12.5万元, 35元)."""
        if self.unit(code).startswith("元/"):
            return f.fmt_yuan_level(value)
        return self.fmt(code, value)

    def column_unit(self, code: str) -> str | None:
        """The unit a table header names: %, the money unit of tables, or the figure's own."""
        u = self.unit(code)
        if self.is_rate(code):
            return "%"
        return self.money.table_unit if u == "元" else (u or None)

    def mark(self, code: str) -> str:
        return self.kmark(code) if self.is_kpi(code) else self.fact_mark() or self.column_mark(code)

    def column_mark(self, code: str) -> str:
        """MARK on a measure some townships left blank (:class:`Context` knows who did)."""
        return ""

    def fig(self, code: str, *, unit: bool = True) -> str | None:
        """The scope's figure, formatted and marked (``{code}`` in a sentence template)."""
        text = self.fmt(code, self.value(code), unit=unit)
        return None if text is None else self.tracer.figure(text + self.mark(code), code)

    def cell(self, code: str, division: str) -> str | None:
        """A township's figure in a table cell (no unit: the header names it), traced; above the
        county a county's figure short of a township is marked (:meth:`unit_mark`)."""
        text = self.fmt(code, self.value(code, division=division), unit=False)
        if text is not None:
            text += self.unit_mark(code, division)
        return self.tracer.figure(text, code, division)

    # -- a city's or province's counties short of a township --------------------------------
    def units_missing(self) -> dict[str, list[str]]:
        """County → its townships missing from the period's sums (period_coverage), for the
        counties a city or province compares; empty below the city."""
        hit = self.__dict__.get("_units_missing")
        if hit is None:
            hit = {}
            if self.scope.above_county and self.siblings:
                rows = self.r._q(
                    "SELECT division_code, townships_missing FROM period_coverage "
                    "WHERE year = ? AND quarter = ? AND list_contains(?, division_code)",
                    [self.year, self.quarter, list(self.siblings)])
                hit = {c: list(m) for c, m in rows.iter_rows() if m is not None and len(m)}
            self.__dict__["_units_missing"] = hit
        return hit

    def unit_missing(self, code: str, division: str) -> list[str]:
        """The townships a county's figure lacks (above the county; [] when it is whole): a KPI's
        own (kpi_* ``complete`` false: a figure over the year's quarters lacks a township missing
        any of them), a measure's the period's."""
        if not self.scope.above_county or division == self.scope.division_code:
            return []
        if self.is_kpi(code):
            row = self._row(self.k_now, code, division)
            if not row or row.get("complete") is not False:
                return []
            return list(row.get("townships_missing") or [])
        return self.units_missing().get(division, [])

    def unit_mark(self, code: str, division: str) -> str:
        """MARK on a county's figure in a city's or province's table when it lacks a township,
        footnoted under the county's name (* 西河县：不含西河镇（…）), as its own report marks it."""
        missing = self.unit_missing(code, division)
        if not missing:
            return ""
        name = self.r.division_names([division]).get(division, division)
        return self.flag(name, missing, self.year, self.quarter)

    def unranked(self, code: str) -> list[str]:
        """The counties a city or province leaves out of a ranking: those whose figure lacks a
        township (a part of a county is no county's figure to compare)."""
        if not self.scope.above_county:
            return []
        return [d for d in self.siblings if self.unit_missing(code, d)]

    def change(self, code: str, base: str = "上年") -> str | None:
        return self.tracer.change(self._change(code, base), code)

    def _change(self, code: str, base: str) -> str | None:
        """Against the same period a year before: 比上年提高1.2个百分点 (rates), 比上年减少89对，
        下降3.5% (counts and amounts), 比上年增长1.6% (levels per something), 与上年持平."""
        now, before = self.value(code), self.value(code, prev=True)
        if before is not None and not self.comparable(code):  # 上年 short of a township
            return None
        words = self.ph["words"]["change"]
        if self.is_rate(code):
            return f.pp_change(now, before, words, base=base)
        if now is None or before is None:
            return None
        if "/" in self.unit(code):  # a level per something (元/人·月, 件/人次): by what share
            return f.growth(now, before, words, base=base)
        return f.level_change(now, before, self.amount(code, abs(now - before)), words, base=base)

    def townships_with(self, code: str) -> int:
        """How many townships of the scope have a non-zero value of the figure."""
        n = 0
        for d in self.codes:
            v = self.value(code, division=d)
            if v is not None and v != 0:
                n += 1
        return n

    def series(self, code: str, years: list[int]) -> dict[str, float]:
        """The scope's measure per quarter ('2024Q1' → value)."""
        df = self.r.measure_series(years, self.scope.division_code, [code])
        return {r["period"]: r["value"] for r in df.iter_rows(named=True)}

    # -- rankings ---------------------------------------------------------------------------
    def ranking(self, code: str, among: list[str] | None = None) -> list[tuple[str, str, float]]:
        """(code, name, value) of the divisions the scope ranks (``among``: others), best
        (highest) first; the scope's own units leave out those short of a township."""
        own = among is None
        among = self.siblings if own else among
        if self.is_kpi(code):
            df = self.k_now.filter(pl.col("kpi_code") == code)
        else:
            self._measures()
            names = self.r.division_names(among)
            df = self._m_now.filter(pl.col("measure_code") == code).with_columns(
                division_name=pl.col("division_code").replace_strict(
                    names, default=pl.col("division_code")
                )
            )
        if own:  # counties short of a township are no county's figure
            among = [d for d in among if d not in self.unranked(code)]
        df = (
            df.filter(pl.col("division_code").is_in(among))
            .filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
            .sort(["value", "division_code"], descending=[True, False])
        )
        return [
            (r["division_code"], r["division_name"], r["value"]) for r in df.iter_rows(named=True)
        ]

    def _rank_text(self, code: str, value) -> str | None:
        """A township's value in a ranking sentence: 6.0%, 615元, 18.3个 (每万人 in the name)."""
        u = self.unit(code)
        if "/" in u and not u.startswith("元/"):
            return f.fixed(value, 1) + u.split("/")[0]
        return self.amount(code, value) if u.startswith("元/") else self.fmt(code, value)

    def places(self, code: str, among: list[str] | None = None) -> list[tuple[int, str, float]]:
        """(place, name, value) of :meth:`ranking`: divisions equal as printed share a place
        (1, 1, 3), as the ranking sentences say 并列."""
        out, place, last = [], 0, None
        for i, (_, name, value) in enumerate(self.ranking(code, among), 1):
            text = self._rank_text(code, value)
            if text != last:
                place, last = i, text
            out.append((place, name, value))
        return out

    def ranking_varies(self, code: str, among: list[str] | None = None) -> bool:
        """False when the top and bottom values are equal as printed: no ranking to speak of."""
        rows = self.ranking(code, among)
        return len(rows) >= 2 and self._rank_text(code, rows[0][2]) != self._rank_text(
            code, rows[-1][2]
        )

    def ranking_chart(self, code: str, title: str | None = None) -> ch.Chart | None:
        rows = self.ranking(code)
        if not self.ranking_varies(code):
            return None
        highlight = None if self.scope.is_aggregate else self.scope.division_name
        money = self.unit(code) == "元"
        return ch.ranking_chart(
            f"rank-{code}",
            title
            or _format(
                self.ph["generic"]["ranking_chart"],
                {"units": self.unit_word, "name": self.kname(code)},
            )[0],
            [n for _, n, _ in rows],
            [self.money.scale(v) if money else v for _, _, v in rows],
            self.column_unit(code) or None,
            percent=self.is_rate(code),
            highlight=highlight,
        )

    def ranking_sentence(self, code: str) -> str | None:
        """以甲镇最高（6.0%），乙乡最低（3.2%） — townships sharing the top (bottom) value as
        printed are named together (以甲镇、乙镇最高；以甲镇等6个乡镇（街道）最高); a township
        report: 在全县17个乡镇（街道）中居第3位 (并列 when tied). Nothing when all are equal."""
        rows = self.ranking(code)
        towns = self._township_ends(code) if self.scope.above_county else {}
        if not self.ranking_varies(code):
            # above the county, the townships may still differ where the counties (those whose
            # figure is whole) do not: their extremes alone
            return sentence("ranking.leader_towns", self.ph, kpi=self.kname(code),
                            **towns) if towns else None
        printed = [self._rank_text(code, v) for _, _, v in rows]
        if self.scope.is_aggregate:
            ends = self._ends(code, rows, printed, self.unit_word)
            key = "ranking.leader_above" if self.scope.above_county else "ranking.leader"
            return sentence(key, self.ph, kpi=self.kname(code) + self.ranking_mark(code),
                            **ends, **towns)
        mine = [t for (c, _, _), t in zip(rows, printed) if c == self.scope.division_code]
        if not mine:
            return None
        own = value_of(rows, self.scope.division_code)
        rank = 1 + sum(1 for t, (_, _, v) in zip(printed, rows) if t != mine[0] and v > own)
        tied = printed.count(mine[0]) > 1
        ranked = [{"name": n, "text": t, "returns": []} for (_, n, _), t in zip(rows, printed)]
        return sentence(
            "ranking.position_tied" if tied else "ranking.position",
            self.ph,
            kpi=self.kname(code),
            value=self.fig(code),
            n=self._ranked(len(rows), code, "n", "参与排名的乡镇（街道）数", ranked),
            rank=self._ranked(
                rank, code, "rank", "名次：数值（按所印位数）高于本乡镇（街道）者加一", ranked
            ),
        )

    def ranking_mark(self, code: str) -> str:
        """MARK on a ranking that leaves out a county short of a township (:meth:`unranked`)."""
        left = self.unranked(code)
        if not left:
            return ""
        names = self.r.division_names(left)
        return self.flag_text(
            f"{self.kname(code)}排名",
            phrase_text("ranking.unranked", self.ph, counties="、".join(names.get(c, c) for c in left)),
        )

    def _ends(self, code: str, rows, printed: list, units: str, prefix: str = "") -> dict:
        """The top and bottom of a ranking as printed, those sharing either named together."""
        top = [n for (_, n, _), t in zip(rows, printed) if t == printed[0]]
        bottom = [n for (_, n, _), t in zip(rows, printed) if t == printed[-1]]
        return {
            f"{prefix}first": self.name_group(top, code, printed[0], units),
            f"{prefix}first_value": self.tracer.figure(printed[0], code, rows[0][0]),
            f"{prefix}last": self.name_group(bottom, code, printed[-1], units),
            f"{prefix}last_value": self.tracer.figure(printed[-1], code, rows[-1][0]),
        }

    def _township_ends(self, code: str) -> dict:
        """A city's or province's report: its highest and lowest townships (named with their
        county) where their values differ as printed; nothing otherwise (the clause drops)."""
        if not self.ranking_varies(code, self.codes):
            return {}
        labels = self.r.township_labels(self.codes)
        rows = [(c, labels.get(c, n), v) for c, n, v in self.ranking(code, self.codes)]
        printed = [self._rank_text(code, v) for _, _, v in rows]
        return self._ends(code, rows, printed, self.ph["levels"]["county"]["units"], "town_")

    def _ranked(self, n: int, code: str, what: str, formula: str, items: list[dict]):
        """A count or place of a ranking, traced to the townships ranked (as printed)."""
        source = "kpi_annual" if self.is_kpi(code) else "fct_measures"
        return self.tracer.rows(
            str(n),
            ("ranking", code, what, formula),
            lambda: self.tracer.record(f"{self.kname(code)}：排名", n, source, formula, items),
        )

    def name_group(
        self, names: list[str], code: str = "", value: str = "", units: str | None = None
    ) -> str:
        """甲镇 / 甲镇、乙镇、丙乡 / 甲镇、乙镇等6个乡镇（街道） (the count traced)."""
        g = self.ph["ranking"]
        if len(names) <= g["max_named"]:
            return "、".join(names)
        items = [{"name": x, "text": value, "returns": []} for x in names]
        n = self._ranked(
            len(names), code, value, f"数值同为{value}（按所印位数）的乡镇（街道）数", items
        )
        values = {"names": "、".join(names[:2]), "n": n, "units": units or self.unit_word}
        text, spans = _format(g["group"], values)
        return Traced(text, spans) if spans else text


def value_of(rows: list[tuple[str, str, float]], code: str) -> float:
    return next(v for c, _, v in rows if c == code)
