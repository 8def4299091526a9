"""The root of the lineage: the drop zone and the bureau's reference CSVs as external assets,
observed by the drop-zone sensor (:mod:`civstat.defs.raw`).

Each observation carries a data version — a fingerprint of the files' names, sizes and
modification times — so the UI shows when an input changed and which tables are stale. They are
plain ``AssetSpec``s observed through the sensor's ``asset_events`` rather than
``observable_source_asset`` (beta, and it trips a Dagster deprecation warning of its own); the
sensor already reads the same fingerprints to decide what to refresh.
"""

from pathlib import Path

import dagster as dg

from civstat.defs.ownership import owners, tags
from civstat.defs.partitions import files_fingerprint, folder_fingerprint, quarter_folders

DROP_ZONE_KEY = dg.AssetKey(["source", "drop_zone"])
# reference table → its CSV files (globs relative to data/reference/)
REFERENCE_FILES = {
    "divisions": ("divisions.csv",),
    "plan_targets": ("plan_targets.csv",),
    "explanations": ("explanations.csv", "explanations/*.csv"),
}


def reference_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["source", f"{table}_csv"])


SOURCE_SPECS = [
    dg.AssetSpec(DROP_ZONE_KEY, group_name="raw", owners=owners("source"), tags=tags("source"),
                 kinds={"excel", "folder"},
                 description="投递目录 data/raw/<年>Q<季>/:各乡镇(街道)报送的季报文件(只读,从不修改)"),
    *(dg.AssetSpec(reference_key(t), group_name="raw", owners=owners("source"),
                   tags=tags("source"), kinds={"csv"},
                   description=f"参考数据文件 data/reference/{patterns[0]}(由民政局维护)")
      for t, patterns in REFERENCE_FILES.items()),
]


def observe(raw_dir: Path, reference_dir: Path) -> dict[dg.AssetKey, dg.AssetObservation]:
    """An observation of every source: data version and what is there."""
    folders = quarter_folders(raw_dir)
    counts = {f.name: sum(1 for p in f.rglob("*") if p.is_file()) for f in folders}
    version = files_fingerprint([f"{f.name}:{folder_fingerprint(f)}" for f in folders])
    out = {DROP_ZONE_KEY: dg.AssetObservation(
        asset_key=DROP_ZONE_KEY,
        tags={"dagster/data_version": version},
        metadata={
            "path": dg.MetadataValue.path(str(raw_dir)),
            "quarters": len(folders),
            "files": sum(counts.values()),
            "files_per_quarter": dg.MetadataValue.md(
                "\n".join(f"- {k}: {n}" for k, n in counts.items()) or "无"),
        })}
    for table, patterns in REFERENCE_FILES.items():
        files = sorted(p for pattern in patterns for p in reference_dir.glob(pattern) if p.is_file())
        stamps = [f"{p.relative_to(reference_dir)}|{p.stat().st_size}|{p.stat().st_mtime_ns}"
                  for p in files]
        key = reference_key(table)
        out[key] = dg.AssetObservation(
            asset_key=key,
            tags={"dagster/data_version": files_fingerprint(stamps) if files else "missing"},
            metadata={"files": dg.MetadataValue.md(
                "\n".join(f"- {p.relative_to(reference_dir)}" for p in files) or "无(缺失)")})
    return out


def version_of(observation: dg.AssetObservation) -> str:
    return observation.tags["dagster/data_version"]


defs = dg.Definitions(assets=SOURCE_SPECS)
