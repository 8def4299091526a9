"""What a clerk writes around a cell's figure that is no part of it: a note in brackets stating a
part of the figure (``210人(含残疾5人)``, ``380000(其中补发12000元)``: contract ``note_part_words``)
and a currency sign before it (``¥380,000.00``, ``￥380,000``: 元, as ``380000元`` says).

The functions take text already normalised (:func:`civstat.ingest.normalize.norm`: NFKC, so
``（`` is ``(`` and ``￥`` is ``¥``); this module imports nothing of the reader, so that
:mod:`civstat.ingest.normalize` can use it. A bracket opening with other words (``210(220)``,
``210人(另5人)``) is no note: it may hold a second figure, and the cell stays refused.
"""

from __future__ import annotations

import re
from functools import cache

CURRENCY = re.compile(r"^([-+]?)¥")  # ¥380,000.00 / -¥5: the sign of 元 before the figure


@cache
def _note() -> re.Pattern:
    from civstat.contract import load_contract  # the contract's loader uses normalize, and it this

    words = "|".join(re.escape(w) for w in sorted(load_contract().note_part_words, key=len,
                                                    reverse=True))
    return re.compile(rf"^(?P<figure>[-+]?¥?\d[^()]*?)\((?P<note>(?:{words})[^()]*)\)$")


def split_note(text: str) -> tuple[str, str] | None:
    """``'210人(含残疾5人)'`` → ``('210人', '含残疾5人')``: the figure (with its unit) and the
    note stating a part of it; None when the text ends in no such note."""
    if not text.endswith(")"):
        return None
    m = _note().match(text)
    return (m["figure"], m["note"]) if m else None


def unread_note(text: str) -> str | None:
    """The note of a cell the column-wise typing cannot read (a digit in its note, or a currency
    sign before the figure), which the per-cell reader reads without a word: its finding is
    :func:`civstat.ingest.table_rows` ``_notes``'s. A note without digits after a plain figure
    (``380000元(含补发)``) is the typing's own finding."""
    split = split_note(text)
    if split is None:
        return None
    figure, note = split
    return note if CURRENCY.match(figure) or any(c.isdigit() for c in note) else None


def without_note(text: str, *, all_notes: bool = False) -> str:
    """The text without the note after its figure: one holding digits (what the column-wise
    typing cannot read), or any with ``all_notes``."""
    split = split_note(text)
    if split is None or not (all_notes or any(c.isdigit() for c in split[1])):
        return text
    return split[0]
