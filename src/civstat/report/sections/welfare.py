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
    text = ctx.mfig(code, ctx.money.total(ctx.mval(code)))
    return None if text is None else text + ctx.measure_mark(code, whole)


def _count(ctx: Context, code: str, whole: str = WHOLE) -> str | None:
    """A count with its unit (9人), marked when some townships leave its column out."""
    text = ctx.mfig(code, f.fmt_int(ctx.mval(code), ctx.unit(code)))
    return None if text is None else text + ctx.measure_mark(code, whole)


def _plain(ctx: Context, code: str, fmt) -> str | None:
    """A measure every township of the sheet states, traced."""
    return ctx.mfig(code, fmt(ctx.mval(code)))


def render(ctx: Context, prog: Programme) -> list[Block]:
    wf = ctx.r.welfare(ctx.year, ctx.quarter, ctx.codes)
    if not wf["n"]:  # reported, but no return of it published
        ctx.unpublished.append(prog)
        return []
    scope = ctx.scope_word + ctx.fact_mark()

    def fig(text, column: str, label: str):
        return ctx.sum_fig(text, prog, "fct_welfare_subsidies", column, label)

    paras = [
        ctx.say(
            prog,
            "summary",
            span=ctx.span,
            high_age_persons=fig(f.fmt_int(wf["high_age_persons"]), "high_age_persons", "高龄老人"),
            high_age_funds=fig(
                ctx.money.total(wf["high_age_funds"]), "high_age_funds_ytd", "高龄津贴"
            ),
        ),
        ctx.say(
            prog,
            "disability",
            period_end=ctx.period_end,
            span=ctx.span,
            hardship_receiving=fig(
                f.fmt_int(wf["hardship_receiving"]),
                "hardship_disabled_receiving",
                "困难残疾人生活补贴实际领取人数",
            ),
            severe_receiving=fig(
                f.fmt_int(wf["severe_receiving"]),
                "severe_disabled_receiving",
                "重度残疾人护理补贴实际领取人数",
            ),
            disability_funds=fig(
                ctx.money.total(wf["disability_funds"]),
                "disability_funds_ytd",
                "残疾人两项补贴资金",
            ),
            hardship_funds=_money(ctx, "disability_hardship_funds_ytd", "disability_funds_ytd"),
            severe_funds=_money(ctx, "disability_care_funds_ytd", "disability_funds_ytd"),
            uptake=ctx.kfmt("disability_subsidy_uptake_rate"),
        ),
        ctx.say(
            prog,
            "orphans",
            scope=scope,
            span=ctx.span,
            orphans=_plain(ctx, "orphans", f.fmt_int),
            orphans_centralized=_plain(ctx, "orphans_centralized", f.fmt_int),
            orphans_dispersed=_plain(ctx, "orphans_dispersed", f.fmt_int),
            orphan_funds=_plain(ctx, "orphan_funds_ytd", ctx.money.total),
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
