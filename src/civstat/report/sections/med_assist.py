"""``kind: med_assist`` — 医疗救助: insurance premiums paid for, direct assistance (times, funds)
and the level per case. Sentence: ``summary``."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def render(ctx: Context, prog: Programme) -> list[Block]:
    cases = ctx.r.cases(ctx.year, ctx.quarter, ctx.codes)
    per_case = "med_assist_per_case"
    paras = clean(
        [
            ctx.say(
                prog,
                "summary",
                span=ctx.span,
                insured_persons=ctx.sum_fig(
                    f.fmt_int(cases["med_insured_persons"]),
                    prog,
                    "fct_assistance_cases",
                    "med_insured_persons_ytd",
                    "资助参保人数",
                ),
                insured_funds=ctx.fund_fig(
                    ctx.money.total(ctx.fund("med_assist_insurance")),
                    prog,
                    "med_assist_insurance",
                    "资助参保资金",
                ),
                direct_times=ctx.sum_fig(
                    f.fmt_int(cases["med_direct_times"]),
                    prog,
                    "fct_assistance_cases",
                    "med_direct_times_ytd",
                    "直接医疗救助人次",
                ),
                direct_funds=ctx.fund_fig(
                    ctx.money.total(ctx.fund("med_assist_direct")),
                    prog,
                    "med_assist_direct",
                    "直接医疗救助资金",
                ),
                per_case=ctx.marked(f.fmt_yuan_level(ctx.kval(per_case)), per_case),
            )
        ]
    )
    return [Block(ctx.heading(prog), anchor(prog), paras, notes=ctx.take_notes())]
