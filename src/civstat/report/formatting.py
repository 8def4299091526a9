"""Numbers the Chinese way: thousands separators, 元 or 万元, rates as percentages (one decimal),
changes in 个百分点. Every function returns text; ``None`` in gives ``None`` out so that a
sentence clause with a missing figure can be dropped by the phrase engine. A non-finite figure
(NaN, ±inf — a division by zero upstream) counts as missing: it never crashes a report and is
never printed."""

from __future__ import annotations

import math
from dataclasses import dataclass

MONEY_UNITS = ("元", "万元")


def _missing(x: object) -> bool:
    """None, NaN or ±inf (float, Decimal, numpy scalar alike) — nothing to print."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return False  # not a number: let the caller's formatting decide


def _finite_or_none(x: float) -> float | None:
    """A derived figure (a change, a ratio) that overflowed is missing too."""
    return x if math.isfinite(x) else None


def fmt_int(x, unit: str = "") -> str | None:
    """1775475 → '1,775,475' (+ unit)."""
    if _missing(x):
        return None
    return f"{round(x):,}{unit}"


def fmt_num(x, decimals: int = 1, unit: str = "") -> str | None:
    """A measured quantity; drops a trailing '.0' only when the value is whole."""
    if _missing(x):
        return None
    if float(x).is_integer():
        return f"{int(x):,}{unit}"
    return f"{x:,.{decimals}f}{unit}"


def fmt_pct(rate, decimals: int = 1) -> str | None:
    """0.285 → '28.5%' (rates are stored as fractions)."""
    pct = None if _missing(rate) else _finite_or_none(rate * 100)
    if pct is None:
        return None
    return f"{pct:.{decimals}f}%"


def fmt_yuan(yuan) -> str | None:
    """An amount in 元 at the precision it was reported with: whole yuan when it has no 分
    (1775475 → '1,775,475'), else to the 分 (384560.63 → '384,560.63'). Binary noise of a
    sum (…0.0000001) is not precision: amounts are taken to the 分 first."""
    if _missing(yuan):
        return None
    cents = round(float(yuan) * 100)
    if cents % 100 == 0:
        return f"{cents // 100:,}"
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def fmt_reported(x, unit: str = "") -> str | None:
    """A level as reported (a 保障标准): separators, no trailing zeros, at most two decimals
    (3300 → '3,300', 612.5 → '612.5')."""
    if _missing(x):
        return None
    cents = round(float(x) * 100)
    text = fmt_yuan(cents / 100)
    if text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}{unit}"


@dataclass(frozen=True)
class MoneyFormat:
    """Totals in 元 (at the precision reported: whole yuan, or to the 分 where the figure has
    分) or 万元 (two decimals), per the report setting."""

    unit: str = "元"

    def __post_init__(self):
        if self.unit not in MONEY_UNITS:
            raise ValueError(
                f"金额单位只能是 元 或 万元 / money unit must be 元 or 万元, got {self.unit!r}"
            )

    def total(self, yuan) -> str | None:
        text = self.cell(yuan)
        return None if text is None else f"{text}{self.unit}"

    def cell(self, yuan) -> str | None:
        """The figure without its unit (a table cell under a '资金（元）' header)."""
        if _missing(yuan):
            return None
        if self.unit == "万元":
            return f"{yuan / 10000:,.2f}"
        return fmt_yuan(yuan)

    def scale(self, yuan) -> float | None:
        """The number shown in tables and charts (in the report's money unit)."""
        if _missing(yuan):
            return None
        return yuan / 10000 if self.unit == "万元" else float(yuan)


def fmt_yuan_level(yuan, decimals: int = 1) -> str | None:
    """Per-capita levels and standards are always in 元 (e.g. '月人均补助412.5元')."""
    return fmt_num(yuan if _missing(yuan) else round(yuan, decimals), decimals, "元")


def pp_change(rate_now, rate_before, words: dict[str, str], decimals: int = 1) -> str | None:
    """'提高3.1个百分点' / '降低0.4个百分点' / '持平' for two rates (fractions)."""
    if _missing(rate_now) or _missing(rate_before):
        return None
    diff = _finite_or_none((rate_now - rate_before) * 100)
    if diff is None:
        return None
    delta = round(diff, decimals)
    if delta == 0:
        return words["flat"]
    word = words["up"] if delta > 0 else words["down"]
    return f"{word}{abs(delta):.{decimals}f}个百分点"


def growth(now, before, words: dict[str, str], decimals: int = 1) -> str | None:
    """'增长5.2%' / '下降1.0%' / '持平' for two levels."""
    if _missing(now) or _missing(before) or before == 0:
        return None
    ratio = _finite_or_none((now / before - 1) * 100)
    if ratio is None:
        return None
    delta = round(ratio, decimals)
    if delta == 0:
        return words["flat"]
    word = words["up"] if delta > 0 else words["down"]
    return f"{word}{abs(delta):.{decimals}f}%"


def growth_rate(rate, words: dict[str, str], decimals: int = 1) -> str | None:
    """A growth already computed as a fraction (e.g. the dibao_standard_growth KPI)."""
    if _missing(rate):
        return None
    pct = _finite_or_none(rate * 100)
    if pct is None:
        return None
    delta = round(pct, decimals)
    if delta == 0:
        return words["flat"]
    word = words["up"] if delta > 0 else words["down"]
    return f"{word}{abs(delta):.{decimals}f}%"


_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → '一', 10 → '十', 12 → '十二', 21 → '二十一' (section and block numbers, 1–99)."""
    if not 0 < n < 100:
        raise ValueError(f"cn_numeral: {n} is outside 1–99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


from civstat.periods import CN_QUARTER  # noqa: F401 (re-exported)
from civstat.periods import ytd_span as period_span  # noqa: F401 (re-exported)
