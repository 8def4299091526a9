"""``kind: temp_assist`` — 临时救助: household- and person-times, funds, the part given in kind
(实物救助折款: an optional column, marked when only some townships state it) and the level per
case (the counts are the KPIs' numerators and denominators). Sentence: ``summary``."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block


def render(ctx: Context, prog: Programme) -> list[Block]:
    cases = ctx.r.cases(ctx.year, ctx.quarter, ctx.codes)
    per_case = "temp_assist_per_case"
    # the spending line that is part of 临时救助 (其中:实物折款, `programmes:` of its file)
    in_kind_line = next(
        (s["code"] for s in prog.spending_lines if s.get("part_of") == prog.code), None
    )
    in_kind = ctx.line_fig(prog, in_kind_line, "实物救助折款") if in_kind_line else None
    paras = clean(
        [
            ctx.say(
                prog,
                "summary",
                span=ctx.span + ctx.fact_mark(),  # its sums lack a township short this period
                household_times=ctx.case_fig(prog, cases, "temp_household_times", "临时救助户次"),
                person_times=ctx.case_fig(prog, cases, "temp_person_times", "临时救助人次"),
                funds=ctx.line_fig(prog, prog.code, "临时救助资金"),
                in_kind=None
                if in_kind is None
                else in_kind + ctx.fund_mark("实物救助折款", in_kind_line, prog.code),
                per_case=ctx.marked(f.fmt_yuan_level(ctx.kval(per_case)), per_case),
            )
        ]
    )
    return [Block(ctx.heading(prog), anchor(prog), paras, notes=ctx.take_notes())]
