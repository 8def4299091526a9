"""`civstat sql` on a small published warehouse written by the test (no dbt needed)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from civstat.sql import sql_command
from civstat.warehouse import Warehouse
from click.testing import CliRunner

ROWS = [("330521001000", "武康街道", 2023, "nursing_bed_share", 0.4333),
        ("330521100000", "新市镇", 2023, "nursing_bed_share", 0.4364),
        ("330521000000", "示范县", 2023, "nursing_bed_share", 0.4353)]


@pytest.fixture()
def published(tmp_path):
    wh = Warehouse(tmp_path / "civstat.duckdb")
    with duckdb.connect(str(wh.working)) as con:
        con.execute("CREATE TABLE kpi_annual (division_code VARCHAR, division_name VARCHAR, "
                    "year INTEGER, kpi_code VARCHAR, value DOUBLE)")
        con.executemany("INSERT INTO kpi_annual VALUES (?, ?, ?, ?, ?)", ROWS)
    wh.publish()
    return wh


def invoke(args, **kw):
    return CliRunner().invoke(sql_command, args, catch_exceptions=False, **kw)


def test_query_prints_a_table(published):
    res = invoke(["SELECT division_name, value FROM kpi_annual ORDER BY value DESC",
                  "--warehouse", str(published.path)])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    names = [n for n in ("新市镇", "示范县", "武康街道") if n in res.output]
    assert names == ["新市镇", "示范县", "武康街道"]
    assert "(3 行 / rows)" in lines[-1]
    # rows appear in query order
    assert res.output.index("新市镇") < res.output.index("示范县") < res.output.index("武康街道")


def test_export_csv_and_xlsx(published, tmp_path):
    csv, xlsx = tmp_path / "out" / "r.csv", tmp_path / "out" / "r.xlsx"
    res = invoke(["SELECT * FROM kpi_annual ORDER BY division_code", "--warehouse",
                  str(published.path), "--csv", str(csv), "--xlsx", str(xlsx)])
    assert res.exit_code == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    expected = sorted(ROWS)
    from_csv = pl.read_csv(csv, schema_overrides={"division_code": pl.String})
    assert [tuple(r) for r in from_csv.rows()] == expected
    from_xlsx = pl.read_excel(xlsx)
    assert from_xlsx.columns == ["division_code", "division_name", "year", "kpi_code", "value"]
    assert [tuple(r) for r in from_xlsx.rows()] == expected


def test_read_only(published):
    res = CliRunner().invoke(sql_command, ["DELETE FROM kpi_annual", "--warehouse",
                                           str(published.path)])
    assert res.exit_code != 0
    assert "read-only" in res.output.lower() or "只读" in res.output
    with published.reader() as con:
        assert con.execute("SELECT count(*) FROM kpi_annual").fetchone()[0] == 3


def test_bad_query_and_missing_warehouse(published, tmp_path):
    res = CliRunner().invoke(sql_command, ["SELECT nope FROM kpi_annual", "--warehouse",
                                           str(published.path)])
    assert res.exit_code != 0 and "查询失败" in res.output
    res = CliRunner().invoke(sql_command, ["SELECT 1", "--warehouse", str(tmp_path / "none.duckdb")])
    assert res.exit_code != 0 and "civstat build" in res.output


def test_interactive_prompt(published):
    script = ".tables\nSELECT count(*) AS n\nFROM kpi_annual;\n.quit\n"
    res = invoke(["--warehouse", str(published.path)], input=script)
    assert res.exit_code == 0
    assert "kpi_annual" in res.output
    assert "│ 3 " in res.output or "│ 3" in res.output
