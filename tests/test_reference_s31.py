"""The bureau's reference CSVs as a statistician keeps them (s31):

* a header row in Chinese — simplified or traditional, as she exports her own spreadsheet —
  reads like the English one (before: ``missing_column division_code``), for divisions,
  plan targets and explanations alike; a header naming no column is named (``unknown_column``);
* a township renamed is two rows of one code with successive validity periods (河口乡 to
  2012-12-31, 河口镇 from 2013-01-01): both load (before: both refused as
  ``duplicate_conflict``), only overlapping versions are refused, each naming the other; and the
  warehouse and the report name the township as it was called in each period: a 2011 figure is
  河口乡's, a 2014 one 河口镇's.

Every CSV is written here row by row; the returns cell by cell with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from handmade import canonical_sheets, cover_rows, write_cells

from civstat.ingest.reference import load_reference

C, A, B = "330698000000", "330698001000", "330698100000"
EN_DIV = ["division_code", "name", "short_name", "level", "type", "parent_code", "valid_from",
          "valid_to", "successor_code"]
ZH_DIV = ["统计用区划代码", "名称", "简称", "级别", "类型", "上级代码", "启用日期", "停用日期", "撤并后代码"]
# the same header as a spreadsheet in traditional characters writes it (with a full-width space)
ZH_DIV_TRAD = ["統計用區劃代碼", "名稱", "簡稱", "級別", "類型", "上級代碼", "啟用日期", "停用日期",
               "撤併後代碼\u3000"]
COUNTY_ROW = [C, "双河县", "双河", "county", "县", "", "2000-01-01", "", ""]
EAST = [A, "东城街道", "东城", "township", "街道", C, "2000-01-01", "", ""]
OLD = [B, "河口乡", "河口", "township", "乡", C, "2000-01-01", "2012-12-31", ""]
NEW = [B, "河口镇", "河口", "township", "镇", C, "2013-01-01", "", ""]


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def load(tmp_path: Path):
    """One load of tmp_path/ref into the on-disk warehouse tmp_path/wh.duckdb."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    try:
        result = load_reference(tmp_path / "ref", con)
        tables = {t: con.execute(f"SELECT * FROM ref.{t} ORDER BY ALL").fetchall()
                  for t in ("divisions", "plan_targets", "explanations")}
        stored = con.execute('SELECT file, "row", "column", kind, message_zh FROM ref.rejected_rows '
                             'ORDER BY "row"').fetchall()
    finally:
        con.close()
    return result, tables, stored


def as_loaded(row: list) -> tuple:
    """A divisions.csv row as ref.divisions holds it (dates as dates, empty cells NULL)."""
    day = {6, 7}
    return tuple((dt.date.fromisoformat(v) if v else None) if i in day else (v or None)
                 for i, v in enumerate(row))


# -- Chinese headers ---------------------------------------------------------------------------

@pytest.mark.parametrize("header, encoding", [(ZH_DIV, "utf-8"), (ZH_DIV, "gbk"),
                                              (ZH_DIV_TRAD, "utf-8-sig")])
def test_a_chinese_divisions_header_reads_like_the_english_one(tmp_path, header, encoding):
    """Before: refused whole, ``missing_column division_code``, and no division loaded."""
    rows = [COUNTY_ROW, EAST, NEW]
    write_csv(tmp_path / "ref" / "divisions.csv", header, rows, encoding)
    result, tables, stored = load(tmp_path)
    assert result.refusals == [] and stored == []
    assert tables["divisions"] == sorted(as_loaded(r) for r in rows)


def test_chinese_headers_of_plan_targets_and_explanations(tmp_path):
    """plan_targets.csv (区划代码, 年度, 指标, 目标值, 比较方式, 来源: a KPI named in Chinese too)
    and explanations.csv (统计用区划代码, 报告期, 审核规则代码, 说明) in Chinese. Before: both
    refused whole (missing_column division_code), nothing loaded."""
    ref = tmp_path / "ref"
    write_csv(ref / "divisions.csv", EN_DIV, [COUNTY_ROW, EAST, NEW])
    write_csv(ref / "plan_targets.csv", ["区划代码", "年度", "指标", "目标值", "比较方式", "来源"],
              [[C, "2014", "护理型床位占比", "55%", "≥", "2014年民政工作要点"]])
    write_csv(ref / "explanations.csv", ["統計用區劃代碼", "報告期", "審核規則代碼", "說明"],
              [[A, "2014年第4季度", "s1", "扩围专项行动"]])
    result, tables, _ = load(tmp_path)
    assert result.refusals == []
    assert tables["plan_targets"] == [(C, 2014, "nursing_bed_share", 0.55, ">=", "2014年民政工作要点")]
    assert tables["explanations"] == [(A, "2014Q4", "S1", "扩围专项行动")]


def test_an_unknown_header_is_named(tmp_path):
    """A column the file cannot know (备注) is named on the header row and not read, the rows
    load; a required column under a name no list knows (区划名字 for 名称) refuses the file
    naming both the missing column and the unknown header. Before: 备注 ignored unsaid, and a
    bare ``missing_column division_code``."""
    ref = tmp_path / "ref"
    write_csv(ref / "divisions.csv", [*ZH_DIV, "备注"], [[*COUNTY_ROW, ""], [*EAST, "原东城镇"]])
    result, tables, _ = load(tmp_path)
    assert [(r.file, r.row, r.column, r.kind) for r in result.refusals] == [
        ("divisions.csv", 1, "备注", "unknown_column")]
    assert "备注" in result.refusals[0].message_zh and "统计用区划代码" in result.refusals[0].message_zh
    assert tables["divisions"] == sorted(as_loaded(r) for r in (COUNTY_ROW, EAST))

    wrong = ["区划名字" if h == "名称" else h for h in ZH_DIV]
    write_csv(ref / "divisions.csv", wrong, [COUNTY_ROW, EAST])
    result, tables, _ = load(tmp_path)
    (refusal,) = result.refusals
    assert (refusal.row, refusal.column, refusal.kind) == (1, "name", "missing_column")
    assert "名称" in refusal.message_zh and "区划名字" in refusal.message_zh
    assert refusal.kept_last_good  # the whole last good table stays
    assert tables["divisions"] == sorted(as_loaded(r) for r in (COUNTY_ROW, EAST))


# -- versions of one code ----------------------------------------------------------------------

def test_a_renamed_township_loads_both_versions(tmp_path):
    """Before: both rows refused (duplicate_conflict), 河口 not loaded at all."""
    write_csv(tmp_path / "ref" / "divisions.csv", EN_DIV, [COUNTY_ROW, EAST, OLD, NEW])
    result, tables, _ = load(tmp_path)
    assert result.refusals == []
    assert [r for r in tables["divisions"] if r[0] == B] == [as_loaded(OLD), as_loaded(NEW)]


def test_overlapping_versions_are_refused_naming_each_other(tmp_path):
    """河口乡 written valid to 2013-06-30 overlaps 河口镇 from 2013-01-01: both refused, each
    naming the other's row; then the last good versions stay. A third version after a gap
    (2020-) does not overlap and is no reason to refuse anything. Before: duplicate_conflict
    for every row of the code, the good rename included."""
    ref = tmp_path / "ref"
    late = [B, "河口镇(新)", "河口", "township", "镇", C, "2020-01-01", "", ""]
    new_to_2019 = [*NEW[:7], "2019-12-31", ""]
    write_csv(ref / "divisions.csv", EN_DIV, [COUNTY_ROW, EAST, OLD, new_to_2019, late])
    result, tables, _ = load(tmp_path)
    assert result.refusals == []
    assert len([r for r in tables["divisions"] if r[0] == B]) == 3

    bad_old = [*OLD[:7], "2013-06-30", ""]
    write_csv(ref / "divisions.csv", EN_DIV, [COUNTY_ROW, EAST, bad_old, NEW])
    result, tables, _ = load(tmp_path)
    got = sorted((r.row, r.column, r.kind) for r in result.refusals)
    assert got == [(4, "valid_from", "validity_overlap"), (5, "valid_from", "validity_overlap")]
    by_row = {r.row: r.message_zh for r in result.refusals}
    assert "第5行" in by_row[4] and "第4行" in by_row[5] and "重叠" in by_row[4]
    assert all(r.kept_last_good for r in result.refusals)
    assert len([r for r in tables["divisions"] if r[0] == B]) == 3  # the last good versions


def test_a_first_load_with_overlapping_versions_loads_neither(tmp_path):
    write_csv(tmp_path / "ref" / "divisions.csv", EN_DIV,
              [COUNTY_ROW, EAST, [*OLD[:7], "", ""], NEW])  # 河口乡 left open
    result, tables, _ = load(tmp_path)
    assert sorted((r.row, r.kind) for r in result.refusals) == [
        (4, "validity_overlap"), (5, "validity_overlap")]
    assert all("无法匹配" in r.message_zh for r in result.refusals)
    assert [r[0] for r in tables["divisions"]] == [C, A]


def test_a_refused_version_keeps_the_codes_last_good_versions(tmp_path):
    """The versions of one code go together: 河口镇's row mistyped (2013-13-01) leaves 河口 with
    its last good two versions, not with 河口乡 alone (which would end the township in 2012)."""
    ref = tmp_path / "ref"
    write_csv(ref / "divisions.csv", EN_DIV, [COUNTY_ROW, EAST, OLD, NEW])
    load(tmp_path)
    write_csv(ref / "divisions.csv", EN_DIV,
              [COUNTY_ROW, EAST, [*OLD[:1], "河口乡(改)", *OLD[2:]], [*NEW[:6], "2013-13-01", "", ""]])
    result, tables, _ = load(tmp_path)
    assert [(r.row, r.column, r.kind, r.kept_last_good) for r in result.refusals] == [
        (5, "valid_from", "bad_value", True)]
    assert [r for r in tables["divisions"] if r[0] == B] == [as_loaded(OLD), as_loaded(NEW)]


# -- the warehouse and the report name each period's township as it was called then -----------

RETURNS = {"2011Q4": {A: "东城街道", B: "河口乡"}, "2014Q4": {A: "东城街道", B: "河口镇"}}
# 农村低保 persons per return (the rest of the sheet as handmade's canonical figures)
RURAL = {("2011Q4", A): 700, ("2011Q4", B): 710, ("2014Q4", A): 680, ("2014Q4", B): 690}


def write_county(root: Path) -> None:
    for period, towns in RETURNS.items():
        year = int(period[:4])
        for code, name in towns.items():
            cover = cover_rows(unit=name, code=code, fill_date=f"{year + 1}年1月8日")
            cover = [[r[0], f"{year}年第4季度"] if r[0] == "报告期" else r for r in cover]
            sheets = canonical_sheets(year)
            rural = next(r for r in sheets["表1 最低生活保障"] if r[0] == "农村低保")
            rural[2] = RURAL[(period, code)]
            write_cells(root / "raw" / period / f"{name}{period}.xlsx", {"封面": cover, **sheets})
    ref = root / "reference"
    write_csv(ref / "divisions.csv", ZH_DIV, [COUNTY_ROW, EAST, OLD, NEW])
    write_csv(ref / "plan_targets.csv", ["区划代码", "年度", "指标", "目标值", "比较方式", "来源"], [])
    write_csv(ref / "explanations.csv", ["统计用区划代码", "报告期", "规则代码", "说明"], [])


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from civstat.ingest import ingest
    from civstat.refresh import refresh
    from civstat.report import render_reports
    from civstat.warehouse import Warehouse

    root = tmp_path_factory.mktemp("s31rename")
    write_county(root)
    wh = Warehouse.at(root / "warehouse" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
    outcome = refresh(wh, capture=True)
    texts = {}
    if outcome.published:
        for year in (2011, 2014):
            files = render_reports(year, formats=["html"], out_dir=root / "out" / str(year),
                                   warehouse=wh.path)
            html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
            texts[year] = re.sub(r"<[^>]+>", "", html)
    return {"wh": wh, "refused": [i.line for i in result.still_quarantined],
            "outcome": outcome, "text": texts}


def _q(county, sql: str, params=None) -> list[tuple]:
    with county["wh"].reader() as con:
        return con.execute(sql, params or []).fetchall()


@pytest.mark.slow
def test_every_return_of_the_renamed_township_loads_and_publishes(county):
    """Both returns of 河口 (河口乡 in 2011, 河口镇 in 2014) are matched to its code and published.
    Before: divisions.csv refused whole (its Chinese header), every return unknown."""
    assert county["refused"] == [] and county["outcome"].published
    assert sorted(_q(county, "SELECT division_code, period FROM quality_status")) == sorted(
        (code, period) for period, towns in RETURNS.items() for code in towns)
    # one division (its current name), in force over both names
    assert _q(county, "SELECT division_name, valid_from, valid_to, is_current FROM dim_division "
              "WHERE division_code = ?", [B]) == [("河口镇", dt.date(2000, 1, 1), None, True)]


@pytest.mark.slow
def test_the_marts_name_each_period_as_it_was_called(county):
    """kpi_annual, fct_measures, period_coverage and quality_status: 2011 河口乡, 2014 河口镇;
    the county's 2011 figures expect both townships (before the span fix, 河口 was only in force
    from 2013 and the county's 2011 coverage counted one township)."""
    for table in ("kpi_annual", "fct_measures", "period_coverage", "quality_status"):
        got = set(_q(county, f"SELECT year, division_name FROM {table} WHERE division_code = ?", [B]))
        assert got == {(2011, "河口乡"), (2014, "河口镇")}, table
    expected = _q(county, "SELECT year, townships_expected, townships_included FROM period_coverage "
                  "WHERE division_code = ? ORDER BY year", [C])
    assert expected == [(2011, 2, 2), (2014, 2, 2)]
    persons = _q(county, "SELECT year, value FROM fct_measures WHERE division_code = ? "
                 "AND measure_code = 'dibao_persons_rural' ORDER BY year", [C])
    assert persons == [(2011, RURAL[("2011Q4", A)] + RURAL[("2011Q4", B)]),
                       (2014, RURAL[("2014Q4", A)] + RURAL[("2014Q4", B)])]


@pytest.mark.slow
def test_the_report_names_the_township_as_it_was_called_that_year(county):
    text = county["text"]
    assert "河口乡" in text[2011] and "河口镇" not in text[2011]
    assert "河口镇" in text[2014] and "河口乡" not in text[2014]


def test_a_return_naming_the_former_name_without_code_is_matched(tmp_path):
    """A cover giving 填报单位 only: 河口乡 (2011) and 河口镇 (2014) both name code B. Before:
    only the version last read named the code (河口乡 unknown: the return quarantined)."""
    from civstat.ingest.identity import Divisions

    write_csv(tmp_path / "ref" / "divisions.csv", EN_DIV, [COUNTY_ROW, EAST, NEW, OLD])
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    try:
        load_reference(tmp_path / "ref", con)
        divisions = Divisions(con)
        assert divisions.resolve({"unit_name": "河口乡"}) == B
        assert divisions.resolve({"unit_name": "河口镇"}) == B
        assert divisions.townships[B][1] == "河口镇"  # the code's row: the version in force
    finally:
        con.close()
