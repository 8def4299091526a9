"""Raw layer: the drop zone ``data/raw/<YYYY>Q<q>/`` read into ``raw.*``, reference CSVs into ``ref.*``."""


import json
import os
import time
from pathlib import Path

import dagster as dg

from civstat.contract import load_contract
from civstat.defs.ownership import owners, tags
from civstat.defs.partitions import (
    folder_fingerprint,
    quarter_folders,
    quarter_partitions,
    year_partitions,
)
from civstat.defs.resources import WarehouseResource
from civstat.defs.sources import DROP_ZONE_KEY, REFERENCE_FILES, observe, reference_key, version_of

RAW_TABLES = ["submissions", "quarantine", "withdrawals",
              *(s.table for s in load_contract().sheets)]
_DOMAINS = {p.sheet.table: p.domain for p in load_contract().programmes}


def _domain(table: str) -> str | None:
    return _DOMAINS.get(table)
REF_TABLES = ["divisions", "plan_targets", "explanations", "rejected_rows"]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["ref", t], group_name="raw", kinds={"duckdb", "csv"},
                     deps=[reference_key(s) for s in (REFERENCE_FILES if t == "rejected_rows"
                                                       else [t])],
                     owners=owners("raw"), tags=tags("raw"),
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
        yield dg.MaterializeResult(asset_key=["ref", t],
                                   metadata={"dagster/row_count": counts[t]})
    if getattr(result, "rejected", None):
        context.log.warning(f"{len(result.rejected)} reference rows refused; see ref.rejected_rows")


class RawConfig(dg.Config):
    """Run configuration of the raw layer."""

    reread: bool = False  # 重新读取旧版读取程序读取过的报表 (civstat ingest --reread)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", t], group_name="raw", kinds={"duckdb", "excel"},
                     deps=[DROP_ZONE_KEY, ["ref", "divisions"]],
                     owners=owners("raw"), tags=tags("raw", _domain(t)),
                     description=f"原始层 raw.{t}:季报逐行读取,带来源文件/工作表/行号")
        for t in RAW_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec("no_quarantined_files", asset=["raw", "quarantine"],
                          description="投递目录中没有仍被拒收(隔离)的报表文件"),
    ],
    partitions_def=quarter_partitions,
    pool="duckdb_writer",
)
def raw_returns(context: dg.AssetExecutionContext, config: RawConfig,
                warehouse: WarehouseResource):
    """Read one quarter's township returns (partition = drop-zone folder) into the raw tables;
    with ``reread``, read again the loaded returns an older reader read."""
    from civstat.ingest import ingest
    from civstat.ingest.cli import left_drop_zone
    from civstat.ingest.reference import missing_reference

    period = context.partition_key
    wh = warehouse.warehouse
    if (why := missing_reference(warehouse.reference_path)) is not None:
        raise dg.Failure(why)  # nothing read: every return would be refused
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, warehouse.raw_path, warehouse.reference_path, periods=[period],
                        reread=config.reread)
        counts = {
            t: con.execute(f"SELECT count(*) FROM raw.{t} WHERE period = ?", [period]).fetchone()[0]
            for t in RAW_TABLES
            if t != "quarantine"
        }
        totals = {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0] for t in RAW_TABLES}
        left = left_drop_zone(con, warehouse.raw_path, [period])
    summary = {
        "loaded": len(result.loaded),
        "resubmitted": len(result.resubmitted),
        "skipped": len(result.skipped),
        "quarantined": len(result.quarantined),
        "still_quarantined": len(result.still_quarantined),
        "ignored": len(result.ignored),
        "moved": len(result.moved),
        "reread": len(result.reread),
    }
    context.log.info(f"{period}: {summary}")
    for line in left:
        context.log.warning(line)
    for line in result.moved:
        context.log.info(f"移动 / moved: {line}")
    for reread in result.reread:
        context.log.info(f"重新读取 / reread: {reread.line}")
    if result.stale:
        context.log.warning(result.stale)
    for t in RAW_TABLES:
        meta = {**summary} if t in ("submissions", "quarantine") else {}
        if t == "submissions":
            meta["left_drop_zone"] = dg.MetadataValue.md("\n".join(f"- {x}" for x in left) or "无")
            meta["moved_files"] = dg.MetadataValue.md(
                "\n".join(f"- {x}" for x in result.moved) or "无")
            meta["reread_files"] = dg.MetadataValue.md(
                "\n".join(f"- {r.line}" for r in result.reread) or "无")
            meta["read_by_older_reader"] = result.stale or "无"
        meta["dagster/row_count"] = totals[t]
        if t in counts:
            meta["rows_in_period"] = counts[t]
        yield dg.MaterializeResult(asset_key=["raw", t], metadata=meta)
    yield quarantine_check(result)


def quarantine_check(result) -> dg.AssetCheckResult:
    """Fails (severity ERROR) while any file of the drop zone stays quarantined; the files and
    reasons are a table in the check's metadata. Ignored debris is listed, not failed."""
    still = result.still_quarantined
    rows = [dg.TableRecord({"file": q.file, "sheet": q.sheet or "", "row": q.row or 0,
                            "column": q.column or "", "reason": q.reason_code or "",
                            "message": q.message_zh or ""}) for q in still]
    schema = dg.TableSchema(columns=[
        dg.TableColumn("file", "string"), dg.TableColumn("sheet", "string"),
        dg.TableColumn("row", "int"), dg.TableColumn("column", "string"),
        dg.TableColumn("reason", "string"), dg.TableColumn("message", "string")])
    return dg.AssetCheckResult(
        check_name="no_quarantined_files",
        asset_key=["raw", "quarantine"],
        passed=not still,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(f"{len(still)} 个文件仍被隔离 / {len(still)} files still quarantined"
                     if still else "无隔离文件 / nothing quarantined"),
        metadata={
            "quarantined": dg.MetadataValue.table(rows, schema=schema),
            "refused_this_run": len(result.quarantined),
            "ignored": dg.MetadataValue.md("\n".join(f"- {i.line}" for i in result.ignored) or "无"),
        },
    )


@dg.sensor(
    name="raw_drop_zone_sensor",
    job_name="refresh_quarter",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="监视 data/raw/<年>Q<季>/:新季度或文件变化时刷新该季度",
)
def raw_drop_zone_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Request a refresh of every quarter folder that is new or whose files changed.

    With no cursor yet (a new Dagster instance, e.g. ``make dev`` right after ``make demo``) the
    folders whose every return the published warehouse already holds (loaded or quarantined)
    count as seen, so nothing already loaded is refreshed again. The drop zone and each
    reference CSV are observed (:mod:`civstat.defs.sources`) whenever their fingerprint
    changes, the first tick included.

    A folder with a file written in the last :func:`settle_seconds` (a copy still under way:
    a CSV cut short mid-row reads as a smaller figure) is left to a later tick, with a line in
    the sensor's log; its files are read once they have stopped changing."""
    folders = quarter_folders(warehouse.raw_path)
    seen: dict[str, str] = (json.loads(context.cursor) if context.cursor
                            else already_loaded(warehouse, folders))
    existing = set(context.instance.get_dynamic_partitions(quarter_partitions.name))
    new_keys = [f.name for f in folders if f.name not in existing]
    years = set(context.instance.get_dynamic_partitions(year_partitions.name))
    new_years = sorted({k[:4] for k in new_keys} - years)
    requests, settle = [], settle_seconds()
    for folder in folders:
        fp = folder_fingerprint(folder)
        if seen.get(folder.name) != fp:
            busy = still_written(folder, settle)
            if busy:
                context.log.info(f"{folder.name}: 文件仍在写入,稍后再读 / still being written, read "
                                 f"later: {', '.join(busy)}")
                continue
            seen[folder.name] = fp
            requests.append(dg.RunRequest(run_key=f"{folder.name}:{fp}", partition_key=folder.name))
    observations = []
    for key, observation in observe(warehouse.raw_path, warehouse.reference_path).items():
        if seen.get(key.to_user_string()) != version_of(observation):
            seen[key.to_user_string()] = version_of(observation)
            observations.append(observation)
    return dg.SensorResult(
        run_requests=requests,
        asset_events=observations,
        dynamic_partitions_requests=[
            *([quarter_partitions.build_add_request(new_keys)] if new_keys else []),
            *([year_partitions.build_add_request(new_years)] if new_years else []),
        ],
        cursor=json.dumps(seen, sort_keys=True),
    )


SETTLE_SECONDS = 60.0


def settle_seconds() -> float:
    """How long a drop-zone file must have stayed unchanged before the sensor reads its folder
    (``CIVSTAT_SETTLE_SECONDS``, default 60)."""
    try:
        return max(0.0, float(os.environ.get("CIVSTAT_SETTLE_SECONDS", SETTLE_SECONDS)))
    except ValueError:
        return SETTLE_SECONDS


def still_written(folder: Path, settle: float, now: float | None = None) -> list[str]:
    """Files of ``folder`` changed less than ``settle`` seconds ago. The inode's change time
    counts as well as the modification time: a copy that keeps the source's modification time
    (Explorer, ``cp -p``, rsync) still changes it while it writes."""
    now = time.time() if now is None else now
    busy = []
    for f in sorted(folder.rglob("*")):
        try:
            st = f.stat()
        except OSError:
            continue
        if f.is_file() and now - max(st.st_mtime, st.st_ctime) < settle:
            busy.append(f.relative_to(folder).as_posix())
    return busy


def already_loaded(warehouse: WarehouseResource, folders) -> dict[str, str]:
    """Fingerprints of the quarter folders whose every return is in the published warehouse
    (loaded or quarantined), as if the sensor had seen them."""
    from civstat.ingest.discover import scan
    from civstat.warehouse import WarehouseMissing

    try:
        con = warehouse.warehouse.connect_reader()
    except WarehouseMissing:
        return {}
    try:
        known = {p for (p,) in con.execute(
            "SELECT file_path FROM raw.submissions UNION SELECT file_path FROM raw.quarantine"
        ).fetchall()}
    except Exception:  # noqa: BLE001 — a warehouse without a raw layer knows no file
        return {}
    finally:
        con.close()
    zone = scan(warehouse.raw_path)
    by_folder: dict[str, list[str]] = {}
    for unit in zone.units:
        by_folder.setdefault(unit.folder, []).append(unit.rel)
    return {f.name: folder_fingerprint(f) for f in folders
            if by_folder.get(f.name) and all(rel in known for rel in by_folder[f.name])}


defs = dg.Definitions(assets=[reference_tables, raw_returns], sensors=[raw_drop_zone_sensor])
