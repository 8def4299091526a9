"""What the builder hands to the writers: a report as plain, already-formatted data.

Templates only loop over these and print; every number in them was formatted by the builder
from a figure read out of the warehouse. The document, as a bureau sends it:

    Report.title, .subtitle
    Report.preface                      paragraphs before 一、 (the bureau's own, may be empty)
    Report.parts: [Part]                一、主要工作完成情况 / 二、存在的问题和不足 /
                                        三、2026年工作打算 / 附件 — titles already numbered
        Part.paragraphs                 text under the part heading
        Part.placeholder                True: the paragraphs only say where the bureau's words go
        Part.sections: [Section]        （一）社会救助 … (part 一) / 附件1 主要统计表 … (附件)
            Section.paragraphs, .charts, .tables, .notes
            Section.blocks: [Block]     1．城乡最低生活保障 … (same fields, one level down)
    Report.issuer, .issued_on           落款: 清河县民政局 / 2026年1月20日

Every heading is numbered by the builder; a writer prints titles as given, tables with their
caption (表N …), a cell as given (never None), footnotes (notes) under their block."""

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
class Part:
    """A top-level part of the document (一、二、三、附件)."""

    title: str
    anchor: str
    paragraphs: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    placeholder: bool = False  # no narrative yet: the paragraphs say where it goes


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
    parts: list[Part]
    sheets: list[Sheet]
    file_stem: str
    issuer: str = ""  # 落款: the issuing bureau
    issued_on: str = ""  # 落款: the date (2026年1月20日)
    preface: list[str] = field(default_factory=list)
    narrative_file: str | None = None  # the bureau's narrative file read (None: none found)
    # how each traced figure was made (report/trace.py): {"traces": {id: …}, "returns": {id: …}}
    traces: dict = field(default_factory=dict)

    @property
    def sections(self) -> list[Section]:
        """Every section of every part, in document order."""
        return [s for p in self.parts for s in p.sections]

    def part(self, anchor: str) -> Part:
        return next(p for p in self.parts if p.anchor == anchor)

    @property
    def charts(self) -> list[Chart]:
        out: list[Chart] = []
        for s in self.sections:
            out += s.charts
            for b in s.blocks:
                out += b.charts
        return out
