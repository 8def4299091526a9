"""``kind: dibao`` — 城乡最低生活保障: totals, each category (urban, rural) with its standard in
the unit its townships used, per-capita benefit and coverage, a table, the quarterly trend and
the ranking of the programme's ``summary.ranking`` KPI.

Sentences (``summary.sentences``): ``summary``, ``category``, ``standard``, ``per_capita``;
table ``main`` (9 columns); chart ``trend``. Category labels are the sheet's (城市低保, 农村低保)."""

from __future__ import annotations

import polars as pl

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def render(ctx: Context, prog: Programme) -> list[Block]:
    code = prog.code
    rec = ctx.r.recipients(ctx.year, ctx.quarter, ctx.codes)
    stds = ctx.r.standards(ctx.year, ctx.quarter, ctx.scope.division_code)
    dibao = rec.filter(pl.col("programme") == code)
    name = prog.sheet.title

    def rec_fig(text, what: str, column: str, **where):
        """A sum of fct_recipients over the scope's townships, traced."""
        return ctx.tracer.fact(
            text, what, "fct_recipients", column, prog.sheet.table, programme_code=code, **where
        )

    def fund_fig(text, label: str, **where):
        return ctx.tracer.fact(
            text,
            f"{label}累计支出",
            "fct_funds",
            "funds_ytd",
            prog.sheet.table,
            programme_code=code,
            **where,
        )

    paras = [
        ctx.say(
            prog,
            "summary",
            period_end=ctx.period_end,
            scope=ctx.scope_word + ctx.fact_mark(),
            households=rec_fig(
                f.fmt_int(dibao["households"].sum()), f"{name}期末户数", "households"
            ),
            persons=rec_fig(f.fmt_int(dibao["persons"].sum()), f"{name}期末人数", "persons"),
            span=ctx.span,
            funds=fund_fig(ctx.money.total(ctx.fund(code)), name),
        )
    ]
    rows = []
    units = (
        {r["standard_unit"] for r in stds.iter_rows(named=True)} if not stds.is_empty() else set()
    )
    one_unit = next(iter(units)) if len(units) == 1 else None
    words = ctx.ph["words"]
    for cat in prog.sheet.categories:
        label = cat.label
        c = dibao.filter(pl.col("category") == cat.code)
        if c.is_empty():
            continue
        c = c.row(0, named=True)

        def cat_fig(row, key: str, what: str):
            column = key if key in ("households", "persons") else f"{key}_ytd"
            return rec_fig(f.fmt_int(row[key]), f"{label}{what}", column, category=cat.code)  # noqa: B023

        std_now = standard_row(stds, cat.code, ctx.year)
        std_text = standard_text(std_now)
        per_capita = f"{code}_monthly_per_capita_{cat.code}"
        standard_code = f"{code}_standard_{cat.code}"
        std_before = standard_row(stds, cat.code, ctx.year - 1)
        raised = standard_change(
            std_now, std_before if std_before and ctx.comparable(standard_code) else None, words
        )
        coverage = f"{code}_coverage_rate_{cat.code}"
        paras += [
            ctx.say(
                prog,
                "category",
                label=label,
                period_end=ctx.period_end,
                households=cat_fig(c, "households", "期末户数"),
                persons=cat_fig(c, "persons", "期末人数"),
                span=ctx.span,
                new_households=cat_fig(c, "new_households", "新增户数"),
                new_persons=cat_fig(c, "new_persons", "新增人数"),
                exited_households=cat_fig(c, "exited_households", "退出户数"),
                exited_persons=cat_fig(c, "exited_persons", "退出人数"),
                funds=fund_fig(ctx.money.total(ctx.fund(code, cat.code)), label, category=cat.code),
            ),
            ctx.say(
                prog,
                "standard",
                label=label,
                standard=None if raised else ctx.tracer.figure(std_text, standard_code),
                standard_raised=ctx.tracer.figure(raised, standard_code),
                standard_growth=ctx.tracer.figure(
                    f.growth_rate(ctx.kval(f"{code}_standard_growth_{cat.code}"), words["change"]),
                    f"{code}_standard_growth_{cat.code}",
                )
                if raised
                else None,
            ),
            ctx.say(
                prog,
                "per_capita",
                label=label,
                per_capita=ctx.marked(f.fmt_yuan_level(ctx.kval(per_capita)), per_capita),
                coverage=ctx.marked(f.fmt_pct(ctx.kval(coverage)), coverage),
                coverage_change=ctx.pp(coverage),
            ),
        ]
        rows.append(
            [
                label,
                cat_fig(c, "households", "期末户数"),
                cat_fig(c, "persons", "期末人数"),
                cat_fig(c, "new_persons", "新增人数"),
                cat_fig(c, "exited_persons", "退出人数"),
                fund_fig(ctx.money_cell(ctx.fund(code, cat.code)), label, category=cat.code),
                ctx.tracer.figure(standard_cell(std_now, one_unit), standard_code),
                ctx.marked(f.level_number(ctx.kval(per_capita)), per_capita),
                ctx.marked(ctx.fmt(coverage, ctx.kval(coverage), unit=False), coverage),
            ]
        )
    if rows:  # 合计: the sums of the categories (levels and rates have no total)
        rows.append(
            [
                ctx.ph["tables"]["total"],
                rec_fig(f.fmt_int(dibao["households"].sum()), f"{name}期末户数", "households"),
                rec_fig(f.fmt_int(dibao["persons"].sum()), f"{name}期末人数", "persons"),
                rec_fig(
                    f.fmt_int(dibao["new_persons"].sum()), f"{name}新增人数", "new_persons_ytd"
                ),
                rec_fig(
                    f.fmt_int(dibao["exited_persons"].sum()),
                    f"{name}退出人数",
                    "exited_persons_ytd",
                ),
                fund_fig(ctx.money_cell(ctx.fund(code)), name),
                None,
                None,
                None,
            ]
        )
    table = ctx.table(
        prog,
        "main",
        rows,
        numeric=[False] + [True] * 8,
        standard_unit=f"（{one_unit}）" if one_unit else "",
    )
    table.caption += ctx.fact_mark()
    charts = [trend(ctx, prog)]
    for kpi in ctx.ranked_kpis(prog):
        charts.append(ctx.ranking_chart(kpi))
        paras.append(ctx.ranking_sentence(kpi))  # (a city's townships, its counties unranked)
    return [
        Block(
            ctx.heading(prog),
            anchor(prog),
            clean(paras),
            [table],
            [c for c in charts if c],
            notes=ctx.take_notes(),
        )
    ]


def standard_row(std: pl.DataFrame, cat: str, year: int) -> dict | None:
    if std.is_empty():
        return None
    rows = std.filter((pl.col("category") == cat) & (pl.col("year") == year))
    return rows.row(0, named=True) if rows.height else None


def standard_text(r: dict | None) -> str | None:
    """The standard in the unit its townships used, as the seeds write it: '月人均860元',
    '年人均3,300元', or the range across townships ('年人均3,300—3,600元'); mixed units are
    stated monthly."""
    if r is None:
        return None
    unit = r["standard_unit"]
    lo, hi = r["standard_min"], r["standard_max"]
    if lo is None or hi is None or f.fmt_reported(lo) == f.fmt_reported(hi):
        return f.fmt_level(r["standard"], unit)
    return _range(lo, hi, unit)


def _range(lo, hi, unit: str) -> str:
    pattern = f.LEVEL_WORDS.get(unit)
    n = f"{f.fmt_reported(lo)}—{f.fmt_reported(hi)}"
    return pattern.format(n=n) if pattern else f"{n}{unit}"


def standard_cell(r: dict | None, unit: str | None) -> str | None:
    """A table cell under 保障标准（元/人·月）: the number (or range); the unit only when the
    categories' units differ (then the header names none)."""
    if r is None:
        return None
    lo, hi = r["standard_min"], r["standard_max"]
    if lo is None or hi is None or f.fmt_reported(lo) == f.fmt_reported(hi):
        n = f.fmt_reported(r["standard"])
    else:
        n = f"{f.fmt_reported(lo)}—{f.fmt_reported(hi)}"
    return n if unit else f"{n}{r['standard_unit']}"


def standard_change(now: dict | None, before: dict | None, words: dict) -> str | None:
    """'由月人均820元提高到月人均860元' when both year-ends are single figures in one unit and
    the standard rose."""
    if now is None or before is None or now["standard_unit"] != before["standard_unit"]:
        return None
    a, b = standard_text(before), standard_text(now)
    if a is None or b is None or "—" in a or "—" in b or a == b:
        return None
    if now["standard"] > before["standard"]:
        return words["raised"].format(before=a, after=b)
    return None


def trend(ctx: Context, prog: Programme) -> ch.Chart | None:
    """Persons per category and quarter over this year and the last (a short point marked)."""
    df = ctx.r.recipients_series([ctx.year - 1, ctx.year], ctx.codes).filter(
        pl.col("programme") == prog.code
    )
    if df.is_empty():
        return None
    df = df.with_columns(period=pl.format("{}Q{}", pl.col("year"), pl.col("quarter")))
    upto = f"{ctx.year}Q{ctx.quarter}"  # a brief's trend stops at its quarter
    periods = sorted(p for p in df["period"].unique().to_list() if p <= upto)
    if not periods:
        return None
    series = {}
    for cat in prog.sheet.categories:
        d = dict(df.filter(pl.col("category") == cat.code).select("period", "persons").iter_rows())
        series[cat.label] = [d.get(p) for p in periods]
    labels = [ctx.period_label(p) for p in periods]
    spec = ctx.chart_spec(prog, "trend")
    return ch.trend_chart(
        f"{prog.code}-trend", spec.get("title") or prog.sheet.title, labels, series, "人"
    )
