"""The gate's findings into the warehouse: ``quality.violations``, ``quality.rule_runs`` and
``quality.gate_inputs`` (what each period's verdict was reached on)."""

from __future__ import annotations

from dataclasses import asdict

import duckdb

from civstat.quality.inputs import GATE_INPUTS_DDL, fingerprints
from civstat.quality.result import QualityResult
from civstat.raw_schema import QUALITY_DDL

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
    inputs = result.inputs or fingerprints(con)  # every period with a current return
    # the periods whose rows go: those evaluated, and those no longer current
    gone = "list_contains(?::VARCHAR[], period) OR NOT list_contains(?::VARCHAR[], period)"
    params = [result.periods, list(inputs)]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM quality.violations WHERE {gone}", params)
        con.execute(f"DELETE FROM quality.gate_inputs WHERE {gone}", params)
        recorded = [[p, inputs[p], result.run_id, result.evaluated_at]
                    for p in result.periods if p in inputs]
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
