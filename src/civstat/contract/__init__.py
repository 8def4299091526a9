"""The township return contract, loaded from ``sheets.yaml`` (the single source of truth).

Everything that needs to know what a return looks like — the template writer, the reader,
the raw-table DDL, the generator — asks this module instead of hard-coding sheet or column
names.
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
    # 保障标准 units (see sheets.yaml): header words naming the period, the period each category
    # reports by convention, and the magnitudes that overrule the convention
    period_headers: dict[str, str] = field(default_factory=dict)
    period_convention: dict[str, str] = field(default_factory=dict)
    period_magnitude: dict[str, float] = field(default_factory=dict)

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
class Contract:
    sheets: tuple[Sheet, ...]
    cover_sheet: str
    cover_sheet_synonyms: tuple[str, ...]
    cover_fields: tuple[Column, ...]
    unit_conversions: dict[str, tuple[str, float]]
    footer_prefixes: tuple[str, ...]
    total_labels: tuple[str, ...]

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
    )


@cache
def load_contract(path: Path | None = None) -> Contract:
    raw = yaml.safe_load((path or CONTRACT_DIR / "sheets.yaml").read_text(encoding="utf-8"))
    sheets = []
    for s in raw["sheets"]:
        label = s.get("label")
        sheets.append(
            Sheet(
                family=s["family"],
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
            )
        )
    cover = raw["cover"]
    return Contract(
        sheets=tuple(sheets),
        cover_sheet=cover["sheet"],
        cover_sheet_synonyms=tuple(cover.get("sheet_synonyms") or ()),
        cover_fields=tuple(_column(f) for f in cover["fields"]),
        unit_conversions={
            k: (v["canonical"], float(v["factor"])) for k, v in raw["unit_conversions"].items()
        },
        footer_prefixes=tuple(raw["footer_prefixes"]),
        total_labels=tuple(raw["total_labels"]),
    )
