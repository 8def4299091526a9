"""``kind: generic`` — a programme's section written from its file alone, no code: sentence
templates over the programme's measures and KPIs, an optional table of townships × figures, and
optional charts. The keys are documented in ``civstat/contract/README.md`` (### ``summary``).

In a sentence template ``{code}`` is the scope's figure with its unit (1,234对, 37.5%,
12,345.60元 in the report's money unit), marked * when its aggregate lacks a township, and
``{code.attr}`` one of :data:`ATTRS`; ``{span}``, ``{scope}``, ``{period_end}``, ``{year}``,
``{prev_year}``, ``{townships}`` are the period's words (:meth:`Context.words`). A clause whose
figure is missing is dropped; a programme with no figure at all for the scope writes no block
(数据说明 names it: the builder leaves out a sheet nobody reported, this one whose returns were
all held back)."""

from __future__ import annotations

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block, Table
from civstat.report.phrases import fields, text

ATTRS = {
    "value": "the figure without its unit (12.3)",
    "prev": "the same period a year before, with its unit",
    "change": "against a year before: 增长5.0% / 下降… (levels), 提高1.2个百分点 (rates)",
    "name": "its 中文 name (name_zh)",
    "townships": "how many townships of the scope have a non-zero value",
    "top": "the township with the highest value",
    "top_value": "that value",
    "bottom": "the township with the lowest value",
    "bottom_value": "that value",
    "rank": "the scope township's place among the county's townships (township reports)",
}


CHART_TYPES = ("ranking", "composition", "trend")


def figure_codes(ctx: Context, prog: Programme) -> list[str]:
    return [m["code"] for m in prog.measures] + [k["code"] for k in prog.kpis]


def known(ctx: Context, code: str) -> bool:
    return ctx.is_kpi(code) or any(m["code"] == code for m in ctx.contract.measures)


def templates_of(summary: dict) -> list[list[str]]:
    """``summary.sentences`` (a list, or a mapping name → sentence) as clause lists."""
    spec = summary.get("sentences") or []
    if isinstance(spec, dict):
        spec = list(spec.values())
    return [[s] if isinstance(s, str) else list(s) for s in spec]


def templates(ctx: Context, prog: Programme) -> list[list[str]]:
    """``summary.sentences`` as clause lists; by default one sentence naming every figure."""
    given = templates_of(ctx.summary(prog))
    if given:
        return given
    g = ctx.ph["generic"]
    clauses = []
    for code in figure_codes(ctx, prog):
        clauses.append(g["default_clause"].format(name=ctx.kname(code), value=f"{{{code}}}"))
        if ctx.is_kpi(code):
            clauses.append(g["default_change"].format(change=f"{{{code}.change}}"))
    return [clauses]


def placeholder(ctx: Context, prog: Programme, name: str):
    """The value of one ``{code}`` / ``{code.attr}`` placeholder (None: the clause is dropped)."""
    code, _, attr = name.partition(".")
    if not known(ctx, code):
        raise ValueError(
            f"programmes/{prog.code}.yaml: summary placeholder {{{name}}} names no KPI or "
            "measure of the catalogue"
        )
    if attr == "":
        return ctx.fig(code)
    if attr == "value":
        return ctx.fig(code, unit=False)
    if attr == "prev":
        return ctx.tracer.figure(ctx.fmt(code, ctx.value(code, prev=True)), code, prev=True)
    if attr == "change":
        return ctx.change(code)
    if attr == "name":
        return ctx.kname(code)
    if attr == "townships":
        return str(ctx.townships_with(code)) if ctx.value(code) is not None else None
    if attr in ("top", "top_value", "bottom", "bottom_value"):
        rows = ctx.ranking(code) if ctx.ranking_varies(code) else []
        if not rows:
            return None
        dcode, town, v = rows[0] if attr.startswith("top") else rows[-1]
        return ctx.tracer.figure(ctx.fmt(code, v), code, dcode) if attr.endswith("_value") else town
    if attr == "rank":
        rows = ctx.ranking(code)
        pos = [i for i, (c, _, _) in enumerate(rows, 1) if c == ctx.scope.division_code]
        return str(pos[0]) if pos and not ctx.scope.is_aggregate else None
    raise ValueError(
        f"programmes/{prog.code}.yaml: summary placeholder {{{name}}}: unknown attribute "
        f"{attr!r} (one of {', '.join(ATTRS)})"
    )


def render(ctx: Context, prog: Programme) -> list[Block]:
    spec = ctx.summary(prog)
    head, anc = ctx.heading(prog), anchor(prog)
    if all(ctx.value(c) is None for c in figure_codes(ctx, prog)):
        ctx.unpublished.append(prog)
        return []
    sentences = templates(ctx, prog)
    words = ctx.words()
    values: dict[str, str | None] = {}
    for clauses in sentences:
        for clause in clauses:
            for name in fields(clause):
                if name not in words and name not in values:
                    values[name] = placeholder(ctx, prog, name)
    paras = [ctx.clauses(clauses, **words, **values) for clauses in sentences]
    paras += [ctx.ranking_sentence(code) for code in ctx.ranked_kpis(prog)]
    charts = [chart(ctx, prog, c, i) for i, c in enumerate(spec.get("charts") or ())]
    tables = [t for t in [township_table(ctx, prog)] if t]
    return [
        Block(head, anc, clean(paras), tables, [c for c in charts if c], notes=ctx.take_notes())
    ]


def township_table(ctx: Context, prog: Programme) -> Table | None:
    """``summary.table``: the county's townships × the chosen figures, and the county's row."""
    spec = ctx.summary(prog).get("table")
    if not spec or not ctx.scope.is_aggregate:
        return None
    codes = list(spec.get("columns") or figure_codes(ctx, prog))
    for code in codes:
        if not known(ctx, code):
            raise ValueError(
                f"programmes/{prog.code}.yaml: summary.table column {code!r} "
                "is no KPI or measure of the catalogue"
            )
    g = ctx.ph["generic"]
    header = [
        g["column"].format(name=ctx.kname(c), unit=u) if (u := ctx.column_unit(c)) else ctx.kname(c)
        for c in codes
    ]
    names = ctx.r.township_names(ctx.scope)
    rows = [[names.get(d, d), *(ctx.cell(c, d) for c in codes)] for d in ctx.siblings]
    rows.append([ctx.ph["tables"]["total"], *(ctx.fig(c, unit=False) for c in codes)])
    caption = ctx.fill(spec.get("caption") or prog.sheet.title, ctx.words())
    return Table(
        caption,
        [ctx.unit_word, *header],
        rows,
        numeric=[False] + [True] * len(codes),
    )


def chart(ctx: Context, prog: Programme, spec: dict, i: int) -> ch.Chart | None:
    """One of ``summary.charts``: {type: ranking | composition | trend, of: code(s), title}."""
    kind = spec.get("type", "ranking")
    of = spec.get("of")
    codes = [of] if isinstance(of, str) else list(of or ())
    bad = [c for c in codes if not known(ctx, c)]
    if not codes or bad:
        raise ValueError(
            f"programmes/{prog.code}.yaml: summary.charts[{i}] needs `of:` "
            f"KPI/measure codes of the catalogue (got {of!r})"
        )
    names = "、".join(ctx.kname(c) for c in codes)
    chart_id = f"{prog.code}-{kind}-{i}".replace("_", "-")
    if kind == "ranking":
        return ctx.ranking_chart(
            codes[0],
            spec.get("title") or text(
                "generic.ranking_chart", ctx.ph, name=ctx.kname(codes[0]), units=ctx.unit_word
            ),
        )
    money = [ctx.unit(c) == "元" for c in codes]
    unit = ctx.column_unit(codes[0])
    if kind == "composition":
        values = [ctx.value(c) for c in codes]
        if not any(values):
            return None
        return ch.composition_chart(
            chart_id,
            spec.get("title") or text("generic.composition_chart", ctx.ph, names=names),
            [ctx.kname(c) for c in codes],
            [ctx.money.scale(v) if m else v for v, m in zip(values, money)],
            unit,
        )
    if kind == "trend":
        kpis = [c for c in codes if ctx.is_kpi(c)]
        if kpis:
            raise ValueError(
                f"programmes/{prog.code}.yaml: summary.charts[{i}]: a trend is "
                f"drawn from measures, not KPIs ({', '.join(kpis)})"
            )
        series = {c: ctx.series(c, [ctx.year - 1, ctx.year]) for c in codes}
        upto = f"{ctx.year}Q{ctx.quarter}"  # a brief's trend stops at its quarter
        periods = sorted({p for s in series.values() for p in s if p <= upto})
        if not periods:
            return None
        return ch.trend_chart(
            chart_id,
            spec.get("title") or text("generic.trend_chart", ctx.ph, names=names),
            [ctx.period_label(p) for p in periods],
            {
                ctx.kname(c): [
                    ctx.money.scale(series[c].get(p)) if m else series[c].get(p) for p in periods
                ]
                for c, m in zip(codes, money)
            },
            unit,
            percent=ctx.is_rate(codes[0]),
        )
    raise ValueError(
        f"programmes/{prog.code}.yaml: summary.charts[{i}]: unknown type {kind!r} "
        "(ranking, composition, trend)"
    )
