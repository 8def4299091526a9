"""Assemble the year-end summary (or a quarterly brief) from the marts.

The builder reads figures through :class:`~civstat.report.data.MartReader`, formats them
(:mod:`~civstat.report.formatting`), phrases them (:mod:`~civstat.report.phrases`) and returns
a :class:`~civstat.report.model.Report` that the writers render. All figures come from the
KPI and fact tables; the only arithmetic here is summing township facts to the county and
year-on-year differences of published KPIs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from civstat.report import charts as ch
from civstat.report import formatting as f
from civstat.report.data import MartReader, Scope
from civstat.report.model import Block, Report, Section, Sheet, Table
from civstat.report.phrases import load_phrases, sentence, text

CATEGORY_LABEL = {
    "dibao": {"urban": "城市低保", "rural": "农村低保"},
    "tekun": {"urban": "城市特困", "rural": "农村特困"},
}
MAX_FINDINGS = 40  # hard findings listed in 数据说明; the quality report has them all
MARK = "*"  # a figure built from an aggregate short of a township (footnoted)
RATE_UNITS = {"ratio", "rate", "%", "比率", "比例", "百分比", "fraction", ""}


@dataclass
class Options:
    year: int
    quarter: int | None = None  # None: Q4, or the latest quarter published
    division: str | None = None  # None: the county
    money_unit: str = "元"


def _num(v):
    return None if v is None else v


class Builder:
    def __init__(self, reader: MartReader, opts: Options):
        self.r = reader
        self.o = opts
        self.ph = load_phrases()
        self.money = f.MoneyFormat(opts.money_unit)
        self.scope: Scope = reader.scope(opts.division)
        self.codes = list(self.scope.township_codes)
        present = reader.periods_present(opts.year, self.codes)
        if not present:
            raise LookupError(
                f"{self.scope.division_name}{opts.year}年没有已发布的数据 / "
                f"no published data for {opts.year}"
            )
        if opts.quarter is None:
            self.quarter = max(present)
            self.partial_year = self.quarter < 4
        else:
            if opts.quarter not in present:
                raise LookupError(
                    f"{opts.year}年第{opts.quarter}季度没有已发布的数据 / "
                    f"no published data for {opts.year}Q{opts.quarter}"
                )
            self.quarter = opts.quarter
            self.partial_year = False
        self.annual = opts.quarter is None or opts.quarter == 4
        self.year = opts.year
        self.span = f.period_span(self.quarter)
        self.period_end = (
            f"{self.year}年{'年底' if self.quarter == 4 else f.CN_QUARTER[self.quarter] + '末'}"
        )
        self.scope_word = "全县" if self.scope.is_county else self.scope.division_name
        self.defs = reader.kpi_definitions()
        self._kpi_frames()
        self._notes: list[str] = []  # footnotes of the block being built
        self._short: dict[str, str] = {}  # incomplete figure → who it lacks (for 数据说明)
        self.coverage = reader.coverage([self.year - 1, self.year], self.scope.division_code)
        now = self.coverage.filter(
            (pl.col("year") == self.year) & (pl.col("quarter") == self.quarter)
        )
        self.period_missing: list[str] = (
            _codes(now["townships_missing"][0])
            if now.height and now["complete"][0] is False
            else []
        )

    # -- KPI access -------------------------------------------------------------------------
    def _kpi_frames(self) -> None:
        if self.scope.is_county:
            self.siblings = self.codes
        else:
            county = self.r.county_of(self.scope.division_code)
            self.siblings = list(self.r.scope(county).township_codes) if county else self.codes
        want = list({self.scope.division_code, *self.siblings})
        self.k_now = self.r.kpis(self.year, self.quarter, want)
        self.k_prev = self.r.kpis(self.year - 1, self.quarter, [self.scope.division_code])

    def _row(self, frame: pl.DataFrame, code: str, division: str | None = None) -> dict | None:
        d = division or self.scope.division_code
        rows = frame.filter((pl.col("division_code") == d) & (pl.col("kpi_code") == code))
        return rows.row(0, named=True) if rows.height else None

    def kpi(self, code: str) -> dict | None:
        return self._row(self.k_now, code)

    def kval(self, code: str, prev: bool = False):
        row = self._row(self.k_prev if prev else self.k_now, code)
        return row["value"] if row else None

    def is_rate(self, code: str) -> bool:
        unit = (self.defs.get(code) or {}).get("unit")
        if unit is None:
            row = self.kpi(code)
            unit = row["unit"] if row else ""
        return (unit or "").strip().lower() in RATE_UNITS

    def kname(self, code: str) -> str:
        d = self.defs.get(code) or self.kpi(code) or {}
        return d.get("kpi_name_zh") or code

    def kfmt(self, code: str, value=None, *, use=True) -> str | None:
        own = use and value is None
        v = self.kval(code) if own else value
        if v is None:
            return None
        if self.is_rate(code):
            text = f.fmt_pct(v)
        else:
            unit = (
                (self.defs.get(code) or {}).get("unit") or (self.kpi(code) or {}).get("unit") or ""
            )
            text = f.fmt_num(round(v, 1), 1, unit)
        return self.marked(text, code) if own else text

    # -- coverage: a figure short of a township carries MARK and a footnote -------------------
    def missing_text(self, codes: list[str], year: int, quarter: int) -> str:
        """'不含杨庄镇（2025年二季度数据未通过审核）': who is left out and why — the return of the
        quarter, or (figures accumulated over the year) the first earlier one not published."""
        names = self.r.division_names(codes)
        status = self.r.return_status(year, codes)
        parts = []
        for code in codes:
            st = dict(
                status.filter(pl.col("division_code") == code)
                .select("quarter", "status")
                .iter_rows()
            )
            reason = None
            for q in [quarter, *range(1, quarter)]:
                if st.get(q) != "published":
                    what = "数据未通过审核" if st.get(q) == "blocked" else "未报送"
                    reason = f"{year}年{f.CN_QUARTER[q]}{what}"
                    break
            name = names.get(code, code)
            parts.append(f"{name}（{reason}）" if reason else name)
        return "不含" + "、".join(parts)

    def flag(self, label: str, missing: list[str], year: int, quarter: int) -> str:
        """Record the footnote of an incomplete figure; returns the marker to print after it."""
        text = self.missing_text(missing, year, quarter)
        note = f"{MARK} {label}：{text}"
        if note not in self._notes:
            self._notes.append(note)
        self._short.setdefault(label, text)
        return MARK

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def kmark(self, code: str) -> str:
        """MARK when the scope's KPI is short of a township (kpi_* ``complete`` is false)."""
        row = self.kpi(code)
        if not row or row.get("complete") is not False:
            return ""
        return self.flag(
            self.kname(code), _codes(row["townships_missing"]), self.year, self.quarter
        )

    def marked(self, text: str | None, code: str) -> str | None:
        return None if text is None else text + self.kmark(code)

    def fact_mark(self) -> str:
        """MARK on sums of township facts when the period's returns are short of a township."""
        if not self.period_missing:
            return ""
        return self.flag(
            self.sum_label(self.year, self.quarter), self.period_missing, self.year, self.quarter
        )

    def sum_label(self, year: int, quarter: int) -> str:
        return f"{year}年{f.CN_QUARTER[quarter]}{self.scope_word}合计"

    def pp(self, code: str) -> str | None:
        return f.pp_change(self.kval(code), self.kval(code, prev=True), self.ph["words"]["pp"])

    # -- rankings ---------------------------------------------------------------------------
    def ranking(self, code: str) -> list[tuple[str, str, float]]:
        """(code, name, value) of the townships, best (highest) first."""
        df = (
            self.k_now.filter(pl.col("kpi_code") == code)
            .filter(pl.col("division_code").is_in(self.siblings))
            .filter(pl.col("value").is_not_null())
            .sort(["value", "division_code"], descending=[True, False])
        )
        return [
            (r["division_code"], r["division_name"], r["value"]) for r in df.iter_rows(named=True)
        ]

    def ranking_varies(self, code: str) -> bool:
        """False when the top and bottom values are equal as printed: no ranking to speak of."""
        rows = self.ranking(code)
        return len(rows) >= 2 and self.kfmt(code, rows[0][2]) != self.kfmt(code, rows[-1][2])

    def ranking_chart(self, code: str) -> ch.Chart | None:
        rows = self.ranking(code)
        if not self.ranking_varies(code):
            return None
        highlight = None if self.scope.is_county else self.scope.division_name
        return ch.ranking_chart(
            f"rank-{code}",
            f"各乡镇（街道）{self.kname(code)}",
            [n for _, n, _ in rows],
            [v for _, _, v in rows],
            None if self.is_rate(code) else (self.defs.get(code) or {}).get("unit"),
            percent=self.is_rate(code),
            highlight=highlight,
        )

    def ranking_sentence(self, code: str) -> str | None:
        rows = self.ranking(code)
        if not self.ranking_varies(code):
            return None
        if self.scope.is_county:
            return sentence(
                "ranking.leader",
                self.ph,
                kpi=self.kname(code),
                first=rows[0][1],
                first_value=self.kfmt(code, rows[0][2]),
                last=rows[-1][1],
                last_value=self.kfmt(code, rows[-1][2]),
            )
        pos = [i for i, (c, _, _) in enumerate(rows, 1) if c == self.scope.division_code]
        if not pos:
            return None
        return sentence(
            "ranking.position",
            self.ph,
            kpi=self.kname(code),
            value=self.kfmt(code),
            n=len(rows),
            rank=pos[0],
        )

    # -- sections ---------------------------------------------------------------------------
    def build(self) -> Report:
        sections = [
            self.social_assistance(),
            self.disaster(),
            self.welfare(),
            self.youfu(),
            self.targets(),
            self.data_notes(),
        ]
        name = self.scope.division_name
        quarter_label = f.CN_QUARTER[self.quarter] if self.annual else f"第{self.quarter}季度"
        if self.annual:
            title = text("titles.annual", self.ph, division=name, year=self.year)
            subtitle = (
                text("titles.subtitle_annual", self.ph, year=self.year)
                if not self.partial_year
                else text(
                    "titles.subtitle_quarterly", self.ph, year=self.year, month=self.quarter * 3
                )
            )
            stem = f"年度民政工作总结_{self.year}_{safe_name(name)}"
        else:
            title = text(
                "titles.quarterly",
                self.ph,
                division=name,
                year=self.year,
                quarter_label=quarter_label,
            )
            subtitle = text(
                "titles.subtitle_quarterly", self.ph, year=self.year, month=self.quarter * 3
            )
            stem = f"民政工作简报_{self.year}Q{self.quarter}_{safe_name(name)}"
        return Report(
            title=title,
            subtitle=subtitle,
            division_code=self.scope.division_code,
            division_name=name,
            division_level=self.scope.level,
            year=self.year,
            quarter=self.quarter,
            money_unit=self.money.unit,
            generated_at=dt.datetime.now().strftime("%Y年%m月%d日 %H:%M"),
            cutoff=self.cutoff_text(),
            sections=sections,
            sheets=self.sheets(),
            file_stem=stem,
        )

    def cutoff_text(self) -> str:
        return (
            self.r.cutoff(self.year, self.quarter) or f"{self.year}年{f.CN_QUARTER[self.quarter]}"
        )

    def _money_col(self) -> str:
        return f"资金（{self.money.unit}）"

    def social_assistance(self) -> Section:
        rec = self.r.recipients(self.year, self.quarter, self.codes)
        funds = self.r.funds(self.year, self.quarter, self.codes)
        stds = self.r.standards(self.year, self.quarter, self.scope.division_code)
        cases = self.r.cases(self.year, self.quarter, self.codes)

        def fund(prog, cat=None):
            df = funds.filter(pl.col("programme") == prog)
            if cat:
                df = df.filter(pl.col("category") == cat)
            return df["funds_ytd"].sum() if df.height else None

        # (一) 低保
        dibao = rec.filter(pl.col("programme") == "dibao")
        paras = [
            sentence(
                "dibao.summary",
                self.ph,
                period_end=self.period_end,
                scope=self.scope_word + self.fact_mark(),
                households=f.fmt_int(dibao["households"].sum()),
                persons=f.fmt_int(dibao["persons"].sum()),
                span=self.span,
                funds=self.money.total(fund("dibao")),
            )
        ]
        rows = []
        for cat in ("urban", "rural"):
            label = CATEGORY_LABEL["dibao"][cat]
            c = dibao.filter(pl.col("category") == cat)
            if c.is_empty():
                continue
            c = c.row(0, named=True)
            std_now = self.standard_row(stds, cat, self.year)
            std_text = self.standard_text(std_now)
            std_change = self.standard_change(std_now, self.standard_row(stds, cat, self.year - 1))
            paras += [
                sentence(
                    "dibao.category",
                    self.ph,
                    label=label,
                    period_end=self.period_end,
                    households=f.fmt_int(c["households"]),
                    persons=f.fmt_int(c["persons"]),
                    span=self.span,
                    new_households=f.fmt_int(c["new_households"]),
                    new_persons=f.fmt_int(c["new_persons"]),
                    exited_households=f.fmt_int(c["exited_households"]),
                    exited_persons=f.fmt_int(c["exited_persons"]),
                    funds=self.money.total(fund("dibao", cat)),
                ),
                sentence(
                    "dibao.standard",
                    self.ph,
                    label=label,
                    standard=None if std_change["standard_to"] else std_text,
                    **std_change,
                    standard_growth=f.growth_rate(
                        self.kval(f"dibao_standard_growth_{cat}"), self.ph["words"]["growth"]
                    ),
                ),
                sentence(
                    "dibao.per_capita",
                    self.ph,
                    label=label,
                    per_capita=self.marked(
                        f.fmt_yuan_level(self.kval(f"dibao_monthly_per_capita_{cat}")),
                        f"dibao_monthly_per_capita_{cat}",
                    ),
                    coverage=self.marked(
                        f.fmt_pct(self.kval(f"dibao_coverage_rate_{cat}")),
                        f"dibao_coverage_rate_{cat}",
                    ),
                    coverage_change=self.pp(f"dibao_coverage_rate_{cat}"),
                ),
            ]
            rows.append(
                [
                    label,
                    f.fmt_int(c["households"]),
                    f.fmt_int(c["persons"]),
                    f.fmt_int(c["new_persons"]),
                    f.fmt_int(c["exited_persons"]),
                    self._money_cell(fund("dibao", cat)),
                    std_text or "—",
                    self.marked(
                        f.fmt_yuan_level(self.kval(f"dibao_monthly_per_capita_{cat}")),
                        f"dibao_monthly_per_capita_{cat}",
                    )
                    or "—",
                    self.marked(
                        f.fmt_pct(self.kval(f"dibao_coverage_rate_{cat}")),
                        f"dibao_coverage_rate_{cat}",
                    )
                    or "—",
                ]
            )
        table = Table(
            f"表1 城乡最低生活保障情况（{self.span}）{self.fact_mark()}",
            [
                "类别",
                "期末户数",
                "期末人数",
                "新增人数",
                "退出人数",
                self._money_col(),
                "保障标准",
                "月人均补助",
                "覆盖率",
            ],
            rows,
            numeric=[False] + [True] * 8,
        )
        charts = [self.dibao_trend()]
        rank = self.ranking_chart("dibao_coverage_rate_rural")
        if rank:
            charts.append(rank)
            paras.append(self.ranking_sentence("dibao_coverage_rate_rural"))
        b_dibao = Block(
            self.ph["subsections"]["dibao"],
            "dibao",
            _clean(paras),
            [table],
            [c for c in charts if c],
            notes=self.take_notes(),
        )

        # (二) 特困
        tk = rec.filter(pl.col("programme") == "tekun")
        centralized, dispersed = tk["centralized"].sum(), tk["dispersed"].sum()
        paras = _clean(
            [
                sentence(
                    "tekun.summary",
                    self.ph,
                    persons=f.fmt_int(tk["persons"].sum()),
                    centralized=f.fmt_int(centralized),
                    dispersed=f.fmt_int(dispersed),
                    span=self.span,
                    funds=self.money.total(fund("tekun")),
                ),
                sentence(
                    "tekun.rate",
                    self.ph,
                    rate=self.kfmt("tekun_centralized_rate"),
                    rate_change=self.pp("tekun_centralized_rate"),
                ),
                self.ranking_sentence("tekun_centralized_rate"),
            ]
        )
        charts = [
            ch.composition_chart(
                "tekun-composition",
                "特困人员供养方式构成",
                ["集中供养", "分散供养"],
                [centralized, dispersed],
                "人",
            )
        ]
        rank = self.ranking_chart("tekun_centralized_rate")
        if rank:
            charts.append(rank)
        b_tekun = Block(
            self.ph["subsections"]["tekun"], "tekun", paras, [], charts, notes=self.take_notes()
        )

        # (三) 临时救助, (四) 医疗救助: counts are the KPIs' numerators/denominators
        b_temp = Block(
            self.ph["subsections"]["temp_assist"],
            "temp-assist",
            _clean(
                [
                    sentence(
                        "temp_assist.summary",
                        self.ph,
                        span=self.span,
                        household_times=f.fmt_int(cases["temp_household_times"]),
                        person_times=f.fmt_int(cases["temp_person_times"]),
                        funds=self.money.total(fund("temp_assist")),
                        per_case=self.marked(
                            f.fmt_yuan_level(self.kval("temp_assist_per_case")),
                            "temp_assist_per_case",
                        ),
                    )
                ]
            ),
            notes=self.take_notes(),
        )
        b_med = Block(
            self.ph["subsections"]["med_assist"],
            "med-assist",
            _clean(
                [
                    sentence(
                        "med_assist.summary",
                        self.ph,
                        span=self.span,
                        insured_persons=f.fmt_int(cases["med_insured_persons"]),
                        insured_funds=self.money.total(fund("med_assist_insurance")),
                        direct_times=f.fmt_int(cases["med_direct_times"]),
                        direct_funds=self.money.total(fund("med_assist_direct")),
                        per_case=self.marked(
                            f.fmt_yuan_level(self.kval("med_assist_per_case")),
                            "med_assist_per_case",
                        ),
                    )
                ]
            ),
            notes=self.take_notes(),
        )
        return Section(
            self.ph["sections"]["social_assistance"],
            "social-assistance",
            blocks=[b_dibao, b_tekun, b_temp, b_med],
        )

    def standard_row(self, std: pl.DataFrame, cat: str, year: int) -> dict | None:
        if std.is_empty():
            return None
        rows = std.filter((pl.col("category") == cat) & (pl.col("year") == year))
        return rows.row(0, named=True) if rows.height else None

    def standard_text(self, r: dict | None) -> str | None:
        """The standard in the unit its townships used: '3,300元/人·年', '650元/人·月', or the
        range across townships ('3,300—3,600元/人·年'); mixed units are stated monthly."""
        if r is None:
            return None
        unit = r["standard_unit"]
        lo, hi = r["standard_min"], r["standard_max"]
        if lo is None or hi is None or f.fmt_reported(lo) == f.fmt_reported(hi):
            return f.fmt_reported(r["standard"], unit)
        return f"{f.fmt_reported(lo)}—{f.fmt_reported(hi, unit)}"

    def standard_change(self, now: dict | None, before: dict | None) -> dict[str, str | None]:
        """'由3,000元/人·年提高到3,300元/人·年' when both year-ends are single figures in one unit."""
        out: dict[str, str | None] = {"standard_from": None, "standard_to": None}
        if now is None or before is None or now["standard_unit"] != before["standard_unit"]:
            return out
        a, b = self.standard_text(before), self.standard_text(now)
        if a is None or b is None or "—" in a or "—" in b or a == b:
            return out
        if now["standard"] > before["standard"]:
            return {"standard_from": a, "standard_to": b}
        return out

    def _money_cell(self, yuan) -> str:
        return self.money.cell(yuan) or "—"

    def dibao_trend(self) -> ch.Chart | None:
        years = [self.year - 1, self.year]
        df = self.r.recipients_series(years, self.codes).filter(pl.col("programme") == "dibao")
        if df.is_empty():
            return None
        df = df.with_columns(period=pl.format("{}Q{}", pl.col("year"), pl.col("quarter")))
        periods = sorted(df["period"].unique().to_list())
        series = {}
        for cat in ("urban", "rural"):
            d = dict(df.filter(pl.col("category") == cat).select("period", "persons").iter_rows())
            series[CATEGORY_LABEL["dibao"][cat]] = [d.get(p) for p in periods]
        labels = []
        for period in periods:  # a point summed over fewer townships than expected is marked
            cov = self.coverage.filter(pl.col("period") == period)
            short = cov.height and cov["complete"][0] is False
            labels.append(
                period
                + (
                    self.flag(
                        self.sum_label(int(period[:4]), int(period[-1])),
                        _codes(cov["townships_missing"][0]),
                        int(period[:4]),
                        int(period[-1]),
                    )
                    if short
                    else ""
                )
            )
        return ch.trend_chart("dibao-trend", "城乡低保人数季度变化", labels, series, "人")

    def disaster(self) -> Section:
        ev = self.r.disaster_events(self.year, self.quarter, self.codes)
        names = self.r.township_names(self.scope)
        ev = ev.with_columns(division_code=pl.col("current_division_code"))
        if ev.is_empty():
            paras = _clean(
                [sentence("disaster.none", self.ph, span=self.span, scope=self.scope_word)]
            )
            return Section(
                self.ph["sections"]["disaster"],
                "disaster",
                blocks=[Block(self.ph["subsections"]["disaster_events"], "disaster-events", paras)],
            )

        def s(col):
            return ev[col].sum() if col in ev.columns else None

        by_kind = (
            ev.group_by("hazard_type")
            .agg(n=pl.len(), affected=pl.col("affected_persons").sum())
            .sort(["n", "hazard_type"], descending=[True, False])
        )
        kinds = "、".join(f"{r['hazard_type']}{r['n']}起" for r in by_kind.iter_rows(named=True))
        paras = _clean(
            [
                sentence(
                    "disaster.summary",
                    self.ph,
                    span=self.span,
                    scope=self.scope_word + self.fact_mark(),
                    events=f.fmt_int(ev.height),
                    affected=f.fmt_int(s("affected_persons")),
                    evacuated=f.fmt_int(s("evacuated_persons")) if s("evacuated_persons") else None,
                    crop_area=f.fmt_num(s("crop_area_mu"), 1, "亩"),
                    crop_failed=f.fmt_num(s("crop_failed_mu"), 1, "亩"),
                    collapsed_households=f.fmt_int(s("collapsed_households")),
                    collapsed_rooms=f.fmt_int(s("collapsed_rooms")),
                    loss=self.money.total(s("direct_loss")),
                ),
                sentence("disaster.by_kind", self.ph, kinds=kinds),
            ]
        )
        ev = ev.with_columns(month=pl.col("event_date").dt.month())
        months = [f"{m}月" for m in range(1, self.quarter * 3 + 1)]
        series = {}
        for kind in by_kind["hazard_type"].to_list():
            counts = dict(
                ev.filter(pl.col("hazard_type") == kind).group_by("month").len().iter_rows()
            )
            series[kind] = [counts.get(m, 0) for m in range(1, self.quarter * 3 + 1)]
        charts = [
            ch.grouped_bar_chart(
                "disaster-months", "自然灾害发生次数（按月、灾种）", months, series, "起"
            )
        ]
        rows = [
            [
                str(r["event_date"]),
                names.get(r["division_code"], r["division_code"]),
                r["hazard_type"],
                f.fmt_int(r["affected_persons"]),
                f.fmt_num(r["crop_area_mu"], 1),
                f.fmt_int(r.get("collapsed_rooms")) or "—",
                self._money_cell(r["direct_loss"]),
                self._money_cell(r.get("relief_funds")),
            ]
            for r in ev.iter_rows(named=True)
        ]
        table = Table(
            "表2 自然灾害情况",
            [
                "发生日期",
                "乡镇（街道）",
                "灾害种类",
                "受灾人口（人）",
                "农作物受灾面积（亩）",
                "倒塌房屋（间）",
                f"直接经济损失（{self.money.unit}）",
                f"下拨救灾资金（{self.money.unit}）",
            ],
            rows,
            numeric=[False, False, False, True, True, True, True, True],
        )
        events_notes = self.take_notes()
        relief = self.kpi("disaster_relief_per_affected") or {}
        relief_paras = _clean(
            [
                sentence(
                    "disaster.relief",
                    self.ph,
                    span=self.span,
                    relief=self.money.total(
                        s("relief_funds")
                        if "relief_funds" in ev.columns
                        else relief.get("numerator")
                    ),
                    per_affected=self.marked(
                        f.fmt_yuan_level(relief.get("value")), "disaster_relief_per_affected"
                    ),
                )
            ]
        )
        return Section(
            self.ph["sections"]["disaster"],
            "disaster",
            blocks=[
                Block(
                    self.ph["subsections"]["disaster_events"],
                    "disaster-events",
                    paras,
                    [table],
                    charts,
                    notes=events_notes,
                ),
                Block(
                    self.ph["subsections"]["disaster_relief"],
                    "disaster-relief",
                    relief_paras,
                    notes=self.take_notes(),
                ),
            ],
        )

    def welfare(self) -> Section:
        inst = self.r.eldercare(self.year, self.quarter, self.codes)

        def s(col):
            return inst[col].sum() if inst.height and col in inst.columns else None

        paras = _clean(
            [
                sentence(
                    "eldercare.summary",
                    self.ph,
                    period_end=self.period_end,
                    scope=self.scope_word + self.fact_mark(),
                    institutions=f.fmt_int(inst.height),
                    beds=f.fmt_int(s("beds")),
                    nursing_beds=f.fmt_int(s("nursing_beds")),
                    nursing_share=self.kfmt("nursing_bed_share"),
                    residents=f.fmt_int(s("residents")),
                    occupancy=self.kfmt("bed_occupancy_rate"),
                    staff=f.fmt_int(s("staff")),
                    trained=f.fmt_int(s("trained_caregivers")),
                    training_rate=self.kfmt("caregiver_training_rate"),
                ),
                sentence(
                    "eldercare.beds_per_1000",
                    self.ph,
                    beds_per_1000=f.fmt_num(_round(self.kval("beds_per_1000_elderly"), 1), 1),
                ),
                self.ranking_sentence("nursing_bed_share"),
            ]
        )
        charts = []
        if inst.height and "institution_type" in inst.columns:
            by_type = (
                inst.group_by("institution_type").agg(pl.col("beds").sum()).sort("institution_type")
            )
            charts.append(
                ch.composition_chart(
                    "eldercare-beds",
                    "养老床位按机构类型构成",
                    by_type["institution_type"].to_list(),
                    by_type["beds"].to_list(),
                    "张",
                )
            )
        rank = self.ranking_chart("nursing_bed_share")
        if rank:
            charts.append(rank)
        elder_notes = self.take_notes()
        wf = self.r.welfare(self.year, self.quarter, self.codes)
        if wf["n"]:
            wparas = _clean(
                [
                    sentence(
                        "welfare_subsidies.summary",
                        self.ph,
                        span=self.span,
                        high_age_persons=f.fmt_int(wf["high_age_persons"]),
                        high_age_funds=self.money.total(wf["high_age_funds"]),
                        disability_funds=self.money.total(wf["disability_funds"]),
                        uptake=self.kfmt("disability_subsidy_uptake_rate"),
                    )
                ]
            )
        else:
            wparas = _clean([sentence("welfare_subsidies.none", self.ph)])
        return Section(
            self.ph["sections"]["welfare"],
            "welfare",
            blocks=[
                Block(
                    self.ph["subsections"]["eldercare"],
                    "eldercare",
                    paras,
                    [],
                    charts,
                    notes=elder_notes,
                ),
                Block(
                    self.ph["subsections"]["welfare_subsidies"],
                    "welfare-subsidies",
                    wparas,
                    notes=self.take_notes(),
                ),
            ],
        )

    def placement_rate(self, v: dict) -> str | None:
        """退役士兵安置率, unless it is 100 % by construction: without 待安置 the rate is
        安排工作 ÷ (接收 − 自主就业), which is 100 % whenever the return balances."""
        value = self.kval("veteran_placement_rate")
        if value is None or (not v.get("n_pending") and round(value, 3) >= 1.0):
            return None
        return self.kfmt("veteran_placement_rate")

    def youfu(self) -> Section:
        v = self.r.veterans(self.year, self.quarter, self.codes)
        entitled = _clean(
            [
                sentence(
                    "youfu.entitled",
                    self.ph,
                    scope=self.scope_word,
                    span=self.span,
                    entitled=f.fmt_int(v["entitled_persons"]),
                    pension_funds=self.money.total(v["pension_funds"]),
                    conscript_families=f.fmt_int(v["conscript_families"]),
                    conscript_funds=self.money.total(v["conscript_funds"]),
                )
            ]
        )
        veterans = _clean(
            [
                sentence(
                    "youfu.veterans",
                    self.ph,
                    span=self.span,
                    received=f.fmt_int(v["received"]),
                    placed=f.fmt_int(v["placed"]),
                    self_employed=f.fmt_int(v["self_employed"]),
                    trained=f.fmt_int(v["trained"]),
                    pending=f.fmt_int(v.get("pending")) if v.get("n_pending") else None,
                    placement_rate=self.placement_rate(v),
                    training_rate=self.kfmt("veteran_training_rate"),
                    grants=self.money.total(v["grants"]),
                ),
                self.ranking_sentence("veteran_placement_rate")
                if self.placement_rate(v) is not None or self.scope.is_county
                else None,
            ]
        )
        charts = []
        if v["received"]:
            charts.append(
                ch.composition_chart(
                    "veterans-composition",
                    "本年接收退役士兵去向",
                    ["安排工作", "自主就业"],
                    [v["placed"], v["self_employed"]],
                    "人",
                )
            )
        return Section(
            self.ph["sections"]["youfu"],
            "youfu",
            blocks=[
                Block(self.ph["subsections"]["youfu_entitled"], "youfu-entitled", entitled),
                Block(
                    self.ph["subsections"]["youfu_veterans"],
                    "youfu-veterans",
                    veterans,
                    [],
                    charts,
                    notes=self.take_notes(),
                ),
            ],
        )

    def _target_value(self, code: str, v) -> str:
        return self.kfmt(code, v) if v is not None else "—"

    def _gap(self, code: str, gap) -> str:
        if gap is None:
            return "—"
        if self.is_rate(code):
            return f"{gap * 100:+.1f}个百分点"
        return f"{gap:+,.1f}"

    def targets(self) -> Section:
        pc = self.r.plan_completion(self.year, self.scope.division_code)
        words = self.ph["words"]
        if pc.is_empty():
            return Section(
                self.ph["sections"]["targets"],
                "targets",
                paragraphs=_clean([sentence("targets.none", self.ph, year=self.year)]),
            )
        rows, missed = [], []
        if not self.annual:  # a quarterly brief: year-to-date value against the annual target
            pc = pc.with_columns(
                actual=pl.lit(None, pl.Float64),
                achieved=pl.lit(None, pl.Boolean),
                gap=pl.lit(None, pl.Float64),
            )
        for r in pc.iter_rows(named=True):
            code = r["kpi_code"]
            if not self.annual:
                r["actual"] = self.kval(code)
            status = (
                words["in_progress"]
                if not self.annual
                else words["no_data"]
                if r["achieved"] is None
                else (words["achieved"] if r["achieved"] else words["not_achieved"])
            )
            if r["achieved"] is False:
                missed.append(
                    f"{r['kpi_name_zh']}（目标{self._target_value(code, r['target'])}，"
                    f"实际{self._target_value(code, r['actual'])}）"
                )
            rows.append(
                [
                    r["kpi_name_zh"],
                    f"{r['comparison']} {self._target_value(code, r['target'])}",
                    self._target_value(code, r["actual"])
                    + (self.kmark(code) if r["actual"] is not None else ""),
                    status,
                    self._gap(code, r["gap"]),
                    r.get("source") or "",
                ]
            )
        n_ok = sum(1 for r in pc.iter_rows(named=True) if r["achieved"])
        paras = _clean(
            [
                sentence(
                    "targets.summary",
                    self.ph,
                    year=self.year,
                    total=str(pc.height),
                    achieved=str(n_ok),
                    missed=str(len(missed)),
                ),
                sentence("targets.missed", self.ph, items="；".join(missed))
                if missed
                else sentence("targets.all_achieved", self.ph),
            ]
        )
        table = Table(
            f"表3 {self.year}年度目标完成情况",
            ["指标", "目标", "实际", "完成情况", "差距", "依据"],
            rows,
            numeric=[False, True, True, False, True, False],
            note="；".join(self.take_notes()) or None,
        )
        if not self.annual:
            paras = _clean(
                [
                    sentence(
                        "targets.in_progress",
                        self.ph,
                        year=self.year,
                        total=str(pc.height),
                        span=self.span,
                    )
                ]
            )
        return Section(
            self.ph["sections"]["targets"],
            "targets",
            paragraphs=paras,
            tables=[table],
            blocks=[b for b in [self.township_table()] if b],
        )

    def township_table(self) -> Block | None:
        """County report: the main KPIs side by side for every township."""
        codes = [c for c in self.ph["township_table_kpis"] if c in self.defs]
        if not self.scope.is_county or not codes:
            return None
        town = self.k_now.filter(pl.col("division_code").is_in(self.siblings))
        if town.is_empty():
            return None
        names = self.r.township_names(self.scope)
        rows = []
        for dcode in self.siblings:
            row = [names.get(dcode, dcode)]
            for code in codes:
                row.append(self.kfmt(code, _val(town, dcode, code), use=False) or "—")
            rows.append(row)
        table = Table(
            f"表 各乡镇（街道）主要指标（{self.span}）",
            ["乡镇（街道）", *(self.kname(c) for c in codes)],
            rows,
            numeric=[False] + [True] * len(codes),
        )
        return Block(self.ph["subsections"]["township_table"], "township-table", [], [table])

    def data_notes(self) -> Section:
        """数据说明. Every sentence is computed from the frames the tables below it print: the
        blocked returns from the hard findings (表4), the soft warnings and their 说明 from
        表5, the incomplete figures from the markers set while building the sections."""
        status = self.r.quality_status(self.year, self.quarter, self.codes)
        names = self.r.township_names(self.scope)
        published = set(status.filter(pl.col("status") == "published")["division_code"].to_list())
        reported = set(status["division_code"].to_list())
        quarter = f.CN_QUARTER[self.quarter]
        not_now = [f"{names.get(c, c)}（未报送）" for c in self.codes if c not in reported]
        hard = self.r.hard_violations(self.year, self.quarter, self.codes)
        soft = self.r.soft_warnings(self.year, self.quarter, self.codes)
        blocked: dict[tuple[str, str], list[str]] = {}
        for r in hard.iter_rows(named=True):
            key = (r["period"], r["division_code"])
            blocked.setdefault(key, [])
            if r["rule_code"] not in blocked[key]:
                blocked[key].append(r["rule_code"])
        blocked_items = [
            f"{names.get(code) or self.r.division_names([code]).get(code, code)}"
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
        now = self.coverage.filter(
            (pl.col("year") == self.year) & (pl.col("quarter") == self.quarter)
        )
        expected = now["townships_expected"][0] if now.height else len(self.codes)
        included = now["townships_included"][0] if now.height else len(published)
        explained = soft.filter(pl.col("explanation").is_not_null()).height if soft.height else 0
        short = [f"{label}{text}" for label, text in self._short.items()]
        paras = _clean(
            [
                sentence("data_notes.partial", self.ph, quarter=quarter)
                if self.partial_year
                else None,
                sentence(
                    "data_notes.coverage",
                    self.ph,
                    cutoff=self.cutoff_text(),
                    quarter=quarter,
                    expected=str(expected),
                    published=str(included),
                ),
                sentence("data_notes.missing", self.ph, quarter=quarter, items="、".join(not_now))
                if not_now
                else None,
                sentence(
                    "data_notes.blocked",
                    self.ph,
                    year=self.year,
                    count=str(len(blocked_items)),
                    items="、".join(blocked_items),
                )
                if blocked_items
                else None,
                sentence("data_notes.complete", self.ph)
                if not blocked_items and not not_now and included >= expected
                else None,
                sentence("data_notes.incomplete", self.ph, items="；".join(short))
                if short
                else None,
                sentence(
                    "data_notes.soft",
                    self.ph,
                    count=str(soft.height),
                    explained=str(explained) if explained else None,
                    unexplained=str(soft.height - explained) if soft.height - explained else None,
                )
                if soft.height
                else None,
                sentence("data_notes.money", self.ph, money_unit=self.money.unit),
                sentence("data_notes.money_fen", self.ph) if self.money.unit == "元" else None,
            ]
        )
        tables = []
        if hard.height:
            shown = hard.head(MAX_FINDINGS)
            tables.append(
                Table(
                    "表4 质量审核拦截（硬性规则）",
                    ["报告期", "乡镇（街道）", "规则", "问题"],
                    [
                        [
                            r["period"],
                            names.get(r["division_code"])
                            or r["division_name"]
                            or r["division_code"],
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
                    "表5 质量审核提示（软性规则）及说明",
                    ["报告期", "乡镇（街道）", "规则", "问题", "说明"],
                    [
                        [
                            r["period"],
                            names.get(r["division_code"])
                            or r["division_name"]
                            or r["division_code"],
                            r["rule_code"],
                            r["message_zh"],
                            r["explanation"] or "（未说明）",
                        ]
                        for r in soft.iter_rows(named=True)
                    ],
                )
            )
        return Section(
            self.ph["sections"]["data_notes"], "data-notes", paragraphs=paras, tables=tables
        )

    # -- XLSX -------------------------------------------------------------------------------
    def sheets(self) -> list[Sheet]:
        kn = self.k_now.filter(pl.col("division_code") == self.scope.division_code).sort("kpi_code")
        prev = {r["kpi_code"]: r["value"] for r in self.k_prev.iter_rows(named=True)}
        kpi_rows = []
        for r in kn.iter_rows(named=True):
            rate = self.is_rate(r["kpi_code"])
            kind = "pct" if rate else "decimal"
            kpi_rows.append(
                [
                    r["kpi_code"],
                    r["kpi_name_zh"],
                    (r["value"], kind),
                    (prev.get(r["kpi_code"]), kind),
                    r["numerator"],
                    r["denominator"],
                    "比率" if rate else r["unit"],
                ]
            )
        sheets = [
            Sheet(
                "主要指标",
                [
                    ("指标代码", "text"),
                    ("指标", "text"),
                    (f"{self.year}年", "decimal"),
                    (f"{self.year - 1}年", "decimal"),
                    ("分子", "decimal"),
                    ("分母", "decimal"),
                    ("单位", "text"),
                ],
                kpi_rows,
            )
        ]
        pc = self.r.plan_completion(self.year, self.scope.division_code)
        sheets.append(
            Sheet(
                "目标完成情况",
                [
                    ("指标代码", "text"),
                    ("指标", "text"),
                    ("比较", "text"),
                    ("目标", "decimal"),
                    ("实际", "decimal"),
                    ("是否完成", "text"),
                    ("差距", "decimal"),
                    ("依据", "text"),
                ],
                [
                    [
                        r["kpi_code"],
                        r["kpi_name_zh"],
                        r["comparison"],
                        (r["target"], "pct" if self.is_rate(r["kpi_code"]) else "decimal"),
                        (r["actual"], "pct" if self.is_rate(r["kpi_code"]) else "decimal"),
                        {True: "完成", False: "未完成"}.get(r["achieved"], "无数据"),
                        (r["gap"], "pct" if self.is_rate(r["kpi_code"]) else "decimal"),
                        r.get("source"),
                    ]
                    for r in pc.iter_rows(named=True)
                ],
            )
        )
        town = self.k_now.filter(pl.col("division_code").is_in(self.siblings))
        if town.height:
            codes = sorted(town["kpi_code"].unique().to_list())
            rank_rows = []
            for code in codes:
                for i, (_, name, value) in enumerate(self.ranking(code), 1):
                    rank_rows.append(
                        [
                            code,
                            self.kname(code),
                            i,
                            name,
                            (value, "pct" if self.is_rate(code) else "decimal"),
                        ]
                    )
            sheets.append(
                Sheet(
                    "乡镇排名",
                    [
                        ("指标代码", "text"),
                        ("指标", "text"),
                        ("名次", "int"),
                        ("乡镇（街道）", "text"),
                        ("数值", "decimal"),
                    ],
                    rank_rows,
                )
            )
        return sheets


def _val(frame: pl.DataFrame, division: str, code: str):
    rows = frame.filter((pl.col("division_code") == division) & (pl.col("kpi_code") == code))
    return rows["value"][0] if rows.height else None


def _round(v, d):
    return None if v is None else round(v, d)


def _codes(value) -> list[str]:
    """A ``townships_missing`` cell (list, polars Series or NULL) as a list of codes."""
    return [] if value is None else [str(c) for c in value]


def _clean(paras: list[str | None]) -> list[str]:
    return [p for p in paras if p]


def safe_name(name: str) -> str:
    """A division name usable in a file name."""
    return re.sub(r'[\\/:*?"<>|\s&]+', "_", name).strip("_") or "division"


def build_report(reader: MartReader, opts: Options) -> Report:
    return Builder(reader, opts).build()
