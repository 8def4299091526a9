"""The one refresh path: lock → gate → plan → dbt → verify → record → publish.

``civstat build`` runs :func:`refresh` whole. Dagster runs the same steps as assets — the gate
asset calls :func:`run_gate`, the dbt asset :func:`begin_build` / :func:`finish_build` around
its ``dbt build``, the publish asset :meth:`Warehouse.publish` — so both orchestrators leave the
same marks in the working copy (:mod:`civstat.workstate`), and :meth:`Warehouse.publish`
refuses, for either, a copy that did not finish a gated, verified build after its last change.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from typing import NamedTuple

import duckdb

from civstat import duck, faults, workstate
from civstat.buildplan import BuildPlan, nothing_changed, plan_build, record_build
from civstat.dbtrun import run_dbt
from civstat.quality.marts import MART_TABLES  # facts no blocked return may reach
from civstat.warehouse import Warehouse


class BuildFailed(RuntimeError):
    """dbt failed, or the built warehouse failed a check; nothing was published."""


class RefreshOutcome(NamedTuple):
    proc: subprocess.CompletedProcess | None  # None when nothing had changed (dbt not run)
    plan: BuildPlan | None  # None for a partial (``--select``) build, or nothing to do
    published: bool
    unchanged: str | None = None  # why nothing was done (nothing changed since the last build)
    gate: object | None = None  # the gate's QualityResult (None: the gate did not run)


def run_gate(wh: Warehouse, periods: Sequence[str] | None = None, *, everything: bool = False):
    """Evaluate the edit rules on the working copy and store the findings (caller holds the
    lock); marks the copy as gated once they are stored.

    Which periods: ``periods`` when given; every one with ``everything``; else those whose
    inputs changed since their last verdict (:func:`civstat.quality.inputs.stale_periods`:
    a new quarter, a corrected return and the quarters after it, new reference data or rules)."""
    from civstat.quality.inputs import gate

    with wh.connect_writer(stage="gate") as con:
        result = gate(con, list(periods) if periods else None, everything=everything)
    faults.point("build.after_gate")
    return result


def begin_build(wh: Warehouse, *, full_refresh: bool = False, whole: bool = True) -> BuildPlan | None:
    """Plan the build (None for a partial one) and mark the working copy as being built."""
    wh.prepare_working()
    plan = plan_build(wh.working, full_refresh=full_refresh) if whole else None
    workstate.mark_file(wh.working, "build_start")
    return plan


def blocked_rows_in_marts(con: duckdb.DuckDBPyConnection,
                          marts: Sequence[str] = MART_TABLES) -> dict[str, int]:
    """Rows of each fact table that belong to a blocked (hard-failed) return."""
    return {
        mart: con.execute(
            f"SELECT count(*) FROM main.{mart} f JOIN main.quality_status q USING (submission_id) "
            "WHERE q.status = 'blocked'"
        ).fetchone()[0]
        for mart in marts
    }


def verify(wh: Warehouse) -> None:
    """Checks on the built working copy beyond dbt's tests: no blocked return in a fact table."""
    con = duck.connect(str(wh.working), read_only=True)
    try:
        leaks = {m: n for m, n in blocked_rows_in_marts(con).items() if n}
    finally:
        con.close()
    if leaks:
        raise BuildFailed(
            "硬性审核未通过的报表进入了事实表,未发布 / rows of blocked returns reached fact "
            f"tables, nothing published: {leaks}")


def finish_build(wh: Warehouse, plan: BuildPlan | None, seconds: float, orchestrator: str,
                 *, check: bool = True) -> None:
    """After dbt succeeded: verify, record the build, and mark the copy built (publishable).

    A partial build is never marked built: the rest of the warehouse may not match it.
    ``check=False`` leaves the verification to the orchestrator's own blocking checks.
    """
    faults.point("build.after_dbt")
    if plan is None:
        return
    if check:
        verify(wh)
    record_build(wh.working, plan, seconds, orchestrator=orchestrator)
    workstate.mark_file(wh.working, "build_ok")


def refresh(
    warehouse: Warehouse | None = None,
    *,
    full_refresh: bool = False,
    select: str | None = None,
    publish: bool = True,
    capture: bool = False,
    lock_timeout: float | None = None,
    gate: bool = True,
    periods: Sequence[str] | None = None,
) -> RefreshOutcome:
    """Lock → edit rules → plan → ``dbt build`` → verify → record → publish.

    A whole refresh with nothing new since the published build
    (:func:`civstat.buildplan.nothing_changed`) stops after the lock: no gate, no dbt, no
    publish; the outcome's ``unchanged`` says why.

    Raises :class:`civstat.dbtrun.DbtFailed` or :class:`BuildFailed` (and publishes nothing)
    when dbt or a check fails; :class:`civstat.warehouse.NotPublishable` when asked to publish
    a copy that is not fully built (e.g. ``gate=False`` after new raw data, or ``select``).
    """
    wh = warehouse or Warehouse.default()
    with wh.lock(timeout=lock_timeout):
        wh.prepare_working()
        if not wh.working.exists():
            raise FileNotFoundError(
                f"没有原始层数据,请先运行 civstat ingest / no raw data yet at {wh.working} "
                "(run `civstat ingest` first)"
            )
        if gate and publish and not select and not full_refresh and not periods:
            why = nothing_changed(wh.working, wh.path)
            if why is not None:  # no gate, no dbt, no publish: the published file is current
                return RefreshOutcome(None, None, False, why)
        gated = run_gate(wh, periods, everything=full_refresh) if gate else None
        plan = begin_build(wh, full_refresh=full_refresh, whole=not select)
        args = (["build", *plan.dbt_args()] if plan is not None else
                ["build", "--select", select, *(["--full-refresh"] if full_refresh else [])])
        started = time.monotonic()
        proc = run_dbt(args, wh, capture=capture)
        finish_build(wh, plan, time.monotonic() - started, orchestrator="cli")
        published = publish and plan is not None
        if published:
            wh.publish()
    return RefreshOutcome(proc, plan, published, gate=gated)
