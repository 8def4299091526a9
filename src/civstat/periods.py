"""Reporting periods, defined once: the quarter key, its folder, its Chinese names and spans.

A period is a calendar quarter, keyed ``YYYYQq`` (``2024Q3``): the name of its drop-zone folder
(``data/raw/2024Q3/``), of its Dagster partition and of ``period`` in every table. Flows are
reported year to date (1 月至本季末), so a quarter also names a span of months.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# The key and folder name: 2024Q3 (upper-case Q; the CLI upper-cases what it is given).
PERIOD_KEY = re.compile(r"^(\d{4})Q([1-4])$")
QUARTER_FOLDER = PERIOD_KEY

CN_QUARTER = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}


def is_period(text: str) -> bool:
    return bool(PERIOD_KEY.match(text))


def bad_periods(keys: list[str]) -> list[str]:
    """The keys of ``keys`` that are not ``YYYYQq``."""
    return [k for k in keys if not PERIOD_KEY.match(k)]


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, key: str) -> Quarter:
        m = PERIOD_KEY.match(key.strip().upper())
        if not m:
            raise ValueError(f"报告期 {key!r} 不是 YYYYQn 格式(如 2024Q3)")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def __str__(self) -> str:
        return self.key

    @property
    def cn(self) -> str:
        """2024年三季度"""
        return f"{self.year}年{CN_QUARTER[self.quarter]}"

    @property
    def end_month(self) -> int:
        return self.quarter * 3

    @property
    def start(self) -> date:
        return date(self.year, self.quarter * 3 - 2, 1)

    @property
    def end(self) -> date:
        nxt = date(self.year + (self.quarter == 4), 1 if self.quarter == 4 else self.quarter * 3 + 1, 1)
        return nxt - timedelta(days=1)

    @property
    def ytd_span(self) -> str:
        """The year-to-date span a cumulative figure covers: Q4 → 全年, Q3 → 1—9月."""
        return ytd_span(self.quarter)

    def previous(self) -> Quarter:
        return Quarter(self.year, self.quarter - 1) if self.quarter > 1 else Quarter(self.year - 1, 4)

    def ytd_quarters(self) -> list[Quarter]:
        """The quarters a year-to-date figure of this quarter adds up: Q1 … this one."""
        return [Quarter(self.year, q) for q in range(1, self.quarter + 1)]


def ytd_span(quarter: int) -> str:
    return "全年" if quarter == 4 else f"1—{quarter * 3}月"


def previous_quarter(year: int, quarter: int) -> str:
    return Quarter(year, quarter).previous().key
