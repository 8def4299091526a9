"""Text normalisation for headers, labels and numbers as townships really type them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache, lru_cache
from typing import NamedTuple

import opencc

from civstat.ingest.cell_notes import CURRENCY, without_note

_BRACKETS = re.compile(r"\(([^()]*)\)")
# White space, and the characters that show nothing (zero-width space, BOM, soft hyphen, a
# direction mark: copied in from web pages and other systems): no part of a label or a number
INVISIBLE = "\u00ad\u200b-\u200f\u2060\ufeff"
_SPACE = re.compile(rf"[\s{INVISIBLE}]+")
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
# The mark a spreadsheet keeps a number typed as text by ('120, or ‘120 in a Chinese input mode)
QUOTE_PREFIX = "^['‘’]([-+]?\\d)"
_QUOTE_PREFIX = re.compile(QUOTE_PREFIX)
_NULLS = frozenset({"", "—", "——", "-", "--", "–", "/", "\\", "－", "无", "(无)", "none", "null"})
_TRAILING_UNIT = re.compile(r"[^\d.]+$")
# a number's digits with separators (1,775,475.5); grouped right they are three by three
NUMBER_HEAD = r"^[-+]?[\d,]*\d(?:\.\d+)?"
GROUPED = r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
# a comma after a number's decimals (380.000,00: a point for thousands and a comma for decimals)
DECIMAL_COMMA = r"\d\.\d+,"
_NUMBER_HEAD, _GROUPED = re.compile(NUMBER_HEAD), re.compile(GROUPED)
_DECIMAL_COMMA = re.compile(DECIMAL_COMMA)
_LEADING_NUMBER = re.compile(r"^[-+]?\d")
# year, month, day; a "day" followed by 月 is a second month (2024年6-7月, 2024年6月至7月: no day)
_DATE = re.compile(r"^(\d{4})(\D{1,3})(\d{1,2})(\D{1,3})(\d{1,2})(?!月)")
_RANGE_MARKS = frozenset("至到~、—–")  # 2024.6-7: months 6 to 7, not 7 June
# A period as covers and titles state it: its year, then the months it runs over (a quarter,
# 前三季度, 1-9月, 上半年, 1月1日至9月30日, 2024.1-2024.9, 9月底). Years are written 2024, 24年 or
# 二〇二四年; months 9, 九 or 十二.
_Y = r"(?<![\d〇○零一二三四五六七八九])(\d{4}|\d{2}(?=年)|[〇○零一二三四五六七八九]{4}(?=年))"
_M = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_Q = r"([1-4一二三四])"
_TO = r"(?:[-~—–]{1,2}|至|到)"
_PERIODS = [
    (re.compile(rf"{_Y}年?[-/]?Q([1-4])", re.IGNORECASE), "q"),
    (re.compile(rf"{_Y}年?度?第?{_Q}(?:季度?)?(?:[、,]|{_TO})第?{_Q}季"), "qq"),  # 一至二季度
    (re.compile(rf"{_Y}年?度?第?{_Q}季"), "q"),
    (re.compile(rf"{_Y}年?度?前{_Q}(?:个)?季"), "q"),          # 前三季度: Q3 (cumulative)
    (re.compile(rf"{_Y}[年./-]{_M}[月./-](\d{{1,2}})日?{_TO}(?:{_Y}[年./-])?{_M}[月./-](\d{{1,2}})(?!\d)"),
     "dd"),                                                      # 2024年1月1日至2024年9月30日
    (re.compile(rf"{_Y}年度?(?:{_M}月?份?)?{_TO}(?:{_Y}年)?{_M}月"), "mm"),   # 1-9月, 1月至9月
    (re.compile(rf"{_Y}[./](\d{{1,2}}){_TO}(?:{_Y}[./])?(\d{{1,2}})(?![\d./])"), "mm"),  # 2024.1-2024.9
    (re.compile(rf"{_Y}[年./-]{_M}[月./-](\d{{1,2}})(?!\d)"), "d"),         # 截至2024年9月30日
    (re.compile(rf"{_Y}年{_M}月(?:份|底|末)?(?![\d~—–至到-])"), "m"),        # 2024年9月, 9月底
    (re.compile(rf"{_Y}年?度?(上半年|下半年|半年)"), "h"),                      # 上半年: Q2
    (re.compile(rf"{_Y}年?(全年|年度|年报|度)(?!.*(?:季|月|半年))"), "y"),     # 2024年度: Q4
]
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
# The number a clerk puts before a header (2、其中:城镇人口): with its mark only (2024年 is no number) …
_NUMBERING = re.compile(r"^(\d+[.、]|[一二三四五六七八九十]+、)")
# … and before a row label or a sheet name (一、城市低保, (一), 1.农村低保, 1低保, ① read as 1).
LABEL_NUMBER = re.compile(r"^(?:\d{1,2}[.、]?|[一二三四五六七八九十]{1,3}、|\((?:\d{1,2}|[一二三四五六七八九十]{1,3})\))")
_QIZHONG = re.compile(r"^(其中)[:]?")
_OTHER_BRACKETS = str.maketrans("【〔[〖】〕]〗", "(((())))")  # 资金【万元】, 资金[万元]: a unit as in (万元)
# 资金/万元, 资金-万元, 资金 万元 (a space or a line break): what follows the mark may be a unit
_UNIT_MARK = re.compile(r"\s*[/\-—–]\s*|\s+")
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


def visible(text: str) -> str:
    """``text`` without the characters that show nothing (``敬老院`` and a zero-width space → ``敬老院``)."""
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def header_key(value: object) -> tuple[str, str | None]:
    return _header_key(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _header_key(value: str) -> tuple[str, str | None]:
    """``'其中:直接经济损失\n(万元)'`` → ``('直接经济损失', '万元')`` (【万元】, [万元], 〔万元〕
    alike); ``'(单位:万元)'`` → ``('', '万元')``."""
    text = norm(value).translate(_OTHER_BRACKETS)
    if "(" not in text and (split := _unit_after(value)) is not None:
        text = f"{norm(split[0])}({split[1]})"  # 资金/万元 reads as 资金(万元)
    units = _BRACKETS.findall(text)
    key = _BRACKETS.sub("", text)
    key = _NUMBERING.sub("", key)  # 2、其中:城镇人口 as well as 其中:城镇人口
    key = _QIZHONG.sub("", key).replace(":", "")
    key = _NUMBERING.sub("", key)
    return key, (_stated_unit(units) if units else None)


def named_key(value: object) -> tuple[str, str | None] | None:
    """:func:`header_key` with the brackets that state no unit kept as words of the name
    (``孤儿人数(集中养育)`` → ``('孤儿人数集中养育', None)``, ``孤儿人数(散居)(人)`` →
    ``('孤儿人数散居', '人')``): a header whose brackets name a part of its column rather than its
    unit; None when every bracket states a unit (or the header has none)."""
    return _named_key(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 14)
def _named_key(value: str) -> tuple[str, str | None] | None:
    from civstat.ingest.qualifiers import header_unit  # it reads the contract's units (and this)

    text = norm(value).translate(_OTHER_BRACKETS)
    if "(" not in text:
        return None
    words = [b for b in _BRACKETS.findall(text)
             if b and header_unit(_UNIT_PREFIX.sub("", b)) is None and not _UNIT_PREFIX.match(b)]
    if not words:
        return None
    units = [b for b in _BRACKETS.findall(text) if b not in words]
    key = _BRACKETS.sub(lambda m: m[1] if m[1] in words else "", text)
    key = _NUMBERING.sub("", key)
    key = _QIZHONG.sub("", key).replace(":", "")
    key = _NUMBERING.sub("", key)
    return key, (_stated_unit(units) if units else None)


def _stated_unit(brackets: list[str]) -> str:
    """The unit of a header's brackets: the last that states one of the forms' units — a note
    may follow it (资金(万元)(含价格临时补贴): 万元, not the note) —, else the last."""
    from civstat.ingest.qualifiers import header_unit  # it reads the contract's units (and this)

    stated = [_UNIT_PREFIX.sub("", b) for b in brackets]
    return next((u for u in reversed(stated) if header_unit(u) is not None), stated[-1])


def _unit_after(value: str) -> tuple[str, str] | None:
    """(words, unit) of a header stating its unit after a slash, a dash or white space
    (``累计支出低保资金/万元``, ``资金-万元``, ``资金 万元``, ``保障标准 元/人·月``), the unit the
    longest tail that is one of the forms' units (:func:`civstat.ingest.qualifiers.header_unit`);
    None for any other header (户数, 其中:女, 持证/参训护理员, 7-9月)."""
    from civstat.ingest.qualifiers import header_unit  # it reads the contract's units (and this)

    text = unicodedata.normalize("NFKC", value).strip()
    for mark in _UNIT_MARK.finditer(text):
        if mark.start() and (unit := header_unit(text[mark.end():])) is not None:
            return text[:mark.start()], unit
    return None


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
    """Blank, or a figure's null marker (``—``, ``/``, ``无``), or words saying nothing happened
    (:func:`nothing_texts`): a cell stating no figure."""
    if is_blank(value):
        return True
    if value.__class__ is not str:
        return False
    text = norm(value)
    return text.lower() in null_markers() or text.rstrip("。.") in nothing_texts()


@cache
def null_markers() -> frozenset[str]:
    """What a figure's cell states no figure with (normalised, lower case): ``—``, ``/``, ``无`` …
    Not the words saying nothing happened (:func:`nothing_texts`): in a figure's cell they are
    no figure."""
    return _NULLS


@cache
def nothing_texts() -> frozenset[str]:
    """What says nothing happened (contract ``nothing_texts``: 本季度无灾情), normalised: 表5's
    date cell saying so is no event (:mod:`civstat.ingest.table_rows`)."""
    from civstat.contract import load_contract  # the contract's loader uses this module

    return frozenset(norm(text) for text in load_contract().nothing_texts)


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
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_ZEROS = {"零", "〇"}  # a zero written as a word (本年新增户数 | 零)


def parse_number(value: object) -> float | None:
    """``'1,775,475'``, ``'１２３'``, ``'529户'``, ``'67%'``, ``'—'`` → 1775475, 123, 529, 0.67, None;
    ``'零'`` → 0, ``'(无)'`` → None, ``'¥380,000.00'`` → 380000 (the ¥ is the cell's unit, 元:
    :func:`civstat.ingest.cell_units.cell_unit`), ``'210人(含残疾5人)'`` → 210 (a note stating a part
    of the figure: :mod:`civstat.ingest.cell_notes`; ``'210(220)'`` is no number).

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
    if value.__class__ is str and _PLAIN_NUMBER.fullmatch(value):
        return float(value)  # 35210, 12.5: digits alone, nothing to normalise or refuse
    if _DIGIT_GAP.search(unicodedata.normalize("NFKC", value)):
        raise SpacedNumber(value)
    text = norm(value)
    if text.lower() in null_markers():
        return None
    if text in _ZEROS:
        return 0.0
    text = CURRENCY.sub(r"\1", without_note(_QUOTE_PREFIX.sub(r"\1", text), all_notes=True))
    if _SCIENTIFIC.match(text):
        raise ScientificNumber(text)
    head = _NUMBER_HEAD.match(text)
    if head and "," in head[0] and not _GROUPED.match(head[0]) or _DECIMAL_COMMA.search(text):
        raise MisgroupedNumber(text)  # 1,5 / 12,34 / 380.000,00: a decimal comma, not thousands
    percent = text.endswith("%")
    text = text.rstrip("%").replace(",", "")
    text = _TRAILING_UNIT.sub("", text) if _LEADING_NUMBER.match(text) else text
    number = float(text)  # ValueError for anything else
    return number / 100 if percent else number


_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?")                     # 20241008
_CN_DATE = re.compile(r"(\d{4}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|十[一二]?|[一二三四五六七八九])月"
                      r"(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]?")  # 二〇二四年十月八日
_SHORT_DATE = re.compile(r"(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})")   # 24/10/8, 25/10/2024, 10/8/2024


class AmbiguousDate(ValueError):
    """A date whose numbers can be read in two orders (``10/8/2024``: 8 October as China and
    Europe write it, or 10 August as the US does): which one was meant cannot be told."""

    def __init__(self, text: str, dates: list[dt.date]):
        super().__init__(text)
        self.dates = dates


def parse_date(value: object) -> dt.date | None:
    """``2024年10月8日`` / ``2024-10-08`` / ``2024/10/8 …`` → a date; so is an Excel date serial
    (``45463``: a date cell that lost its format when copied), ``20241008`` (typed or a number),
    ``二〇二四年十月八日`` and the numbers of a date in the one order they make a date in:
    ``24/10/8`` (year first, China's order: a two-digit year last would be written ``08``),
    ``25/10/2024`` (no 25th month). Raises :class:`AmbiguousDate` for numbers two orders make
    a date of (``10/8/2024``, ``24/10/08``), ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = norm(value)
    if text.lower() in null_markers() or text.lower() == "nan":
        return None
    if _EXCEL_SERIAL.fullmatch(text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    m = _DATE.match(text)
    if m and not _months_apart(m[2], m[4]):
        return dt.date(int(m[1]), int(m[3]), int(m[5]))
    return _other_date(text)


def _months_apart(after_year: str, after_month: str) -> bool:
    """The marks between a date's numbers say its "day" is a second month: a range mark
    (2024年6月至7, 2024.6~7), or another mark than the year's (2024.6-7, not 2024.6.7)."""
    return (not _RANGE_MARKS.isdisjoint(after_month)
            or (after_year in (".", "/", "-") and after_month != after_year))


def _other_date(text: str) -> dt.date:
    """A date :data:`_DATE` does not read: 20241008, 二〇二四年十月八日, 24/10/8, 25/10/2024."""
    if m := _COMPACT_DATE.fullmatch(text):
        date = _date(int(m[1]), int(m[2]), int(m[3]))
    elif m := _CN_DATE.fullmatch(text):
        date = _date(_number(m[1]), _number(m[2]), _number(m[3]))
    elif m := _SHORT_DATE.fullmatch(text):
        dates = _orders(m[1], m[3], m[4])
        if len(dates) > 1:
            raise AmbiguousDate(text, dates)
        date = dates[0] if dates else None
    else:
        date = None
    if date is None:
        raise ValueError(text)
    return date


def _orders(a: str, b: str, c: str) -> list[dt.date]:
    """The dates ``a/b/c`` is in the orders Excel shows dates in: year, month, day (China's), or
    the year last after month and day (the US) or day and month (Europe); a year has two or
    four digits (a two-digit one is 20xx)."""
    dates = set()
    for y, mo, d in ((a, b, c), (c, a, b), (c, b, a)):
        if len(y) in (2, 4) and len(mo) <= 2 and len(d) <= 2:
            date = _date(int(y) + (2000 if len(y) == 2 else 0), int(mo), int(d))
            if date is not None:
                dates.add(date)
    return sorted(dates)


class PeriodRead(NamedTuple):
    """What a 报告期 (or a title) states: its year and the months it runs over, January
    (``first`` 1: the year's so far, as every return is) or a later month (7-9月: a quarter's
    months alone); ``whole``: its last month is stated to its end (9月30日, not 9月25日)."""

    year: int
    first: int
    last: int
    whole: bool = True

    @property
    def quarter(self) -> int | None:
        """The quarter it ends with, None when it ends elsewhere than a quarter's end (1-10月)."""
        return self.last // 3 if self.whole and self.last % 3 == 0 else None

    @property
    def cumulative(self) -> bool:
        return self.first == 1


def _number(text: str) -> int:
    """``'9'`` / ``'九'`` / ``'十二'`` / ``'二十八'`` / ``'二〇二四'`` → 9, 9, 12, 28, 2024."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return 10 * (_CN_DIGITS[tens] if tens else 1) + (_CN_DIGITS[units] if units else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def _year(text: str) -> int:
    year = _number(text)
    return 2000 + year if len(text) == 2 else year


def read_period(value: object, *, whole_year: bool = True) -> PeriodRead | None:
    """The period a 报告期 or a title states, else None: ``2024年第3季度`` / ``2024年三季度`` /
    ``2024Q3`` / ``2024年前三季度`` / ``2024年一至三季度`` / ``2024年1-9月`` / ``2024年9月`` /
    ``2024.1-2024.9`` / ``2024年1月1日至2024年9月30日`` → (2024, 1, 9); ``2024年上半年`` →
    (2024, 1, 6); ``2024年度`` → (2024, 1, 12); ``2024年7-9月`` / ``2024年第三、四季度`` → the
    months alone (7 … 9, 7 … 12); ``24年`` and ``二〇二四年`` are 2024. A quarter is the year's so
    far (第三季度 is 1-9月, as the form asks). A single date not at a quarter's end (a 填报日期 typed
    in the wrong cell?) says no period. ``whole_year=False``: ``2024年度`` says none either (a
    title's 2024年度民政统计 names the year the form is of, not the months its figures run over)."""
    text = norm(value)
    for pattern, kind in _PERIODS:
        m = pattern.search(text)
        if m and (whole_year or kind != "y"):
            return _period_of(kind, list(m.groups()))
    return None


def _period_of(kind: str, g: list) -> PeriodRead | None:
    year = _year(g[0])
    if kind in ("h", "y"):
        first, last = {"上半年": (1, 6), "半年": (1, 6), "下半年": (7, 12)}.get(g[1], (1, 12))
        return PeriodRead(year, first, last)
    if kind == "q":
        return PeriodRead(year, 1, 3 * _number(g[1]))
    if kind == "qq":
        a, b = _number(g[1]), _number(g[2])
        return PeriodRead(year, 3 * a - 2, 3 * b) if a <= b else None
    if kind == "m":
        return _months(year, 1, _number(g[1]))
    if kind == "mm":
        if g[2] is not None and _year(g[2]) != year:
            return None  # 2023.10-2024.9: not one year's
        return _months(year, _number(g[1]) if g[1] else 1, _number(g[3]))
    if kind == "d":
        end = _date(year, _number(g[1]), int(g[2]))
        return _months(year, 1, end.month) if end and month_end(end) else None
    start = _date(year, _number(g[1]), int(g[2]))                                   # dd
    end = _date(_year(g[3]) if g[3] else year, _number(g[4]), int(g[5]))
    if start is None or end is None or end.year != year:
        return None
    read = _months(year, start.month, end.month)
    return read._replace(whole=month_end(end)) if read else None


def _months(year: int, first: int, last: int) -> PeriodRead | None:
    return PeriodRead(year, first, last) if 1 <= first <= last <= 12 else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(day: dt.date) -> bool:
    """The last day of its month."""
    return (day + dt.timedelta(days=1)).day == 1


def parse_period(value: object) -> tuple[int, int] | None:
    """(year, quarter) of a period that runs from January to a quarter's end (:func:`read_period`:
    ``2024年第4季度`` / ``2024年1-12月`` / ``2024年度`` → (2024, 4)), else None."""
    read = read_period(value)
    return (read.year, read.quarter) if read and read.cumulative and read.quarter else None
