"""The edit-rule catalogue: the generic rules of ``rules.yaml`` + each programme's own rules (the
``rules:`` key of ``contract/programmes/<code>.yaml``), loaded into typed objects.

* A **generic** rule (``rules.yaml``) applies to every programme its ``tables:`` selects from the
  contract (``all``, ``{row_kind: [...]}``, ``{kind: ytd}``, ``{of: true}``, ``{unit: [...]}``,
  ``{stocks_revised: year_end}``, or table names), so a programme file added to the catalogue
  is checked without editing it.
* A **programme** rule (``rules:`` of a programme file) has the same schema; ``tables`` and a
  ``gx`` frame's ``table`` default to the programme's table. An entry ``extends: H3`` instead
  adds the programme's GX frames (and tables) to the generic rule H3; ``supersedes: [H8]`` takes
  the rule's tables out of H8 (H9 checks 表5's 其中 columns itself).

Strings of a rule other than its SQL (messages, expected relations, GX kwargs, derived columns)
are Jinja templates over the rule's ``params`` and are rendered once here, so tolerances live in
one place. The SQL is rendered at evaluation time with the contract helpers (:func:`sql_context`).
The views the SQL reads are rendered here with the contract and the dbt macros they share with
the warehouse (``dbt_project/macros/division_chain.sql``, ``dibao_standard.sql``: the merger
chain and the 保障标准 unit rule are defined once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from civstat import paths
from civstat.contract import Column, Contract, Sheet, load_contract
from civstat.quality.inputs import LOOKBACK_YEARS

CATALOGUE_PATH = Path(__file__).with_name("rules.yaml")
# dbt macro files the quality views render too (plain Jinja + SQL, no ref/source inside)
SHARED_MACROS = ("division_chain.sql", "dibao_standard.sql")
SEVERITIES = ("hard", "soft")
ENGINES = ("great_expectations", "sql")
# a rule's `tables:` selector keys (a sheet is selected when every given key matches)
SELECTOR_KEYS = ("row_kind", "kind", "of", "unit", "stocks_revised")
COVER_TABLE = "submissions"

_jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # hard | soft
    name_zh: str
    name_en: str
    tables: tuple[str, ...]  # raw tables it reads (resolved from the contract)
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
    programme: str | None = None  # the programme file that defines it; None: rules.yaml
    excluded_tables: tuple[str, ...] = ()  # tables a programme rule supersedes it on
    # fields quoted as figures with their unit (civstat.quality.amounts): of the column of that
    # name in the violation's table, else of the violation's column
    amounts: tuple[str, ...] = ()
    # texts shown only when their field has a value: name → {field, zh, en} (the messages use
    # {name_zh} / {name_en})
    optional: dict = field(default_factory=dict)

    @property
    def is_hard(self) -> bool:
        return self.severity == "hard"


@dataclass(frozen=True)
class Catalogue:
    views: dict[str, str]  # name → SQL (rendered), created in this order
    rules: tuple[Rule, ...]
    contract: Contract | None = field(default=None, compare=False, repr=False)
    # the views of rules.yaml's `views:` (current returns, divisions, previous quarters): read by
    # nearly every rule, so computed once per run into temporary tables; the per-sheet views stay
    # views (each rule reads the columns it needs)
    materialised: frozenset[str] = frozenset()

    def rule(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise KeyError(code)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.rules]

    def rules_for(self, table: str) -> list[Rule]:
        """The rules that read a raw table."""
        return [r for r in self.rules if table in r.tables]


def rule_order(code: str) -> tuple[int, int, str]:
    """Hard before soft, then by number (H2 before H10)."""
    return (0 if code.startswith("H") else 1, int(code[1:]) if code[1:].isdigit() else 10**6, code)


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


# -- tables: selectors resolved against the contract ---------------------------------------


def _selected(sheet: Sheet, selector: dict) -> bool:
    unknown = set(selector) - set(SELECTOR_KEYS)
    if unknown:
        raise CatalogueError(f"unknown table selector {sorted(unknown)} (use {SELECTOR_KEYS})")
    if "row_kind" in selector and sheet.row_kind not in _as_list(selector["row_kind"]):
        return False
    if "kind" in selector and not any(c.kind in _as_list(selector["kind"]) for c in numeric(sheet)):
        return False
    if selector.get("of") and not any(c.of for c in sheet.columns):
        return False
    if "stocks_revised" in selector and sheet.stocks_revised not in _as_list(selector["stocks_revised"]):
        return False
    return "unit" not in selector or any(c.unit in _as_list(selector["unit"]) for c in numeric(sheet))


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def resolve_tables(spec: Any, contract: Contract, excluded: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The raw tables a ``tables:`` value names: table names (``submissions`` = the cover),
    ``all`` (every sheet) and selectors over the contract's sheets, in contract order."""
    wanted: list[str] = []
    for item in _as_list(spec) if spec is not None else []:
        if item in ("all", "*"):
            wanted += [s.table for s in contract.sheets]
        elif isinstance(item, dict):
            wanted += [s.table for s in contract.sheets if _selected(s, item)]
        elif isinstance(item, str):
            wanted.append(item)
        else:
            raise CatalogueError(f"tables: cannot read {item!r}")
    order = {t: i for i, t in enumerate([COVER_TABLE, *(s.table for s in contract.sheets)])}
    return tuple(sorted(dict.fromkeys(t for t in wanted if t not in excluded),
                        key=lambda t: order.get(t, len(order))))


# -- merging rules.yaml and the programme files --------------------------------------------


def _programme_entries(contract: Contract) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """(own rules, extensions of generic rules) of every programme file, each with its owner."""
    own, extensions = [], []
    for prog in contract.programmes:
        for entry in prog.rules:
            if not isinstance(entry, dict):
                raise CatalogueError(f"programmes/{prog.code}.yaml: rules: {entry!r} is not a rule")
            entry = dict(entry)
            table = prog.sheet.table
            entry["gx"] = [{"table": table, **g} for g in entry.get("gx") or []]
            if "extends" in entry:
                extensions.append((prog.code, entry))
            elif not entry.get("code"):
                raise CatalogueError(f"programmes/{prog.code}.yaml: a rule without `code`")
            else:
                entry.setdefault("tables", [table])
                own.append((prog.code, entry))
    return own, extensions


def _merge(generic: list[dict], contract: Contract) -> list[tuple[str | None, dict]]:
    entries: list[tuple[str | None, dict]] = [(None, dict(d)) for d in generic]
    own, extensions = _programme_entries(contract)
    entries += own
    by_code: dict[str, tuple[str | None, dict]] = {}
    for owner, d in entries:
        code = d.get("code")
        if code in by_code:
            first = by_code[code][0]
            where = lambda o: f"programmes/{o}.yaml" if o else "quality/rules.yaml"
            raise CatalogueError(f"重复的规则代码 / duplicate rule code {code}: {where(owner)} "
                                 f"and {where(first)}")
        by_code[code] = (owner, d)
    for owner, ext in extensions:
        target = by_code.get(ext["extends"])
        if target is None or target[0] is not None:
            raise CatalogueError(f"programmes/{owner}.yaml: extends {ext['extends']!r}, which is "
                                 "no rule of quality/rules.yaml")
        base = target[1]
        if base["engine"] != "great_expectations" or set(ext) - {"extends", "gx", "tables"}:
            raise CatalogueError(f"programmes/{owner}.yaml: extends {ext['extends']}: only `gx` "
                                 "frames (and `tables`) of a great_expectations rule can be added")
        base["gx"] = list(base.get("gx") or []) + ext["gx"]
        base["tables"] = _as_list(base.get("tables") or []) + (
            _as_list(ext["tables"]) if "tables" in ext else [g["table"] for g in ext["gx"]])
    for owner, d in entries:
        for code in d.get("supersedes") or []:
            if code not in by_code:
                raise CatalogueError(f"{d.get('code')}: supersedes unknown rule {code}")
            target = by_code[code][1]
            target["_excluded"] = [*target.get("_excluded", []),
                                   *resolve_tables(d.get("tables"), contract)]
    return entries


def _rule(d: dict, contract: Contract, owner: str | None) -> Rule:
    code = d.get("code")
    try:
        params = d.get("params") or {}
        sev, engine = d["severity"], d["engine"]
        if sev not in SEVERITIES or engine not in ENGINES:
            raise CatalogueError(f"{code}: severity {sev!r} / engine {engine!r}")
        if engine == "sql" and not d.get("sql"):
            raise CatalogueError(f"{code}: an sql rule needs `sql`")
        # (a generic rule may have no frame of its own when programmes add them: `gx: []`)
        if engine == "great_expectations" and not d.get("gx") and (owner or "gx" not in d):
            raise CatalogueError(f"{code}: a great_expectations rule needs `gx`")
        msg = _render(d["message"], params)
        exp = _render(d.get("expected") or {}, params)
        excluded = tuple(d.get("_excluded") or ())
        return Rule(
            code=code,
            severity=sev,
            name_zh=d["name"]["zh"],
            name_en=d["name"]["en"],
            tables=resolve_tables(d.get("tables"), contract, excluded),
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
            programme=owner,
            excluded_tables=excluded,
            amounts=tuple(d.get("amounts") or ()),
            optional=_render(d.get("optional") or {}, params),
        )
    except KeyError as exc:
        raise CatalogueError(f"规则 {code} 缺少字段 {exc} / rule {code} lacks {exc}") from None


# -- views ---------------------------------------------------------------------------------


def shared_macros(macro_dir: Path | None = None) -> dict[str, Any]:
    """The macros of the dbt files the quality views share with the warehouse, rendered by
    plain Jinja2 (``division_chain``, ``standard_period``, ``standard_monthly``)."""
    macro_dir = macro_dir or paths.DBT_PROJECT_DIR / "macros"
    macros: dict[str, Any] = {}
    for name in SHARED_MACROS:
        path = macro_dir / name
        if not path.exists():
            raise CatalogueError(f"审核视图所需的 dbt 宏缺失 / dbt macro file missing: {path}")
        module = _jinja.from_string(path.read_text(encoding="utf-8")).module
        macros.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return macros


def month_max(col: Column) -> str:
    """The SQL literal of a 保障标准 column's ``period_magnitude.month_max`` (NULL: none)."""
    value = col.period_magnitude.get("month_max")
    return "NULL" if value is None else repr(float(value))


def _views(raw: dict, contract: Contract) -> dict[str, str]:
    """rules.yaml's views, then ``q_<table>`` for every sheet (``sheet_view``), rendered."""
    ctx = {**shared_macros(), "contract": contract, "month_max": month_max,
           "numeric": numeric, "sheets": lambda *kinds: _sheets(contract, kinds)}
    views = {name: _jinja.from_string(sql).render(**ctx)
             for name, sql in (raw.get("views") or {}).items()}
    template = raw.get("sheet_view")
    if template:
        for sheet in contract.sheets:
            name = f"q_{sheet.table}"
            if name in views:
                raise CatalogueError(f"view {name} of table {sheet.table} clashes with a view "
                                     "of quality/rules.yaml")
            views[name] = _jinja.from_string(template).render(**ctx, sheet=sheet)
    return views


def _sheets(contract: Contract, row_kinds: tuple[str, ...]) -> list[Sheet]:
    return [s for s in contract.sheets if not row_kinds or s.row_kind in row_kinds]


@cache
def load_catalogue(path: Path | None = None, contract_dir: Path | None = None) -> Catalogue:
    """``rules.yaml`` (or ``path``) + the ``rules:`` of every programme file of the contract
    (``contract_dir``: a directory with ``return.yaml`` and ``programmes/``)."""
    contract = load_contract(contract_dir)
    raw = yaml.safe_load((path or CATALOGUE_PATH).read_text(encoding="utf-8"))
    entries = _merge(raw["rules"], contract)
    rules = sorted((_rule(d, contract, owner) for owner, d in entries),
                   key=lambda r: rule_order(r.code))
    return Catalogue(views=_views(raw, contract), rules=tuple(rules), contract=contract,
                     materialised=frozenset(raw.get("views") or {}))


# -- helpers the SQL templates use ---------------------------------------------------------

NUMERIC_TYPES = ("int", "money", "decimal")


def numeric(sheet: Sheet) -> list[Column]:
    return [c for c in sheet.columns if c.type in NUMERIC_TYPES]


def additive(sheet: Sheet) -> list[Column]:
    """Columns that add up in a 合计 row: counts, money, areas (not standards like 元/人·月)."""
    return [c for c in numeric(sheet) if c.type != "decimal" or "/" not in (c.unit or "/")]


def ytd(sheet: Sheet) -> list[Column]:
    return [c for c in numeric(sheet) if c.kind == "ytd"]


def reported(columns, quarter: int) -> list[Column]:
    """The columns filled in a quarter (``reported_in``; 表11's 年检 columns only in Q4)."""
    return [c for c in columns if int(quarter) in c.reported_in]


def event_keys(sheet: Sheet) -> list[Column]:
    """What identifies an event row across quarters: its date and text columns (表5: 灾害发生
    日期, 灾害种类)."""
    return [c for c in sheet.columns if c.kind == "attr" and c.type in ("date", "text")]


def sql_context(rule: Rule, contract: Contract | None = None) -> dict:
    contract = contract or load_contract()

    def sheets(*row_kinds: str) -> list[Sheet]:
        return [s for s in _sheets(contract, row_kinds) if s.table in rule.tables]

    def tol(col: Column) -> float:
        return float((rule.params.get("tolerance") or {}).get(col.type, 0))

    programme = next((p for p in contract.programmes if p.code == rule.programme), None)
    return {
        "params": rule.params,
        "contract": contract,
        "tables": rule.tables,
        "sheets": sheets,
        "numeric": numeric,
        "additive": additive,
        "ytd": ytd,
        "event_keys": event_keys,
        "reported": reported,
        "tol": tol,
        "lookback_years": LOOKBACK_YEARS,
        "programme": programme,
        "sheet": programme.sheet if programme else None,
    }


def render_sql(rule: Rule, contract: Contract | None = None) -> str:
    return _jinja.from_string(rule.sql or "").render(**sql_context(rule, contract))
