"""Publishing, jobs and schedules: how a quarter's returns become the published warehouse."""


import datetime as dt

import dagster as dg

from civstat.defs.ownership import owners, tags
from civstat.defs.partitions import (
    add_partitions_for,
    previous_quarter,
    year_partitions,
)
from civstat.defs.raw import raw_returns, reference_tables
from civstat.defs.resources import WarehouseResource
from civstat.defs.warehouse import KEY_PREFIX, civstat_dbt_assets

PUBLISH_KEY = dg.AssetKey([KEY_PREFIX, "published"])

# Everything that writes the working copy, then the publish step.
_ingest = dg.AssetSelection.assets(reference_tables, raw_returns)
# Seeds (KPI definitions) are not downstream of the raw files, so select every dbt asset (they
# are grouped by programme, under the "warehouse" key prefix) and the gate as well.
_downstream = (
    _ingest.downstream(include_self=False) | dg.AssetSelection.groups("quality", "publish")
    | dg.AssetSelection.key_prefixes(KEY_PREFIX)
) - dg.AssetSelection.groups("reports")


def publish_asset(upstream_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISH_KEY,
        deps=upstream_keys,
        group_name="publish",
        kinds={"duckdb"},
        owners=owners("publish"),
        tags=tags("publish"),
        pool="duckdb_writer",
        description="原子发布:构建成功后以新文件替换已发布数仓,读者不受阻塞",
    )
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.warehouse
        with wh.lock():
            path = wh.publish()
        size = path.stat().st_size
        context.log.info(f"published {path} ({size:,} bytes)")
        return dg.MaterializeResult(metadata={"path": str(path), "bytes": size})

    return published_warehouse


ingest_quarter = dg.define_asset_job(
    "ingest_quarter",
    selection=_ingest,
    description="读取一个季度的乡镇季报进入原始层",
)
refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=_downstream,
    description="审核 → dbt 构建 → 发布(全部季度)",
)
refresh_quarter = dg.define_asset_job(
    "refresh_quarter",
    selection=_ingest | _downstream,
    description="刷新一个季度:读取 → 审核 → dbt 构建 → 发布",
)
year_end_report = dg.define_asset_job(
    "year_end_report",
    selection=dg.AssetSelection.groups("reports"),
    description="生成年度民政工作总结(HTML/PDF/DOCX/XLSX)",
)


@dg.schedule(
    job=refresh_quarter,
    cron_schedule="0 6 16 1,4,7,10 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="季报截止(季后15日)次日06:00刷新刚结束的季度",
)
def quarterly_refresh_schedule(context: dg.ScheduleEvaluationContext):
    """Refresh the quarter that ended 15 days ago (returns are due on the 15th)."""
    when = context.scheduled_execution_time or dt.datetime.now()
    quarter = (when.month - 1) // 3 + 1
    key = previous_quarter(when.year, quarter)
    add_partitions_for(context.instance, [key])
    return dg.RunRequest(run_key=f"scheduled:{key}", partition_key=key)


@dg.schedule(
    job=year_end_report,
    cron_schedule="0 7 20 1 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="每年1月20日生成上一年度工作总结",
)
def year_end_report_schedule(context: dg.ScheduleEvaluationContext):
    when = context.scheduled_execution_time or dt.datetime.now()
    year = str(when.year - 1)
    context.instance.add_dynamic_partitions(year_partitions.name, [year])
    return dg.RunRequest(run_key=f"report:{year}", partition_key=year)


def build_defs(dbt_asset_keys: list[dg.AssetKey]) -> dg.Definitions:
    return dg.Definitions(
        assets=[publish_asset(dbt_asset_keys)],
        jobs=[ingest_quarter, refresh_warehouse, refresh_quarter, year_end_report],
        schedules=[quarterly_refresh_schedule, year_end_report_schedule],
    )


defs = build_defs(list(civstat_dbt_assets.keys))
