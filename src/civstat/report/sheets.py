"""The XLSX companion of the summary: raw numbers, in the catalogue's order.

主要指标 (every KPI of the scope, this year and last, numerator, denominator, programme),
基础数据 (every measure of the catalogue: this year and last), 目标完成情况, 乡镇排名 (every KPI's
ranking of the townships; above the county 县（市、区）排名, of the counties), and one sheet per
programme (named by its return sheet: 最低生活保障 …) with the county's townships × its measures
and KPIs. A programme file added to the catalogue adds its
KPIs and measures here with no code."""

from __future__ import annotations

import polars as pl

from civstat.report import formatting as f
from civstat.report import levels
from civstat.report.comparisons import sheet_name
from civstat.report.context import Context, codes_of
from civstat.report.model import Sheet

# the column saying which townships a figure leaves out, as 数据说明 does (the text marks them "*")
NOTE = "说明（未包含全部乡镇的数）"


def _catalogue_order(ctx: Context) -> tuple[dict[str, int], dict[str, str]]:
    """Position of every KPI and measure code in the catalogue, and its programme's title."""
    pos: dict[str, int] = {}
    owner: dict[str, str] = {}
    for m in ctx.contract.cover_measures:
        pos.setdefault(m["code"], len(pos))
        owner[m["code"]] = "封面"
    for prog in ctx.contract.programmes:
        for d in (*prog.kpis, *prog.measures):
            pos.setdefault(d["code"], len(pos))
            owner[d["code"]] = prog.sheet.title
    return pos, owner


def _kind(ctx: Context, code: str) -> str:
    if ctx.is_rate(code):
        return "pct"
    return "money" if ctx.unit(code) == "元" else "decimal"


def _cell(value, kind: str):
    """A figure with its format: a count (7,147 persons) without a decimal place, an amount in
    元 to the 分 (a sum of 分 amounts in binary floats, 5007468.029999999, stored as 5007468.03)."""
    if kind == "decimal" and isinstance(value, float) and value.is_integer():
        kind = "int"
    if kind == "money" and isinstance(value, float):
        value = float(f.rounded(value, 2))
    return (value, kind)


def _terms(ctx: Context, code: str) -> tuple[str, str]:
    """The formats of a KPI's numerator and denominator: their measures' (元 to the 分, counts
    whole)."""
    kpi = ctx.catalogue_kpi(code)
    return tuple(_kind(ctx, m) if m else "decimal"
                 for m in (kpi.get("numerator"), kpi.get("denominator")))


def _short_kpi(ctx: Context, code: str, prev: bool) -> str:
    """Who a KPI of the scope leaves out (kpi_* ``complete`` false), as 数据说明 says it, with
    its year: ``2025年不含杨庄镇（2025年二季度数据未通过审核）``. A KPI against the year before's
    end (a growth rate) also lacks the townships missing from that base: those whose return at
    its own period's end is published are said as the base's, with the base's reason
    (``2024年末（比较基数）不含杏花乡（2024年四季度数据未通过审核）``), not as this year's."""
    row = ctx.kpi(code, prev)
    if not row or row.get("complete") is not False:
        return ""
    year = ctx.year - 1 if prev else ctx.year
    codes = codes_of(row["townships_missing"])
    base = []
    if ctx.against_base(code):  # stocks at the period's end: its return, or the base's
        status = ctx.r.return_status(year, codes)
        published = set(status.filter((pl.col("quarter") == ctx.quarter)
                                      & (pl.col("status") == "published"))["division_code"])
        base = [c for c in codes if c in published]
        codes = [c for c in codes if c not in published]
    parts = [f"{year}年{ctx.missing_text(codes, year, ctx.quarter)}" if codes else "",
             f"{year - 1}年末（比较基数）{ctx.missing_text(base, year - 1, 4)}" if base else ""]
    return "；".join(p for p in parts if p)


def _short_measure(ctx: Context, code: str, prev: bool) -> str:
    """Who a measure of the scope leaves out (fct_measures ``complete`` false): named this year,
    counted the year before."""
    row = ctx.mrow(code, prev)
    if not row or row.get("complete") is not False:
        return ""
    if not prev:
        year, quarter = ctx.year, ctx.quarter
        in_force = ctx.r.in_force(f"{year}Q{quarter}", ctx.codes) or set(ctx.codes)
        missing = sorted(in_force - ctx.measure_townships(code))
        if missing:
            return ctx.missing_text(missing, year, quarter)
    return f"计入{row['townships']}个乡镇（街道），应报{row['townships_expected']}个"


def _short_terms(ctx: Context, code: str) -> str:
    """Who a KPI's terms leave out when the KPI itself is counted whole (kpi_* ``complete``
    true): a rate over an optional sheet (两项补贴发放率 of 表8) that a township did not fill is
    over the others, as 基础数据 says of its numerator and denominator — without it, the
    2024 and 2023 columns would set a rate of three townships beside one of four unmarked."""
    kpi = ctx.catalogue_kpi(code)
    parts = []
    for prev in (False, True):
        if _short_kpi(ctx, code, prev):
            continue  # said already, as the KPI's own shortfall
        short = next((t for m in (kpi.get("numerator"), kpi.get("denominator"))
                      if m and (t := _short_measure(ctx, m, prev))), "")
        parts.append(_note(short, "", ctx.year - 1 if prev else ctx.year))
    return "；".join(p for p in parts if p)


def _moved_in(ctx: Context, row: dict) -> str:
    """Why a growth of a whole scope has no value though both its terms do: a township moved in
    since the base (kpi_quarterly does not compute a weighted standard's growth across it)."""
    if (row["value"] is not None or row["numerator"] is None or row["denominator"] is None
            or row.get("complete") is False or not ctx.against_base(row["kpi_code"])):
        return ""
    return levels.moved_in(ctx)


def _unit_note(ctx: Context, division: str, codes: list[str]) -> str:
    """The 说明 of a county's row in a city's programme sheet: the townships its sums lack this
    period, and a KPI's over the year's quarters where it lacks others (a quarter not sent)."""
    period = ctx.units_missing().get(division, [])
    parts = [ctx.missing_text(period, ctx.year, ctx.quarter)] if period else []
    for code in codes:
        missing = ctx.unit_missing(code, division) if ctx.is_kpi(code) else []
        if missing and set(missing) != set(period):
            parts.append(ctx.kname(code) + ctx.missing_text(missing, ctx.year, ctx.quarter))
    return "；".join(parts)


def _note(now: str, before: str, year: int) -> str:
    """The 说明 cell of a row: this year's and last year's shortfall (empty: both complete)."""
    parts = [f"{year}年{now}" if now else "", f"{year - 1}年{before}" if before else ""]
    return "；".join(p for p in parts if p)


def sheets(ctx: Context) -> list[Sheet]:
    pos, owner = _catalogue_order(ctx)

    def order(code: str):
        return (pos.get(code, len(pos)), code)

    kn = ctx.k_now.filter(pl.col("division_code") == ctx.scope.division_code)
    prev = {r["kpi_code"]: r["value"] for r in ctx.k_prev.iter_rows(named=True)}
    kpi_rows = []
    for r in sorted(kn.iter_rows(named=True), key=lambda r: order(r["kpi_code"])):
        rate = ctx.is_rate(r["kpi_code"])
        kind = "pct" if rate else "decimal"
        kpi_rows.append(
            [
                r["kpi_code"],
                r["kpi_name_zh"],
                (r["value"], kind),
                (prev.get(r["kpi_code"]), kind),
                *(_cell(v, k) for v, k in zip((r["numerator"], r["denominator"]),
                                              _terms(ctx, r["kpi_code"]))),
                "比率" if rate else r["unit"],
                owner.get(r["kpi_code"], ""),
                "；".join(t for t in (_short_kpi(ctx, r["kpi_code"], False),
                                      _short_kpi(ctx, r["kpi_code"], True),
                                      _short_terms(ctx, r["kpi_code"]),
                                      _moved_in(ctx, r)) if t),
            ]
        )
    years = [(f"{ctx.year}年", "decimal"), (f"{ctx.year - 1}年", "decimal")]
    out = [
        Sheet(
            "主要指标",
            [
                ("指标代码", "text"),
                ("指标", "text"),
                *years,
                ("分子", "decimal"),
                ("分母", "decimal"),
                ("单位", "text"),
                ("项目", "text"),
                (NOTE, "text"),
            ],
            kpi_rows,
        )
    ]
    measure_rows = []
    for m in ctx.contract.measures:
        code, kind = m["code"], _kind(ctx, m["code"])
        now, before = ctx.mval(code), ctx.mval(code, prev=True)
        if now is None and before is None:
            continue
        measure_rows.append(
            [
                owner.get(code, ""),
                code,
                m.get("name_zh") or code,
                _cell(now, kind),
                _cell(before, kind),
                m.get("unit") or "",
                _note(_short_measure(ctx, code, False), _short_measure(ctx, code, True), ctx.year),
            ]
        )
    out.append(
        Sheet(
            "基础数据",
            [("项目", "text"), ("指标代码", "text"), ("指标", "text"), *years, ("单位", "text"),
             (NOTE, "text")],
            measure_rows,
        )
    )
    pc = ctx.r.plan_completion(ctx.year, ctx.scope.division_code)
    out.append(
        Sheet(
            "目标完成情况",
            [
                ("指标代码", "text"),
                ("指标", "text"),
                ("比较", "text"),
                ("目标", "decimal"),
                ("实际", "decimal"),
                ("是否完成", "text"),
                ("差距", "decimal"),
                ("依据", "text"),
            ],
            [
                [
                    r["kpi_code"],
                    r["kpi_name_zh"],
                    r["comparison"],
                    (r["target"], "pct" if ctx.is_rate(r["kpi_code"]) else "decimal"),
                    (r["actual"], "pct" if ctx.is_rate(r["kpi_code"]) else "decimal"),
                    {True: "完成", False: "未完成"}.get(r["achieved"], "无数据"),
                    (r["gap"], "pct" if ctx.is_rate(r["kpi_code"]) else "decimal"),
                    r.get("source"),
                ]
                for r in pc.iter_rows(named=True)
            ],
        )
    )
    town = ctx.k_now.filter(pl.col("division_code").is_in(ctx.siblings))
    if town.height:
        rank_rows = []
        # a KPI whose divisions are all equal as printed is not ranked (no 1, 2, 3 of equals)
        for code in sorted(town["kpi_code"].unique().to_list(), key=order):
            if not ctx.ranking_varies(code):
                continue
            for place, name, value in ctx.places(code):
                rank_rows.append(
                    [
                        code,
                        ctx.kname(code),
                        place,
                        name,
                        (value, "pct" if ctx.is_rate(code) else "decimal"),
                    ]
                )
        out.append(
            Sheet(
                "县（市、区）排名" if ctx.scope.above_county else "乡镇排名",
                [
                    ("指标代码", "text"),
                    ("指标", "text"),
                    ("名次", "int"),
                    (ctx.unit_word, "text"),
                    ("数值", "decimal"),
                ],
                rank_rows,
            )
        )
    out += [s for s in (programme_sheet(ctx, prog) for prog in ctx.contract.programmes) if s]
    return out


def programme_sheet(ctx: Context, prog) -> Sheet | None:
    """表N …: the county's townships (or the township) × the programme's measures and KPIs."""
    codes = [m["code"] for m in prog.measures] + [k["code"] for k in prog.kpis]
    if all(ctx.value(c) is None for c in codes):
        return None
    names = ctx.r.township_names(ctx.scope)
    divisions = [(d, names.get(d, d)) for d in (ctx.siblings if ctx.scope.is_aggregate else ctx.codes)]
    if ctx.scope.is_aggregate:
        divisions.append((ctx.scope.division_code, ctx.scope.division_name))
    columns = [(ctx.unit_word, "text")]
    for c in codes:
        unit = ctx.column_unit(c)
        columns.append(
            (
                f"{ctx.kname(c)}（{'元' if ctx.unit(c) == '元' else unit}）"
                if unit
                else ctx.kname(c),
                _kind(ctx, c),
            )
        )
    # 说明: a township's return not published this year so far, the scope's sums short of one
    towns = [] if ctx.scope.above_county else [d for d, _ in divisions if d != ctx.scope.division_code]
    short = ctx.shortfalls(towns, ctx.year, ctx.quarter)
    if ctx.scope.above_county:  # a city's counties short of a township
        short.update({d: t for d, _ in divisions if (t := _unit_note(ctx, d, codes))})
    if ctx.period_missing:
        short[ctx.scope.division_code] = ctx.missing_text(ctx.period_missing, ctx.year, ctx.quarter)
    for d, text in _unfilled(ctx, prog, towns).items():
        short[d] = "；".join(t for t in (short.get(d), text) if t)
    rows = [
        [
            name,
            *(
                _cell(ctx.value(c, division=d) if d != ctx.scope.division_code else ctx.value(c),
                      _kind(ctx, c))
                for c in codes
            ),
            short.get(d, ""),
        ]
        for d, name in divisions
    ]
    return Sheet(prog.sheet.title, [*columns, (NOTE, "text")], rows)


def _unfilled(ctx: Context, prog, towns: list[str]) -> dict[str, str]:
    """The 说明 of an optional sheet's programme sheet when townships that sent the quarter's
    return left the sheet out (数据说明's 选报表 note): their empty rows say so, and the scope's
    row names them — its sums are the others' (a county's report; a city's counties are
    noted by :func:`_unit_note`)."""
    rep = ctx.reporting.get(prog.code)
    if prog.sheet.required or rep is None or not rep.now:
        return {}
    # (a return held back is said as such, not as one without the sheet)
    lacking = sorted((ctx.returned() & set(towns)) - set(rep.now) - set(ctx.period_missing))
    if not lacking:
        return {}
    sheet = sheet_name(prog)
    names = ctx.r.division_names(lacking)
    words = ctx.ph["data_notes"]["sheet_left_out"]
    out = {d: words["township"].format(sheet=sheet) for d in lacking}
    out[ctx.scope.division_code] = words["scope"].format(
        names="、".join(names.get(d, d) for d in lacking), sheet=sheet)
    return out
