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
                span=ctx.span + ctx.fact_mark(),  # its sums lack a township short this period
                insured_persons=ctx.case_fig(prog, cases, "med_insured_persons", "资助参保人数"),
                insured_funds=ctx.line_fig(prog, "med_assist_insurance", "资助参保资金"),
                direct_times=ctx.case_fig(prog, cases, "med_direct_times", "直接医疗救助人次"),
                direct_funds=ctx.line_fig(prog, "med_assist_direct", "直接医疗救助资金"),
                per_case=ctx.marked(f.fmt_yuan_level(ctx.kval(per_case)), per_case),
            )
        ]
    )
    return [Block(ctx.heading(prog), anchor(prog), paras, notes=ctx.take_notes())]
