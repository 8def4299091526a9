"""The workbook: cover, one sheet per programme in catalogue order (``Programme.order``), the
填表说明 — as the blank template (``write_template``) or as one township's return
(``write_return``, the generator's writer, drift included)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from civstat.contract import Contract, load_contract
from civstat.template.drift import (
    CLEAN,
    CN_QUARTER,
    ReturnStyle,
    arrange,
    format_value,
    period_text,
    translator,
)
from civstat.template.grid import Grid, as_date
from civstat.template.layout import DATE_RANGE, layout_sheet
from civstat.template.render import render_csv, render_xls, render_xlsx

TEMPLATE_NAME = "乡镇民政统计季报模板.xlsx"

COVER_CHECKS = {
    "division_code": {
        "validate": "length",
        "criteria": "between",
        "minimum": 9,
        "maximum": 12,
        "input_title": "统计用区划代码",
        "input_message": "12位(或前9位)统计用区划代码",
    },
    "period_text": {
        "validate": "any",
        "input_title": "报告期",
        "input_message": "如 2024年第4季度 / 2024年1-12月",
    },
}


def layout_cover(
    cover: dict, style: ReturnStyle, *, blank: bool = False, contract: Contract | None = None
) -> Grid:
    contract = contract or load_contract()
    tr = translator(style)
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
            value = format_value(value, f.unit, replace(style, zero_text=None))
        if f.type == "date":
            value = as_date(value)
        role = {"int": "int", "date": "date"}.get(f.type, "text")
        if style.stray_spaces and isinstance(value, str) and f.type == "text":
            value = f"{value} "
        row = grid.add([(tr(key), "key"), (value, role)])
        if blank:
            check = COVER_CHECKS.get(f.name)
            if check is None and f.type == "date":
                check = {
                    "validate": "date",
                    **DATE_RANGE,
                    "input_title": f.header,
                    "input_message": "如 2024-10-10",
                }
            elif check is None and f.type == "int":
                check = {"validate": "integer", "criteria": ">=", "value": 0}
            if check:
                grid.validations.append((row, 1, row, 1, check))
    return grid


def _instruction_lines(contract: Contract) -> list[str]:
    """The numbered notes; what depends on the sheets (form units, one-row-per sheets, edit rules)
    is read from the catalogue."""
    sheets = contract.sheets
    form_units = "、".join(
        f"{c.header}为{c.form_unit}"
        for s in sheets
        for c in s.columns
        if c.form_unit and c.form_unit != c.unit
    )
    per_row = [
        f"表{s.no}每起{s.title}填一行" if s.row_kind == "event" else f"表{s.no}每个{s.title}填一行"
        for s in sheets
        if s.row_kind in ("event", "entity")
    ]
    carried = [f"本年已报{s.title}在后续季度继续列示" for s in sheets if s.row_kind == "event"]
    rules = [
        f";表{p.sheet.no}:{r['name']['zh']}"
        for p in contract.programmes
        for r in p.rules
        if r.get("severity") == "hard" and (r.get("name") or {}).get("zh")
    ]
    one_row = ",".join(per_row + carried)
    return [
        "一、每个乡镇(街道)每季度报送一个工作簿,存放于 data/raw/<年份>Q<季度>/ 目录;文件名不限,以封面为准。",
        "二、封面须填写填报单位、统计用区划代码(12位)、报告期(如 2024年第4季度 或 2024年1-12月)及户籍人口。",
        "三、报告期为年内累计:第三季度即1月至9月。",
        "四、存量指标(人数、户数、床位、机构等)填期末数;流量指标(资金、人次、新增、退出等)填1月至本期累计数。",
        f"五、资金单位为元{f'({form_units})' if form_units else ''},面积单位为亩;请勿改动表头和单位。",
        f"六、合计行自动计算,请勿手工修改{';' + one_row if one_row else ''}。",
        f"七、“其中”项不得大于其总数{''.join(rules)}。",
        "八、同一季度更正后重新报送的,以填报日期最新的一份为准。",
    ]


def layout_instructions(contract: Contract | None = None) -> Grid:
    """填表说明: how to fill the return, derived from the catalogue where it can be."""
    contract = contract or load_contract()
    grid = Grid(name="填表说明", widths=[110])
    grid.add([("乡镇民政统计季报 填表说明", "title")])
    for text in _instruction_lines(contract) + ["", "各表存量 / 累计指标:"]:
        grid.add([(text, "note")])
    for sheet in contract.sheets:
        stock = "、".join(c.header for c in sheet.columns if c.kind == "stock") or "无"
        ytd = "、".join(c.header for c in sheet.columns if c.kind == "ytd") or "无"
        opt = "" if sheet.required else "(选报)"
        grid.add([(f"{sheet.sheet}{opt}:期末数——{stock};1月至本期累计——{ytd}", "note")])
    return grid


def layout_return(
    cover: dict, data: dict[str, list[dict]], style: ReturnStyle, contract: Contract | None = None
) -> list[Grid]:
    """Every sheet of one township's quarterly return, in the order they are written."""
    contract = contract or load_contract()
    cover = dict(cover)
    year, quarter = cover.get("_year"), cover.get("_quarter")
    if year and quarter:
        cover["period_text"] = period_text(year, quarter, style.period_style)
        cover["_period_title"] = f"{year}年第{CN_QUARTER[quarter]}季度"
    cover["_unit_label"] = cover.get("_short_name") if style.short_name else cover.get("unit_name")
    grids = [layout_cover(cover, style, contract=contract)]
    for sheet in contract.sheets:
        if not sheet.required and (style.omit_optional or sheet.family in style.omit_families):
            continue
        grids.append(layout_sheet(sheet, data.get(sheet.family, []), cover, style))
    return arrange(grids, style)


def layout_template(contract: Contract | None = None) -> list[Grid]:
    contract = contract or load_contract()
    grids = [layout_cover({}, CLEAN, blank=True, contract=contract)]
    grids += [layout_sheet(s, None, {}, CLEAN, blank=True) for s in contract.sheets]
    grids.append(layout_instructions(contract))
    return grids


def write_return(
    path: str | Path,
    cover: dict,
    data: dict[str, list[dict]],
    style: ReturnStyle = CLEAN,
    fmt: str = "xlsx",
    encoding: str = "utf-8",
    *,
    contract: Contract | None = None,
) -> list[Path]:
    """Write one township's quarterly return; returns the files written.

    ``cover``: cover field names (unit_name, division_code, period_text, pop_*, filled_by,
    reviewed_by, phone, fill_date) plus optional ``_short_name``, ``_year``, ``_quarter`` (which
    let the style rewrite the period and the title). ``data``: family → records keyed by the
    contract's column names, canonical units (元, 亩); category rows carry ``category``.
    """
    path = Path(path)
    grids = layout_return(cover, data, style, contract)
    if fmt == "xlsx":
        render_xlsx(grids, path)
        return [path]
    if fmt == "xls":
        render_xls(grids, path)
        return [path]
    if fmt == "csv":
        return render_csv(grids, path, encoding)
    raise ValueError(f"未知格式 / unknown format: {fmt}")


def write_template(path: str | Path, contract: Contract | None = None) -> Path:
    """The canonical blank return (protected header area, dropdowns, 填表说明)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_xlsx(layout_template(contract), path, title="乡镇民政统计季报模板")
    return path
