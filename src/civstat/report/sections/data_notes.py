"""数据说明: coverage of the period, returns left out (not reported, blocked by the quality gate),
sheets left out of the summary (nobody reported them) or reported by only some townships, figures
short of a township (the markers set while the sections above were built), the soft warnings and
their 说明, money units. Rendered last: it states what the sections marked."""

from __future__ import annotations

import polars as pl

from civstat.report import formatting as f
from civstat.report import levels
from civstat.report.comparisons import sheet_name
from civstat.report.context import Context, Reporting, clean, codes_of
from civstat.report.model import Section, Table
from civstat.report.phrases import _format, sentence
from civstat.report.trace import Traced, join, spans_of

MAX_FINDINGS = 40  # hard findings listed in 数据说明; the quality report has them all
STATUS = {"published": "已发布", "blocked": "质量审核未通过"}


def count(ctx: Context, n: int, key: str, title: str, source: str, formula: str, items, column):
    """A count 数据说明 states, traced to the rows it counts ({name, text} each)."""
    rows = [{"returns": [], **i} for i in items]
    listed = {"title": f"所计{column}", "column": column}
    return ctx.tracer.rows(
        str(n),
        ("notes", key),
        lambda: ctx.tracer.record(title, n, source, formula, rows, list=listed),
    )


def finding(ctx: Context, r: dict, where: dict, severity: str, name: str):
    """A finding's message as the quality table prints it, traced to the rows it names."""
    key = (r["period"], r["division_code"], r["rule_code"], r["message_zh"])
    x = where.get(key)

    def make():
        returns = None
        if x and x["source_file"]:
            item = {
                "file": x["source_file"],
                "table": None,
                "sheet": x["sheet"] or "",
                "rows": [v for v in x["source_rows"] or [] if v is not None],
            }
            returns = ctx.tracer.fixed_returns(("finding", severity, *key), [item])
        word = "硬性" if severity == "hard" else "软性"
        return ctx.tracer.record(
            f"审核规则{r['rule_code']}：{name}{r['period']}",
            r["message_zh"],
            "quality.violations",
            f"最近一次质量审核的{word}规则检查结果（问题所在报表、工作表与行见下）",
            returns=returns,
        )

    return ctx.tracer.rows(r["message_zh"], ("finding", severity, *key), make)


def more_note(ctx: Context, rest: pl.DataFrame, town) -> str:
    """另有N条，见质量报告: the hard findings the table leaves out, counted and traced."""
    items = [
        {"name": f"{town(r)}{r['period']}", "text": r["rule_code"]}
        for r in rest.iter_rows(named=True)
    ]
    what = f"硬性规则问题条数减去表中所列{MAX_FINDINGS}条"
    n = count(
        ctx, rest.height, "more", "未列出的硬性规则问题", "quality.violations", what, items, "问题"
    )
    text, spans = _format("另有{n}条，见质量报告（civstat check）", {"n": n})
    return Traced(text, spans) if spans else text


def findings_of(ctx: Context, severity: str) -> dict:
    df = ctx.r.finding_rows(ctx.year, ctx.quarter, severity)
    if df.is_empty():
        return {}
    return {
        (r["period"], r["division_code"], r["rule_code"], r["message_zh"]): r
        for r in df.iter_rows(named=True)
    }


def render(ctx: Context) -> Section:
    """数据说明. Every sentence is computed from the frames the tables below it print: the
    blocked returns from the hard findings, the soft warnings and their 说明 from theirs, the
    incomplete figures from the markers set while building the sections."""
    status = ctx.r.quality_status(ctx.year, ctx.quarter, ctx.codes)
    names = ctx.r.township_names(ctx.scope)
    published = set(status.filter(pl.col("status") == "published")["division_code"].to_list())
    reported = set(status["division_code"].to_list())
    quarter = f.CN_QUARTER[ctx.quarter]
    # the period's townships in force and those published (period_coverage), as the figures count
    # them: a township not yet in force (a 街道 set up later) is not one that failed to report
    now = ctx.coverage.filter((pl.col("year") == ctx.year) & (pl.col("quarter") == ctx.quarter))
    left_out = set(codes_of(now["townships_missing"][0])) if now.height else set(ctx.codes)
    in_force = [c for c in ctx.codes if c in reported or c in left_out]
    # not received, sent but refused at ingest (raw.quarantine) or withdrawn: said as the clerk would
    absent = {c: why for (c, q), why in ctx.absent_returns(ctx.year, in_force).items()
              if q == ctx.quarter}
    unsent = {c: ctx.return_reason(None, absent.get(c)) for c in in_force if c not in reported}
    not_now = [f"{names.get(c, c)}（{why}）" for c, why in unsent.items()]
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
    # a soft finding on a return the gate blocked was not published with it: counted apart
    blocked_keys = [f"{period}|{code}" for period, code in blocked]
    soft = soft.with_columns(
        on_blocked=pl.concat_str("period", "division_code", separator="|").is_in(blocked_keys))
    soft_published = soft.filter(~pl.col("on_blocked"))
    not_now += [
        f"{names.get(r['division_code'], r['division_name'])}（质量审核未通过）"
        for r in status.filter(pl.col("status") != "published").iter_rows(named=True)
        if r["division_code"] not in published and r["division_code"] not in in_table
    ]
    expected = now["townships_expected"][0] if now.height else len(ctx.codes)
    included = now["townships_included"][0] if now.height else len(published)
    explained = soft_published.filter(pl.col("explanation").is_not_null()).height
    short = [f"{label}{text}" if text.startswith(("不含", "未")) else f"{label}：{text}"
             for label, text in ctx.short_figures.items()]
    state = {r["division_code"]: r["status"] for r in status.iter_rows(named=True)}
    towns = [
        {"name": names.get(c, c), "text": STATUS.get(state.get(c)) or unsent.get(c, "")}
        for c in in_force
    ]
    cov = f"period_coverage（{ctx.year}年{quarter}）"
    expected_fig = count(
        ctx,
        expected,
        "expected",
        f"{quarter}应报乡镇（街道）",
        cov,
        "townships_expected：本期应报的乡镇（街道）",
        towns,
        "乡镇（街道）",
    )
    included_fig = count(
        ctx,
        included,
        "included",
        f"{quarter}已发布乡镇（街道）",
        cov,
        "townships_included：本期季报已发布、计入合计的乡镇（街道）",
        [t for t in towns if t["text"] == STATUS["published"]],
        "乡镇（街道）",
    )
    blocked_fig = count(
        ctx,
        len(blocked_items),
        "blocked",
        f"{ctx.year}年被质量审核拦截的季报",
        "quality.violations · quality_status",
        "被硬性规则拦截（quality_status.status = blocked）的乡镇（街道）季报份数",
        [
            {"name": f"{names.get(code, code)}{period}", "text": "审核规则" + "、".join(rules)}
            for (period, code), rules in blocked.items()
        ],
        "季报",
    )

    def soft_fig(rows: pl.DataFrame, key: str, what: str):
        items = [
            {
                "name": f"{names.get(r['division_code'], r['division_name'])}{r['period']}",
                "text": r["rule_code"],
            }
            for r in rows.iter_rows(named=True)
        ]
        return count(
            ctx,
            rows.height,
            key,
            f"质量审核提示：{what}",
            "quality_warnings",
            f"软性规则提示条数（{what}）",
            items,
            "提示",
        )

    has_note = pl.col("explanation").is_not_null()
    paras = clean(
        [
            partial_note(ctx, quarter) if ctx.partial_year else None,
            sentence(
                "data_notes.coverage",
                ctx.ph,
                cutoff=ctx.cutoff_text(),
                quarter=quarter,
                expected=expected_fig,
                published=included_fig,
            )
            if ctx.scope.is_aggregate
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
            *levels.county_notes(ctx, quarter),
            *levels.boundary_notes(ctx),
            sentence(
                "data_notes.blocked",
                ctx.ph,
                year=ctx.year,
                count=blocked_fig,
                items="、".join(blocked_items),
            )
            if blocked_items
            else None,
            sentence("data_notes.complete", ctx.ph)
            if ctx.scope.is_aggregate and not blocked_items and not not_now and included >= expected
            else None,
            *sheet_notes(ctx, quarter),
            sentence("data_notes.incomplete" if ctx.scope.is_aggregate
                     else "data_notes.incomplete_township", ctx.ph, items="；".join(short))
            if short else None,
            *denominator_notes(ctx, quarter),
            *(
                sentence(
                    "data_notes.no_comparison", ctx.ph, year=year, scope=ctx.scope_word, gap=gap,
                )
                for year, gap in ctx.no_comparison
            ),
            sentence(
                "data_notes.soft",
                ctx.ph,
                count=soft_fig(soft_published, "soft", "全部")
                if soft_published.height
                else None,
                explained=soft_fig(soft_published.filter(has_note), "explained", "已附说明")
                if explained
                else None,
                unexplained=soft_fig(soft_published.filter(~has_note), "unexplained", "未附说明")
                if soft_published.height - explained
                else None,
                blocked=soft_fig(soft.filter(pl.col("on_blocked")), "soft_blocked",
                                 "所在报表未通过审核")
                if soft.height > soft_published.height
                else None,
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
    hard_rows, soft_rows = findings_of(ctx, "hard"), findings_of(ctx, "soft")

    def town(r):
        return names.get(r["division_code"]) or r["division_name"] or r["division_code"]

    if hard.height:
        shown = hard.head(MAX_FINDINGS)
        tables.append(
            Table(
                "质量审核拦截（硬性规则）",
                ["报告期", "乡镇（街道）", "规则", "问题"],
                [
                    [
                        r["period"],
                        town(r),
                        r["rule_code"],
                        finding(ctx, r, hard_rows, "hard", town(r)),
                    ]
                    for r in shown.iter_rows(named=True)
                ],
                note=more_note(ctx, hard.tail(hard.height - shown.height), town)
                if hard.height > shown.height
                else None,
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
                        town(r),
                        r["rule_code"],
                        finding(ctx, r, soft_rows, "soft", town(r)),
                        (r["explanation"] or "（未说明）")
                        + ("；该期报表未通过硬性审核，未发布" if r["on_blocked"] else ""),
                    ]
                    for r in soft.iter_rows(named=True)
                ],
            )
        )
    return Section(ctx.ph["sections"]["data_notes"], "data-notes", paragraphs=paras, tables=tables)




def sheet_notes(ctx: Context, quarter: str) -> list[str | None]:
    """Each programme the builder left out, named once: nobody reported its sheet in the year
    (several in one sentence), nobody in the report's quarter, or every return of it held back;
    then each optional sheet only some townships reported, with their count."""
    county = ctx.scope.is_aggregate
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
                n=count(
                    ctx,
                    len(rep.year),
                    f"year-{prog.code}",
                    f"本年此前报送{sheet_name(prog)}的乡镇（街道）",
                    f"raw.{prog.sheet.table} · quality_status",
                    "本年各季报中填报该表的乡镇（街道）数",
                    [{"name": n, "text": "已填报"} for n in _names(ctx, rep.year)],
                    "乡镇（街道）",
                ),
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
        carried = bool(rep.year - rep.now) and _carried(prog)
        out.append(
            sentence(
                "data_notes.sheet_partial_carried" if carried else "data_notes.sheet_partial",
                ctx.ph,
                sheet=sheet_name(prog),
                quarter=quarter,
                expected=count(
                    ctx,
                    returned,
                    "returned",
                    f"{quarter}报送季报的乡镇（街道）",
                    "quality_status",
                    "本期报送季报（已发布或被拦截）的乡镇（街道）数",
                    [{"name": n, "text": "已报送"} for n in _names(ctx, ctx.returned())],
                    "乡镇（街道）",
                ),
                n=count(
                    ctx,
                    len(rep.now),
                    f"now-{prog.code}",
                    f"{quarter}填报{sheet_name(prog)}的乡镇（街道）",
                    f"raw.{prog.sheet.table} · quality_status",
                    "本期季报中填报该表的乡镇（街道）数",
                    [{"name": n, "text": "已填报"} for n in _names(ctx, rep.now)],
                    "乡镇（街道）",
                ),
                # filled in earlier this year, not now: its figures to date are in no sum (or,
                # of a sheet whose stocks carry over, its latest earlier figures are)
                dropped="、".join(_names(ctx, rep.year - rep.now)) or None,
            )
        )
        # who sent the quarter's return without the sheet: named (as the XLSX's 说明 names
        # them), in the same paragraph
        lacking = _names(ctx, ctx.returned() - set(rep.now) - set(ctx.period_missing))
        if lacking and out[-1]:  # one paragraph, its counts still traced
            more = sentence("data_notes.sheet_partial_lacking", ctx.ph, quarter=quarter,
                            items="、".join(lacking)) or ""
            out[-1] = join([(out[-1], spans_of(out[-1])), (more, spans_of(more))], "")
    return out


def _carried(prog) -> bool:
    """Whether the sheet's figures carry over from a township's latest earlier return of the
    year when it does not send the sheet (表15: int_committees_carried)."""
    return any((m.get("from") or {}).get("model") == "int_committees_carried"
               for m in prog.measures)


def _names(ctx: Context, codes) -> list[str]:
    names = ctx.r.division_names(sorted(codes))
    return [names.get(c, c) for c in sorted(codes)]


def partial_note(ctx: Context, quarter: str) -> str | None:
    """The year's summary stops at ``quarter``: why. The next quarter's return sent and then
    withdrawn (撤回), refused at ingest or held back by the gate — for every township of the
    scope alike (a township's own report: its return) — is said so; else its data are not yet
    published."""
    after = ctx.quarter + 1
    status = ctx.r.return_status(ctx.year, ctx.codes).filter(pl.col("quarter") == after)
    st = dict(status.select("division_code", "status").iter_rows())
    absent = ctx.absent_returns(ctx.year, ctx.codes)
    kinds = {
        ("blocked" if st.get(c) == "blocked" else absent.get((c, after)) or "missing",
         st.get(c), absent.get((c, after)))
        for c in ctx.codes
        if st.get(c) != "published"
    }
    if len(kinds) == 1 and (kind := next(iter(kinds)))[0] != "missing":
        why = ctx.return_reason(kind[1], kind[2], ctx.year, after)
        return sentence("data_notes.partial_why", ctx.ph, why=why, quarter=quarter)
    return sentence("data_notes.partial", ctx.ph, quarter=quarter)


def denominator_notes(ctx: Context, quarter: str) -> list[str | None]:
    """Each KPI left without a value (—) because townships gave its numerator and not the
    denominator of the same period (kpi_quarterly), naming them and both terms."""
    short = ctx.r.denominator_short(ctx.year, ctx.quarter, ctx.codes)
    if short.is_empty():
        return []
    formulas = ctx.r.kpi_formulas()
    names = ctx.r.division_names(sorted(set(short["division_code"].to_list())))
    by_kpi: dict[str, list[str]] = {}
    for code, kpi in short.select("division_code", "kpi_code").iter_rows():
        by_kpi.setdefault(kpi, []).append(names.get(code, code))
    order = {code: i for i, code in enumerate(ctx.defs)}  # the catalogue's order (dim_kpi)
    out: list[str | None] = []
    for kpi, towns in sorted(by_kpi.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        terms = formulas.get(kpi) or {}
        num, den = terms.get("numerator_measure"), terms.get("denominator_measure")
        out.append(
            sentence(
                "data_notes.no_denominator",
                ctx.ph,
                kpi=ctx.kname(kpi),
                when=f"{ctx.year}年{quarter}",
                items="、".join(towns),
                numerator=ctx.kname(num) if num else None,
                denominator=ctx.kname(den) if den else None,
            )
        )
    return out
