"""``kind: tekun`` — 特困人员救助供养: persons supported, centralised and dispersed, funds, the
centralised rate and its change, the ranking of ``summary.ranking`` and the composition chart.

Sentences: ``summary``, ``rate``; chart ``composition`` (title, labels of the two parts)."""

from __future__ import annotations

import polars as pl

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def render(ctx: Context, prog: Programme) -> list[Block]:
    rec = ctx.r.recipients(ctx.year, ctx.quarter, ctx.codes)
    tk = rec.filter(pl.col("programme") == prog.code)
    centralized, dispersed = tk["centralized"].sum(), tk["dispersed"].sum()
    rate = "tekun_centralized_rate"
    ranked = ctx.ranked_kpis(prog)
    paras = clean(
        [
            ctx.say(
                prog,
                "summary",
                persons=f.fmt_int(tk["persons"].sum()),
                centralized=f.fmt_int(centralized),
                dispersed=f.fmt_int(dispersed),
                span=ctx.span,
                funds=ctx.money.total(ctx.fund(prog.code)),
            ),
            ctx.say(prog, "rate", rate=ctx.kfmt(rate), rate_change=ctx.pp(rate)),
            *(ctx.ranking_sentence(k) for k in ranked),
        ]
    )
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
    return [Block(ctx.heading(prog), anchor(prog), paras, [], charts, notes=ctx.take_notes())]
