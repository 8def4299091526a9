"""The dbt project is portable SQL: it compiles for a second adapter (dbt-trino, offline) and
no compiled model or data test holds DuckDB-only SQL (civstat.sqlport)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from civstat import paths, sqlport


def _sqlport(project_dir, tmp_path):
    return subprocess.run(
        [sys.executable, "-m", "civstat.sqlport", "--project-dir", str(project_dir),
         "--keep", str(tmp_path / "out")],
        check=False, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.slow
def test_the_project_compiles_for_trino_without_duckdb_only_sql(tmp_path):
    run = _sqlport(paths.DBT_PROJECT_DIR, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "portable" in run.stdout
    compiled = list((tmp_path / "out" / "target" / "compiled").rglob("*.sql"))
    assert len(compiled) > 100  # models and data tests
    # the dispatched macros took Trino's branch
    coverage = next(f for f in compiled if f.name == "int_division_coverage.sql")
    assert "array(varchar)" in coverage.read_text("utf-8")


@pytest.mark.slow
def test_a_planted_star_exclude_fails_the_check(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(paths.DBT_PROJECT_DIR, project,
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"))
    model = project / "models" / "intermediate" / "int_quality_latest.sql"
    sql = model.read_text("utf-8")
    assert "select violations.*\n" in sql
    model.write_text(sql.replace("select violations.*\n", "select violations.* exclude (run_id)\n"),
                     encoding="utf-8")
    run = _sqlport(project, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "int_quality_latest.sql: DuckDB-only SQL: * exclude" in run.stdout


@pytest.mark.parametrize("sql, finding", [
    ("select a from t qualify row_number() over (order by a) = 1", "qualify"),
    ("select a::varchar from t", ":: cast"),
    ("select coalesce(list(a), []) from t", "list aggregate"),
    ("select * from t group by all", "group by all"),
    ("select arg_max(a, b) from t", "arg_max"),
    ("select md5(a || b) from t", "md5 of a string"),
    ("select count(distinct a) over (partition by b) from t", "count(distinct"),
    ("select cast(x as varchar[]) from t", "t[] array type"),
])
def test_the_denylist_names_duckdb_only_sql(sql, finding):
    findings = sqlport.check_sql("m.sql", sql, sqlport.load_denylist())
    assert any(finding in f.what for f in findings), findings


def test_portable_sql_and_words_in_strings_or_comments_pass():
    sql = """
        -- a comment may say qualify, list(x) or * exclude (y)
        select 'group by all' as note, lower(to_hex(md5(to_utf8(a)))) as h,
            array_agg(a order by a) filter (where b) as l, cast(null as array(varchar)) as e
        from t cross join unnest(t.periods) as p (period)
    """
    assert sqlport.check_sql("m.sql", sql, sqlport.load_denylist()) == []


def test_sql_trino_cannot_parse_is_a_finding():
    findings = sqlport.check_sql("m.sql", "select from where", sqlport.load_denylist())
    assert any("does not parse as trino" in f.what for f in findings)
