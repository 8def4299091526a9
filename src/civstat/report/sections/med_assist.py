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
                insured_persons=f.fmt_int(cases["med_insured_persons"]),
                insured_funds=ctx.money.total(ctx.fund("med_assist_insurance")),
                direct_times=f.fmt_int(cases["med_direct_times"]),
                direct_funds=ctx.money.total(ctx.fund("med_assist_direct")),
                per_case=ctx.marked(f.fmt_yuan_level(ctx.kval(per_case)), per_case),
            )
        ]
    )
    return [Block(ctx.heading(prog), anchor(prog), paras, notes=ctx.take_notes())]
