"""The Dagster code location: the asset graph (snapshot), the drop-zone sensor, and a real
materialisation of one quarter's raw assets through Dagster's Python API."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    from civstat.dbtrun import prepare_manifest
    from civstat.definitions import defs

    prepare_manifest()
    return defs()


def graph_lines(definitions: dg.Definitions) -> list[str]:
    graph = definitions.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        deps = sorted(p.to_user_string() for p in node.parent_keys)
        part = " [quarter]" if node.partitions_def and "quarter" in str(
            getattr(node.partitions_def, "name", "")) else (" [year]" if node.partitions_def else "")
        lines.append(f"{key.to_user_string()}{part} ({node.group_name}) <- {', '.join(deps) or '-'}")
    return lines


def test_asset_graph_matches_snapshot(definitions):
    """The whole graph, from drop zone to report. Update with CIVSTAT_UPDATE_SNAPSHOTS=1."""
    lines = graph_lines(definitions)
    if os.environ.get("CIVSTAT_UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == SNAPSHOT.read_text(encoding="utf-8").splitlines()


def test_dbt_models_are_grouped_by_programme(definitions):
    """A programme's models sit in its domain (programmes/<code>.yaml); models across programmes
    in warehouse_core / kpi / quality; no catch-all "warehouse" group."""
    from civstat.contract import load_contract

    graph = definitions.resolve_asset_graph()
    group = {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    for prog in load_contract().programmes:
        assert group[f"warehouse/stg_{prog.sheet.table}"] == prog.domain
        assert group[f"raw/{prog.sheet.table}"] == "raw"
    assert group["warehouse/fct_recipients"] == group["warehouse/dibao_standards"] == "social_assistance"
    assert group["warehouse/fct_veteran_placement"] == "youfu"
    assert group["warehouse/kpi_quarterly"] == group["warehouse/kpi_definitions"] == "kpi"
    assert group["warehouse/quality_status"] == group["quality/violations"] == "quality"
    assert group["warehouse/int_divisions_resolved"] == group["warehouse/fct_funds"] == "warehouse_core"
    assert "warehouse" not in set(group.values())


def test_definitions_load_the_whole_defs_folder(tmp_path, definitions):
    """definitions.py names no module: a module dropped into civstat/defs (as ``dg scaffold defs
    dagster.asset`` writes it) joins the code location. Checked on a copy of the package (the
    dbt project stays the repository's)."""
    import shutil
    import subprocess
    import sys

    from civstat import paths

    shutil.copy(paths.PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(paths.PACKAGE_DIR, tmp_path / "src" / "civstat",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "src" / "civstat" / "defs" / "my_asset.py").write_text(
        "import dagster as dg\n\n\n@dg.asset\n"
        "def my_asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult: ...\n",
        encoding="utf-8")
    script = ("import civstat.definitions as d\n"
              "keys = d.defs().resolve_asset_graph().get_all_asset_keys()\n"
              "print(d.__file__)\n"
              "print(sorted(k.to_user_string() for k in keys))\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"),
           "CIVSTAT_PROJECT_ROOT": str(paths.PROJECT_ROOT)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         check=True, timeout=600).stdout.splitlines()
    assert out[0].startswith(str(tmp_path))
    assert "'my_asset'" in out[1] and "'warehouse/kpi_annual'" in out[1]
    text = (paths.PACKAGE_DIR / "definitions.py").read_text(encoding="utf-8")
    assert "load_from_defs_folder" in text and "DOMAINS" not in text


def test_lineage_runs_from_files_to_report(definitions):
    graph = definitions.resolve_asset_graph()
    report = dg.AssetKey(["reports", "year_end_summary"])
    upstream = graph.get(report).parent_keys
    seen, todo = set(), list(upstream)
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo.extend(graph.get(key).parent_keys)
    for key in (["source", "drop_zone"], ["source", "divisions_csv"], ["raw", "dibao"],
                ["quality", "violations"], ["warehouse", "kpi_annual"], ["warehouse", "published"]):
        assert dg.AssetKey(key) in seen
    # the lineage starts at the files: the drop zone, the reference CSVs, and the dbt seeds
    # generated from the programme catalogue (KPI and measure definitions)
    roots = {k for k in seen if not graph.get(k).parent_keys}
    assert {k for k in roots if k.path[0] != "source"} <= {
        k for k in roots if graph.get(k).tags.get("layer") == "seeds"}


def test_every_asset_has_owners_and_layer_tags(definitions):
    graph = definitions.resolve_asset_graph()
    layers = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners, key
        assert all(o.startswith("team:") for o in node.owners), key
        layers[key] = node.tags.get("layer")
    assert layers[dg.AssetKey(["warehouse", "stg_dibao"])] == "staging"
    assert layers[dg.AssetKey(["warehouse", "kpi_annual"])] == "marts"
    assert layers[dg.AssetKey(["raw", "dibao"])] == "raw"
    assert layers[dg.AssetKey(["source", "drop_zone"])] == "source"
    assert graph.get(dg.AssetKey(["warehouse", "stg_dibao"])).tags["domain"] == "social_assistance"


def test_jobs_schedules_sensor_present(definitions):
    for job in ("ingest_quarter", "refresh_warehouse", "refresh_quarter", "year_end_report"):
        assert definitions.resolve_job_def(job) is not None
    assert definitions.resolve_sensor_def("raw_drop_zone_sensor")
    assert definitions.resolve_schedule_def("quarterly_refresh_schedule").cron_schedule == "0 6 16 1,4,7,10 *"
    # on by default, as the README says: a bureau's refresh runs without anyone switching it on
    for name in ("quarterly_refresh_schedule", "year_end_report_schedule"):
        assert (definitions.resolve_schedule_def(name).default_status
                == dg.DefaultScheduleStatus.RUNNING)
    assert (definitions.resolve_sensor_def("raw_drop_zone_sensor").default_status
            == dg.DefaultSensorStatus.RUNNING)


def test_quarterly_schedule_requests_the_quarter_just_ended(definitions):
    import datetime as dt

    schedule = definitions.resolve_schedule_def("quarterly_refresh_schedule")
    with dg.instance_for_test() as instance:
        ctx = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=dt.datetime(2025, 1, 16, 6, 0),
            repository_def=definitions.get_repository_def(),
        )
        request = schedule.evaluate_tick(ctx).run_requests[0]
        assert request.partition_key == "2024Q4"


def test_sensor_requests_new_and_changed_quarters(tmp_path, definitions, monkeypatch):
    from civstat.defs.raw import raw_drop_zone_sensor

    monkeypatch.setenv("CIVSTAT_SETTLE_SECONDS", "0")  # files written just now count as settled
    from civstat.defs.resources import WarehouseResource

    raw = tmp_path / "raw"
    (raw / "2024Q1").mkdir(parents=True)
    (raw / "2024Q1" / "a.xlsx").write_bytes(b"x")
    (raw / "not-a-quarter").mkdir()
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "divisions.csv").write_text("code,name\n", encoding="utf-8")
    resources = {"warehouse": WarehouseResource(raw_dir=str(raw), reference_dir=str(ref))}
    sources = {("source", "drop_zone"), ("source", "divisions_csv"),
               ("source", "plan_targets_csv"), ("source", "explanations_csv")}
    with dg.instance_for_test() as instance:
        ctx = dg.build_sensor_context(instance=instance, resources=resources)
        first = raw_drop_zone_sensor(ctx)
        assert [r.partition_key for r in first.run_requests] == ["2024Q1"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["2024Q1"]
        # the sources at the root of the lineage are observed, with a data version each
        observed = {tuple(o.asset_key.path): o for o in first.asset_events}
        assert set(observed) == sources
        assert observed[("source", "drop_zone")].metadata["files"].value == 1
        assert observed[("source", "plan_targets_csv")].tags["dagster/data_version"] == "missing"
        instance.add_dynamic_partitions("quarter", ["2024Q1"])

        ctx = dg.build_sensor_context(instance=instance, resources=resources, cursor=first.cursor)
        unchanged = raw_drop_zone_sensor(ctx)
        assert unchanged.run_requests == [] and unchanged.asset_events == []

        (raw / "2024Q1" / "b.xlsx").write_bytes(b"y")
        ctx = dg.build_sensor_context(instance=instance, resources=resources, cursor=first.cursor)
        changed = raw_drop_zone_sensor(ctx)
        assert [r.partition_key for r in changed.run_requests] == ["2024Q1"]
        (zone,) = changed.asset_events
        assert zone.asset_key == dg.AssetKey(["source", "drop_zone"])
        assert (zone.tags["dagster/data_version"]
                != observed[("source", "drop_zone")].tags["dagster/data_version"])


def test_materialise_one_quarter_of_raw_assets(tmp_path, definitions):
    """Real returns from the generator, one partition, through Dagster's in-process API."""
    from civstat.defs.resources import WarehouseResource
    from civstat.generate import generate

    raw, ref = tmp_path / "raw", tmp_path / "reference"
    generate(raw, ref, years=(2024,))
    (raw / "2024Q2" / "坏文件.xlsx").write_text("不是工作簿", encoding="utf-8")
    warehouse = tmp_path / "wh" / "civstat.duckdb"
    job = definitions.resolve_job_def("ingest_quarter")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("quarter", ["2024Q2"])
        result = job.execute_in_process(
            partition_key="2024Q2",
            instance=instance,
            resources={"warehouse": WarehouseResource(
                path=str(warehouse), raw_dir=str(raw), reference_dir=str(ref))},
        )
    assert result.success  # a refused file fails its check, not the run: the rest loads
    keys = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["raw", "dibao"]) in keys
    row_counts = {e.asset_key: e.materialization.metadata["dagster/row_count"].value
                  for e in result.get_asset_materialization_events()}
    check = next(e.event_specific_data for e in result.all_events
                 if e.event_type_value == "ASSET_CHECK_EVALUATION")
    assert check.check_name == "no_quarantined_files" and not check.passed
    table = check.metadata["quarantined"].value
    assert [r.data["file"] for r in table.records] == ["2024Q2/坏文件.xlsx"]
    assert table.records[0].data["reason"] == "unreadable"
    con = duckdb.connect(str(warehouse.with_name("civstat.build.duckdb")), read_only=True)
    try:
        periods = con.execute("SELECT DISTINCT period FROM raw.dibao").fetchall()
        townships = con.execute(
            "SELECT count(DISTINCT division_code) FROM raw.submissions WHERE is_current"
        ).fetchone()[0]
        stored = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("raw.submissions", "raw.dibao", "ref.divisions")}
    finally:
        con.close()
    divisions = pl.read_csv(ref / "divisions.csv", infer_schema=False)
    active = divisions.filter(
        (pl.col("level") == "township")
        & (pl.col("valid_from").fill_null("0000") <= "2024-06-30")
        & (pl.col("valid_to").fill_null("9999") >= "2024-06-30")
    )
    assert periods == [("2024Q2",)]
    assert townships == active.height  # every township of the county, one current return each
    for table, n in stored.items():  # every table asset says how many rows it holds
        assert n > 0 and row_counts[dg.AssetKey(table.split("."))] == n


def test_sensor_starts_from_what_the_published_warehouse_holds(tmp_path, definitions, monkeypatch):
    """`make dev` after `make demo`: a new instance (no cursor) requests nothing for quarters
    whose returns are all loaded or quarantined, but does request a folder with a new file."""
    from civstat.defs.raw import raw_drop_zone_sensor

    monkeypatch.setenv("CIVSTAT_SETTLE_SECONDS", "0")  # files written just now count as settled
    from civstat.defs.resources import WarehouseResource

    raw = tmp_path / "raw"
    for rel in ("2024Q1/a.xlsx", "2024Q1/sub/b.xlsx", "2024Q1/.DS_Store", "2024Q2/c.xlsx",
                "2024Q2/d.xlsx", "2024Q3/e__封面.csv", "2024Q3/e__表1.csv"):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(rel.encode())
    published = tmp_path / "wh" / "civstat.duckdb"
    published.parent.mkdir()
    con = duckdb.connect(str(published))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.submissions AS SELECT * FROM (VALUES "
                "('2024Q1/a.xlsx'), ('2024Q2/c.xlsx'), ('2024Q3/e')) t(file_path)")
    con.execute("CREATE TABLE raw.quarantine AS SELECT '2024Q1/sub/b.xlsx' AS file_path")
    con.close()
    resources = {"warehouse": WarehouseResource(path=str(published), raw_dir=str(raw))}
    with dg.instance_for_test() as instance:
        first = raw_drop_zone_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    assert [r.partition_key for r in first.run_requests] == ["2024Q2"]  # d.xlsx is new
