"""The header row of a reference CSV: each cell read as one of the table's columns, by its English
name or by a name of ``contract/reference.yaml`` (统计用区划代码, 名称, 启用日期 …; traditional
characters alike), and the cells that name no column."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from civstat.contract import CONTRACT_DIR
from civstat.ingest import reference_rules as rr
from civstat.ingest.normalize import to_simplified

SYNONYMS_PATH = CONTRACT_DIR / "reference.yaml"


def header_name(value: str) -> str:
    """A header cell as compared: NFKC, traditional → simplified, no white space, lower case."""
    return to_simplified(rr.header_name(value))


@cache
def _names(path: Path = SYNONYMS_PATH) -> dict[str, dict[str, str]]:
    """Per table: every accepted header name (normalised) → its column."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for table, columns in raw.items():
        names = out.setdefault(table, {})
        for column, synonyms in columns.items():
            for name in [column, *(synonyms or [])]:
                key = header_name(str(name))
                if names.setdefault(key, column) != column:
                    raise ValueError(f"{path.name}: {table}: header name {name!r} is given for both "
                                     f"{names[key]} and {column}")
    return out


def column_names(table: str, columns: list[str]) -> dict[str, str]:
    """Every name a header may give ``columns`` of ``table`` (normalised) → the column."""
    names = dict(_names().get(table, {}))
    names.update({header_name(c): c for c in columns})
    return {name: column for name, column in names.items() if column in columns}


def shown(table: str, column: str) -> str:
    """A column as a message names it: ``division_code(统计用区划代码)``."""
    synonyms = [n for n, c in _names().get(table, {}).items() if c == column and n != column]
    return f"{column}({synonyms[0]})" if synonyms else column


def read_header(table: str, cells: list[str], columns: list[str]) -> tuple[list[str], list[str]]:
    """(the column each header cell names — ``""`` for an empty cell, the cell itself, normalised,
    for one naming no column —, the cells as written that name no column)."""
    names = column_names(table, columns)
    header, unknown = [], []
    for cell in cells:
        key = header_name(cell)
        if not key:
            header.append("")
        elif key in names:
            header.append(names[key])
        else:
            header.append(key)
            unknown.append(rr.clean(cell))
    return header, unknown
