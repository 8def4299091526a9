"""What each quarter's verdict depends on, as one fingerprint: so that a refresh re-evaluates only
the quarters whose inputs changed.

The edit rules of a quarter read that quarter's current returns and those of the quarters it
looks back on (the earlier quarters of its year and the year before: :func:`lookback`), the
reference tables (divisions and their mergers, 说明) and the rules themselves. A quarter's
fingerprint hashes all of that — the rules and the code evaluating them
(:func:`civstat.buildplan.gate_fingerprint`), every ``ref`` table, and the current returns (their
submission id, the file's content hash, township and load time) of that quarter *and of every
earlier one* — so a corrected 2024Q2 return makes 2024Q2 and every later quarter stale, a new
quarter only itself, a new merger or 说明 all of them. The refusals a quarter's folder holds open
that name a township count too (H12's message names them).

``store`` records the fingerprints of the quarters it wrote in ``quality.gate_inputs``;
:func:`stale_periods` compares them with today's. Cumulative over earlier quarters is more than
the rules need (none looks back more than a year), and deliberately so: re-evaluating a quarter
costs seconds, a stale verdict would publish a figure the gate never saw.
"""

from __future__ import annotations

import hashlib

import duckdb

from civstat.periods import Quarter
from civstat.raw_schema import open_refusals

GATE_INPUTS_DDL = """
CREATE TABLE IF NOT EXISTS quality.gate_inputs (
    period VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,   -- sha256 of what the period's verdict depends on
    run_id VARCHAR NOT NULL,        -- the run that evaluated it
    evaluated_at TIMESTAMP NOT NULL
)
"""


# How far back an edit rule may read from the quarter it judges: the earlier quarters of its
# year (year-to-date flows, person-months) and every quarter of the year before (the previous
# quarter, the same quarter a year earlier, last year-end). A rule reading further back must
# widen this (tests/test_quality_incremental.py compares scoped and full runs).
LOOKBACK_YEARS = 1


def lookback(periods: list[str]) -> list[str]:
    """The quarters the rules of ``periods`` read (:data:`LOOKBACK_YEARS`)."""
    out: set[Quarter] = set()
    for key in periods:
        q = Quarter.parse(key)
        out.update(q.ytd_quarters())
        out.update(Quarter(q.year - back, n) for back in range(1, LOOKBACK_YEARS + 1)
                   for n in range(1, 5))
    return [str(q) for q in sorted(out)]


def _reference_digest(con: duckdb.DuckDBPyConnection) -> bytes:
    digest = hashlib.sha256()
    tables = [t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'ref' AND database_name = "
        "current_database() ORDER BY table_name").fetchall()]
    for table in tables:
        text = con.execute(
            f'SELECT coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), \'\') '
            f'FROM ref."{table}" AS t').fetchone()[0]
        digest.update(f"{table}\0".encode() + text.encode() + b"\0")
    return digest.digest()


def fingerprints(con: duckdb.DuckDBPyConnection, code: str | None = None) -> dict[str, str]:
    """Every quarter with a current return → the fingerprint of what its verdict depends on."""
    from civstat.buildplan import gate_fingerprint

    base = hashlib.sha256((code or gate_fingerprint()).encode() + b"\0")
    base.update(_reference_digest(con))
    rows = con.execute(
        "SELECT period, string_agg(submission_id || ':' || file_sha256 || ':' || division_code "
        "|| ':' || CAST(ingested_at AS VARCHAR), ',' ORDER BY submission_id) "
        "FROM raw.submissions WHERE is_current GROUP BY period").fetchall()
    refused = _refused(con)
    running, out = base, {}
    for period, text in sorted(rows, key=lambda r: Quarter.parse(r[0])):
        running = running.copy()
        running.update(f"{period}={text}\n".encode())
        if period in refused:
            running.update(f"refused={refused[period]}\n".encode())
        out[period] = running.hexdigest()
    return out


def _refused(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per quarter, the refusals still open in its folder that name a township (H12 says of
    that township "sent but refused", naming the file and why); none before the ingest recorded
    a refusal's township."""
    return dict(con.execute(
        "SELECT folder_period, string_agg(file_path || ':' || file_sha256 || ':' || "
        "division_code || ':' || message_zh, ',' ORDER BY file_path, file_sha256) "
        f"FROM ({open_refusals(con)}) WHERE folder_period IS NOT NULL "
        "GROUP BY folder_period").fetchall())


def recorded(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The fingerprints ``quality.gate_inputs`` holds (empty before the first gate)."""
    try:
        return dict(con.execute("SELECT period, fingerprint FROM quality.gate_inputs").fetchall())
    except duckdb.CatalogException:
        return {}


def stale_periods(con: duckdb.DuckDBPyConnection, now: dict[str, str] | None = None) -> list[str]:
    """The quarters whose verdict is missing or was reached on other inputs (``now``: today's
    :func:`fingerprints`, read when not given), in order."""
    now, then = (fingerprints(con) if now is None else now), recorded(con)
    return [p for p, fp in now.items() if then.get(p) != fp]


def gate(con: duckdb.DuckDBPyConnection, periods: list[str] | None = None, *,
         everything: bool = False):
    """Evaluate the edit rules on a writable connection and store the findings — of ``periods``
    when given, of every period with ``everything``, else of the stale ones — for the CLI's
    refresh and Dagster's gate alike; the :class:`~civstat.quality.engine.QualityResult`."""
    from civstat.quality.engine import evaluate
    from civstat.quality.store import store

    now = fingerprints(con)
    scope = list(periods) if periods else None if everything else stale_periods(con, now)
    result = evaluate(con, periods=scope, inputs=now)
    store(con, result)
    return result
