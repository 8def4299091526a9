"""The blank return template (``civstat template``) and the return writer the generator uses.

Both are laid out from the contract (``load_contract()``): a return is first built as a list of
sheet *grids* (values + cell roles + merges), then rendered to .xlsx (xlsxwriter), legacy .xls
(xlwt) or one CSV per sheet. ``ReturnStyle`` switches on the drift real townships introduce
(the contract's tolerance list), so generated returns are written "through the template".
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import click
import opencc

from civstat.contract import Column, Sheet, load_contract

TEMPLATE_NAME = "乡镇民政统计季报模板.xlsx"
FIXED_CREATED = dt.datetime(2024, 1, 1, 8, 0, 0)  # workbook property: same bytes for same input
TEMPLATE_INPUT_ROWS = 20  # empty input rows on event / entity sheets of the blank template
CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}
FULLWIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@dataclass(frozen=True)
class ReturnStyle:
    """How a return drifts from the canonical layout (every field off = the template's layout)."""

    title: bool = True  # title row + units line above the header
    two_row_header: bool = True  # group/short columns as a merged two-row header
    money_unit: str | None = None  # None: the template's unit; "万元" / "元" for every money column
    area_unit: str | None = None  # None: 亩; "公顷"
    traditional: bool = False  # headers, labels, sheet names, cover keys in traditional characters
    header_noise: bool = False  # synonyms, full-width brackets, spaces, line breaks, 其中：
    number_text: str | None = (
        None  # None | "thousands" (1,775,475) | "fullwidth" | "unit_suffix" (529户)
    )
    zero_text: str | None = None  # None | "—" | "-" | "/" | "" — how zero is written
    stray_spaces: bool = False  # numbers as text with leading/trailing spaces, padded labels
    total_row: str | None = None  # None | "合计" | "总计" (values, never formulas)
    footer: bool = False  # 填表人: / 审核人: / 填表说明 rows under each table
    blank_rows: bool = False  # empty rows between header, data rows and footer
    shuffle_sheets: bool = False
    extra_sheet: bool = False
    omit_optional: bool = False  # leave out optional sheets (表8)
    sheet_names: str = "canonical"  # "canonical" (表1 最低生活保障) | "no_number" | "synonym"
    short_name: bool = False  # 填报单位 without its suffix (长桥 for 长桥街道)
    code_digits: int = 12  # 12 | 9 (first nine digits) | 0 (left empty)
    period_style: str = (
        "quarter"  # "quarter" 2024年第3季度 | "months" 2024年1-9月 | "chinese" 2024年三季度
    )
    seed: int = 0  # drives shuffles and header noise deterministically

    def items(self) -> list[str]:
        """Names of the fields that differ from the canonical layout (for summaries and tests)."""
        base = ReturnStyle()
        return [
            f"{k}={getattr(self, k)!r}"
            for k in self.__dataclass_fields__
            if k != "seed" and getattr(self, k) != getattr(base, k)
        ]


CLEAN = ReturnStyle()


@dataclass(frozen=True)
class Formula:
    text: str  # without the leading "="


@dataclass
class Grid:
    """One sheet, laid out: rows of (value, role) cells, merged ranges, Excel-only extras."""

    name: str
    rows: list[list[tuple[Any, str] | None]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    validations: list[tuple[int, int, int, int, dict]] = field(default_factory=list)
    protect: bool = False
    freeze: int = 0  # rows frozen at the top (header)

    def add(self, cells: list[tuple[Any, str] | None]) -> int:
        self.rows.append(cells)
        return len(self.rows) - 1


# ---------------------------------------------------------------- characters, units, periods


@cache
def _s2t() -> opencc.OpenCC:
    """OpenCC's simplified → traditional converter (the reader converts back with ``t2s``)."""
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """期末保障户数 → 期末保障戶數: the traditional-character drift some townships write."""
    return _s2t().convert(text)


def period_text(year: int, quarter: int, style: str = "quarter") -> str:
    if style == "months":
        return f"{year}年1-{3 * quarter}月"
    if style == "chinese":
        return f"{year}年{CN_QUARTER[quarter]}季度"
    return f"{year}年第{quarter}季度"


def display_unit(col: Column, style: ReturnStyle) -> str | None:
    """The unit a header shows under this style (万元/公顷 when the style asks for them)."""
    if col.type == "money" and style.money_unit:
        return style.money_unit
    if col.unit == "亩" and style.area_unit:
        return style.area_unit
    return col.header_unit


def unit_factor(col: Column, unit: str | None) -> float:
    """Canonical value ÷ factor = value in the displayed unit."""
    conv = load_contract().unit_conversions
    if unit in conv and col.unit == conv[unit][0]:
        return conv[unit][1]
    return 1.0


# ---------------------------------------------------------------- value formatting


def _plain_number(v: float, decimals: int) -> str:
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.{decimals}f}".rstrip("0").rstrip(".")


def _as_display(col: Column, value: Any, unit: str | None) -> Any:
    """Canonical value → the number written under ``unit`` (rounded like a form would be)."""
    if value is None or col.type not in ("int", "money", "decimal"):
        return value
    factor = unit_factor(col, unit)
    if factor == 1:
        return (
            int(value)
            if col.type == "int"
            else (float(value) if not float(value).is_integer() else int(value))
        )
    shown = round(value / factor, 4 if col.type == "money" else 2)
    return int(shown) if float(shown).is_integer() else shown


def _format_value(value: Any, unit: str | None, style: ReturnStyle) -> Any:
    """Apply the numbers-as-text drift to one numeric value."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    if value == 0 and style.zero_text is not None:
        return style.zero_text
    if style.number_text is None and not style.stray_spaces:
        return value
    if style.number_text == "thousands":
        text = (
            f"{int(value):,}"
            if float(value).is_integer()
            else f"{value:,.4f}".rstrip("0").rstrip(".")
        )
    else:
        text = _plain_number(value, 4)
    if style.number_text == "fullwidth":
        text = text.translate(FULLWIDTH)
    elif style.number_text == "unit_suffix" and unit:
        text += unit.split("/")[0]
    if style.stray_spaces:
        text = f" {text}  "
    return text


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- headers


def _header_parts(
    col: Column, style: ReturnStyle, noise: int | None, grouped: bool
) -> tuple[str | None, str]:
    """(upper, lower) header texts; upper is None for a one-row header cell."""
    unit = display_unit(col, style)
    unit_txt = f"({unit})" if unit else ""
    if grouped and col.group:
        return col.group, f"{col.short}{unit_txt}"
    text = col.header
    prefix = "其中:" if col.of and not col.group else ""
    if noise is not None:
        variant = noise % 5
        if variant == 0 and col.synonyms and not col.group:
            text = col.synonyms[0]
        elif variant == 1:
            unit_txt = unit_txt.replace("(", "（").replace(")", "）")
        elif variant == 2 and len(text) > 3:
            text = f"{text[:2]} {text[2:]}"
        elif variant == 3:
            unit_txt = f"\n{unit_txt}" if unit_txt else ""
            text = text if len(text) <= 6 else f"{text[:4]}\n{text[4:]}"
        elif variant == 4 and prefix:
            prefix = "其中："
    return None, f"{prefix}{text}{unit_txt}"


def _sheet_name(sheet: Sheet, style: ReturnStyle) -> str:
    if style.sheet_names == "no_number":
        name = sheet.title
    elif style.sheet_names == "synonym":
        name = next(
            (s for s in sheet.sheet_synonyms if s != sheet.title and not s.startswith("表")),
            sheet.title,
        )
    else:
        name = sheet.sheet
    return to_traditional(name) if style.traditional else name


def _units_line(sheet: Sheet, style: ReturnStyle) -> str:
    units: list[str] = []
    for col in sheet.columns:
        unit = display_unit(col, style)
        if unit and "/" not in unit and unit not in units:
            units.append(unit)
    return "单位:" + "、".join(units) if units else "单位:"


def _col_width(text: str) -> float:
    longest = max((len(part) for part in text.split("\n")), default=4)
    return min(max(2.1 * longest + 2, 9), 34)


# ---------------------------------------------------------------- layout


def _title(cover: dict, sheet_title: str, blank: bool) -> str:
    if blank:
        return f"乡镇民政统计季报——{sheet_title}"
    return (
        f"{cover.get('_unit_label', '')}{cover.get('_period_title', '')}民政统计季报——{sheet_title}"
    )


def layout_sheet(
    sheet: Sheet,
    records: list[dict] | None,
    cover: dict,
    style: ReturnStyle,
    *,
    blank: bool = False,
) -> Grid:
    """Lay out one contract sheet (blank=True: the empty template with input rows and formulas)."""
    tr = to_traditional if style.traditional else (lambda s: s)
    rng = random.Random(f"{style.seed}:{sheet.family}")
    has_label = sheet.label is not None
    cols = list(sheet.columns)
    ncols = len(cols) + (1 if has_label else 0)
    grid = Grid(name=_sheet_name(sheet, style), protect=blank)
    grouped = style.two_row_header and any(c.group for c in cols)
    noise = [rng.randrange(5) if style.header_noise else None for _ in cols]

    if style.title:
        r = grid.add([(tr(_title(cover, sheet.title, blank)), "title")] + [None] * (ncols - 1))
        grid.merges.append((r, 0, r, ncols - 1))
        grid.add([(tr(_units_line(sheet, style)), "units")] + [None] * (ncols - 1))

    # header
    upper: list[tuple[Any, str] | None] = []
    lower: list[tuple[Any, str] | None] = []
    widths: list[float] = []
    if has_label:
        upper.append((tr(sheet.label.header), "header"))
        lower.append(None)
        widths.append(12)
    for col, nz in zip(cols, noise):
        up, low = _header_parts(col, style, nz, grouped)
        upper.append((tr(up), "header") if up else (tr(low), "header"))
        lower.append((tr(low), "header") if up else None)
        widths.append(_col_width(low))
    grid.widths = widths
    h1 = grid.add(upper)
    if grouped:
        h2 = grid.add([c if c is not None else ("", "header") for c in lower])
        c = 0
        while c < ncols:
            if lower[c] is None:  # one-row column: merge vertically
                grid.merges.append((h1, c, h2, c))
                c += 1
                continue
            end = c
            while end + 1 < ncols and lower[end + 1] is not None and upper[end + 1] == upper[c]:
                end += 1
            if end > c:
                grid.merges.append((h1, c, h1, end))
            c = end + 1
    grid.freeze = len(grid.rows)

    def blank_row() -> None:
        grid.add([None] * ncols)

    def data_cells(rec: dict | None, label: str | None) -> list:
        cells: list[tuple[Any, str] | None] = []
        if has_label:
            text = tr(label) if label else label
            if text and style.stray_spaces:
                text = f" {text} "
            cells.append((text, "label"))
        for col in cols:
            unit = display_unit(col, style)
            value = None if rec is None else _as_display(col, rec.get(col.name), unit)
            if col.type == "date":
                value = _as_date(value)
            cells.append((_format_value(value, unit, style), col.type))
        return cells

    if style.blank_rows and not blank:
        blank_row()
    first_data = len(grid.rows)
    written: list[dict] = []
    if sheet.row_kind == "category":
        by_cat = {r.get("category"): r for r in (records or [])}
        for i, cat in enumerate(sheet.categories):
            if style.blank_rows and i and not blank:
                blank_row()
            rec = by_cat.get(cat.code)
            grid.add(data_cells(rec, cat.label))
            if rec is not None:
                written.append(rec)
    elif sheet.row_kind == "single":
        rec = (records or [None])[0]
        grid.add(data_cells(rec, None))
    else:
        rows = records or []
        if blank:
            for _ in range(TEMPLATE_INPUT_ROWS):
                grid.add(data_cells(None, None))
        for i, rec in enumerate(rows):
            if style.blank_rows and i and i % 2 == 0:
                blank_row()
            grid.add(data_cells(rec, None))
            written.append(rec)
    last_data = len(grid.rows) - 1

    total_label = "合计" if blank and sheet.row_kind == "category" else style.total_row
    if total_label and sheet.row_kind in ("category", "event", "entity") and (written or blank):
        if style.blank_rows and not blank:
            blank_row()
        grid.add(
            _total_cells(
                sheet, written, total_label, style, tr, blank, first_data, last_data, has_label
            )
        )

    if style.footer and not blank:
        blank_row()
        grid.add(
            [(f"填表人:{cover.get('filled_by') or ''}", "footer")]
            + [None] * max(0, min(2, ncols - 2))
            + [(f"审核人:{cover.get('reviewed_by') or ''}", "footer")]
            + [None] * max(0, ncols - 4)
        )
        note = "填表说明:存量为期末数,资金、人次等为1月至本期累计数。"
        r = grid.add([(tr(note), "footer")] + [None] * (ncols - 1))
        grid.merges.append((r, 0, r, ncols - 1))

    if blank:
        _template_validations(grid, sheet, first_data, last_data, has_label)
    return grid


def _summable(col: Column) -> bool:
    """Counts, money and areas add up in a 合计 row; standards, dates and names do not."""
    return col.type in ("int", "money") or (col.type == "decimal" and col.unit == "亩")


def _total_cells(sheet, written, label, style, tr, blank, first, last, has_label) -> list:
    label = "合计" if label is True else label
    cells: list[tuple[Any, str] | None] = []
    label_cell = (tr(label), "label_total")
    if has_label:
        cells.append(label_cell)
    for j, col in enumerate(sheet.columns):
        c = j + (1 if has_label else 0)
        if not has_label and j == 0:
            cells.append(label_cell)
        elif not _summable(col):
            cells.append((None, col.type + "_total"))
        elif blank:
            ref = f"{_col_letter(c)}{first + 1}:{_col_letter(c)}{last + 1}"
            cells.append((Formula(f"SUM({ref})"), col.type + "_total"))
        else:
            unit = display_unit(col, style)
            total = round(sum(_as_display(col, r.get(col.name), unit) or 0 for r in written), 4)
            total = int(total) if float(total).is_integer() else total
            cells.append((_format_value(total, unit, style), col.type + "_total"))
    return cells


def _col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def _template_validations(grid: Grid, sheet: Sheet, first: int, last: int, has_label: bool) -> None:
    for j, col in enumerate(sheet.columns):
        c = j + (1 if has_label else 0)
        if col.choices:
            grid.validations.append(
                (
                    first,
                    c,
                    last,
                    c,
                    {
                        "validate": "list",
                        "source": list(col.choices),
                        "input_title": col.header[:32],
                        "input_message": "请从下拉列表中选择",
                    },
                )
            )
        elif col.type == "date":
            grid.validations.append(
                (
                    first,
                    c,
                    last,
                    c,
                    {
                        "validate": "date",
                        "criteria": "between",
                        "minimum": dt.date(2000, 1, 1),
                        "maximum": dt.date(2099, 12, 31),
                        "input_title": col.header[:32],
                        "input_message": "日期,如 2024-07-15",
                    },
                )
            )
        elif col.type in ("int", "money", "decimal"):
            grid.validations.append(
                (
                    first,
                    c,
                    last,
                    c,
                    {
                        "validate": "integer" if col.type == "int" else "decimal",
                        "criteria": ">=",
                        "value": 0,
                        "error_message": "请填写非负数;整数单位(人/户/张/间)不得有小数",
                    },
                )
            )


def layout_cover(cover: dict, style: ReturnStyle, *, blank: bool = False) -> Grid:
    contract = load_contract()
    tr = to_traditional if style.traditional else (lambda s: s)
    grid = Grid(name=tr(contract.cover_sheet), widths=[26, 34], protect=blank)
    if style.title:
        r = grid.add([(tr("乡镇民政统计季报  封面"), "title"), None])
        grid.merges.append((r, 0, r, 1))
    for f in contract.cover_fields:
        key = f"{f.header}({f.unit})" if f.unit else f.header
        value = None if blank else cover.get(f.name)
        if not blank and f.name == "division_code" and value:
            value = "" if style.code_digits == 0 else str(value)[: style.code_digits]
        if not blank and f.name == "unit_name" and style.short_name:
            value = cover.get("_short_name") or value
        if not blank and f.type == "int":
            value = _format_value(value, f.unit, replace(style, zero_text=None))
        if f.type == "date":
            value = _as_date(value)
        role = {"int": "int", "date": "date"}.get(f.type, "text")
        if style.stray_spaces and isinstance(value, str) and f.type == "text":
            value = f"{value} "
        grid.add([(tr(key), "key"), (value, role)])
    if blank:
        rows = len(grid.rows)
        first = rows - len(contract.cover_fields)
        for i, f in enumerate(contract.cover_fields):
            r = first + i
            if f.name == "division_code":
                grid.validations.append(
                    (
                        r,
                        1,
                        r,
                        1,
                        {
                            "validate": "length",
                            "criteria": "between",
                            "minimum": 9,
                            "maximum": 12,
                            "input_title": "统计用区划代码",
                            "input_message": "12位(或前9位)统计用区划代码",
                        },
                    )
                )
            elif f.name == "period_text":
                grid.validations.append(
                    (
                        r,
                        1,
                        r,
                        1,
                        {
                            "validate": "any",
                            "input_title": "报告期",
                            "input_message": "如 2024年第4季度 / 2024年1-12月",
                        },
                    )
                )
            elif f.type == "date":
                grid.validations.append(
                    (
                        r,
                        1,
                        r,
                        1,
                        {
                            "validate": "date",
                            "criteria": "between",
                            "minimum": dt.date(2000, 1, 1),
                            "maximum": dt.date(2099, 12, 31),
                            "input_title": f.header,
                            "input_message": "如 2024-10-10",
                        },
                    )
                )
            elif f.type == "int":
                grid.validations.append(
                    (r, 1, r, 1, {"validate": "integer", "criteria": ">=", "value": 0})
                )
    return grid


def layout_instructions() -> Grid:
    """填表说明: how to fill the return, derived from the contract where it can be."""
    contract = load_contract()
    grid = Grid(name="填表说明", widths=[110])
    lines = [
        ("乡镇民政统计季报 填表说明", "title"),
        (
            "一、每个乡镇(街道)每季度报送一个工作簿,存放于 data/raw/<年份>Q<季度>/ 目录;文件名不限,以封面为准。",
            "note",
        ),
        (
            "二、封面须填写填报单位、统计用区划代码(12位)、报告期(如 2024年第4季度 或 2024年1-12月)及户籍人口。",
            "note",
        ),
        ("三、报告期为年内累计:第三季度即1月至9月。", "note"),
        (
            "四、存量指标(人数、户数、床位、机构等)填期末数;流量指标(资金、人次、新增、退出等)填1月至本期累计数。",
            "note",
        ),
        ("五、资金单位为元(直接经济损失为万元),面积单位为亩;请勿改动表头和单位。", "note"),
        (
            "六、合计行自动计算,请勿手工修改;表5每次灾害填一行,表6每个机构填一行,本年已报灾害在后续季度继续列示。",
            "note",
        ),
        ("七、“其中”项不得大于其总数;集中供养人数+分散供养人数=期末供养人数。", "note"),
        ("八、同一季度更正后重新报送的,以填报日期最新的一份为准。", "note"),
        ("", "note"),
        ("各表存量 / 累计指标:", "note"),
    ]
    for sheet in contract.sheets:
        stock = "、".join(c.header for c in sheet.columns if c.kind == "stock") or "无"
        ytd = "、".join(c.header for c in sheet.columns if c.kind == "ytd") or "无"
        opt = "" if sheet.required else "(选报)"
        lines.append((f"{sheet.sheet}{opt}:期末数——{stock};1月至本期累计——{ytd}", "note"))
    for text, role in lines:
        grid.add([(text, role)])
    return grid


def layout_extra(seed: int) -> Grid:
    if seed % 2:
        return Grid(name="Sheet1")
    grid = Grid(name="附表 走访慰问情况", widths=[16, 16, 16])
    grid.add([("走访困难群众户数", "header"), ("发放慰问金(元)", "header"), ("备注", "header")])
    grid.add([(12 + seed % 30, "int"), (3000 + 100 * (seed % 50), "money"), ("春节前走访", "text")])
    return grid


def layout_return(cover: dict, data: dict[str, list[dict]], style: ReturnStyle) -> list[Grid]:
    """Every sheet of one township's quarterly return, in the order they are written."""
    contract = load_contract()
    cover = dict(cover)
    year, quarter = cover.get("_year"), cover.get("_quarter")
    if year and quarter:
        cover["period_text"] = period_text(year, quarter, style.period_style)
        cover["_period_title"] = f"{year}年第{CN_QUARTER[quarter]}季度"
    cover["_unit_label"] = cover.get("_short_name") if style.short_name else cover.get("unit_name")
    grids = [layout_cover(cover, style)]
    for sheet in contract.sheets:
        if style.omit_optional and not sheet.required:
            continue
        grids.append(layout_sheet(sheet, data.get(sheet.family, []), cover, style))
    if style.extra_sheet:
        grids.insert(
            len(grids) - 1 if style.seed % 3 == 0 else len(grids), layout_extra(style.seed)
        )
    if style.shuffle_sheets:
        order = list(range(len(grids)))
        random.Random(f"shuffle:{style.seed}").shuffle(order)
        if order == sorted(order):
            order = order[1:] + order[:1]
        grids = [grids[i] for i in order]
    return grids


def layout_template() -> list[Grid]:
    contract = load_contract()
    grids = [layout_cover({}, CLEAN, blank=True)]
    grids += [layout_sheet(s, None, {}, CLEAN, blank=True) for s in contract.sheets]
    grids.append(layout_instructions())
    return grids


# ---------------------------------------------------------------- renderers

_NUM_FORMATS = {"int": "#,##0", "money": "#,##0.00", "decimal": "#,##0.00", "date": "yyyy-mm-dd"}


def _base_role(role: str) -> str:
    return role.removesuffix("_total")


def _header_lines(row: list, widths: list[float]) -> int:
    """Text lines a header or note row needs (xlsxwriter does not size rows itself)."""
    lines = 1
    for c, cell in enumerate(row):
        if not cell or cell[1] not in ("header", "note") or not isinstance(cell[0], str):
            continue
        width = widths[c] if c < len(widths) else 10
        per_line = max(1, int(width / 2.1))
        lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in cell[0].split("\n")))
    return min(lines, 6)


def render_xlsx(grids: list[Grid], path: Path, *, title: str = "乡镇民政统计季报") -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    wb.set_properties(
        {"title": title, "author": "civstat", "company": "县民政局", "created": FIXED_CREATED}
    )
    formats: dict[tuple[str, bool], Any] = {}

    def fmt(role: str, unlocked: bool):
        key = (role, unlocked)
        if key not in formats:
            base = _base_role(role)
            props: dict[str, Any] = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
            if role == "title":
                props.update(bold=True, font_size=14, align="center")
            elif role in ("units", "footer"):
                props.update(align="left")
            elif role == "note":
                props.update(align="left", text_wrap=True)
            elif role == "header":
                props.update(
                    bold=True, align="center", text_wrap=True, border=1, bg_color="#DDEBF7"
                )
            elif role == "key":
                props.update(bold=True, border=1, bg_color="#DDEBF7")
            else:
                props.update(border=1)
                if base in _NUM_FORMATS:
                    props["num_format"] = _NUM_FORMATS[base]
                if role.endswith("_total") or role == "label_total":
                    props.update(bold=True, bg_color="#F2F2F2")
            if unlocked:
                props["locked"] = False
            formats[key] = wb.add_format(props)
        return formats[key]

    for grid in grids:
        ws = wb.add_worksheet(grid.name[:31])
        merged_away = _merged_away(grid)
        for r, row in enumerate(grid.rows):
            for c, cell in enumerate(row):
                if cell is None or (r, c) in merged_away:
                    continue
                value, role = cell
                unlocked = (
                    grid.protect
                    and role
                    not in ("title", "units", "header", "key", "label", "label_total", "note")
                    and not role.endswith("_total")
                )
                f = fmt(role, unlocked)
                if isinstance(value, Formula):
                    ws.write_formula(r, c, "=" + value.text, f, 0)
                elif value is None or value == "" and role != "text":
                    ws.write_blank(r, c, None, f)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, f)
                elif isinstance(value, dt.datetime | dt.date):
                    ws.write_datetime(
                        r,
                        c,
                        dt.datetime.combine(value, dt.time())
                        if not isinstance(value, dt.datetime)
                        else value,
                        f,
                    )
                else:
                    ws.write_number(r, c, value, f)
        for r1, c1, r2, c2 in grid.merges:
            cell = grid.rows[r1][c1]
            value, role = cell if cell else ("", "header")
            ws.merge_range(r1, c1, r2, c2, value, fmt(role, False))
        for c, w in enumerate(grid.widths):
            ws.set_column(c, c, w)
        for r, row in enumerate(grid.rows):
            lines = _header_lines(row, grid.widths)
            if lines > 1:
                ws.set_row(r, 14 * lines + 2)
        if grid.freeze:
            ws.freeze_panes(grid.freeze, 0)
        ws.set_paper(9)  # A4, landscape, one page wide — as printed for signature
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        for r1, c1, r2, c2, opts in grid.validations:
            ws.data_validation(r1, c1, r2, c2, opts)
        if grid.protect:
            ws.protect(
                "", {"format_columns": True, "format_rows": True, "select_locked_cells": True}
            )
    wb.close()


def render_xls(grids: list[Grid], path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}

    def style(role: str):
        if role not in styles:
            base = _base_role(role)
            s = xlwt.XFStyle()
            font = xlwt.Font()
            font.name = "SimSun"
            font.bold = role in ("title", "header", "key") or role.endswith("_total")
            font.height = 280 if role == "title" else 200
            s.font = font
            if role not in ("title", "units", "footer", "note"):
                b = xlwt.Borders()
                b.left = b.right = b.top = b.bottom = xlwt.Borders.THIN
                s.borders = b
            if base in _NUM_FORMATS:
                s.num_format_str = {"date": "YYYY-MM-DD"}.get(base, _NUM_FORMATS[base])
            if role == "header":
                a = xlwt.Alignment()
                a.horz, a.vert, a.wrap = xlwt.Alignment.HORZ_CENTER, xlwt.Alignment.VERT_CENTER, 1
                s.alignment = a
            styles[role] = s
        return styles[role]

    for grid in grids:
        ws = wb.add_sheet(grid.name[:31], cell_overwrite_ok=True)
        merged_away: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in grid.merges:
            cell = grid.rows[r1][c1]
            value, role = cell if cell else ("", "header")
            ws.write_merge(r1, r2, c1, c2, value, style(role))
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    merged_away.add((r, c))
        for r, row in enumerate(grid.rows):
            for c, cell in enumerate(row):
                if cell is None or (r, c) in merged_away:
                    continue
                value, role = cell
                if isinstance(value, Formula):
                    value = xlwt.Formula(value.text)
                elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                    value = dt.datetime.combine(value, dt.time())
                ws.write(r, c, "" if value is None else value, style(role))
        for c, w in enumerate(grid.widths):
            ws.col(c).width = int(w * 256)
    wb.save(str(path))


def _csv_value(value: Any) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return _plain_number(value, 4)
    return str(value)


def _merged_away(grid: Grid) -> set[tuple[int, int]]:
    """Cells covered by a merge other than its top-left one."""
    away: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in grid.merges:
        away.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        away.discard((r1, c1))
    return away


def render_csv(grids: list[Grid], path: Path, encoding: str = "utf-8") -> list[Path]:
    """One CSV per sheet, ``<stem>__<sheet>.csv`` beside ``path``; merged cells keep their value
    in the first cell only, as spreadsheet programs export them."""
    out = []
    for grid in grids:
        target = path.with_name(f"{path.stem}__{grid.name}.csv")
        away = _merged_away(grid)
        width = max((len(r) for r in grid.rows), default=0)
        with target.open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            for r, row in enumerate(grid.rows):
                cells = [
                    "" if c is None or (r, j) in away else _csv_value(c[0])
                    for j, c in enumerate(row)
                ]
                w.writerow(cells + [""] * (width - len(row)))
        out.append(target)
    return out


def write_return(
    path: str | Path,
    cover: dict,
    data: dict[str, list[dict]],
    style: ReturnStyle = CLEAN,
    fmt: str = "xlsx",
    encoding: str = "utf-8",
) -> list[Path]:
    """Write one township's quarterly return; returns the files written.

    ``cover``: cover field names (unit_name, division_code, period_text, pop_*, filled_by,
    reviewed_by, phone, fill_date) plus optional ``_short_name``, ``_year``, ``_quarter`` (which
    let the style rewrite the period and the title). ``data``: family → records keyed by the
    contract's column names, canonical units (元, 亩); category rows carry ``category``.
    """
    path = Path(path)
    grids = layout_return(cover, data, style)
    if fmt == "xlsx":
        render_xlsx(grids, path)
        return [path]
    if fmt == "xls":
        render_xls(grids, path)
        return [path]
    if fmt == "csv":
        return render_csv(grids, path, encoding)
    raise ValueError(f"未知格式 / unknown format: {fmt}")


def write_template(path: str | Path) -> Path:
    """The canonical blank return (protected header area, dropdowns, 填表说明)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_xlsx(layout_template(), path, title="乡镇民政统计季报模板")
    return path


@click.command("template")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="输出路径 / output path (default reports/output/template/乡镇民政统计季报模板.xlsx)",
)
def template_command(out: Path | None) -> None:
    """写出空白季报模板 / write the blank return template (.xlsx)."""
    from civstat import paths

    target = write_template(out or paths.output_dir() / "template" / TEMPLATE_NAME)
    click.echo(f"模板已写出 / template written: {target}")
