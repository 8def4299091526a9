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
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

from civstat.contract import Sheet, load_contract
from civstat.ingest.columns import CellBatch, SheetPlan, add_sheets, fill_sheets, type_sheets
from civstat.ingest.cover import parse_cover
from civstat.ingest.formats import read_shown_units
from civstat.ingest.formulas import (
    refuse_false_blanks,
    refuse_zero_formulas,
    xls_blanks,
    xlsx_blanks,
)
from civstat.ingest.header import (  # noqa: F401 — the header scan's memo, for tests and tools
    _HEADER_CACHE,
    HEADER_SCAN_ROWS,
    _blank,
    _LayoutCells,
    _locate_header,
    _scan_header,
    layout,
    unread_header,
)
from civstat.ingest.hidden import refuse_hidden, xls_hidden, xlsx_hidden
from civstat.ingest.limits import Checked
from civstat.ingest.merges import spread_merges
from civstat.ingest.normalize import is_empty, norm, sheet_key
from civstat.ingest.qualifiers import LineUnit, month_span, part_word, period_word
from civstat.ingest.refusal import Finding, Refusal
from civstat.ingest.workbook import (
    WORKBOOK_SUFFIXES,
    Grids,
    file_sha256,
    grids_csv,
    grids_excel,
)


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


# -- contract lookups ------------------------------------------------------------------------
@cache
def _sheet_index() -> dict[str, str]:
    contract = load_contract()
    index = {sheet_key(n): "cover" for n in (contract.cover_sheet, *contract.cover_sheet_synonyms)}
    for sheet in contract.sheets:
        for name in (sheet.sheet, *sheet.sheet_synonyms):
            index.setdefault(sheet_key(name), sheet.family)
    return index


@lru_cache(maxsize=4096)
def _family_of(sheet_name: str) -> str | None:
    """The family (or ``cover``) a sheet name stands for; memoised: names repeat across returns."""
    return _sheet_index().get(sheet_key(sheet_name))


@cache
def _label_sets() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """合计 labels, footer words, and the first cells of a row numbering the columns (甲, 栏次)."""
    contract = load_contract()
    return (frozenset(norm(t) for t in contract.total_labels),
            tuple(norm(p) for p in contract.footer_prefixes),
            frozenset(norm(t) for t in contract.column_number_labels))


@cache
def _total_words() -> tuple[str, ...]:
    """The 合计 labels of two characters (合计, 小计, 总计, 共计): a label starting or ending with
    one (公办小计, 小计(公办)) totals a group of institutions or events."""
    return tuple(t for t in _label_sets()[0] if len(t) == 2)


_CATEGORY_INDEX: dict[int, tuple[Sheet, dict[str, str]]] = {}


_LABEL_NUMBER = re.compile(r"^(?:\d{1,2}[.、]?|[一二三四五六七八九十]{1,3}、|\((?:\d{1,2}|[一二三四五六七八九十]{1,3})\))")


def _category(sheet: Sheet, label: str) -> str | None:
    """The code of the first category whose label or synonym is ``label`` (normalised), or is
    once the number a clerk put before it is taken off (一、城市低保, (一)城市低保, 1.农村低保,
    ①城市低保)."""
    entry = _CATEGORY_INDEX.get(id(sheet))
    if entry is None or entry[0] is not sheet:
        index: dict[str, str] = {}
        for cat in sheet.categories:
            for name in (cat.label, *cat.synonyms):
                index.setdefault(norm(name), cat.code)
        entry = _CATEGORY_INDEX[id(sheet)] = (sheet, index)
    key = norm(label)
    code = entry[1].get(key)
    return code if code is not None else entry[1].get(_LABEL_NUMBER.sub("", key, count=1))


def _sheets_by_family(grids: Grids) -> tuple[dict[str, str], list[Finding]]:
    """Family (or ``cover``) → the sheet holding it. Of two sheets of one family a visible one
    is read before a hidden one (an old copy hidden away: a finding names it); two both visible,
    or both hidden, are refused — which one holds this quarter's figures cannot be told."""
    named: dict[str, list[str]] = {}
    for name in grids:
        family = _family_of(name)
        if family:
            named.setdefault(family, []).append(name)
    hidden = grids.hidden() if any(len(n) > 1 for n in named.values()) else frozenset()
    by_family: dict[str, str] = {}
    findings: list[Finding] = []
    for family, names in named.items():
        shown = [n for n in names if n not in hidden] or names
        title = load_contract().cover_sheet if family == "cover" else load_contract().sheet(family).sheet
        if len(shown) > 1:
            raise Refusal("duplicate_sheet",
                          f"工作表 {'、'.join(shown)} 都是 {title},无法确定读取哪一张(请删去多余的)",
                          f"sheets {', '.join(shown)} are all {title}: which one to read cannot be "
                          "told (delete the extra ones)", sheet=shown[1])
        by_family[family] = shown[0]
        findings += [Finding("hidden_sheet", f"隐藏的工作表 {n} 也是 {title},未读取(读取的是 {shown[0]})",
                             f"hidden sheet {n} is {title} too; not read ({shown[0]} is)", sheet=n)
                     for n in names if n != shown[0]]
    return by_family, findings


# -- parsing ---------------------------------------------------------------------------------
def _plan_sheet(sheet: Sheet, name: str, grid: list, township: str | None = None
                ) -> tuple[SheetPlan, Refusal | None]:
    """Header and row classification of one sheet; a row that must be refused ends the plan
    (its refusal is returned, to be raised after the cells of the rows before it are typed;
    ``township``: the name on the cover, which the sheet's title may repeat)."""
    found = layout(sheet.family, grid, township)
    if found.header_rows is None or found.missing:
        col = found.missing
        raise Refusal("missing_column", f"缺少必填列 {col or '(表头无法识别)'}",
                      f"required column missing: {col or '(header not recognised)'}",
                      sheet=name, column=col)
    if found.problem is not None:
        problem = found.problem
        raise Refusal(problem.code, problem.zh, problem.en, sheet=name, row=problem.row,
                      column=problem.column)
    plan = SheetPlan(sheet, name, found.columns, findings=[
        *(_line_unit_finding(name, line) for line in found.line_units),
        *(_form_unit_finding(name, header, unit, found.header_rows[-1])
          for header, unit in found.form_units)], index=found.index)
    kinds = _row_kinds(sheet)
    index, label_col = found.index, found.label_col
    width = max(index) + 1
    take = itemgetter(*index) if len(index) > 1 else lambda row: (row[index[0]],)
    category = sheet.row_kind == "category"
    parts: list[tuple[int, str]] = []  # rows of a quarter or month alone (本季度)
    for r in range(found.header_rows[-1] + 1, len(grid)):
        if r == found.units_row:
            continue  # 单位 | 户 | 人 | 万元: the columns' units (found.columns), no data
        row = grid[r]
        first = row[0] if row and not _blank(row[0]) else next(
            (c for c in row if not _blank(c)), None)
        if first is None:
            continue
        label = row[label_col] if label_col is not None and label_col < len(row) else None
        kind = kinds[first, label] if first.__class__ is str and (
            label is None or label.__class__ is str) else kinds.classify(first, label)
        if kind is None:
            continue  # a footer, or a 合计 row of a one-row sheet
        is_total, code = kind
        if category:
            if code is None:
                return plan, Refusal("unknown_category", f"无法识别的类别 {label!r}",
                                     f"unknown category {label!r}", sheet=name, row=r + 1,
                                     column=sheet.label.header if sheet.label else None)
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
    head = grid[found.header_rows[-1]]
    label = head[label_col] if label_col is not None and label_col < len(head) else None
    if found.unread and plan.rows:
        _unread_columns(plan, grid, found.unread, found.header_rows)
    return plan, _part_rows(plan, parts, label if isinstance(label, str) and label else None)


def _unread_columns(plan: SheetPlan, grid: list, unread: tuple[int, ...],
                    header_rows: tuple[int, ...]) -> None:
    """A finding for each column the form has not that holds figures in the rows read (其中:残疾人
    added to 表1): its figures are in no table, and the statistician should know."""
    rows = [grid[record["source_row"] - 1] for record, _, _ in plan.rows]
    header_row = header_rows[-1]
    for i in unread:
        if any(i < len(row) and _is_figure(row[i]) for row in rows):
            header = unread_header(grid, header_rows, i)
            plan.findings.append(Finding(
                "unread_column", f"{header} 不是报表制度中本表的指标,该列的数未读取",
                f"{header} is no indicator of this table in the return's form: its figures are "
                "not read", sheet=plan.name, row=header_row + 1, column=header))


_FIGURE = re.compile(r"\s*[-+]?\d[\d,.]*\s*")


def _is_figure(cell) -> bool:
    return cell.__class__ is str and _FIGURE.fullmatch(cell) is not None


def _part_rows(plan: SheetPlan, parts: list[tuple[int, str]], label: str | None
               ) -> Refusal | None:
    """A one-row sheet's rows labelled with a quarter or a month alone (本季度, 7-9月) under
    columns that take the year's total so far: not read, with a finding, beside a row that is
    (1-9月累计); alone, or beside rows left empty, the sheet's figures would fall short, and the
    return is refused
    (``label``: the header of the rows' label column, 项目, to name)."""
    if not parts:
        return None
    _total_of_parts(plan, parts)
    if all(is_empty(c) for _, cells, _ in plan.rows for c in cells):  # 1-9月累计 left empty
        r, text = parts[0]
        return Refusal("not_cumulative",
                       f"第{r + 1}行是{text}的数:本表应填1月至本期的累计数,读作累计会少算:请改填累计数",
                       f"row {r + 1} holds the figures of {text} alone; the sheet takes the year's "
                       "totals so far, which they would fall short of: fill in the totals so far",
                       sheet=plan.name, row=r + 1, column=label)
    plan.findings += [Finding("part_period_row", f"第{r + 1}行是{text}的数,不是累计数,未读取",
                              f"row {r + 1} holds the figures of {text} alone, not the year's so "
                              "far: not read", sheet=plan.name, row=r + 1, column=label)
                      for r, text in sorted(parts)]
    return None


def _total_of_parts(plan: SheetPlan, parts: list[tuple[int, str]]) -> None:
    """A 合计 row under rows of a quarter or month alone, and no other row of figures above it
    (7月 | 8月 | 9月 | 合计): it adds up those parts, so it is the year's so far only when they
    run from January on without a gap (1月 … 9月; 1-6月 | 7-9月); else it is one more part of
    the year, moved from the rows read to ``parts`` (first, so a refusal names it)."""
    for at, (record, cells, _) in enumerate(plan.rows):
        if not record["is_total"]:
            continue
        row = record["source_row"] - 1
        above = [text for r, text in parts if r < row]
        if not above or _from_january(above) or any(
                other["source_row"] - 1 < row and not all(is_empty(c) for c in figures)
                for other, figures, _ in plan.rows if other is not record):
            continue
        del plan.rows[at]
        plan.blanks = [blank for blank in plan.blanks if blank[0] != row]
        parts.insert(0, (row, f"{'、'.join(above)}合计"))
        return


def _from_january(labels: list[str]) -> bool:
    """Rows labelled with months alone (7-9月, 九月) that together run from January on without a
    gap; False when one does not say its months (本季度)."""
    spans = [month_span(text) for text in labels]
    if None in spans:
        return False
    end = 0
    for first, last in sorted(spans):
        if first > end + 1:
            return False  # a gap: 1-6月 | 8-9月, or no January
        end = max(end, last)
    return True


def _column_numbers(cells: tuple) -> bool:
    """The cells read are 1, 2, 3 … in order (at least three): the row under a header that
    numbers its columns, as statistical forms do."""
    return len(cells) >= 3 and all(c == str(i) for i, c in enumerate(cells, start=1))


def _line_unit_finding(name: str, line: LineUnit) -> Finding:
    """A column read in the unit a units line states (its header states none)."""
    return Finding("unit_from_line",
                   f"{line.header} 表头未注明单位,按第{line.row + 1}行注明的{line.unit}读取"
                   f"(未注明时按{line.default})",
                   f"{line.header}: no unit in the header; read in {line.unit} as row "
                   f"{line.row + 1} states (else {line.default})",
                   sheet=name, row=line.row + 1, column=line.header)


def _form_unit_finding(name: str, header: str, unit: str, row: int) -> Finding:
    """A column read in the unit the form states (直接经济损失: 万元), its header stating none."""
    return Finding("unit_from_form",
                   f"{header} 表头未注明单位,按报表制度的 {unit} 读取(如填的是元,请在表头注明单位)",
                   f"{header}: no unit in the header; read in the form's {unit} (if the figures "
                   "are in 元, state it in the header)", sheet=name, row=row + 1, column=header)


PART_PERIOD = "part_period"  # the code of a one-row sheet's row of a quarter or month alone


class _RowKinds(dict):
    """(first non-blank cell, row label) → None for a row to drop (a footer; a row of another
    period, 上年同期), else (is 合计, category code — None when the label is no category)."""

    def __init__(self, sheet: Sheet):
        super().__init__()
        self.sheet = sheet
        self.part_rows = sheet.row_kind == "single" and any(  # a quarter's row would misread
            c.kind == "ytd" for c in sheet.columns)

    def __missing__(self, key):
        first, label = key
        if label is None and first != "0" and first.isascii() and _words_apart():
            return self["0", None]  # a one-row sheet's figure, a date: all ASCII reads alike
        if len(self) > 1 << 16:
            self.clear()
        value = self[key] = self.classify(*key)
        return value

    def classify(self, first, label):
        totals, footers, numbering = _label_sets()
        key = norm(first)
        if key.startswith(footers) or key in numbering or period_word(first) == "other":
            return None  # a footer, the columns' numbers (甲 | 乙 | 1 | 2 …), another period's row
        key = norm(label if label is not None else first).rstrip(":")
        is_total = key in totals
        if self.sheet.row_kind == "category":
            code = "total" if is_total else _category(self.sheet, label) if label is not None else None
            return is_total, code
        if key.startswith("其中"):
            return None  # 其中:公办 under a row: a part of it, not an institution or event of its own
        if self.part_rows and part_word(key):
            return False, PART_PERIOD  # 本季度 | 7-9月: not the year's so far its columns ask
        words = _total_words()  # 公办小计, 小计(公办), 民办合计: a group's total, no institution
        return is_total or key.startswith(words) or key.endswith(words), None


_ROW_KINDS: dict[int, _RowKinds] = {}


@cache
def _words_apart() -> bool:
    """No 合计 or footer word starts with an ASCII character (so a row whose first cell is ASCII
    text — a number, a date — is no footer nor total, whatever it holds; ASCII holds no period
    word)."""
    totals, footers, numbering = _label_sets()
    return not any(w[:1].isascii() for w in (*totals, *footers, *numbering))


def _row_kinds(sheet: Sheet) -> _RowKinds:
    kinds = _ROW_KINDS.get(id(sheet))
    if kinds is None or kinds.sheet is not sheet:
        kinds = _ROW_KINDS[id(sheet)] = _RowKinds(sheet)
    return kinds


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
    contract = load_contract()
    by_family, sheet_findings = _sheets_by_family(grids)
    if "cover" not in by_family:
        raise Refusal("no_cover", "找不到封面(封面工作表缺失或无法识别)",
                      "no recognisable cover sheet (封面)")
    cover, cover_findings = _parse_cover(by_family["cover"], grids[by_family["cover"]])
    parsed = ParsedReturn(source=first, files=files, file_format=fmt, sha256=sha256 or file_sha256(files),
                          cover=cover, findings=[*sheet_findings, *cover_findings])
    plans, refusal = _plan_sheets(contract.sheets, by_family, grids, cover.get("unit_name"))
    spread_merges(plans, grids.merges, grids.leads)
    blanks = any(plan.blanks for plan in plans) or any(f.code == "cover_missing"
                                                       for f in cover_findings)
    if fmt in ("xlsx", "xlsm"):  # what the zip's XML says beyond calamine's cells
        checked = content or Checked.of(first.read_bytes())
        read_shown_units(checked, grids, plans)
        refuse_hidden(xlsx_hidden(checked), grids, plans)
        refuse_zero_formulas(checked, grids, plans)
        if blanks:
            refuse_false_blanks(xlsx_blanks(checked), grids, (by_family["cover"], cover_findings),
                                plans)
    elif fmt == "xls":  # hidden rows, and error values calamine reads as empty (BIFF records)
        data = content.data if content else first.read_bytes()
        refuse_hidden(xls_hidden(data), grids, plans)
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


def _plan_sheets(sheets, by_family: dict[str, str], grids: dict, township: str | None = None
                 ) -> tuple[list, Refusal | None]:
    """The plans of a return's sheets in contract order, up to the first refusal (returned)."""
    plans: list[SheetPlan] = []
    for sheet in sheets:
        name = by_family.get(sheet.family)
        try:
            if name is None:
                if sheet.required:
                    raise Refusal("missing_sheet", f"缺少工作表 {sheet.sheet}",
                                  f"missing sheet {sheet.sheet}", sheet=sheet.sheet)
                continue
            plan, refusal = _plan_sheet(sheet, name, grids[name], township)
        except Refusal as exc:
            return plans, exc
        plans.append(plan)
        if refusal is not None:
            return plans, refusal
    return plans, None


def fill_date_time(cover: dict) -> dt.datetime | None:
    d = cover.get("fill_date")
    return dt.datetime.combine(d, dt.time()) if isinstance(d, dt.date) else None
