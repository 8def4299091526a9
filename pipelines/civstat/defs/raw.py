"""Raw layer: the drop zone ``data/raw/<YYYY>Q<q>/`` read into ``raw.*``, reference CSVs into ``ref.*``."""


import hashlib
import json

import dagster as dg

from civstat.contract import load_contract
from civstat.defs.partitions import quarter_folders, quarter_partitions
from civstat.defs.resources import WarehouseResource

RAW_TABLES = ["submissions", "quarantine", *(s.table for s in load_contract().sheets)]
REF_TABLES = ["divisions", "plan_targets", "explanations", "rejected_rows"]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["ref", t], group_name="raw", kinds={"duckdb", "csv"},
                     description=f"参考数据 ref.{t}(data/reference/*.csv,由民政局维护)")
        for t in REF_TABLES
    ],
    pool="duckdb_writer",
)
def reference_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Load the bureau's reference CSVs (divisions, plan targets, explanations)."""
    from civstat.ingest import load_reference

    wh = warehouse.warehouse
    with wh.lock(), wh.connect_writer() as con:
        result = load_reference(warehouse.reference_path, con)
        counts = {t: con.execute(f"SELECT count(*) FROM ref.{t}").fetchone()[0] for t in REF_TABLES}
    context.log.info(f"reference loaded: {counts}")
    for t in REF_TABLES:
        yield dg.MaterializeResult(asset_key=["ref", t], metadata={"rows": counts[t]})
    if getattr(result, "rejected", None):
        context.log.warning(f"{len(result.rejected)} reference rows refused; see ref.rejected_rows")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", t], group_name="raw", kinds={"duckdb", "excel"},
                     deps=[["ref", "divisions"]],
                     description=f"原始层 raw.{t}:季报逐行读取,带来源文件/工作表/行号")
        for t in RAW_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec("no_quarantined_files", asset=["raw", "quarantine"],
                          description="本季度没有被拒收(隔离)的报表文件"),
    ],
    partitions_def=quarter_partitions,
    pool="duckdb_writer",
)
def raw_returns(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Read one quarter's township returns (partition = drop-zone folder) into the raw tables."""
    from civstat.ingest import ingest

    period = context.partition_key
    wh = warehouse.warehouse
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, warehouse.raw_path, warehouse.reference_path, periods=[period])
        counts = {
            t: con.execute(f"SELECT count(*) FROM raw.{t} WHERE period = ?", [period]).fetchone()[0]
            for t in RAW_TABLES
            if t != "quarantine"
        }
    summary = {
        "loaded": len(result.loaded),
        "resubmitted": len(result.resubmitted),
        "skipped": len(result.skipped),
        "quarantined": len(result.quarantined),
    }
    context.log.info(f"{period}: {summary}")
    for t in RAW_TABLES:
        meta = {**summary} if t in ("submissions", "quarantine") else {}
        if t in counts:
            meta["rows_in_period"] = counts[t]
        yield dg.MaterializeResult(asset_key=["raw", t], metadata=meta)
    refused = [f"{q.file}: {q.message_zh}" for q in result.quarantined]
    yield dg.AssetCheckResult(
        check_name="no_quarantined_files",
        asset_key=["raw", "quarantine"],
        passed=not refused,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"quarantined": dg.MetadataValue.md("\n".join(f"- {r}" for r in refused) or "无")},
    )


def folder_fingerprint(folder) -> str:
    """Names, sizes and modification times of a drop-zone folder (cheap change detection)."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


@dg.sensor(
    name="raw_drop_zone_sensor",
    job_name="refresh_quarter",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="监视 data/raw/<年>Q<季>/:新季度或文件变化时刷新该季度",
)
def raw_drop_zone_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Request a refresh of every quarter folder that is new or whose files changed."""
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    folders = quarter_folders(warehouse.raw_path)
    existing = set(context.instance.get_dynamic_partitions(quarter_partitions.name))
    new_keys = [f.name for f in folders if f.name not in existing]
    requests = []
    for folder in folders:
        fp = folder_fingerprint(folder)
        if seen.get(folder.name) != fp:
            seen[folder.name] = fp
            requests.append(dg.RunRequest(run_key=f"{folder.name}:{fp}", partition_key=folder.name))
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[quarter_partitions.build_add_request(new_keys)] if new_keys else [],
        cursor=json.dumps(seen, sort_keys=True),
    )


defs = dg.Definitions(assets=[reference_tables, raw_returns], sensors=[raw_drop_zone_sensor])
