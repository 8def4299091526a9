"""The findings of a figure read from a cell with more in it than the figure: words after the
number (``380000元(含补发)``), a note on a part of it (``210人(含残疾5人)``), a date format
(``1900-04-29 00:00:00``: 120, :mod:`civstat.ingest.date_figures`); and how messages quote a
cell."""

from __future__ import annotations

from civstat.ingest.cell_units import cell_unit
from civstat.ingest.date_figures import date_finding, is_date_text
from civstat.ingest.refusal import Finding


def show(raw) -> str:
    """A cell for a one-line message: repr, at most 60 characters."""
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def shown_figure(value) -> str:
    """A figure as a finding quotes it: 1,234 or 1,234.5."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def part_note_finding(raw: str, value, note: str, where: dict) -> Finding:
    """A figure read from a cell holding a note on a part of it (``210人(含残疾5人)``: 210, the
    note kept here: :func:`civstat.ingest.cell_notes.unread_note`)."""
    read, column = shown_figure(value), where["column"]
    return Finding("cell_note", f"{column} 单元格 {show(raw)} 按 {read} 读取,括号中的“{note}”是说明,未计入数值",
                   f"{column}: cell {show(raw)} read as {read}; the note in brackets ({note}) is "
                   "no part of the figure", **where)


def noted_finding(raw, value, where: dict) -> Finding:
    """The finding of a cell read with a note (:func:`note_finding`), or formatted as a date."""
    if is_date_text(raw):
        return date_finding(raw, shown_figure(value), where)
    return note_finding(raw, value, where)


def note_finding(raw, value, where: dict) -> Finding:
    """A figure read from a cell whose words after the number are no unit the reader knows
    (``380000元(含补发)``: 380,000, the words 元(含补发) kept here, not in the figure)."""
    words = cell_unit(raw)
    read = shown_figure(value)
    return Finding("cell_note",
                   f"{where['column']} 单元格 {show(raw)} 按 {read} 读取,数字后的“{words}”不是可换算的单位,未读取",
                   f"{where['column']}: cell {show(raw)} read as {read}; the words after the "
                   f"number ({words}) are no unit the reader converts, not read", **where)
