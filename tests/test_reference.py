"""Reference CSVs row by row: every bad row refused alone and named (file, row, column); the last
good row kept across loads into the same warehouse file; Excel's ways of writing dates, codes
and encodings accepted; the demo county's returns survive a broken division row."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from civstat.ingest.reference import create_ref_schema, load_reference

C, T1, T2, T3 = "371599000000", "371599101000", "371599102000", "371599201000"
DIV_HEADER = "division_code,name,short_name,level,type,parent_code,valid_from,valid_to,successor_code"
PLAN_HEADER = "division_code,year,kpi_code,target,comparison,source"
EXPL_HEADER = "division_code,period,rule_code,text"
GOOD_DIVISIONS = [
    f"{C},清河县,清河,county,县,,2011-01-01,,",
    f"{T1},马店镇,马店,township,镇,{C},2011-01-01,,",
    f"{T2},杨庄镇,杨庄,township,镇,{C},2011-01-01,,",
    f"{T3},白庙乡,白庙,township,乡,{C},2011-01-01,2024-12-31,{T1}",
]
GOOD_PLANS = [f"{C},2025,nursing_bed_share,0.55,>=,要点", f"{C},2025,tekun_centralized_rate,0.3,>=,要点"]
GOOD_EXPL = [f"{T2},2024Q3,S1,扩围专项行动"]


def write(ref: Path, name: str, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path = ref / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def write_all(ref: Path, divisions=GOOD_DIVISIONS, plans=GOOD_PLANS, expl=GOOD_EXPL) -> None:
    write(ref, "divisions.csv", DIV_HEADER, divisions)
    write(ref, "plan_targets.csv", PLAN_HEADER, plans)
    write(ref, "explanations.csv", EXPL_HEADER, expl)


def load(tmp_path: Path, ref: Path | None = None):
    """One load into the on-disk warehouse (a fresh connection each time, as ingest runs)."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    try:
        result = load_reference(ref or tmp_path / "ref", con)
        tables = {t: con.execute(f"SELECT * FROM ref.{t}").fetchall()
                  for t in ("divisions", "plan_targets", "explanations")}
        stored = con.execute('SELECT file, "row", "column", kind, kept_last_good, message_zh '
                             'FROM ref.rejected_rows').fetchall()
    finally:
        con.close()
    return result, tables, stored


def named(result) -> set[tuple]:
    return {(r.file, r.row, r.column, r.kind) for r in result.refusals}


def division(tables, code):
    return next((r for r in tables["divisions"] if r[0] == code), None)


# -- what Excel writes -------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2011/1/1", "2011/01/01", "2011-01-01", "2011年1月1日", "2011.1.1",
                                  "2011-1-1", "20110101", "2011/1/1 0:00", " 2011/1/1 "])
def test_excel_date_forms_are_accepted(tmp_path, text):
    rows = [*GOOD_DIVISIONS[:1], f'{T1},马店镇,马店,township,镇,{C},"{text}",,']
    write_all(tmp_path / "ref", divisions=rows, plans=[], expl=[])
    result, tables, _ = load(tmp_path)
    assert result.rejected == []
    assert division(tables, T1)[6] == dt.date(2011, 1, 1)


@pytest.mark.parametrize("text, why", [("2011-13-45", "不是有效日期"), ("1/1/2011", "日期格式无法识别"),
                                       ("40544", "日期序列号"), ("明年", "日期格式无法识别")])
def test_bad_dates_are_refused_and_named(tmp_path, text, why):
    rows = [*GOOD_DIVISIONS[:1], f"{T1},马店镇,马店,township,镇,{C},{text},,"]
    write_all(tmp_path / "ref", divisions=rows, plans=[], expl=[])
    result, tables, _ = load(tmp_path)
    (refusal,) = result.refusals
    assert (refusal.file, refusal.row, refusal.column, refusal.kind) == (
        "divisions.csv", 3, "valid_from", "bad_value")
    assert why in refusal.message_zh and text.strip() in refusal.message_zh
    assert "无法匹配" in refusal.message_zh and not refusal.kept_last_good
    assert division(tables, T1) is None and division(tables, C) is not None


@pytest.mark.parametrize("text", [f"{T1}.0", f" {T1} ", f"'{T1}", "３７１５９９１０１０００", "3.71599101000E+11",
                                  "371 599 101 000"])
def test_codes_as_excel_writes_them_are_recovered_exactly(tmp_path, text):
    rows = [*GOOD_DIVISIONS[:1], f'"{text}",马店镇,马店,township,镇,{C},2011-01-01,,']
    write_all(tmp_path / "ref", divisions=rows, plans=[], expl=[])
    result, tables, _ = load(tmp_path)
    assert result.rejected == []
    assert division(tables, T1) is not None


@pytest.mark.parametrize("text, why", [("3.71599E+11", "科学计数法"), ("3.715991E+11", "科学计数法"),
                                       ("37159910100", "12位"), (f"{T1}.5", "12位"), ("371599-101", "12位")])
def test_codes_that_cannot_be_recovered_are_refused(tmp_path, text, why):
    rows = [*GOOD_DIVISIONS[:1], f"{text},马店镇,马店,township,镇,{C},2011-01-01,,"]
    write_all(tmp_path / "ref", divisions=rows, plans=[], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 3, "division_code", "bad_value")}
    assert why in result.refusals[0].message_zh
    assert [r[0] for r in tables["divisions"]] == [C]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_gbk_bom_and_spaced_headers(tmp_path, encoding):
    ref = tmp_path / "ref"
    header = " division_code , name ,short_name, Level ,type,parent_code,valid_from,valid_to,successor_code"
    write(ref, "divisions.csv", header, GOOD_DIVISIONS, encoding)
    write(ref, "plan_targets.csv", PLAN_HEADER, [f"{C},2025,nursing_bed_share,55%,≥,二〇二五年要点"], encoding)
    write(ref, "explanations.csv", EXPL_HEADER, [f"{T2},2024年第3季度,s1,扩围专项行动"], encoding)
    result, tables, _ = load(tmp_path)
    assert result.rejected == []
    assert division(tables, T2)[1] == "杨庄镇"
    assert tables["plan_targets"] == [(C, 2025, "nursing_bed_share", 0.55, ">=", "二〇二五年要点")]
    assert tables["explanations"] == [(T2, "2024Q3", "S1", "扩围专项行动")]


# -- refusals, each named ----------------------------------------------------------------------

def test_every_refusal_kind_is_named_by_file_row_and_column(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref, divisions=[
        *GOOD_DIVISIONS,
        f"371599103000,甲镇,甲,town,镇,{C},2011-01-01,,",              # 6 level
        "371599104000,乙镇,乙,township,镇,371598000000,2011-01-01,,",  # 7 unknown parent
        f"371599105000,丙镇,丙,township,镇,{T1},2011-01-01,,",          # 8 parent not a county
        f"371599106000,丁镇,丁,township,镇,{C},2011-01-01,,371599999000",  # 9 unknown successor
        f"371599107000,戊镇,戊,township,镇,{C},2020-01-01,2019-12-31,",  # 10 valid_to < valid_from
        f"371599108000,,己,township,镇,{C},2011-01-01,,",               # 11 no name
    ], plans=[
        *GOOD_PLANS,
        f"{C},2025,no_such_kpi,1,>=,x",                                 # 4
        "371598000000,2025,nursing_bed_share,0.5,>=,x",               # 5 unknown division
        f"{C},25,nursing_bed_share,0.5,>=,x",                          # 6 year
        f"{C},2024,nursing_bed_share,0.5,>,x",                         # 7 comparison
    ], expl=[
        *GOOD_EXPL,
        f"{T2},2024Q3,S99,x",                                          # 3 unknown rule
        f"{T2},2024Q3,H1,x",                                           # 4 hard rule
        "371599999000,2024Q3,S1,x",                                   # 5 unknown division
        f"{C},2024Q3,S1,x",                                            # 6 not a township
        f"{T2},2024-09,S1,x",                                          # 7 period
        f"{T2},2024Q2,S1,",                                            # 8 empty text
    ])
    result, tables, stored = load(tmp_path)
    assert named(result) == {
        ("divisions.csv", 6, "level", "bad_value"),
        ("divisions.csv", 7, "parent_code", "unknown_parent"),
        ("divisions.csv", 8, "parent_code", "parent_not_county"),
        ("divisions.csv", 9, "successor_code", "unknown_successor"),
        ("divisions.csv", 10, "valid_to", "valid_to_before_from"),
        ("divisions.csv", 11, "name", "bad_value"),
        ("plan_targets.csv", 4, "kpi_code", "unknown_kpi"),
        ("plan_targets.csv", 5, "division_code", "unknown_division"),
        ("plan_targets.csv", 6, "year", "bad_value"),
        ("plan_targets.csv", 7, "comparison", "bad_value"),
        ("explanations.csv", 3, "rule_code", "unknown_rule"),
        ("explanations.csv", 4, "rule_code", "hard_rule_explained"),
        ("explanations.csv", 5, "division_code", "unknown_division"),
        ("explanations.csv", 6, "division_code", "not_township"),
        ("explanations.csv", 7, "period", "bad_value"),
        ("explanations.csv", 8, "text", "bad_value"),
    }
    assert {(f, r, c, k) for f, r, c, k, *_ in stored} == named(result)
    assert all(r.message_zh and r.message_en for r in result.refusals)
    # the good rows load; nothing refused reaches ref.*
    assert sorted(r[0] for r in tables["divisions"]) == [C, T1, T2, T3]
    assert len(tables["plan_targets"]) == 2 and tables["explanations"] == [(T2, "2024Q3", "S1", "扩围专项行动")]


def test_a_refused_parent_takes_its_townships_with_it(tmp_path):
    write_all(tmp_path / "ref", divisions=[GOOD_DIVISIONS[0].replace("county", "县城"), *GOOD_DIVISIONS[1:]],
              plans=GOOD_PLANS, expl=GOOD_EXPL)
    result, tables, _ = load(tmp_path)
    kinds = {(r.row, r.kind) for r in result.refusals}
    assert (2, "bad_value") in kinds and {(3, "unknown_parent"), (4, "unknown_parent")} <= kinds
    # nothing left that could fail the build: no division, so no target or explanation either
    assert tables == {"divisions": [], "plan_targets": [], "explanations": []}
    assert all("无法匹配" in r.message_zh for r in result.refusals if r.file == "divisions.csv")


def test_a_successor_cycle_is_refused(tmp_path):
    write_all(tmp_path / "ref", divisions=[
        *GOOD_DIVISIONS[:3],
        f"{T3},白庙乡,白庙,township,乡,{C},2011-01-01,2024-12-31,371599202000",
        f"371599202000,黄庄乡,黄庄,township,乡,{C},2011-01-01,2024-12-31,{T3}"], plans=[], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 5, "successor_code", "successor_cycle"),
                             ("divisions.csv", 6, "successor_code", "successor_cycle")}
    assert sorted(r[0] for r in tables["divisions"]) == [C, T1, T2]


def test_a_last_good_row_that_no_longer_fits_is_removed_and_named(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref, plans=[*GOOD_PLANS, f"{T2},2025,nursing_bed_share,0.5,>=,x"], expl=[])
    load(tmp_path)
    write_all(ref, divisions=[d for d in GOOD_DIVISIONS if not d.startswith(T2)],
              plans=[*GOOD_PLANS, f"{T2},2025,nursing_bed_share,abc,>=,x"], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 4, "target", "bad_value"),
                             ("plan_targets.csv", 0, "division_code", "last_good_invalid")}
    assert not any(r.kept_last_good for r in result.refusals)
    assert all(r[0] == C for r in tables["plan_targets"])


def test_extra_cells_and_blank_rows(tmp_path):
    write_all(tmp_path / "ref", divisions=[*GOOD_DIVISIONS, ",,,,,,,,", f"371599103000,甲镇,甲,township,镇,{C},2011-01-01,,,多余"],
              plans=[], expl=[])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 7, "列10", "extra_cells")}
    assert division(tables, "371599103000") is None


# -- duplicates --------------------------------------------------------------------------------

def test_identical_duplicates_collapse_and_conflicting_ones_are_all_refused(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref, divisions=[*GOOD_DIVISIONS, GOOD_DIVISIONS[1].replace("2011-01-01", "2011/1/1")],
              plans=[*GOOD_PLANS, f"{C},2025,nursing_bed_share,0.60,>=,要点"],
              expl=[*GOOD_EXPL, GOOD_EXPL[0]])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("plan_targets.csv", 2, "target", "duplicate_conflict"),
                             ("plan_targets.csv", 4, "target", "duplicate_conflict")}
    first, second = sorted(result.refusals, key=lambda r: r.row)
    assert "第4行" in first.message_zh and "第2行" in second.message_zh
    assert "未载入" in first.message_zh
    assert len(tables["divisions"]) == 4 and len(tables["explanations"]) == 1
    assert [r[2] for r in tables["plan_targets"]] == ["tekun_centralized_rate"]


def test_conflicting_duplicates_keep_the_last_good_row(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref)
    load(tmp_path)
    write_all(ref, divisions=[*GOOD_DIVISIONS, f"{T1},马店镇,马店,township,镇,{C},2012-01-01,,"])
    result, tables, _ = load(tmp_path)
    # two open versions of one code overlap (s31: versions that follow one another load)
    assert named(result) == {("divisions.csv", 3, "valid_from", "validity_overlap"),
                             ("divisions.csv", 6, "valid_from", "validity_overlap")}
    assert all(r.kept_last_good and "沿用上次的有效记录" in r.message_zh for r in result.refusals)
    assert division(tables, T1)[6] == dt.date(2011, 1, 1)


def test_duplicates_across_explanation_files(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref)
    write(ref, "explanations/2024.csv", EXPL_HEADER, [f"{T2},2024Q3,S1,另一种说法"])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("explanations.csv", 2, "text", "duplicate_conflict"),
                             ("explanations/2024.csv", 2, "text", "duplicate_conflict")}
    assert "explanations/2024.csv 第2行" in result.refusals[0].message_zh
    assert tables["explanations"] == []


# -- the last good row -------------------------------------------------------------------------

def test_last_good_rows_are_kept_across_loads_of_the_same_file(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref)
    first, before, _ = load(tmp_path)
    assert first.rejected == [] and first.loaded == {"divisions": 4, "plan_targets": 2, "explanations": 1}
    write_all(ref, divisions=[GOOD_DIVISIONS[0], GOOD_DIVISIONS[1].replace("2011-01-01", "2011-13-45"),
                              *GOOD_DIVISIONS[2:]],
              plans=[GOOD_PLANS[0].replace("0.55", "abc"), GOOD_PLANS[1]],
              expl=[GOOD_EXPL[0].replace("S1", "S1,")])  # a stray comma: extra cell
    result, after, stored = load(tmp_path)
    assert named(result) == {("divisions.csv", 3, "valid_from", "bad_value"),
                             ("plan_targets.csv", 2, "target", "bad_value"),
                             ("explanations.csv", 2, "text", "bad_value"),
                             ("explanations.csv", 2, "列5", "extra_cells")}
    assert all(r.kept_last_good for r in result.refusals)
    assert all("沿用上次的有效记录" in r.message_zh and "kept the last good row" in r.message_en
               for r in result.refusals)
    assert sorted(after["divisions"]) == sorted(before["divisions"])
    assert sorted(after["plan_targets"]) == sorted(before["plan_targets"])
    assert after["explanations"] == before["explanations"]
    assert result.kept == {"divisions": 1, "plan_targets": 1, "explanations": 1}
    assert {row[4] for row in stored} == {True}
    # fixed: the file's row loads again and the refusals are gone
    write_all(ref, divisions=[GOOD_DIVISIONS[0], GOOD_DIVISIONS[1].replace("马店镇", "马店镇(新)"),
                              *GOOD_DIVISIONS[2:]])
    fixed, tables, stored = load(tmp_path)
    assert fixed.rejected == [] and stored == [] and division(tables, T1)[1] == "马店镇(新)"


def test_a_new_row_that_no_longer_fits_falls_back_to_the_last_good_one(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref)
    load(tmp_path)
    write_all(ref, divisions=[*GOOD_DIVISIONS[:2], GOOD_DIVISIONS[2].replace(f",{C},", ",371598000000,"),
                              GOOD_DIVISIONS[3]])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 4, "parent_code", "unknown_parent")}
    assert result.refusals[0].kept_last_good and division(tables, T2)[5] == C


def test_missing_or_unreadable_files_keep_the_whole_table(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref)
    _, before, _ = load(tmp_path)
    (ref / "divisions.csv").unlink()
    write(ref, "plan_targets.csv", "division_code,year,target,comparison,source", ["x"])
    (ref / "explanations.csv").write_bytes(b"\x81\xff\xfe\x00garbage\x80")
    result, after, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 0, "", "file_missing"),
                             ("plan_targets.csv", 1, "kpi_code", "missing_column"),
                             ("explanations.csv", 0, "", "file_unreadable")}
    assert all(r.kept_last_good for r in result.refusals)
    assert "沿用上次的整张 divisions 表(4 行)" in result.refusals[0].message_zh
    assert after == before


def test_first_load_without_divisions_is_named(tmp_path):
    (tmp_path / "ref").mkdir()
    result, tables, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 0, "", "file_missing")}
    assert "无法匹配" in result.refusals[0].message_zh
    assert tables == {"divisions": [], "plan_targets": [], "explanations": []}


def test_a_deleted_division_still_in_use_is_kept(tmp_path):
    ref = tmp_path / "ref"
    write_all(ref)
    load(tmp_path)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:  # a return on record for T2
        con.execute("CREATE SCHEMA raw; CREATE TABLE raw.submissions (division_code VARCHAR)")
        con.execute(f"INSERT INTO raw.submissions VALUES ('{T2}')")
    write_all(ref, divisions=[d for d in GOOD_DIVISIONS if not d.startswith((C, T2))])
    result, tables, _ = load(tmp_path)
    assert named(result) == {("divisions.csv", 0, "division_code", "division_removed")} and len(
        result.refusals) == 2  # T2 (a return names it) and the county (T1, T3 name it as parent)
    assert all(r.kept_last_good for r in result.refusals)
    assert sorted(r[0] for r in tables["divisions"]) == [C, T1, T2, T3]


def test_an_old_rejected_rows_table_gains_the_new_columns(tmp_path):
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("CREATE SCHEMA ref")
        con.execute('CREATE TABLE ref.rejected_rows (file VARCHAR, "row" INTEGER, "column" VARCHAR, '
                    "message_zh VARCHAR, message_en VARCHAR)")
        create_ref_schema(con)
        cols = [r[0] for r in con.execute("DESCRIBE ref.rejected_rows").fetchall()]
    assert cols[:5] == ["file", "row", "column", "message_zh", "message_en"]
    assert {"kind", "record_key", "kept_last_good", "loaded_at"} <= set(cols)


# -- the quality report ------------------------------------------------------------------------

def test_quality_report_lists_rejected_rows(tmp_path):
    from civstat.quality import write_report
    from civstat.quality.report import read_rejected_rows
    from civstat.quality.result import QualityResult

    write_all(tmp_path / "ref", plans=[f"{C},2025,no_such_kpi,1,>=,x"])
    load(tmp_path)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        rows = read_rejected_rows(con)
    assert [(r["file"], r["row"], r["column"]) for r in rows] == [("plan_targets.csv", 2, "kpi_code")]
    empty = QualityResult("r", dt.datetime(2025, 1, 1), [], [], [])
    html = write_report(empty, tmp_path / "out", evidence=False, rejected_rows=rows).read_text("utf-8")
    assert "参考数据被拒行" in html and "no_such_kpi" in html and "plan_targets.csv" in html
    html = write_report(empty, tmp_path / "out2", evidence=False).read_text("utf-8")
    assert "参考数据被拒行" not in html


# -- end to end: the demo county --------------------------------------------------------------

QUARTERS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from civstat.generate import generate

    base = tmp_path_factory.mktemp("demo")
    generate(base / "raw", base / "ref", years=(2024,), quarters=QUARTERS)
    return base


def _break_a_township(ref: Path) -> str:
    path = ref / "divisions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if ",township," in line)
    code = lines[n].split(",")[0]
    cells = lines[n].split(",")
    cells[6] = "2011-13-45"
    lines[n] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return code


def _ingest_twice(demo: Path, work: Path, con) -> tuple[str, list, list]:
    from civstat.ingest import ingest

    ref = work / "ref"
    shutil.copytree(demo / "ref", ref)
    ingest(con, demo / "raw", ref, quarantine_dir=work / "quarantine")
    before = con.execute("SELECT division_code, period, is_current FROM raw.submissions "
                         "ORDER BY ALL").fetchall()
    code = _break_a_township(ref)
    result = ingest(con, demo / "raw", ref, quarantine_dir=work / "quarantine")
    (refusal,) = result.reference.refusals
    assert (refusal.file, refusal.column, refusal.kept_last_good) == ("divisions.csv", "valid_from", True)
    assert con.execute("SELECT count(*) FROM ref.divisions WHERE division_code = ?", [code]).fetchone()[0] == 1
    after = con.execute("SELECT division_code, period, is_current FROM raw.submissions "
                        "ORDER BY ALL").fetchall()
    return code, before, after


def test_demo_township_with_a_broken_date_keeps_its_returns(demo, tmp_path):
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        code, before, after = _ingest_twice(demo, tmp_path, con)
    mine = [r for r in after if r[0] == code]
    assert after == before and len(mine) == len(QUARTERS) and all(r[2] for r in mine)


@pytest.mark.slow
def test_demo_township_with_a_broken_date_stays_in_the_county_totals(demo, tmp_path, dbt_isolated):
    from civstat.refresh import refresh
    from civstat.warehouse import Warehouse

    wh = Warehouse.at(tmp_path / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        code, _, _ = _ingest_twice(demo, tmp_path, con)
    refresh(wh, gate=True, capture=True)
    with wh.reader() as con:
        division = con.execute("SELECT county_code, valid_from FROM dim_division "
                               "WHERE division_code = ?", [code]).fetchone()
        figures = dict(con.execute(
            "SELECT division_code, numerator FROM kpi_annual WHERE year = 2024 "
            "AND kpi_code = 'tekun_centralized_rate'").fetchall())
        county = con.execute("SELECT division_code FROM dim_division WHERE division_level = 'county'"
                             ).fetchall()
        townships = {r[0] for r in con.execute(
            "SELECT division_code FROM dim_division WHERE division_level = 'township'").fetchall()}
    (county_code,), = county  # the demo county: one county, every township in it
    assert division == (county_code, dt.date(2011, 1, 1))  # the last good row
    assert figures.get(code) and figures[code] > 0
    assert figures[county_code] == pytest.approx(sum(figures[t] for t in townships if t in figures))
