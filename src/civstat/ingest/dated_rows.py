"""Rows dated outside the return's period: an event of another year, or after the period's end.

A return's figures run from 1 January to the end of its quarter (1月至本期). An event
(表5 自然灾害) dated in another year is counted in no quarter of this one — the warehouse places
events by their date and keeps those of the return's year — so its people and losses would
vanish from every total; one dated after the period's end is counted a quarter early, or was
mistyped. Either is refused (``bad_value``), naming the cell: which date was meant cannot be
told. The dates checked are the date columns of the sheets whose rows are events.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache

from civstat.contract import load_contract
from civstat.ingest.refusal import Refusal


@cache
def _dated() -> dict[str, tuple[str, ...]]:
    """Sheet family → its date columns, for the sheets whose rows are events."""
    return {sheet.family: tuple(c.name for c in sheet.columns if c.type == "date")
            for sheet in load_contract().sheets
            if sheet.row_kind == "event" and any(c.type == "date" for c in sheet.columns)}


def refuse_dates_outside(parsed, period: tuple[int, int]) -> None:
    """Refuse the return when an event row's date falls outside 1 January to the end of
    ``period`` (year, quarter)."""
    year, quarter = period
    first = dt.date(year, 1, 1)
    last = dt.date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    for family, names in _dated().items():
        sheet = parsed.sheets.get(family)
        if sheet is None:
            continue
        columns = {c.name: c.header for c in load_contract().sheet(family).columns}
        for row in sheet.rows:
            for name in names:
                date = row.get(name)
                if date is None or row.get("is_total") or first <= date <= last:
                    continue
                when_zh, when_en = ((f"不在{year}年", f"not in {year}") if date.year != year else
                                    (f"晚于报告期末 {last:%Y-%m-%d}", f"after the period's end, {last}"))
                raise Refusal(
                    "bad_value",
                    f"{columns[name]} {date:%Y-%m-%d} {when_zh}:本表填报{year}年1月至本期的事件,"
                    "这一行不会计入任何季度(或提前计入),请核对日期",
                    f"{columns[name]} {date} is {when_en}: the table holds the events of {year} "
                    "to the period's end, and this row would count in no quarter (or too early): "
                    "check the date", sheet=sheet.sheet_name, row=row["source_row"],
                    column=columns[name])
