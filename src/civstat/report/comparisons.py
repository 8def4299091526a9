"""Whether a figure may be compared with the same period a year before (:class:`Comparisons`, a
part of the report's :class:`~civstat.report.context.Context`): only between two sums over the
same townships — none blocked or missing either year, the same townships filling an optional
sheet, the same townships giving both terms of a rate. What keeps a comparison out is said once
in 数据说明 (``Context.no_comparison``)."""

from __future__ import annotations

import polars as pl


class Comparisons:
    """:meth:`comparable` and what it asks; the Context supplies the scope, the frames and the
    footnotes (``coverage``, ``k_now`` / ``k_prev``, ``period_missing``, ``missing_text``)."""

    def comparable(self, code: str | None = None, quarter: int | None = None) -> bool:
        """Whether a figure may be compared with the same period a year before (``quarter``:
        another one of that year, e.g. 4 for a growth over the previous year-end): not when
        the year before's sum over the scope lacks a township then in force (blocked or not
        reported) — 比上年增长 would count the township left out as growth — nor, for a KPI,
        when that year's own figure is short of one (kpi_* ``complete`` false). The shortfall
        is stated once in 数据说明. A year without data is no shortfall: the figure is None."""
        q = quarter or self.quarter
        prev = self.coverage.filter((pl.col("year") == self.year - 1) & (pl.col("quarter") == q))
        gap = codes_of(prev["townships_missing"][0]) if prev.height else []
        row = self._row(self.k_prev, code) if code and self.is_kpi(code) and q == self.quarter else None
        if row and row.get("complete") is False:
            gap += [c for c in codes_of(row["townships_missing"]) if c not in gap]
        # nor when this period's sum lacks one (blocked or not reported): 比上年 would count
        # the township left out as a fall
        now = list(self.period_missing)
        row = self._row(self.k_now, code) if code and self.is_kpi(code) else None
        if row and row.get("complete") is False and not self.against_base(code):
            now += [c for c in codes_of(row["townships_missing"]) if c not in now]
        if gap:
            year, text = self.year - 1, self.missing_text(sorted(gap), self.year - 1, q)
        elif now:
            year = self.year
            text = self.missing_text(sorted(now), self.year, self.quarter)
        else:
            text = self.other_reporters(code, q) if code else None
            if text is None and code and q == self.quarter:
                text = self.other_kpi_reporters(code)
            if text is None:
                return True
            year = self.year - 1
        if (year, text) not in self.no_comparison:
            self.no_comparison.append((year, text))
        return False

    def catalogue_kpi(self, code: str) -> dict:
        """The KPI's entry in the programme catalogue ({} for no KPI of it)."""
        return next((k for k in self.contract.kpis if k["code"] == code), {})

    def against_base(self, code: str) -> bool:
        """A KPI against the previous year-end (a growth): its ``complete`` covers the base."""
        return self.catalogue_kpi(code).get("denominator_period") == "previous_year_end"

    def other_reporters(self, code: str, quarter: int) -> str | None:
        """For a figure of an optional sheet: None when each township (at current boundaries)
        with returns both years filled the sheet in wholly or not at all, the same way both years;
        else what 数据说明 says of the year before (中“表12 …”的填报乡镇（街道）与本年不同（马店镇）).
        A township merged since counts whole: 白庙乡's 表12 of last year is not 马店镇's of this
        year when the old 马店镇 filled in none."""
        prog = self._owner().get(code)
        if prog is None or prog.sheet.required:
            return None
        key = (prog.code, quarter)
        if key not in self._other_reporters:
            now = self.r.sheet_returns(self.year, quarter, self.codes, prog.sheet.table)
            before = self.r.sheet_returns(self.year - 1, quarter, self.codes, prog.sheet.table)
            differ = []
            if now is not None and before is not None:
                # the townships with returns both years (one without is a missing return, said
                # as such; a year without any return has no figure to compare)
                for town in sorted(set(now[0].values()) & set(before[0].values())):
                    states = [_filled(returns, town) for returns in (now, before)]
                    if states[0] != states[1] or "part" in states:
                        differ.append(town)
            names = self.r.division_names(differ)
            self._other_reporters[key] = (
                f"中{sheet_name(prog)}的填报乡镇（街道）与本年不同（"
                + "、".join(names.get(c, c) for c in differ) + "）" if differ else None)
        return self._other_reporters[key]

    def other_kpi_reporters(self, code: str) -> str | None:
        """For a KPI over measures some townships may leave blank (an optional column: 儿童主任
        of 表13): None when the same townships give both its terms both years, else what
        数据说明 says of the year before (中儿童主任配备率的填报乡镇（街道）与本年不同（河口乡）) —
        a rate over other townships is no base to compare with. Only townships with published
        returns both years count: one set up or ended (撤销) between them is no other reporter
        (its figures are in the year's sums it reported in)."""
        kpi = self.catalogue_kpi(code)
        if not kpi or self.against_base(code):
            return None
        terms = [m for m in (kpi.get("numerator"), kpi.get("denominator")) if m]
        if code not in self._other_kpi_reporters:
            years = (self.year, self.year - 1)
            towns = [self.r.measure_givers(year, self.quarter, self.codes, terms) for year in years]
            both = set.intersection(*(self.r.measure_givers(year, self.quarter, self.codes, None)
                                      for year in years))
            differ = sorted((towns[0] ^ towns[1]) & both) if all(towns) else []
            names = self.r.division_names(differ)
            self._other_kpi_reporters[code] = (
                f"中{self.kname(code)}的填报乡镇（街道）与本年不同（"
                + "、".join(names.get(c, c) for c in differ) + "）" if differ else None)
        return self._other_kpi_reporters[code]


def _filled(returns: tuple[dict[str, str], set[str]], town: str) -> str:
    """How the returns of the township ``town`` (current code) filled an optional sheet: all of
    them (``all``), none, or some (``part``: of townships merged into it since)."""
    of_town = [code for code, now in returns[0].items() if now == town]
    filled = [code for code in of_town if code in returns[1]]
    return "none" if not filled else "all" if len(filled) == len(of_town) else "part"


def sheet_name(prog) -> str:
    """“表14 流浪乞讨人员救助”, after 季报 in the sentence — the return's sheet, never to be
    taken for a table of the document (表1、表2 … of 附件1)."""
    return f"“表{prog.sheet.no} {prog.sheet.title}”"


def codes_of(value) -> list[str]:
    """A ``townships_missing`` cell (list, polars Series or NULL) as a list of codes."""
    return [] if value is None else [str(c) for c in value]
