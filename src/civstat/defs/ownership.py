"""Who answers for which asset, and the tags the Dagster UI filters on — one place.

The bureau's statistics section (统计科) owns what it maintains or reads: the drop zone, the
reference CSVs, the raw layer, the quality gate and the reports; the data engineers own the
dbt warehouse and its publication. Tags: ``layer`` (source, raw, staging, intermediate, marts,
quality, publish, reports) and ``domain`` (a programme's domain from the catalogue, or
``core``/``kpi``/``quality``) — tag values are ASCII identifiers, as Dagster requires.
"""

from __future__ import annotations

STATISTICS = "team:statistics"
ENGINEERING = "team:data_engineering"

OWNERS: dict[str, list[str]] = {
    "source": [STATISTICS],
    "raw": [STATISTICS],
    "quality": [STATISTICS],
    "reports": [STATISTICS],
    "staging": [ENGINEERING],
    "intermediate": [ENGINEERING],
    "marts": [ENGINEERING],
    "seeds": [ENGINEERING],
    "publish": [ENGINEERING],
}


def owners(layer: str) -> list[str]:
    return OWNERS.get(layer, [ENGINEERING])


def tags(layer: str, domain: str | None = None) -> dict[str, str]:
    out = {"layer": layer}
    if domain:
        out["domain"] = domain
    return out
