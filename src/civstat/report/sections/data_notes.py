"""数据说明: coverage of the period, returns left out (not reported, blocked by the quality gate),
sheets left out of the summary (nobody reported them) or reported by only some townships, figures
short of a township (the markers set while the sections above were built), the soft warnings and
their 说明, money units. Rendered last: it states what the sections marked."""

from __future__ import annotations

import polars as pl

from civstat.report import formatting as f
from civstat.report.context import Context, Reporting, clean
from civstat.report.model import Section, Table
from civstat.report.phrases import sentence

MAX_FINDINGS = 40  # hard findings listed in 数据说明; the quality report has them all


def render(ctx: Context) -> Section:
    """数据说明. Every sentence is computed from the frames the tables below it print: the
    blocked returns from the hard findings, the soft warnings and their 说明 from theirs, the
    incomplete figures from the markers set while building the sections."""
    status = ctx.r.quality_status(ctx.year, ctx.quarter, ctx.codes)
    names = ctx.r.township_names(ctx.scope)
    published = set(status.filter(pl.col("status") == "published")["division_code"].to_list())
    reported = set(status["division_code"].to_list())
    quarter = f.CN_QUARTER[ctx.quarter]
    not_now = [f"{names.get(c, c)}（未报送）" for c in ctx.codes if c not in reported]
    hard = ctx.r.hard_violations(ctx.year, ctx.quarter, ctx.codes)
    soft = ctx.r.soft_warnings(ctx.year, ctx.quarter, ctx.codes)
    blocked: dict[tuple[str, str], list[str]] = {}
    for r in hard.iter_rows(named=True):
        key = (r["period"], r["division_code"])
        blocked.setdefault(key, [])
        if r["rule_code"] not in blocked[key]:
            blocked[key].append(r["rule_code"])
    blocked_items = [
        f"{names.get(code) or ctx.r.division_names([code]).get(code, code)}"
        f"{period[:4]}年{f.CN_QUARTER[int(period[-1])]}（审核规则{'、'.join(rules)}）"
        for (period, code), rules in blocked.items()
    ]
    in_table = {code for _, code in blocked}
    not_now += [
        f"{names.get(r['division_code'], r['division_name'])}（质量审核未通过）"
        for r in status.filter(pl.col("status") != "published").iter_rows(named=True)
        if r["division_code"] not in published and r["division_code"] not in in_table
    ]
    # the period's townships in force and those published (period_coverage), as the figures count them
    now = ctx.coverage.filter((pl.col("year") == ctx.year) & (pl.col("quarter") == ctx.quarter))
    expected = now["townships_expected"][0] if now.height else len(ctx.codes)
    included = now["townships_included"][0] if now.height else len(published)
    explained = soft.filter(pl.col("explanation").is_not_null()).height if soft.height else 0
    short = [f"{label}{text}" for label, text in ctx.short_figures.items()]
    paras = clean(
        [
            sentence("data_notes.partial", ctx.ph, quarter=quarter) if ctx.partial_year else None,
            sentence(
                "data_notes.coverage",
                ctx.ph,
                cutoff=ctx.cutoff_text(),
                quarter=quarter,
                expected=str(expected),
                published=str(included),
            )
            if ctx.scope.is_county
            else sentence(
                "data_notes.coverage_township",
                ctx.ph,
                cutoff=ctx.cutoff_text(),
                quarter=quarter,
                scope=ctx.scope_word,
                status=ctx.ph["data_notes"]["township_status"][
                    "published" if published else "blocked" if reported else "missing"
                ],
            ),
            sentence("data_notes.missing", ctx.ph, quarter=quarter, items="、".join(not_now))
            if not_now
            else None,
            sentence(
                "data_notes.blocked",
                ctx.ph,
                year=ctx.year,
                count=str(len(blocked_items)),
                items="、".join(blocked_items),
            )
            if blocked_items
            else None,
            sentence("data_notes.complete", ctx.ph)
            if ctx.scope.is_county and not blocked_items and not not_now and included >= expected
            else None,
            *sheet_notes(ctx, quarter),
            sentence("data_notes.incomplete", ctx.ph, items="；".join(short)) if short else None,
            sentence(
                "data_notes.soft",
                ctx.ph,
                count=str(soft.height),
                explained=str(explained) if explained else None,
                unexplained=str(soft.height - explained) if soft.height - explained else None,
            )
            if soft.height
            else None,
            sentence("data_notes.money_auto", ctx.ph)
            if ctx.money.unit == "auto"
            else sentence("data_notes.money", ctx.ph, money_unit=ctx.money.unit),
            sentence("data_notes.money_fen", ctx.ph) if ctx.money.unit != "万元" else None,
        ]
    )
    tables = []
    if hard.height:
        shown = hard.head(MAX_FINDINGS)
        tables.append(
            Table(
                "质量审核拦截（硬性规则）",
                ["报告期", "乡镇（街道）", "规则", "问题"],
                [
                    [
                        r["period"],
                        names.get(r["division_code"]) or r["division_name"] or r["division_code"],
                        r["rule_code"],
                        r["message_zh"],
                    ]
                    for r in shown.iter_rows(named=True)
                ],
                note=(
                    f"另有{hard.height - shown.height}条，见质量报告（civstat check）"
                    if hard.height > shown.height
                    else None
                ),
            )
        )
    if soft.height:
        tables.append(
            Table(
                "质量审核提示（软性规则）及说明",
                ["报告期", "乡镇（街道）", "规则", "问题", "说明"],
                [
                    [
                        r["period"],
                        names.get(r["division_code"]) or r["division_name"] or r["division_code"],
                        r["rule_code"],
                        r["message_zh"],
                        r["explanation"] or "（未说明）",
                    ]
                    for r in soft.iter_rows(named=True)
                ],
            )
        )
    return Section(ctx.ph["sections"]["data_notes"], "data-notes", paragraphs=paras, tables=tables)


def sheet_name(prog) -> str:
    """“表14 流浪乞讨人员救助”, after 季报 in the sentence — the return's sheet, never to be
    taken for a table of the document (表1、表2 … of 附件1)."""
    return f"“表{prog.sheet.no} {prog.sheet.title}”"


def sheet_notes(ctx: Context, quarter: str) -> list[str | None]:
    """Each programme the builder left out, named once: nobody reported its sheet in the year
    (several in one sentence), nobody in the report's quarter, or every return of it held back;
    then each optional sheet only some townships reported, with their count."""
    county = ctx.scope.is_county
    when = "本年度" if ctx.annual else f"{ctx.year}年{ctx.span}"
    never = [p for p, rep in ctx.unreported if not rep.year]
    earlier = [(p, rep) for p, rep in ctx.unreported if rep.year]
    out: list[str | None] = []
    if never:
        out.append(
            sentence(
                "data_notes.sheet_none" if county else "data_notes.sheet_none_township",
                ctx.ph,
                when=when,
                scope=ctx.scope_word,
                sheets="、".join(sheet_name(p) for p in never),
            )
        )
    for prog, rep in earlier:
        out.append(
            sentence(
                "data_notes.sheet_none_now" if county else "data_notes.sheet_none_now_township",
                ctx.ph,
                quarter=quarter,
                scope=ctx.scope_word,
                sheet=sheet_name(prog),
                n=str(len(rep.year)),
            )
        )
    # reported, yet no figure: every such return held back, or nothing filled in
    for key, held in (("data_notes.sheet_unpublished", True), ("data_notes.sheet_empty", False)):
        progs = [
            p
            for p in ctx.unpublished
            if (not (ctx.reporting.get(p.code) or Reporting()).published) == held
        ]
        if progs:
            out.append(sentence(key, ctx.ph, sheets="、".join(sheet_name(p) for p in progs)))
    for prog, rep, returned in sorted(ctx.partial_sheets, key=lambda x: x[0].sheet.no):
        out.append(
            sentence(
                "data_notes.sheet_partial",
                ctx.ph,
                sheet=sheet_name(prog),
                quarter=quarter,
                expected=str(returned),
                n=str(len(rep.now)),
            )
        )
    return out
