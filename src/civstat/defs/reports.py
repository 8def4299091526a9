"""The year-end summary as a Dagster asset, one partition per report year.

(No ``from __future__ import annotations`` here: Dagster reads the config class from the
function signature at runtime.)"""

import dagster as dg

from civstat.defs.ownership import owners, tags
from civstat.defs.partitions import year_partitions
from civstat.defs.resources import WarehouseResource

# The published warehouse is downstream of the marts and the quality gate's checks, so the
# report (which reads only the published file) sits after both.
PUBLISHED = dg.AssetKey(["warehouse", "published"])


class ReportConfig(dg.Config):
    formats: str = "html,pdf,xlsx,docx"
    money_unit: str = "auto"  # auto: 万元 in running text from 10万元 up, exact 元 in tables
    townships: bool = False  # also one report per township
    out_dir: str = ""  # default: <output>/reports/<year>/


@dg.asset(
    key=["reports", "year_end_summary"],
    deps=[PUBLISHED],
    partitions_def=year_partitions,
    group_name="reports",
    kinds={"html", "pdf", "docx", "xlsx"},
    owners=owners("reports"),
    tags=tags("reports"),
    description="年度民政工作总结(县级及可选各乡镇):HTML/PDF/DOCX/XLSX,数据取自已发布数仓",
)
def year_end_summary(
    context: dg.AssetExecutionContext, config: ReportConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    from civstat.report import render_reports
    from civstat.report.data import MartReader

    year = int(context.partition_key)
    wh = warehouse.warehouse
    divisions: list[str | None] = [None]
    if config.townships:
        with wh.reader() as con:
            divisions += list(MartReader(con).scope(None).township_codes)
    files = render_reports(
        year,
        divisions=divisions,
        formats=[f.strip() for f in config.formats.split(",") if f.strip()],
        out_dir=config.out_dir or None,
        money_unit=config.money_unit,
        warehouse=wh.path,
    )
    context.log.info("\n".join(str(f) for f in files))
    return dg.MaterializeResult(
        metadata={
            "files": dg.MetadataValue.md("\n".join(f"- `{f}`" for f in files)),
            "count": len(files),
            "folder": dg.MetadataValue.path(str(files[0].parent)) if files else "",
        }
    )


defs = dg.Definitions(assets=[year_end_summary])
