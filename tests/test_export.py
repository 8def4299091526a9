"""``civstat export`` and ``civstat sql --xlsx/--csv``: read back what was written (openpyxl,
polars, DuckDB) on a published warehouse written by the test with dbt-style column comments."""

from __future__ import annotations

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from civstat.export.cli import export_command
from civstat.export.writers import Column, header_of, storage_header
from civstat.sql import sql_command

COMMENTS = {
    "division_code": "统计用区划代码(12位);事实表中为报表原报口径  \n*12-digit code*",
    "division_name": "区划名称(含街道/镇/乡后缀)  \n*division name*",
    "year": "年份  \n*year*",
    "quarter": "季度(1-4);流量为1月至本季度末累计  \n*quarter*",
    "persons": "期末人数(人)  \n*persons*",
    "funds_ytd": "累计支出(元,1月至本期)  \n*spending year to date (yuan)*",
    "value": "指标值(比率为小数,0.285 = 28.5%)  \n*KPI value*",
    "unit": "单位(ratio 表示小数比率)  \n*unit*",
    "coverage_rate": "覆盖率  \n*coverage*",
}


@pytest.fixture()
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVSTAT_WORKSPACE", str(tmp_path / "ws" / "tester.duckdb"))
    path = tmp_path / "wh" / "civstat.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("""CREATE TABLE fct_recipients (division_code VARCHAR, division_name VARCHAR,
                       year INTEGER, quarter INTEGER, persons BIGINT, funds_ytd DOUBLE,
                       coverage_rate DOUBLE)""")
        con.execute("INSERT INTO fct_recipients VALUES "
                    "('371599104000', '马店镇', 2024, 4, 12345, 1234567.5, 0.0321), "
                    "('371599105000', '杨庄镇', 2025, 1, 987, 1.20388166e8, 0.5)")
        con.execute("""CREATE TABLE kpi_annual (division_code VARCHAR, year INTEGER, value DOUBLE,
                       unit VARCHAR)""")
        con.execute("INSERT INTO kpi_annual VALUES ('371599000000', 2025, 0.285, 'ratio'), "
                    "('371599000000', 2025, 860, '元/人·月')")
        con.execute("COMMENT ON TABLE kpi_annual IS '年度指标 / Annual KPIs'")
        for table in ("fct_recipients", "kpi_annual"):
            for (col,) in con.execute("SELECT column_name FROM duckdb_columns() "
                                      "WHERE table_name = ?", [table]).fetchall():
                con.execute(f"COMMENT ON COLUMN {table}.{col} IS '{COMMENTS[col]}'")
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.submissions AS SELECT 's1' AS submission_id")
        con.execute("CREATE VIEW v_kpi AS SELECT * FROM civstat.main.kpi_annual")
    return path


def test_headers_come_from_the_first_clause_of_the_comment():
    assert header_of(COMMENTS["division_code"]) == "统计用区划代码(12位)"
    assert header_of(COMMENTS["funds_ytd"]) == "累计支出(元,1月至本期)"
    assert header_of(COMMENTS["value"]) == "指标值"
    assert header_of("区划级别:county 县 / township 乡镇街道") == "区划级别"
    assert header_of("") == ""
    assert Column("year", "INTEGER", COMMENTS["year"]).kind == "plain"
    assert Column("persons", "BIGINT", COMMENTS["persons"]).kind == "count"
    assert Column("funds_ytd", "DOUBLE", COMMENTS["funds_ytd"]).kind == "money"
    assert Column("coverage_rate", "DOUBLE", COMMENTS["coverage_rate"]).kind == "rate"
    assert Column("division_code", "VARCHAR", COMMENTS["division_code"]).kind == "text"


def test_export_workbook_parquet_and_duckdb1_copy(warehouse, tmp_path):
    out = tmp_path / "export"
    res = CliRunner().invoke(export_command, ["--warehouse", str(warehouse), "--out", str(out)])
    assert res.exit_code == 0, res.output

    book = openpyxl.load_workbook(out / "civstat_集市.xlsx")
    assert book.sheetnames == ["目录", "fct_recipients", "kpi_annual"]
    toc = [[c.value for c in row] for row in book["目录"].iter_rows(min_row=2)]
    assert toc[1] == ["kpi_annual", "年度指标 / Annual KPIs", 2]

    ws = book["fct_recipients"]
    assert [c.value for c in ws[1]] == ["统计用区划代码(12位)", "区划名称(含街道/镇/乡后缀)", "年份",
                                        "季度(1-4)", "期末人数(人)", "累计支出(元,1月至本期)",
                                        "覆盖率"]
    assert ws["A1"].comment.text == "division_code"  # the English name as the header's note
    code, _name, year, quarter, persons, funds, rate = ws[2]
    assert code.value == "371599104000" and code.data_type == "s"  # a code stays a text
    assert (year.value, year.number_format) == (2024, "0")            # not 2,024
    assert (quarter.value, quarter.number_format) == (4, "0")
    assert (persons.value, persons.number_format) == (12345, "#,##0")
    assert (funds.value, funds.number_format) == (1234567.5, "#,##0.00")
    assert (rate.value, rate.number_format) == (0.0321, "0.0%")
    assert ws["F3"].value == 120388166.0 and ws.freeze_panes == "A2"

    kpi = book["kpi_annual"]
    assert kpi["C1"].value == "指标值"
    assert kpi["C2"].number_format == "0.0%"      # unit ratio: a rate
    assert kpi["C3"].number_format == "#,##0"     # 860 元/人·月: a plain number

    back = pl.read_parquet(out / "parquet" / "fct_recipients.parquet")
    assert back["division_code"].to_list() == ["371599104000", "371599105000"]
    assert back.height == 2

    copy = out / "civstat_duckdb1.duckdb"
    assert storage_header(copy) == 64  # DuckDB 1.0 … 1.4 read 64; 2.0 writes 999
    assert storage_header(warehouse) > 67
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{copy}' AS c (READ_ONLY)")
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'c'")
        assert tags.fetchone()[0]["storage_version"].startswith("v1.0")
        assert con.execute("SELECT count(*) FROM c.raw.submissions").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM c.main.v_kpi").fetchone() == (2,)  # view → table
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE database_name = 'c' "
                              "AND table_name = 'kpi_annual' AND column_name = 'value'")
        assert comment.fetchone()[0] == COMMENTS["value"]


def test_export_only_some_tables_and_unknown_ones(warehouse, tmp_path):
    out = tmp_path / "e"
    res = CliRunner().invoke(export_command, ["--warehouse", str(warehouse), "--out", str(out),
                                              "--format", "xlsx", "--table", "kpi_annual"])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(out / "civstat_集市.xlsx").sheetnames == ["目录", "kpi_annual"]
    assert not (out / "parquet").exists()
    res = CliRunner().invoke(export_command, ["--warehouse", str(warehouse), "--out", str(out),
                                              "--table", "nope"])
    assert res.exit_code == 2 and "nope" in res.output and "kpi_annual" in res.output
    res = CliRunner().invoke(export_command, ["--warehouse", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "civstat build" in res.output


def test_sql_exports_use_the_same_writer(warehouse, tmp_path):
    xlsx, csv = tmp_path / "q.xlsx", tmp_path / "q.csv"
    res = CliRunner().invoke(sql_command, [
        "SELECT division_code, year, funds_ytd AS funds_ytd FROM fct_recipients ORDER BY 1",
        "--warehouse", str(warehouse), "--xlsx", str(xlsx), "--csv", str(csv)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.title == "查询结果"
    assert [c.value for c in ws[1]] == ["统计用区划代码(12位)", "年份", "累计支出(元,1月至本期)"]
    assert ws["A2"].data_type == "s" and ws["B2"].number_format == "0"
    text = csv.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == '"统计用区划代码(12位)","年份","累计支出(元,1月至本期)"'
    assert '"371599104000",2024,' in text  # the code quoted: a text for importers honouring it
    res = CliRunner().invoke(sql_command, [
        "SELECT division_code FROM fct_recipients", "--warehouse", str(warehouse),
        "--xlsx", str(xlsx), "--header", "en"])
    assert res.exit_code == 0
    assert openpyxl.load_workbook(xlsx).active["A1"].value == "division_code"


def test_every_mart_column_has_a_chinese_header_of_its_own():
    """The XLSX header of a column is the first clause of its dbt description: two columns of a
    mart whose descriptions start alike (地级市、省:…) would be told apart only by their English
    names, ``地级市、省(counties_expected)``. Read from the project's manifest (dbt parse, as
    ``make test`` prepares it), so a new mart column is checked as it is written."""
    import json
    from collections import Counter

    from civstat.dbtrun import MANIFEST_PATH, prepare_manifest

    prepare_manifest()
    nodes = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["nodes"].values()
    marts = [n for n in nodes if n["resource_type"] == "model"
             and n["original_file_path"].startswith("models/marts/")]
    assert len(marts) > 10
    clashes = {}
    for node in marts:
        headers = {name: header_of(col.get("description", "")) for name, col in
                   node["columns"].items()}
        counts = Counter(headers.values())
        bad = {name: h for name, h in headers.items() if not h or counts[h] > 1}
        if bad:
            clashes[node["name"]] = bad
    assert clashes == {}


def test_plan_targets_of_rates_are_exported_as_percentages(demo_env, tmp_path):
    """kpi_plan_completion of the demo county: a rate's target, actual and gap are fractions
    (0.3 = 30 %), shown as percentages; a target in another unit keeps its own number format."""
    wh, out = demo_env["warehouse"], tmp_path / "e"
    res = CliRunner().invoke(export_command, ["--warehouse", str(wh), "--out", str(out),
                                              "--format", "xlsx", "--table", "kpi_plan_completion"])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(wh), read_only=True) as con:
        units = dict(con.execute("SELECT kpi_code, unit FROM dim_kpi").fetchall())
    ws = openpyxl.load_workbook(out / "civstat_集市.xlsx")["kpi_plan_completion"]
    head = [ws.cell(1, j).comment.text if ws.cell(1, j).comment else ws.cell(1, j).value
            for j in range(1, ws.max_column + 1)]
    at = {name: head.index(name) for name in ("kpi_code", "unit", "target", "actual", "gap")}
    rows = list(ws.iter_rows(min_row=2))
    assert rows and {r[at["unit"]].value for r in rows} >= {"ratio"}
    for row in rows:
        assert row[at["unit"]].value == units[row[at["kpi_code"]].value]
        for col in ("target", "actual", "gap"):
            cell = row[at[col]]
            if cell.value is None:
                continue
            if row[at["unit"]].value == "ratio":
                assert cell.number_format == "0.0%", (row[at["kpi_code"]].value, col)
            else:
                assert "%" not in cell.number_format, (row[at["kpi_code"]].value, col)


def test_an_export_cut_short_leaves_the_previous_one_whole(warehouse, tmp_path, monkeypatch):
    """A Parquet folder or workbook is swapped in whole: an export that fails half-way (here the
    second mart's query) leaves the previous export as it was — before, the folder held the new
    build's first files beside the old build's others, and the workbook was truncated."""
    from civstat.export import writers

    out = tmp_path / "e"
    res = CliRunner().invoke(export_command, ["--warehouse", str(warehouse), "--out", str(out),
                                              "--format", "xlsx,parquet"])
    assert res.exit_code == 0, res.output
    (out / "parquet" / "dropped_mart.parquet").write_bytes(b"a mart of an older build")
    before = {p.name: p.read_bytes() for p in (out / "parquet").iterdir()}
    book = (out / "civstat_集市.xlsx").read_bytes()

    real = writers.marts
    monkeypatch.setattr(writers, "marts", lambda con, catalog, only=(): [
        *real(con, catalog, only), ("no_such_mart", "")])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        with pytest.raises(duckdb.CatalogException):
            writers.write_marts_parquet(con, "civstat", out / "parquet")
        with pytest.raises(duckdb.CatalogException):
            writers.write_marts_xlsx(con, "civstat", out / "civstat_集市.xlsx")
    assert {p.name: p.read_bytes() for p in (out / "parquet").iterdir()} == before
    assert (out / "civstat_集市.xlsx").read_bytes() == book
    assert sorted(p.name for p in out.iterdir()) == ["civstat_集市.xlsx", "parquet"]

    monkeypatch.setattr(writers, "marts", real)
    res = CliRunner().invoke(export_command, ["--warehouse", str(warehouse), "--out", str(out),
                                              "--format", "parquet"])
    assert res.exit_code == 0, res.output  # a whole export: the folder is this build's alone
    assert sorted(p.name for p in (out / "parquet").iterdir()) == [
        "fct_recipients.parquet", "kpi_annual.parquet"]
