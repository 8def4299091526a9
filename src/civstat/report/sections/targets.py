"""目标完成情况: the year's plan targets against the KPIs (kpi_plan_completion), and in the
county report the townships' main KPIs side by side (each programme file names its own under
``summary.township_kpis``, listed in programme order)."""

from __future__ import annotations

import polars as pl

from civstat.report.context import Context, clean
from civstat.report.model import Block, Section, Table
from civstat.report.phrases import sentence


def _target_value(ctx: Context, code: str, v) -> str:
    return ctx.kfmt(code, v) if v is not None else "—"


def _gap(ctx: Context, code: str, gap) -> str:
    if gap is None:
        return "—"
    if ctx.is_rate(code):
        return f"{gap * 100:+.1f}个百分点"
    return f"{gap:+,.1f}"


def render(ctx: Context) -> Section:
    pc = ctx.r.plan_completion(ctx.year, ctx.scope.division_code)
    words = ctx.ph["words"]
    title = ctx.ph["sections"]["targets"]
    towns = [b for b in [township_table(ctx)] if b]
    if pc.is_empty():
        paras = clean([sentence("targets.none", ctx.ph, year=ctx.year)])
        return Section(title, "targets", paragraphs=paras, blocks=towns)
    rows, missed = [], []
    if not ctx.annual:  # a quarterly brief: year-to-date value against the annual target
        pc = pc.with_columns(
            actual=pl.lit(None, pl.Float64),
            achieved=pl.lit(None, pl.Boolean),
            gap=pl.lit(None, pl.Float64),
        )
    for r in pc.iter_rows(named=True):
        code = r["kpi_code"]
        if not ctx.annual:
            r["actual"] = ctx.kval(code)
        status = (
            words["in_progress"]
            if not ctx.annual
            else words["no_data"]
            if r["achieved"] is None
            else (words["achieved"] if r["achieved"] else words["not_achieved"])
        )
        if r["achieved"] is False:
            missed.append(
                f"{r['kpi_name_zh']}（目标{_target_value(ctx, code, r['target'])}，"
                f"实际{_target_value(ctx, code, r['actual'])}）"
            )
        rows.append(
            [
                r["kpi_name_zh"],
                f"{r['comparison']} {_target_value(ctx, code, r['target'])}",
                _target_value(ctx, code, r["actual"])
                + (ctx.kmark(code) if r["actual"] is not None else ""),
                status,
                _gap(ctx, code, r["gap"]),
                r.get("source") or "",
            ]
        )
    n_ok = sum(1 for r in pc.iter_rows(named=True) if r["achieved"])
    if ctx.annual:
        paras = clean(
            [
                sentence(
                    "targets.summary",
                    ctx.ph,
                    year=ctx.year,
                    total=str(pc.height),
                    achieved=str(n_ok),
                    missed=str(len(missed)),
                ),
                sentence("targets.missed", ctx.ph, items="；".join(missed))
                if missed
                else sentence("targets.all_achieved", ctx.ph),
            ]
        )
    else:
        paras = clean(
            [
                sentence(
                    "targets.in_progress",
                    ctx.ph,
                    year=ctx.year,
                    total=str(pc.height),
                    span=ctx.span,
                )
            ]
        )
    table = Table(
        f"{ctx.year}年度目标完成情况",
        ["指标", "目标", "实际", "完成情况", "差距", "依据"],
        rows,
        numeric=[False, True, True, False, True, False],
        note="；".join(ctx.take_notes()) or None,
    )
    return Section(
        title,
        "targets",
        paragraphs=paras,
        tables=[table],
        blocks=towns,
    )


def township_kpis(ctx: Context) -> list[str]:
    """``summary.township_kpis`` of every programme file, in programme order."""
    return [
        code
        for prog in ctx.contract.programmes
        for code in (prog.summary or {}).get("township_kpis") or ()
        if ctx.is_kpi(code)
    ]


def township_table(ctx: Context) -> Block | None:
    """County report: the main KPIs side by side for every township."""
    town = ctx.k_now.filter(
        pl.col("division_code").is_in(ctx.siblings) & pl.col("value").is_not_null()
    )
    # a KPI no township has (its sheet unreported, its columns left out) gets no empty column
    present = set(town["kpi_code"].to_list())
    codes = [c for c in township_kpis(ctx) if c in ctx.defs and c in present]
    if not ctx.scope.is_county or not codes:
        return None
    names = ctx.r.township_names(ctx.scope)
    rows = []
    for dcode in ctx.siblings:
        row = [names.get(dcode, dcode)]
        for code in codes:
            row.append(ctx.kfmt(code, ctx.value(code, division=dcode), use=False) or "—")
        rows.append(row)
    spec = ctx.ph["township_table"]
    table = Table(
        ctx.fill(spec["caption"], ctx.words()),
        [spec["division"], *(ctx.kname(c) for c in codes)],
        rows,
        numeric=[False] + [True] * len(codes),
    )
    return Block(ctx.ph["subsections"]["township_table"], "township-table", [], [table])
