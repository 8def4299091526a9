"""``kind: disaster`` — 自然灾害 (events of the year up to the period): the toll, events by kind,
a chart per month and kind, the table of events, and the relief funds.

Blocks ``events`` and ``relief`` (headings ``summary.heading.events`` / ``.relief``); sentences
``summary``, ``none``, ``by_kind``, ``relief``; table ``events`` (8 columns); chart ``months``."""

from __future__ import annotations

import polars as pl

from civstat.contract import Programme
from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.context import Context, anchor, clean
from civstat.report.model import Block
from civstat.report.trace import join

RELIEF = "disaster_relief_per_affected"  # 人均救灾资金: over the events of the year's returns
SAME_EVENT = (
    "该事件最近一次列报的季报所填（各季报重复列报本年已发生的事件，同一乡镇、日期、灾种取最新一份；"
    "该份季报同日同灾种列有多行的，各行相加）"
)


def hazards(ev: pl.DataFrame, other: str) -> pl.DataFrame:
    """Events by kind, most frequent first (then by name); ``other`` (其他) last whatever its
    count: 按灾种分：暴雨洪涝9起、台风6起、…、其他1起."""
    return (
        ev.group_by("hazard_type")
        .agg(n=pl.len(), affected=pl.col("affected_persons").sum())
        .with_columns(is_other=pl.col("hazard_type") == other)
        .sort(["is_other", "n", "hazard_type"], descending=[False, True, False])
    )


def render(ctx: Context, prog: Programme) -> list[Block]:
    ev = ctx.r.disaster_events(ctx.year, ctx.quarter, ctx.codes)
    names = ctx.r.township_names(ctx.scope)
    ev = ev.with_columns(division_code=pl.col("current_division_code"))
    if ev.is_empty():
        paras = clean([ctx.say(prog, "none", span=ctx.span, scope=ctx.scope_word)])
        return [Block(ctx.heading(prog, "events"), anchor(prog, "events"), paras)]

    def s(col):
        return ev[col].sum() if col in ev.columns else None

    def fig(text, col: str, label: str):
        """A sum over the year's events so far (fct_disaster_losses), traced."""
        if col not in ev.columns:
            return text
        return ctx.sum_fig(text, prog, "fct_disaster_losses", col, label, upto=True)

    def count(n, label: str, **where):
        """A number of events (rows of fct_disaster_losses), traced to the townships."""
        mart = "fct_disaster_losses"
        return ctx.sum_fig(f.fmt_int(n), prog, mart, "*", label, upto=True, **where)

    by_kind = hazards(ev, ctx.ph["hazards"]["other"])
    kinds = join(
        [
            (f"{k}{n}起", [(len(k), len(k) + len(n), n.trace)])
            for k, n in (
                (
                    r["hazard_type"],
                    count(r["n"], f"{r['hazard_type']}（起）", hazard_type=r["hazard_type"]),
                )
                for r in by_kind.iter_rows(named=True)
            )
        ],
        "、",
    )
    paras = clean(
        [
            ctx.say(
                prog,
                "summary",
                span=ctx.span,
                scope=ctx.scope_word + ctx.events_mark(ctx.heading(prog, "events")),
                events=count(ev.height, "灾害事件（起）"),
                affected=fig(f.fmt_int(s("affected_persons")), "affected_persons", "受灾人口"),
                evacuated=fig(
                    f.fmt_int(s("evacuated_persons")), "evacuated_persons", "紧急转移安置人口"
                )
                if s("evacuated_persons")
                else None,
                crop_area=fig(
                    f.fmt_num(s("crop_area_mu"), 1, "亩"), "crop_area_mu", "农作物受灾面积"
                ),
                crop_failed=fig(
                    f.fmt_num(s("crop_failed_mu"), 1, "亩"), "crop_failed_mu", "农作物绝收面积"
                ),
                collapsed_households=fig(
                    f.fmt_int(s("collapsed_households")), "collapsed_households", "倒塌房屋户数"
                ),
                collapsed_rooms=fig(
                    f.fmt_int(s("collapsed_rooms")), "collapsed_rooms", "倒塌房屋间数"
                ),
                loss=fig(ctx.money.total(s("direct_loss")), "direct_loss", "直接经济损失"),
            ),
            ctx.say(prog, "by_kind", kinds=kinds),
        ]
    )
    ev = ev.with_columns(month=pl.col("event_date").dt.month())
    months = [f"{m}月" for m in range(1, ctx.quarter * 3 + 1)]
    series = {}
    for kind in by_kind["hazard_type"].to_list():
        counts = dict(ev.filter(pl.col("hazard_type") == kind).group_by("month").len().iter_rows())
        series[kind] = [counts.get(m, 0) for m in range(1, ctx.quarter * 3 + 1)]
    spec = ctx.chart_spec(prog, "months")
    charts = [
        ch.grouped_bar_chart(
            f"{prog.code}-months", spec.get("title") or prog.sheet.title, months, series, "起"
        )
    ]
    source = {
        x["event_id"]: x for x in ctx.r.event_rows(ev["event_id"].to_list()).iter_rows(named=True)
    }

    def cell(r: dict, text, col: str, label: str):
        """An event's own figure (its row of fct_disaster_losses), traced to its return's row."""
        what = f"{f.cn_date(r['event_date'])}{names.get(r['division_code'], '')}{r['hazard_type']}"

        def make():
            x = source.get(r["event_id"])
            item = x and {
                "file": x["file_path"],
                "table": prog.sheet.table,
                "sheet": x["source_sheet"],
                "rows": x["source_rows"],
            }
            returns = ctx.tracer.fixed_returns(("event", r["event_id"]), [item]) if x else None
            src = f"fct_disaster_losses.{col}"
            return ctx.tracer.record(f"{label}：{what}", text, src, SAME_EVENT, returns=returns)

        return ctx.tracer.rows(text, ("event", r["event_id"], col), make)

    rows = [
        [
            f.cn_date(r["event_date"]) if r["event_date"] else None,
            names.get(r["division_code"], r["division_code"]),
            r["hazard_type"],
            cell(r, f.fmt_int(r["affected_persons"]), "affected_persons", "受灾人口"),
            cell(r, f.fmt_num(r["crop_area_mu"], 1), "crop_area_mu", "农作物受灾面积"),
            cell(r, f.fmt_int(r.get("collapsed_rooms")), "collapsed_rooms", "倒塌房屋间数"),
            cell(r, ctx.money_cell(r["direct_loss"]), "direct_loss", "直接经济损失"),
            cell(r, ctx.money_cell(r.get("relief_funds")), "relief_funds", "救灾资金"),
        ]
        for r in ev.iter_rows(named=True)
    ]
    rows.append(
        [
            ctx.ph["tables"]["total"],
            None,
            None,
            fig(f.fmt_int(s("affected_persons")), "affected_persons", "受灾人口"),
            fig(f.fmt_num(s("crop_area_mu"), 1), "crop_area_mu", "农作物受灾面积"),
            fig(f.fmt_int(s("collapsed_rooms")), "collapsed_rooms", "倒塌房屋间数"),
            fig(ctx.money_cell(s("direct_loss")), "direct_loss", "直接经济损失"),
            fig(ctx.money_cell(s("relief_funds")), "relief_funds", "救灾资金")
            if "relief_funds" in ev.columns
            else None,
        ]
    )
    table = ctx.table(
        prog, "events", rows, numeric=[False, False, False, True, True, True, True, True]
    )
    events_notes = ctx.take_notes()
    relief = ctx.kpi(RELIEF) or {}
    relief_paras = clean(
        [
            ctx.say(
                prog,
                "relief",
                span=ctx.span,
                relief=fig(ctx.money.total(s("relief_funds")), "relief_funds", "救灾资金")
                if "relief_funds" in ev.columns
                else ctx.money.total(relief.get("numerator")),
                per_affected=ctx.tracer.figure(
                    f.fmt_yuan_level(relief.get("value"))
                    + ctx.events_mark(ctx.kname(RELIEF), RELIEF), RELIEF
                ) if relief.get("value") is not None else None,
            )
        ]
    )
    return [
        Block(
            ctx.heading(prog, "events"),
            anchor(prog, "events"),
            paras,
            [table],
            charts,
            notes=events_notes,
        ),
        Block(
            ctx.heading(prog, "relief"),
            anchor(prog, "relief"),
            relief_paras,
            notes=ctx.take_notes(),
        ),
    ]
