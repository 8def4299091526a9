"""Numbers the Chinese way: thousands separators, 元 or 万元, rates as percentages (one decimal),
changes in 个百分点. Every function returns text; ``None`` in gives ``None`` out so that a
sentence clause with a missing figure can be dropped by the phrase engine. A non-finite figure
(NaN, ±inf — a division by zero upstream) counts as missing: it never crashes a report and is
never printed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

MONEY_UNITS = ("auto", "元", "万元")


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


_EXACT = Context(prec=60)  # room for 10^18 to 10^-9 without rounding


def rounded(x, decimals: int = 0) -> Decimal:
    """``x`` to ``decimals`` decimals as statistical publications round, 四舍五入 on the figure's
    own decimal digits (half up; not GB/T 8170's 奇进偶舍 for measurements): 3 ÷ 2,000 = 0.15%
    → 0.2%, 5 ÷ 2,000 = 0.25% → 0.3%, where binary floats (0.15 is 0.1499999…) and Python's
    round-half-even (round(12.5) is 12, f"{0.25:.1f}" is 0.2) printed 0.1%, 12 and 0.2%. A
    float's binary noise below 10⁻⁹ is taken off first (0.285 × 100 is 28.499999999999996)."""
    d = _EXACT.create_decimal(repr(float(x))).quantize(Decimal("1e-9"), ROUND_HALF_EVEN,
                                                       context=_EXACT)
    return d.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, context=_EXACT)


def fixed(x, decimals: int = 0, sep: bool = True) -> str:
    """``x`` rounded as :func:`rounded`, written with ``decimals`` decimals (and separators)."""
    d = rounded(x, decimals)
    text = f"{d:,.{decimals}f}" if sep else f"{d:.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and rounded(abs(x), decimals) == 0 else text


def fmt_int(x, unit: str = "") -> str | None:
    """1775475 → '1,775,475' (+ unit)."""
    if _missing(x):
        return None
    return f"{fixed(x)}{unit}"


def fmt_num(x, decimals: int = 1, unit: str = "") -> str | None:
    """A measured quantity; drops a trailing '.0' only when the value is whole."""
    if _missing(x):
        return None
    if float(x).is_integer():
        return f"{int(x):,}{unit}"
    return f"{fixed(x, decimals)}{unit}"


def fmt_pct(rate, decimals: int = 1) -> str | None:
    """0.285 → '28.5%' (rates are stored as fractions)."""
    pct = None if _missing(rate) else _finite_or_none(rate * 100)
    if pct is None:
        return None
    return f"{fixed(pct, decimals, sep=False)}%"


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


WAN = 100_000  # running text states amounts from 10万元 up in 万元 (GB/T 15835; the seeds' 598万元)


def fmt_wan(yuan, decimals: int = 2) -> str | None:
    """An amount in 万元 with at most ``decimals`` decimals, trailing zeros dropped
    (5,980,000 → '598', 174,221,929 → '17,422.19', 227,000 → '22.7')."""
    if _missing(yuan):
        return None
    text = fixed(float(yuan) / 10000, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money_text(yuan) -> str | None:
    """An amount in running text: 10万元 and above in 万元 (at most two decimals), below that
    the exact 元 ('17,422.19万元', '36,800元', '384,560.63元')."""
    if _missing(yuan):
        return None
    if abs(float(yuan)) >= WAN:
        return f"{fmt_wan(yuan)}万元"
    return f"{fmt_yuan(yuan)}元"


@dataclass(frozen=True)
class MoneyFormat:
    """How amounts are written. ``auto`` (default): running text from 10万元 up in 万元 (at most
    two decimals), smaller amounts and every table cell in exact 元; ``元``: exact 元 everywhere;
    ``万元``: 万元 with two decimals everywhere."""

    unit: str = "auto"

    def __post_init__(self):
        if self.unit not in MONEY_UNITS:
            raise ValueError(
                f"金额单位只能是 auto、元 或 万元 / money unit must be auto, 元 or 万元, "
                f"got {self.unit!r}"
            )

    @property
    def table_unit(self) -> str:
        """The unit of table cells and chart axes (named in the header: 资金（元）)."""
        return "万元" if self.unit == "万元" else "元"

    def total(self, yuan) -> str | None:
        """An amount in running text, with its unit."""
        if _missing(yuan):
            return None
        if self.unit == "auto":
            return money_text(yuan)
        return f"{self.cell(yuan)}{self.unit}"

    def cell(self, yuan) -> str | None:
        """The figure without its unit (a table cell under a '资金（元）' header)."""
        if _missing(yuan):
            return None
        if self.unit == "万元":
            return fixed(yuan / 10000, 2)
        return fmt_yuan(yuan)

    def scale(self, yuan) -> float | None:
        """The number shown in tables and charts (in :attr:`table_unit`)."""
        if _missing(yuan):
            return None
        return yuan / 10000 if self.unit == "万元" else float(yuan)


def fmt_yuan_level(yuan) -> str | None:
    """A per-person amount (月人均补助, 平均每人次救助): whole 元, one decimal below 10元
    ('615元', '1,362元', '4.5元') — the same precision in every sentence and table."""
    text = level_number(yuan)
    return None if text is None else f"{text}元"


def level_number(x) -> str | None:
    """The number of a per-person amount, without unit (see :func:`fmt_yuan_level`)."""
    if _missing(x):
        return None
    v = float(x)
    if abs(v) < 10 and rounded(v, 1) != rounded(v):
        return fixed(v, 1)
    return fixed(v)


# 元/人·月 → 月人均860元 (the seeds: 由月人均440元提高到月人均500元); other per-units keep theirs
LEVEL_WORDS = {"元/人·月": "月人均{n}元", "元/人·年": "年人均{n}元"}


def fmt_level(x, unit: str) -> str | None:
    """A standard in running text: 元/人·月 → '月人均860元', 元/人·年 → '年人均3,300元' (as reported:
    at most two decimals); another unit follows the number ('4.2人/万人')."""
    n = fmt_reported(x)
    if n is None:
        return None
    pattern = LEVEL_WORDS.get(unit)
    return pattern.format(n=n) if pattern else f"{n}{unit}"


def fmt_target(x, rate: bool) -> str | None:
    """A plan target as set (100%, 15%, 0.5): no trailing zeros."""
    if _missing(x):
        return None
    v = float(x) * 100 if rate else float(x)
    text = fixed(v, 1).rstrip("0").rstrip(".")
    return f"{text}%" if rate else text


def change_text(kind: str, words: dict, up: bool | None, x: str = "", base: str = "上年") -> str:
    """'比上年增长4.9%' / '比上年减少89对' / '比上年提高0.6个百分点' / '与上年持平' from
    phrases.yaml ``words.change.<kind>`` (up None: flat)."""
    forms = words[kind]
    key = "flat" if up is None else ("up" if up else "down")
    return forms[key].format(x=x, base=base)


def pp_change(
    rate_now, rate_before, words: dict, decimals: int = 1, base: str = "上年"
) -> str | None:
    """'比上年提高3.1个百分点' / '比上年降低0.4个百分点' / '与上年持平' for two rates (fractions);
    ``words``: phrases.yaml ``words.change``."""
    if _missing(rate_now) or _missing(rate_before):
        return None
    diff = _finite_or_none((rate_now - rate_before) * 100)
    if diff is None:
        return None
    delta = rounded(diff, decimals)
    if delta == 0:
        return change_text("pp", words, None, base=base)
    return change_text("pp", words, delta > 0, f"{abs(delta):.{decimals}f}", base)


def growth(now, before, words: dict, decimals: int = 1, base: str = "上年") -> str | None:
    """'比上年增长5.2%' / '比上年下降1.0%' / '与上年持平' for two levels."""
    if _missing(now) or _missing(before) or before == 0:
        return None
    ratio = _finite_or_none((now / before - 1) * 100)
    if ratio is None:
        return None
    return growth_rate(ratio / 100, words, decimals, base)


def growth_rate(rate, words: dict, decimals: int = 1, base: str = "上年") -> str | None:
    """A growth already computed as a fraction (e.g. the dibao_standard_growth KPI)."""
    if _missing(rate):
        return None
    pct = _finite_or_none(rate * 100)
    if pct is None:
        return None
    delta = rounded(pct, decimals)
    if delta == 0:
        return change_text("growth", words, None, base=base)
    return change_text("growth", words, delta > 0, f"{abs(delta):.{decimals}f}%", base)


def level_change(
    now, before, amount: str | None, words: dict, decimals: int = 1, base: str = "上年"
) -> str | None:
    """A count or amount against a year before: '比上年减少89对，下降3.5%' (``amount``: the
    difference already formatted with its unit, without sign); '比上年增加2对' when the
    percentage rounds to nothing; '与上年持平' when the printed difference is nil."""
    if _missing(now) or _missing(before) or amount is None:
        return None
    if now == before:
        return change_text("level", words, None, base=base)
    if _is_zero(amount):  # a difference too small to print: the share, or 持平
        return growth(now, before, words, decimals, base) or change_text(
            "level", words, None, base=base
        )
    up = now > before
    text = change_text("level", words, up, amount, base)
    if before:
        pct = _finite_or_none((now / before - 1) * 100)
        if pct is not None and rounded(abs(pct), decimals) > 0:
            text += words["pct"][("up" if up else "down")].format(
                x=f"{fixed(abs(pct), decimals, sep=False)}%")
    return text


def _is_zero(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return bool(digits) and set(digits) == {"0"}


def cn_date(d) -> str:
    """2026-01-12 → '2026年1月12日' (no zero padding, GB/T 15835)."""
    return f"{d.year}年{d.month}月{d.day}日"


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
