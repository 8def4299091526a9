"""The phrase engine: sentences from :file:`phrases.yaml`, clauses dropped when a figure is missing."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

PHRASES_PATH = Path(__file__).with_name("phrases.yaml")
_FMT = string.Formatter()


@lru_cache(maxsize=4)
def load_phrases(path: str | None = None) -> dict:
    return yaml.safe_load(Path(path or PHRASES_PATH).read_text(encoding="utf-8"))


def _fields(clause: str) -> list[str]:
    return [name for _, name, _, _ in _FMT.parse(clause) if name]


def lookup(key: str, phrases: dict | None = None):
    node = phrases or load_phrases()
    for part in key.split("."):
        node = node[part]
    return node


def sentence(key: str, phrases: dict | None = None, **values) -> str | None:
    """Render the clause list at ``key`` (dotted path); ``None`` if no clause survives."""
    phrases = phrases or load_phrases()
    clauses = lookup(key, phrases)
    if isinstance(clauses, str):
        clauses = [clauses]
    kept = []
    for clause in clauses:
        names = _fields(clause)
        if all(values.get(n) not in (None, "") for n in names):
            kept.append(clause.format_map(values))
    if not kept:
        return None
    return phrases["joiner"].join(kept) + phrases["end"]


def text(key: str, phrases: dict | None = None, **values) -> str:
    """A single label/title (no clause logic)."""
    return lookup(key, phrases or load_phrases()).format_map(values)
