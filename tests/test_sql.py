"""`civstat sql` on a small published warehouse written by the test (no dbt needed)."""

from __future__ import annotations

import io
import re

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from civstat.sql import sql_command
from civstat.warehouse import Warehouse

ROWS = [("330521001000", "武康街道", 2023, "nursing_bed_share", 0.4333),
        ("330521100000", "新市镇", 2023, "nursing_bed_share", 0.4364),
        ("330521000000", "示范县", 2023, "nursing_bed_share", 0.4353)]


def write_published(path, ddl: str, insert: str, rows) -> Warehouse:
    """A DuckDB file on disk where the published warehouse lives (readers only open it)."""
    wh = Warehouse(path)
    with duckdb.connect(str(wh.path)) as con:
        con.execute(ddl)
        con.executemany(insert, rows)
    return wh


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    """Each test's own workspace file (never the project's data/workspace/)."""
    monkeypatch.setenv("CIVSTAT_WORKSPACE", str(tmp_path / "ws" / "tester.duckdb"))


@pytest.fixture()
def published(tmp_path):
    return write_published(
        tmp_path / "civstat.duckdb",
        "CREATE TABLE kpi_annual (division_code VARCHAR, division_name VARCHAR, "
        "year INTEGER, kpi_code VARCHAR, value DOUBLE)",
        "INSERT INTO kpi_annual VALUES (?, ?, ?, ?, ?)",
        ROWS,
    )


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


# -- exports for Excel: no formula ever leaves the warehouse ----------------------------------
EVIL = [  # (division_code, note, delta, amount)
    ("330521001000", "=HYPERLINK(\"http://x.invalid\",\"点我\")", -3, -1250.5),
    ("330521100000", "+1+2", 4, 0.25),
    ("330521101000", "-2+3", -1, -0.75),
    ("330521102000", "@SUM(1,2)", 0, 12.0),
    ("330521103000", "\t=1+1", 7, None),
    ("330521104000", "\r=1+1", None, 3.0),
    ("330521105000", "正常文字 = 1+1", 2, -0.0),
    ("330521106000", "http://example.invalid/a", 1, 1.0),
    ("330521107000", None, 5, 5.5),
]


@pytest.fixture()
def evil(tmp_path):
    return write_published(
        tmp_path / "civstat.duckdb",
        "CREATE TABLE notes (division_code VARCHAR, note VARCHAR, delta INTEGER, amount DOUBLE)",
        "INSERT INTO notes VALUES (?, ?, ?, ?)",
        EVIL,
    )


def _csv_rows(path):
    import csv

    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return text[1:], list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_neutralises_formula_cells(evil, tmp_path):
    out = tmp_path / "notes.csv"
    res = invoke(["SELECT * FROM notes ORDER BY division_code", "--warehouse", str(evil.path),
                  "--csv", str(out)])
    assert res.exit_code == 0, res.output
    text, rows = _csv_rows(out)
    assert rows[0] == ["division_code", "note", "delta", "amount"]
    body = rows[1:]
    notes = [r[1] for r in body]
    assert notes == ["'=HYPERLINK(\"http://x.invalid\",\"点我\")", "'+1+2", "'-2+3", "'@SUM(1,2)",
                     "'\t=1+1", "'\r=1+1", "正常文字 = 1+1", "http://example.invalid/a", ""]
    # numbers untouched: a negative number is still a number, not a text
    assert [r[2] for r in body] == ["-3", "4", "-1", "0", "7", "", "2", "1", "5"]
    assert [r[3] for r in body][:3] == ["-1250.5", "0.25", "-0.75"]
    # text columns are quoted (an importer honouring quotes keeps the code a text), numbers not
    assert '\n"330521001000","\'=HYPERLINK(' in text
    assert ",-3,-1250.5\n" in text
    # other tools read the same values back (bar the visible ' on formula-looking text)
    back = pl.read_csv(out, schema_overrides={"division_code": pl.String})
    assert back["division_code"].to_list() == [r[0] for r in EVIL]
    assert back["delta"].dtype.is_integer() and back["amount"].dtype.is_float()
    assert back["amount"].to_list()[:3] == [-1250.5, 0.25, -0.75]


def test_csv_raw_writes_cells_verbatim(evil, tmp_path):
    out = tmp_path / "raw.csv"
    res = invoke(["SELECT note, amount FROM notes ORDER BY division_code", "--warehouse",
                  str(evil.path), "--csv", str(out), "--raw"])
    assert res.exit_code == 0, res.output
    _, rows = _csv_rows(out)
    assert [r[0] for r in rows[1:]] == [n or "" for _, n, _, _ in sorted(EVIL)]


def test_csv_neutralises_column_names(evil, tmp_path):
    out = tmp_path / "names.csv"
    res = invoke(['SELECT note AS "=cmd", delta AS "-d" FROM notes LIMIT 1', "--warehouse",
                  str(evil.path), "--csv", str(out)])
    assert res.exit_code == 0, res.output
    _, rows = _csv_rows(out)
    assert rows[0] == ["'=cmd", "'-d"]


def _ooxml_text(value: str) -> str:
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), value)


def test_xlsx_text_cells_are_strings_never_formulas(evil, tmp_path):
    import zipfile

    import openpyxl

    out = tmp_path / "notes.xlsx"
    res = invoke(["SELECT * FROM notes ORDER BY division_code", "--warehouse", str(evil.path),
                  "--xlsx", str(out)])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
        assert "hyperlink" not in sheet.lower()
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(EVIL)
    for cells, (code, note, delta, amount) in zip(rows, sorted(EVIL)):
        assert cells[0].data_type == "s" and cells[0].value == code  # 12 digits kept as text
        if note is not None:
            # verbatim, as a string (OOXML spells a CR _x000D_; openpyxl leaves that as is)
            assert cells[1].data_type == "s" and _ooxml_text(cells[1].value) == note
        if delta is not None:
            assert cells[2].data_type == "n" and cells[2].value == delta
        if amount is not None:
            assert cells[3].data_type == "n" and cells[3].value == amount
