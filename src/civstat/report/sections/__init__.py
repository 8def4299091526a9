"""The section kinds of the year-end summary, one module each.

A programme file's ``summary.kind`` names its renderer (default ``generic``): a function
``render(ctx, programme) -> list[Block]`` writing the programme's blocks with its file's
headings, sentences, tables and charts. The blocks are un-numbered; the builder groups them
into sections (``summary.section``) and numbers sections, blocks and tables in the order they
are rendered. ``targets`` and ``data_notes`` are the report's own closing sections."""

from __future__ import annotations

import re
from collections.abc import Callable

from civstat.contract import Contract, Programme
from civstat.report.model import Block
from civstat.report.phrases import fields
from civstat.report.sections import (
    dibao,
    disaster,
    eldercare,
    generic,
    med_assist,
    tekun,
    temp_assist,
    welfare,
    youfu,
)

KINDS: dict[str, Callable] = {
    "generic": generic.render,
    "dibao": dibao.render,
    "tekun": tekun.render,
    "temp_assist": temp_assist.render,
    "med_assist": med_assist.render,
    "disaster": disaster.render,
    "eldercare": eldercare.render,
    "welfare": welfare.render,
    "youfu": youfu.render,
}


# "比上年{x.change}" would read 比上年比上年增长… / 比上年与上年持平
DOUBLED = re.compile(r"[比与较]上年末?\{[^{}]*\.change\}")


def kind_of(prog: Programme) -> str:
    kind = (prog.summary or {}).get("kind") or "generic"
    if kind not in KINDS:
        raise ValueError(
            f"programmes/{prog.code}.yaml: summary.kind {kind!r} is not a section kind "
            f"({', '.join(sorted(KINDS))})"
        )
    return kind


def validate(contract: Contract, words: set[str]) -> None:
    """Refuse a programme file whose ``summary:`` cannot be rendered, naming the file: an unknown
    kind, or (any kind) ranking / township KPIs, or (generic) placeholders, table columns and
    charts that name no KPI or measure of the catalogue. ``words``: the period placeholders."""
    kpis = {k["code"] for k in contract.kpis}
    codes = kpis | {m["code"] for m in contract.measures}
    for prog in contract.programmes:
        where = f"programmes/{prog.code}.yaml: summary"
        spec = prog.summary or {}
        kind = kind_of(prog)
        ranking = spec.get("ranking") or []
        for code in [ranking] if isinstance(ranking, str) else ranking:
            if code not in codes:
                raise ValueError(f"{where}.ranking: {code!r} is no KPI or measure")
        for code in spec.get("township_kpis") or ():
            if code not in kpis:
                raise ValueError(f"{where}.township_kpis: {code!r} is no KPI")
        if kind != "generic":
            continue
        for clauses in generic.templates_of(spec):
            for clause in clauses:
                if DOUBLED.search(clause):
                    raise ValueError(
                        f"{where}.sentences: {clause!r}: {{code.change}} says 比上年…/与上年持平 "
                        "itself; write it without 比上年 before it"
                    )
                for name in fields(clause):
                    code, _, attr = name.partition(".")
                    if name in words:
                        continue
                    if code not in codes:
                        raise ValueError(f"{where}.sentences: {{{name}}} names no KPI or measure")
                    if attr and attr not in generic.ATTRS:
                        raise ValueError(
                            f"{where}.sentences: {{{name}}}: unknown attribute "
                            f"{attr!r} (one of {', '.join(generic.ATTRS)})"
                        )
        for code in (spec.get("table") or {}).get("columns") or ():
            if code not in codes:
                raise ValueError(f"{where}.table.columns: {code!r} is no KPI or measure")
        for i, chart in enumerate(spec.get("charts") or ()):
            of = chart.get("of") if isinstance(chart, dict) else None
            of = [of] if isinstance(of, str) else list(of or ())
            if not of or any(c not in codes for c in of):
                raise ValueError(f"{where}.charts[{i}].of: {of!r} must name KPIs or measures")
            if chart.get("type", "ranking") not in generic.CHART_TYPES:
                raise ValueError(
                    f"{where}.charts[{i}].type: {chart.get('type')!r} is not one of "
                    f"{', '.join(generic.CHART_TYPES)}"
                )


def programme_blocks(ctx, prog: Programme) -> list[Block]:
    """The programme's blocks, headed and anchored, not yet numbered."""
    return KINDS[kind_of(prog)](ctx, prog)
