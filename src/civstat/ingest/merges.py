"""Merged cells over a table's figures.

A merged range keeps its value in its first cell; calamine reads the others as empty, and an
empty cell is nothing on a return. Clerks merge a figure over rows when it is the same for each
(one 保障标准 for 城市低保 and 农村低保, since urban and rural standards were unified), or to
save typing. Where the reader reads a cell a merged range covers, the range's value is:

* spread to each of its rows and columns for a value rows can share — text, a date, a rate per
  person (a 保障标准 in 元/人·月) — with a ``merged_cell`` finding naming the range;
* refused (``merged_cells``) for a figure that is added up (a count, an amount, an area):
  whether 664 over 城市低保 and 农村低保 is each row's or both rows' together cannot be told.

Only ranges whose first cell is a figure of the same table count: a header merged down or a
title merged across are not figures.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_range

from civstat.contract import Column
from civstat.ingest.columns import SheetPlan
from civstat.ingest.refusal import Finding, Refusal

Range = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col))


def spread_merges(plans: list[SheetPlan], merges: dict[str, list[Range]],
                  leads: dict[str, int]) -> None:
    """Fill or refuse, per plan, the empty cells it reads that a merged range covers.
    ``merges``: sheet → calamine's merged ranges (0-based, the sheet's own columns);
    ``leads``: sheet → the empty leading columns the reader dropped."""
    for plan in plans:
        ranges = merges.get(plan.name)
        if plan.blanks and ranges:
            _spread(plan, [r for r in ranges if r[0] != r[1]], leads.get(plan.name, 0))


def _spread(plan: SheetPlan, ranges: list[Range], lead: int) -> None:
    rows = {record["source_row"] - 1: n for n, (record, _, _) in enumerate(plan.rows)}
    columns = {c: j for j, c in enumerate(plan.index)}
    kept = []
    for r, c, j in plan.blanks:
        found = next((m for m in ranges if _covers(m, r, c + lead)), None)
        anchor = None if found is None else _anchor(plan, rows, columns, found, lead)
        if anchor is None:
            kept.append((r, c, j))
            continue
        value, ar = anchor
        col, header = plan.columns[j][0], plan.columns[j][1]
        span = xl_range(*found[0], *found[1])
        if not _shared(col):
            raise Refusal(
                "merged_cells",
                f"{header} 的 {span} 是合并单元格,其中的数 {value} 无法分到所合并的各行各列(是每行的数,"
                "还是合计?):请取消合并,每格分别填报",
                f"{header}: {span} is a merged range; its figure {value} cannot be shared out "
                "(each row's, or their total?): unmerge it and fill in each cell",
                sheet=plan.name, row=r + 1, column=header)
        record, cells, k = plan.rows[rows[r]]
        plan.rows[rows[r]] = (record, (*cells[:j], value, *cells[j + 1:]), k)
        plan.findings.append(Finding(
            "merged_cell",
            f"{header} 第{r + 1}行在合并单元格 {span} 中,按其值 {value}(第{ar + 1}行)读取",
            f"{header} row {r + 1} lies in the merged range {span}: read as its value {value} "
            f"(row {ar + 1})", sheet=plan.name, row=r + 1, column=header))
    plan.blanks[:] = kept


def _shared(col: Column) -> bool:
    """A value merged rows can share: text, a date, a rate per person or per unit (元/人·月)."""
    return col.type in ("text", "date") or bool(col.period_units) or "/" in (col.unit or "")


def _covers(m: Range, r: int, c: int) -> bool:
    (r1, c1), (r2, c2) = m
    return r1 <= r <= r2 and c1 <= c <= c2


def _anchor(plan: SheetPlan, rows: dict[int, int], columns: dict[int, int], m: Range,
            lead: int) -> tuple[str, int] | None:
    """The range's value and its row, when its first cell is a figure the plan reads."""
    (r1, c1), _ = m
    n, j = rows.get(r1), columns.get(c1 - lead)
    if n is None or j is None:
        return None
    value = plan.rows[n][1][j]
    return None if value is None else (value, r1)
