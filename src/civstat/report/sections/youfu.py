"""``kind: youfu`` — 优抚安置: entitled groups (pensions, conscripts' families) and veterans
(received, placed, self-employed, trained, pending; placement and training rates).

Blocks ``entitled`` and ``veterans`` (headings ``summary.heading.entitled`` / ``.veterans``);
sentences ``entitled``, ``veterans``; chart ``composition`` (title, labels of placed and
self-employed). The placement rate is left out when it is 100 % by construction; when no
return gives it at all, a note under the block says why it is not stated."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def placement_rate(ctx: Context, v: dict) -> str | None:
    """退役士兵安置率, unless it is 100 % by construction: without 待安置 the rate is
    安排工作 ÷ (接收 − 自主就业), which is 100 % whenever the return balances. Such returns are
    in neither its numerator nor its denominator (measure ``veterans_to_place_ytd``); when
    other townships' returns give the rate, it is marked as leaving them out."""
    value = ctx.kval("veteran_placement_rate")
    if value is None or (not v.get("n_pending") and round(value, 3) >= 1.0):
        return None
    text = ctx.kfmt("veteran_placement_rate")
    mark = ctx.part_mark(
        "退役士兵安置率", ctx.measure_townships("veterans_to_place_ytd"),
        ctx.measure_townships("veterans_received_ytd"),
        "未填报待安置，且接收人数恰为安排工作与自主就业之和，无从计算安置率，不计入")
    return text if text.endswith(mark) else text + mark  # one marker, however many notes


def render(ctx: Context, prog: Programme) -> list[Block]:
    v = ctx.r.veterans(ctx.year, ctx.quarter, ctx.codes)

    def fig(text, column: str, label: str):
        return ctx.sum_fig(text, prog, "fct_veteran_placement", column, label)

    entitled = clean(
        [
            ctx.say(
                prog,
                "entitled",
                scope=ctx.scope_word + ctx.fact_mark(),  # sums short of a township: marked
                span=ctx.span,
                entitled=fig(f.fmt_int(v["entitled_persons"]), "entitled_persons", "重点优抚对象"),
                pension_funds=fig(
                    ctx.money.total(v["pension_funds"]), "pension_funds_ytd", "抚恤补助资金"
                ),
                conscript_families=fig(
                    f.fmt_int(v["conscript_families"]), "conscript_families", "义务兵家庭"
                ),
                conscript_funds=fig(
                    ctx.money.total(v["conscript_funds"]),
                    "conscript_family_funds_ytd",
                    "义务兵家庭优待金",
                ),
            )
        ]
    )
    rate = placement_rate(ctx, v)
    veterans = clean(
        [
            ctx.say(
                prog,
                "veterans",
                span=ctx.span + ctx.fact_mark(),
                received=fig(f.fmt_int(v["received"]), "veterans_received_ytd", "接收退役士兵"),
                placed=fig(f.fmt_int(v["placed"]), "veterans_placed_ytd", "安排工作"),
                self_employed=fig(
                    f.fmt_int(v["self_employed"]), "veterans_self_employed_ytd", "自主就业"
                ),
                trained=fig(f.fmt_int(v["trained"]), "veterans_trained_ytd", "参加教育培训"),
                pending=fig(f.fmt_int(v.get("pending")), "veterans_pending", "期末待安置")
                + ctx.measure_mark("veterans_pending", "veterans_received_ytd")
                if v.get("n_pending")
                else None,
                placement_rate=rate,
                training_rate=ctx.kfmt("veteran_training_rate"),
                grants=fig(
                    ctx.money.total(v["grants"]), "veteran_grants_ytd", "一次性经济补助和慰问金"
                ),
            ),
            *(
                ctx.ranking_sentence(k)
                for k in ctx.ranked_kpis(prog)
                if rate is not None or ctx.scope.is_aggregate
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
    notes = ctx.take_notes()
    if rate is None and v["received"] and ctx.kval("veteran_placement_rate") is None:
        words = ctx.ph["data_notes"]["placement_unstated"]
        notes.append(words["aggregate" if ctx.scope.is_aggregate else "township"])
    return [
        Block(ctx.heading(prog, "entitled"), anchor(prog, "entitled"), entitled),
        Block(
            ctx.heading(prog, "veterans"),
            anchor(prog, "veterans"),
            veterans,
            [],
            charts,
            notes=notes,
        ),
    ]
