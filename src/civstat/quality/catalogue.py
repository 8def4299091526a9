"""The edit-rule catalogue (``rules.yaml``) loaded into typed objects.

Strings of a rule other than its SQL (messages, expected relations, GX kwargs, derived columns)
are Jinja templates over the rule's ``params`` and are rendered once here, so tolerances live in
one place. The SQL is rendered at evaluation time with the contract helpers (:func:`sql_context`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from civstat.contract import Column, Sheet, load_contract

CATALOGUE_PATH = Path(__file__).with_name("rules.yaml")
SEVERITIES = ("hard", "soft")
ENGINES = ("great_expectations", "sql")

_jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # hard | soft
    name_zh: str
    name_en: str
    tables: tuple[str, ...]
    engine: str  # great_expectations | sql
    message_zh: str
    message_en: str
    params: dict = field(default_factory=dict)
    value: str | None = None
    expected_zh: str | None = None
    expected_en: str | None = None
    sql: str | None = None
    gx: tuple[dict, ...] = ()
    description: str = ""

    @property
    def is_hard(self) -> bool:
        return self.severity == "hard"


@dataclass(frozen=True)
class Catalogue:
    views: dict[str, str]
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise KeyError(code)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.rules]


def _render(value: Any, params: dict) -> Any:
    """Render Jinja in every string of a nested structure; numbers stay numbers."""
    if isinstance(value, str):
        if "{{" not in value and "{%" not in value:
            return value
        out = _jinja.from_string(value).render(params=params)
        try:
            return float(out)
        except ValueError:
            return out
    if isinstance(value, dict):
        return {k: _render(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, params) for v in value]
    return value


class CatalogueError(ValueError):
    """The rule catalogue is malformed."""


def _rule(d: dict) -> Rule:
    code = d.get("code")
    try:
        params = d.get("params") or {}
        sev, engine = d["severity"], d["engine"]
        if sev not in SEVERITIES or engine not in ENGINES:
            raise CatalogueError(f"{code}: severity {sev!r} / engine {engine!r}")
        if engine == "sql" and not d.get("sql"):
            raise CatalogueError(f"{code}: an sql rule needs `sql`")
        if engine == "great_expectations" and not d.get("gx"):
            raise CatalogueError(f"{code}: a great_expectations rule needs `gx`")
        msg = _render(d["message"], params)
        exp = _render(d.get("expected") or {}, params)
        return Rule(
            code=code,
            severity=sev,
            name_zh=d["name"]["zh"],
            name_en=d["name"]["en"],
            tables=tuple(d.get("tables") or ()),
            engine=engine,
            message_zh=msg["zh"],
            message_en=msg["en"],
            params=params,
            value=_render(d.get("value"), params),
            expected_zh=exp.get("zh"),
            expected_en=exp.get("en"),
            sql=d.get("sql"),
            gx=tuple(_render(d.get("gx") or [], params)),
            description=d.get("description", ""),
        )
    except KeyError as exc:
        raise CatalogueError(f"规则 {code} 缺少字段 {exc} / rule {code} lacks {exc}") from None


@cache
def load_catalogue(path: Path | None = None) -> Catalogue:
    raw = yaml.safe_load((path or CATALOGUE_PATH).read_text(encoding="utf-8"))
    rules = tuple(_rule(d) for d in raw["rules"])
    codes = [r.code for r in rules]
    if len(set(codes)) != len(codes):
        raise CatalogueError(f"重复的规则代码 / duplicate rule codes: {codes}")
    return Catalogue(views=dict(raw.get("views") or {}), rules=rules)


# -- helpers the SQL templates use ---------------------------------------------------------

NUMERIC_TYPES = ("int", "money", "decimal")


def numeric(sheet: Sheet) -> list[Column]:
    return [c for c in sheet.columns if c.type in NUMERIC_TYPES]


def additive(sheet: Sheet) -> list[Column]:
    """Columns that add up in a 合计 row: counts, money, areas (not standards like 元/人·月)."""
    return [c for c in numeric(sheet) if c.type != "decimal" or "/" not in (c.unit or "/")]


def ytd(sheet: Sheet) -> list[Column]:
    return [c for c in numeric(sheet) if c.kind == "ytd"]


def sql_context(rule: Rule) -> dict:
    contract = load_contract()

    def sheets(*row_kinds: str) -> list[Sheet]:
        return [s for s in contract.sheets if not row_kinds or s.row_kind in row_kinds]

    def tol(col: Column) -> float:
        return float((rule.params.get("tolerance") or {}).get(col.type, 0))

    return {
        "params": rule.params,
        "contract": contract,
        "sheets": sheets,
        "numeric": numeric,
        "additive": additive,
        "ytd": ytd,
        "tol": tol,
    }


def render_sql(rule: Rule) -> str:
    return _jinja.from_string(rule.sql or "").render(**sql_context(rule))
