"""A cover field's value as written (:mod:`civstat.ingest.cover` finds where it is): a count
in its label's unit or the unit typed after it (户籍人口(万人) 3.2: 32,000; ``3.2万``), a date as
dates are written, never guessed, a text (a 12-digit 统计用区划代码, a unit's name). A value
that cannot be read raises :class:`Unreadable`, in Chinese and English; a number no return can
hold, :class:`BadNumber` (refused like a sheet's cell)."""

from __future__ import annotations

import datetime as dt
import math
import re

from civstat.contract import Column, load_contract
from civstat.ingest.cell_units import cell_factor, cell_unit
from civstat.ingest.column_units import header_factor
from civstat.ingest.cover_period import dated_period
from civstat.ingest.date_figures import day_serial
from civstat.ingest.decimals import doubtful, thousands_question
from civstat.ingest.normalize import (
    AmbiguousDate,
    ScientificNumber,
    is_blank,
    norm,
    parse_date,
    parse_number,
)
from civstat.ingest.qualifiers import convertible_units, unknown_magnitude

MAX_POPULATION = 2 ** 53
_HAN = re.compile(r"[\u3400-\u9fff]")
_CODE_MARKS = re.compile(r"[-‐‑–—－'’`]")  # 371599-101-000, a quote typed before the digits
_CODE = re.compile(r"^(\d{9}|\d{12})(?:\.0+)?$")
_EXCEL_ERROR = re.compile(r"^#(?:REF!|N/A|VALUE!|NAME\?|DIV/0!|NUM!|NULL!|SPILL!|CALC!)",
                          re.IGNORECASE)


class Unreadable(ValueError):
    """A value that cannot be read: why, in Chinese (``zh``) and English (``en``)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


class BadNumber(Unreadable):
    """A number no return can hold (``99999999999999999999``, ``Infinity``) or a rounded copy in
    exponent form (``1.78E+06``): refused like a sheet's cell."""


def _label_factor(field: Column, unit: str | None) -> float:
    """The factor of the unit a label states (户籍人口(万人): ×10,000; (人), none: ×1)."""
    if unknown_magnitude(field, unit):
        known = convertible_units(field)
        raise Unreadable(f"标签的单位 {unit} 无法换算(可用 {known})",
                          f"the label's unit {unit} cannot be converted (use {known.replace('、', ', ')})")
    return header_factor(field, unit)


def _read_int(field: Column, raw: object, unit: str | None = None) -> int | None:
    """A count in the label's unit (户籍人口(万人) 3.2: 32,000), or in the unit typed after the
    number (``3.2万``, ``32000人``), which replaces the label's."""
    if raw.__class__ is str and (figure := day_serial(raw)) is not None:
        raw = figure  # a count in a cell formatted as a date: the figure it stores (cover.py says so)
    try:
        number = parse_number(raw)
        typed = cell_factor(field.unit, cell_unit(raw))
    except ScientificNumber:
        raise BadNumber("是科学计数法,只留下了几位有效数字:请填写完整的数",
                         "in exponent form, a few digits of the figure: fill in the whole figure"
                         ) from None
    except (ValueError, OverflowError):
        raise Unreadable("不是数字", "not a number") from None
    if number is None:
        return None
    factor = typed if typed is not None else _label_factor(field, unit)
    if factor == 1 and (found := doubtful(raw, None, 1, True)) is not None:
        raise Unreadable(*thousands_question(int(found[1])))  # 32.000: 32, or 32,000?
    if factor != 1:  # 3.2 万人 is 32,000 people; a fraction of a person is the float's
        number = round(number * factor, 6) if math.isfinite(number) else number
    if not math.isfinite(number) or abs(number) > MAX_POPULATION:
        raise BadNumber(f"数值超出可能范围(非有限数或绝对值大于 {MAX_POPULATION})",
                          f"value out of range (not finite or beyond ±{MAX_POPULATION})")
    most = load_contract().cover_max_population
    if field.unit == "人" and number > most:
        read = f"按{unit}计为" if factor != 1 and typed is None else "为"
        raise Unreadable(f"{read} {number:,.0f} 人,超过一个乡镇(街道)可能的人口 {most:,}",
                          f"{number:,.0f} people, more than a township can hold ({most:,})")
    if number < 0 or abs(number - round(number)) > 1e-6:
        raise Unreadable("应为非负整数", "expected a whole number, not negative")
    return round(number)


def _read_date(raw: object) -> dt.date | None:
    try:
        value = parse_date(raw)
    except AmbiguousDate as exc:
        one, other = exc.dates[:2]
        raise Unreadable(f"日、月的次序不明:{one:%Y-%m-%d} 还是 {other:%Y-%m-%d}?"
                          "请按 2024年10月8日 的格式填写",
                          f"day and month in an unknown order: {one} or {other}? "
                          "Write it as 2024-10-08") from None
    except (ValueError, OverflowError):
        raise Unreadable("不是完整的日期(应含年、月、日,如 2024年10月8日)",
                          "not a full date (year, month and day, e.g. 2024-10-08)") from None
    if value is not None and not 1990 <= value.year <= 2100:
        raise Unreadable(f"年份 {value.year} 不可能", f"impossible year {value.year}")
    return value


def _read_text(field: Column, raw: object) -> str | None:
    text = str(raw).strip()
    if is_blank(text):
        return None
    if _EXCEL_ERROR.match(norm(text)):
        raise Unreadable("单元格是 Excel 错误值", "the cell holds an Excel error value")
    if field.name == "division_code":
        m = _CODE.match(_CODE_MARKS.sub("", norm(text)))
        if not m:
            raise Unreadable("应为9位或12位数字", "expected 9 or 12 digits")
        return m[1]
    if field.name == "unit_name" and not _HAN.search(norm(text)):
        raise Unreadable("不是单位名称", "not a unit name")
    return text


def read_value(field: Column, raw: object, unit: str | None = None):
    if field.type == "int":
        return _read_int(field, raw, unit)
    if field.type == "date":
        return _read_date(raw)
    if field.name == "period_text" and (text := dated_period(raw)) is not None:
        return text  # a date cell: 2024-09-30 is 2024年9月30日
    return _read_text(field, raw)
