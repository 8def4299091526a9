"""Returns written cell by cell with openpyxl (and as CSV), the way a clerk fills a blank
workbook without our template: the test decides every label, header and layout."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import xlwt
from conftest import civstat_env
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from civstat.ingest import IngestResult, ingest

PERIOD = "2024Q3"
COUNTY = "371599000000"
MADIAN, BAIMIAO, CHENGGUAN = "371599101000", "371599102000", "371599001000"
TOWNS = [(MADIAN, "马店镇", "马店", "镇"), (BAIMIAO, "白庙乡", "白庙", "乡"),
         (CHENGGUAN, "城关街道", "城关", "街道")]

Rows = list[list[object]]

# The canonical figures every sheet below holds (whatever its headers say).
DIBAO = {"urban": [120, 210, 8, 12, 5, 7, 380_000.0, 800.0],
         "rural": [529, 664, 50, 60, 43, 44, 1_775_475.0, 600.0]}
DIBAO_COLUMNS = ["households", "persons", "new_households", "new_persons", "exited_households",
                 "exited_persons", "funds_ytd", "standard"]
TEKUN = {"urban": [6, 2, 4, 1, 90_000.0, 14_000.0, 9_000.0],
         "rural": [45, 30, 15, 8, 61_440.0, 9_600.0, 6_000.0]}
TEKUN_COLUMNS = ["persons", "centralized", "dispersed", "new_persons", "funds_ytd",
                 "std_centralized", "std_dispersed"]
TEMP = [41, 96, 36_800.0, 8_325.0]
TEMP_COLUMNS = ["household_times_ytd", "person_times_ytd", "funds_ytd", "in_kind_ytd"]
MED = [300, 75_000.0, 167, 384_560.63]
MED_COLUMNS = ["insured_persons_ytd", "insured_funds_ytd", "direct_times_ytd", "direct_funds_ytd"]
YOUFU = [67, 845_225.0, 32, 301_140.0, 5, 2, 3, 3, 21_800.0]
YOUFU_COLUMNS = ["entitled_persons", "pension_funds_ytd", "conscript_families",
                 "conscript_family_funds_ytd", "veterans_received_ytd", "veterans_placed_ytd",
                 "veterans_self_employed_ytd", "veterans_trained_ytd", "veteran_grants_ytd"]
WELFARE = [178, 120_600.0, 40, 38, 25, 24, 59_000.0, 1, 3, 36_000.0]
WELFARE_COLUMNS = ["high_age_persons", "high_age_funds_ytd", "hardship_disabled_eligible",
                   "hardship_disabled_receiving", "severe_disabled_eligible",
                   "severe_disabled_receiving", "disability_funds_ytd", "orphans_centralized",
                   "orphans_dispersed", "orphan_funds_ytd"]


def canonical_sheets(year: int = 2024) -> dict[str, Rows]:
    """The seven required sheets (and 表8) headed exactly as the contract prints them, for a
    return of ``year`` (its 表5 event is dated 20 June of it); fresh lists each call (a test may
    change a cell without changing the next test's return)."""
    return copy.deepcopy({
        "表1 最低生活保障": [
            ["类别", "期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数",
             "本年退出人数", "累计支出低保资金(元)", "保障标准(元/人·月)"],
            ["城市低保", *DIBAO["urban"]], ["农村低保", *DIBAO["rural"]]],
        "表2 特困人员救助供养": [
            ["类别", "期末供养人数", "其中:集中供养人数", "其中:分散供养人数", "本年新增人数",
             "累计支出供养资金(元)", "集中供养标准(元/人·年)", "分散供养标准(元/人·年)"],
            ["城市特困", *TEKUN["urban"]], ["农村特困", *TEKUN["rural"]]],
        "表3 临时救助": [["累计救助户次", "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)"],
                     TEMP],
        "表4 医疗救助": [["资助参加基本医疗保险人数", "资助参保资金(元)", "直接医疗救助人次",
                      "直接医疗救助资金(元)"], MED],
        "表5 自然灾害": [["灾害发生日期", "灾害种类", "受灾人口(人)", "紧急转移安置人口(人)",
                      "农作物受灾面积(亩)", "其中:绝收面积(亩)", "倒塌房屋户数(户)", "倒塌房屋间数(间)",
                      "严重损坏房屋(间)", "一般损坏房屋(间)", "直接经济损失(万元)", "下拨救灾资金(元)"],
                     [dt.date(year, 6, 20), "暴雨洪涝", 800, 20, 381, 40, 12, 30, 10, 25, 12.5, 50_000]],
        "表6 养老服务机构": [["机构名称", "机构类型", "运营方式", "床位数(张)", "其中:护理型床位(张)",
                        "期末在院人数(人)", "其中:特困供养人员(人)", "工作人员数(人)",
                        "其中:持证/参训护理员(人)"],
                       ["马店镇敬老院", "敬老院", "公办公营", 80, 40, 52, 30, 12, 8]],
        "表7 优抚安置": [["重点优抚对象人数", "累计发放抚恤补助资金(元)", "义务兵家庭数(户)",
                      "累计发放义务兵家庭优待金(元)", "本年接收退役士兵(人)", "其中:安排工作(人)",
                      "其中:自主就业(人)", "其中:参加教育培训(人)", "累计发放一次性经济补助/慰问金(元)"],
                     YOUFU],
    })


def cover_rows(*, unit: str = "马店镇", code: str | None = MADIAN, fill_date: object = "2024年10月8日",
               urban: object = 8000, rural: object = 24000) -> Rows:
    """The plain layout: label | value, with the contract's 其中: labels."""
    rows: Rows = [["乡镇民政统计季报 封面"], ["填报单位", unit]]
    if code is not None:
        rows.append(["统计用区划代码", code])
    rows += [["报告期", "2024年第3季度"], ["户籍人口(人)", 32000], ["其中:城镇人口(人)", urban],
             ["其中:农村人口(人)", rural], ["60岁及以上人口(人)", 6100], ["填报人", "张三"],
             ["审核人", "李四"], ["联系电话", "0530-1234567"], ["填报日期", fill_date]]
    return rows



def quarter_cover(unit: str, code: str, period: str, **figures) -> Rows:
    """The plain cover of a township's return for ``period`` (2024Q2), filed on the 8th of the
    month after the quarter ended (``figures``: :func:`cover_rows`' urban and rural)."""
    year, quarter = int(period[:4]), int(period[-1])
    end = dt.date(year, quarter * 3, 1)
    rows = cover_rows(unit=unit, code=code,
                      fill_date=f"{end.year + end.month // 12}年{end.month % 12 + 1}月8日",
                      **figures)
    for row in rows:
        if row[0] == "报告期":
            row[1] = f"{year}年第{quarter}季度"
    return rows


def quarter_sheets(period: str) -> dict[str, Rows]:
    """The canonical sheets, their 表5 event dated inside ``period``."""
    year, quarter = int(period[:4]), int(period[-1])
    out = canonical_sheets(year)
    out["表5 自然灾害"][1][0] = dt.date(year, quarter * 3 - 1, 10)
    return out


def run_civstat(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``civstat`` as a process, every folder and file of it under ``root`` (its reports too)."""
    return subprocess.run([sys.executable, "-m", "civstat.cli", *args], cwd=root,
                          env=civstat_env(root),
                          check=False, capture_output=True, text=True, timeout=300)

def write_xlsx(path: Path, cover: Rows, sheets: dict[str, Rows], *, cover_name: str = "封面",
               merges: dict[str, list[str]] | None = None) -> Path:
    """A cover and the sheets, every cell as given (see :func:`write_cells`)."""
    return write_cells(path, {cover_name: cover, **sheets}, merges)


def write_cells(path: Path, sheets: dict[str, Rows],
                merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook written cell by cell with openpyxl, not through civstat's template: every
    cell as given (None: left empty); ``merges``: sheet → ranges (A1:B1)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        for c in range(1, max((len(r) for r in rows), default=1) + 1):
            ws.column_dimensions[get_column_letter(c)].width = 18
    wb.save(path)
    return path


# Excel's error texts and their BIFF codes (given as codes: xlwt's own map of the texts reads
# #VALUE! as #NUM!)
EXCEL_ERRORS = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D,
                "#NUM!": 0x24, "#N/A": 0x2A}


def write_xls(path: Path, sheets: dict[str, Rows],
              merges: dict[str, list[str]] | None = None,
              hidden: dict[str, list[int]] | None = None,
              formats: dict[str, dict[str, str]] | None = None) -> Path:
    """A workbook written cell by cell with xlwt (the .xls format), whatever ``path`` is named;
    a date is written without a number format (Excel shows its serial, as a clerk's copy may);
    an Excel error text (``#REF!``) is written as an error cell, as openpyxl does in an xlsx;
    ``merges``: sheet → ranges (A1:B1); ``hidden``: sheet → rows hidden (1-based);
    ``formats``: sheet → cell (H2) → its number format (``0.00"万"``)."""
    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        styled = {coordinate_to_tuple(cell): xlwt.easyxf(num_format_str=code)
                  for cell, code in (formats or {}).get(name, {}).items()}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value in EXCEL_ERRORS:
                    sheet.row(r).set_cell_error(c, EXCEL_ERRORS[value])
                elif (r + 1, c + 1) in styled:
                    sheet.write(r, c, value, styled[(r + 1, c + 1)])
                elif value is not None:
                    sheet.write(r, c, value)
        for rng in (merges or {}).get(name, []):
            c1, r1, c2, r2 = range_boundaries(rng)
            sheet.merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1)
        for r in (hidden or {}).get(name, []):
            sheet.row(r - 1).hidden = True
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def write_csv_group(folder: Path, stem: str, cover: Rows, sheets: dict[str, Rows],
                    encoding: str = "gbk") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, rows in {"封面": cover, **sheets}.items():
        path = folder / f"{stem}__{name}.csv"
        with path.open("w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in r] for r in rows])
        out.append(path)
    return out


def write_reference(ref: Path, *, county: tuple[str, str, str] = (COUNTY, "清河县", "清河"),
                    towns=TOWNS, valid_from: str = "2011-01-01") -> Path:
    """divisions.csv with the county (code, name, short name) and its townships (code, name,
    short name, kind), all in force from ``valid_from``; plans and 说明 empty."""
    ref.mkdir(parents=True, exist_ok=True)
    _divisions_csv(ref, county, valid_from,
                   [(code, name, short, kind, valid_from, "", "") for code, name, short, kind in towns])
    (ref / "plan_targets.csv").write_text(
        "division_code,year,kpi_code,target,comparison,source\n", encoding="utf-8")
    (ref / "explanations.csv").write_text("division_code,period,rule_code,text\n", encoding="utf-8")
    return ref


def write_history(ref: Path, versions: list[tuple], *,
                  county: tuple[str, str, str] = (COUNTY, "清河县", "清河"),
                  county_from: str = "2000-01-01") -> Path:
    """:func:`write_reference` with the townships' history: ``versions`` of (code, name, short
    name, kind, valid_from, valid_to, successor_code), '' for none — renames, re-codings and
    mergers (撤乡并镇) as divisions.csv states them."""
    write_reference(ref, county=county, towns=[])
    _divisions_csv(ref, county, county_from, versions)
    return ref


def _divisions_csv(ref: Path, county: tuple[str, str, str], county_from: str,
                   versions: list[tuple]) -> None:
    with (ref / "divisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["division_code", "name", "short_name", "level", "type", "parent_code",
                    "valid_from", "valid_to", "successor_code"])
        w.writerow([*county, "county", "县", "", county_from, "", ""])
        for code, name, short, kind, start, end, successor in versions:
            w.writerow([code, name, short, "township", kind, county[0], start, end, successor])


def ingest_and_publish(root: Path) -> Path:
    """``root/raw`` ingested with ``root/reference`` under the writer lock, then refreshed (gate,
    dbt, publish) into ``root/warehouse/civstat.duckdb``, every file read: its path."""
    from civstat.refresh import refresh
    from civstat.warehouse import Warehouse

    warehouse = Warehouse.at(root / "warehouse" / "civstat.duckdb")
    with warehouse.lock(), warehouse.connect_writer() as con:
        result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
    assert result.ok, [i.line for i in result.still_quarantined]
    assert refresh(warehouse, capture=True).published
    return warehouse.path


def kpi_row(con, code: str, year: int, kpi_code: str) -> dict:
    """The one kpi_annual row of a division, year and KPI, by column name."""
    cur = con.execute("SELECT * FROM kpi_annual WHERE division_code = ? AND year = ? AND kpi_code = ?",
                      [code, year, kpi_code])
    rows = cur.fetchall()
    assert len(rows) == 1, (code, year, kpi_code, rows)
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def raw_folder(tmp_path: Path) -> Path:
    return tmp_path / "raw" / PERIOD


def run_ingest(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, IngestResult]:
    """Ingest ``tmp_path/raw`` into ``tmp_path/wh.duckdb`` (a file on disk)."""
    ref = write_reference(tmp_path / "reference")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    result = ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
    return con, result


def quarantine_rows(con) -> list[tuple]:
    return con.execute('SELECT file_path, reason_code, sheet, "row", "column", message_zh '
                       "FROM raw.quarantine ORDER BY file_path").fetchall()


def findings(con, sheet: str = "封面") -> list[tuple]:
    """raw.findings on one sheet (the cover by default: the sheets' typing records its own)."""
    return con.execute('SELECT code, sheet, "row", "column", message_zh, message_en '
                       "FROM raw.findings WHERE sheet = ? ORDER BY submission_id, seq",
                       [sheet]).fetchall()


def assert_refused_for_missing_column(tmp_path: Path, sheet: str, rows: Rows, missing: str,
                                      table: str) -> None:
    """马店's return with ``sheet`` as ``rows`` (a required column left out) is refused as
    ``missing_column`` on that sheet, the message names ``missing``, and nothing reaches
    ``raw.<table>``."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), sheet: rows})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert len(refused) == 1 and refused[0][1] == "missing_column" and refused[0][2] == sheet
    assert missing in refused[0][5]
    assert con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0] == 0


def publish_and_render(root: Path, year: int, formats: tuple[str, ...] = ("html",)) -> dict:
    """``root/raw`` ingested (with ``root/reference``) into ``root/warehouse``, gated, built and
    published; the year's summary rendered: the warehouse (``wh``), the HTML's text without
    tags, script or style (``text``) and each file by its suffix (``xlsx`` …)."""
    from civstat.report import render_reports
    from civstat.warehouse import Warehouse

    wh = Warehouse.at(ingest_and_publish(root))
    files = render_reports(year, formats=list(formats), out_dir=root / "out", warehouse=wh.path)
    out = {"wh": wh, **{p.suffix[1:]: p for p in files}}
    if "html" in out:  # what a reader sees: no script (Plotly, the figures' traces) or style
        shown = re.sub(r"<(script|style)\b.*?</\1>", "", out["html"].read_text(encoding="utf-8"),
                       flags=re.DOTALL)
        out["text"] = re.sub(r"<[^>]+>", "", shown)
    return out
