"""The unit typed after a cell's number, and the period of a standard: what factor a unit
states for its column (``38万`` ×10,000, ``25.4公顷`` in a 亩 column ×15), which units are
refused (a rough word, a rate per quarter, a percentage, another thing's unit: kinds of
:class:`VagueNumber`), and the period of a standard (``period_units`` columns: 元/人·月 or
元/人·年) from its cell, its header or its category's convention (:func:`decide_period`).
"""

from __future__ import annotations

import re

from civstat.contract import Column, load_contract
from civstat.ingest.cell_notes import CURRENCY, without_note
from civstat.ingest.normalize import MAGNITUDE, header_key, norm, unit_key
from civstat.ingest.qualifiers import (
    counts_alike,
    known_units,
    rate_keys,
    rates_money,
    unread_period,
)
from civstat.ingest.refusal import Finding

CELL_UNIT = re.compile(r"^[-+]?\d[\d,.]*([^\d.]+)$")  # the unit typed after a cell's number


class VagueNumber(ValueError):
    """A number with a rough word (2万余, 210左右) or a magnitude the reader does not convert
    (3千人, 2百) typed after it; ``str()``: the words after the number. Each kind words its own
    refusal (:meth:`words`)."""

    def words(self, shown: str, col: Column) -> tuple[str, str]:
        return (f"{shown} 不是准确的数(“{self}”无法换算或是约数):请填写准确数字",
                (f"{shown} is no exact figure ({self!s} is a rough word or a magnitude that "
                 "cannot be converted): fill in the exact figure"))


class LookalikeDigit(VagueNumber):
    """A letter typed for a digit right after a number (12O for 120): no figure at all."""

    def words(self, shown: str, col: Column) -> tuple[str, str]:
        letter = str(self)[0]
        return (f"{shown} 的数字后面是字母 {letter}(是数字吗?):请填写准确数字",
                (f"{shown}: the letter {letter} follows the digits (a digit mistyped?): fill "
                 "in the exact figure"))


class UnreadPeriod(VagueNumber):
    """A rate typed per a period the reader does not convert (900元/季, 30元/天)."""

    def words(self, shown: str, col: Column) -> tuple[str, str]:
        period = unread_period(str(self))
        return (f"{shown} 是按{period}计的:请换算为 元/人·月 或 元/人·年 后填报",
                f"{shown} is per {period}: convert it to 元/人·月 or 元/人·年")


class OtherCount(VagueNumber):
    """A figure typed with another thing's unit (12间 in a column of 户, 210元 in one of 人)."""

    def words(self, shown: str, col: Column) -> tuple[str, str]:
        return (f"{shown} 的单位是{self},而本列的单位是{col.unit}:是否填错了列?",
                f"{shown} is in {self}, but the column is in {col.unit}: the wrong column?")


class RateFigure(VagueNumber):
    """A rate typed in a column of totals or of another rate (380元/人 in 累计支出低保资金)."""

    def words(self, shown: str, col: Column) -> tuple[str, str]:
        wanted = col.unit or "元/人·月 或 元/人·年"
        return (f"{shown} 的单位 {self} 是比率,而本列应填{wanted}:是否填错了列?",
                f"{shown}: {self} is a rate, but the column takes {wanted}: the wrong column?")


class PercentFigure(VagueNumber):
    """A percentage (5%, 67.5%) typed in a column of counts or money: a rate, not its figure."""

    def words(self, shown: str, col: Column) -> tuple[str, str]:
        what = "千分比" if str(self) == "‰" else "百分比"
        return (f"{shown} 是{what},而本列填的是{col.unit or '数'}:请填写数值本身",
                (f"{shown} is a percentage, but the column holds {col.unit or 'a figure'}: "
                 "fill in the figure itself"))


def cell_factor(col_unit: str | None, unit: str | None) -> float | None:
    """The factor a unit typed after a cell's number states for its column, in place of the
    header's: ``38万`` / ``38万元`` in a 元 column ×10,000 (``2.1万人`` in a 人 column too),
    ``384.56千元`` ×1,000, ``25.4公顷`` in a 亩 column ×15, ``380000元`` under a 万元 header and
    ``32000人`` under a 万人 one ×1 (the column's own unit; ``(元)``, ``38万元整`` alike); None
    for words that are no unit (``元(含补发)``: the header's factor stands, and the batch notes
    them) and for a standard's period (``3,300元/年``, ``col_unit`` None: :func:`decide_period`).
    Raises, a kind of :class:`VagueNumber` each (read as a plain number they would be off by a
    magnitude, or not the column's figure at all):

    * :class:`UnreadPeriod` for a rate per quarter or day (``900元/季``);
    * :class:`PercentFigure` for a percentage (``5%``, ``3‰``: no column of the forms holds one);
    * :class:`RateFigure` for another rate (``380元/人`` in a total, ``800元/户·月``);
    * :class:`OtherCount` for another thing's unit (``12间`` under 户, ``210元`` under 人);
    * :class:`LookalikeDigit` for a letter typed for a digit (``12O``);
    * :class:`VagueNumber` for a rough word or an unconverted magnitude (``2万余``, ``3千人``).

    A letter typed for a magnitude (``38w``: contract ``magnitude_letters``) is its character."""
    if not unit:
        return None
    contract = load_contract()
    if unit[:1] in contract.digit_lookalikes:
        raise LookalikeDigit(unit)
    if (letter := contract.magnitude_letters.get(unit[:1])) and (len(unit) == 1 or not unit[1].isascii()):
        try:  # 38w, 3.2W人: 38万, 3.2万人 (a refusal quotes what was typed: 380k)
            return cell_factor(col_unit, letter + unit[1:])
        except VagueNumber as exc:
            raise type(exc)(unit) from None
    unit = norm(unit).removesuffix("整")
    if unit.startswith("(") and unit.endswith(")"):
        unit = unit[1:-1]  # 380000(元)
    if col_unit and counts_alike(unit, col_unit):
        return 1.0  # 96人 under 累计救助人次: the same people counted
    if col_unit and rates_money(col_unit, unit):
        return 1.0  # 1700元 (or 元/人) under 标准(元/人·月): the rate's money, its period the header's
    if unread_period(unit):
        raise UnreadPeriod(unit)
    if unit in ("%", "‰") and col_unit != unit:
        raise PercentFigure(unit)
    conversions = load_contract().unit_conversions
    if unit in conversions and conversions[unit][0] == col_unit:
        return conversions[unit][1]
    if unit.startswith("万") and unit[1:] in ("", col_unit):
        return 10000.0
    if (per := period_factor(col_unit, unit)) is not None:
        return per
    if "/" in unit or "每" in unit:
        if col_unit is None and unit_key(unit) in rate_keys() | {"元"}:
            return None  # a standard's period (or 元/人: none), read by decide_period
        raise RateFigure(unit)
    if col_unit is not None and unit in known_units():
        raise OtherCount(unit)
    if MAGNITUDE.search(unit) or any(w in unit for w in load_contract().approximate_words):
        raise VagueNumber(unit)
    return None


def period_factor(col_unit: str | None, unit: str | None) -> float | None:
    """A standard stated per month for a column per year (``元/人·月`` for ``元/人·年``): ×12;
    per year for a column per month: ÷12; the same period in other words (``元/年``): ×1; None
    when either states no period."""
    if not col_unit or not unit or "/" not in col_unit:
        return None
    have, want = unit_key(unit), unit_key(col_unit)  # 元月, 元年
    if have[:-1] != want[:-1] or not {have[-1], want[-1]} <= {"月", "年"}:
        return None
    return 1.0 if have == want else 12.0 if want[-1] == "年" else 1 / 12


# -- units of a standard (保障标准: 元/人·月 or 元/人·年) -----------------------------------------
PERIOD_LABELS = {"month": "元/人·月", "year": "元/人·年"}


def unit_period(col: Column, unit: str | None) -> str | None:
    """``month`` / ``year`` when ``unit`` is one of the column's period units, else None."""
    if not unit or not col.period_units:
        return None
    key = unit_key(unit)
    return next((p for u, p in col.period_units.items() if unit_key(u) == key), None)


# A header's period: month | year for every row, or (category code, period) pairs when it names
# a unit per category (保障标准(城市元/人·月,农村元/人·年)); None when it states none.
HeaderPeriod = str | tuple[tuple[str, str], ...] | None

# what may stand between a category's word and its unit, or after the unit (城镇:元/人/月;农村…)
_BETWEEN = ":,、;/()=为按"


def header_period(col: Column, unit: str | None, text: str) -> HeaderPeriod:
    """The period a header states: its unit (``保障标准(元/人·年)``) or its words (``月保障标准``),
    or a unit per category (``保障标准(城市元/人·月,农村元/人·年)``: :func:`category_periods`)."""
    return (unit_period(col, unit) or col.period_headers.get(header_key(text)[0])
            or category_periods(col, text) or category_periods(col, unit))


def category_periods(col: Column, text: str | None) -> tuple[tuple[str, str], ...] | None:
    """((category code, period), …) of a header naming a unit per category: each of the sheet's
    category words (its ``categories``' labels and synonyms: 城市, 城镇, 农村低保 …) followed by
    one of the column's period units (``城市元/人·月,农村元/人·年``, ``城镇:元/人/月;农村:元/年``,
    ``城市元/月、农村元/年``); words named together take the unit after them (``城镇、农村:元/人·月``).
    None when it names no category, a category's words are followed by no period unit, or one
    category is named twice with two periods."""
    if not text or not col.period_units:
        return None
    words = _category_words(col)
    if words is None:
        return None
    text = norm(text)
    found = list(words[0].finditer(text))
    if not found:
        return None
    out: dict[str, str] = {}
    waiting: list[str] = []  # categories named with no unit yet (城镇、农村:元/人·月)
    for n, m in enumerate(found):
        end = found[n + 1].start() if n + 1 < len(found) else len(text)
        said = text[m.end():end].strip(_BETWEEN)
        waiting.append(words[1][m[0]])
        if not said:
            continue
        period = unit_period(col, said)
        if period is None:
            return None
        for code in waiting:
            if out.setdefault(code, period) != period:
                return None
        waiting = []
    return tuple(sorted(out.items())) if out and not waiting else None


def _category_words(col: Column) -> tuple[re.Pattern, dict[str, str]] | None:
    """(a pattern of the category words of the sheet holding ``col``, longest first; word →
    category code), None when the column is on no sheet of categories."""
    key = id(col)
    if key not in _CATEGORY_WORDS or _CATEGORY_WORDS[key][0] is not col:
        sheet = next((s for s in load_contract().sheets
                      if any(c is col for c in s.columns)), None)
        codes = {norm(w): c.code for c in (sheet.categories if sheet else ())
                 for w in (c.label, *c.synonyms)}
        _CATEGORY_WORDS[key] = (col, (re.compile("|".join(
            re.escape(w) for w in sorted(codes, key=len, reverse=True))), codes) if codes else None)
    return _CATEGORY_WORDS[key][1]


_CATEGORY_WORDS: dict[int, tuple[Column, tuple[re.Pattern, dict[str, str]] | None]] = {}


def stated_header(header: HeaderPeriod, category: str | None) -> str | None:
    """The period a header states for a row of ``category``: its one period, or the one it names
    for the category; a row of no category it names (合计) takes the period it names for every
    category when they are alike, else none."""
    if header is None or isinstance(header, str):
        return header
    named = dict(header)
    if category in named:
        return named[category]
    periods = set(named.values())
    return periods.pop() if len(named) > 1 and len(periods) == 1 else None


def cell_unit(raw) -> str | None:
    """The unit typed after the number in a cell: ``'3,300元/年'`` → ``'元/年'``; a note with
    digits stating a part of the figure is no unit (``'38万元(含补发5000元)'`` → ``'万元'``), and a
    currency sign before the figure states 元 (``'¥380,000.00'`` → ``'元'``, ``'¥38万'`` → ``'万'``:
    its note, any, is none either)."""
    if not isinstance(raw, str):
        return None
    text = norm(raw)
    bare = CURRENCY.sub(r"\1", text)
    if bare != text:
        m = CELL_UNIT.match(without_note(bare, all_notes=True))
        return m[1] if m else "元"
    m = CELL_UNIT.match(without_note(text))
    return m[1] if m else None


def decide_period(col: Column, header: HeaderPeriod, raw, value: float | None,
                  category: str | None, year: int | None = None
                  ) -> tuple[str | None, str | None]:
    """(period, how it was decided) of one standard: the cell's unit, else the header's (its
    one, or its category's: :func:`stated_header`), else the category's convention checked
    against the value's magnitude (thresholds: contract, those of the return's ``year``:
    :meth:`Column.magnitude_bounds`). A stated unit is never overruled by magnitude
    (:func:`stated_period_misfits` refuses one the figure cannot be)."""
    cell = unit_period(col, cell_unit(raw)) if value is not None else None
    if cell:  # typed after the figure (7200元/年), it overrules the header's
        return cell, "cell"
    if stated := stated_header(header, category):
        return stated, "header"
    if value is None:
        return None, None
    conventions = col.period_convention
    convention = conventions.get(category or "") or conventions.get("default") or "month"
    bounds = col.magnitude_bounds(year)
    year_min, month_max = bounds.get("year_min"), bounds.get("month_max")
    if convention == "year" and year_min is not None and abs(value) < year_min:
        return "month", "magnitude"
    if convention == "month" and month_max is not None and abs(value) > month_max:
        return "year", "magnitude"
    return convention, "convention"


def stated_period_misfits(col: Column, decided: tuple[str | None, str | None], value: float | None,
                          year: int | None = None) -> tuple[str, str] | None:
    """(zh, en) when a standard's stated period (header or cell) cannot be its value's: above
    ``month_max`` a month (7,200 under 元/人·月 is a year's), below ``year_min`` a year (800 under
    元/人·年 is a month's) — the bounds no county's standard crossed in the return's ``year``
    (contract ``period_magnitude``, ``period_magnitude_until``: 960 元/人·年 fits 2009, not
    2024); None when it fits or nothing was stated."""
    period, source = decided
    if value is None or source not in ("header", "cell"):
        return None
    bounds = col.magnitude_bounds(year)
    year_min, month_max = bounds.get("year_min"), bounds.get("month_max")
    if period == "month" and month_max is not None and abs(value) > month_max:
        bound_zh, bound_en = f"月标准不超过 {month_max:g} 元", f"no monthly standard is above {month_max:g}"
    elif period == "year" and year_min is not None and abs(value) < year_min:
        bound_zh, bound_en = f"年标准不低于 {year_min:g} 元", f"no yearly standard is below {year_min:g}"
    else:
        return None
    label, other = PERIOD_LABELS[period], PERIOD_LABELS["year" if period == "month" else "month"]
    return (f"{value:g} 按 {label} 不合常理({bound_zh}),是否是 {other} 的数?请核对单位",
            f"{value:g} per {label} cannot be ({bound_en}): is it {other}? check the unit")


def unit_finding(col: Column, decided: tuple[str, str], value: float, category: str,
                 where: dict) -> Finding:
    """The warning for a unit the reader had to infer (convention or magnitude)."""
    period, source = decided
    label, text = PERIOD_LABELS[period], where.get("column") or col.header
    if source == "convention":
        return Finding("unit_inferred",
                       f"{text} 未注明单位(表头和单元格均无),按{category}惯例视为 {label}",
                       f"{text}: no unit stated (header or cell); taken as {label} by the "
                       f"{category} convention", **where)
    other = PERIOD_LABELS["year" if period == "month" else "month"]
    return Finding("unit_inferred",
                   f"{text} 未注明单位,数值 {value:g} 不符合{category}惯例({other}),按数值大小视为 {label}",
                   f"{text}: no unit stated; {value:g} does not fit the {category} convention "
                   f"({other}), taken as {label} by magnitude", **where)
