"""What every section of the summary works from: the scope and period, the phrases, the programme
catalogue, and the footnotes of figures that lack a township.

:class:`Context` is built once per report; the section kinds (:mod:`civstat.report.sections`)
read figures through it (:class:`~civstat.report.figures.Figures`: KPIs, measures, rankings)
and phrase them with their programme file's ``summary:`` texts (:meth:`Context.say`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from civstat.contract import Contract, Programme, load_contract
from civstat.periods import Quarter
from civstat.report import formatting as f
from civstat.report.comparisons import Comparisons, codes_of
from civstat.report.data import MartReader, Scope
from civstat.report.figures import Figures
from civstat.report.model import Table
from civstat.report.phrases import MARK, render_clauses, sentence, summary_phrases
from civstat.report.trace import Tracer


@dataclass
class Reporting:
    """Who reported a programme's sheet (townships of the scope, current codes): in the report's
    quarter, in any quarter of the year up to it, and the quarter's returns that were published."""

    now: set[str] = field(default_factory=set)
    year: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)


@dataclass
class Options:
    year: int
    quarter: int | None = None  # None: Q4, or the latest quarter published
    division: str | None = None  # None: the county
    money_unit: str = "auto"  # auto: 万元 in running text from 10万元 up, exact 元 in tables
    narrative_dir: str | None = None  # the bureau's own words (narrative.py); None: the default


def _refused(reader: MartReader, year: int, quarter: int | None = None) -> str:
    """What a report finding nothing published says was sent and refused for the period: the
    clerks did send, the files are in quarantine (``civstat ingest`` names each)."""
    n = reader.refused_files(year, quarter)
    return f"(该期有{n}个报表文件被拒收,在隔离区待改正后重报,见 civstat ingest 的输出)" if n else ""


class Context(Comparisons, Figures):
    def __init__(self, reader: MartReader, opts: Options, contract: Contract | None = None):
        self.r = reader
        self.o = opts
        self.contract = contract or load_contract()
        self.ph = summary_phrases(self.contract)
        self.money = f.MoneyFormat(opts.money_unit)
        self.scope: Scope = reader.scope(opts.division, opts.year)
        self.codes = list(self.scope.township_codes)
        present = reader.periods_present(opts.year, self.codes)
        if not present:
            raise LookupError(
                f"{self.scope.division_name}{opts.year}年没有已发布的数据{_refused(reader, opts.year)}"
                f" / no published data for {opts.year}"
            )
        if opts.quarter is None:
            self.quarter = max(present)
            self.partial_year = self.quarter < 4
        else:
            if opts.quarter not in present:
                raise LookupError(
                    f"{opts.year}年第{opts.quarter}季度没有已发布的数据"
                    f"{_refused(reader, opts.year, opts.quarter)}"
                    f" / no published data for {opts.year}Q{opts.quarter}"
                )
            self.quarter = opts.quarter
            self.partial_year = False
        self.annual = opts.quarter is None or opts.quarter == 4
        self.year = opts.year
        # divisions are named as they were called at the period's end (a township renamed)
        reader.name_divisions_as_of(Quarter(self.year, self.quarter).end)
        name = reader.division_names([self.scope.division_code]).get(self.scope.division_code)
        if name:
            self.scope = replace(self.scope, division_name=name)
        self.span = f.period_span(self.quarter)
        self.period_end = (
            f"{self.year}年{'年底' if self.quarter == 4 else f.CN_QUARTER[self.quarter] + '末'}"
        )
        level = self.ph["levels"][self.scope.level]
        self.scope_word = level.get("scope") or self.scope.division_name  # 全县, 全市, 全省
        self.unit_word = level["units"]  # whom it ranks and tabulates: 乡镇（街道）, 县（市、区）
        self.defs = reader.kpi_definitions()
        self.tracer = Tracer(self)
        self._kpi_frames()
        self._notes: list[str] = []  # footnotes of the block being built
        self.short_figures: dict[str, str] = {}  # incomplete figure → who it lacks (for 数据说明)
        # programmes left out of the report, and optional sheets only some townships reported
        # (set by the builder, stated once in 数据说明): (programme, Reporting)
        self.unreported: list = []
        self.unpublished: list = []
        self.partial_sheets: list = []
        self._returned: set[str] | None = None
        self.reporting: dict[str, Reporting] = {}  # programme code → who reported its sheet
        self._funds: pl.DataFrame | None = None
        self.coverage = reader.coverage([self.year - 1, self.year], self.scope.division_code)
        now = self.coverage.filter(
            (pl.col("year") == self.year) & (pl.col("quarter") == self.quarter)
        )
        # the year before's sums short of a township, as 数据说明 states them: no comparison is
        # made with them (set by :meth:`comparable`)
        # (year, who its sum lacks): 数据说明's "…合计不含…，文中未与上年比较"
        self.no_comparison: list[tuple[int, str]] = []
        self._other_reporters: dict[tuple[str, int], str | None] = {}
        self._other_kpi_reporters: dict[str, str | None] = {}
        self._owners: dict[str, Programme] | None = None
        self.period_missing: list[str] = (
            codes_of(now["townships_missing"][0])
            if now.height and now["complete"][0] is False
            else []
        )

    def returned(self) -> set[str]:
        """The scope's townships with a current return this quarter (published or blocked)."""
        if self._returned is None:
            status = self.r.quality_status(self.year, self.quarter, self.codes)
            self._returned = set(status["division_code"].to_list())
        return self._returned

    # -- the programme's summary texts ------------------------------------------------------
    def summary(self, prog: Programme) -> dict:
        return prog.summary or {}

    def say(self, prog: Programme, name: str, **values) -> str | None:
        """The sentence ``summary.sentences.<name>`` of the programme's file."""
        return sentence(f"{prog.code}.{name}", self.ph, **values)

    def clauses(self, clauses, **values) -> str | None:
        return render_clauses(clauses, self.ph, **values)

    def heading(self, prog: Programme, key: str | None = None) -> str:
        """The block heading (without its number): ``summary.heading``, or for a kind writing
        several blocks ``summary.heading.<key>``; the sheet's title when the file gives none."""
        h = self.summary(prog).get("heading")
        if isinstance(h, dict):
            h = h.get(key) if key else None
        return h or prog.sheet.title

    def chart_spec(self, prog: Programme, key: str) -> dict:
        """``summary.charts.<key>`` as a mapping (a plain string is the title)."""
        spec = (self.summary(prog).get("charts") or {}).get(key) or {}
        return {"title": spec} if isinstance(spec, str) else dict(spec)

    def table(
        self,
        prog: Programme,
        key: str,
        rows: list[list[str | None]],
        *,
        numeric: list[bool] | None = None,
        note: str | None = None,
        **extra: str,
    ) -> Table:
        """A table whose caption and column headers are ``summary.tables.<key>`` (placeholders:
        {span}, {money_unit}, {year} and the kind's ``extra`` ones); its 表N is set when the
        report is numbered, a cell left None prints —."""
        spec = (self.summary(prog).get("tables") or {}).get(key) or {}
        if isinstance(spec, str):
            spec = {"caption": spec}
        words = {**self.words(), **extra}
        columns = [self.fill(c, words) for c in spec.get("columns") or ()]
        if rows and columns and len(columns) != len(rows[0]):
            raise ValueError(
                f"programmes/{prog.code}.yaml: summary.tables.{key} names {len(columns)} "
                f"columns, the {self.summary(prog).get('kind')} section writes {len(rows[0])}"
            )
        caption = self.fill(spec.get("caption") or prog.sheet.title, words)
        return Table(caption, columns, rows, numeric=numeric, note=note)

    def ranked_kpis(self, prog: Programme) -> list[str]:
        """``summary.ranking``: the figures whose township ranking the section states."""
        r = self.summary(prog).get("ranking") or []
        return [r] if isinstance(r, str) else list(r)

    def words(self) -> dict[str, str]:
        """The placeholders every sentence template may use."""
        return {
            "span": self.span,
            "period_end": self.period_end,
            "scope": self.scope_word,
            "year": str(self.year),
            "prev_year": str(self.year - 1),
            "townships": str(len(self.codes)),
            "units": self.unit_word,
            "money_unit": self.money.table_unit,
        }

    def fill(self, template: str, values: dict) -> str:
        return template.format_map(_Lenient(values))

    # -- money ------------------------------------------------------------------------------
    def fund(self, programme: str, category: str | None = None):
        """Year-to-date funds of a spending line (fct_funds) summed over the scope."""
        if self._funds is None:
            self._funds = self.r.funds(self.year, self.quarter, self.codes)
        df = self._funds.filter(pl.col("programme") == programme)
        if category:
            df = df.filter(pl.col("category") == category)
        return df["funds_ytd"].sum() if df.height else None

    def money_cell(self, yuan) -> str:
        return self.money.cell(yuan) or "—"

    # -- coverage: a figure short of a township carries MARK and a footnote -------------------
    def missing_text(self, codes: list[str], year: int, quarter: int) -> str:
        """'不含杨庄镇（2025年二季度数据未通过审核）': who is left out and why — the return of the
        quarter, or (figures accumulated over the year) the first earlier one not published."""
        names = self.r.division_names(codes)
        reasons = self.shortfalls(codes, year, quarter)
        parts = []
        for code in codes:
            name, reason = names.get(code, code), reasons.get(code)
            parts.append(f"{name}（{reason}）" if reason else name)
        return "不含" + "、".join(parts)

    def shortfalls(self, codes: list[str], year: int, quarter: int) -> dict[str, str]:
        """Township → why its figures of the year to ``quarter`` are not all in the sums: the
        first of its returns (this quarter's, then the earlier ones) not published; a township
        whose returns all are is left out."""
        return {c: why for c, (_, why) in self.first_shortfalls(codes, year, quarter).items()}

    def first_shortfalls(self, codes: list[str], year: int,
                         quarter: int) -> dict[str, tuple[int, str]]:
        """:meth:`shortfalls` with the quarter of the return each reason is of."""
        status = self.r.return_status(year, codes)
        absent = self.absent_returns(year, codes)
        out = {}
        for code in codes:
            st = dict(
                status.filter(pl.col("division_code") == code)
                .select("quarter", "status")
                .iter_rows()
            )
            for q in [quarter, *range(1, quarter)]:
                if st.get(q) != "published":
                    out[code] = (q, self.return_reason(st.get(q), absent.get((code, q)), year, q))
                    break
        return out

    def absent_returns(self, year: int, codes: list[str]) -> dict[tuple[str, int], str]:
        """(township, quarter) → why no return of it is loaded, where the warehouse knows: sent
        but refused at ingest (``refused``), or withdrawn by the bureau (``withdrawn``)."""
        out = dict.fromkeys(self.r.refused_returns(year, codes), "refused")
        out.update(dict.fromkeys(self.r.withdrawn_returns(year, codes), "withdrawn"))
        return out

    def return_reason(self, status: str | None, absent: str | None = None, year: int | None = None,
                      quarter: int | None = None) -> str:
        """Why a return is not in the sums (phrases ``data_notes.return_reason``): held back
        by the gate (``status`` blocked), sent but refused at ingest or withdrawn (``absent``:
        refused | withdrawn), or not received; ``year`` and ``quarter`` name the return
        (2025年二季度…), else the words stand alone."""
        kind = "blocked" if status == "blocked" else absent or "missing"
        when = f"{year}年{f.CN_QUARTER[quarter]}" if year and quarter else ""
        return self.fill(self.ph["data_notes"]["return_reason"][kind], {"when": when})

    def flag(self, label: str, missing: list[str], year: int, quarter: int) -> str:
        """Record the footnote of an incomplete figure; returns the marker to print after it."""
        return self.flag_text(label, self.missing_text(missing, year, quarter))

    def flag_text(self, label: str, text: str) -> str:
        """Record the footnote ``* label：text`` (and the 数据说明 line); returns the marker."""
        note = f"{MARK} {label}：{text}"
        if note not in self._notes:
            self._notes.append(note)
        self.short_figures.setdefault(label, text)
        return MARK

    def part_mark(self, label: str, have: set[str], whole: set[str],
                  why: str = "未填报该项") -> str:
        """MARK when some townships that report a whole (两项补贴资金) leave out an optional part
        of it (其中:困难残疾人生活补贴资金): the part's sum covers only the others. No mark when
        no township states the part (its clause is dropped) or all of them do. ``why``: why
        the others are not in it, as 数据说明 says it."""
        lacking = sorted(whole - have)
        if not have or not lacking:
            return ""
        names = self.r.division_names(lacking)
        return self.flag_text(
            label, "不含" + "、".join(names.get(c, c) for c in lacking) + f"（{why}）"
        )

    def measure_mark(self, code: str, whole: str) -> str:
        """:meth:`part_mark` of two measures of the catalogue (the part's name is the label)."""
        return self.part_mark(
            self.kname(code), self.measure_townships(code), self.measure_townships(whole)
        )

    def column_mark(self, code: str) -> str:
        """MARK on the sum of an optional column of an optional sheet (表9 收养登记) when some
        townships whose published returns hold the sheet left that column blank: the sum is
        the others' (a blank is not a 0). Annual columns blank for all (年检 before Q4) and
        figures carried or computed across sheets are not marked here."""
        prog = self._owner().get(code)
        if prog is None or prog.sheet.required:
            return ""
        source = next((m.get("from") or {} for m in prog.measures if m["code"] == code), {})
        if source.get("table") == prog.sheet.table:  # a column of the sheet, as it is
            name = source.get("value")
        else:  # a column's year-to-date flow (flows: column → programme.flow)
            name = next((col for col, f in prog.flows.items()
                         if source.get("flow") == f"{f['programme']}.{f['flow']}"), None)
        column = next((c for c in prog.sheet.columns if c.name == name), None)
        if column is None or column.required:
            return ""
        reporting = self.reporting.get(prog.code) or self.sheet_reporting(prog)
        return self.part_mark(self.kname(code), self.measure_townships(code),
                              reporting.published)

    def fund_mark(self, label: str, line: str, whole: str) -> str:
        """:meth:`part_mark` of two spending lines of fct_funds (实物折款 of 临时救助)."""
        towns = self.r.fund_townships(self.year, self.quarter, self.codes)
        return self.part_mark(label, towns.get(line, set()), towns.get(whole, set()))

    def sheet_reporting(self, prog: Programme) -> Reporting:
        """Who reported the programme's sheet (raw layer and quality_status); without a raw
        layer, the townships with any of its measures this period."""
        df = self.r.sheet_townships(self.year, self.quarter, self.codes, prog.sheet.table)
        if df is None:
            towns = set()
            for m in prog.measures:
                towns |= self.measure_townships(m["code"])
            return Reporting(towns, set(towns), set(towns))
        now = df.filter(pl.col("quarter") == self.quarter)
        return Reporting(
            set(now["division_code"].to_list()),
            set(df["division_code"].to_list()),
            set(now.filter(pl.col("status") == "published")["division_code"].to_list()),
        )

    def _owner(self) -> dict[str, Programme]:
        """KPI and measure code → the programme whose sheet gives it."""
        if self._owners is None:
            self._owners = {d["code"]: prog for prog in self.contract.programmes
                            for d in (*prog.kpis, *prog.measures)}
        return self._owners

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def kmark(self, code: str) -> str:
        """MARK when the scope's KPI is short of a township (kpi_* ``complete`` is false)."""
        row = self.kpi(code)
        if not row or row.get("complete") is not False:
            return ""
        return self.flag(
            self.kname(code), codes_of(row["townships_missing"]), self.year, self.quarter
        )

    def marked(self, text: str | None, code: str) -> str | None:
        """The scope's KPI as a sentence prints it, marked and traced."""
        return None if text is None else self.tracer.figure(text + self.kmark(code), code)

    def sum_fig(self, text, prog: Programme, mart: str, column: str, label: str, **where):
        """A sum of township facts (``mart.column`` over the scope, ``where``: programme_code,
        category; ``upto=True``: over the year's quarters so far), traced to the townships and
        the rows of their returns."""
        return self.tracer.fact(text, label, mart, column, prog.sheet.table, **where)

    def fund_fig(self, text, prog: Programme, line: str, label: str, category=None):
        """A spending line's year-to-date funds (fct_funds) over the scope, traced."""
        where = {"programme_code": line, **({"category": category} if category else {})}
        return self.sum_fig(text, prog, "fct_funds", "funds_ytd", label, **where)

    def case_fig(self, prog: Programme, cases, measure: str, label: str):
        """A count of the assistance cases (``fct_assistance_cases.<measure>_ytd``), traced."""
        return self.sum_fig(f.fmt_int(cases[measure]), prog, "fct_assistance_cases",
                            f"{measure}_ytd", label)

    def line_fig(self, prog: Programme, line: str, label: str):
        """A spending line's year-to-date total in the report's money unit, traced."""
        return self.fund_fig(self.money.total(self.fund(line)), prog, line, label)

    def mfig(self, code: str, text: str | None) -> str | None:
        """The scope's measure ``code`` as formatted by the caller, traced."""
        return self.tracer.figure(text, code)

    def fact_mark(self) -> str:
        """MARK on sums of township facts when the period's returns are short of a township."""
        if not self.period_missing:
            return ""
        return self.flag(
            self.sum_label(self.year, self.quarter), self.period_missing, self.year, self.quarter
        )

    def events_mark(self, label: str, kpi: str | None = None) -> str:
        """MARK on 表5's figures, summed over every return of the year so far (a township may
        list each quarter's events alone), when a quarter's return is out: each such township
        named with what is not counted — its events no later return lists again (the return of
        the report's quarter, for ``kpi``, built on that quarter's returns: the township)."""
        if kpi is not None:
            row = self.kpi(kpi)
            missing = codes_of(row["townships_missing"]) if row and row.get("complete") is False else []
        else:
            cov = self.coverage.filter(
                (pl.col("year") == self.year) & (pl.col("quarter") <= self.quarter)
                & ~pl.col("complete")
            )
            missing = sorted({c for v in cov["townships_missing"] for c in codes_of(v)})
        if not missing:
            return ""
        names = self.r.division_names(missing)
        whole, parts = [], []
        for code, (q, why) in self.first_shortfalls(missing, self.year, self.quarter).items():
            (whole if kpi is not None and q == self.quarter else parts).append(
                f"{names.get(code, code)}（{why}）")
        text = [*(["不含" + "、".join(whole)] if whole else []),
                *([self.fill(self.ph["data_notes"]["events_short"], {"items": "、".join(parts)})]
                  if parts else [])]
        return self.flag_text(label, "，".join(text))

    def sum_label(self, year: int, quarter: int) -> str:
        return f"{year}年{f.CN_QUARTER[quarter]}{self.scope_word}合计"

    def period_label(self, period: str) -> str:
        """'2025Q2', marked when that quarter's sum over the scope lacks a township."""
        cov = self.coverage.filter(pl.col("period") == period)
        if not (cov.height and cov["complete"][0] is False):
            return period
        year, quarter = int(period[:4]), int(period[-1])
        return period + self.flag(
            self.sum_label(year, quarter), codes_of(cov["townships_missing"][0]), year, quarter
        )

    def cutoff_text(self) -> str:
        """The date of the newest return counted: 2026年1月12日 (no zero padding)."""
        d = self.r.cutoff(self.year, self.quarter)
        return f.cn_date(d) if d else f"{self.year}年{f.CN_QUARTER[self.quarter]}"


class _Lenient(dict):
    """Caption templates may name a placeholder the context lacks: it is left as written."""

    def __missing__(self, key):
        return "{" + key + "}"


def anchor(prog: Programme, part: str | None = None) -> str:
    """The HTML id of a programme's block: its code with dashes (temp-assist, youfu-veterans)."""
    return "-".join(x.replace("_", "-") for x in (prog.code, part) if x)


def clean(paras: list[str | None]) -> list[str]:
    return [p for p in paras if p]
