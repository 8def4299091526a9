"""``kind: welfare`` — 其他社会福利 (表8, optional): high-age allowance; the two disability subsidies
(persons receiving each, the funds and their two parts, the uptake rate); orphans (in institutional
and family care, the allowance paid and its two standards); 精减退职人员 and their allowance.

Sentences: ``summary``, ``disability``, ``orphans``, ``retired``. The builder leaves the section
out when no township of the scope reported the sheet (数据说明 says so). A figure from a column old
returns lack drops its clause; one only some townships state is marked and footnoted."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block

WHOLE = "disability_eligible"  # a required column: the townships that reported 表8


def _money(ctx: Context, code: str, whole: str = WHOLE) -> str | None:
    text = ctx.money.total(ctx.mval(code))
    return None if text is None else text + ctx.measure_mark(code, whole)


def _count(ctx: Context, code: str, whole: str = WHOLE) -> str | None:
    """A count with its unit (9人), marked when some townships leave its column out."""
    text = f.fmt_int(ctx.mval(code), ctx.unit(code))
    return None if text is None else text + ctx.measure_mark(code, whole)


def render(ctx: Context, prog: Programme) -> list[Block]:
    wf = ctx.r.welfare(ctx.year, ctx.quarter, ctx.codes)
    if not wf["n"]:  # reported, but no return of it published
        ctx.unpublished.append(prog)
        return []
    scope = ctx.scope_word + ctx.fact_mark()
    paras = [
        ctx.say(
            prog,
            "summary",
            span=ctx.span,
            high_age_persons=f.fmt_int(wf["high_age_persons"]),
            high_age_funds=ctx.money.total(wf["high_age_funds"]),
        ),
        ctx.say(
            prog,
            "disability",
            period_end=ctx.period_end,
            span=ctx.span,
            hardship_receiving=f.fmt_int(wf["hardship_receiving"]),
            severe_receiving=f.fmt_int(wf["severe_receiving"]),
            disability_funds=ctx.money.total(wf["disability_funds"]),
            hardship_funds=_money(ctx, "disability_hardship_funds_ytd", "disability_funds_ytd"),
            severe_funds=_money(ctx, "disability_care_funds_ytd", "disability_funds_ytd"),
            uptake=ctx.kfmt("disability_subsidy_uptake_rate"),
        ),
        ctx.say(
            prog,
            "orphans",
            scope=scope,
            span=ctx.span,
            orphans=f.fmt_int(ctx.mval("orphans")),
            orphans_centralized=f.fmt_int(ctx.mval("orphans_centralized")),
            orphans_dispersed=f.fmt_int(ctx.mval("orphans_dispersed")),
            orphan_funds=ctx.money.total(ctx.mval("orphan_funds_ytd")),
            orphan_std_centralized=ctx.level_text("orphan_std_centralized"),
            orphan_std_dispersed=ctx.level_text("orphan_std_dispersed"),
        ),
        ctx.say(
            prog,
            "retired",
            scope=scope,
            span=ctx.span,
            retired_workers=_count(ctx, "retired_workers"),
            retired_funds=_money(ctx, "retired_workers_funds_ytd"),
        ),
    ]
    return [Block(ctx.heading(prog), anchor(prog), clean(paras), notes=ctx.take_notes())]
