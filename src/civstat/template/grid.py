"""A laid-out sheet (``Grid``) and the cell values it holds, in the units the form shows.

Layout (``layout``, ``book``) fills grids; renderers (``render``) write them. Nothing here knows
about programmes: a grid is rows of ``(value, role)`` cells, merged ranges and Excel-only extras.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from civstat.contract import Column, load_contract


@dataclass(frozen=True)
class Formula:
    text: str  # without the leading "="


@dataclass
class Grid:
    """One sheet, laid out: rows of (value, role) cells, merged ranges, Excel-only extras."""

    name: str
    rows: list[list[tuple[Any, str] | None]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    validations: list[tuple[int, int, int, int, dict]] = field(default_factory=list)
    protect: bool = False
    freeze: int = 0  # rows frozen at the top (header)

    def add(self, cells: list[tuple[Any, str] | None]) -> int:
        self.rows.append(cells)
        return len(self.rows) - 1


def unit_factor(col: Column, unit: str | None) -> float:
    """Canonical value ÷ factor = value in the displayed unit."""
    conv = load_contract().unit_conversions
    if unit in conv and col.unit == conv[unit][0]:
        return conv[unit][1]
    return 1.0


def plain_number(v: float, decimals: int) -> str:
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.{decimals}f}".rstrip("0").rstrip(".")


def as_display(col: Column, value: Any, unit: str | None) -> Any:
    """Canonical value → the number written under ``unit`` (rounded like a form would be)."""
    if value is None or col.type not in ("int", "money", "decimal"):
        return value
    factor = unit_factor(col, unit)
    if factor == 1:
        return (
            int(value)
            if col.type == "int"
            else (float(value) if not float(value).is_integer() else int(value))
        )
    shown = round(value / factor, 4 if col.type == "money" else 2)
    return int(shown) if float(shown).is_integer() else shown


def as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def summable(col: Column) -> bool:
    """Counts, money and areas add up in a 合计 row; standards, dates and names do not."""
    return col.type in ("int", "money") or (col.type == "decimal" and col.unit == "亩")


def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s
