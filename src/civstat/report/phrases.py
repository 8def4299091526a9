"""The phrase engine: sentences from :file:`phrases.yaml` and from the ``summary:`` key of each
programme file (``civstat/contract/programmes/<code>.yaml``); clauses are dropped when a figure
is missing.

A placeholder is a plain name (``{span}``) or a dotted one (``{marriages_ytd.change}``): the whole
text between the braces is the key of the value, never an attribute look-up."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

from civstat.report.trace import join, spans_of

PHRASES_PATH = Path(__file__).with_name("phrases.yaml")
MARK = "*"  # a figure built from an aggregate short of a township (footnoted)
# words a sentence may count in after a figure, beside the catalogue's units (3名, 2起, 1.2个百分点)
_COUNT_WORDS = ("名", "位", "家", "起", "条", "所", "处", "个百分点")


class _Formatter(string.Formatter):
    """``{a.b}`` is the value named ``a.b`` (not ``a``'s attribute ``b``)."""

    def get_field(self, field_name, args, kwargs):
        return kwargs[field_name], field_name


_FMT = _Formatter()


@lru_cache(maxsize=4)
def load_phrases(path: str | None = None) -> dict:
    return yaml.safe_load(Path(path or PHRASES_PATH).read_text(encoding="utf-8"))


def summary_phrases(contract=None) -> dict:
    """The common phrases plus each programme's sentences (``summary.sentences`` of its file)
    under its code: ``sentence("tekun.rate", summary_phrases(), …)``."""
    from civstat.contract import load_contract

    base = load_phrases()
    merged = dict(base)
    for prog in (contract or load_contract()).programmes:
        if prog.code in base:
            raise ValueError(
                f"programmes/{prog.code}.yaml: the code {prog.code!r} is a key of "
                "report/phrases.yaml; rename one of them"
            )
        named = (prog.summary or {}).get("sentences")
        merged[prog.code] = dict(named) if isinstance(named, dict) else {}  # generic: a list
    return merged


def fields(clause: str) -> list[str]:
    """The placeholder names of a clause ('{span}共…{marriages_ytd.change}' → ['span', …])."""
    return [name for _, name, _, _ in _FMT.parse(clause) if name]


def lookup(key: str, phrases: dict | None = None):
    node = phrases or load_phrases()
    for part in key.split("."):
        node = node[part]
    return node


def render_clauses(clauses, phrases: dict | None = None, **values) -> str | None:
    """One sentence from a clause list (or a single clause): the clauses whose every placeholder
    has a value, joined and ended per ``phrases.yaml``; ``None`` if no clause survives."""
    phrases = phrases or load_phrases()
    if isinstance(clauses, str):
        clauses = [clauses]
    kept = []
    for clause in clauses or ():
        names = fields(clause)
        if all(values.get(n) not in (None, "") for n in names):
            kept.append(_format(clause, values))
    if not kept:
        return None
    return join(kept, phrases["joiner"], phrases["end"])


@lru_cache(maxsize=1)
def _units() -> tuple[str, ...]:
    """The units a clause may write after a figure (the catalogue's: 人, 人次, 张 of 张/千人 …,
    and count words), longest first."""
    from civstat.contract import load_contract

    contract, found = load_contract(), set(_COUNT_WORDS) | {"万元"}
    for prog in contract.programmes:
        found |= {m.get("unit") or "" for m in prog.measures}
        found |= {c.unit or "" for c in prog.sheet.columns}
    found |= {k.get("unit") or "" for k in contract.kpis}
    units = {u.split("/")[0] for u in found if u and _han(u[0])}  # not %, ratio
    return tuple(sorted(units, key=len, reverse=True))


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _unit_after(text: str) -> str | None:
    """The unit ``text`` starts with, standing alone (``人，``, ``人次``; not 个 of 个乡镇)."""
    for unit in _units():
        if text.startswith(unit):
            rest = text[len(unit):len(unit) + 1]
            return None if rest and _han(rest) else unit
    return None


def _format(clause: str, values: dict) -> tuple[str, list]:
    """The clause filled in, and where its traced figures stand (:mod:`civstat.report.trace`).
    A figure ending in MARK that the clause writes its unit after has its mark after the unit."""
    parsed = list(_FMT.parse(clause))
    out, spans, pos = [], [], 0
    for i, (literal, name, spec, conv) in enumerate(parsed):
        out.append(literal)
        pos += len(literal)
        if name is None:
            continue
        value = values[name]
        piece = _FMT.format_field(_FMT.convert_field(value, conv), spec or "")
        following = parsed[i + 1][0] if i + 1 < len(parsed) else ""
        moved = piece.endswith(MARK) and (unit := _unit_after(following)) is not None
        if moved:
            piece = piece[:-len(MARK)]
        if not conv and not spec:
            spans += [(a + pos, min(b, len(piece)) + pos, t) for a, b, t in spans_of(value)]
        out.append(piece)
        pos += len(piece)
        if moved:
            parsed[i + 1] = (unit + MARK + following[len(unit):], *parsed[i + 1][1:])
    return "".join(out), spans


def sentence(key: str, phrases: dict | None = None, **values) -> str | None:
    """Render the clause list at ``key`` (dotted path); ``None`` if no clause survives."""
    phrases = phrases or load_phrases()
    return render_clauses(lookup(key, phrases), phrases, **values)


def text(key: str, phrases: dict | None = None, **values) -> str:
    """A single label/title (no clause logic)."""
    return _FMT.vformat(lookup(key, phrases or load_phrases()), (), values)
