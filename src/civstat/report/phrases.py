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


def _format(clause: str, values: dict) -> tuple[str, list]:
    """The clause filled in, and where its traced figures stand (:mod:`civstat.report.trace`)."""
    out, spans, pos = [], [], 0
    for literal, name, spec, conv in _FMT.parse(clause):
        out.append(literal)
        pos += len(literal)
        if name is None:
            continue
        value = values[name]
        piece = _FMT.format_field(_FMT.convert_field(value, conv), spec or "")
        if not conv and not spec:
            spans += [(a + pos, b + pos, t) for a, b, t in spans_of(value)]
        out.append(piece)
        pos += len(piece)
    return "".join(out), spans


def sentence(key: str, phrases: dict | None = None, **values) -> str | None:
    """Render the clause list at ``key`` (dotted path); ``None`` if no clause survives."""
    phrases = phrases or load_phrases()
    return render_clauses(lookup(key, phrases), phrases, **values)


def text(key: str, phrases: dict | None = None, **values) -> str:
    """A single label/title (no clause logic)."""
    return _FMT.vformat(lookup(key, phrases or load_phrases()), (), values)
