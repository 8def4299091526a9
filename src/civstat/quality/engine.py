"""Evaluate the rule catalogue on the raw layer (current returns): SQL rules on DuckDB, the
within-row rules through Great Expectations; how a finding reads is :mod:`civstat.quality.wording`,
storing it :mod:`civstat.quality.store`."""

from __future__ import annotations

import datetime as dt
import uuid

import duckdb

from civstat.contract import load_contract
from civstat.periods import PERIOD_KEY as PERIOD
from civstat.quality.catalogue import Catalogue, Rule, load_catalogue, render_sql, rule_order
from civstat.quality.gx import GxRunner, frames_for
from civstat.quality.inputs import lookback
from civstat.quality.result import (
    QualityResult,
    QualityRuleError,
    QualitySetupError,
    RuleRun,
    Violation,
)
from civstat.quality.wording import Context, gx_fields
from civstat.raw_schema import open_refusals, open_withdrawals

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
    window = lookback(scope)
    if window:  # (none: the periods asked for have no current return — nothing to evaluate)
        con.executemany("INSERT INTO q_window VALUES (?)", [[p] for p in window])
    # q_refused: the refusals still open, with the township the ingest told (H12 tells a return
    # sent but refused from one not sent); none on a warehouse older than raw.quarantine's
    # division_code, where H12 says 缺报 as before
    con.execute(f"CREATE OR REPLACE TEMP VIEW q_refused AS {open_refusals(con)}")
    # q_withdrawn: the returns the bureau withdrew (H12 tells a quarter left without a return so
    # from one never sent)
    con.execute(f"CREATE OR REPLACE TEMP VIEW q_withdrawn AS {open_withdrawals(con)}")
    for name, sql in catalogue.views.items():
        con.execute(f"CREATE OR REPLACE TEMP {_kind(catalogue, name)} {name} AS {sql}")


def _drop_views(con, catalogue: Catalogue) -> None:
    for name in reversed(list(catalogue.views)):
        try:
            con.execute(f"DROP {_kind(catalogue, name)} IF EXISTS temp.{name}")
        except duckdb.Error:
            pass
    con.execute("DROP VIEW IF EXISTS temp.q_refused")
    con.execute("DROP VIEW IF EXISTS temp.q_withdrawn")
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
    (:func:`civstat.quality.inputs.lookback`) but report only violations in scope. ``inputs``:
    every period's input fingerprint, when the caller (the incremental gate) has read them;
    the result carries them for :func:`civstat.quality.store.store`, which reads them itself
    otherwise (``civstat check`` only reports, and never needs them). The connection may be read-only (only temporary views
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
    inputs = inputs or {}
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
        ctx = Context(names, explanations, set(scope), contract)
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


def _run_sql(con, rule: Rule, ctx: Context) -> tuple[list[Violation], list[dict]]:
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


def _run_gx(con, rule: Rule, ctx: Context, runner: GxRunner | None,
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
        out += [ctx.violation(rule, gx_fields(frame, f, ctx.contract)) for f in findings]
    return out, checked, checks
