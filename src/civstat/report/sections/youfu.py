"""``kind: youfu`` — 优抚安置: entitled groups (pensions, conscripts' families) and veterans
(received, placed, self-employed, trained, pending; placement and training rates).

Blocks ``entitled`` and ``veterans`` (headings ``summary.heading.entitled`` / ``.veterans``);
sentences ``entitled``, ``veterans``; chart ``composition`` (title, labels of placed and
self-employed). The placement rate is left out when it is 100 % by construction."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def placement_rate(ctx: Context, v: dict) -> str | None:
    """退役士兵安置率, unless it is 100 % by construction: without 待安置 the rate is
    安排工作 ÷ (接收 − 自主就业), which is 100 % whenever the return balances."""
    value = ctx.kval("veteran_placement_rate")
    if value is None or (not v.get("n_pending") and round(value, 3) >= 1.0):
        return None
    return ctx.kfmt("veteran_placement_rate")


def render(ctx: Context, prog: Programme) -> list[Block]:
    v = ctx.r.veterans(ctx.year, ctx.quarter, ctx.codes)
    entitled = clean(
        [
            ctx.say(
                prog,
                "entitled",
                scope=ctx.scope_word,
                span=ctx.span,
                entitled=f.fmt_int(v["entitled_persons"]),
                pension_funds=ctx.money.total(v["pension_funds"]),
                conscript_families=f.fmt_int(v["conscript_families"]),
                conscript_funds=ctx.money.total(v["conscript_funds"]),
            )
        ]
    )
    rate = placement_rate(ctx, v)
    veterans = clean(
        [
            ctx.say(
                prog,
                "veterans",
                span=ctx.span,
                received=f.fmt_int(v["received"]),
                placed=f.fmt_int(v["placed"]),
                self_employed=f.fmt_int(v["self_employed"]),
                trained=f.fmt_int(v["trained"]),
                pending=f.fmt_int(v.get("pending")) if v.get("n_pending") else None,
                placement_rate=rate,
                training_rate=ctx.kfmt("veteran_training_rate"),
                grants=ctx.money.total(v["grants"]),
            ),
            *(
                ctx.ranking_sentence(k)
                for k in ctx.ranked_kpis(prog)
                if rate is not None or ctx.scope.is_county
            ),
        ]
    )
    charts = []
    if v["received"]:
        spec = ctx.chart_spec(prog, "composition")
        charts.append(
            ch.composition_chart(
                "veterans-composition",
                spec.get("title") or prog.sheet.title,
                list(spec.get("labels") or ("安排工作", "自主就业")),
                [v["placed"], v["self_employed"]],
                "人",
            )
        )
    return [
        Block(ctx.heading(prog, "entitled"), anchor(prog, "entitled"), entitled),
        Block(
            ctx.heading(prog, "veterans"),
            anchor(prog, "veterans"),
            veterans,
            [],
            charts,
            notes=ctx.take_notes(),
        ),
    ]
