"""``kind: tekun`` — 特困人员救助供养: persons supported, centralised and dispersed, funds (and their
split where the returns state 集中供养资金), the year's new persons and those newly in centralised
care, the standards per category, the centralised rate (overall and rural) and their change, the
ranking of ``summary.ranking`` and the composition chart.

Sentences: ``summary``, ``new``, ``standard`` (per category: ``{label}``), ``rate``; chart
``composition`` (title, labels of the two parts). A figure from a column old returns lack is left
out (its clause dropped) or, when only some townships state it, marked and footnoted."""

from __future__ import annotations

import polars as pl

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block

RATE, RATE_RURAL, NEW_CENTRALIZED = (
    "tekun_centralized_rate",
    "tekun_centralized_rate_rural",
    "tekun_new_centralized",
)


def _count(ctx: Context, code: str, whole: str, kpi: str | None = None) -> str | None:
    """A count measure (or the KPI stating it) with its unit, marked when it lacks a township."""
    value = ctx.kval(kpi) if kpi else ctx.mval(code)
    text = f.fmt_int(value, ctx.unit(code))
    if text is None:
        return None
    text = ctx.tracer.figure(text, kpi or code)
    return text + (ctx.kmark(kpi) if kpi else "") + ctx.measure_mark(code, whole)


def _money(ctx: Context, code: str, whole: str) -> str | None:
    text = ctx.mfig(code, ctx.money.total(ctx.mval(code)))
    return None if text is None else text + ctx.measure_mark(code, whole)


def render(ctx: Context, prog: Programme) -> list[Block]:
    rec = ctx.r.recipients(ctx.year, ctx.quarter, ctx.codes)
    tk = rec.filter(pl.col("programme") == prog.code)
    centralized, dispersed = tk["centralized"].sum(), tk["dispersed"].sum()
    ranked = ctx.ranked_kpis(prog)
    funds = "tekun_funds_ytd"

    def fig(text, column: str, label: str):
        return ctx.sum_fig(text, prog, "fct_recipients", column, label, programme_code=prog.code)

    paras = [
        ctx.say(
            prog,
            "summary",
            persons=fig(f.fmt_int(tk["persons"].sum()), "persons", "特困供养人员")
            + ctx.fact_mark(),  # its sums lack a township short this period
            centralized=fig(f.fmt_int(centralized), "centralized_persons", "集中供养"),
            dispersed=fig(f.fmt_int(dispersed), "dispersed_persons", "分散供养"),
            span=ctx.span,
            funds=ctx.fund_fig(
                ctx.money.total(ctx.fund(prog.code)), prog, prog.code, "特困供养资金"
            ),
            centralized_funds=_money(ctx, "tekun_centralized_funds_ytd", funds),
            dispersed_funds=_money(ctx, "tekun_dispersed_funds_ytd", funds),
        ),
        ctx.say(
            prog,
            "new",
            span=ctx.span,
            new_persons=ctx.mfig(
                "tekun_new_persons_ytd", f.fmt_int(ctx.mval("tekun_new_persons_ytd"))
            ),
            new_centralized=_count(
                ctx, "tekun_new_centralized_ytd", "tekun_new_persons_ytd", NEW_CENTRALIZED
            ),
        ),
    ]
    for cat in prog.sheet.categories:
        paras.append(
            ctx.say(
                prog,
                "standard",
                label=cat.label,
                std_centralized=ctx.level_text(f"tekun_std_centralized_{cat.code}"),
                std_dispersed=ctx.level_text(f"tekun_std_dispersed_{cat.code}"),
            )
        )
    paras += [
        ctx.say(
            prog,
            "rate",
            rate=ctx.kfmt(RATE),
            rate_change=ctx.pp(RATE),
            rate_rural=ctx.kfmt(RATE_RURAL),
            rate_rural_change=ctx.pp(RATE_RURAL),
        ),
        *(ctx.ranking_sentence(k) for k in ranked),
    ]
    spec = ctx.chart_spec(prog, "composition")
    charts = [
        ch.composition_chart(
            f"{prog.code}-composition",
            spec.get("title") or prog.sheet.title,
            list(spec.get("labels") or ("集中", "分散")),
            [centralized, dispersed],
            "人",
        )
    ]
    charts += [c for c in (ctx.ranking_chart(k) for k in ranked) if c]
    return [
        Block(ctx.heading(prog), anchor(prog), clean(paras), [], charts, notes=ctx.take_notes())
    ]
