"""The drift real returns show, as styles the generator writes (never the blank template).

``ReturnStyle`` switches each drift on: titles and two-row headers left out, 万元 and 公顷,
traditional characters, header synonyms and noise, numbers as text, 合计 and footer rows, sheets
renamed, shuffled, left out or joined by an extra sheet, the cover written short. Every field off (``CLEAN``) is the
template's own layout. The reader must read all of it back (the contract's tolerance list).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

import opencc

from civstat.contract import Column, Sheet
from civstat.template.grid import Grid, plain_number

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
    omit_optional: bool = False  # leave out every optional sheet (表8–表16)
    omit_families: tuple[str, ...] = ()  # leave out these optional sheets (e.g. ("welfare",): 表8)
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


# ---------------------------------------------------------------- characters, units, periods


@cache
def _s2t() -> opencc.OpenCC:
    """OpenCC's simplified → traditional converter (the reader converts back with ``t2s``)."""
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """期末保障户数 → 期末保障戶數: the traditional-character drift some townships write."""
    return _s2t().convert(text)


def translator(style: ReturnStyle):
    """The text conversion a style asks for (traditional characters or none)."""
    return to_traditional if style.traditional else (lambda s: s)


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


# ---------------------------------------------------------------- numbers as text


def format_value(value: Any, unit: str | None, style: ReturnStyle) -> Any:
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
        text = plain_number(value, 4)
    if style.number_text == "fullwidth":
        text = text.translate(FULLWIDTH)
    elif style.number_text == "unit_suffix" and unit:
        text += unit.split("/")[0]
    if style.stray_spaces:
        text = f" {text}  "
    return text


# ---------------------------------------------------------------- headers and sheet names


def noisy_header(
    col: Column, text: str, unit_txt: str, prefix: str, noise: int
) -> tuple[str, str, str]:
    """One of five header variants seen in real returns: a synonym, full-width brackets, a stray
    space, line breaks, 其中： — returns (prefix, text, unit text)."""
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
    return prefix, text, unit_txt


def sheet_name(sheet: Sheet, style: ReturnStyle) -> str:
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


# ---------------------------------------------------------------- the workbook


def layout_extra(seed: int) -> Grid:
    """A sheet that is not part of the return (an empty Sheet1 or a township's own 附表)."""
    if seed % 2:
        return Grid(name="Sheet1")
    grid = Grid(name="附表 走访慰问情况", widths=[16, 16, 16])
    grid.add([("走访困难群众户数", "header"), ("发放慰问金(元)", "header"), ("备注", "header")])
    grid.add([(12 + seed % 30, "int"), (3000 + 100 * (seed % 50), "money"), ("春节前走访", "text")])
    return grid


def arrange(grids: list[Grid], style: ReturnStyle) -> list[Grid]:
    """The sheets in the order the township left them: an extra sheet slipped in, shuffled."""
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
