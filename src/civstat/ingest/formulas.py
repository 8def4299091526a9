"""Cells a workbook holds that calamine reads as empty: formulas without their value, and
Excel error values.

Excel and WPS save each formula's result next to it (``<c r="B2"><f>B3+B4</f><v>120</v></c>``)
and calamine reads that result. A workbook written by a program (openpyxl, a script that fills
the template) keeps the formula alone: ``<f>B3+B4</f><v></v>``. calamine reads such a cell as
empty, and an empty cell is a zero on a return (the contract's convention), so a 合计 or a
count computed by formula would load as nothing, silently. The reader asks this module about
the empty cells it would read (only those, so an ordinary return costs nothing) and refuses the
return when one of them is a formula without a result: opened and saved in Excel or WPS, the
file carries its values.

A formula that yields empty text on purpose (``=IF(B3=0,"",B3)``, saved as ``t="str"`` with an
empty value) is an empty cell like any other.

An error value (``#REF!`` after a referenced row was deleted, ``#DIV/0!``, ``#VALUE!``; saved as
``<c t="e"><v>#REF!</v></c>``) is read by calamine as an empty cell too: a broken 期末保障人数
would load as nothing. Such a cell, where the reader reads it, refuses the return as a
``bad_value`` naming the cell, the error and its formula.

A program may also save each formula with the result 0 and leave the computing to the
spreadsheet (xlsxwriter does, flagging the workbook ``<calcPr fullCalcOnLoad="1"/>``: "compute
everything on opening"). calamine reads that 0. In such a workbook a figure the reader reads
from a formula whose saved result is 0 is refused the same way (:func:`refuse_zero_formulas`);
a 合计 row beside its rows is left to the H1 rule, which compares it with them.

An .xls (BIFF, the format WPS long saved by default) keeps its error values in records calamine
reads as empty as well; xlrd reads them (:func:`xls_blanks`, :func:`refuse_xls_blank_rows`), for
the same refusals. Its formulas cannot be told from their results there, so an .xls names the
error alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import NamedTuple

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from civstat.ingest.biff import ERRORS, xls_sheet
from civstat.ingest.limits import Checked, member_reader
from civstat.ingest.normalize import is_empty
from civstat.ingest.refusal import Finding, Refusal
from civstat.ingest.sheetxml import CELL, REF, TYPE, VALUE, sheet_members


class FalseBlank(NamedTuple):
    """A cell calamine reads as empty that is not: a formula without its result, or an error."""

    formula: str | None  # the formula's text (None: no formula)
    error: str | None    # the Excel error value saved (#REF!); None: no result saved at all

_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_ERROR_TYPE = b't="e"'
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", re.DOTALL)


def uncomputed(content: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) → formula text (0-based, as in Excel) of the sheet's formula cells saved
    without a result; {} when the file is no xlsx or the sheet cannot be found."""
    return {at: cell.formula for at, cell in false_blanks(content, sheet).items()
            if cell.error is None}


def false_blanks(content: bytes, sheet: str) -> dict[tuple[int, int], FalseBlank]:
    """(row, column) → :class:`FalseBlank` of the sheet's cells calamine reads as empty and
    are not (0-based, as in Excel)."""
    return _false_blanks(member_reader(content), [sheet]).get(sheet, {})


def _false_blanks(read: Callable[[str], bytes], sheets: list[str]
                  ) -> dict[str, dict[tuple[int, int], FalseBlank]]:
    """:func:`false_blanks` of each sheet (the workbook's relationships read once)."""
    try:
        members = sheet_members(read)
    except (KeyError, ValueError):
        return {}
    out = {}
    for sheet in sheets:
        try:
            out[sheet] = _in_sheet(read(members[sheet])) if sheet in members else {}
        except (KeyError, ValueError):
            out[sheet] = {}
    return out


def _in_sheet(xml: bytes) -> dict[tuple[int, int], FalseBlank]:
    if not _FORMULA.search(xml) and _ERROR_TYPE not in xml:
        return {}
    found = {}
    for attributes, body in CELL.findall(xml):
        if not body:
            continue
        kind = TYPE.search(attributes)
        kind = kind[1] if kind else None
        value = VALUE.search(body)
        if kind == b"e":
            error = html.unescape(value[1].decode("utf-8", "replace")).strip() if value else "#N/A"
        elif _FORMULA.search(body) and not value and kind not in (b"str", b"inlineStr"):
            error = None  # (empty text on purpose is saved as t="str": an empty cell)
        else:
            continue
        ref = REF.search(attributes)
        if ref is None:
            continue  # no place to name
        formula = _FORMULA_TEXT.search(body)
        text = html.unescape(formula[1].decode("utf-8", "replace")) if formula else None
        if text is None and error is None:
            text = ""  # a shared formula's later cell (<f t="shared" si="0"/>)
        found[xl_cell_to_rowcol(ref[1].decode())] = FalseBlank(text, error)
    return found


Blanks = Callable[[list[str]], dict[str, dict[tuple[int, int], FalseBlank]]]


def xlsx_blanks(checked: Checked) -> Blanks:
    """:func:`false_blanks` of the named sheets of an xlsx (its zip as :class:`Checked` read it;
    its worksheets as :attr:`Checked.worksheets` inflated them)."""
    def find(sheets: list[str]) -> dict[str, dict[tuple[int, int], FalseBlank]]:
        read, inflated = checked.member_reader(), checked.worksheets
        return _false_blanks(lambda member: inflated.get(member) or read(member), sheets)
    return find


def xls_blanks(data: bytes) -> Blanks:
    """The error values in the named sheets of an .xls (BIFF) workbook (xlrd reads them)."""
    def find(sheets: list[str]) -> dict[str, dict[tuple[int, int], FalseBlank]]:
        return {name: _xls_errors(data, name) for name in sheets}
    return find


def _xls_errors(data: bytes, name: str, rows: Callable[[int], bool] | None = None
                ) -> dict[tuple[int, int], FalseBlank]:
    """(row, column) → :class:`FalseBlank` of the error values in sheet ``name`` of an .xls
    (those rows alone for which ``rows`` holds, when given)."""
    from xlrd import XL_CELL_ERROR

    sheet = xls_sheet(data, name)
    if sheet is None:
        return {}
    return {(r, c): FalseBlank(None, ERRORS.get(code, "#N/A"))
            for r in range(sheet.nrows) if rows is None or rows(r)
            for c, (kind, code) in enumerate(zip(sheet.row_types(r), sheet.row_values(r)))
            if kind == XL_CELL_ERROR}


def refuse_false_blanks(blanks: Blanks, grids, cover: tuple[str, list[Finding]], plans) -> None:
    """Refuse the return when an empty cell it would read is a formula saved without its value
    or an error value (``blanks``: :func:`xlsx_blanks` or :func:`xls_blanks`): read as empty it
    would count as nothing. ``plans``: the sheets' :class:`SheetPlan` (their ``blanks``, the
    empty cells they read); on the cover (``cover``: its sheet and findings), a field left empty
    (``cover_missing``) is looked for in its label's row and the row below."""
    name, findings = cover
    places = {name: [(f.row - 1 + below, None, f.column) for f in findings
                     if f.code == "cover_missing" and f.row for below in (0, 1)]}
    for plan in plans:
        places[plan.name] = [(r, c, plan.columns[j][0].header) for r, c, j in plan.blanks]
    places = {sheet: cells for sheet, cells in places.items() if cells}
    if not places:
        return
    for sheet, cells in blanks(list(places)).items():
        lead = grids.leads.get(sheet, 0)
        for r, c, header in places[sheet] if cells else ():
            at = [(r, c + lead)] if c is not None else sorted(k for k in cells if k[0] == r)
            for key in (k for k in at if k in cells):
                raise _refusal(sheet, r, header, xl_rowcol_to_cell(*key), cells[key])


def _refusal(sheet: str, row: int, header: str, cell: str, blank: FalseBlank) -> Refusal:
    formula, error = blank
    if error is not None:
        shown = f"(公式 ={formula})" if formula else ""
        return Refusal(
            "bad_value",
            f"单元格 {cell} 是 Excel 错误值 {error}{shown},按空白读取会当作0:请改正(公式引用的"
            "行列是否被删除、除数是否为0)后重新报送",
            f"cell {cell} holds the Excel error {error}"
            f"{f' (formula ={formula})' if formula else ''}; read as empty it would count as "
            "zero: correct it (a deleted row or column the formula refers to, a division by "
            "zero) and resend", sheet=sheet, row=row + 1, column=header)
    return Refusal(
        "uncomputed_formula",
        f"单元格 {cell} 是公式(={formula}),文件里却没有它的计算结果(多半由程序生成、未在 "
        "Excel/WPS 中保存过),按空白读取会当作0:请用 Excel 或 WPS 打开、保存后重新报送",
        f"cell {cell} holds a formula (={formula}) but the file holds no result for it (written "
        "by a program, never saved in Excel/WPS); read as empty it would count as zero: open "
        "and save the file in Excel or WPS and resend",
        sheet=sheet, row=row + 1, column=header)


_FULL_CALC = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


def refuse_zero_formulas(checked: Checked, grids, plans) -> None:
    """Refuse the return when a figure it reads is a formula saved with the result 0 in a
    workbook flagged to compute its formulas on opening (written by a program: the 0 is no
    result). A 合计 row beside its rows is left to the H1 rule."""
    formulas = {member: xml for member, xml in checked.with_formulas.items()
                if _FORMULA.search(xml)}
    if not formulas:
        return
    read = checked.member_reader()
    try:
        if not _FULL_CALC.search(read("xl/workbook.xml")):
            return
        members = sheet_members(read)
    except (KeyError, ValueError):
        return
    for plan in plans:
        xml = formulas.get(members.get(plan.name))
        zeros = _formula_cells(xml, zero=True) if xml is not None and plan.rows else None
        if not zeros:
            continue
        lead = grids.leads.get(plan.name, 0)
        for record, _ in plan.counted():
            r = record["source_row"] - 1
            for j, c in enumerate(plan.index):
                if (formula := zeros.get((r, c + lead))) is not None:
                    cell = xl_rowcol_to_cell(r, c + lead)
                    raise Refusal(
                        "uncomputed_formula",
                        f"单元格 {cell} 是公式(={formula}),文件里存的结果是0,但文件由程序生成、公式"
                        "未经计算(打开时才重算),这个0不可信:请用 Excel 或 WPS 打开、保存后重新报送"
                        "(确为0的,请直接填0)",
                        f"cell {cell} holds a formula (={formula}) saved with the result 0 by a "
                        "program that leaves the computing to the spreadsheet: the 0 is no result; "
                        "open and save the file in Excel or WPS and resend (or type 0 if it is 0)",
                        sheet=plan.name, row=r + 1, column=plan.columns[j][1])


# a formula cell saved without a result (<f>…</f></c>, <f t="shared" si="0"/><v/></c>), or an
# error value: a sheet holding neither has no false blank
_NO_RESULT = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
                        rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")


def refuse_blank_rows(checked: Checked, grids, plans) -> None:
    """Refuse the return when a row the reader passes over as empty holds, in a column it
    reads, a formula saved without its result or an error value. Such a row has no cell
    calamine reads, so it is no row of the table: a 表3 whose one row is formulas a program
    wrote (``=20+21`` …) or links to a deleted sheet (all ``#REF!``) loaded as no 临时救助 at
    all. The cells of the rows read are :func:`refuse_false_blanks`'s."""
    flagged = {**{member: xml for member, xml in checked.with_formulas.items()
                  if _FORMULA.search(xml) and _NO_RESULT.search(xml)}, **checked.with_errors}
    if not flagged or not plans:
        return
    try:
        members = sheet_members(checked.member_reader())
    except (KeyError, ValueError):
        return
    sheets = {plan.name: flagged.get(members.get(plan.name)) for plan in plans}
    _refuse_in_blank_rows({name: _in_sheet(xml) for name, xml in sheets.items()
                           if xml is not None}, grids, plans)


def refuse_xls_blank_rows(data: bytes, grids, plans) -> None:
    """:func:`refuse_blank_rows` of an .xls (BIFF): its error values (``#DIV/0!``, ``#REF!``,
    which calamine reads as empty) in a row the reader passes over as empty."""
    found = {}
    for plan in plans:
        grid = grids[plan.name]
        found[plan.name] = _xls_errors(data, plan.name, lambda r, grid=grid: r >= len(grid) or all(
            is_empty(cell) for cell in grid[r]))
    _refuse_in_blank_rows(found, grids, plans)


def _refuse_in_blank_rows(found: dict[str, dict[tuple[int, int], FalseBlank]], grids,
                          plans) -> None:
    """Refuse at the first of each sheet's false blanks (``found``: sheet → (row, column) →
    :class:`FalseBlank`) in a column the plan reads, in a row the reader passed over as empty
    below the header."""
    for plan in plans:
        cells = found.get(plan.name)
        if not cells:
            continue
        grid, lead = grids[plan.name], grids.leads.get(plan.name, 0)
        read = {c + lead: j for j, c in enumerate(plan.index)}
        # (a row calamine holds no value of lies beyond its grid, or is blank in it)
        hits = [(r, c, blank) for (r, c), blank in sorted(cells.items())
                if c in read and (r >= len(grid) or all(is_empty(cell) for cell in grid[r]))]
        for r, c, blank in hits:
            if r > plan.header_row:  # (a title's formula over the header is none)
                raise _refusal(plan.name, r, plan.columns[read[c]][0].header,
                               xl_rowcol_to_cell(r, c), blank)


# a workbook computed by hand (工具→重新计算→手动) and saved without computing: Excel's default
# for manual mode computes before saving (calcOnSave on); with it off, results may be stale
_MANUAL = re.compile(rb'<(?:\w+:)?calcPr\b(?=[^>]*\bcalcMode="manual")'
                     rb'(?=[^>]*\bcalcOnSave="(?:0|false)")')


def stale_formulas(checked: Checked, grids, plans) -> Finding | None:
    """A finding when figures the reader reads are formulas' results saved in a workbook set to
    compute by hand and not to compute before saving (``calcMode="manual"``,
    ``calcOnSave="0"``): a result may predate the last change of the cells it sums. Whether it
    does cannot be told from the file (nor would a refusal help: computing (F9) and saving
    leaves the setting as it is), so the statistician is told where, to check."""
    if not checked.with_formulas:
        return None
    read = checked.member_reader()
    try:
        if not _MANUAL.search(read("xl/workbook.xml")):
            return None
        members = sheet_members(read)
    except (KeyError, ValueError):
        return None
    found: list[tuple[str, int, str, str]] = []  # (sheet, row, column's header, cell)
    for plan in plans:
        xml = checked.with_formulas.get(members.get(plan.name))
        cells = _formula_cells(xml) if xml is not None and plan.rows else None
        if not cells:
            continue
        lead = grids.leads.get(plan.name, 0)
        found += [(plan.name, record["source_row"], plan.columns[j][1],
                   xl_rowcol_to_cell(record["source_row"] - 1, c + lead))
                  for record, _ in plan.counted() for j, c in enumerate(plan.index)
                  if (record["source_row"] - 1, c + lead) in cells]
    if not found:
        return None
    sheet, row, column, cell = found[0]
    more_zh = f"等{len(found)}个" if len(found) > 1 else ""
    more_en = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return Finding(
        "stale_formulas",
        f"{column}(单元格 {cell}){more_zh}读取的数是公式的结果,而工作簿设为手动计算、保存前不重算:"
        "公式的结果可能不是最新的,请核对(在 Excel 或 WPS 中按 F9 重算后保存,或改为自动计算)",
        f"{column} (cell {cell}){more_en}: the figures read are formulas' results in a workbook "
        "set to compute by hand and saved without computing; a result may be out of date: check "
        "them (compute with F9 and save, or set computing to automatic)",
        sheet=sheet, row=row, column=column)


def _formula_cells(xml: bytes, zero: bool = False) -> dict[tuple[int, int], str]:
    """(row, column) → formula text of the sheet's formula cells (``zero``: only those saved
    with the result 0)."""
    found = {}
    for attributes, body in CELL.findall(xml):
        if not body or not _FORMULA.search(body):
            continue
        if zero:
            value, kind = VALUE.search(body), TYPE.search(attributes)
            if value is None or (kind and kind[1] != b"n") or not _is_zero(value[1]):
                continue
        if (ref := REF.search(attributes)) is not None:
            formula = _FORMULA_TEXT.search(body)
            found[xl_cell_to_rowcol(ref[1].decode())] = (
                html.unescape(formula[1].decode("utf-8", "replace")) if formula else "")
    return found


def _is_zero(value: bytes) -> bool:
    try:
        return float(value) == 0
    except ValueError:
        return False
