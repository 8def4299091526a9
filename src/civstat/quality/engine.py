"""Evaluate the rule catalogue on the raw layer (current returns) and store the findings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import duckdb

from civstat.contract import Contract, load_contract
from civstat.periods import PERIOD_KEY as PERIOD
from civstat.quality.catalogue import Catalogue, Rule, load_catalogue, render_sql, rule_order
from civstat.quality.gx import Finding, Frame, GxRunner, frames_for
from civstat.quality.inputs import GATE_INPUTS_DDL, fingerprints, lookback
from civstat.raw_schema import QUALITY_DDL


class QualitySetupError(RuntimeError):
    """The warehouse lacks what the rules read (raw layer, reference tables)."""


class QualityRuleError(RuntimeError):
    """A rule of the catalogue could not be evaluated."""


@dataclass
class Violation:
    rule_code: str
    severity: str
    division_code: str
    division_name: str | None
    period: str
    year: int
    quarter: int
    table_name: str | None
    sheet: str | None
    source_file: str | None
    source_row: int | None
    column_name: str | None
    value: str | None
    expected: str | None
    message_zh: str
    message_en: str
    explanation: str | None = None
    column_label: str | None = None
    expected_en: str | None = None

    @property
    def is_hard(self) -> bool:
        return self.severity == "hard"


@dataclass
class RuleRun:
    rule_code: str
    severity: str
    engine: str
    rows_checked: int
    violations: int
    name_zh: str = ""
    name_en: str = ""
    explained: int = 0
    # what the rule ran, for its evidence page: one dict per SQL query or GX expectation
    checks: list[dict] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.violations == 0


@dataclass
class QualityResult:
    run_id: str
    evaluated_at: dt.datetime
    periods: list[str]
    violations: list[Violation]
    runs: list[RuleRun]
    returns: int = 0  # current returns evaluated
    division_names: dict[str, str] = field(default_factory=dict)
    scope_name: str | None = None  # check --division: the county or city reported on
    # every period with current returns → the fingerprint of its inputs (quality.inputs)
    inputs: dict[str, str] = field(default_factory=dict)

    def scoped(self, name: str, townships: set[str]) -> QualityResult:
        """The same run reported for one division: only the findings of its townships' returns
        (they alone decide the exit code). Every rule still ran on every return — a rule that
        compares townships or quarters sees them all — so a rule's run record is unchanged."""
        return replace(
            self,
            violations=[v for v in self.violations if v.division_code in townships],
            scope_name=name,
        )

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.is_hard]

    @property
    def soft(self) -> list[Violation]:
        return [v for v in self.violations if not v.is_hard]

    @property
    def has_hard(self) -> bool:
        return any(v.is_hard for v in self.violations)

    @property
    def blocked(self) -> list[tuple[str, str]]:
        """(division_code, period) of returns a hard failure keeps out of the marts."""
        return sorted({(v.division_code, v.period) for v in self.hard})

    @property
    def unexplained_soft(self) -> list[Violation]:
        return [v for v in self.soft if not v.explanation]

    @property
    def exit_code(self) -> int:
        return 1 if self.has_hard else 0


# -- evaluation ---------------------------------------------------------------------------


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
    ).fetchall()
    return {r[0] for r in rows}


def _scope(con, periods, year) -> list[str]:
    have = [r[0] for r in con.execute(
        "SELECT DISTINCT period FROM raw.submissions WHERE is_current ORDER BY period").fetchall()]
    if periods is not None:
        bad = [p for p in periods if not PERIOD.match(p)]
        if bad:
            raise ValueError(f"报告期格式应为 2024Q4 / period must look like 2024Q4: {bad}")
        return [p for p in have if p in set(periods)]
    if year is not None:
        return [p for p in have if p.startswith(f"{int(year)}Q")]
    return have


def _kind(catalogue: Catalogue, name: str) -> str:
    # A shared view as a view was planned again inside every rule and every branch of a rule's
    # UNION reading it: S13 took 186 s of a province's 274 s gate, 0.1 s on temporary tables.
    return "TABLE" if name in catalogue.materialised else "VIEW"


def _create_views(con, catalogue: Catalogue, scope: list[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE q_window (period VARCHAR)")
    con.executemany("INSERT INTO q_window VALUES (?)", [[p] for p in lookback(scope)])
    for name, sql in catalogue.views.items():
        con.execute(f"CREATE OR REPLACE TEMP {_kind(catalogue, name)} {name} AS {sql}")


def _drop_views(con, catalogue: Catalogue) -> None:
    for name in reversed(list(catalogue.views)):
        try:
            con.execute(f"DROP {_kind(catalogue, name)} IF EXISTS temp.{name}")
        except duckdb.Error:
            pass
    con.execute("DROP TABLE IF EXISTS temp.q_window")


def evaluate(
    con: duckdb.DuckDBPyConnection,
    *,
    periods: list[str] | None = None,
    year: int | None = None,
    catalogue: Catalogue | None = None,
    rules: list[str] | None = None,
    inputs: dict[str, str] | None = None,
) -> QualityResult:
    """Run every rule of the catalogue on the current returns of the evaluated periods.

    ``periods`` (``["2024Q4"]``) or ``year`` narrow the scope; by default every period with a
    current return; ``periods=[]`` evaluates nothing (an incremental gate with nothing stale).
    Historical rules read the quarters the scope looks back on
    (:func:`civstat.quality.inputs.lookback`) but report only violations in scope. The result
    carries every period's input fingerprint (``inputs`` when the caller has read them), which
    :func:`store` records for the scope. The connection may be read-only (only temporary views
    and tables are created).
    """
    catalogue = catalogue or load_catalogue()
    contract = catalogue.contract or load_contract()
    tables = _tables(con)
    sheet_tables = [f"raw.{s.table}" for s in contract.sheets]
    missing = [t for t in ("raw.submissions", *sheet_tables, "ref.divisions") if t not in tables]
    if missing:
        raise QualitySetupError(
            "仓库缺少审核所需的表,请先运行 civstat ingest / the warehouse lacks tables the rules "
            f"read (run `civstat ingest` first): {', '.join(missing)}"
        )
    scope = _scope(con, periods, year)
    run_id = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    evaluated_at = dt.datetime.now().replace(microsecond=0)
    inputs = fingerprints(con) if inputs is None else inputs
    if periods is not None and not periods:
        return QualityResult(run_id, evaluated_at, [], [], [], inputs=inputs)
    _create_views(con, catalogue, scope)
    try:
        names = dict(con.execute("SELECT division_code, name FROM q_div").fetchall())
        for code, unit in con.execute(
                "SELECT division_code, any_value(unit_name) FROM q_sub GROUP BY ALL").fetchall():
            names.setdefault(code, unit)
        explanations = {}
        if "ref.explanations" in tables:
            for code, period, rule, text in con.execute(
                    "SELECT division_code, period, rule_code, text FROM ref.explanations").fetchall():
                if text and str(text).strip():
                    explanations[(str(code), str(period), str(rule).upper())] = str(text).strip()
        n_returns = con.execute(
            "SELECT count(*) FROM q_sub WHERE list_contains(?::VARCHAR[], period)", [scope]
        ).fetchone()[0]
        ctx = _Context(names, explanations, set(scope), contract)
        gx_runner: GxRunner | None = None
        violations: list[Violation] = []
        runs: list[RuleRun] = []
        for rule in catalogue.rules:
            if rules and rule.code not in rules:
                continue
            try:
                if rule.engine == "sql":
                    found, checks = _run_sql(con, rule, ctx)
                    checked = n_returns
                else:
                    if gx_runner is None and scope:
                        gx_runner = GxRunner()
                    found, checked, checks = _run_gx(con, rule, ctx, gx_runner, scope)
            except (duckdb.Error, RuntimeError, KeyError, TypeError) as exc:
                raise QualityRuleError(f"规则 {rule.code} 无法执行 / rule {rule.code} failed: {exc}") from exc
            violations += found
            runs.append(RuleRun(rule.code, rule.severity, rule.engine, checked, len(found),
                                rule.name_zh, rule.name_en,
                                sum(1 for v in found if v.explanation), checks))
    finally:
        _drop_views(con, catalogue)
    violations.sort(key=lambda v: (v.period, v.division_code, rule_order(v.rule_code),
                                   v.table_name or "", v.source_row or 0, v.column_name or ""))
    return QualityResult(run_id, evaluated_at, scope, violations, runs, n_returns, names,
                         inputs=inputs)


def _run_sql(con, rule: Rule, ctx: _Context) -> tuple[list[Violation], list[dict]]:
    sql = render_sql(rule, ctx.contract)
    if not sql.strip():  # a generic rule no sheet of the contract calls for
        return [], []
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        fields = dict(zip(cols, row, strict=True))
        if fields.get("period") not in ctx.scope:
            continue
        out.append(ctx.violation(rule, fields))
    return out, [{"engine": "sql", "table": None, "check": sql.strip(), "unexpected": len(out)}]


def _run_gx(con, rule: Rule, ctx: _Context, runner: GxRunner | None,
            scope) -> tuple[list[Violation], int, list[dict]]:
    if not scope or runner is None:
        return [], 0, []
    out, checked, checks = [], 0, []
    for frame in frames_for(rule, ctx.contract):
        df = con.execute(frame.sql, [scope]).df()
        if df.empty:
            continue
        rows, findings, outcomes = runner.validate(frame, df)
        checked += rows
        checks += outcomes
        out += [ctx.violation(rule, _gx_fields(frame, f, ctx.contract)) for f in findings]
    return out, checked, checks


def _gx_fields(frame: Frame, finding: Finding, contract: Contract) -> dict:
    spec, row = finding.expectation, dict(finding.row)
    row["table_name"] = frame.table
    labels = frame.labels
    lab = lambda c, lang="zh": _label(frame.table, c, labels, lang, contract)
    t = spec["type"]
    if "column_A" in spec:
        a, b = spec["column_A"], spec["column_B"]
        row["column_name"] = spec.get("report_column", b)
        row["value"] = f"{lab(b)} {_fmt(row.get(b))},{lab(a)} {_fmt(row.get(a))}"
        row["value_en"] = f"{lab(b, 'en')} {_fmt(row.get(b))}, {lab(a, 'en')} {_fmt(row.get(a))}"
        if t == "ExpectColumnPairValuesToBeEqual":
            exp = (f"{lab(b)} = {lab(a)}", f"{lab(b, 'en')} = {lab(a, 'en')}")
        else:
            op = "≤" if spec.get("or_equal") else "<"
            exp = (f"{lab(b)} {op} {lab(a)}", f"{lab(b, 'en')} {op} {lab(a, 'en')}")
    else:
        c = spec["column"]
        row["column_name"] = spec.get("report_column", c)
        if c in labels and "report_column" not in spec:
            row["column_label"] = lab(c)
        pct = c in frame.percent
        v = row.get(c)
        row["value"] = _fmt(v, percent=pct)
        lo, hi = spec.get("min_value"), spec.get("max_value")
        lo = None if lo is None else _fmt(float(lo), percent=pct)
        hi = None if hi is None else _fmt(float(hi), percent=pct)
        if lo is not None and hi is not None:
            exp = (f"{lo} ≤ {lab(c)} ≤ {hi}", f"{lo} ≤ {lab(c, 'en')} ≤ {hi}")
        elif lo is not None:
            exp = (f"{lab(c)} ≥ {lo}", f"{lab(c, 'en')} ≥ {lo}")
        elif hi is not None:
            exp = (f"{lab(c)} ≤ {hi}", f"{lab(c, 'en')} ≤ {hi}")
        else:
            exp = (t, t)
    override = spec.get("expected") or {}
    row["expected_zh"] = override.get("zh", exp[0])
    row["expected_en"] = override.get("en", exp[1])
    return row


def _label(table: str | None, column: str | None, extra: dict | None = None, lang: str = "zh",
           contract: Contract | None = None) -> str:
    if not column:
        return ""
    if extra and column in extra:
        return extra[column].get(lang, column)
    if lang == "en":
        return column
    contract = contract or load_contract()
    if table == "submissions":
        for f in contract.cover_fields:
            if f.name == column:
                return f.header
        return column
    for s in contract.sheets:
        if s.table == table:
            for c in s.columns:
                if c.name == column:
                    return c.header
    return column


def _fmt(v: Any, percent: bool = False) -> str:
    if v is None:
        return "空"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if percent:
            return f"{v * 100:.1f}%"
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) >= 0.01 else f"{v:.4g}"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    return str(v)


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return ""


class _Context:
    """Turns a rule's raw finding into a :class:`Violation` (names, labels, messages, 说明)."""

    def __init__(self, names: dict, explanations: dict, scope: set[str],
                 contract: Contract | None = None):
        self.names, self.explanations, self.scope = names, explanations, scope
        self.contract = contract = contract or load_contract()
        self.sheet_names = {s.table: s.sheet for s in contract.sheets}
        self.sheet_names["submissions"] = "封面"
        self.categories = {(s.table, c.code): c.label for s in contract.sheets for c in s.categories}

    def violation(self, rule: Rule, fields: dict) -> Violation:
        code = str(fields.get("division_code") or "")
        period = str(fields.get("period") or "")
        m = PERIOD.match(period)
        year, quarter = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        table = fields.get("table_name")
        column = fields.get("column_name")
        row = fields.get("source_row")
        row = int(row) if row is not None else None
        sheet = fields.get("source_sheet") or self.sheet_names.get(table or "", None)
        category = fields.get("category")
        cat_label = ("合计" if category in ("total", "all") else
                     self.categories.get((table, category), category or ""))
        fmt = {k: v for k, v in rule.params.items() if not isinstance(v, (dict, list))}
        fmt.update({k: (_fmt(v) if isinstance(v, (int, float, dt.date)) and not isinstance(v, bool)
                        else ("" if v is None else v)) for k, v in fields.items()})
        fmt.update(
            division_code=code,
            division_name=self.names.get(code, code),
            period=period,
            sheet=sheet or "",
            source_row=row if row is not None else "",
            row_text=f"第{row}行" if row is not None else "",
            row_text_en=f" row {row}" if row is not None else "",
            column=column or "",
            column_label=fields.get("column_label") or _label(table, column, contract=self.contract),
            category=category or "",
            category_label=cat_label,
        )
        if "value" not in fields or fields.get("value") is None:
            fmt["value"] = rule.value.format_map(_SafeDict(fmt)) if rule.value else ""
        exp_zh = fields.get("expected_zh") or (
            rule.expected_zh.format_map(_SafeDict(fmt)) if rule.expected_zh else "")
        exp_en = fields.get("expected_en") or (
            rule.expected_en.format_map(_SafeDict(fmt)) if rule.expected_en else "")
        fmt["expected_zh"], fmt["expected_en"] = exp_zh, exp_en
        message_zh = rule.message_zh.format_map(_SafeDict(fmt))
        message_en = rule.message_en.format_map(_SafeDict(fmt))
        value = fmt["value"]
        return Violation(
            rule_code=rule.code,
            severity=rule.severity,
            division_code=code,
            division_name=self.names.get(code),
            period=period,
            year=year,
            quarter=quarter,
            table_name=table,
            sheet=sheet,
            source_file=fields.get("source_file"),
            source_row=row,
            column_name=column,
            value=None if value in (None, "") else str(value),
            expected=exp_zh or None,
            message_zh=message_zh,
            message_en=message_en,
            explanation=self.explanations.get((code, period, rule.code)),
            column_label=fmt["column_label"] or None,
            expected_en=exp_en or None,
        )


# -- storing ------------------------------------------------------------------------------

VIOLATION_COLUMNS = ["run_id", "rule_code", "severity", "division_code", "division_name", "period",
                     "year", "quarter", "table_name", "sheet", "source_file", "source_row",
                     "column_name", "value", "expected", "message_zh", "message_en", "explanation",
                     "evaluated_at"]
RUN_COLUMNS = ["run_id", "rule_code", "severity", "engine", "periods", "rows_checked", "violations",
               "success", "evaluated_at"]


def store(con: duckdb.DuckDBPyConnection, result: QualityResult) -> None:
    """Write a result into ``quality.violations`` (replacing the evaluated periods' rows, and
    dropping those of periods left without a current return), append its rule runs to
    ``quality.rule_runs`` and record the evaluated periods' input fingerprints in
    ``quality.gate_inputs``."""
    for stmt in (*QUALITY_DDL, GATE_INPUTS_DDL):
        con.execute(stmt)
    # the periods whose rows go: those evaluated, and (when the result knows the current
    # periods) those no longer current
    gone = ("list_contains(?::VARCHAR[], period)" + (
        " OR NOT list_contains(?::VARCHAR[], period)" if result.inputs else ""))
    params = [result.periods, list(result.inputs)] if result.inputs else [result.periods]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM quality.violations WHERE {gone}", params)
        con.execute(f"DELETE FROM quality.gate_inputs WHERE {gone}", params)
        recorded = [[p, result.inputs[p], result.run_id, result.evaluated_at]
                    for p in result.periods if p in result.inputs]
        if recorded:
            con.executemany("INSERT INTO quality.gate_inputs VALUES (?, ?, ?, ?)", recorded)
        if result.violations:
            rows = []
            for v in result.violations:
                d = asdict(v)
                d.update(run_id=result.run_id, evaluated_at=result.evaluated_at)
                rows.append([d[c] for c in VIOLATION_COLUMNS])
            con.executemany(
                f"INSERT INTO quality.violations ({', '.join(VIOLATION_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in VIOLATION_COLUMNS)})", rows)
        if result.runs:
            con.executemany(
                f"INSERT INTO quality.rule_runs ({', '.join(RUN_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in RUN_COLUMNS)})",
                [[result.run_id, r.rule_code, r.severity, r.engine, result.periods,
                  r.rows_checked, r.violations, r.success, result.evaluated_at]
                 for r in result.runs],
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def summary(result: QualityResult) -> list[dict]:
    """One row per rule: code, severity, name, violations, explained, townships."""
    towns = Counter()
    for v in result.violations:
        towns[(v.rule_code, v.division_code)] += 1
    per_rule = Counter(code for code, _ in towns)
    return [
        {"rule_code": r.rule_code, "severity": r.severity, "name_zh": r.name_zh, "name_en": r.name_en,
         "engine": r.engine, "rows_checked": r.rows_checked, "violations": r.violations,
         "explained": r.explained, "townships": per_rule.get(r.rule_code, 0)}
        for r in result.runs
    ]
