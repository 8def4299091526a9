"""Read one township return (xlsx, xls or a group of per-sheet CSVs) into canonical rows.

Pure parsing, no database: headers are recognised through the contract's synonyms
(:mod:`civstat.ingest.header`), units converted to the canonical ones, 合计 rows flagged,
footers dropped. Anything that would make the return load wrongly raises :class:`Refusal`
naming sheet, row and column.

A return is read in two steps: :func:`plan_return` (cells, cover, header and the class of every
row) and :func:`finish_returns`, which types the numeric cells of many returns over whole
columns in one batch and fills each return's rows; :func:`read_return` is both, for one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from civstat.contract import Sheet, load_contract
from civstat.ingest.categories_across import categories_across
from civstat.ingest.cell_batch import CellBatch
from civstat.ingest.columns import SheetPlan, add_sheets, fill_sheets, type_sheets
from civstat.ingest.cover import parse_cover, recount_1904
from civstat.ingest.formats import read_shown_units, read_xls_shown_units
from civstat.ingest.formulas import (
    refuse_blank_rows,
    refuse_false_blanks,
    refuse_xls_blank_rows,
    refuse_zero_formulas,
    stale_formulas,
    xls_blanks,
    xlsx_blanks,
)
from civstat.ingest.header import (  # noqa: F401 — the header scan's memo, for tests and tools
    _HEADER_CACHE,
    HEADER_SCAN_ROWS,
    Layout,
    Spans,
    _blank,
    _locate_header,
    _scan_header,
    header_spans,
    layout,
)
from civstat.ingest.header_subrows import groups_of, part_under_group, unread_header
from civstat.ingest.hidden import refuse_hidden, xls_hidden, xlsx_hidden
from civstat.ingest.limits import Checked
from civstat.ingest.merges import spread_merges
from civstat.ingest.part_periods import part_rows
from civstat.ingest.period_titles import PeriodTitles
from civstat.ingest.qualifiers import LineUnit, UnitsLine, cover_units
from civstat.ingest.refusal import Finding, Refusal
from civstat.ingest.row_kinds import PART_PERIOD, PART_ROW, row_kinds
from civstat.ingest.sheet_families import family_of, sheets_by_family
from civstat.ingest.sheet_titles import TITLED_KINDS, lone_texts, title_refusal
from civstat.ingest.stored_figures import (
    read_stored,
    xls_1904,
    xls_stored,
    xlsx_1904,
    xlsx_stored,
)
from civstat.ingest.workbook import (
    WORKBOOK_SUFFIXES,
    file_sha256,
    grids_csv,
    grids_excel,
)
from civstat.periods import QUARTER_FOLDER


@dataclass
class SheetRows:
    family: str
    sheet_name: str
    rows: list[dict]


@dataclass
class ParsedReturn:
    source: Path                 # the workbook, or the CSV group's first file
    files: list[Path]
    file_format: str
    sha256: str
    cover: dict
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # warnings that do not refuse
    # the cover's titles over its labels and each table's over its header: (sheet, row, column,
    # text), 0-based in the sheet (whose township a title names is checked: identity.py)
    titles: list[tuple[str, int, int, str]] = field(default_factory=list)


# -- parsing ---------------------------------------------------------------------------------
def _plan_sheet(sheet: Sheet, name: str, grid: list, township: str | None = None,
                cover: tuple[UnitsLine, ...] = (), spans: Spans | None = None,
                period: tuple[int, int] | None = None, lead: int = 0
                ) -> tuple[SheetPlan, Refusal | None]:
    """Header and row classification of one sheet; a row that must be refused ends the plan
    (its refusal is returned, to be raised after the cells of the rows before it are typed;
    ``township``: the name on the cover, which the sheet's title may repeat; ``cover``: the
    units the cover states for every table; ``spans``: the merges of its header rows;
    ``period``: the return's (year, quarter), which a sub-title of a year alone is told by;
    ``lead``: the empty columns left of the grid, for a cell's address)."""
    found = layout(sheet.family, grid, township, cover, spans)
    if found.header_rows is None or found.missing:
        if (across := categories_across(sheet, name, grid)) is not None:
            raise across  # 项目 | 城市低保 | 农村低保: the table the other way round
        col = found.missing
        raise Refusal("missing_column", f"缺少必填列 {col or '(表头无法识别)'}",
                      f"required column missing: {col or '(header not recognised)'}",
                      sheet=name, column=col)
    if found.problem is not None:
        problem = found.problem
        raise Refusal(problem.code, problem.zh, problem.en, sheet=problem.sheet or name,
                      row=problem.row, column=problem.column)
    titles = (lone_texts(grid, found.header_rows[-1]) if sheet.row_kind in TITLED_KINDS
              else [])  # (a list of events or institutions may name months and places in its
    # title: 2024年6月暴雨洪涝灾害情况, 白庙乡河段溃堤灾情)
    if (stale := title_refusal(sheet, name, titles, period, lead)) is not None:
        raise stale  # 2024年1-6月 over a third quarter's sheet (sheet_titles.py)
    plan = SheetPlan(sheet, name, found.columns, findings=[
        *_line_unit_findings(name, found.line_units, found.header_rows[-1]),
        *(_form_unit_finding(name, header, unit, found.header_rows[-1])
          for header, unit in found.form_units),
        *(_derived_finding(name, col, parts, found.header_rows[-1])
          for col, parts in found.derived)], index=found.index, derived=found.derived,
        header_row=found.header_rows[-1], period=period,
        titles=tuple((r, c + lead, text) for r, c, text in titles))
    kinds = row_kinds(sheet)
    index, label_col = found.index, found.label_col
    width = max(index) + 1
    take = itemgetter(*index) if len(index) > 1 else lambda row: (row[index[0]],)
    category = sheet.row_kind == "category"
    parts: list[tuple[int, str]] = []  # rows of a quarter or month alone (本季度)
    titles = PeriodTitles(plan, parts, label_col, kinds.part_rows, category,  # 本期 | … | 上年同期
                          period)
    head = grid[found.header_rows[-2 if titles.header(grid, found.header_rows) else -1]]
    label = head[label_col] if label_col is not None and label_col < len(head) else None
    label = label if isinstance(label, str) and label else None  # 项目: the rows' label column
    titles.column = sheet.label.header if sheet.label else label
    for r in range(found.header_rows[-1] + 1, len(grid)):
        if r == found.units_row:
            continue  # 单位 | 户 | 人 | 万元: the columns' units (found.columns), no data
        row = grid[r]
        first = row[0] if row and not _blank(row[0]) else next(
            (c for c in row if not _blank(c)), None)
        if first is None or (first.__class__ is str and (not first.isascii() or (
                len(first) == 4 and first.isdigit())) and titles.row(r, row, first)):
            continue  # nothing, or a period's sub-title (上年同期 alone, 2023年, 2024)
        label = row[label_col] if label_col is not None and label_col < len(row) else None
        kind = kinds[first, label] if first.__class__ is str and (
            label is None or label.__class__ is str) else kinds.classify(first, label)
        if kind is None:
            continue  # a footer, or a 合计 row of a one-row sheet
        is_total, code = kind
        if not category or code is not None:  # a row under a sub-title of another period
            under = titles.under(r)
            if under is True:
                continue
            if under is not False:
                return plan, under
        if category:
            if code is PART_ROW:
                plan.findings.append(Finding(
                    "part_row", f"第{r + 1}行 {str(label).strip()} 是上一行的其中数,不是报表中的类别,未读取",
                    f"row {r + 1} ({str(label).strip()}) is a part of the row above, no category of the "
                    "form: not read", sheet=name, row=r + 1, column=sheet.label.header if sheet.label else None))
                continue
            if code is None:
                return plan, _unknown_category(sheet, name, r, label)
            record = {"source_row": r + 1, "category": code, "is_total": is_total}
        elif code is PART_PERIOD:
            parts.append((r, label if label is not None else first))
            continue
        else:  # a one-row sheet's table has no is_total: it tells its 合计 row (columns._fill)
            record = {"source_row": r + 1, "is_total": is_total}
        cells = take(row) if len(row) >= width else tuple(row[i] if i < len(row) else None
                                                          for i in index)
        if not plan.rows and _column_numbers(cells):
            plan.findings.append(Finding(
                "column_numbers", f"第{r + 1}行是各列的编号(1、2、3…),不是数据,未读取",
                f"row {r + 1} numbers the columns (1, 2, 3 …): no data, not read",
                sheet=name, row=r + 1))
            continue
        if None in cells:
            plan.blanks += [(r, index[j], j) for j, c in enumerate(cells) if c is None]
        plan.rows.append((record, cells, 0))
    if found.unread and plan.rows:
        _unread_columns(plan, grid, found)
    return plan, titles.finish() or part_rows(plan, parts, titles.column)


def _unknown_category(sheet: Sheet, name: str, r: int, label) -> Refusal:
    """The refusal of a row whose label is no category of the sheet: when it names another
    table of the form (表2 特困人员救助供养 under 表1's rows), that table was put on this sheet."""
    column = sheet.label.header if sheet.label else None
    other = family_of(label) if isinstance(label, str) else None
    if other is not None and other not in ("cover", sheet.family):
        title = load_contract().sheet(other).sheet
        return Refusal("stacked_table",
                       f"第{r + 1}行起是另一张表({title}):每张表请放在单独的工作表中,以表名命名",
                       f"row {r + 1} starts another table ({title}): put each table on a sheet "
                       "of its own, named for it", sheet=name, row=r + 1, column=column)
    if label is None or (isinstance(label, str) and not label.strip()):
        # (an error value, #REF! after a deleted row, is read as an empty cell too)
        return Refusal(
            "unknown_category",
            "类别单元格为空(或是 #REF!、#N/A 等错误值),无法确定这一行的数是哪一类:"
            "请填写类别(或删去这一行)后重新报送",
            "the row has no category (its cell is empty or holds an error value such as "
            "#REF!): which category its figures are cannot be told; fill in the category (or "
            "delete the row) and resend", sheet=name, row=r + 1, column=column)
    return Refusal("unknown_category", f"无法识别的类别 {label!r}", f"unknown category {label!r}",
                   sheet=name, row=r + 1, column=column)


def _unread_columns(plan: SheetPlan, grid: list, found: Layout) -> None:
    """A finding for each column the form has not that holds figures in the rows read (其中:残疾人
    added to 表1): its figures are in no table, and the statistician should know."""
    rows = [grid[record["source_row"] - 1] for record, _, _ in plan.rows]
    header_row = found.header_rows[-1]
    upper = grid[found.header_rows[0]] if len(found.header_rows) == 2 else None
    groups = groups_of(grid, found.header_rows, found.spans) if upper is not None else {}
    read = {groups.get(j) for j in found.index} - {"", None}  # the groups a column is read under
    for i in found.unread:
        if any(i < len(row) and _is_figure(row[i]) for row in rows):
            header = unread_header(grid, found.header_rows, i, found.spans)
            if groups.get(i) in read and (word := part_under_group(upper, grid[header_row], i)):
                # 救助户次 over 本季度 | 1-9月累计: the year's column beside it is read, the
                # quarter's passed over
                plan.findings.append(Finding(
                    "part_column", f"{header} 是{word}的数,本表读同一表头下1月至本期累计的列,该列的数未读取",
                    f"{header} holds {word} alone: the table reads the column of the year so far "
                    "under the same header, and this column's figures are not read",
                    sheet=plan.name, row=header_row + 1, column=header))
                continue
            plan.findings.append(Finding(
                "unread_column", f"{header} 不是报表制度中本表的指标,该列的数未读取",
                f"{header} is no indicator of this table in the return's form: its figures are "
                "not read", sheet=plan.name, row=header_row + 1, column=header))


_FIGURE = re.compile(r"\s*[-+]?\d[\d,.]*\s*")


def _is_figure(cell) -> bool:
    return cell.__class__ is str and _FIGURE.fullmatch(cell) is not None


def _column_numbers(cells: tuple) -> bool:
    """The cells read are 1, 2, 3 … in order (at least three): the row under a header that
    numbers its columns, as statistical forms do."""
    return len(cells) >= 3 and all(c == str(i) for i, c in enumerate(cells, start=1))


def _line_unit_findings(name: str, lines: list[LineUnit], header_row: int) -> list[Finding]:
    """The findings of the columns read in a units line's unit, one each; those whose header
    states another unit than the line (资金(元) under the cover's 金额单位:万元: every money column
    of the return) one per sheet and line, naming the columns."""
    out: list = []  # a finding, or the key of the overruled columns', in its first's place
    overruled: dict[tuple, list[str]] = {}
    for line in lines:
        if not line.overruled:
            out.append(_line_unit_finding(name, line, header_row))
        elif (key := (line.line, line.unit, line.default)) in overruled:
            overruled[key].append(line.header)
        else:
            overruled[key] = [line.header]
            out.append(key)
    return [_overruled_finding(name, overruled[item], *item, header_row)
            if isinstance(item, tuple) else item for item in out]


_NAMED = 3  # the columns an overruled line's finding names; more are counted


def _overruled_finding(name: str, headers: list[str], line: UnitsLine, unit: str,
                       default: str | None, header_row: int) -> Finding:
    """Columns whose headers state ``unit``, a units line ``default``: read as the headers
    state, one finding naming them (the first three, and how many), at the first."""
    zh, en = line.where()
    n = len(headers)
    cols_zh = "、".join(headers[:_NAMED]) + (f"等{n}列" if n > _NAMED else "")
    cols_en = ", ".join(headers[:_NAMED]) + (f" and {n - _NAMED} more" if n > _NAMED else "")
    if n == 1:
        which_zh, which_en = "该列", "the column's"
    else:
        which_zh, which_en = f"这{n}列", f"these {n} columns'"
    return Finding("unit_line_overruled",
                   f"{cols_zh} 表头注明{unit},与{zh}注明的{default}不同,按表头的{unit}读取"
                   f"(请核对{which_zh}的单位)",
                   f"{cols_en}: the header{'s' if n > 1 else ''} state{'' if n > 1 else 's'} "
                   f"{unit}, {en} states {default}: read in the header's {unit} (check "
                   f"{which_en} unit)", sheet=name, row=header_row + 1, column=headers[0])


def _line_unit_finding(name: str, line: LineUnit, header_row: int) -> Finding:
    """A column read in the unit a units line states (its header states none): named at the
    line, or at the header when the line is on the cover."""
    zh, en = line.line.where()
    return Finding("unit_from_line",
                   f"{line.header} 表头未注明单位,按{zh}注明的{line.unit}读取"
                   f"(未注明时按{line.default})",
                   f"{line.header}: no unit in the header; read in {line.unit} as {en} "
                   f"states (else {line.default})", sheet=name,
                   row=(header_row if line.line.sheet else line.line.row) + 1, column=line.header)


def _derived_finding(name: str, col, parts: tuple, row: int) -> Finding:
    """A total the sheet does not give, computed from its parts (期末供养人数 = 集中 + 分散)."""
    summed = " + ".join(p.header for p in parts)
    return Finding("derived_column", f"{col.header} 未单列,按 {summed} 计算",
                   f"{col.header} is not given: computed as {summed}", sheet=name, row=row + 1,
                   column=col.header)


def _form_unit_finding(name: str, header: str, unit: str, row: int) -> Finding:
    """A column read in the unit the form states (直接经济损失: 万元), its header stating none."""
    return Finding("unit_from_form",
                   f"{header} 表头未注明单位,按报表制度的 {unit} 读取(如填的是元,请在表头注明单位)",
                   f"{header}: no unit in the header; read in the form's {unit} (if the figures "
                   "are in 元, state it in the header)", sheet=name, row=row + 1, column=header)



def _parse_sheet(sheet: Sheet, name: str, grid: list) -> list[dict]:
    """One sheet's rows (tests and tools; :func:`read_return` types a return's sheets at once)."""
    plan, refusal = _plan_sheet(sheet, name, grid)
    rows = type_sheets([plan])[0][sheet.family]
    if refusal is not None:
        raise refusal
    return rows


def _parse_cover(name: str, grid: list[list]) -> tuple[dict, list[Finding]]:
    """The cover's fields and its findings (layouts and rules: :mod:`civstat.ingest.cover`)."""
    return parse_cover(name, grid)


def read_return(source: Path | list[Path], sha256: str | None = None,
                content: Checked | None = None) -> ParsedReturn:
    """Parse one return: a workbook path, or the list of CSV files of one workbook
    (``sha256``: its :func:`file_sha256`, when the caller has already hashed it; ``content``:
    a workbook's bytes, when the caller has read and checked them: :func:`check_files`)."""
    result = finish_returns([plan_return(source, sha256, content)])[0]
    if isinstance(result, BaseException):
        raise result
    return result


@dataclass
class PlannedReturn:
    """A return read up to typing: its cover, and its sheets' rows classified but not typed."""

    parsed: ParsedReturn
    plans: list[SheetPlan]
    refusal: Refusal | None  # a row the planning refused: raised after the cells before it


def plan_return(source: Path | list[Path], sha256: str | None = None,
                content: Checked | None = None) -> PlannedReturn:
    """A return up to typing (:func:`read_return` without the typing of its cells)."""
    files = sorted(source) if isinstance(source, list) else [Path(source)]
    first = files[0]
    if first.suffix.lower() == ".csv":
        grids, fmt = grids_csv(files), "csv"
    elif first.suffix.lower() in WORKBOOK_SUFFIXES:
        grids, fmt = (grids_excel(first, content and content.data),
                      first.suffix.lower().lstrip("."))
    else:
        kind = load_contract().other_spreadsheets.get(first.suffix.lower())
        if kind is not None:
            raise Refusal("not_a_workbook", f"{kind}({first.suffix})格式无法读取:请用 WPS 或 Excel "
                          "另存为 .xlsx 后重新报送",
                          f"a {first.suffix} file cannot be read: save it as .xlsx in WPS or Excel "
                          "and resend")
        raise Refusal("not_a_workbook", f"不是工作簿文件(扩展名 {first.suffix or '无'})",
                      f"not a workbook (extension {first.suffix or 'none'})")
    by_family, sheet_findings = sheets_by_family(grids)
    if "cover" not in by_family:
        raise Refusal("no_cover", "找不到封面(封面工作表缺失或无法识别)",
                      "no recognisable cover sheet (封面)")
    cover, cover_findings = _parse_cover(by_family["cover"], grids[by_family["cover"]])
    parsed = ParsedReturn(source=first, files=files, file_format=fmt, sha256=sha256 or file_sha256(files),
                          cover=cover, findings=[*sheet_findings, *cover_findings])
    try:
        return _plan_tables(parsed, grids, by_family, cover_findings, content)
    except Refusal as exc:  # refused after its cover was read: the quarantine says whose it is
        raise exc.with_identity(cover)


def _plan_tables(parsed: ParsedReturn, grids, by_family: dict[str, str],
                 cover_findings: list[Finding], content: Checked | None) -> PlannedReturn:
    """:func:`plan_return` past the cover: every table's plan, and the checks on what the
    workbook's XML or BIFF records say beyond calamine's cells."""
    contract, cover, first, fmt = load_contract(), parsed.cover, parsed.source, parsed.file_format
    dated = cover.pop("dated", None)  # counts in cells formatted as a date (a 1904 workbook's: below)
    lead = grids.leads.get(by_family["cover"], 0)
    cover_titles = [(by_family["cover"], r, c + lead, text) for r, c, text in cover.pop("titles", ())]
    plans, refusal = _plan_sheets(contract.sheets, by_family, grids, cover.get("unit_name"),
                                  cover_units(by_family["cover"], grids[by_family["cover"]]),
                                  _return_period(cover.get("period"), first))
    spread_merges(plans, grids.merges, grids.leads)
    parsed.titles = [*cover_titles,
                     *((plan.name, r, c, text) for plan in plans for r, c, text in plan.titles)]
    blanks = any(plan.blanks for plan in plans) or any(f.code == "cover_missing"
                                                       for f in cover_findings)
    if fmt in ("xlsx", "xlsm"):  # what the zip's XML says beyond calamine's cells
        checked = content or Checked.of(first.read_bytes())
        read_shown_units(checked, grids, plans)
        refuse_hidden(xlsx_hidden(checked), grids, plans)
        read_stored(xlsx_stored(checked), grids, plans, xlsx_1904(checked))  # 0 formatted as a date
        if dated and xlsx_1904(checked)():
            recount_1904(by_family["cover"], dated, cover, parsed.findings)
        refuse_blank_rows(checked, grids, plans)
        refuse_zero_formulas(checked, grids, plans)
        if (stale := stale_formulas(checked, grids, plans)) is not None:
            parsed.findings.append(stale)
        if blanks:
            refuse_false_blanks(xlsx_blanks(checked), grids, (by_family["cover"], cover_findings),
                                plans)
    elif fmt == "xls":  # hidden rows, and error values calamine reads as empty (BIFF records)
        data = content.data if content else first.read_bytes()
        read_xls_shown_units(data, grids, plans)
        refuse_hidden(xls_hidden(data), grids, plans)
        read_stored(xls_stored(data), grids, plans, xls_1904(data))
        if dated and xls_1904(data)():
            recount_1904(by_family["cover"], dated, cover, parsed.findings)
        refuse_xls_blank_rows(data, grids, plans)
        if blanks:
            refuse_false_blanks(xls_blanks(data), grids, (by_family["cover"], cover_findings),
                                plans)
    return PlannedReturn(parsed, plans, refusal)


def finish_returns(planned: list[PlannedReturn]) -> list[ParsedReturn | BaseException]:
    """Type the cells of all the planned returns in one batch (whole columns), then fill each
    return's rows: its :class:`ParsedReturn`, or the exception that ends it (a
    :class:`Refusal`: a bad cell, else the row its planning refused)."""
    batch = CellBatch()
    try:
        for item in planned:
            add_sheets(batch, item.plans)
        typed = batch.typed()
    except Exception:  # one return's failure is its own: type them one by one
        if len(planned) == 1:
            raise
        return [_finish_alone(item) for item in planned]
    values, bad, noted = typed.values, set(typed.bad), set(typed.noted)
    results: list[ParsedReturn | BaseException] = []
    for item in planned:
        try:
            rows, findings = fill_sheets(item.plans, values, bad, noted)
            if item.refusal is not None:  # a bad cell before the refused row is named first
                raise item.refusal
        except Exception as exc:  # noqa: BLE001 — returned, raised by the caller
            results.append(exc)
            continue
        parsed = item.parsed
        for plan in item.plans:
            parsed.sheets[plan.sheet.family] = SheetRows(plan.sheet.family, plan.name,
                                                         rows[plan.sheet.family])
        parsed.findings.extend(findings)
        results.append(parsed)
    return results


def _finish_alone(item: PlannedReturn) -> ParsedReturn | BaseException:
    try:
        return finish_returns([item])[0]
    except Exception as exc:  # noqa: BLE001 — returned, raised by the caller
        return exc


def _plan_sheets(sheets, by_family: dict[str, str], grids: dict, township: str | None = None,
                 cover: tuple[UnitsLine, ...] = (), period: tuple[int, int] | None = None
                 ) -> tuple[list, Refusal | None]:
    """The plans of a return's sheets in contract order, up to the first refusal (returned;
    ``township``, ``cover``, ``period``: the cover's name and units, the return's period,
    :func:`_plan_sheet`)."""
    plans: list[SheetPlan] = []
    for sheet in sheets:
        name = by_family.get(sheet.family)
        try:
            if name is None:
                if sheet.required:
                    raise Refusal("missing_sheet", f"缺少工作表 {sheet.sheet}",
                                  f"missing sheet {sheet.sheet}", sheet=sheet.sheet)
                continue
            spans = header_spans(grids.merges.get(name), grids.leads.get(name, 0))
            plan, refusal = _plan_sheet(sheet, name, grids[name], township, cover, spans, period,
                                        grids.leads.get(name, 0))
        except Refusal as exc:
            return plans, exc
        plans.append(plan)
        if refusal is not None:
            return plans, refusal
    return plans, None


def _return_period(stated, source: Path) -> tuple[int, int] | None:
    """The return's (year, quarter) as the ingest takes it (``ingest._check_period``): the
    period its cover states (a :class:`StatedPeriod`), else its folder's (2024Q3); None when
    neither says one (a return read alone, or a cover stating no quarter's end: refused later)."""
    if stated is not None:
        read = stated.read
        return (read.year, read.quarter) if read.quarter and read.cumulative else None
    m = QUARTER_FOLDER.match(source.parent.name)
    return (int(m[1]), int(m[2])) if m else None


def fill_date_time(cover: dict) -> dt.datetime | None:
    d = cover.get("fill_date")
    return dt.datetime.combine(d, dt.time()) if isinstance(d, dt.date) else None
