"""A programme's demo-generator profile: the ``generator:`` key of its catalogue file.

The schema is documented in ``contract/README.md`` (section ``generator``). This module reads and
checks it — an unknown key or column is an error naming the file, so a typo never silently falls
back to a default — and fills in what a profile leaves out, so that a programme without any
``generator:`` key still gets every sheet written with modest placeholder figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from civstat.contract import Column, Programme

POPULATIONS = ("pop_total", "pop_urban", "pop_rural", "pop_60plus")  # cover figures
TOWNSHIP_TYPES = ("街道", "镇", "乡")

# what a column spec may say (README: "generator" → "columns")
SPEC_KEYS = {
    "population",
    "per_10k",
    "range",
    "value",
    "per",
    "factor",
    "share",
    "seasonal",
    "noise",
    "trend",
    "min",
    "max",
    "at_least",
    "at_most",
    "round",
    "zero",
    "choices",
    "template",
    "by_month",
}
OVERRIDES = ("by_township", "by_category", "first_year")
GENERIC_KEYS = {
    "kind",
    "population",
    "columns",
    "categories",
    "entities",
    "events",
    "plan_targets",
    "plants",
    "absent",
}
# an optional sheet (`required: false`) is left out by this share of townships unless its profile
# says otherwise (`absent:`); a required sheet is always reported
DEFAULT_ABSENT_SHARE = 0.1
NUMERIC = ("int", "money", "decimal")


class ProfileError(ValueError):
    pass


@dataclass
class Profile:
    """A generic profile, checked: column specs with their overrides, row set-up, extras."""

    programme: Programme
    columns: dict[str, dict]  # column → spec (base keys + overrides)
    population: str = "pop_total"
    categories: dict[str, dict] = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)

    def spec(
        self,
        column: str,
        *,
        category: str | None = None,
        township: str | None = None,
        first_year: bool = False,
    ) -> dict:
        """A column's spec for one row: base ← by_township ← by_category ← first_year."""
        base = self.columns[column]
        out = {k: v for k, v in base.items() if k not in OVERRIDES}
        for key, sel in (("by_township", township), ("by_category", category)):
            out.update((base.get(key) or {}).get(sel) or {})
        if first_year:
            out.update(base.get("first_year") or {})
        return out

    def all_specs(self, column: str) -> list[dict]:
        """Every variant of a column's spec (for dependency ordering)."""
        base = self.columns[column]
        out = [base]
        for key in ("by_township", "by_category"):
            out += list((base.get(key) or {}).values())
        if base.get("first_year"):
            out.append(base["first_year"])
        return out


def where(prog: Programme, path: str = "") -> str:
    name = prog.path.name if prog.path else f"{prog.code}.yaml"
    return f"programmes/{name} generator{'.' + path if path else ''}"


def kind_of(prog: Programme) -> str:
    return (prog.generator or {}).get("kind", "generic")


def default_spec(col: Column, prog: Programme) -> dict:
    """Placeholder magnitudes for a column the profile does not describe."""
    if col.type not in NUMERIC:
        return {}
    if col.of:
        return {"share": [0.2, 0.6]}
    if col.type == "decimal":
        return {"range": [1, 100]}
    if col.type == "money":
        counts = [
            c.name
            for c in prog.sheet.columns
            if c.type == "int" and c.kind == col.kind and not c.of
        ]
        if counts:
            return {"per": counts[0], "factor": [500, 2000] if col.kind == "ytd" else [100, 500]}
        return {"per_10k": [20000, 80000]}
    return {"per_10k": [10, 40] if col.kind == "ytd" else [5, 20]}


def _check_range(value, path: str) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
        and value[0] <= value[1]
    ):
        return
    raise ProfileError(f"{path}: expected a number or [low, high], got {value!r}")


def _check_spec(prog: Programme, col: Column, spec: dict, path: str, nested: bool) -> None:
    names = {c.name for c in prog.sheet.columns}
    allowed = SPEC_KEYS | (set() if nested else set(OVERRIDES))
    for key, value in spec.items():
        if key not in allowed:
            raise ProfileError(f"{path}: unknown key {key!r}")
        if key in ("per_10k", "range", "factor", "share", "trend"):
            _check_range(value, f"{path}.{key}")
        elif key == "population" and value not in POPULATIONS:
            raise ProfileError(f"{path}.population: one of {', '.join(POPULATIONS)}")
        elif key == "seasonal" and not (isinstance(value, list) and len(value) == 4):
            raise ProfileError(f"{path}.seasonal: four shares, Q1..Q4")
        elif key in ("at_least", "at_most") and value not in names:
            raise ProfileError(f"{path}.{key}: no column {value!r} on {prog.sheet.sheet}")
        elif key == "per":
            for ref in [value] if isinstance(value, str) else value:
                if "." not in ref and ref not in names:
                    raise ProfileError(f"{path}.per: no column {ref!r} on {prog.sheet.sheet}")
        elif key == "by_township":
            for typ, sub in value.items():
                if typ not in TOWNSHIP_TYPES:
                    raise ProfileError(
                        f"{path}.by_township: {typ!r} is not one of {TOWNSHIP_TYPES}"
                    )
                _check_spec(prog, col, sub, f"{path}.by_township.{typ}", True)
        elif key == "by_category":
            cats = {c.code for c in prog.sheet.categories}
            for cat, sub in value.items():
                if cat not in cats:
                    raise ProfileError(f"{path}.by_category: no category {cat!r}")
                _check_spec(prog, col, sub, f"{path}.by_category.{cat}", True)
        elif key == "first_year":
            _check_spec(prog, col, value, f"{path}.first_year", True)
    if not nested and col.type in NUMERIC and "share" in spec and not col.of:
        raise ProfileError(f"{path}.share: only for a column with `of` (其中 columns)")


def load_profile(prog: Programme) -> Profile:
    """The checked generic profile of a programme (defaults for whatever it leaves out)."""
    raw = dict(prog.generator or {})
    for key in raw:
        if key not in GENERIC_KEYS:
            raise ProfileError(f"{where(prog)}: unknown key {key!r}")
    population = raw.get("population", "pop_total")
    if population not in POPULATIONS:
        raise ProfileError(f"{where(prog, 'population')}: one of {', '.join(POPULATIONS)}")
    given = raw.get("columns") or {}
    cols = {c.name: c for c in prog.sheet.columns}
    for name in given:
        if name not in cols:
            raise ProfileError(
                f"{where(prog, 'columns')}: no column {name!r} on {prog.sheet.sheet}"
            )
    specs = {}
    for col in prog.sheet.columns:
        spec = dict(given[col.name]) if col.name in given else default_spec(col, prog)
        _check_spec(prog, col, spec, where(prog, f"columns.{col.name}"), False)
        specs[col.name] = spec
    categories = raw.get("categories") or {}
    known = {c.code for c in prog.sheet.categories}
    for cat, c in categories.items():
        if cat not in known:
            raise ProfileError(f"{where(prog, 'categories')}: no category {cat!r}")
        if set(c) - {"population", "scale"}:
            raise ProfileError(f"{where(prog, 'categories.' + cat)}: keys are population, scale")
    for key, allowed in (
        ("entities", {"count", "by_township"}),
        ("events", {"per_year", "months", "by_township"}),
    ):
        unknown = set(raw.get(key) or {}) - allowed
        if unknown:
            raise ProfileError(f"{where(prog, key)}: unknown key {min(unknown)!r}")
    return Profile(
        prog,
        specs,
        population,
        categories,
        dict(raw.get("entities") or {}),
        dict(raw.get("events") or {}),
    )


class Levels:
    """A row's magnitudes, drawn once each from their own seeded stream: the same township,
    row, column and range always draw the same level, whatever else a profile holds."""

    def __init__(self, key: str):
        self.key = key
        self._cache: dict[tuple, float] = {}

    def draw(self, value, *parts) -> float:
        if not isinstance(value, list):
            return float(value)
        key = (*parts, value[0], value[1])
        if key not in self._cache:
            rnd = random.Random("|".join(map(str, (self.key, *key))))
            self._cache[key] = rnd.uniform(value[0], value[1])
        return self._cache[key]

    def chance(self, p: float, *parts) -> bool:
        return self.draw([0.0, 1.0], "chance", *parts) < p


def pick(rnd: random.Random, choices) -> object:
    """One of a list, or of a {value: weight} mapping."""
    if isinstance(choices, dict):
        values = list(choices)
        return rnd.choices(values, [float(w) for w in choices.values()])[0]
    return rnd.choice(list(choices))


def plan_targets(prog: Programme) -> list[dict]:
    """The demo plan targets a programme declares (``generator.plan_targets``)."""
    return [dict(t) for t in (prog.generator or {}).get("plan_targets") or ()]


def plant(prog: Programme, name: str) -> dict | None:
    """What a demo plant does to this programme (``generator.plants.<name>``), if anything."""
    return ((prog.generator or {}).get("plants") or {}).get(name)


def _share(value, path: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    raise ProfileError(f"{path}: a share between 0 and 1, got {value!r}")


def absent_share(prog: Programme, township_type: str) -> float:
    """The chance that a township of this type leaves the programme's sheet out of every return
    (``generator.absent``: ``{share, by_township: {街道|镇|乡: share}}``); 0 for a required sheet,
    :data:`DEFAULT_ABSENT_SHARE` for an optional one without the key."""
    raw = (prog.generator or {}).get("absent")
    if raw is None:
        return 0.0 if prog.sheet.required else DEFAULT_ABSENT_SHARE
    path = where(prog, "absent")
    if not isinstance(raw, dict) or set(raw) - {"share", "by_township"}:
        raise ProfileError(f"{path}: {{share: 0.15, by_township: {{乡: 0.3}}}} (keys share, by_township)")
    if prog.sheet.required:
        raise ProfileError(f"{path}: {prog.sheet.sheet} is required; a township never leaves it out")
    by_type = raw.get("by_township") or {}
    for typ in by_type:
        if typ not in TOWNSHIP_TYPES:
            raise ProfileError(f"{path}.by_township: {typ!r} is not one of {TOWNSHIP_TYPES}")
    if township_type in by_type:
        return _share(by_type[township_type], f"{path}.by_township.{township_type}")
    return _share(raw.get("share", DEFAULT_ABSENT_SHARE), f"{path}.share")


def violation_plant(prog: Programme) -> dict | None:
    """``generator.plants.violation`` checked: ``{column, ratio_to, factor}`` — at the demo's
    planted township-quarter the column is set to ``ratio_to`` × ``factor``."""
    spec = plant(prog, "violation")
    if spec is None:
        return None
    path = where(prog, "plants.violation")
    if not isinstance(spec, dict) or set(spec) != {"column", "ratio_to", "factor"}:
        raise ProfileError(f"{path}: {{column: X, ratio_to: Y, factor: F}}")
    numeric = {c.name: c for c in prog.sheet.columns if c.type in NUMERIC}
    for key in ("column", "ratio_to"):
        if spec[key] not in numeric:
            raise ProfileError(f"{path}.{key}: no numeric column {spec[key]!r} on {prog.sheet.sheet}")
    if numeric[spec["column"]].of:
        raise ProfileError(f"{path}.column: {spec['column']!r} is a 其中 column (raising it would "
                           f"also break 其中 ≤ 总数); plant on its total")
    if prog.sheet.row_kind == "event":
        raise ProfileError(f"{path}: not on an event sheet ({prog.sheet.sheet})")
    factor = spec["factor"]
    if not isinstance(factor, (int, float)) or isinstance(factor, bool) or factor < 0:
        raise ProfileError(f"{path}.factor: a non-negative number, got {factor!r}")
    return dict(spec)
