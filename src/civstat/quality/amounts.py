"""A figure of a return's column as a gate message quotes it: with its unit, so the clerk finds
it on her sheet.

The raw layer holds every figure in the warehouse's unit (元, 亩, 人), whatever unit the return's
header stated, and does not record that unit. So a money figure is quoted in both units returns
state: in the form's unit first where the form prints another than the warehouse's (直接经济损失:
``19.91万元(199,100元)``), else in 元 and, from one 万元 up, in 万元 too
(``1,991,000元(199.1万元)``). Other figures carry their column's unit (``482亩``, ``105张``); a
保障标准 (stored per month or per year, as reported) and a column without a unit stay bare.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from civstat.contract import Column, Contract

# the unit a money figure from one of it up is quoted in too (headers state it or 元)
ALSO_IN = {"元": "万元"}


def fmt_value(v: Any, percent: bool = False) -> str:
    if v is None:
        return "空"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if percent:
            return f"{v * 100:.1f}%"
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) >= 0.01 else f"{v:.4g}"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    return str(v)


def contract_column(contract: Contract, table: str | None, name: str | None) -> Column | None:
    """The contract's column ``name`` of raw table ``table`` (``submissions``: the cover's)."""
    if not table or not name:
        return None
    if table == "submissions":
        columns = contract.cover_fields
    else:
        columns = next((s.columns for s in contract.sheets if s.table == table), ())
    return next((c for c in columns if c.name == name), None)


def amount_text(value, col: Column | None, contract: Contract, lang: str = "zh") -> str:
    """``value`` (in the warehouse's unit) as the figure of ``col`` a message quotes."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or col is None \
            or not col.unit or col.period_units:
        return fmt_value(value)
    own = _in(value, col.unit, 1.0, lang)
    other = col.form_unit if col.form_unit and col.form_unit != col.unit else ALSO_IN.get(col.unit)
    canonical, factor = contract.unit_conversions.get(other or "", (None, 1.0))
    if canonical != col.unit or factor == 1:
        return own
    converted = _in(value, other, factor, lang)
    if other == col.form_unit:
        return _pair(converted, own, lang)
    return _pair(own, converted, lang) if abs(value) >= factor else own


def _in(value: float, unit: str, factor: float, lang: str) -> str:
    """``value`` (in the column's unit) in ``unit`` (``factor`` of the column's unit each),
    exactly: 199,100 元 is 19.91 万元, 199,123.5 元 19.91235 万元 (whole cents first)."""
    if factor == 1:
        text = fmt_value(value)
    else:
        amount = (Decimal(repr(round(float(value), 2))) / Decimal(repr(factor))).normalize()
        text = f"{amount:,f}"
    return f"{text}{unit}" if lang == "zh" else f"{text} {unit}"


def _pair(first: str, second: str, lang: str) -> str:
    return f"{first}({second})" if lang == "zh" else f"{first} ({second})"
