"""How each figure of the summary was made: the traces behind the HTML page's popovers.

A figure the builder prints (in a sentence or a table cell) is a :class:`Fig` — its text, as
formatted, carrying a trace id — and a sentence holding figures is a :class:`Traced` string
that knows where they stand. Both are plain ``str`` to everything else (the PDF, the DOCX, the
tests). :class:`Tracer` (one per report, ``ctx.tracer``) hands out the ids and collects one
record per figure, every value read from the warehouse and formatted here:

    kpi       a KPI of the scope (kpi_annual / kpi_quarterly): its formula (seed
              kpi_definitions, 中文), numerator and denominator (names, values), the townships it
              covers, each with its own value, numerator and denominator
    measure   a measure of the scope (fct_measures): how it aggregates, the townships it sums
    fact      a sum of township facts (fct_recipients, fct_funds …): the townships summed
    change    a figure against the same period a year before: both values
    rows      a figure stated from rows of the warehouse: an event's own figure (its return's
              row), a plan target or its gap (kpi_plan_completion), a count 数据说明 or the
              targets state (the rows it counts, listed), a quality finding's message (the
              return's file, sheet and rows it names); a count of rows of a mart (事件, 养老
              机构) is a ``fact`` of column ``*``
    (any)     a township's own figure also names the returns behind it — file
              (raw.submissions.file_path), sheet and Excel rows (raw.<sheet>.source_sheet,
              source_row) — found through the published returns (quality_status) or, for
              facts, the marts' lineage column ``submission_id``

:meth:`Tracer.payload` is the JSON block the HTML page embeds; its script only displays it."""

from __future__ import annotations

from typing import Any

import polars as pl


class Fig(str):
    """A figure's text (its unit and mark included) and the id of its trace."""

    trace: str

    def __new__(cls, text: str, trace: str = ""):  # a default: pickle and copy pass text only
        s = super().__new__(cls, text)
        s.trace = trace
        return s

    def __add__(self, other: str) -> Fig:  # figure + mark (*) stays one traced figure
        return Fig(str(self) + other, self.trace)


class Traced(str):
    """A sentence with traced figures: ``spans`` are (start, end, trace id)."""

    spans: tuple[tuple[int, int, str], ...]

    def __new__(cls, text: str, spans=()):
        s = super().__new__(cls, text)
        s.spans = tuple(spans)
        return s


def spans_of(value) -> list[tuple[int, int, str]]:
    if isinstance(value, Fig):
        return [(0, len(value), value.trace)]
    if isinstance(value, Traced):
        return list(value.spans)
    return []


def segments(value) -> list[tuple[str, str | None]]:
    """The text as (piece, trace id or None): what the HTML page wraps in ``span.fig``."""
    text, out, pos = str(value), [], 0
    for a, b, t in sorted(spans_of(value)):
        if a < pos:
            continue
        if a > pos:
            out.append((text[pos:a], None))
        out.append((text[a:b], t))
        pos = b
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def join(pieces: list[tuple[str, list]], sep: str, end: str = "") -> str:
    """Pieces (text, spans) joined with ``sep``: a :class:`Traced` when any has a figure."""
    text, spans, pos = [], [], 0
    for i, (t, sp) in enumerate(pieces):
        if i:
            text.append(sep)
            pos += len(sep)
        spans += [(a + pos, b + pos, tid) for a, b, tid in sp]
        text.append(t)
        pos += len(t)
    out = "".join(text) + end
    return Traced(out, spans) if spans else out


class Tracer:
    """The trace records of one report (``ctx.tracer``)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.ids: dict[tuple, str] = {}
        self.records: dict[str, dict] = {}
        self._returns: dict[tuple, str] = {}  # (what returns) → return-list id
        self._formulas: dict[str, dict] | None = None
        self._mdefs: dict[str, dict] | None = None
        self._sources: dict[str, tuple[str | None, str | None]] | None = None
        self._fixed: dict[str, list[dict]] = {}  # return lists given row by row (an event's)

    # -- handing out ids ----------------------------------------------------------------------
    def _fig(self, text, key: tuple, make) -> Fig | None:
        if text is None or text in ("", "—"):
            return text
        tid = self.ids.get(key)
        if tid is None:
            tid = self.ids[key] = f"t{len(self.ids) + 1}"
            self.records[tid] = make()
        return Fig(str(text), tid)

    def figure(self, text, code: str, division: str | None = None, prev: bool = False):
        """A KPI's or measure's value (the scope's, a township's, or a year before)."""
        d = division or self.ctx.scope.division_code
        return self._fig(text, ("fig", code, d, prev), lambda: self._figure(code, d, prev))

    def change(self, text, code: str):
        """A figure against the same period a year before (比上年…, 提高…个百分点)."""
        return self._fig(text, ("change", code), lambda: self._change(code))

    def fact(self, text, label, mart, column, table, upto: bool = False, **where):
        """A sum over the scope's townships of ``mart.column`` (``where``: programme, category;
        ``upto``: over the quarters of the year up to the report's, as events are)."""
        key = ("fact", mart, column, upto, tuple(sorted(where.items())))
        return self._fig(
            text, key, lambda: self._fact(label, mart, column, table, where, text, upto)
        )

    def rows(self, text, key: tuple, make):
        """A figure stated from rows of the warehouse — a count of events, institutions,
        returns or findings, a plan target, a finding's message: ``make()`` is its record
        (:meth:`record`), built once per ``key``. A text without a number (恰好达到, a
        finding's message naming none) is no figure: left as it is."""
        if text is None or not any(c.isdigit() for c in str(text)):
            return text
        return self._fig(text, ("rows", *key), make)

    def record(self, title: str, value, source: str, formula: str, items=None, **extra) -> dict:
        """A :meth:`rows` record: ``items`` the rows it stands for ({name, text, returns}),
        listed under ``extra["list"]`` ({title, column}; default: the townships); ``extra``
        may give ``now`` / ``before`` ({name, text}) and ``returns``."""
        rec = self._base(title, self.ctx.scope.division_code, str(value), source)
        rec["kind"], rec["formula"] = "rows", formula
        if items is not None:
            rec["townships"] = list(items)
        rec.update({k: v for k, v in extra.items() if v is not None})
        return rec

    def fixed_returns(self, key: tuple, items: list[dict]) -> list[str]:
        """A return list given as (file, table, sheet, rows) items — e.g. the one row of an
        event, read with it from the warehouse."""
        rid = self._returns.get(("fixed", key))
        if rid is None:
            rid = self._returns[("fixed", key)] = f"r{len(self._returns) + 1}"
            self._fixed[rid] = items
        return [rid]

    # -- records --------------------------------------------------------------------------------
    def _base(self, title: str, division: str, value: str, source: str, prev=False) -> dict:
        ctx = self.ctx
        year = ctx.year - 1 if prev else ctx.year
        name = (
            ctx.scope.division_name
            if division == ctx.scope.division_code
            else names_get(ctx, division)
        )
        return {
            "title": title,
            "scope": f"{name} · {year}年{ctx.span}",
            "value": value,
            "source": source,
        }

    def _figure(self, code: str, division: str, prev: bool) -> dict:
        ctx = self.ctx
        own = prev or division == ctx.scope.division_code
        value = ctx.fmt(code, ctx.value(code, prev=prev, division=None if own else division))
        if ctx.is_kpi(code):
            return self._kpi(code, division, prev, value)
        return self._measure(code, division, prev, value)

    def formulas(self) -> dict[str, dict]:
        if self._formulas is None:
            self._formulas = self.ctx.r.kpi_formulas()
        return self._formulas

    def mdef(self, code: str) -> dict:
        if self._mdefs is None:
            self._mdefs = self.ctx.r.measure_names()
        return self._mdefs.get(code) or {}

    def _kpi(self, code: str, division: str, prev: bool, value: str | None) -> dict:
        ctx = self.ctx
        mart = "kpi_annual" if ctx.quarter == 4 else "kpi_quarterly"
        rec = self._base(ctx.kname(code), division, value, mart, prev)
        rec["kind"], rec["code"], rec["division"] = "kpi", code, division
        spec = self.formulas().get(code) or {}
        rec["formula"] = spec.get("description_zh") or spec.get("formula") or ""
        row = ctx._row(ctx.k_prev if prev else ctx.k_now, code, division)
        if row is None:
            return rec
        for part in ("numerator", "denominator"):
            m = spec.get(f"{part}_measure")
            name = (self.mdef(m).get("name_zh") if m else None) or part
            if part == "denominator" and spec.get("denominator_period") == "previous_year_end":
                name += "（上年末）"
            rec[part] = {"name": name, "text": self._mtext(m, row[part]), "value": row[part]}
        rec["coverage"] = self._coverage(row)
        if prev:
            return rec
        if division == ctx.scope.division_code and ctx.scope.is_aggregate:
            rec["townships"] = [
                {
                    "name": names_get(ctx, d),
                    "text": ctx.fmt(code, r["value"]) or "—",
                    "numerator": self._mtext(spec.get("numerator_measure"), r["numerator"]),
                    "denominator": self._mtext(spec.get("denominator_measure"), r["denominator"]),
                    "returns": self._returns_of(d, [spec.get("numerator_measure")]),
                }
                for d in ctx.siblings
                if (r := ctx._row(ctx.k_now, code, d)) is not None
            ]
        else:
            measures = [spec.get("numerator_measure"), spec.get("denominator_measure")]
            rec["returns"] = self._returns_of(division, measures)
        return rec

    def _measure(self, code: str, division: str, prev: bool, value: str | None) -> dict:
        ctx = self.ctx
        rec = self._base(ctx.kname(code), division, value, "fct_measures", prev)
        rec["kind"], rec["code"], rec["division"] = "measure", code, division
        mdef = self.mdef(code)
        spec = next((m for m in ctx.contract.measures if m["code"] == code), {})
        county = ctx.scope.is_aggregate and division == ctx.scope.division_code
        if ctx.scope.above_county and division in ctx.scope.units:
            rec["formula"] = "该县（市、区）各乡镇（街道）汇总"
        elif not county:
            rec["formula"] = "本乡镇（街道）报表所填"
        elif spec.get("aggregation") == "weighted_mean":
            weight = self.mdef(spec.get("weight") or "").get("name_zh") or spec.get("weight")
            rec["formula"] = f"各{ctx.unit_word}按{weight}加权平均"
        else:
            rec["formula"] = f"各{ctx.unit_word}之和"
        if mdef.get("kind") in ("ytd", "ytd_quarters"):
            rec["formula"] += "（1月至本期末累计）"
        if prev:
            return rec
        if division == ctx.scope.division_code and ctx.scope.is_aggregate:
            ctx._measures()
            rows = ctx._m_now.filter(
                (pl.col("measure_code") == code) & pl.col("division_code").is_in(ctx.siblings)
            ).sort("division_code")
            rec["townships"] = [
                {
                    "name": names_get(ctx, r["division_code"]),
                    "text": ctx.fmt(code, r["value"]) or "—",
                    "returns": self._returns_of(r["division_code"], [code]),
                }
                for r in rows.iter_rows(named=True)
            ]
        else:
            rec["returns"] = self._returns_of(division, [code])
        return rec

    def _change(self, code: str) -> dict:
        ctx = self.ctx
        rec = self._base(f"{ctx.kname(code)}：与上年同期比较", ctx.scope.division_code, "", "")
        rec["kind"] = "change"
        rec["source"] = "kpi_annual" if ctx.is_kpi(code) else "fct_measures"
        rec["now"] = {"name": f"{ctx.year}年{ctx.span}", "text": ctx.fmt(code, ctx.value(code))}
        rec["before"] = {
            "name": f"{ctx.year - 1}年{ctx.span}",
            "text": ctx.fmt(code, ctx.value(code, prev=True)),
        }
        rec["formula"] = (
            "本期比率 − 上年同期比率（百分点）" if ctx.is_rate(code) else "本期 − 上年同期"
        )
        rec["value"] = None
        return rec

    def _fact(self, label, mart, column, table, where: dict, text, upto: bool) -> dict:
        ctx = self.ctx
        df = ctx.r.fact_townships(mart, column, ctx.year, ctx.quarter, ctx.codes, where, upto)
        source = f"{mart}（行数）" if column == "*" else f"{mart}.{column}"
        rec = self._base(label, ctx.scope.division_code, str(text), source)
        rec["kind"] = "fact"
        rec["formula"] = (
            "各乡镇（街道）报表之和" if ctx.scope.is_aggregate else "本乡镇（街道）报表"
        )
        if column == "*":
            rec["formula"] = "所列行数（" + (
                "各乡镇（街道）之和）" if ctx.scope.is_aggregate else "本乡镇（街道））"
            )
        category = where.get("category")
        towns = [
            {
                "name": names_get(ctx, r["division_code"]),
                "text": _num(r["value"]),
                "returns": self._returns_key(("subs", tuple(r["submissions"]), table, category)),
            }
            for r in df.iter_rows(named=True)
        ]
        if ctx.scope.is_aggregate:
            rec["townships"] = towns
        else:
            rec["returns"] = [rid for t in towns for rid in t["returns"]]
        return rec

    def _coverage(self, row: dict) -> str | None:
        exp, inc = row.get("townships_expected"), row.get("townships_included")
        if exp is None or inc is None:
            return None
        text = f"计入{inc}个乡镇（街道），应计{exp}个"
        missing = [str(c) for c in (row.get("townships_missing") or [])]
        if missing:
            names = self.ctx.r.division_names(missing)
            text += "；缺" + "、".join(names.get(c, c) for c in missing)
        reporting = row.get("townships_reporting")  # a KPI of an optional sheet or column
        if reporting is not None and reporting < inc:
            text += f"；其中{reporting}个填报了该指标的分子和分母，其余未填报"
        return text

    def _mtext(self, measure: str | None, value) -> str | None:
        if value is None:
            return None
        ctx = self.ctx
        if measure and any(m["code"] == measure for m in ctx.contract.measures):
            return ctx.fmt(measure, value)
        return _num(value)

    # -- the returns behind a township figure -------------------------------------------------------
    def sources(self) -> dict[str, tuple[str | None, str | None]]:
        """measure code → (raw table, category) per its programme file's ``from:``; cover
        measures (户籍人口) → (None, None): the cover of the return."""
        if self._sources is None:
            self._sources = {m["code"]: (None, None) for m in self.ctx.contract.cover_measures}
            for prog in self.ctx.contract.programmes:
                for m in prog.measures:
                    frm = m.get("from") or {}
                    self._sources[m["code"]] = (prog.sheet.table, frm.get("category"))
        return self._sources

    def _returns_of(self, division: str, measures: list[str | None]) -> list[str]:
        out: list[str] = []
        for m in measures:
            if not m:
                continue
            table, category = self.sources().get(m, (None, None))
            every = self.mdef(m).get("kind") == "ytd_quarters"  # summed over the quarters
            rid = self._returns_key(("town", division, every, table, category))
            out += [r for r in rid if r not in out]
        return out

    def _returns_key(self, key: tuple) -> list[str]:
        rid = self._returns.get(key)
        if rid is None:
            rid = self._returns[key] = f"r{len(self._returns) + 1}"
        return [rid]

    def _resolve_returns(self) -> dict[str, list[dict]]:
        """Every requested list of returns, read in a few queries: (file, sheet, rows). A
        township's figure comes from its published return of the quarter — or, for a sheet it
        states once a year and the warehouse carries (村(居)委会), the latest earlier return
        holding rows of that sheet; a figure summed over the quarters, from each of them."""
        ctx = self.ctx
        towns = sorted({k[1] for k in self._returns if k[0] == "town"})
        current = (
            ctx.r.current_returns(ctx.year, list(range(1, ctx.quarter + 1)), towns)
            if towns
            else pl.DataFrame(schema={"submission_id": pl.String})
        )
        # grouped once: a province's summary asks for ~20,000 lists (a filter each took 7 s)
        by_town = _groups(current.sort("quarter", descending=True), "division_code") if towns else {}
        subs_of: dict[tuple, list[str]] = {}
        for key in self._returns:
            if key[0] == "fixed":
                continue
            if key[0] == "town":
                sel = by_town.get(key[1])
                subs_of[key] = [] if sel is None else sel["submission_id"].to_list()
            else:
                subs_of[key] = list(key[1])
        every = sorted({s for v in subs_of.values() for s in v})
        files = ctx.r.submission_files(every)
        rows: dict[str, dict[str, pl.DataFrame]] = {}
        for table in sorted({k[-2] for k in subs_of if k[-2]}):
            wanted = sorted({s for k, v in subs_of.items() if k[-2] == table for s in v})
            rows[table] = _groups(ctx.r.sheet_rows(table, wanted), "submission_id")
        out: dict[str, list[dict]] = dict(self._fixed)
        for key, rid in self._returns.items():
            if key[0] == "fixed":
                continue
            table, category = key[-2], key[-1]
            latest_only = key[0] == "town" and not key[2]
            items = []
            for sub in subs_of[key]:
                if latest_only and items:
                    break
                item: dict[str, Any] = {"file": files.get(sub, sub), "table": table}
                if table is None:  # the cover of the quarter's return
                    if key[0] == "town" and sub != subs_of[key][0]:
                        continue
                    item["sheet"] = ctx.contract.cover_sheet
                    item["rows"] = []
                else:
                    df = rows[table].get(sub)
                    if df is not None and category:
                        df = df.filter(pl.col("category") == category)
                    if df is None or df.is_empty():  # no row of that sheet (optional)
                        continue
                    item["sheet"] = df["source_sheet"][0]
                    item["rows"] = df["source_row"].to_list()
                items.append(item)
            out[rid] = items[::-1] if key[0] == "town" else items  # quarters in order
        return out

    def payload(self) -> dict:
        """The JSON block of the HTML page: ``{"traces": {id: record}, "returns": {id: […]}}``."""
        return {"traces": self.records, "returns": self._resolve_returns()}


class NoTracer:
    """Figures without traces (a :class:`~civstat.report.figures.Figures` not built as a
    report's context): the text as given."""

    def figure(self, text, *args, **kwargs):
        return text

    change = fact = rows = figure

    def record(self, *args, **kwargs):
        return {}

    def fixed_returns(self, *args, **kwargs):
        return []


NO_TRACER = NoTracer()


def _groups(df: pl.DataFrame, column: str) -> dict[str, pl.DataFrame]:
    """``df``'s rows by the value of ``column`` (row order kept within each group)."""
    if df.is_empty():
        return {}
    return {key[0]: part for key, part in df.partition_by(column, as_dict=True).items()}


def names_get(ctx, code: str) -> str:
    return ctx.r.division_names([code]).get(code, code)


def _num(value) -> str | None:
    if value is None:
        return None
    v = float(value)
    return f"{int(v):,}" if v.is_integer() else f"{v:,.2f}"
