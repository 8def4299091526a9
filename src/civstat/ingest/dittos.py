"""Ditto marks: a text or date cell saying "the same as the row above" (``同上``, ``〃``, ``″``,
``"``: contract ``ditto_marks``), as clerks fill 表6's 机构类型 / 运营方式 or 表5's 灾害种类 and
date down a column.

Read as written, ``同上`` was a kind of its own (an unlisted 机构类型, an event of the kind
``同上``) and a date ``同上`` refused the return. The mark is read as the value of that column in
the row right above (itself read through its own mark, or a merged range spread into it), with
a ``ditto_mark`` finding naming the cell. It is refused (``bad_value``) where nothing above can
stand for it — the first row, a 合计 or 小计 row above (whose group may not be this row's), an
empty cell above — and in an institution's name: each institution is a row of its own.

Figures are never taken from the row above: whether ``同上`` in 床位数 repeats a figure or was
typed for one not known cannot be told, and a repeated count is counted twice (the same reason
:mod:`civstat.ingest.merges` refuses a count merged over rows). Such a cell stays refused, the
refusal saying why (:func:`ditto_refusal`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from civstat.contract import load_contract
from civstat.ingest.normalize import norm, parse_date
from civstat.ingest.refusal import Finding, Refusal

if TYPE_CHECKING:
    from civstat.ingest.columns import SheetPlan

_LONGEST = 4  # no mark is longer (同上。): longer text is never one


@cache
def ditto_marks() -> frozenset[str]:
    """The contract's ``ditto_marks`` (return.yaml), normalised, a trailing 。 alike."""
    return frozenset(norm(m) + end for m in load_contract().ditto_marks for end in ("", "。", "."))


def is_ditto(value: object) -> bool:
    """A cell holding a ditto mark alone."""
    return (value.__class__ is str and 0 < len(value.strip()) <= _LONGEST
            and norm(value) in ditto_marks())


def fill_dittos(plan: SheetPlan, numeric: tuple[bool, ...]) -> None:
    """Each ditto mark in the plan's text and date columns replaced by the cell above it (the
    plan's previous row), with a finding; refused where nothing above stands for it."""
    columns = [j for j, n in enumerate(numeric) if not n]
    if not columns or not plan.rows:
        return
    name = _entity_name(plan)
    above = None
    for n, (record, cells, k) in enumerate(plan.rows):
        marked = [j for j in columns if is_ditto(cells[j])]
        if marked and not record.get("is_total"):
            cells = list(cells)
            for j in marked:
                cells[j] = _above(plan, record, above, j, cells[j], name)
            plan.rows[n] = (record, tuple(cells), k)
        above = plan.rows[n]


def _entity_name(plan: SheetPlan) -> int | None:
    """The plan column of an institution's name (its sheet's first required text column)."""
    if plan.sheet.row_kind != "entity":
        return None
    return next((j for j, (col, *_) in enumerate(plan.columns)
                 if col.type == "text" and col.required), None)


def _above(plan: SheetPlan, record: dict, above, j: int, mark: str, name: int | None):
    col, header = plan.columns[j][0], plan.columns[j][1]
    r = record["source_row"]
    where = {"sheet": plan.name, "row": r, "column": header}
    if j == name:
        raise Refusal("bad_value", f"{header} 填的是“{mark.strip()}”:每家机构一行,请填写本机构的名称",
                      f"{header} says {mark.strip()!r} (as above): each institution is a row of "
                      "its own, fill in its name", **where)
    value = None if above is None or above[0].get("is_total") else above[1][j]
    if value is None or (value.__class__ is str and not value.strip()):
        why_zh, why_en = (("上一行是合计或小计", "the row above is a total") if above and
                          above[0].get("is_total") else
                          ("上面没有可沿用的值", "there is no value above to repeat"))
        raise Refusal("bad_value", f"{header} 填的是{_said(mark)},但{why_zh}:请填写本行的{col.header}",
                      f"{header} says {mark.strip()!r} (as above), but {why_en}: fill in this "
                      f"row's {col.header}", **where)
    shown = _shown(col, value)
    ar = above[0]["source_row"]
    plan.findings.append(Finding(
        "ditto_mark", f"{header} 第{r}行填{_said(mark)},按上一行(第{ar}行)的值 {shown} 读取",
        f"{header} row {r} says {mark.strip()!r} (as above): read as the value of row {ar}, "
        f"{shown}", **where))
    return value


def ditto_refusal(raw: object, where: dict) -> Refusal | None:
    """The refusal of a ditto mark in a figure's cell (see the module), else None."""
    if not is_ditto(raw):
        return None
    mark = str(raw).strip()
    return Refusal("bad_value", f"数字不能填{_said(mark)}:请填写本行自己的数(与上一行相同也请照填)",
                   f"a figure cannot be {mark!r} (as above): fill in this row's own figure (the "
                   "same as the row above's, if it is)", **where)


def _said(mark: str) -> str:
    """“同上”, or “〃”(同上) for a mark that does not say it in words."""
    mark = mark.strip()
    return f"“{mark}”" if "同" in mark or "仝" in mark else f"“{mark}”(同上)"


def _shown(col, value) -> object:
    """The value above as the finding quotes it (a date as 2024-06-20, not a cell's time)."""
    if col.type == "date":
        try:
            return parse_date(value) or value
        except ValueError:
            return value  # the row above's own refusal names it
    return value
