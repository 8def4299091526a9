"""Full or incremental: what a warehouse refresh has to rebuild, decided from the build log.

A quarterly refresh changes *data*, not *code*. When the dbt project (models, macros, seeds,
selectors, ``dbt_project.yml``) and the dbt version are the same as at the last successful
build, the refresh runs dbt's ``quarterly_refresh`` selector (``dbt_project/selectors.yml``):

* tables and incremental models are rebuilt; incremental ones only for the periods whose
  fingerprint changed (``periods_to_refresh``);
* every data test runs again, because the data changed;
* views, seeds and unit tests are skipped: their definitions are byte-for-byte those already in
  the warehouse, and unit tests test code, which did not change.

When the code changed (or on the first build, after a build that failed or was killed, after
the warehouse file was renamed — DuckDB views name their catalog after the file — or on
request) the refresh is a full one:
``dbt build --full-refresh`` with everything, unit tests included. Each successful whole-project
build appends a row to ``meta.build_log`` so statisticians can see when and how the published
warehouse was built.

When nothing changed at all — the working copy was gated and built after its last change, that
build is the published file, and neither the dbt project nor the edit rules
(``gate_fingerprint``) changed — :func:`nothing_changed` says so and the refresh does nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb

from civstat import duck, paths, workstate

SELECTOR = "quarterly_refresh"

# What a model's output depends on besides the data. target/, logs/ and docs are excluded.
CODE_PATHS = ("models", "macros", "seeds", "tests", "snapshots", "selectors.yml",
              "dbt_project.yml")
DBT_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")

BUILD_LOG_DDL = [
    "CREATE SCHEMA IF NOT EXISTS meta",
    """
CREATE TABLE IF NOT EXISTS meta.build_log (
    built_at TIMESTAMP NOT NULL,
    mode VARCHAR NOT NULL,               -- full | incremental
    reason VARCHAR NOT NULL,
    code_fingerprint VARCHAR NOT NULL,   -- sha256 of the dbt project's code + dbt, DuckDB versions
    seconds DOUBLE,
    orchestrator VARCHAR                 -- cli | dagster
)
""",
    # the catalog the views were created under (DuckDB names it after the file)
    "ALTER TABLE meta.build_log ADD COLUMN IF NOT EXISTS catalog VARCHAR",
    # sha256 of the edit rules (quality/ and the programme catalogue) the gate applied
    "ALTER TABLE meta.build_log ADD COLUMN IF NOT EXISTS gate_fingerprint VARCHAR",
]

# What the gate's verdict depends on besides the raw data: the rules and the code evaluating
# them (not the command line or the HTML report).
GATE_PATHS = ("quality/rules.yaml", "quality/engine.py", "quality/catalogue.py", "quality/gx.py",
              "quality/result.py", "quality/wording.py", "quality/store.py", "contract",
              "raw_schema.py")
GATE_PACKAGES = ("great_expectations", "duckdb")


def code_fingerprint(project_dir: Path | None = None) -> str:
    """sha256 over the dbt project's code files (path and content) and the dbt versions."""
    root = project_dir or paths.DBT_PROJECT_DIR
    digest = hashlib.sha256()
    for name in DBT_PACKAGES:
        digest.update(f"{name}=={metadata.version(name)}\n".encode())
    for entry in CODE_PATHS:
        base = root / entry
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if path.exists():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def gate_fingerprint(package_dir: Path | None = None) -> str:
    """sha256 over the edit rules and the code evaluating them (:data:`GATE_PATHS`), the dbt
    macros its views render (:data:`~civstat.quality.catalogue.SHARED_MACROS`) and the versions
    of Great Expectations and DuckDB."""
    from civstat.quality.catalogue import SHARED_MACROS

    root = package_dir or paths.PACKAGE_DIR
    digest = hashlib.sha256()
    for name in GATE_PACKAGES:
        digest.update(f"{name}=={metadata.version(name)}\n".encode())
    for name in SHARED_MACROS:
        macro = paths.DBT_PROJECT_DIR / "macros" / name
        if macro.is_file():
            digest.update(f"macros/{name}\0".encode() + macro.read_bytes() + b"\0")
    for entry in GATE_PATHS:
        base = root / entry
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".sql"):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildPlan:
    mode: str            # "full" | "incremental"
    reason: str          # Chinese / English, for logs and the build log
    code_fingerprint: str
    gate_fingerprint: str = ""

    @property
    def is_full(self) -> bool:
        return self.mode == "full"

    def dbt_args(self) -> list[str]:
        """Arguments after ``dbt build``."""
        return ["--full-refresh"] if self.is_full else ["--selector", SELECTOR]


def catalog_name(working: Path) -> str:
    """The catalog DuckDB (and dbt-duckdb) name a database file after: ``civstat.build.duckdb``
    → ``civstat``. Views refer to it, so a renamed warehouse needs its views rebuilt."""
    return working.name.lstrip(".").split(".")[0]


def last_build(working: Path) -> tuple[str, dt.datetime, str | None] | None:
    """(code fingerprint, time, catalog) of the last whole-project build in the working copy."""
    if not working.exists():
        return None
    con = duck.connect(str(working), read_only=True)
    try:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'meta' AND table_name = 'build_log'").fetchall()}
        if not columns:
            return None
        catalog = "catalog" if "catalog" in columns else "NULL"
        return con.execute(
            f"SELECT code_fingerprint, built_at, {catalog} FROM meta.build_log "
            "ORDER BY built_at DESC LIMIT 1").fetchone()
    finally:
        con.close()


def _latest(path: Path) -> dict | None:
    """The newest row of ``meta.build_log`` in a warehouse file (None: no build recorded)."""
    if not path.exists():
        return None
    con = duck.connect(str(path), read_only=True)
    try:
        try:
            cur = con.execute("SELECT * FROM meta.build_log ORDER BY built_at DESC LIMIT 1")
        except duckdb.CatalogException:
            return None
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None
    finally:
        con.close()


def nothing_changed(working: Path, published: Path) -> str | None:
    """Why a refresh has nothing to do (None: it has): the working copy was gated and fully
    built after its last change, that build is the published one, and neither the dbt project
    nor the edit rules changed since. Then the refresh runs neither the gate nor dbt."""
    if not working.exists() or not published.exists():
        return None
    if workstate.read_file(working).unpublishable_reason() is not None:
        return None
    last, live = _latest(working), _latest(published)
    if last is None or live is None or last.get("built_at") != live.get("built_at"):
        return None
    if last.get("code_fingerprint") != code_fingerprint():
        return None
    if last.get("catalog") != catalog_name(working):
        return None
    if not last.get("gate_fingerprint") or last["gate_fingerprint"] != gate_fingerprint():
        return None
    return (f"自 {last['built_at']:%Y-%m-%d %H:%M} 的构建以来没有新的变化(原始数据、参考数据、"
            f"审核规则、dbt 模型均未变),已发布的仓库已是最新 / nothing changed since the build "
            f"of {last['built_at']:%Y-%m-%d %H:%M} (returns, reference data, edit rules, dbt "
            "project): the published warehouse is up to date")


def plan_build(working: Path, *, full_refresh: bool = False,
               project_dir: Path | None = None) -> BuildPlan:
    """Decide between a full and an incremental build of the working copy."""
    current = code_fingerprint(project_dir)
    plan = _plan(working, current, full_refresh)
    return BuildPlan(plan.mode, plan.reason, plan.code_fingerprint, gate_fingerprint())


def _plan(working: Path, current: str, full_refresh: bool) -> BuildPlan:
    if full_refresh:
        return BuildPlan("full", "按要求全量重建 / full refresh requested", current)
    last = last_build(working)
    if last is None:
        return BuildPlan("full", "首次构建 / first build of this warehouse", current)
    if workstate.read_file(working).build_interrupted:
        return BuildPlan(
            "full",
            "上次构建失败或被中断,增量结果不可信,全量重建 / the last build failed or was "
            "interrupted: its incremental models cannot be trusted, full rebuild",
            current,
        )
    fingerprint, built_at, catalog = last
    if fingerprint != current:
        return BuildPlan(
            "full",
            f"dbt 模型代码自 {built_at:%Y-%m-%d %H:%M} 的构建以来已变更,全量重建 / "
            f"dbt project changed since the build of {built_at:%Y-%m-%d %H:%M} "
            f"({fingerprint[:12]} → {current[:12]})",
            current,
        )
    if catalog != catalog_name(working):
        return BuildPlan(
            "full",
            f"仓库文件名已变({catalog} → {catalog_name(working)}),视图需重建 / the warehouse "
            f"file was renamed ({catalog} → {catalog_name(working)}): views must be rebuilt",
            current,
        )
    return BuildPlan(
        "incremental",
        "模型代码未变,只重建数据有变化的报告期 / project unchanged: rebuild the changed periods",
        current,
    )


def record_build(working: Path, plan: BuildPlan, seconds: float, orchestrator: str) -> None:
    """Append a successful whole-project build to ``meta.build_log`` in the working copy."""
    con = duck.connect(str(working))
    try:
        for stmt in BUILD_LOG_DDL:
            con.execute(stmt)
        con.execute(
            "INSERT INTO meta.build_log BY NAME SELECT ? AS built_at, ? AS mode, ? AS reason, "
            "? AS code_fingerprint, ? AS seconds, ? AS orchestrator, ? AS catalog, "
            "? AS gate_fingerprint",
            [dt.datetime.now(), plan.mode, plan.reason, plan.code_fingerprint, round(seconds, 2),
             orchestrator, catalog_name(working), plan.gate_fingerprint or None],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
