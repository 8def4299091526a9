"""A batch of numeric cells typed over whole columns (:class:`CellBatch`): one polars cast
reads the plain numbers, the cells it cannot read go through the cleaning expressions (NFKC,
separators, null markers, a trailing unit or %; a figure formatted as a date: its serial,
:mod:`civstat.ingest.date_figures`), then the header's unit factor and the checks of range and
whole numbers — :mod:`civstat.ingest.columns` puts a return's sheets into it and reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import polars as pl

from civstat.ingest.cell_units import CELL_UNIT, VagueNumber, cell_factor
from civstat.ingest.date_figures import DATE_TEXT, serials
from civstat.ingest.decimals import doubtful_at
from civstat.ingest.normalize import (
    DECIMAL_COMMA,
    DIGIT_GAP,
    GROUPED,
    INVISIBLE,
    NUMBER_HEAD,
    QUOTE_PREFIX,
    SCIENTIFIC,
    null_markers,
)

# parse_number: drop a trailing unit after a leading number (529户, 300元/月), or trailing %
_UNIT_OR_PERCENT = r"^([-+]?\d.*?)[^\d.]+$|%+$"


# -- the expressions (built once per process) -------------------------------------------------
@cache
def number_nulls() -> list[str]:
    """parse_number's null markers after NFKC, in the cases townships type them (无/無, None,
    NULL …; not 本季度无灾情, which is no figure: :func:`civstat.ingest.normalize.nothing_texts`)."""
    nulls = null_markers()
    return sorted(nulls | {"無"} | {m.upper() for m in nulls} | {m.title() for m in nulls})


@cache
def _cleaning() -> list[pl.Expr]:
    """Text as townships type it → (blank, number): NFKC, no spaces or thousands separators,
    null markers, a trailing unit or %, as :func:`civstat.ingest.normalize.parse_number`."""
    raw = pl.col("raw")
    nfkc = raw.str.normalize("NFKC")
    spaced = nfkc.str.replace_all(rf"[\s{INVISIBLE}]+", "").str.replace(QUOTE_PREFIX, "$1")
    text = spaced.str.replace_all(",", "", literal=True)
    head = spaced.str.extract(f"({NUMBER_HEAD})", 1)
    misgrouped = (head.str.contains(",", literal=True) & ~head.str.contains(GROUPED)
                  | spaced.str.contains(DECIMAL_COMMA))
    number = pl.when(misgrouped | text.str.contains(SCIENTIFIC) | nfkc.str.contains(DIGIT_GAP)
                     ).then(None).otherwise(
        text.str.replace(_UNIT_OR_PERCENT, "$1").cast(pl.Float64, strict=False))
    return [(raw.is_null() | text.is_in(number_nulls())).alias("blank"),
            pl.when(text.str.ends_with("%")).then(number / 100).otherwise(number).alias("number"),
            text.str.extract(CELL_UNIT.pattern, 1).alias("unit")]


@dataclass
class Typed:
    """A typed batch: each cell's value (whole numbers as int) and the indexes of bad cells."""

    values: list
    bad: list[int]  # indexes of cells to refuse, ascending
    # read, with a finding: words after the number not read, or a cell formatted as a date
    noted: list[int] = field(default_factory=list)


@dataclass
class CellBatch:
    """The numeric data cells of one return, in the order the reader met them (row by row),
    each with its header's unit factor, its column's largest value and whether it is whole."""

    raw: list = field(default_factory=list)
    factor: list[float] = field(default_factory=list)
    limit: list[float] = field(default_factory=list)
    whole: list[bool] = field(default_factory=list)
    unit: list[str | None] = field(default_factory=list)  # the column's unit (元, 亩, 人 …)
    stored: dict[int, float] = field(default_factory=dict)  # cell → figure (SheetPlan.stored)

    def add(self, raw, factor: float, limit: float, whole: bool, unit: str | None = None) -> None:
        self.raw.append(None if raw is None else str(raw))
        self.factor.append(factor)
        self.limit.append(limit)
        self.whole.append(whole)
        self.unit.append(unit)

    def typed(self) -> Typed:
        """Type every cell over whole columns: one cast reads the plain numbers (``1185250``,
        ``12.5``); the cells it cannot read (``1,775``, ``１２３``, ``529户``, ``67%``, ``—``)
        go through the cleaning expressions; then unit factor, range and whole-number checks."""
        if not self.raw:
            return Typed([], [])
        try:
            raw = pl.Series("raw", self.raw, dtype=pl.Utf8)  # text or None (else: TypeError)
        except TypeError:  # a grid of Python values (tests, tools): each cell as text
            self.raw = [None if r is None else str(r) for r in self.raw]
            raw = pl.Series("raw", self.raw, dtype=pl.Utf8)
        number = raw.cast(pl.Float64, strict=False)
        blank = raw.is_null().to_numpy()
        scientific = raw.str.contains(SCIENTIFIC).fill_null(False).to_numpy()
        if scientific.any():  # 1.78E+06 (a rounded copy): the per-cell reader words the refusal
            number = number.scatter(np.flatnonzero(scientific), float("nan"))
        factor = np.asarray(self.factor, dtype=np.float64)
        noted: list[int] = []
        if number.null_count() > blank.sum():
            number, blank = _clean(raw, number, blank, factor, self.unit, noted, self.stored)
        with np.errstate(invalid="ignore", over="ignore"):
            value = number.to_numpy() * factor
            finite = np.isfinite(value)
            rounded = np.rint(np.where(finite, value, 0.0))
            whole = np.asarray(self.whole, dtype=bool)
            bad = ~blank & (~finite | (np.abs(value) > np.asarray(self.limit, dtype=np.float64))
                            | (whole & (np.abs(value - rounded) > 1e-6)))
            doubt = doubtful_at(raw, factor, self.unit, self.whole)
            if doubt:  # 177.5475 元, 1.000 persons: decimals it cannot have (decimals.py)
                bad[doubt] = ~blank[doubt]
            kept = ~(blank | bad)
            ints = np.where(kept, rounded, 0.0).astype(np.int64).tolist()
            numbers = np.round(np.where(kept, value, 0.0), 2).tolist()
        values = [(i if w else n) if k else None
                  for k, i, n, w in zip(kept.tolist(), ints, numbers, self.whole, strict=True)]
        bad_at = np.flatnonzero(bad).tolist()
        return Typed(values, bad_at, sorted(set(noted) - set(bad_at)) if noted else [])


def _clean(raw: pl.Series, number: pl.Series, blank: np.ndarray, factor: np.ndarray,
           units: list, noted: list[int], stored: dict[int, float]) -> tuple[pl.Series, np.ndarray]:
    """The cells a plain cast could not read, through :func:`_cleaning` (number, blank); a unit
    typed in a cell replaces the header's factor (:func:`cell_factor`) in ``factor``; a cell
    whose words after the number state no unit the reader knows (``380000元(含补发)``) is put
    in ``noted``, and so is a figure in a cell formatted as a date (``1900-04-29 00:00:00``:
    120, :mod:`civstat.ingest.date_figures`; a plausible date, not read, is refused; 1899-12-31:
    the figure its workbook stores, ``stored``, else refused)."""
    at = (number.is_null() & raw.is_not_null()).arg_true()
    unread = raw.gather(at)
    cleaned = pl.DataFrame({"raw": unread}).select(_cleaning())
    blank = blank.copy()
    where = at.to_numpy()
    blank[where] = cleaned.get_column("blank").to_numpy()
    read = cleaned.get_column("number")
    if unread.str.contains(DATE_TEXT).any():  # a figure formatted as a date: its serial, or not read (refused)
        is_date, days = serials(unread, {int(np.searchsorted(where, k)): figure
                                         for k, figure in stored.items()})
        read = read.scatter(np.flatnonzero(is_date), days[is_date]).fill_nan(None)
        noted.extend(where[is_date & ~np.isnan(days)].tolist())
    else:
        is_date = np.zeros(len(where), dtype=bool)
    for i, unit, dated in zip(where.tolist(), cleaned.get_column("unit").to_list(),
                              is_date.tolist(), strict=True):
        if dated:
            continue
        try:
            stated = cell_factor(units[i], unit)
        except VagueNumber:
            stated = np.nan  # not finite: the per-cell reader words the refusal
        if stated is not None:
            factor[i] = stated
        elif unit is not None and units[i] is not None:  # (a standard's period: decide_period)
            noted.append(i)
    return number.scatter(at, read), blank
