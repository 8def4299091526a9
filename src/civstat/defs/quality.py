"""The quality gate in Dagster.

* ``quality/violations`` + ``quality/rule_runs``: every edit rule evaluated on the working copy's
  raw layer and stored, before dbt — dbt's ``quality_status`` keeps hard-failed township-quarters
  out of the marts, so the rest of the county still publishes.
* Asset checks on the raw assets: every hard rule on every raw table it reads (severity ERROR;
  ``edit_rule_H7`` on raw/dibao, raw/marriage, …) and the soft rules on every raw table (WARN).
  Both follow the rule catalogue, so a programme file added to the contract brings the checks of
  its raw table. They report; they do not block: one township's bad return must not stop the
  county.
* Blocking checks on the marts (``no_blocked_returns_published``): no return with a hard failure
  may appear in a published fact table — every mart with a submission_id, from dbt's manifest
  (:mod:`civstat.quality.marts`). A failure there is a pipeline bug, so it blocks
  ``warehouse/published``.
"""

import dagster as dg
import duckdb

from civstat import duck
from civstat.contract import load_contract
from civstat.defs.ownership import owners, tags
from civstat.defs.resources import WarehouseResource
from civstat.quality.catalogue import COVER_TABLE, load_catalogue
from civstat.quality.marts import MART_TABLES
from civstat.refresh import blocked_rows_in_marts

CATALOGUE = load_catalogue()
SHEET_TABLES = [s.table for s in load_contract().sheets]
RAW_TABLES = [COVER_TABLE, *SHEET_TABLES]
RAW_DEPS = [dg.AssetKey(["raw", t]) for t in RAW_TABLES]
REF_DEPS = [dg.AssetKey(["ref", "divisions"]), dg.AssetKey(["ref", "explanations"])]
VIOLATIONS_KEY = dg.AssetKey(["quality", "violations"])
RULE_RUNS_KEY = dg.AssetKey(["quality", "rule_runs"])
SOFT_CHECK = "edit_rules_soft"


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def check_tables(rule) -> list[str]:
    """The raw tables a hard rule is checked on: those it reads (the cover when none)."""
    return [t for t in rule.tables if t in RAW_TABLES] or [COVER_TABLE]


def violation_table(v, tables: list[str]) -> str:
    """The raw table of ``tables`` a violation belongs to: its own, else the cover (a finding
    on the whole return), else the first."""
    if v.table_name in tables:
        return v.table_name
    return COVER_TABLE if COVER_TABLE in tables else tables[0]


def check_name(code: str) -> str:
    return f"edit_rule_{code}"


def evaluate_and_store(con: duckdb.DuckDBPyConnection, periods: list[str] | None = None):
    """Evaluate the edit rules on an open (writable) connection and store the findings: of
    ``periods``, else of the periods whose inputs changed since their last verdict."""
    from civstat.quality.inputs import gate

    return gate(con, periods)


def _markdown(violations, limit: int = 30) -> str:
    lines = [f"- {v.division_name or v.division_code} {v.period} {v.rule_code}: {v.message_zh}"
             for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"- … 另有 {len(violations) - limit} 条 / {len(violations) - limit} more")
    return "\n".join(lines) or "无"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(VIOLATIONS_KEY, deps=[*RAW_DEPS, *REF_DEPS], group_name="quality",
                     kinds={"duckdb", "great_expectations"}, owners=owners("quality"),
                     tags=tags("quality", "quality"),
                     description="审核关系违规记录(硬性错误使该乡镇季度不发布,软性提示需说明)"),
        dg.AssetSpec(RULE_RUNS_KEY, deps=[*RAW_DEPS, *REF_DEPS], group_name="quality",
                     kinds={"duckdb"}, owners=owners("quality"), tags=tags("quality", "quality"),
                     description="审核规则运行记录"),
    ],
    pool="duckdb_writer",
)
def quality_gate(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Evaluate every edit rule on the working copy and store the findings: in a quarter's run
    (``refresh_quarter``) that quarter and the later ones, whose rules compare with it; else the
    quarters whose inputs changed since their last verdict."""
    wh = warehouse.warehouse
    with wh.lock(), wh.connect_writer(stage="gate") as con:
        result = evaluate_and_store(con, _from_quarter(con, _partition(context)))
        rows = {key: con.execute(f"SELECT count(*) FROM quality.{key.path[-1]}").fetchone()[0]
                for key in (VIOLATIONS_KEY, RULE_RUNS_KEY)}
    names = result.division_names
    context.log.info(
        f"{len(result.periods)} periods, {result.returns} returns: {len(result.hard)} hard, "
        f"{len(result.soft)} soft ({len(result.unexplained_soft)} unexplained)"
    )
    blocked = [f"{names.get(c, c)} {p}" for c, p in result.blocked]
    yield dg.MaterializeResult(
        asset_key=VIOLATIONS_KEY,
        metadata={
            "dagster/row_count": rows[VIOLATIONS_KEY],
            "run_id": result.run_id,
            "hard": len(result.hard),
            "soft": len(result.soft),
            "unexplained_soft": len(result.unexplained_soft),
            "blocked": dg.MetadataValue.md("\n".join(f"- {b}" for b in blocked) or "无"),
            "hard_violations": dg.MetadataValue.md(_markdown(result.hard)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=RULE_RUNS_KEY,
        metadata={"dagster/row_count": rows[RULE_RUNS_KEY], "rules": len(result.runs),
                  "periods": ", ".join(result.periods)},
    )


def _from_quarter(con: duckdb.DuckDBPyConnection, quarter: str | None) -> list[str] | None:
    """The quarters from ``quarter`` on that have returns (None: every quarter)."""
    if not quarter:
        return None
    later = [p for (p,) in con.execute(
        "SELECT DISTINCT period FROM raw.submissions WHERE period >= ? ORDER BY period", [quarter]
    ).fetchall()]
    return later or None


def _partition(context) -> str | None:
    try:
        tags = context.run.tags
    except Exception:  # noqa: BLE001
        return None
    return tags.get("dagster/partition")


@dg.multi_asset_check(
    specs=[
        *(dg.AssetCheckSpec(check_name(r.code), asset=raw_key(t),
                            description=f"{r.code} {r.name_zh}(硬性) / {r.name_en}")
          for r in CATALOGUE.rules if r.is_hard for t in check_tables(r)),
        *(dg.AssetCheckSpec(SOFT_CHECK, asset=raw_key(t),
                            description="软性审核提示(需说明) / soft edit rules")
          for t in RAW_TABLES),
    ],
    can_subset=True,
    name="edit_rule_checks",
    pool="duckdb_writer",
)
def edit_rule_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """The edit rules as checks on the raw assets (the run's quarter, or every quarter)."""
    from civstat.quality import evaluate

    period = _partition(context)
    wh = warehouse.warehouse
    with wh.lock():
        con = duck.connect(str(wh.prepare_working()), read_only=True)
        try:
            result = evaluate(con, periods=[period] if period else None)
        finally:
            con.close()
    found: dict[tuple[str, str], list] = {}  # (check name, raw table) → violations
    for v in result.violations:
        if v.is_hard:
            rule = CATALOGUE.rule(v.rule_code)
            key = (check_name(v.rule_code), violation_table(v, check_tables(rule)))
        else:
            key = (SOFT_CHECK, violation_table(v, RAW_TABLES))
        found.setdefault(key, []).append(v)
    for check_key in context.selected_asset_check_keys:
        table = check_key.asset_key.path[-1]
        these = found.get((check_key.name, table), [])
        if check_key.name == SOFT_CHECK:
            open_ = [v for v in these if not v.explanation]
            yield dg.AssetCheckResult(
                check_name=SOFT_CHECK,
                asset_key=check_key.asset_key,
                passed=not open_,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"软性提示 {len(these)} 条,待说明 {len(open_)} 条",
                metadata={"soft": len(these), "unexplained": len(open_),
                          "periods": ", ".join(result.periods),
                          "details": dg.MetadataValue.md(_markdown(open_))},
            )
        else:
            yield dg.AssetCheckResult(
                check_name=check_key.name,
                asset_key=check_key.asset_key,
                passed=not these,
                severity=dg.AssetCheckSeverity.ERROR,
                description=f"{len(these)} 条违规,相应乡镇季度不发布" if these else "通过",
                metadata={"violations": len(these), "periods": ", ".join(result.periods),
                          "details": dg.MetadataValue.md(_markdown(these))},
            )


def no_blocked_returns_published(marts: list[str] | None = None) -> dg.AssetChecksDefinition:
    """Blocking checks on the dbt fact tables (default: every mart with a submission_id, from
    dbt's manifest): no row of a hard-failed return may reach them."""
    marts = list(MART_TABLES) if marts is None else list(marts)

    @dg.multi_asset_check(
        specs=[
            dg.AssetCheckSpec("no_blocked_returns_published", asset=dg.AssetKey(["warehouse", m]),
                              blocking=True,
                              description="硬性审核未通过的乡镇季度不得进入已发布数据")
            for m in marts
        ],
        can_subset=True,
        name="no_blocked_returns_published",
        pool="duckdb_writer",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.warehouse
        with wh.lock():
            con = duck.connect(str(wh.working), read_only=True)
            try:
                counts = blocked_rows_in_marts(con, marts)
            finally:
                con.close()
        selected = {key.asset_key for key in context.selected_asset_check_keys}
        for mart, n in counts.items():
            key = dg.AssetKey(["warehouse", mart])
            if key not in selected:
                continue
            yield dg.AssetCheckResult(
                check_name="no_blocked_returns_published",
                asset_key=key,
                passed=n == 0,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"blocked_rows": n},
            )

    return _check


defs = dg.Definitions(
    assets=[quality_gate],
    asset_checks=[edit_rule_checks, no_blocked_returns_published()],
)
