"""A formula saved without its result (a workbook written by a program, never opened in Excel
or WPS) or an Excel error value (#REF!, #DIV/0!) is refused where the reader would read it,
naming sheet, row, column and cell — read as empty it would count as zero. A formula with its saved result is read as that result; one
whose result is empty text on purpose, or that sits where nothing is read, is no matter.

The workbooks are written cell by cell with openpyxl (which saves formulas without results);
a saved result is put into the XML as Excel writes it."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import xlsxwriter
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    DIBAO,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xls,
    write_xlsx,
)

from civstat.ingest.formulas import FalseBlank, false_blanks, uncomputed
from civstat.ingest.sheetxml import sheet_members

DIBAO_SHEET = "表1 最低生活保障"


def _patch_sheet(path: Path, sheet: str, edit) -> None:
    """Rewrite one sheet's XML inside the workbook (as another writer would have saved it)."""
    with zipfile.ZipFile(path) as zf:
        member = sheet_members(zf.read)[sheet]
        items = [(info, zf.read(info)) for info in zf.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, edit(data) if info.filename == member else data)
    shutil.move(tmp, path)


def _edit_workbook_xml(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite the workbook's xl/workbook.xml (its calculation flags) as another writer saves it."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, data.replace(old, new) if info.filename == "xl/workbook.xml"
                         else data)


def _write(tmp_path: Path, sheets: dict) -> Path:
    return write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)


def _dibao(con) -> dict[str, tuple]:
    return {c: (h, p) for c, h, p in con.execute(
        "SELECT category, households, persons FROM raw.dibao").fetchall()}


def test_a_formula_without_its_result_is_refused_at_its_cell(tmp_path):
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][2][2] = "=600+64"  # 农村低保 期末保障人数, C3
    _write(tmp_path, sheets)
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    (row,) = quarantine_rows(con)
    assert row[:5] == ("2024Q3/马店镇.xlsx", "uncomputed_formula", DIBAO_SHEET, 3, "期末保障人数")
    assert "C3" in row[5] and "=600+64" in row[5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone() == (0,)


def test_a_formula_with_its_saved_result_is_read_as_that_result(tmp_path):
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][2][2] = "=600+64"
    path = _write(tmp_path, sheets)
    _patch_sheet(path, DIBAO_SHEET, lambda xml: re.sub(
        rb'(<c r="C3"[^>]*>)<f>600\+64</f><v\s*/?>(?:</v>)?', rb"\1<f>600+64</f><v>664</v>", xml))
    assert uncomputed(path.read_bytes(), DIBAO_SHEET) == {}
    con, result = run_ingest(tmp_path)
    assert len(result.loaded) == 1
    assert _dibao(con)["rural"] == (DIBAO["rural"][0], 664)


def test_shared_formulas_and_tables_off_column_a_name_the_right_cell(tmp_path):
    """The table starts in column B (a blank column A is dropped by the reader): the refusal
    names the cell as Excel does. A shared formula's later cells (<f t="shared" si="0"/>) are
    formulas too."""
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET] = [[None, *row] for row in sheets[DIBAO_SHEET]]
    sheets[DIBAO_SHEET][1][2] = "=0"  # B-shifted: 城市低保 期末保障户数, C2
    path = _write(tmp_path, sheets)
    _patch_sheet(path, DIBAO_SHEET, lambda xml: re.sub(
        rb'<c r="C2"[^>]*>.*?</c>', rb'<c r="C2"><f t="shared" ref="C2:C2" si="0"/></c>', xml))
    assert uncomputed(path.read_bytes(), DIBAO_SHEET) == {(1, 2): ""}
    con, _ = run_ingest(tmp_path)
    (row,) = quarantine_rows(con)
    assert row[:5] == ("2024Q3/马店镇.xlsx", "uncomputed_formula", DIBAO_SHEET, 2, "期末保障户数")
    assert "C2" in row[5]


def test_empty_text_on_purpose_and_formulas_not_read_are_no_matter(tmp_path):
    """=IF(…,"",…) saved with its empty text result is an empty cell; a formula in the title
    or in a column the reader does not read is never looked at."""
    sheets = canonical_sheets()
    dibao = sheets[DIBAO_SHEET]
    dibao[0].append("备注")
    dibao[1].append('=IF(B2>0,"有","")')  # a notes column: not read
    dibao[2].append(None)
    dibao[2][3] = '=IF(B3>0,"",1)'  # 农村低保 本年新增户数, D3: empty text, saved as such
    sheets[DIBAO_SHEET] = [['="马店镇"&"2024年第三季度"'], *dibao]
    path = _write(tmp_path, sheets)
    _patch_sheet(path, DIBAO_SHEET, lambda xml: re.sub(
        rb'<c r="D4"[^>]*>.*?</c>', rb'<c r="D4" t="str"><f>IF(B4&gt;0,"",1)</f><v></v></c>', xml))
    found = uncomputed(path.read_bytes(), DIBAO_SHEET)
    assert set(found) == {(0, 0), (2, 9)}  # the title and the note: not read
    con, result = run_ingest(tmp_path)
    assert len(result.loaded) == 1, quarantine_rows(con)
    assert con.execute("SELECT new_households FROM raw.dibao WHERE category = 'rural'"
                       ).fetchone() == (None,)


def test_a_cover_population_by_formula_without_its_result_is_refused(tmp_path):
    """户籍人口 = 城镇 + 农村 as a formula the file holds no result for: refused at its cell, not
    loaded as a cover left empty (which is a warning only, the rates then missing)."""
    cover = cover_rows()
    assert cover[4][0] == "户籍人口(人)"
    cover[4][1] = "=B6+B7"
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    (row,) = quarantine_rows(con)
    assert row[1:5] == ("uncomputed_formula", "封面", 5, "户籍人口")
    assert "B5" in row[5] and "=B6+B7" in row[5]


def test_a_cover_population_left_empty_is_still_a_warning(tmp_path):
    cover = cover_rows()
    cover[4][1] = None
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert len(result.loaded) == 1 and quarantine_rows(con) == []


def test_an_error_value_is_refused_at_its_cell(tmp_path):
    """#REF! in 城市低保 期末保障人数 (a referenced row deleted): calamine reads it as an empty
    cell, so 210 people would have loaded as none. Refused as a bad value naming C2 and #REF!."""
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][1][2] = "#REF!"  # openpyxl saves it as an error cell (t="e")
    path = _write(tmp_path, sheets)
    assert false_blanks(path.read_bytes(), DIBAO_SHEET) == {(1, 2): FalseBlank(None, "#REF!")}
    assert uncomputed(path.read_bytes(), DIBAO_SHEET) == {}
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    (row,) = quarantine_rows(con)
    assert row[:5] == ("2024Q3/马店镇.xlsx", "bad_value", DIBAO_SHEET, 2, "期末保障人数")
    assert "单元格 C2 是 Excel 错误值 #REF!" in row[5]
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone() == (0,)


def test_an_error_with_its_formula_as_excel_saves_it(tmp_path):
    """=C3/D3 over a zero, saved by Excel with its error result (<f> and <v>#DIV/0!</v>): the
    refusal names the error and the formula. The same error in a column nothing reads (备注)
    is no matter."""
    sheets = canonical_sheets()
    dibao = sheets[DIBAO_SHEET]
    dibao[0].append("备注")
    dibao[1].append("#N/A")  # not read
    dibao[2].append(None)
    dibao[2][4] = "=0"  # 农村低保 本年新增人数, E3
    path = _write(tmp_path, sheets)
    _patch_sheet(path, DIBAO_SHEET, lambda xml: re.sub(
        rb'<c r="E3"[^>]*>.*?</c>', rb'<c r="E3" t="e"><f>C3/D3</f><v>#DIV/0!</v></c>', xml))
    assert false_blanks(path.read_bytes(), DIBAO_SHEET) == {
        (1, 9): FalseBlank(None, "#N/A"), (2, 4): FalseBlank("C3/D3", "#DIV/0!")}
    con, _ = run_ingest(tmp_path)
    (row,) = quarantine_rows(con)
    assert row[1:5] == ("bad_value", DIBAO_SHEET, 3, "本年新增人数")
    assert "E3 是 Excel 错误值 #DIV/0!(公式 =C3/D3)" in row[5]


def test_an_error_in_a_cover_population_is_refused(tmp_path):
    cover = cover_rows()
    cover[5][1] = "#VALUE!"  # 其中:城镇人口
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert not result.loaded
    (row,) = quarantine_rows(con)
    assert row[1:5] == ("bad_value", "封面", 6, "城镇人口")
    assert "B6 是 Excel 错误值 #VALUE!" in row[5]


def test_error_values_in_an_xls_are_refused_at_their_cells(tmp_path):
    """An .xls (BIFF, as WPS saves by default) holds error values in records calamine reads as
    empty cells: #DIV/0! in 期末保障人数 and #VALUE! in the cover's 城镇人口 would have loaded as
    no one (before: 马店 loaded 0 people, 白庙 no 城镇人口). Both refused as bad values naming the
    cell; the same error in a column nothing reads (备注, 城关) is no matter."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets[DIBAO_SHEET][1][2] = "#DIV/0!"
    write_xls(folder / "马店镇.xls", {"封面": cover_rows(), **sheets})
    cover = cover_rows(unit="白庙乡", code=BAIMIAO)
    cover[5][1] = "#VALUE!"
    write_xls(folder / "白庙乡.xls", {"封面": cover, **canonical_sheets()})
    noted = canonical_sheets()
    noted[DIBAO_SHEET][0].append("备注")
    noted[DIBAO_SHEET][1].append("#REF!")
    noted[DIBAO_SHEET][2][4] = None  # a blank read, so the file is looked into
    write_xls(folder / "城关街道.xls", {"封面": cover_rows(unit="城关街道", code=CHENGGUAN), **noted})
    con, result = run_ingest(tmp_path)
    assert [r[:5] for r in quarantine_rows(con)] == [
        ("2024Q3/白庙乡.xls", "bad_value", "封面", 6, "城镇人口"),
        ("2024Q3/马店镇.xls", "bad_value", DIBAO_SHEET, 2, "期末保障人数")]
    assert "单元格 C2 是 Excel 错误值 #DIV/0!" in quarantine_rows(con)[1][5]
    assert "单元格 B6 是 Excel 错误值 #VALUE!" in quarantine_rows(con)[0][5]
    assert [item.file for item in result.loaded] == ["2024Q3/城关街道.xls"]
    assert _dibao(con) == {"urban": (120, 210), "rural": (529, 664)}


def _write_by_program(path: Path, sheets: dict, formulas: dict, manual: bool = False) -> Path:
    """A return written by a program with xlsxwriter, cell by cell: its formulas (sheet →
    {(row, column): (formula, saved result or None)}) saved as xlsxwriter saves them — the
    result 0 unless one is given, the workbook flagged to compute them on opening (``manual``:
    set to compute by hand, and not before saving)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    if manual:
        book.set_calc_mode("manual")
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in formulas.get(name, {}):
                    formula, result = formulas[name][r, c]
                    sheet.write_formula(r, c, formula, None, *(() if result is None else (result,)))
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_a_formula_a_program_saved_as_0_is_refused(tmp_path):
    """马店's return was written by a program (xlsxwriter): 城市低保 期末保障人数 is =100+110, saved
    with the result 0 and the workbook flagged to compute on opening — 210 people would have
    loaded as 0. Refused naming C2 and the formula. 白庙's program saved the result (210): read.
    城关's 合计 row is such a formula (its sum checked by the H1 rule, not here): read."""
    folder = raw_folder(tmp_path)
    sheets = {"封面": cover_rows(), **canonical_sheets()}
    _write_by_program(folder / "马店镇.xlsx", sheets, {DIBAO_SHEET: {(1, 2): ("=100+110", None)}})
    sheets = {"封面": cover_rows(unit="白庙乡", code=BAIMIAO), **canonical_sheets()}
    _write_by_program(folder / "白庙乡.xlsx", sheets, {DIBAO_SHEET: {(1, 2): ("=100+110", 210)}})
    sheets = {"封面": cover_rows(unit="城关街道", code=CHENGGUAN), **canonical_sheets()}
    sheets[DIBAO_SHEET].append(["合计", *([None] * 8)])
    _write_by_program(folder / "城关街道.xlsx", sheets, {DIBAO_SHEET: {(3, 2): ("=C2+C3", None)}})
    assert b'fullCalcOnLoad="1"' in zipfile.ZipFile(folder / "马店镇.xlsx").read("xl/workbook.xml")
    con, result = run_ingest(tmp_path)
    (row,) = quarantine_rows(con)
    assert row[:5] == ("2024Q3/马店镇.xlsx", "uncomputed_formula", DIBAO_SHEET, 2, "期末保障人数")
    assert "单元格 C2 是公式(=100+110),文件里存的结果是0" in row[5]
    assert sorted(item.file for item in result.loaded) == ["2024Q3/城关街道.xlsx", "2024Q3/白庙乡.xlsx"]
    assert con.execute("SELECT division_code, persons FROM raw.dibao "
                       "WHERE category = 'urban' ORDER BY 1").fetchall() == [
        (CHENGGUAN, 210), (BAIMIAO, 210)]


def test_a_formula_excel_computed_as_0_is_read(tmp_path):
    """The same workbook opened and saved in Excel (no flag to compute on opening): its formula's
    saved 0 is Excel's result, and is read."""
    path = _write_by_program(raw_folder(tmp_path) / "马店镇.xlsx",
                             {"封面": cover_rows(), **canonical_sheets()},
                             {DIBAO_SHEET: {(2, 4): ("=D3-50", None)}})  # 本年新增人数 of 农村低保
    _edit_workbook_xml(path, b' fullCalcOnLoad="1"', b"")
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT new_persons FROM raw.dibao WHERE category = 'rural'").fetchone() == (0,)


def test_figures_by_formula_in_a_workbook_computed_by_hand_are_read_with_a_finding(tmp_path):
    """A workbook set to compute by hand and not before saving (calcMode manual, calcOnSave 0):
    the results saved may predate the last change of the cells they sum. They are read (210,
    664), with one finding naming the first such cell and how many; Excel's own manual mode,
    which computes before saving, is no matter (guard)."""
    folder = raw_folder(tmp_path)
    formulas = {DIBAO_SHEET: {(1, 2): ("=100+110", 210), (2, 2): ("=600+64", 664)}}
    path = _write_by_program(folder / "马店镇.xlsx", {"封面": cover_rows(), **canonical_sheets()},
                             formulas, manual=True)
    assert b'calcMode="manual" calcOnSave="0"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    saved = _write_by_program(folder / "白庙乡.xlsx", {"封面": cover_rows(unit="白庙乡", code=BAIMIAO),
                                                   **canonical_sheets()}, formulas, manual=True)
    _edit_workbook_xml(saved, b' calcOnSave="0"', b"")  # as Excel saves its manual mode
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT division_code, persons FROM raw.dibao ORDER BY 1, category DESC"
                       ).fetchall() == [(MADIAN, 210), (MADIAN, 664), (BAIMIAO, 210), (BAIMIAO, 664)]
    stale = con.execute('SELECT s.division_code, f.sheet, f."row", f."column", f.message_zh '
                        "FROM raw.findings f JOIN raw.submissions s USING (submission_id) "
                        "WHERE f.code = 'stale_formulas'").fetchall()
    assert stale == [(MADIAN, DIBAO_SHEET, 2, "期末保障人数",
                      ("期末保障人数(单元格 C2)等2个读取的数是公式的结果,而工作簿设为手动计算、保存前不重算:"
                      "公式的结果可能不是最新的,请核对(在 Excel 或 WPS 中按 F9 重算后保存,或改为自动计算)"))]
