"""The values of a text column with ``choices`` (表5 灾害种类, 表6 机构类型 / 运营方式): a listed
value loads as listed, a variant clerks write for one (``暴雨`` / ``洪涝`` → 暴雨洪涝, ``冰雹`` / ``大风``
→ 风雹: the programme file's ``choice_synonyms``; traditional characters and spaces alike) loads as
the listed value, and any other value loads as written, with a finding (``unlisted_choice``).

Why a variant must become its listed value: an event is identified by (township, date, kind) in
the warehouse (``fct_disaster_losses``), and every return repeats the year's events — the Q2
return's 暴雨 and the Q3 return's 暴雨洪涝 of one date were two events, their people and losses
counted twice. Why an unknown value loads rather than being refused: nothing drops it — it
counts in every total, and the report's 按灾种分 (and beds by 机构类型) shows it as a kind of its
own, where the finding explains it; a refusal would make a township resend a good return.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from civstat.contract import load_contract
from civstat.ingest.normalize import norm
from civstat.ingest.refusal import Finding

if TYPE_CHECKING:
    from civstat.ingest.columns import SheetPlan


@cache
def choice_index(family: str) -> dict[str, tuple[tuple[str, ...], dict[str, str]]]:
    """Column name → (its choices, normalised value or variant → listed value), for the columns
    of the family's sheet that list choices (the programme file's ``choice_synonyms``, checked
    against its choices when the contract is loaded)."""
    prog = load_contract().programme(family)
    synonyms = prog.choice_synonyms
    out = {}
    for col in prog.sheet.columns:
        if not col.choices:
            continue
        index = {norm(c): c for c in col.choices}
        for listed, variants in (synonyms.get(col.name) or {}).items():
            for variant in variants:
                index.setdefault(norm(variant), listed)
        out[col.name] = (col.choices, index)
    return out


def settle_choices(plan: SheetPlan, rows: list[dict]) -> None:
    """Each row's values of the sheet's choice columns as listed (a variant replaced by its
    listed value); a finding for a value neither listed nor a known variant."""
    index = choice_index(plan.sheet.family)
    if not index:
        return
    headers = {col.name: text for col, text, _, _ in plan.columns}
    for row in rows:
        if row.get("is_total"):
            continue
        for name, (choices, listed) in index.items():
            value = row.get(name)
            if value is None:
                continue
            known = listed.get(norm(value))
            if known is not None:
                row[name] = known
                continue
            header = headers.get(name, name)
            plan.findings.append(Finding(
                "unlisted_choice",
                f"{header} “{value}” 不是表中所列的选项({'、'.join(choices)}),按原文读取,汇总中单列一类",
                f"{header} {value!r} is none of the listed choices ({', '.join(choices)}): read as "
                "written, a kind of its own in the summaries",
                sheet=plan.name, row=row["source_row"], column=header))
