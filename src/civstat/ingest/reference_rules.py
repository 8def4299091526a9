"""Reading the bureau's reference CSVs as Excel writes them: encodings, headers, and cell parsers.

Every parser takes the raw cell text and returns the typed value (``None`` for an empty optional
cell) or raises :class:`CellError` with a Chinese and an English message. Parsers accept what Excel
on Chinese Windows writes (dates as ``2011/1/1``, ``2011年1月1日``; codes as ``371599101000.0``;
full-width digits; stray spaces) but never guess: a value that cannot be recovered exactly is
refused with a message that says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

_CODE = re.compile(r"\d{12}")
_NUMBER_CODE = re.compile(r"(\d+)(?:\.(\d*))?(?:[eE]\+?(\d+))?")
_DATE_SEP = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME_PART = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_PERIOD_Q = re.compile(r"(\d{4})(?:年)?-?Q([1-4])", re.IGNORECASE)
_PERIOD_CN = re.compile(r"(\d{4})年第?([1-4一二三四])季度?")
_GROUPED = re.compile(r"[-+]?[1-9]\d{0,3}(?:,\d{3,4})+(?:\.\d*)?%?")  # 1,200  12,0000  1,234.5
_CN_QUARTER = {"一": "1", "二": "2", "三": "3", "四": "4"}
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)


class CellError(ValueError):
    """A cell that cannot be read; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh, en)
        self.zh, self.en = zh, en


Parser = Callable[[str | None], object]


# -- text helpers ------------------------------------------------------------------------------

def clean(value: str | None) -> str:
    """Strip white space (full-width and non-breaking too) and invisible marks around a cell."""
    return (value or "").translate(_INVISIBLE).strip()


def compact(value: str | None) -> str:
    """NFKC (full-width → ASCII) and no white space at all: for codes, dates, numbers."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean(value)))


def header_name(value: str) -> str:
    return compact(value).lower()


# -- parsers -----------------------------------------------------------------------------------

def _required(text: str, required: bool) -> bool:
    """True when the cell is empty (and allowed to be); raises when it is empty but required."""
    if text:
        return False
    if required:
        raise CellError("不能为空", "must not be empty")
    return True


def parse_code(value: str | None, required: bool = True) -> str | None:
    """A 12-digit division code; also ``371599101000.0`` and exact scientific notation."""
    text = compact(value).lstrip("'")
    if _required(text, required):
        return None
    if _CODE.fullmatch(text):
        return text
    m = _NUMBER_CODE.fullmatch(text)
    if m and m[3] is not None:
        digits_after_point = len(m[2] or "")
        if int(m[3]) - digits_after_point > 0:
            raise CellError(
                f"区划代码被写成了科学计数法,后几位已丢失,无法还原为12位代码"
                f"(请把该列设为“文本”格式后重新录入):{text}",
                f"division code written in scientific notation: its last digits are lost and the "
                f"12-digit code cannot be recovered (format the column as Text and re-enter it): {text}")
    if m:
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is not None and number == number.to_integral_value():
            digits = str(int(number))
            if _CODE.fullmatch(digits):
                return digits
    raise CellError(f"区划代码应为12位数字(如 371599101000):{text}",
                    f"division code must be 12 digits (e.g. 371599101000): {text}")


def optional_code(value: str | None) -> str | None:
    return parse_code(value, required=False)


def parse_date(value: str | None) -> dt.date | None:
    """``2011-01-01``, ``2011/1/1``, ``2011.1.1``, ``2011年1月1日``, ``20110101`` (a time part,
    as Excel adds to date-times, is dropped); empty → None."""
    text = _TIME_PART.sub("", unicodedata.normalize("NFKC", clean(value)).strip())
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    m = _DATE_SEP.fullmatch(text)
    parts = (m[1], m[3], m[4]) if m else None
    for pattern in (_DATE_CN, _DATE_COMPACT):
        m = parts is None and pattern.fullmatch(text)
        if m:
            parts = (m[1], m[2], m[3])
    if parts is None:
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            raise CellError(f"这是Excel的日期序列号,请把该列设为日期格式后另存:{text}",
                            f"this is an Excel date serial number; format the column as a date and "
                            f"save again: {text}")
        raise CellError(f"日期格式无法识别,应为 2011-01-01(也接受 2011/1/1、2011年1月1日、2011.1.1):{text}",
                        f"unrecognised date, write 2011-01-01 (2011/1/1, 2011年1月1日, 2011.1.1 are "
                        f"accepted too): {text}")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise CellError(f"不是有效日期(月或日超出范围):{text}",
                        f"not a valid date (month or day out of range): {text}") from None


class Percent(float):
    """A number the cell wrote with a per-cent sign (``150%`` → 1.5): a ratio's target stated so
    may pass 100%, one written ``95`` for 95% may not (see ``target_not_fraction``)."""


def parse_number(value: str | None) -> float:
    """A finite number; ``1,000`` (or ``12,0000``), full-width digits and ``30%`` (→
    :class:`Percent` 0.3) are accepted; a comma that cannot separate thousands (``0,95``, ``35,5``:
    a decimal comma) is refused rather than dropped."""
    text = compact(value)
    if "," in text and not _GROUPED.fullmatch(text):
        raise CellError(f"逗号不是千位分隔符(小数点请用 . ):{text}",
                        f"the comma does not separate thousands (write the decimal point as .): {text}")
    text = text.replace(",", "")
    _required(text, True)
    percent = text.endswith("%")
    try:
        number = float(text[:-1] if percent else text)
    except ValueError:
        raise CellError(f"应为数值:{text}", f"must be a number: {text}") from None
    if not math.isfinite(number):
        raise CellError(f"应为有限数值:{text}", f"must be a finite number: {text}")
    return Percent(number / 100) if percent else number


def parse_year(value: str | None) -> int:
    text = compact(value).removesuffix("年")
    _required(text, True)
    m = re.fullmatch(r"(\d{4})(?:\.0+)?", text)
    if not m:
        raise CellError(f"年份应为4位数字:{text}", f"year must have 4 digits: {text}")
    return int(m[1])


def parse_period(value: str | None) -> str:
    """``2024Q4``; also ``2024q4``, ``2024-Q4``, ``2024年第4季度``, ``2024年四季度``."""
    text = compact(value)
    _required(text, True)
    m = _PERIOD_Q.fullmatch(text) or _PERIOD_CN.fullmatch(text)
    if not m:
        raise CellError(f"报告期应形如 2024Q4:{text}", f"period must look like 2024Q4: {text}")
    return f"{m[1]}Q{_CN_QUARTER.get(m[2], m[2])}"


def parse_text(value: str | None) -> str | None:
    return clean(value) or None


def required_text(value: str | None) -> str:
    text = clean(value)
    _required(text, True)
    return text


def parse_identifier(value: str | None, upper: bool = False) -> str:
    """A code like ``S1`` or ``nursing_bed_share``: no spaces, case normalised."""
    text = compact(value)
    _required(text, True)
    return text.upper() if upper else text.lower()


def rule_code(value: str | None) -> str:
    return parse_identifier(value, upper=True)


def kpi_code(value: str | None) -> str:
    return parse_identifier(value)


def choice(options: dict[str, str]) -> Parser:
    """A parser accepting the keys of ``options`` (case-insensitive) → their canonical value."""
    shown = "/".join(dict.fromkeys(options.values()))

    def parse(value: str | None) -> str:
        text = compact(value).lower()
        _required(text, True)
        if text not in options:
            raise CellError(f"取值应为 {shown}:{text}", f"must be one of {shown}: {text}")
        return options[text]
    return parse


LEVEL = choice({"province": "province", "city": "city", "county": "county",
                "township": "township", "省": "province", "省级": "province", "市": "city",
                "地级": "city", "地级市": "city", "市级": "city", "县": "county", "县级": "county",
                "乡镇": "township", "乡级": "township"})
COMPARISON = choice({">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", "==": "="})


# -- files -------------------------------------------------------------------------------------

@dataclass
class CsvFile:
    """A decoded CSV: header names (normalised) and data records with the row numbers Excel shows
    (the header is row 1; a quoted cell with line breaks is one row)."""

    header: list[str]
    records: list[tuple[int, list[str]]]
    encoding: str
    header_cells: list[str] = field(default_factory=list)  # the header row as written


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's “Unicode text”) or GBK/GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise CellError("无法识别文件编码(应为 UTF-8 或 GBK)",
                        "unrecognised file encoding (must be UTF-8 or GBK)") from None


def read_csv(path: Path) -> CsvFile:
    """Decode and split a reference CSV; raises :class:`CellError` when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CellError(f"无法读取文件:{exc.strerror}", f"cannot read the file: {exc.strerror}") from None
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise CellError(f"CSV 格式错误:{exc}", f"malformed CSV: {exc}") from None
    if not rows or not any(clean(c) for c in rows[0]):
        raise CellError("文件为空或没有表头行", "the file is empty or has no header row")
    header = [header_name(c) for c in rows[0]]
    records = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(clean(c) for c in r)]
    return CsvFile(header, records, encoding, rows[0])
