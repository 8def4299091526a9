"""Text normalisation for headers, labels and numbers as townships really type them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache, lru_cache

import opencc

_BRACKETS = re.compile(r"\(([^()]*)\)")
_SPACE = re.compile(r"\s+")
_NULLS = {"", "—", "——", "-", "--", "–", "/", "\\", "－", "无", "none", "null"}
_DATE_NULLS = _NULLS | {"nan"}
_TRAILING_UNIT = re.compile(r"[^\d.]+$")
# a number's digits with separators (1,775,475.5); grouped right they are three by three
NUMBER_HEAD = r"^[-+]?[\d,]*\d(?:\.\d+)?"
GROUPED = r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_NUMBER_HEAD, _GROUPED = re.compile(NUMBER_HEAD), re.compile(GROUPED)
_LEADING_NUMBER = re.compile(r"^[-+]?\d")
_DATE = re.compile(r"^(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")
_PERIODS = [
    (re.compile(r"(\d{4})年?[-/]?Q([1-4])", re.IGNORECASE), "q"),
    (re.compile(r"(\d{4})年?度?第?([1-4一二三四])季"), "q"),
    (re.compile(r"(\d{4})年?度?前([1-4一二三四])(?:个)?季"), "q"),          # 前三季度: Q3 (cumulative)
    (re.compile(r"(\d{4})年度?(?:1|一)?月?[-~至到](\d{1,2}|三|六|九|十二)月"), "m"),
    (re.compile(r"(\d{4})年?度?(上半年|半年)"), "h"),                         # 上半年: Q2
    (re.compile(r"(\d{4})年?(全年|年度|年报|度)(?!.*(?:季|月|半年))"), "y"),  # 2024年度: Q4
]
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_CN_MONTHS = {"三": 3, "六": 6, "九": 9, "十二": 12}  # the months a quarter ends in
_NUMBERING = re.compile(r"^(\d+[.、]|[一二三四五六七八九十]+、)")
_QIZHONG = re.compile(r"^(其中)[:]?")
_UNIT_PREFIX = re.compile(r"^(?:金额|计量|货币|资金|面积)?单位:?")  # (单位:万元) → 万元


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAGNITUDE = re.compile(r"[十百千万亿]")  # a magnitude in a unit (万元, 千人)
_UNIT_NOISE = re.compile(r"[/·・•.()人每]")  # 元/人.月: a dot for the middle dot


@cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's traditional → simplified converter (loaded once per process)."""
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified (馬店鎮 → 马店镇); text without Chinese characters is returned as is."""
    return _t2s().convert(text) if _HAN.search(text) else text


def norm(value: object) -> str:
    """NFKC (full-width → ASCII), traditional → simplified (OpenCC), no white space at all."""
    return _norm(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _norm(text: str) -> str:
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", text)))


def header_key(value: object) -> tuple[str, str | None]:
    return _header_key(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _header_key(value: str) -> tuple[str, str | None]:
    """``'其中:直接经济损失\n(万元)'`` → ``('直接经济损失', '万元')``; ``'(单位:万元)'`` →
    ``('', '万元')``."""
    text = norm(value)
    units = _BRACKETS.findall(text)
    key = _BRACKETS.sub("", text)
    key = _NUMBERING.sub("", key)  # 2、其中:城镇人口 as well as 其中:城镇人口
    key = _QIZHONG.sub("", key).replace(":", "")
    key = _NUMBERING.sub("", key)
    return key, (_UNIT_PREFIX.sub("", units[-1]) if units else None)


_COPY_SUFFIX = re.compile(r"(?<=.)\(\d{1,2}\)$")  # 表1 最低生活保障 (2): a copied sheet
_SHEET_NO = re.compile(r"^表([\d一二三四五六七八九十]+)[.、:_-]?")
_CN_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def sheet_key(value: object) -> str:
    """``'表1 最低生活保障'`` / ``'最低生活保障'`` → ``'最低生活保障'``; a bare number keeps it
    (``'表1'`` / ``'表一'`` → ``'表1'``), so that 表1 … 表8 stay eight different sheets. The
    number Excel and WPS give a copied sheet is no part of its name (``'表1 最低生活保障 (2)'``:
    the same table twice, which the reader refuses unless one is hidden)."""
    text = _COPY_SUFFIX.sub("", norm(value))
    m = _SHEET_NO.match(text)
    if not m:
        return text
    rest = text[m.end():]
    if rest:
        return rest
    no = m[1]
    return f"表{_CN_NUMBERS.get(no, no)}" if len(no) == 1 or no.isdigit() else f"表{no}"


def unit_key(unit: str) -> str:
    """A rate's unit without separators: ``元/人·月`` / ``元/人/月`` / ``元每人每月`` → ``元月``."""
    return _UNIT_NOISE.sub("", norm(unit))


def is_blank(value: object) -> bool:
    if value.__class__ is str and value.isascii():  # NFKC and OpenCC leave ASCII alone
        return not value or value.isspace()
    return value is None or (isinstance(value, str) and (value == "" or norm(value) == ""))


def is_empty(value: object) -> bool:
    """Blank, or a figure's null marker (``—``, ``/``, ``无``): a cell stating no figure."""
    return is_blank(value) or (value.__class__ is str and norm(value).lower() in _NULLS)


class MisgroupedNumber(ValueError):
    """A number whose commas are not thousands separators (``1,5``)."""


class SpacedNumber(ValueError):
    """Digits with white space between them (``120 210``, ``120⏎210``): thousands spaced apart,
    or two figures typed in one cell? Which cannot be told."""


DIGIT_GAP = r"\d\s+\d"  # on the NFKC text (a no-break or full-width space is a space)
_DIGIT_GAP = re.compile(DIGIT_GAP)


class ScientificNumber(ValueError):
    """A number typed or exported in exponent form (``1.78E+06``): a copy of what a cell showed,
    rounded to a few digits (the figure was 1,775,475)."""


SCIENTIFIC = r"^[-+]?\d[\d,]*(?:\.\d*)?[eE][-+]?\d+$"
_SCIENTIFIC = re.compile(SCIENTIFIC)


def parse_number(value: object) -> float | None:
    """``'1,775,475'``, ``'１２３'``, ``'529户'``, ``'67%'``, ``'—'`` → 1775475, 123, 529, 0.67, None.

    Raises ValueError when the text is not a number, its thousands separators are not three
    digits apart (``'1,5'``: 1.5 with a decimal comma, or 15?), or white space stands between its
    digits (``'120 210'``: :class:`SpacedNumber`). ``'NaN'`` / ``'Infinity'`` come back as
    non-finite floats: the caller refuses them (no return can hold them)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))  # noqa: TRY004 -- callers treat every bad cell as ValueError
    if isinstance(value, (int, float)):
        return float(value)
    if _DIGIT_GAP.search(unicodedata.normalize("NFKC", value)):
        raise SpacedNumber(value)
    text = norm(value)
    if text.lower() in _NULLS:
        return None
    if _SCIENTIFIC.match(text):
        raise ScientificNumber(text)
    head = _NUMBER_HEAD.match(text)
    if head and "," in head[0] and not _GROUPED.match(head[0]):
        raise MisgroupedNumber(text)  # 1,5 / 12,34: a decimal comma or a typo, not thousands
    percent = text.endswith("%")
    text = text.rstrip("%").replace(",", "")
    text = _TRAILING_UNIT.sub("", text) if _LEADING_NUMBER.match(text) else text
    number = float(text)  # ValueError for anything else
    return number / 100 if percent else number


_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """``2024年10月8日`` / ``2024-10-08`` / ``2024/10/8 …`` → a date; so is an Excel date serial
    (``45463``: a date cell that lost its format when copied). Raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = norm(value)
    if text.lower() in _DATE_NULLS:
        return None
    if _EXCEL_SERIAL.fullmatch(text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    m = _DATE.match(text)
    if not m:
        raise ValueError(text)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def parse_period(value: object) -> tuple[int, int] | None:
    """``2024年第4季度`` / ``2024年四季度`` / ``2024年1-12月`` / ``2024Q3`` / ``2024年前三季度`` /
    ``2024年上半年`` / ``2024年度`` → (year, quarter); quarters are cumulative (前三季度 is Q3)."""
    text = norm(value)
    for pattern, kind in _PERIODS:
        m = pattern.search(text)
        if not m:
            continue
        year = int(m[1])
        if kind == "q":
            q = m[2]
            return year, _CN_DIGITS.get(q) or int(q)
        if kind in ("h", "y"):
            return year, 2 if kind == "h" else 4
        month = _CN_MONTHS.get(m[2]) or int(m[2])
        if month in (3, 6, 9, 12):
            return year, month // 3
    return None
