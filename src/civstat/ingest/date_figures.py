"""A figure in a cell formatted as a date (Excel, WPS): the number the cell stores.

A clerk's count or money cell may carry a date format (a column copied from another sheet, WPS
guessing): Excel stores the figure, 120, and shows it as the day of that serial, 1900-04-29.
calamine hands such a cell over as a date, which the reader's grid holds as its text
``1900-04-29 00:00:00`` (:mod:`civstat.ingest.workbook`; a serial below 1, or a negative one, as
a time on 1899-12-31). In a figure's column such a cell is read back as its serial — days since
1899-12-30 in Excel's 1900 system, since 1899-12-31 before 1900-03-01, Excel counting a
1900-02-29 that never was — when its day is implausible as a date (before 1950, or 2100 and
after: 380000.5 shows as 2940-05-26 12:00), with a finding (``figure_as_date``). A plausible
date (a date typed where a figure belongs, or columns shifted) is refused, and so is 1900-02-28,
which calamine gives for 59 and for 60 alike, and a time on 1899-12-31, which it gives for 0 and
every negative whole number alike (-5 and -1000 read as 0), for a fraction below 1 and a negative
figure's fraction alike (-1000.25 read as 0.75): the figure the cell stores cannot be read from
its date. An .xlsx or .xls holds it (:mod:`civstat.ingest.stored_figures` reads it for these
cells alone); read from there (``stored``), it is the figure, with the same finding. Where it
cannot be found (a CSV) the cell is refused.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from civstat.ingest.refusal import Finding, Refusal

DATE_TEXT = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"  # a date cell as the reader's grid holds it
_FORMAT = "%Y-%m-%d %H:%M:%S"
PLAUSIBLE = (1950, 2100)  # the years a date in a return may be of: from 1950, before 2100
_LEAP_BUG = dt.datetime(1900, 3, 1)  # from here Excel's serials count its 1900-02-29
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)  # day 0 of the 1904 date system (workbookPr date1904)
_UNTOLD = dt.date(1900, 2, 28)  # 59 and 60 alike (60 is Excel's 1900-02-29)
_BELOW_ONE = dt.date(1899, 12, 31)  # 0 and every negative figure (its fraction the time) alike
_DAY = 86_400.0
UNTOLD_HEADS = frozenset(f"{day.isoformat()} " for day in (_UNTOLD, _BELOW_ONE))  # their text's first 11
BELOW_ONE_HEAD = f"{_BELOW_ONE.isoformat()} "


class DateInFigure(ValueError):
    """A figure's cell holding a date as a date (2024-06-20), or one whose figure cannot be
    told (1900-02-28: 59 or 60; 1899-12-31: 0, or a negative figure)."""

    def __init__(self, day: dt.date):
        super().__init__(day.isoformat())
        self.day = day


def is_date_text(raw: object) -> bool:
    return raw.__class__ is str and len(raw) == 19 and raw[4] == "-" and raw[10] == " " and (
        _parse(raw) is not None)


def _parse(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, _FORMAT)
    except ValueError:
        return None


def is_untold(raw: object) -> bool:
    """A cell's text is a date whose figure cannot be told from it (1900-02-28: 59 or 60;
    1899-12-31: 0, a negative figure, a fraction below 1)."""
    return raw.__class__ is str and raw[:11] in UNTOLD_HEADS and is_date_text(raw)


def stores(text: str, number: float) -> bool:
    """Whether ``number`` is a figure calamine gives as the untold date ``text``: 59 or 60
    (and its fraction) as 1900-02-28, a figure below 1 as 1899-12-31 at its fraction of a day
    (-1000.25: 18:00), to the second."""
    when = _parse(text)
    if when is None or not math.isfinite(number) or not (
            number < 1 if when.date() == _BELOW_ONE else
            59 <= number < 61 if when.date() == _UNTOLD else False):
        return False
    seconds = (number - math.floor(number)) * _DAY - (when - when.replace(
        hour=0, minute=0, second=0)).total_seconds()
    return min(seconds % _DAY, -seconds % _DAY) <= 1  # (calamine keeps the second)


def implausible_date(raw: object) -> bool:
    """A cell's text is a date no return's date is (before 1950, or 2100 and after): in a figure's
    column, a figure formatted as a date."""
    return is_date_text(raw) and not PLAUSIBLE[0] <= int(raw[:4]) < PLAUSIBLE[1]


def serial_1904(text: str) -> float:
    """The figure a date cell's text stands for in a workbook of the 1904 date system (Excel for
    Mac's of old: day 0 is 1904-01-01, and no 1900-02-29): ``1904-07-29 00:00:00`` → 210.0."""
    return (dt.datetime.strptime(text, _FORMAT) - _EPOCH_1904).total_seconds() / _DAY


def serial(text: str, stored: float | None = None) -> float:
    """The figure a date cell's text stands for (``1900-04-29 00:00:00`` → 120.0); raises
    :class:`DateInFigure` for a plausible date, or 1900-02-28 or 1899-12-31 — unless the figure
    is given (``stored``: the workbook's own number for such a date, or every figure of a 1904
    workbook's: :mod:`civstat.ingest.stored_figures`)."""
    when = _parse(text)
    if when is None:
        raise ValueError(text)
    if stored is not None:
        return stored
    if PLAUSIBLE[0] <= when.year < PLAUSIBLE[1] or when.date() in (_UNTOLD, _BELOW_ONE):
        raise DateInFigure(when.date())
    days = (when - _EPOCH).total_seconds() / _DAY
    return days - 1 if when < _LEAP_BUG else days


def day_serial(text: str) -> int | None:
    """The whole figure a date cell's text stands for whatever its year (``1987-08-11 00:00:00``
    → 32000): for a field no date can fill (a cover's 户籍人口), where a plausible date is no
    column shifted. None for a time of day (a fraction), or 1900-02-28 / 1899-12-31 (untold)."""
    when = _parse(text) if is_date_text(text) else None
    if when is None or when.time() != dt.time() or when.date() in (_UNTOLD, _BELOW_ONE):
        return None
    days = (when - _EPOCH).days
    return days - 1 if when < _LEAP_BUG else days


def serials(text: pl.Series, stored: dict[int, float] | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Over a column of cell texts: (is a date's text, its figure, NaN where the date is
    plausible, 1900-02-28 or 1899-12-31 and where the text is no date's) — as :func:`serial`
    per cell (``stored``: position → the figure the workbook stores for such a date)."""
    when = text.str.strptime(pl.Datetime("ms"), _FORMAT, strict=False)
    is_date = (text.str.contains(DATE_TEXT) & when.is_not_null()).fill_null(False).to_numpy()
    year = when.dt.year().fill_null(PLAUSIBLE[0]).to_numpy()
    days = ((when - _EPOCH).dt.total_milliseconds().to_numpy(allow_copy=True).astype(np.float64)
            / (_DAY * 1000))
    days = np.where(when.fill_null(_LEAP_BUG).to_numpy() < np.datetime64(_LEAP_BUG), days - 1, days)
    untold = when.dt.date().is_in([_UNTOLD, _BELOW_ONE]).fill_null(False).to_numpy()
    plausible = (year >= PLAUSIBLE[0]) & (year < PLAUSIBLE[1])
    days = np.where(is_date & ~plausible & ~untold, days, np.nan)
    for i, figure in (stored or {}).items():
        if is_date[i]:
            days[i] = figure
    return is_date, days


def date_refusal(raw: str, day: dt.date, where: dict) -> Refusal:
    """A figure's cell holding a date: its own words (:class:`DateInFigure`)."""
    if day == _BELOW_ONE:
        return Refusal("bad_value",
                       f"单元格设置成了日期格式(读出为日期 {_as_read(raw)}),0、负数和小于1的数都读出为"
                       "1899-12-31 这一天,无法读出其中存的数:请把单元格设为数值格式后重填",
                       f"the cell is formatted as a date (read as the date {_as_read(raw)}), as 0, "
                       "a negative figure and one below 1 all are: the figure it holds cannot be "
                       "read; format the cell as a number and fill it in again", **where)
    if day == _UNTOLD:
        return Refusal("bad_value",
                       f"单元格设置成了日期格式(读出为日期 {_as_read(raw)}),59 和 60 都读出为这一天,"
                       "无法确定是哪个数:请把单元格设为数值格式后重填",
                       f"the cell is formatted as a date (read as the date {_as_read(raw)}), as 59 "
                       "and 60 both are: which figure it holds cannot be told; format the cell as "
                       "a number and fill it in again", **where)
    return Refusal("bad_value",
                   f"这里应填数字,单元格却是日期 {day.isoformat()}:各列是否错位?日期是否误填在数字栏?",
                   f"a figure belongs here, but the cell holds a date, {day.isoformat()}: are the "
                   "columns shifted, or a date typed where a figure belongs?", **where)


def _as_read(raw: str) -> str:
    """The date a cell's text is, as a message quotes it: 1900-04-29, or 1900-04-29 12:00."""
    return raw[:10] if raw.endswith(" 00:00:00") else raw[:16]


def date_finding(raw: str, shown: str, where: dict) -> Finding:
    """A figure read from a cell formatted as a date (``shown``: the figure as findings quote it)."""
    column, day = where["column"], _as_read(raw)
    return Finding("figure_as_date",
                   f"{column} 单元格设置成了日期格式(读出为日期 {day}),按其中存的数 {shown} 读取:"
                   "请核对,并把单元格设为数值格式",
                   f"{column}: the cell is formatted as a date (read as the date {day}); read as "
                   f"the figure it stores, {shown}: check it, and format the cell as a number",
                   **where)


def shown_serial(raw: str, number: float) -> str:
    """A figure read from a date's text, as a refusal quotes it: 380000.5 (日期格式 2940-05-26 12:00)."""
    figure = f"{number:.6f}".rstrip("0").rstrip(".")
    return f"{figure}(日期格式 {_as_read(raw)})"
