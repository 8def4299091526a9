"""The rows of a sheet as a whole, once typed: what one row per category, event or institution
means — and what a sheet of one row means.

* A category written twice (城市低保 and 城镇低保) is refused: which is the quarter's cannot be told.
* An institution (表6) is one named row: a copy would count its beds twice, a row without a name
  for none.
* A one-row sheet written as parts (城镇 | 农村) is read from its 合计 row, refused without one.
* Figures in a 合计 row alone (no category, event or institution rows) are refused: the warehouse
  adds up the detail rows, so they would count for nothing.
* An event row saying nothing happened (``本季度无自然灾害发生`` / ``无`` in its date cell, contract
  ``nothing_texts``) is no event: left out, with a finding; with figures beside it, refused.
* A row of an institution or event whose every filled cell says none (无, —, /) is no row: left
  out, with a finding.
* Two event rows identical in every cell both count (a flood listed per village may repeat
  its figures), with a finding naming both: a row copied twice would count twice.
* A listed text (灾害种类, 机构类型) written otherwise is its listed value, an unlisted one a
  finding (:mod:`civstat.ingest.choices`).
* A figure with a note stating a part of it (``210人(含残疾5人)``: read as 210) is named in a
  finding, the note quoted: it is no part of the figure, and the statistician should see it.
* A total the sheet gives only as its parts (期末供养人数 as 集中 | 分散) is their sum, the
  contract saying they add up to it (``parts_add_up``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from civstat.ingest.choices import settle_choices
from civstat.ingest.normalize import is_empty, norm, nothing_texts
from civstat.ingest.refusal import Finding, Refusal

if TYPE_CHECKING:
    from civstat.ingest.columns import SheetPlan


def settle_rows(plan: SheetPlan, rows: list[dict], names: tuple[str, ...]) -> list[dict]:
    """The sheet's rows after the checks above (``names``: its columns' names)."""
    sheet, single = plan.sheet, plan.sheet.row_kind == "single"
    for col, parts in plan.derived:
        _add_up(rows, col, parts)
    if not single and rows and all(row.get("is_total") for row in rows):
        _parts_missing(plan, rows, names)
    if sheet.row_kind == "category" and len(rows) > 1:
        _once_per_category(plan, rows)
    elif sheet.row_kind in ("entity", "event"):
        if sheet.row_kind == "event":
            rows = _no_events(plan, rows)
        rows = _titles_left_out(plan, _said_none(plan, rows, names), names)
        settle_choices(plan, rows)
        if sheet.row_kind == "entity":
            _named_once(plan, rows)
        else:
            _copies_named(plan, rows, names)
        _attributes_given(plan, rows)
    return _one_row(plan, rows) if single and len(rows) > 1 else rows


_FIGURES = ("int", "money", "decimal")


def _add_up(rows: list[dict], col, parts: tuple) -> None:
    """Each row's ``col`` as the sum of its parts (期末供养人数 = 集中 + 分散: the contract's
    ``parts_add_up``), the sheet giving only them; none when every part is empty."""
    for row in rows:
        values = [row.get(p.name) for p in parts]
        given = [v for v in values if v is not None]
        row[col.name] = sum(given) if given else None


def says_nothing(cell) -> str | None:
    """The cell's text when it says nothing happened (本季度无灾情, 无灾情。, 无: contract
    ``nothing_texts``), else None."""
    if cell.__class__ is not str:
        return None
    text = norm(cell).rstrip("。.")
    return cell.strip() if text in ("无", "(无)") or text in nothing_texts() else None


def nothing_alone(plan: SheetPlan, cells: tuple, raw) -> bool:
    """An event row's figure cell ``raw`` saying nothing happened, in a row holding nothing else
    (本季度无灾情 typed in a figure's column): no figure — :func:`_no_events` leaves the row out
    with a finding. In any other row, such words are no figure: the cell is refused."""
    return plan.sheet.row_kind == "event" and says_nothing(raw) is not None and all(
        is_empty(cell) for cell in cells)


def _no_events(plan: SheetPlan, rows: list[dict]) -> list[dict]:
    """Event rows whose date cell says nothing happened (``本季度无自然灾害发生``, ``无``; a row
    saying so in any cell with nothing else in it alike): no event, left out with a finding
    (``no_event``) — the rest of the row blank, or a kind alone. A row with figures beside such
    a date is refused: an event whose date was not written, or figures typed by mistake?"""
    dates = [i for i, (col, *_) in enumerate(plan.columns) if col.type == "date"]
    kept = {id(row) for row in rows}
    left: set[int] = set()
    for record, cells, _ in plan.rows:
        if record.get("is_total"):
            continue
        said = next((t for i in dates if (t := says_nothing(cells[i]))), None)
        if id(record) in kept:
            if said is None:
                continue
            if any(col.type in _FIGURES and record.get(col.name) is not None
                   for col, *_ in plan.columns):
                header = plan.columns[dates[0]][1]
                raise Refusal("bad_value",
                              f"{header} 写着“{said}”,这一行却填有数字:有灾害请填写发生日期,"
                              "无灾害请删去这一行的数字",
                              f"{header} says {said!r} (nothing happened), but the row holds "
                              "figures: fill in the event's date, or delete the figures",
                              sheet=plan.name, row=record["source_row"], column=header)
            left.add(id(record))
        elif said is None:
            said = next((t for c in cells if (t := says_nothing(c))), None)
            if said is None:
                continue
        r = record["source_row"]
        plan.findings.append(Finding(
            "no_event", f"第{r}行写明“{said}”,不是一起灾害事件,未读取(本表列1月至本期的全部事件:"
            "本年此前发生的灾害仍须逐行填报)",
            f"row {r} says {said!r}: no event, not read (the table lists every event from "
            "January on: the year's earlier events are still listed row by row)",
            sheet=plan.name, row=r))
    return [row for row in rows if id(row) not in left] if left else rows


def _said_none(plan: SheetPlan, rows: list[dict], names: tuple[str, ...]) -> list[dict]:
    """Rows of institutions or events whose every cell filled in says none (无, —, /: a
    township with no institution striking its row through): no row, left out with a finding
    (``none_row``); read, they were an institution named 无, of a type 无."""
    key, kept = _key_column(plan.sheet), []
    for row in rows:
        said = [row.get(n) for n in names if row.get(n) is not None]
        if row.get("is_total") or not said or not all(
                isinstance(v, str) and is_empty(v) for v in said):
            kept.append(row)
            continue
        r, text = row["source_row"], said[0].strip()
        plan.findings.append(Finding(
            "none_row", f"第{r}行只写了“{text}”,没有一项数据,不是一{_ONE[plan.sheet.row_kind]},未读取",
            f"row {r} holds {text!r} alone, no data: no {plan.sheet.row_kind}, not read",
            sheet=plan.name, row=r, column=_header(plan, key) if key else None))
    return kept


_ONE = {"entity": "个机构", "event": "起事件"}


def _key_column(sheet):
    """The column naming a row of institutions or events (机构名称, 灾害种类): the first required
    text column."""
    return next((c for c in sheet.columns if c.type == "text" and c.required), None)


def _header(plan: SheetPlan, column) -> str:
    return next((text for col, text, _, _ in plan.columns if col is column), column.header)


def _titles_left_out(plan: SheetPlan, rows: list[dict], names: tuple[str, ...]) -> list[dict]:
    """Rows holding a name alone (一、公办机构, 民办机构 over the institutions under it): a title
    grouping the rows below, no institution or event — left out, with a finding (read as one
    they would count an institution that is none)."""
    key = _key_column(plan.sheet)
    if key is None:
        return rows
    kept = []
    for row in rows:
        if not row.get("is_total") and row.get(key.name) is not None and all(
                row.get(n) is None for n in names if n != key.name):
            r = row["source_row"]
            plan.findings.append(Finding(
                "title_row", f"第{r}行只有{key.header}({row[key.name]}),没有数据,按分组标题处理,未读取",
                f"row {r} holds a {key.header} alone ({row[key.name]}), no figures: read as a "
                "title over the rows below, not loaded", sheet=plan.name, row=r,
                column=_header(plan, key)))
            continue
        kept.append(row)
    return kept


def _attributes_given(plan: SheetPlan, rows: list[dict]) -> None:
    """A row of an institution or event whose required attribute (机构类型, 灾害发生日期) is left
    empty is refused: an event without its date counts in no quarter (the warehouse places
    events by date), a row of figures without its type is most often a subtotal of a group."""
    required = [c for c in plan.sheet.columns if c.required and c.type in ("text", "date")]
    for row in rows:
        if row.get("is_total"):
            continue
        missing = next((c for c in required if row.get(c.name) is None), None)
        if missing is None:
            continue
        header = _header(plan, missing)
        group = plan.sheet.row_kind == "entity"  # 公办机构 over its institutions, with their sums
        raise Refusal("missing_value",
                      f"{header} 为空(必填):请填写" + (";如是分组的小计行,请在名称中写明“小计”"
                                                      if group else ""),
                      f"{header} is empty (required): fill it in" + (
                          "; a subtotal of a group says 小计 in its name" if group else ""),
                      sheet=plan.name, row=row["source_row"], column=header)


def _parts_missing(plan: SheetPlan, totals: list[dict], names: tuple[str, ...]) -> None:
    """Figures in a 合计 row alone, no row of a category, event or institution: the warehouse
    sums the detail rows (a 合计 row is only checked against them), so the township's figures
    would count for nothing in every total — refused. A 合计 of zeros says nothing is lost."""
    lost = next(((r, j) for r in totals for j, n in enumerate(names) if r.get(n) not in (None, 0)),
                None)
    if lost is None:
        return
    row, j = lost
    sheet = plan.sheet
    parts = (f"{'、'.join(c.label for c in sheet.categories)}各一行的数" if sheet.categories
             else "逐条的明细行")
    raise Refusal("only_total",
                  f"本表只填了合计行,没有{parts}:汇总只用分行的数,合计行不计入,这些数会丢失;"
                  "请按行分别填报(合计行可保留)",
                  f"only a total row, no row for each {'category' if sheet.categories else 'item'}"
                  ": totals are summed from those rows, so these figures would be lost; fill in "
                  "one row each (the total row may stay)",
                  sheet=plan.name, row=row["source_row"], column=plan.columns[j][1])


def _named_once(plan: SheetPlan, rows: list[dict]) -> None:
    """One row per institution: its name (the sheet's first required text column) is filled in
    and written once — a row of figures without a name would count for no institution (the
    warehouse keeps named rows), and a name written twice is a copy counted twice or two
    institutions no report could tell apart."""
    key = _key_column(plan.sheet)
    if key is None:
        return
    header = _header(plan, key)
    first: dict[str, dict] = {}
    for row in rows:
        if row.get("is_total"):
            continue
        name = row.get(key.name)
        if name is None:
            raise Refusal("unnamed_row", f"有数据但{key.header}为空",
                          f"figures without a {key.header}", sheet=plan.name,
                          row=row["source_row"], column=header)
        seen = first.setdefault(norm(name), row)
        if seen is not row:
            raise Refusal("duplicate_entity",
                          f"{key.header} {name} 出现两行(第{seen['source_row']}行和第{row['source_row']}行):"
                          "重复的行请删去;确是两家同名机构,请在名称中区分(如加村名)",
                          f"{key.header} {name} has two rows (rows {seen['source_row']} and "
                          f"{row['source_row']}): delete the copy, or tell two institutions of that "
                          "name apart in their names", sheet=plan.name, row=row["source_row"],
                          column=header)


def _copies_named(plan: SheetPlan, rows: list[dict], names: tuple[str, ...]) -> None:
    """A finding (not a refusal) for an event row identical in every cell to one above it: the
    warehouse adds up the rows of one date and kind (one village per row is legitimate), so a
    copied row would count twice without a word."""
    first: dict[tuple, dict] = {}
    for row in rows:
        if row.get("is_total"):
            continue
        seen = first.setdefault(tuple(row.get(n) for n in names), row)
        if seen is row:
            continue
        a, b = seen["source_row"], row["source_row"]
        plan.findings.append(Finding(
            "duplicate_row",
            f"第{a}行和第{b}行完全相同(日期、种类和各项数字都一样):两行都计入合计;"
            "如是分村填报请核对,如是误复制的一行请删去后重报",
            f"rows {a} and {b} are identical in every cell (date, kind and every figure): both "
            "count in the totals; if one is a copy, delete it and resend",
            sheet=plan.name, row=b))


def _once_per_category(plan: SheetPlan, rows: list[dict]) -> None:
    """Two rows of one category (城市低保 and 城镇低保) cannot both be its figures: refused."""
    first: dict[str, dict] = {}
    for row in rows:
        if row["is_total"]:
            continue
        seen = first.setdefault(row["category"], row)
        if seen is not row:
            label = next(c.label for c in plan.sheet.categories if c.code == row["category"])
            raise Refusal("duplicate_category",
                          f"{label} 出现两行(第{seen['source_row']}行和第{row['source_row']}行),"
                          "无法确定哪一行是本期数据(请删去或合并)",
                          f"{label} has two rows (rows {seen['source_row']} and {row['source_row']}): "
                          "which is this period's cannot be told (delete or merge one)",
                          sheet=plan.name, row=row["source_row"],
                          column=plan.sheet.label.header if plan.sheet.label else None)


def _one_row(plan: SheetPlan, rows: list[dict]) -> list[dict]:
    """A one-row sheet (the township's figures) written as several rows: its 合计 row; without
    one it is refused — the parts (城镇 | 农村) are not this sheet's figures, and adding them up
    would be a guess."""
    totals = [r for r in rows if r.get("is_total")]
    if totals:
        return totals[:1]
    at = "、".join(str(r["source_row"]) for r in rows)
    raise Refusal("several_rows",
                  f"本表应只填一行(全乡镇数),实有 {len(rows)} 行数据(第{at}行);请合并为一行,或加一行 合计",
                  f"this sheet takes one row (the township's figures) but has {len(rows)} "
                  f"(rows {at.replace('、', ', ')}); merge them, or add a 合计 row",
                  sheet=plan.name, row=rows[1]["source_row"])
