"""The tolerant reader and the raw layer, on real workbooks written here.

Each tolerance item of the contract is written into a return (through the template writer)
and must load to exactly the figures of the canonical return; each refusal item must be
quarantined with file, sheet, row and column named while the rest of the batch loads.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from civstat.contract import load_contract
from civstat.generate import write_reference
from civstat.generate.model import build_county
from civstat.ingest import ingest, read_return
from civstat.template import CLEAN, write_return

PERIOD = "2024Q3"


@pytest.fixture(scope="module")
def county():
    return build_county(years=(2024,))


@pytest.fixture(scope="module")
def sample(county):
    """A 2024Q3 return with disaster events and several institutions."""
    rets = [r for r in county.returns if r.period == PERIOD and not r.correction]
    return max(rets, key=lambda r: (len(r.data.get("disaster", [])), len(r.data["eldercare"])))


def _names(county, code):
    d = next(d for d in county.divisions if d["division_code"] == code)
    return d["name"], d["short_name"]


def _write(tmp_path, county, ret, style=CLEAN, fmt="xlsx", encoding="utf-8", name="return",
           data=None, cover=None):
    _, short = _names(county, ret.division_code)
    c = {**ret.cover, "_short_name": short, "_year": ret.year, "_quarter": ret.quarter,
         **(cover or {})}
    path = tmp_path / "raw" / ret.period / f"{name}.{'xls' if fmt == 'xls' else 'xlsx'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_return(path, c, data or ret.data, style, fmt=fmt, encoding=encoding)


def _ingest(tmp_path, county):
    ref = tmp_path / "reference"
    write_reference(county, ref)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    result = ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
    return con, result


def _canonical(family, rows):
    """The canonical rows of the model as comparable tuples (zero and NULL alike)."""
    sheet = load_contract().sheet(family)
    out = []
    for row in rows:
        key = [row.get("category")] if sheet.row_kind == "category" else []
        vals = []
        for col in sheet.columns:
            v = row.get(col.name)
            if col.type in ("int", "money", "decimal"):
                v = round(float(v or 0), 0 if col.unit == "亩" else 2)  # 公顷 is written to 0.01
            elif col.type == "date" and v is not None:
                v = str(v)[:10]
            vals.append(v)
        out.append(tuple(key + vals))
    return sorted(out, key=str)


def _loaded(con, family):
    sheet = load_contract().sheet(family)
    cols = ([ "category"] if sheet.row_kind == "category" else []) + [c.name for c in sheet.columns]
    where = "WHERE NOT is_total" if sheet.row_kind != "single" else ""
    rows = con.execute(f"SELECT {', '.join(cols)} FROM raw.{sheet.table} {where}").fetchall()
    out = []
    for r in rows:
        vals = []
        for name, v in zip(cols, r, strict=True):
            col = None if name == "category" else sheet.column(name)
            if col is not None and col.type in ("int", "money", "decimal"):
                v = round(float(v or 0), 0 if col.unit == "亩" else 2)
            elif col is not None and col.type == "date" and v is not None:
                v = str(v)[:10]
            vals.append(v)
        out.append(tuple(vals))
    return sorted(out, key=str)


TOLERANCE = {
    "title_and_two_row_header": (replace(CLEAN, title=True, two_row_header=True), "xlsx", "utf-8"),
    "single_row_header_no_title": (replace(CLEAN, title=False, two_row_header=False), "xlsx", "utf-8"),
    "money_in_wanyuan": (replace(CLEAN, money_unit="万元"), "xlsx", "utf-8"),
    "area_in_hectares": (replace(CLEAN, area_unit="公顷"), "xlsx", "utf-8"),
    "traditional_characters": (replace(CLEAN, traditional=True), "xlsx", "utf-8"),
    "header_noise": (replace(CLEAN, header_noise=True, seed=3), "xlsx", "utf-8"),
    "numbers_with_thousands": (replace(CLEAN, number_text="thousands"), "xlsx", "utf-8"),
    "numbers_fullwidth": (replace(CLEAN, number_text="fullwidth"), "xlsx", "utf-8"),
    "numbers_with_unit_suffix": (replace(CLEAN, number_text="unit_suffix"), "xlsx", "utf-8"),
    "dash_for_zero": (replace(CLEAN, zero_text="—"), "xlsx", "utf-8"),
    "slash_for_zero": (replace(CLEAN, zero_text="/"), "xlsx", "utf-8"),
    "stray_spaces": (replace(CLEAN, stray_spaces=True), "xlsx", "utf-8"),
    "total_and_footer_and_blank_rows": (
        replace(CLEAN, total_row="合计", footer=True, blank_rows=True), "xlsx", "utf-8"),
    "zongji_total": (replace(CLEAN, total_row="总计"), "xlsx", "utf-8"),
    "sheets_shuffled_extra_optional_missing": (
        replace(CLEAN, shuffle_sheets=True, extra_sheet=True, omit_optional=True, seed=5), "xlsx", "utf-8"),
    "sheet_names_without_number": (replace(CLEAN, sheet_names="no_number"), "xlsx", "utf-8"),
    "sheet_name_synonyms": (replace(CLEAN, sheet_names="synonym"), "xlsx", "utf-8"),
    "short_name_and_9_digit_code": (replace(CLEAN, short_name=True, code_digits=9), "xlsx", "utf-8"),
    "name_only_no_code": (replace(CLEAN, code_digits=0), "xlsx", "utf-8"),
    "period_as_months": (replace(CLEAN, period_style="months"), "xlsx", "utf-8"),
    "period_in_chinese": (replace(CLEAN, period_style="chinese"), "xlsx", "utf-8"),
    "legacy_xls": (CLEAN, "xls", "utf-8"),
    "csv_gbk": (CLEAN, "csv", "gbk"),
    "csv_utf8": (CLEAN, "csv", "utf-8"),
}


@pytest.mark.parametrize("item", sorted(TOLERANCE))
def test_tolerance_item_loads_the_canonical_figures(tmp_path, county, sample, item):
    style, fmt, enc = TOLERANCE[item]
    _write(tmp_path, county, sample, style, fmt, enc)
    con, result = _ingest(tmp_path, county)
    assert result.ok, [q.message_zh for q in result.quarantined]
    assert con.execute("SELECT division_code, period, is_current FROM raw.submissions").fetchall() == [
        (sample.division_code, PERIOD, True)]
    for family, rows in sample.data.items():
        if style.omit_optional and not load_contract().sheet(family).required:
            assert _loaded(con, family) == []
            continue
        assert _loaded(con, family) == _canonical(family, rows), family


def test_total_rows_are_kept_and_flagged(tmp_path, county, sample):
    _write(tmp_path, county, sample, replace(CLEAN, total_row="合计"))
    con, _ = _ingest(tmp_path, county)
    total = con.execute("SELECT persons FROM raw.dibao WHERE is_total").fetchone()[0]
    assert total == sum(r["persons"] for r in sample.data["dibao"])


def test_lineage_points_at_the_excel_row(tmp_path, county, sample):
    files = _write(tmp_path, county, sample, replace(CLEAN, blank_rows=True, title=True))
    con, _ = _ingest(tmp_path, county)
    import fastexcel

    book = fastexcel.read_excel(str(files[0]))
    sheet_name, source_row, persons, sha = con.execute(
        "SELECT source_sheet, source_row, persons, file_sha256 FROM raw.dibao "
        "WHERE category = 'rural'").fetchone()
    grid = book.load_sheet(sheet_name, header_row=None, dtypes="string").to_polars().rows()
    row = grid[source_row - 1]
    assert "农村" in str(row[0]) and str(persons) in [str(c).replace(",", "") for c in row]
    assert sha == hashlib.sha256(files[0].read_bytes()).hexdigest()


def test_resubmission_newest_is_current_and_earlier_kept(tmp_path, county, sample):
    _write(tmp_path, county, sample, name="a")
    newer = {k: [dict(r) for r in v] for k, v in sample.data.items()}
    newer["dibao"][0]["funds_ytd"] = newer["dibao"][0]["funds_ytd"] + 100
    import datetime as dt

    later = dt.date.fromisoformat(str(sample.cover["fill_date"])[:10]) + dt.timedelta(days=3)
    _write(tmp_path, county, sample, name="a(更正)", data=newer, cover={"fill_date": later})
    con, result = _ingest(tmp_path, county)
    rows = con.execute("SELECT file_path, is_current, superseded_by IS NOT NULL FROM raw.submissions "
                       "ORDER BY file_path").fetchall()
    assert [(Path(p).name, c, s) for p, c, s in rows] == [("a(更正).xlsx", True, False),
                                                          ("a.xlsx", False, True)]
    assert len(result.loaded) + len(result.resubmitted) == 2


def test_rerun_changes_nothing_and_raw_files_untouched(tmp_path, county, sample):
    files = _write(tmp_path, county, sample)
    before = {f: f.read_bytes() for f in files}
    con, first = _ingest(tmp_path, county)
    counts = con.execute("SELECT (SELECT count(*) FROM raw.dibao), (SELECT count(*) FROM raw.submissions)").fetchone()
    second = ingest(con, tmp_path / "raw", tmp_path / "reference", quarantine_dir=tmp_path / "q")
    assert len(first.loaded) == 1 and second.loaded == [] and len(second.skipped) == 1
    assert con.execute("SELECT (SELECT count(*) FROM raw.dibao), (SELECT count(*) FROM raw.submissions)").fetchone() == counts
    assert {f: f.read_bytes() for f in files} == before


# -- refusals ---------------------------------------------------------------------------------
def _broken_cell(path: Path, sheet: str, row: int, col: int, value: str) -> None:
    """Rewrite one cell of an xlsx by round-tripping through openpyxl (test set-up only)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb[sheet].cell(row=row, column=col, value=value)
    wb.save(path)


def _refusal_case(tmp_path, county, sample, case):
    folder = tmp_path / "raw" / PERIOD
    if case == "not_a_workbook":
        folder.mkdir(parents=True)
        (folder / "说明.docx").write_bytes(b"PK\x03\x04 not really a workbook")
        return "说明.docx", None
    if case == "corrupt":
        folder.mkdir(parents=True)
        (folder / "坏文件.xlsx").write_bytes(b"\x00\x01garbage" * 50)
        return "坏文件.xlsx", None
    if case == "no_cover":
        folder.mkdir(parents=True)
        wb = xlsxwriter.Workbook(str(folder / "无封面.xlsx"))
        wb.add_worksheet("Sheet1").write(0, 0, "随便写的")
        wb.close()
        return "无封面.xlsx", None
    if case == "unknown_township":
        _write(tmp_path, county, sample, name="未知", cover={"unit_name": "不存在镇",
                                                           "division_code": "999999999000",
                                                           "_short_name": "不存在"})
        return "未知.xlsx", "封面"
    if case == "period_disagrees_with_folder":
        _write(tmp_path, county, sample, name="错期", cover={"_quarter": 2})
        return "错期.xlsx", "封面"
    if case == "missing_required_column":
        data = {k: [dict(r) for r in v] for k, v in sample.data.items()}
        for r in data["tekun"]:
            r.pop("funds_ytd")
        path = _write(tmp_path, county, sample, name="缺列", data=data)[0]
        import openpyxl

        wb = openpyxl.load_workbook(path)
        ws = wb["表2 特困人员救助供养"]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value and "供养资金" in str(cell.value):
                    cell.value = "备用"
        wb.save(path)
        return "缺列.xlsx", "表2 特困人员救助供养"
    if case == "unparseable_value":
        path = _write(tmp_path, county, sample, replace(CLEAN, title=True, two_row_header=True),
                      name="坏值")[0]
        _broken_cell(path, "表1 最低生活保障", 5, 3, "约两百")
        return "坏值.xlsx", "表1 最低生活保障"
    raise AssertionError(case)


REFUSALS = ["not_a_workbook", "corrupt", "no_cover", "unknown_township",
            "period_disagrees_with_folder", "missing_required_column", "unparseable_value"]


@pytest.mark.parametrize("case", REFUSALS)
def test_refusal_is_quarantined_and_the_rest_loads(tmp_path, county, sample, case):
    bad, sheet = _refusal_case(tmp_path, county, sample, case)
    other = next(r for r in county.returns if r.period == PERIOD
                 and r.division_code != sample.division_code and not r.correction)
    _write(tmp_path, county, other, name="好文件")
    raw_before = {p: p.read_bytes() for p in (tmp_path / "raw").rglob("*") if p.is_file()}
    con, result = _ingest(tmp_path, county)
    assert [Path(q.file).name for q in result.quarantined] == [bad]
    assert [Path(i.file).name for i in result.loaded] == ["好文件.xlsx"]
    row = con.execute('SELECT file_path, sheet, "row", "column", message_zh, message_en '
                      "FROM raw.quarantine").fetchone()
    assert Path(row[0]).name == bad and bad in row[4] and bad in row[5]
    if sheet:
        assert row[1] == sheet
    if case == "unparseable_value":
        assert row[2] == 5 and "约两百" in row[4] and row[3]
    if case == "missing_required_column":
        assert "累计支出供养资金" in row[4]
    copy = tmp_path / "quarantine" / PERIOD / bad
    assert copy.exists() and (copy.parent / f"{bad}.reason.txt").exists()
    assert {p: p.read_bytes() for p in (tmp_path / "raw").rglob("*") if p.is_file()} == raw_before


def test_read_return_is_pure(tmp_path, county, sample):
    files = _write(tmp_path, county, sample, replace(CLEAN, money_unit="万元"))
    parsed = read_return(files[0])
    assert parsed.cover["unit_name"] and parsed.sheets["dibao"].rows[0]["funds_ytd"] == pytest.approx(
        next(r for r in sample.data["dibao"] if r["category"] == parsed.sheets["dibao"].rows[0]["category"])["funds_ytd"], abs=0.01)


def test_reference_rows_refused_with_file_row_column(tmp_path, county):
    ref = tmp_path / "reference"
    write_reference(county, ref)
    with (ref / "plan_targets.csv").open("a", encoding="utf-8") as fh:
        fh.write("371599000000,2024,nursing_bed_share,abc,>=,计划\n")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    (tmp_path / "raw").mkdir()
    result = ingest(con, tmp_path / "raw", ref)
    assert result.reference.rejected[0][2] == "target"
    assert con.execute('SELECT file, "column" FROM ref.rejected_rows').fetchall() == [
        ("plan_targets.csv", "target")]
    assert con.execute("SELECT count(*) FROM ref.plan_targets").fetchone()[0] > 0


def test_cli_exit_codes(tmp_path, county, sample):
    _write(tmp_path, county, sample)
    ref = tmp_path / "reference"
    write_reference(county, ref)
    env_args = ["--raw", str(tmp_path / "raw"), "--reference", str(ref),
                "--warehouse", str(tmp_path / "wh" / "civstat.duckdb"),
                "--quarantine", str(tmp_path / "q")]
    exe = Path(sys.executable).with_name("civstat")
    ok = subprocess.run([str(exe), "ingest", *env_args], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tmp_path / "raw" / PERIOD / "坏.xlsx").write_bytes(b"junk")
    bad = subprocess.run([str(exe), "ingest", *env_args], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "坏.xlsx" in bad.stdout
    missing = subprocess.run([str(exe), "ingest", "--raw", str(tmp_path / "nope")],
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 2


def test_source_row_counts_leading_blank_rows(tmp_path, county, sample):
    """calamine trims leading empty rows by default; lineage must still name the Excel row."""
    import openpyxl

    path = _write(tmp_path, county, sample, replace(CLEAN, title=False, two_row_header=False))[0]
    wb = openpyxl.load_workbook(path)
    wb["表1 最低生活保障"].insert_rows(1, amount=3)
    wb.save(path)
    con, result = _ingest(tmp_path, county)
    assert result.ok
    row = con.execute("SELECT source_row, persons FROM raw.dibao WHERE category = 'urban'").fetchone()
    ws = openpyxl.load_workbook(path)["表1 最低生活保障"]
    cells = [c.value for c in ws[row[0]]]
    assert "城市低保" in str(cells[0]) and row[1] in cells


def test_raw_tables_gain_the_contracts_new_columns():
    """A warehouse created before the contract added an optional column (表7 待安置) gets it,
    nullable, the next time the raw schema is ensured; rows read before keep NULL there."""
    import duckdb

    from civstat.raw_schema import create_raw_schema

    con = duckdb.connect()
    create_raw_schema(con)
    con.execute("ALTER TABLE raw.youfu DROP COLUMN veterans_pending")
    create_raw_schema(con)
    column = con.execute("SELECT data_type, is_nullable FROM information_schema.columns WHERE "
                         "table_schema = 'raw' AND table_name = 'youfu' AND "
                         "column_name = 'veterans_pending'").fetchone()
    assert column == ("BIGINT", "YES")
