"""``kind: welfare`` — 其他社会福利 (表8, optional): high-age allowance and the two disability
subsidies with their uptake rate; the common ``programme_none`` sentence when no township of the
scope reported the sheet. Sentence: ``summary``."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def render(ctx: Context, prog: Programme) -> list[Block]:
    wf = ctx.r.welfare(ctx.year, ctx.quarter, ctx.codes)
    if wf["n"]:
        paras = clean(
            [
                ctx.say(
                    prog,
                    "summary",
                    span=ctx.span,
                    high_age_persons=f.fmt_int(wf["high_age_persons"]),
                    high_age_funds=ctx.money.total(wf["high_age_funds"]),
                    disability_funds=ctx.money.total(wf["disability_funds"]),
                    uptake=ctx.kfmt("disability_subsidy_uptake_rate"),
                )
            ]
        )
    else:
        paras = clean([ctx.none_sentence(prog)])
    return [Block(ctx.heading(prog), anchor(prog), paras, notes=ctx.take_notes())]
