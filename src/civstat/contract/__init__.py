"""The programme catalogue: the township return and everything particular to each programme.

``return.yaml`` holds what every return shares (cover, units, footers, total rows); one file per
programme under ``programmes/`` holds its sheet, spending lines, year-to-date flows, measures,
KPIs, edit rules, summary section and demo-generator profile (ARCHITECTURE.md). Everything that
needs to know what a return looks like or what a programme reports — template, reader, raw DDL,
generator, dbt (through the files ``civstat.catalogue`` generates), edit rules, summary — asks
this module instead of hard-coding sheet, column or programme names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).parent

# DuckDB type of each contract `type`.
DUCKDB_TYPES = {
    "int": "BIGINT",
    "money": "DOUBLE",
    "decimal": "DOUBLE",
    "text": "VARCHAR",
    "date": "DATE",
}


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    type: str
    kind: str = "attr"
    unit: str | None = None
    form_unit: str | None = None  # unit printed on the form when it differs from storage (万元)
    required: bool = False
    synonyms: tuple[str, ...] = ()
    group: str | None = None
    short: str | None = None
    of: str | None = None
    choices: tuple[str, ...] = ()
    period_units: dict[str, str] = field(default_factory=dict)
    # 保障标准 units (see programmes/dibao.yaml): header words naming the period, the period each category
    # reports by convention, and the magnitudes that overrule the convention
    period_headers: dict[str, str] = field(default_factory=dict)
    period_convention: dict[str, str] = field(default_factory=dict)
    period_magnitude: dict[str, float] = field(default_factory=dict)
    # the bounds of returns of earlier years, when standards were lower: (until, bounds), the
    # first whose ``until`` (a year, inclusive) is not before the return's year applies
    period_magnitude_until: tuple[tuple[int, dict[str, float]], ...] = ()
    # quarters in which the column is reported (表11's 年检 columns: [4]); blank in the others
    reported_in: tuple[int, ...] = (1, 2, 3, 4)
    # its `of` parts add up to it by definition (期末供养人数 = 集中 + 分散): a return giving
    # the parts without it is read with it computed from them
    parts_add_up: bool = False

    def magnitude_bounds(self, year: int | None) -> dict[str, float]:
        """``period_magnitude`` for a return of ``year``: the first ``period_magnitude_until``
        entry covering it over the column's own bounds (a return of no known year, or of a year
        after every entry: the column's own)."""
        if year is not None:
            for until, bounds in self.period_magnitude_until:
                if year <= until:
                    return {**self.period_magnitude, **bounds}
        return self.period_magnitude

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    @property
    def header_unit(self) -> str | None:
        """The unit as printed in the template header."""
        return self.form_unit or self.unit


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    family: str
    table: str
    no: int
    sheet: str
    sheet_synonyms: tuple[str, ...]
    required: bool
    row_kind: str  # category | single | event | entity
    columns: tuple[Column, ...]
    label: Column | None = None
    categories: tuple[Category, ...] = ()
    # quarterly (default) | year_end: the sheet's stocks are revised once a year, in Q4 (表11, 表15)
    stocks_revised: str = "quarterly"

    @property
    def title(self) -> str:
        """The sheet title without its 表N prefix (最低生活保障)."""
        return self.sheet.split(" ", 1)[-1]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.family}: no column {name!r}")


@dataclass(frozen=True)
class Programme:
    """One file of ``programmes/``: a return sheet and what the warehouse and summary make of it."""

    code: str  # = the sheet family and the file's stem
    domain: str  # Dagster group of its models; dim_programme.domain
    order: int  # place among sheets, summary sections and KPI listings
    sheet: Sheet
    spending_lines: tuple[dict, ...] = ()  # dim_programme rows (`programmes:`)
    flows: dict[str, dict] = field(default_factory=dict)  # ytd column → {programme, flow}
    measures: tuple[dict, ...] = ()
    kpis: tuple[dict, ...] = ()
    rules: tuple[dict, ...] = ()  # programme-specific edit rules (quality/rules.yaml schema)
    summary: dict = field(default_factory=dict)  # its section of the year-end summary
    generator: dict = field(default_factory=dict)  # demo-generator profile
    dbt: dict = field(default_factory=dict)  # {staging: custom | generated, flows_model: …}
    choice_synonyms: dict = field(default_factory=dict)  # column → {listed value: [variants]}
    path: Path | None = None

    def flow_of(self, column: str) -> tuple[str, str]:
        """(spending line, flow code) a year-to-date column reports."""
        target = self.flows.get(column) or {}
        return (target.get("programme", self.code),
                target.get("flow", column.removesuffix("_ytd")))


def staged_name(column: Column) -> str:
    """A column's name in staging: year-to-date columns always end in ``_ytd``."""
    if column.kind == "ytd" and not column.name.endswith("_ytd"):
        return f"{column.name}_ytd"
    return column.name


@dataclass(frozen=True)
class Contract:
    sheets: tuple[Sheet, ...]
    cover_sheet: str
    cover_sheet_synonyms: tuple[str, ...]
    cover_fields: tuple[Column, ...]
    unit_conversions: dict[str, tuple[str, float]]
    footer_prefixes: tuple[str, ...]
    total_labels: tuple[str, ...]
    cover_max_population: int = 5_000_000
    cover_unit_suffixes: tuple[str, ...] = ()
    other_period_words: tuple[str, ...] = ()
    current_period_words: tuple[str, ...] = ()
    part_period_words: tuple[str, ...] = ()
    cumulative_words: tuple[str, ...] = ()
    row_number_headers: tuple[str, ...] = ()
    column_number_labels: tuple[str, ...] = ()
    note_prefixes: tuple[str, ...] = ()
    approximate_words: tuple[str, ...] = ()
    digit_lookalikes: tuple[str, ...] = ()  # letters typed for digits (12O): no figure
    magnitude_letters: dict[str, str] = field(default_factory=dict)  # 38w: 38万
    unread_rate_periods: tuple[str, ...] = ()
    standard_periods_tolerance_yuan: float = 12.0
    cover_label_likeness: float = 0.6
    units_row_labels: tuple[str, ...] = ()
    sheet_name_suffixes: tuple[str, ...] = ()  # 低保统计表: words after a sheet's name
    nothing_texts: tuple[str, ...] = ()  # 本季度无灾情: nothing happened, no figure
    note_part_words: tuple[str, ...] = ()  # 210人(含残疾5人): a note on a part of the figure
    ditto_marks: tuple[str, ...] = ()  # 同上, 〃: the same as the row above (a text or date cell)
    other_spreadsheets: dict[str, str] = field(default_factory=dict)
    programmes: tuple[Programme, ...] = ()
    cover_measures: tuple[dict, ...] = ()

    def programme(self, code: str) -> Programme:
        for prog in self.programmes:
            if prog.code == code:
                return prog
        raise KeyError(f"no programme {code!r}")

    @property
    def measures(self) -> tuple[dict, ...]:
        return self.cover_measures + tuple(m for p in self.programmes for m in p.measures)

    @property
    def kpis(self) -> tuple[dict, ...]:
        return tuple(k for p in self.programmes for k in p.kpis)

    def sheet(self, family: str) -> Sheet:
        for sh in self.sheets:
            if sh.family == family:
                return sh
        raise KeyError(f"no sheet family {family!r}")


def _column(d: dict) -> Column:
    return Column(
        name=d["name"],
        header=d["header"],
        type=d.get("type", "text"),
        kind=d.get("kind", "attr"),
        unit=d.get("unit"),
        form_unit=d.get("form_unit"),
        required=bool(d.get("required", False)),
        synonyms=tuple(d.get("synonyms") or ()),
        group=d.get("group"),
        short=d.get("short"),
        of=d.get("of"),
        choices=tuple(d.get("choices") or ()),
        period_units=dict(d.get("period_units") or {}),
        period_headers=dict(d.get("period_headers") or {}),
        period_convention=dict(d.get("period_convention") or {}),
        period_magnitude={k: float(v) for k, v in (d.get("period_magnitude") or {}).items()},
        period_magnitude_until=tuple(sorted(
            (int(e["until"]), {k: float(v) for k, v in e.items() if k != "until"})
            for e in d.get("period_magnitude_until") or ())),
        reported_in=tuple(int(q) for q in d.get("reported_in") or (1, 2, 3, 4)),
        parts_add_up=bool(d.get("parts_add_up", False)),
    )


def _sheet(family: str, s: dict) -> Sheet:
    label = s.get("label")
    return Sheet(
        family=family,
        table=s["table"],
        no=int(s["number"]),
        sheet=s["sheet"],
        sheet_synonyms=tuple(s.get("sheet_synonyms") or ()),
        required=bool(s.get("required", True)),
        row_kind=s["row_kind"],
        columns=tuple(_column(c) for c in s["columns"]),
        label=_column({**label, "type": "text"}) if label else None,
        categories=tuple(
            Category(code=k, label=v["label"], synonyms=tuple(v.get("synonyms") or ()))
            for k, v in (s.get("categories") or {}).items()
        ),
        stocks_revised=s.get("stocks_revised", "quarterly"),
    )


def _programme(path: Path) -> Programme:
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    code = d.get("code") or path.stem
    if code != path.stem:
        raise ValueError(f"{path.name}: code {code!r} must match the file name")
    return Programme(
        code=code,
        domain=d.get("domain", code),
        order=int(d["order"]),
        sheet=_sheet(code, d["sheet"]),
        spending_lines=tuple(d.get("programmes") or ()),
        flows=dict(d.get("flows") or {}),
        measures=tuple(d.get("measures") or ()),
        kpis=tuple(d.get("kpis") or ()),
        rules=tuple(d.get("rules") or ()),
        summary=dict(d.get("summary") or {}),
        generator=dict(d.get("generator") or {}),
        dbt=dict(d.get("dbt") or {}),
        choice_synonyms=dict(d.get("choice_synonyms") or {}),
        path=path,
    )


def _check_choice_synonyms(prog: Programme) -> None:
    """Each ``choice_synonyms`` entry names a column with ``choices`` and one of them."""
    columns = {c.name: c for c in prog.sheet.columns}
    for name, listed in prog.choice_synonyms.items():
        choices = columns[name].choices if name in columns else ()
        for value in listed:
            if value not in choices:
                raise ValueError(f"programmes/{prog.code}.yaml: choice_synonyms of {name}: "
                                 f"{value!r} is not one of its choices")


def programme_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or CONTRACT_DIR / "programmes").glob("*.yaml"))


def _footer_prefixes(raw: dict) -> tuple[str, ...]:
    """``footer_prefixes`` and the labels (header and synonyms) of the cover's ``footer_fields``
    (填报人, 经办人, 审核人, 联系电话, 填报日期 …): a sheet's foot signed as the cover is."""
    fields = {f["name"]: f for f in raw["cover"]["fields"]}
    signed = [label for name in raw.get("footer_fields") or ()
              for label in (fields[name]["header"], *(fields[name].get("synonyms") or ()))]
    return tuple(dict.fromkeys((*raw["footer_prefixes"], *signed)))


@cache
def load_contract(path: Path | None = None) -> Contract:
    """The catalogue: ``return.yaml`` + every ``programmes/*.yaml`` (in their ``order``)."""
    root = path or CONTRACT_DIR
    raw = yaml.safe_load((root / "return.yaml").read_text(encoding="utf-8"))
    programmes = sorted((_programme(p) for p in programme_files(root / "programmes")),
                        key=lambda p: (p.order, p.code))
    for prog in programmes:
        _check_choice_synonyms(prog)
    _check_unique(programmes)
    cover = raw["cover"]
    return Contract(
        sheets=tuple(p.sheet for p in programmes),
        cover_sheet=cover["sheet"],
        cover_sheet_synonyms=tuple(cover.get("sheet_synonyms") or ()),
        cover_fields=tuple(_column(f) for f in cover["fields"]),
        cover_max_population=int(cover.get("max_population") or 5_000_000),
        cover_unit_suffixes=tuple(cover.get("unit_suffixes") or ()),
        unit_conversions={
            k: (v["canonical"], float(v["factor"])) for k, v in raw["unit_conversions"].items()
        },
        footer_prefixes=_footer_prefixes(raw),
        total_labels=tuple(raw["total_labels"]),
        other_period_words=tuple(raw.get("other_period_words") or ()),
        current_period_words=tuple(raw.get("current_period_words") or ()),
        part_period_words=tuple(raw.get("part_period_words") or ()),
        cumulative_words=tuple(raw.get("cumulative_words") or ()),
        row_number_headers=tuple(raw.get("row_number_headers") or ()),
        column_number_labels=tuple(raw.get("column_number_labels") or ()),
        note_prefixes=tuple(raw.get("note_prefixes") or ()),
        approximate_words=tuple(raw.get("approximate_words") or ()),
        digit_lookalikes=tuple(raw.get("digit_lookalikes") or ()),
        magnitude_letters={str(k): str(v) for k, v in (raw.get("magnitude_letters") or {}).items()},
        unread_rate_periods=tuple(raw.get("unread_rate_periods") or ()),
        standard_periods_tolerance_yuan=float(raw.get("standard_periods_tolerance_yuan", 12)),
        cover_label_likeness=float(raw.get("cover_label_likeness", 0.6)),
        units_row_labels=tuple(raw.get("units_row_labels") or ()),
        sheet_name_suffixes=tuple(raw.get("sheet_name_suffixes") or ()),
        nothing_texts=tuple(str(w) for w in raw.get("nothing_texts") or ()),
        note_part_words=tuple(str(w) for w in raw.get("note_part_words") or ()),
        ditto_marks=tuple(str(w) for w in raw.get("ditto_marks") or ()),
        other_spreadsheets=dict(raw.get("other_spreadsheets") or {}),
        programmes=tuple(programmes),
        cover_measures=tuple(raw.get("measures") or ()),
    )


def _check_unique(programmes: list[Programme]) -> None:
    """Two programme files may not claim the same table, sheet number, sheet name (a name or
    synonym as the reader matches it: 表N and punctuation aside), measure or KPI — the reader
    would give a sheet to one of them and silently drop the other's."""
    from civstat.ingest.normalize import sheet_key

    seen: dict[tuple[str, object], str] = {}
    for prog in programmes:
        keys = [("table", prog.sheet.table), ("sheet number", prog.sheet.no)]
        keys += [("sheet name", k) for k in dict.fromkeys(
            sheet_key(n) for n in (prog.sheet.sheet, *prog.sheet.sheet_synonyms))]
        keys += [("measure", m["code"]) for m in prog.measures]
        keys += [("KPI", k["code"]) for k in prog.kpis]
        keys += [("spending line", s["code"]) for s in prog.spending_lines]
        for key in keys:
            if key in seen:
                raise ValueError(f"programmes/{prog.code}.yaml: {key[0]} {key[1]!r} "
                                 f"already defined in programmes/{seen[key]}.yaml")
            seen[key] = prog.code
