"""Rows of a one-row sheet labelled with a quarter or a month alone (本季度, 7-9月, 9月) under
columns that take the year's total so far: which are left out with a finding, and when the
return must be refused because its figures would fall short (:func:`part_rows`)."""

from __future__ import annotations

from civstat.ingest.columns import SheetPlan
from civstat.ingest.normalize import is_empty
from civstat.ingest.qualifiers import month_span
from civstat.ingest.refusal import Finding, Refusal


def part_rows(plan: SheetPlan, parts: list[tuple[int, str]], label: str | None
               ) -> Refusal | None:
    """A one-row sheet's rows labelled with a quarter or a month alone (本季度, 7-9月) under
    columns that take the year's total so far: not read, with a finding, beside a row that is
    (1-9月累计); alone, or beside rows left empty, the sheet's figures would fall short, and the
    return is refused
    (``label``: the header of the rows' label column, 项目, to name)."""
    if not parts:
        return None
    _total_of_parts(plan, parts)
    if all(is_empty(c) for _, cells, _ in plan.rows for c in cells):  # 1-9月累计 left empty
        r, text = parts[0]
        return Refusal("not_cumulative",
                       f"第{r + 1}行是{text}的数:本表应填1月至本期的累计数,读作累计会少算:请改填累计数",
                       f"row {r + 1} holds the figures of {text} alone; the sheet takes the year's "
                       "totals so far, which they would fall short of: fill in the totals so far",
                       sheet=plan.name, row=r + 1, column=label)
    plan.findings += [Finding("part_period_row", f"第{r + 1}行是{text}的数,不是累计数,未读取",
                              f"row {r + 1} holds the figures of {text} alone, not the year's so "
                              "far: not read", sheet=plan.name, row=r + 1, column=label)
                      for r, text in sorted(parts)]
    return None


def _total_of_parts(plan: SheetPlan, parts: list[tuple[int, str]]) -> None:
    """A 合计 row under rows of a quarter or month alone, and no other row of figures above it
    (7月 | 8月 | 9月 | 合计): it adds up those parts, so it is the year's so far only when they
    run from January on without a gap (1月 … 9月; 1-6月 | 7-9月); else it is one more part of
    the year, moved from the rows read to ``parts`` (first, so a refusal names it)."""
    for at, (record, cells, _) in enumerate(plan.rows):
        if not record["is_total"]:
            continue
        row = record["source_row"] - 1
        above = [text for r, text in parts if r < row]
        if not above or _from_january(above) or any(
                other["source_row"] - 1 < row and not all(is_empty(c) for c in figures)
                for other, figures, _ in plan.rows if other is not record):
            continue
        del plan.rows[at]
        plan.blanks = [blank for blank in plan.blanks if blank[0] != row]
        parts.insert(0, (row, f"{'、'.join(above)}合计"))
        return


def _from_january(labels: list[str]) -> bool:
    """Rows labelled with months alone (7-9月, 九月) that together run from January on without a
    gap; False when one does not say its months (本季度)."""
    spans = [month_span(text) for text in labels]
    if None in spans:
        return False
    end = 0
    for first, last in sorted(spans):
        if first > end + 1:
            return False  # a gap: 1-6月 | 8-9月, or no January
        end = max(end, last)
    return True

