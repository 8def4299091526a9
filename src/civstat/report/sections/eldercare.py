"""``kind: eldercare`` — 养老服务机构 (one row per institution at the period's end): institutions,
beds, nursing beds, residents, staff and their rates, beds per 1,000 elderly, the growth of beds
since the last year-end, the safety hazards found and rectified (an optional column: left out for
old returns, marked when some townships lack it), the beds by institution type and the ranking of
``summary.ranking``.

Sentences: ``summary``, ``beds_per_1000``, ``growth``, ``safety``; chart ``beds`` (beds by
institution type)."""

from __future__ import annotations

import polars as pl

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block

GROWTH, RECTIFIED = "eldercare_beds_growth", "safety_hazard_rectification_rate"


def hazards(ctx: Context, code: str) -> str | None:
    """排查 / 已整改 安全隐患 (项), marked when townships with institutions leave the column out."""
    text = ctx.mfig(code, f.fmt_int(ctx.mval(code), ctx.unit(code)))
    return None if text is None else text + ctx.measure_mark(code, "eldercare_beds")


def render(ctx: Context, prog: Programme) -> list[Block]:
    inst = ctx.r.eldercare(ctx.year, ctx.quarter, ctx.codes)

    def s(col):
        return inst[col].sum() if inst.height and col in inst.columns else None

    def fig(col: str, label: str):
        """A sum over the institutions of the scope (fct_eldercare_beds), traced."""
        return ctx.sum_fig(f.fmt_int(s(col)), prog, "fct_eldercare_beds", col, label)

    per_1000 = ctx.kval("beds_per_1000_elderly")
    ranked = ctx.ranked_kpis(prog)
    paras = clean(
        [
            ctx.say(
                prog,
                "summary",
                period_end=ctx.period_end,
                scope=ctx.scope_word + ctx.fact_mark(),
                institutions=ctx.sum_fig(
                    f.fmt_int(inst.height), prog, "fct_eldercare_beds", "*", "养老机构（家）"
                ),
                beds=fig("beds", "养老机构床位"),
                nursing_beds=fig("nursing_beds", "护理型床位"),
                nursing_share=ctx.kfmt("nursing_bed_share"),
                residents=fig("residents", "期末在院人数"),
                occupancy=ctx.kfmt("bed_occupancy_rate"),
                staff=fig("staff", "工作人员"),
                trained=fig("trained_caregivers", "持证/参训护理员"),
                training_rate=ctx.kfmt("caregiver_training_rate"),
            ),
            ctx.say(
                prog,
                "beds_per_1000",
                beds_per_1000=ctx.marked(
                    None if per_1000 is None else f.fixed(per_1000, 1),
                    "beds_per_1000_elderly",
                ),
            ),
            ctx.say(
                prog,
                "growth",
                # a growth over the year-end before: not against a sum short of a township
                beds_growth=ctx.marked(
                    f.growth_rate(ctx.kval(GROWTH), ctx.ph["words"]["change"], base="上年末"),
                    GROWTH,
                )
                if ctx.kval(GROWTH) is None or ctx.comparable(quarter=4)
                else None,
            ),
            ctx.say(
                prog,
                "safety",
                span=ctx.span,
                hazards_found=hazards(ctx, "eldercare_hazards_found"),
                hazards_rectified=hazards(ctx, "eldercare_hazards_rectified"),
                rectification_rate=ctx.kfmt(RECTIFIED),
            ),
            *(ctx.ranking_sentence(k) for k in ranked),
        ]
    )
    charts = []
    if inst.height and "institution_type" in inst.columns:
        by_type = (
            inst.group_by("institution_type").agg(pl.col("beds").sum()).sort("institution_type")
        )
        spec = ctx.chart_spec(prog, "beds")
        charts.append(
            ch.composition_chart(
                f"{prog.code}-beds",
                spec.get("title") or prog.sheet.title,
                by_type["institution_type"].to_list(),
                by_type["beds"].to_list(),
                "张",
            )
        )
    charts += [c for c in (ctx.ranking_chart(k) for k in ranked) if c]
    return [Block(ctx.heading(prog), anchor(prog), paras, [], charts, notes=ctx.take_notes())]
