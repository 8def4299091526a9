"""What the builder hands to the writers: a report as plain, already-formatted data.

Templates only loop over these and print; every number in them was formatted by the builder
from a figure read out of the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from civstat.report.charts import Chart


@dataclass
class Table:
    caption: str  # without its 表N: the report numbers its tables in the order they are rendered
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] | None = None  # right-align these columns
    note: str | None = None
    anchor: str | None = None


@dataclass
class Block:
    title: str
    anchor: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # footnotes of marked (*) figures


@dataclass
class Section:
    title: str
    anchor: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # footnotes (a section of one programme block)


@dataclass
class Sheet:
    """An XLSX sheet: raw numbers (not text) with a number format per column."""

    name: str
    columns: list[tuple[str, str]]  # (header, kind: text|int|money|decimal|pct)
    # a cell may be (value, kind) to override its column's format (rates next to levels)
    rows: list[list[Any]]


@dataclass
class Report:
    title: str
    subtitle: str
    division_code: str
    division_name: str
    division_level: str  # county | township
    year: int
    quarter: int
    money_unit: str
    generated_at: str
    cutoff: str
    sections: list[Section]
    sheets: list[Sheet]
    file_stem: str

    @property
    def charts(self) -> list[Chart]:
        out: list[Chart] = []
        for s in self.sections:
            out += s.charts
            for b in s.blocks:
                out += b.charts
        return out
