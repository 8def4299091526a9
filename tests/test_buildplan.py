"""Full or incremental: the build plan follows the dbt project's code, recorded in meta.build_log."""

from __future__ import annotations

import shutil

import duckdb

from civstat import paths
from civstat.buildplan import SELECTOR, code_fingerprint, last_build, plan_build, record_build


def _project_copy(tmp_path):
    dst = tmp_path / "dbt_project"
    shutil.copytree(paths.DBT_PROJECT_DIR, dst,
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return dst


def test_fingerprint_follows_code_not_build_output(tmp_path):
    project = _project_copy(tmp_path)
    before = code_fingerprint(project)
    (project / "target").mkdir(exist_ok=True)
    (project / "target" / "run_results.json").write_text("{}")
    (project / "logs").mkdir(exist_ok=True)
    assert code_fingerprint(project) == before  # build output is not code
    model = project / "models" / "marts" / "kpi_annual.sql"
    model.write_text(model.read_text() + "\n-- a comment is a change\n")
    assert code_fingerprint(project) != before
    seed = project / "seeds" / "kpi_definitions.csv"
    changed = code_fingerprint(project)
    seed.write_text(seed.read_text() + "\n")
    assert code_fingerprint(project) != changed


def test_first_then_incremental_then_full_after_a_change(tmp_path):
    project = _project_copy(tmp_path)
    working = tmp_path / "civstat.build.duckdb"
    duckdb.connect(str(working)).close()

    first = plan_build(working, project_dir=project)
    assert first.is_full and "首次构建" in first.reason
    assert first.dbt_args() == ["--full-refresh"]
    record_build(working, first, 12.5, orchestrator="cli")
    assert last_build(working)[0] == first.code_fingerprint

    again = plan_build(working, project_dir=project)
    assert again.mode == "incremental"
    assert again.dbt_args() == ["--selector", SELECTOR]
    assert plan_build(working, project_dir=project, full_refresh=True).is_full

    model = project / "models" / "marts" / "kpi_annual.sql"
    model.write_text(model.read_text().replace("where quarter = 4", "where quarter = 4 -- Q4"))
    changed = plan_build(working, project_dir=project)
    assert changed.is_full and "已变更" in changed.reason
    assert first.code_fingerprint[:12] in changed.reason



def test_renamed_warehouse_gets_a_full_build(tmp_path):
    """DuckDB views name their catalog after the file: a renamed warehouse rebuilds them."""
    project = _project_copy(tmp_path)
    working = tmp_path / "civstat.build.duckdb"
    duckdb.connect(str(working)).close()
    record_build(working, plan_build(working, project_dir=project), 1.0, orchestrator="cli")
    assert plan_build(working, project_dir=project).mode == "incremental"
    renamed = tmp_path / "county2025.build.duckdb"
    shutil.copy2(working, renamed)
    plan = plan_build(renamed, project_dir=project)
    assert plan.is_full and "civstat → county2025" in plan.reason
