"""The published tables no row of a blocked (hard-failed) return may reach.

Every dbt model under ``models/marts/`` that carries a ``submission_id`` (one row per return or
finer: the facts — fct_recipients, fct_funds, the generic fct_flows, …), read from dbt's
manifest, so a fact added to the project is checked without being listed anywhere (marts have
enforced contracts, so their columns are in the manifest). ``quality_status`` is the verdict
itself, not a fact. :func:`civstat.refresh.verify` and the Dagster blocking check
(``no_blocked_returns_published``) both read this list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

STATUS_MODEL = "quality_status"  # the gate's verdict per return (blocked / published)
_cache: dict[tuple[str, int], list[str]] = {}


def fact_tables(manifest_path: Path | None = None) -> list[str]:
    """Names of the mart models with a ``submission_id`` column (sorted), from the manifest
    (``dbt parse`` first when there is none yet)."""
    from civstat.dbtrun import MANIFEST_PATH, prepare_manifest

    path = manifest_path or MANIFEST_PATH
    if not path.exists() and manifest_path is None:
        prepare_manifest()
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _cache:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        _cache.clear()
        _cache[key] = facts_of(manifest)
    return list(_cache[key])


def facts_of(manifest: dict) -> list[str]:
    """The fact tables of a parsed manifest."""
    return sorted(
        node["name"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and len(node.get("fqn", ())) > 2 and node["fqn"][1] == "marts"
        and "submission_id" in (node.get("columns") or {})
        and node["name"] != STATUS_MODEL
    )


class _FactTables(Sequence):
    """:func:`fact_tables` as a sequence read when used, not when imported (the manifest may
    not exist yet when :mod:`civstat.refresh` is imported, and changes with the dbt project)."""

    def __getitem__(self, index):
        return fact_tables()[index]

    def __len__(self) -> int:
        return len(fact_tables())

    def __iter__(self) -> Iterator[str]:
        return iter(fact_tables())

    def __contains__(self, name: object) -> bool:
        return name in fact_tables()

    def __repr__(self) -> str:
        return f"MART_TABLES({fact_tables()!r})"


MART_TABLES: Sequence[str] = _FactTables()
