"""Divisions above the county (issue 15): which division a report covers, what it compares.

A report's *scope* is a division of any level. Its figures are the warehouse's rows at that
level (``kpi_annual`` / ``kpi_quarterly`` / ``fct_measures`` / ``period_coverage`` carry every
level); the facts summed in SQL are those of every township under it; and the divisions it
*ranks and tabulates* — its ``units`` — are the level below that reports: a county's townships,
a city's or a province's counties (a province ranks counties, not cities: that is where the
work is done and where the spread is). With no ``--division`` the report is for the single top
division of the warehouse (its one county, one city or one province); several tops is an error
that lists them."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from civstat.report.formatting import cn_date


@dataclass(frozen=True)
class Scope:
    """Whose figures: a division of any level (facts summed over its townships) or one
    township; ``units`` are the divisions it ranks and tabulates (:mod:`levels`)."""

    division_code: str
    division_name: str
    level: str  # province | city | county | township
    township_codes: tuple[str, ...]
    units: tuple[str, ...] = ()

    @property
    def is_aggregate(self) -> bool:
        """A sum over townships (county, city, province), not one township's own return."""
        return self.level != "township"

    @property
    def above_county(self) -> bool:
        return self.level in ("city", "province")


LEVELS = ("province", "city", "county", "township")  # top → bottom
# the column of dim_division naming a division's ancestor at that level
ANCESTOR = {"province": "province_code", "city": "city_code", "county": "county_code"}
UNIT_LEVEL = {"province": "county", "city": "county", "county": "township"}


def default_division(divs: pl.DataFrame) -> str:
    """The code of the smallest division that holds every county of the warehouse (current
    divisions of ``dim_division``): the one county, else the one city, else the one province —
    a city drop derives its province too, and the report is then the city's.
    :class:`LookupError` listing the choices when the top level already has several."""
    chosen = None
    for level in LEVELS[:-1]:  # province, city, county
        at = divs.filter(pl.col("division_level") == level).sort("division_code")
        if at.height == 1:
            chosen = at["division_code"][0]
        elif at.height > 1:
            if chosen is not None:
                return chosen
            listing = "、".join(
                f"{n} {c}" for c, n in at.select("division_code", "division_name").iter_rows()
            )
            raise LookupError(
                f"数仓中有{at.height}个{LEVEL_NAMES[level]},请用 --division 指定其一:{listing} / "
                f"the warehouse holds {at.height} {level} divisions at the top: choose one with "
                "--division (name or code)"
            )
    if chosen is None:
        raise LookupError("数仓中没有现行县级以上区划 / no current county or above in dim_division")
    return chosen


LEVEL_NAMES = {
    "province": "省级区划",
    "city": "地级区划",
    "county": "县级区划",
    "township": "乡级区划",
}


def under(divs: pl.DataFrame, code: str, level: str, below: str) -> tuple[str, ...]:
    """The current divisions of level ``below`` inside division ``code`` (of ``level``)."""
    if level == below:
        return (code,)
    col = ANCESTOR.get(level)
    if col is None or col not in divs.columns:
        return ()
    rows = divs.filter((pl.col("division_level") == below) & (pl.col(col) == code))
    return tuple(sorted(rows["division_code"].to_list()))


class LevelQueries:
    """The :class:`~civstat.report.data.MartReader` queries about divisions and levels."""

    def scope(self, division_code: str | None, year: int | None = None) -> Scope:
        """The report's division (any level; None: the single top one, :mod:`levels`), every
        current township under it and the divisions it compares (its ``units``). With ``year``,
        also the townships under it that were in force in that year or the one before and have
        ended since without a successor (撤销, not 撤并: their figures are nobody's today, and
        the county's totals of those years hold them, as ``kpi_annual`` does); a township
        merged into another is summed under its successor's code."""
        cols = ["division_code", "division_name", "division_level", "county_code"]
        cols += [c for c in ("city_code", "province_code") if self._has("dim_division", c)]
        divs = self._q(f"SELECT {', '.join(cols)} FROM dim_division WHERE is_current")
        code = division_code or default_division(divs)
        row = divs.filter(pl.col("division_code") == code)
        if row.is_empty():
            raise LookupError(f"未知或已撤并的区划代码 / unknown or merged division code {code}")
        r = row.row(0, named=True)
        level = r["division_level"]
        towns = under(divs, code, level, "township")
        units = under(divs, code, level, UNIT_LEVEL.get(level, "township"))
        if year is not None and level != "township" and all(
                self._has("dim_division", c) for c in ("current_division_code", "valid_from", "valid_to")):
            ended = self._q(
                f"SELECT {', '.join(cols)} FROM dim_division WHERE NOT is_current "
                "AND division_level = 'township' AND current_division_code = division_code "
                "AND (valid_from IS NULL OR valid_from <= make_date(?, 12, 31)) "
                "AND valid_to >= make_date(?, 1, 1)", [year, year - 1])
            gone = under(ended, code, level, "township")
            towns = tuple(sorted({*towns, *gone}))
            if UNIT_LEVEL.get(level) == "township":
                units = tuple(sorted({*units, *gone}))
        return Scope(code, r["division_name"], level, towns, units)

    def township_labels(self, codes: list[str]) -> dict[str, str]:
        """Townships named with their county (甲县乙镇): above the county names repeat."""
        df = self._q(
            "SELECT division_code, coalesce(county_name, ''), county_code FROM dim_division "
            "WHERE list_contains(?, division_code)",
            [codes],
        )
        names = self.division_names(codes + [c for c in df["county_code"] if c])  # then in force
        return {code: f"{names.get(county, county_name)}{names.get(code, '')}"
                for code, county_name, county in df.iter_rows()}


def county_notes(ctx, quarter_word: str) -> list[str | None]:
    """数据说明 of a city or province: the counties whose figures for the period lack a township
    (period_coverage at the scope's level: ``counties_incomplete``), each with the townships it
    lacks (period_coverage of that county: ``townships_missing``) — missing or blocked alike."""
    from civstat.report.phrases import sentence

    if not ctx.scope.above_county:
        return []
    r = ctx.r
    rows = r._q(
        "SELECT counties_expected, counties_complete, counties_incomplete FROM period_coverage "
        "WHERE year = ? AND quarter = ? AND division_code = ?",
        [ctx.year, ctx.quarter, ctx.scope.division_code],
    )
    counties = sorted(rows["counties_incomplete"].to_list()[0] or []) if rows.height else []
    if not counties:
        return [sentence("data_notes.counties_complete", ctx.ph, quarter=quarter_word)]
    lacking = r._q(
        "SELECT division_code, townships_missing FROM period_coverage "
        "WHERE year = ? AND quarter = ? AND list_contains(?, division_code)",
        [ctx.year, ctx.quarter, counties],
    )
    missing = {c: list(m or []) for c, m in lacking.iter_rows()}
    names = r.division_names(counties + [t for m in missing.values() for t in m])
    g = ctx.ph["data_notes"]
    items = [
        g["county_lacks"].format(
            county=names.get(c, c), townships="、".join(names.get(t, t) for t in missing.get(c, []))
        )
        if missing.get(c)
        else names.get(c, c)
        for c in counties
    ]
    return [
        sentence(
            "data_notes.counties_incomplete", ctx.ph, quarter=quarter_word, items="、".join(items)
        )
    ]


def moved_in(ctx) -> str:
    """The townships moved into the scope since the previous year-end (``division_moves``), as
    the 说明 of a growth the warehouse does not compute across the move (kpi_quarterly: a
    weighted standard's base holds them at their former county's standard):
    ``柳湾乡2025年1月1日起划入，不计算增长率``; empty when none."""
    r = ctx.r
    if not ctx.scope.is_aggregate or not r._has("division_moves"):
        return ""
    rows = r._q(
        "SELECT DISTINCT township_name, moved_on FROM division_moves "
        "WHERE to_code = ? AND moved_on > make_date(?, 12, 31) "
        "AND moved_on <= last_day(make_date(?, ? * 3, 1)) ORDER BY moved_on, township_name",
        [ctx.scope.division_code, ctx.year - 1, ctx.year, ctx.quarter],
    )
    if rows.is_empty():
        return ""
    days: dict = {}
    for name, day in rows.iter_rows():
        days.setdefault(day, []).append(name)
    return "；".join(ctx.ph["data_notes"]["moved_in"].format(
        townships="、".join(names), day=cn_date(day))
        for day, names in days.items())


def boundary_notes(ctx) -> list[str]:
    """数据说明 of a report whose figures a boundary change restates (``division_moves``): every
    figure is at current boundaries, so a township moved to another county (划归) or a county
    merged into another (并入) since the start of the year before the report's counts, for the
    years before, under the division it belongs to today — not the one it reported to then. Said
    for a scope the move touches: the division it left or joined, or one holding both."""
    from civstat.report.phrases import sentence

    r = ctx.r
    code = ctx.scope.division_code
    if not ctx.scope.is_aggregate or not r._has("division_moves"):
        return []
    rows = r._q(
        "SELECT m.township_code, m.township_name, m.division_level, m.move_kind, m.from_code, "
        "m.to_code, m.moved_on FROM division_moves AS m "
        "LEFT JOIN dim_division AS d ON d.division_code = m.current_division_code "
        "WHERE m.moved_on > make_date(?, 1, 1) AND (? IN (m.from_code, m.to_code) "
        "OR ? IN (d.county_code, d.city_code, d.province_code)) "
        "ORDER BY m.moved_on, m.from_code, m.to_code, m.township_code",
        [ctx.year - 1, code, code],
    )
    if rows.is_empty():
        return []
    # one move per township and day, said at the county level where it has one
    moves: dict[tuple, dict] = {}
    for m in rows.iter_rows(named=True):
        key = (m["township_code"], m["moved_on"])
        if key not in moves or m["division_level"] == "county":
            moves[key] = m
    g = ctx.ph["data_notes"]
    names = r.division_names([c for m in moves.values() for c in (m["from_code"], m["to_code"]) if c])
    said: dict[tuple, list[str]] = {}
    for m in moves.values():
        day = m["moved_on"]
        key = (m["move_kind"], m["from_code"], m["to_code"], day)
        said.setdefault(key, [])
        if m["township_name"] not in said[key]:
            said[key].append(m["township_name"])
    items = [
        g["boundary_move"][kind].format(
            townships="、".join(towns),
            day=cn_date(day),
            source=names.get(src, src),
            target=names.get(dst, dst) if dst else "",
        )
        for (kind, src, dst, day), towns in said.items()
    ]
    return [sentence("data_notes.boundary", ctx.ph, items="；".join(items))]
