"""Decimals a figure cannot have, typed in a cell: an amount in 元 finer than the 分 (two
decimals) — ``177.5475`` under a header in 元 is a figure in 万元 (1,775,475 元), ``380.000`` one
with a point for thousands (380,000) — and a whole number typed with three zeros after a point
(``1.000``: one, or a thousand?). Both were read silently (177.55 元, 380 元, 1 person); the
cell is now refused, naming it. More than four decimals (a formula's result, 126666.666667) is
no typed figure and is rounded to the 分 as before.

:func:`doubtful_at` finds them in a batch (one regex over the batch's text; the few cells it
hits are looked at one by one), :func:`doubtful_refusal` words the refusal of one cell.
"""

from __future__ import annotations

import re

import polars as pl

from civstat.ingest.refusal import Refusal

# the cheap scan: a point followed by three digits (no lookaround: polars' regex has none)
_SCAN = r"\d[.．]\d{3}"
# 3 or 4 decimals, the end of the number after them
_FINE = re.compile(r"\d[.．](\d{3,4})(?:$|[^\d.．])")
# 1 to 3 digits, a point and three zeros, alone as the number
_THOUSANDS_POINT = re.compile(r"(?:^|[^\d,.．])(\d{1,3})[.．]000(?:$|[^\d.．])")
_YUAN = "元"


def doubtful(raw, unit: str | None, factor: float, whole: bool) -> tuple[str, str] | None:
    """What is wrong with the cell's decimals: ``("yuan", decimals)`` for an amount in 元 (its
    column's unit, the factor 1: neither its header nor its cell states 万元) typed with 3 or
    4 decimals; ``("whole", digits)`` for a whole number typed as 1 to 3 digits and ``.000``;
    else None."""
    if raw is None:
        return None
    text = str(raw)
    if whole:
        found = _THOUSANDS_POINT.search(text)
        return ("whole", found[1]) if found and int(found[1]) else None  # 0.000 is 0 either way
    if unit == _YUAN and factor == 1 and (found := _FINE.search(text)) is not None:
        return ("yuan", found[1])
    return None


def doubtful_at(raw: pl.Series, factor, units: list, whole: list) -> list[int]:
    """The indexes of the batch's cells :func:`doubtful` finds fault with."""
    hits = raw.str.contains(_SCAN).fill_null(False)
    if not hits.any():
        return []
    return [i for i in hits.arg_true().to_list()
            if doubtful(raw[i], units[i], float(factor[i]), whole[i]) is not None]


def doubtful_refusal(raw, unit: str | None, factor: float, whole: bool, shown: str,
                     where: dict) -> Refusal | None:
    """The refusal of a cell whose decimals it cannot have (:func:`doubtful`), else None."""
    found = doubtful(raw, unit, factor, whole)
    if found is None:
        return None
    kind, digits = found
    if kind == "whole":
        zh, en = thousands_question(int(digits))
        return Refusal("bad_value", f"{shown} {zh}", f"{shown}: {en}", **where)
    return Refusal("bad_value",
                   f"{shown} 元有{len(digits)}位小数,比“分”还细:是按万元填的,还是小数点当作千分位?"
                   "请按元填写(最多两位小数),或在表头注明万元",
                   f"{shown} 元 has {len(digits)} decimals, finer than a fen: typed in 万元, or a "
                   "point for thousands? Fill in 元 (two decimals at most), or state 万元 in the "
                   "header", **where)


def thousands_question(small: int) -> tuple[str, str]:
    """What a whole number typed ``664.000`` asks (zh, en): 664, or 664,000?"""
    return (f"是 {small} 还是 {small * 1000}(小数点当作千分位)?请不带小数点填写",
            f"{small}, or {small * 1000} with a point for thousands? Fill it in without a point")
