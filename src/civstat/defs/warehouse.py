"""Warehouse: the dbt project as Dagster assets (staging → intermediate → marts).

The manifest is prepared at set-up time (``python -m civstat.dbtrun prepare``, or
``prepare_if_dev()`` under ``dagster dev``) and only *read* at import. dbt sources carry
``meta.dagster.asset_key`` (["raw", t], ["ref", t], ["quality", "violations"]), so lineage runs
from the drop zone to the marts. dbt builds the working copy under the warehouse lock; the
lead's publish asset publishes afterwards.

Groups follow the programme catalogue (:func:`dbt_groups`): a programme's models sit in its
``domain`` (social_assistance, eldercare, …), models across programmes in ``warehouse_core``,
``kpi`` or ``quality``.
"""

import contextlib
import json
import os
import time
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import cache, lru_cache
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import default_group_from_dbt_resource_props
from dagster_dbt.utils import select_unique_ids

from civstat import duck, paths
from civstat.buildplan import SELECTOR
from civstat.contract import Contract, load_contract
from civstat.dbtrun import MANIFEST_PATH, PARENT_ENV, dagster_dbt_executable, prepare_manifest
from civstat.defs.ownership import owners, tags
from civstat.defs.resources import WarehouseResource
from civstat.refresh import begin_build, finish_build

KEY_PREFIX = "warehouse"
# groups of the dbt models that serve no single programme
CORE_GROUP, KPI_GROUP, QUALITY_GROUP = "warehouse_core", "kpi", "quality"
DBT_NODE_TYPES = ("model", "seed", "snapshot")

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)
# Not ``prepare_if_dev()``: that parses with a default DbtCliResource (whatever ``dbt`` is on
# PATH). The manifest is prepared by ``make`` (or here, once, if it is missing) with our dbt.
if not MANIFEST_PATH.exists():
    prepare_manifest()


def cross_programme_group(name: str) -> str:
    """The group of a model that belongs to no single programme, by what it is about."""
    if any(word in name for word in ("quality", "explanation")) or name.startswith("audit_"):
        return QUALITY_GROUP
    if any(word in name for word in ("kpi", "measure", "plan_target")):
        return KPI_GROUP
    return CORE_GROUP


def dbt_groups(manifest: Mapping[str, Any], contract: Contract) -> dict[str, str]:
    """Dagster group of every dbt model, seed and snapshot (unique_id → group).

    A model that reads a programme's raw table (its staging) is in the programme's ``domain``;
    a model whose programme inputs (direct parents) all share one domain is in it too
    (int_dibao_person_months, fct_recipients, dibao_standards); the rest — inputs from several
    programmes or none — by :func:`cross_programme_group`. A ``meta.dagster.group`` (or dbt
    group) on the model wins.
    """
    domain_of_table = {p.sheet.table: p.domain for p in contract.programmes}
    nodes, sources = manifest.get("nodes", {}), manifest.get("sources", {})
    memo: dict[str, str | None] = {}

    def domain(uid: str) -> str | None:
        if uid in memo:
            return memo[uid]
        memo[uid] = None  # cycle guard
        if uid in sources:
            src = sources[uid]
            found = domain_of_table.get(src["name"]) if src.get("source_name") == "raw" else None
        elif uid in nodes and nodes[uid]["resource_type"] in DBT_NODE_TYPES:
            parents = {domain(p) for p in nodes[uid].get("depends_on", {}).get("nodes", [])}
            parents.discard(None)
            found = next(iter(parents)) if len(parents) == 1 else None
        else:
            found = None
        memo[uid] = found
        return found

    groups = {}
    for uid, node in nodes.items():
        if node["resource_type"] not in DBT_NODE_TYPES:
            continue
        groups[uid] = (default_group_from_dbt_resource_props(node) or domain(uid)
                       or cross_programme_group(node["name"]))
    return groups


@lru_cache(maxsize=2)  # the manifest of this version (and the last): a few MB each
def _manifest(manifest_path: str, mtime_ns: int) -> dict:
    """dbt's manifest, read once per version of the file (callers do not change it)."""
    return json.loads(Path(manifest_path).read_text(encoding="utf-8"))


def _manifest_key() -> tuple[str, int]:
    path = dbt_project.manifest_path
    return str(path), path.stat().st_mtime_ns


@cache
def _manifest_groups(manifest_path: str, mtime_ns: int) -> dict[str, str]:
    return dbt_groups(_manifest(manifest_path, mtime_ns), load_contract())


class CivstatDbtTranslator(DagsterDbtTranslator):
    """Models and seeds live under ["warehouse", <name>], grouped by programme domain
    (:func:`dbt_groups`); sources keep their meta asset keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in DBT_NODE_TYPES:
            return dg.AssetKey([KEY_PREFIX, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return owners(_layer(dbt_resource_props))

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        """dbt's own tags, plus ``layer`` (staging/intermediate/marts/seeds) and ``domain``."""
        group = self.get_group_name(dbt_resource_props) or CORE_GROUP
        return {**super().get_tags(dbt_resource_props),
                **tags(_layer(dbt_resource_props), group)}

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        groups = _manifest_groups(*_manifest_key())
        return (groups.get(dbt_resource_props.get("unique_id", ""))
                or default_group_from_dbt_resource_props(dbt_resource_props)
                or cross_programme_group(dbt_resource_props["name"]))


def _layer(props: Mapping[str, Any]) -> str:
    """staging / intermediate / marts from the model's folder; seeds and snapshots by type."""
    if props["resource_type"] != "model":
        return "seeds" if props["resource_type"] == "seed" else props["resource_type"]
    fqn = props.get("fqn") or []
    return fqn[1] if len(fqn) > 2 else "marts"


def mart_key(name: str) -> dg.AssetKey:
    """Asset key of a dbt model (e.g. ``mart_key("kpi_annual")``)."""
    return dg.AssetKey([KEY_PREFIX, name])


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CivstatDbtTranslator(),
    pool="duckdb_writer",
)
def civstat_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """``dbt build`` on the warehouse's working copy, holding the single-writer lock.

    The same steps as ``civstat build`` (:mod:`civstat.refresh`): a whole-project run is planned
    (incremental while the dbt code is unchanged, full after a change or a failed build), marks
    the working copy as being built, and only once dbt and the checks passed marks it built —
    the publish asset publishes nothing else. A subset chosen in the UI builds exactly that
    subset, is not recorded in ``meta.build_log`` and cannot be published.
    """
    wh = warehouse.warehouse
    with wh.lock(), _warehouse_env(wh.path):
        plan = begin_build(wh, whole=not context.is_subset)
        if plan is not None:
            context.log.info(f"{plan.mode} build: {plan.reason}")
        unchanged = []
        if plan is not None and not plan.is_full:
            unchanged = list(_unchanged(context, _not_rebuilt(context.selected_asset_keys)))
        started = time.monotonic()
        events = dbt.cli(["build", *(plan.dbt_args() if plan else [])], context=context).stream()
        yield from _with_row_counts(context, events, wh.working, unchanged)
        finish_build(wh, plan, time.monotonic() - started, orchestrator="dagster")


def _with_row_counts(context: AssetExecutionContext, events, working_path: Path,
                     unchanged: list | None = None):
    """dbt's events, each materialised table or view with ``dagster/row_count`` added, merged
    with the ``unchanged`` outputs of an incremental refresh in dependency order (an unchanged
    view may sit between two tables dbt rebuilds: int_flows_long → int_flows_quarterly → …).

    The counts are read from the working copy once dbt has exited (dbt holds the DuckDB file
    while it runs, so dagster-dbt's ``fetch_row_counts`` — a query per model during the run —
    cannot open it); the events are therefore passed on when dbt is done. If dbt fails, the
    events it produced are still passed on, then the failure."""
    held: list = []
    try:
        held.extend(events)  # one at a time: what dbt yielded before a failure stays
    except BaseException:
        yield from _in_dependency_order(context, [*(unchanged or []), *held])
        raise
    def key_of(event) -> dg.AssetKey | None:
        if isinstance(event, dg.Output):
            return context.asset_key_for_output(event.output_name)
        return event.asset_key if isinstance(event, dg.AssetMaterialization) else None

    counts = _row_counts(working_path, [k for k in map(key_of, held) if k is not None])
    for event in _in_dependency_order(context, [*(unchanged or []), *held]):
        key = key_of(event)
        if key in counts:
            event = event.with_metadata({**event.metadata, "dagster/row_count": counts[key]})
        yield event


def _dbt_graph() -> tuple[dict, dict, list[str]]:
    """dbt's manifest, its nodes and their unique ids upstream first."""
    return _graph(*_manifest_key())


@lru_cache(maxsize=2)
def _graph(manifest_path: str, mtime_ns: int) -> tuple[dict, dict, list[str]]:
    manifest = _manifest(manifest_path, mtime_ns)
    nodes = manifest["nodes"]
    graph = {uid: n.get("depends_on", {}).get("nodes", []) for uid, n in nodes.items()}
    return manifest, nodes, [uid for uid in TopologicalSorter(graph).static_order() if uid in nodes]


def _in_dependency_order(context: AssetExecutionContext, events: list) -> list:
    """The events sorted by their asset's place in the dbt graph (upstream first); an event
    naming no asset (a check, a log) stays right after the one before it."""
    _, nodes, order = _dbt_graph()
    rank = {mart_key(nodes[uid]["name"]): i for i, uid in enumerate(order)}
    keyed, last = [], -1
    for i, event in enumerate(events):
        key = (context.asset_key_for_output(event.output_name) if isinstance(event, dg.Output)
               else getattr(event, "asset_key", None))
        last = rank.get(key, last) if key is not None else last
        keyed.append((last, i, event))
    return [event for *_, event in sorted(keyed, key=lambda t: (t[0], t[1]))]


def _row_counts(working_path: Path, keys: list) -> dict:
    """Rows of each model (``schema.name`` looked up in the working copy's catalog)."""
    import duckdb

    names = {k.path[-1]: k for k in keys if k is not None}
    if not names:
        return {}
    con = duck.connect(str(working_path), read_only=True)
    try:
        where = con.execute(
            "SELECT table_name, schema_name FROM duckdb_tables() WHERE table_name IN "
            "(SELECT unnest(?::VARCHAR[])) UNION ALL SELECT view_name, schema_name FROM "
            "duckdb_views() WHERE NOT internal AND view_name IN (SELECT unnest(?::VARCHAR[]))",
            [list(names), list(names)]).fetchall()
        return {names[name]: con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0]
                for name, schema in where}
    except duckdb.Error:
        return {}
    finally:
        con.close()


def _not_rebuilt(selected: AbstractSet[dg.AssetKey]) -> list[dg.AssetKey]:
    """The selected models and seeds dbt's ``quarterly_refresh`` selector leaves as they are
    (views, seeds, seed-only tables), upstream first."""
    manifest, nodes, order = _dbt_graph()
    rebuilt = select_unique_ids(select="", exclude="", selector=SELECTOR, project=dbt_project,
                                manifest_json=manifest)
    keys = (mart_key(nodes[uid]["name"]) for uid in order
            if nodes[uid]["resource_type"] in ("model", "seed") and uid not in rebuilt)
    return [k for k in keys if k in selected]


def _unchanged(context: AssetExecutionContext, keys: list[dg.AssetKey]):
    """Report what an incremental refresh leaves as it is as materialised, with a note: its
    definition did not change (a view always shows the current data), and the steps downstream
    — publishing — must run. Yielded before dbt runs, as Dagster wants upstream assets first."""
    note = dg.MetadataValue.text("增量刷新:定义未变,未重建 / incremental refresh: unchanged, not rebuilt")
    for key in keys:
        yield dg.Output(None, output_name=context.assets_def.get_output_name_for_asset_key(key),
                        metadata={"civstat/refresh": note})


@contextlib.contextmanager
def _warehouse_env(path):
    """dbt's profile derives the working copy from CIVSTAT_WAREHOUSE (the published path); dbt
    (through civstat-dbt) dies with this process."""
    saved = {k: os.environ.get(k) for k in ("CIVSTAT_WAREHOUSE", "DO_NOT_TRACK", PARENT_ENV)}
    os.environ["CIVSTAT_WAREHOUSE"] = str(path)
    os.environ[PARENT_ENV] = str(os.getpid())  # civstat-dbt dies with this process
    os.environ.setdefault("DO_NOT_TRACK", "1")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


defs = dg.Definitions(
    assets=[civstat_dbt_assets],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(paths.DBT_PROJECT_DIR),
                                     dbt_executable=dagster_dbt_executable())},
)
