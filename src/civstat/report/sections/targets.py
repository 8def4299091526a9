"""目标完成情况 (an annex): the year's plan targets against the KPIs (kpi_plan_completion); and
(:func:`township_table`, the builder places it among the annex's tables) in the county report
the townships' main KPIs side by side (each programme file names its own under
``summary.township_kpis``, listed in programme order)."""

from __future__ import annotations

import polars as pl

from civstat.report import formatting as f
from civstat.report.context import Context, clean
from civstat.report.model import Block, Section, Table
from civstat.report.phrases import _format, sentence
from civstat.report.trace import join

PLAN = "kpi_plan_completion"


def _target_fig(ctx: Context, r: dict, text: str | None):
    """A plan target as printed (≥100, 目标92.0%), traced to kpi_plan_completion."""

    def make():
        why = f"年度工作计划目标（{r['comparison']}）" + (
            f"，依据：{r['source']}" if r.get("source") else ""
        )
        title = f"{r['kpi_name_zh']}：{ctx.year}年目标"
        return ctx.tracer.record(title, text, f"{PLAN}.target", why)

    return ctx.tracer.rows(text, ("target", r["kpi_code"], str(text)), make)


def _gap_fig(ctx: Context, r: dict, text: str | None):
    """The gap between the year's actual value and its target, traced (both values)."""
    code = r["kpi_code"]

    def make():
        return ctx.tracer.record(
            f"{r['kpi_name_zh']}：与目标的差距",
            text,
            f"{PLAN}.gap",
            "实际值 − 目标值" + ("（百分点）" if ctx.is_rate(code) else ""),
            now={"name": "实际值", "text": ctx.fmt(code, r["actual"])},
            before={"name": "目标值", "text": ctx.fmt(code, r["target"])},
        )

    return ctx.tracer.rows(text, ("gap", code), make)


def _count_fig(ctx: Context, pc: pl.DataFrame, n: int, what: str, status, keep):
    """A number of targets (rows of kpi_plan_completion), each listed with its status."""
    items = [
        {"name": r["kpi_name_zh"], "text": status(r), "returns": []}
        for r in pc.iter_rows(named=True)
        if keep(r)
    ]
    title = f"{ctx.year}年度目标：{what}"
    return ctx.tracer.rows(
        str(n),
        ("targets", what),
        lambda: ctx.tracer.record(
            title,
            n,
            PLAN,
            f"所列目标行数（{what}）",
            items,
            list={"title": "目标", "column": "指标"},
        ),
    )


def _value(ctx: Context, code: str, v) -> str | None:
    """A target or actual value under its unit column: 91.2 (rates, in %), 615 (元/人·月)."""
    return None if v is None else ctx.fmt(code, v, unit=False)


def _target(ctx: Context, comparison: str, code: str, v) -> str | None:
    """≥100 / ≤5 / 15: the target as set (no trailing zeros), its comparison as a sign."""
    if v is None:
        return None
    sign = ctx.ph["targets"]["comparison"].get(comparison, comparison)
    return sign + f.fmt_target(v, ctx.is_rate(code)).rstrip("%")


def _gap(ctx: Context, code: str, gap) -> str | None:
    """超出6.2个百分点 / 相差8.8个百分点 / 恰好达到 (rates); other units in their own terms."""
    if gap is None:
        return None
    g = ctx.ph["targets"]["gap"]
    if ctx.is_rate(code):
        d = f.rounded(gap * 100, 1)
        amount = f"{abs(d):.1f}个百分点"
    else:
        d = f.rounded(gap, 1)
        amount = ctx.amount(code, abs(gap)) or ""
    if d == 0:
        return g["met"]
    return (g["above"] if d > 0 else g["below"]).format(x=amount)


def _unit(ctx: Context, code: str) -> str:
    return ctx.column_unit(code) or ""


def render(ctx: Context) -> Section:
    pc = ctx.r.plan_completion(ctx.year, ctx.scope.division_code)
    words = ctx.ph["words"]
    title = ctx.ph["sections"]["targets"]
    if pc.is_empty():
        paras = clean([sentence("targets.none", ctx.ph, year=ctx.year)])
        return Section(title, "targets", paragraphs=paras)
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
                _format(
                    ctx.ph["targets"]["missed_item"],
                    {
                        "name": r["kpi_name_zh"],
                        "target": _target_fig(
                            ctx,
                            r,
                            ctx.fmt(code, r["target"])
                            if not ctx.is_rate(code)
                            else f.fmt_target(r["target"], True),
                        ),
                        "actual": ctx.tracer.figure(ctx.fmt(code, r["actual"]), code),
                    },
                )
            )
        actual = _value(ctx, code, r["actual"])
        rows.append(
            [
                r["kpi_name_zh"],
                _unit(ctx, code),
                _target_fig(ctx, r, _target(ctx, r["comparison"], code, r["target"])),
                None if actual is None else ctx.tracer.figure(actual + ctx.kmark(code), code),
                status,
                _gap_fig(ctx, r, _gap(ctx, code, r["gap"])),
                r.get("source") or None,
            ]
        )
    n_ok = sum(1 for r in pc.iter_rows(named=True) if r["achieved"])

    def status(r):
        return (
            words["achieved"]
            if r["achieved"]
            else words["not_achieved"]
            if r["achieved"] is False
            else words["no_data"]
        )

    every = _count_fig(ctx, pc, pc.height, "共设定", status, lambda r: True)
    if ctx.annual:
        paras = clean(
            [
                sentence(
                    "targets.summary",
                    ctx.ph,
                    year=ctx.year,
                    total=every,
                    achieved=_count_fig(ctx, pc, n_ok, "已完成", status, lambda r: r["achieved"]),
                    missed=_count_fig(
                        ctx, pc, len(missed), "未完成", status, lambda r: r["achieved"] is False
                    ),
                ),
                sentence("targets.missed", ctx.ph, items=join(missed, "；"))
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
                    total=every,
                    span=ctx.span,
                )
            ]
        )
    table = Table(
        ctx.ph["targets"]["caption"].format(year=ctx.year),
        list(ctx.ph["targets"]["columns"]),
        rows,
        numeric=[False, False, True, True, False, False, False],
        note="；".join(ctx.take_notes()) or None,
    )
    return Section(
        title,
        "targets",
        paragraphs=paras,
        tables=[table],
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
    if not ctx.scope.is_aggregate or not codes:
        return None
    names = ctx.r.township_names(ctx.scope)
    rows = []
    for dcode in ctx.siblings:
        row = [names.get(dcode, dcode)]
        for code in codes:
            row.append(ctx.cell(code, dcode))
        rows.append(row)
    rows.append([ctx.ph["tables"]["total"], *(ctx.fig(c, unit=False) for c in codes)])
    spec = ctx.ph["township_table"]
    column = ctx.ph["generic"]["column"]
    table = Table(
        ctx.fill(spec["caption"], ctx.words()),
        [
            ctx.unit_word,
            *(
                column.format(name=ctx.kname(c), unit=u)
                if (u := ctx.column_unit(c))
                else ctx.kname(c)
                for c in codes
            ),
        ],
        rows,
        numeric=[False] + [True] * len(codes),
    )
    heading = ctx.fill(ctx.ph["subsections"]["township_table"], ctx.words())
    return Block(heading, "township-table", [], [table])
