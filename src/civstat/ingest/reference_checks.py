"""The rows of the reference tables and the checks a parsed row must pass: on its own (dates in
order, known KPI and rule) and against the other rows (parents, successors, divisions), settled
by :func:`settle` with the last good rows of ``ref.*`` as the fall-back. See
:mod:`civstat.ingest.reference` for the policy."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from civstat.ingest import reference_rules as rr

SPECS: dict[str, dict[str, rr.Parser]] = {
    "divisions": {
        "division_code": rr.parse_code, "name": rr.required_text, "short_name": rr.parse_text,
        "level": rr.LEVEL, "type": rr.parse_text, "parent_code": rr.optional_code,
        "valid_from": rr.parse_date, "valid_to": rr.parse_date, "successor_code": rr.optional_code,
    },
    "plan_targets": {
        "division_code": rr.parse_code, "year": rr.parse_year, "kpi_code": rr.kpi_code,
        "target": rr.parse_number, "comparison": rr.COMPARISON, "source": rr.parse_text,
    },
    "explanations": {"division_code": rr.parse_code, "period": rr.parse_period,
                     "rule_code": rr.rule_code, "text": rr.required_text},
}
OPTIONAL_COLUMNS = {"short_name", "type", "valid_to", "successor_code", "source"}
# a record's key: what a refusal names and what keeps its last good rows
KEYS = {"divisions": ("division_code",), "plan_targets": ("division_code", "year", "kpi_code"),
        "explanations": ("division_code", "period", "rule_code")}
# a row's key: a division code may have several versions (a township renamed: 河口乡 to
# 2012-12-31, 河口镇 from 2013-01-01), one per valid_from, whose validity periods do not overlap
ROW_KEYS = {**KEYS, "divisions": ("division_code", "valid_from")}
MAIN_FILE = {"divisions": "divisions.csv", "plan_targets": "plan_targets.csv",
             "explanations": "explanations.csv"}
KEPT_ZH, KEPT_EN = "沿用上次的有效记录", "kept the last good row"

Key = tuple
Problem = tuple[str, str, str, str]  # column, zh, en, kind


@dataclass(frozen=True)
class RefRefusal:
    """One refused reference row (or file): where, why, and whether the last good row was kept."""

    file: str
    row: int  # as Excel shows it (header = 1); 0 = the file as a whole
    column: str
    message_zh: str
    message_en: str
    kind: str
    record_key: str | None = None
    kept_last_good: bool = False

    def as_tuple(self) -> tuple[str, int, str, str, str]:
        return (self.file, self.row, self.column, self.message_zh, self.message_en)


@dataclass
class Rec:
    """A reference row: from a file (``file``, ``row``) or the last good load (``file`` None)."""

    values: dict[str, object]
    file: str | None = None
    row: int | None = None

    @property
    def where(self) -> str:
        return f"{self.file} 第{self.row}行" if self.file else "上次载入的记录"

    @property
    def where_en(self) -> str:
        return f"{self.file} row {self.row}" if self.file else "the last load"


@dataclass(frozen=True)
class Kpis:
    """What a plan target's ``kpi_code`` is checked against."""

    codes: frozenset[str] = frozenset()
    ratios: frozenset[str] = frozenset()  # unit ``ratio``: targets are fractions (0.95)
    by_name: Mapping[str, str] = field(default_factory=dict)  # name_zh (as parsed) → kpi_code

    def code_of(self, text: str) -> str:
        """The code of a KPI named by its code or by its Chinese name (护理型床位占比)."""
        return self.by_name.get(text, text)


@dataclass
class Pending:
    """A refusal whose outcome (last good row kept, other row used, nothing) is not known yet."""

    table: str
    file: str
    row: int
    column: str
    zh: str
    en: str
    kind: str
    key: Key | None = None


@dataclass
class Run:
    """State of one load: the refusals so far and what the checks need to know."""

    pending: list[Pending] = field(default_factory=list)
    whole: list[RefRefusal] = field(default_factory=list)
    kpis: Kpis = field(default_factory=Kpis)
    rules: Mapping[str, str] = field(default_factory=dict)  # code → severity
    in_use: frozenset[str] = frozenset()

    def refuse(self, table: str, file: str, row: int, problem: Problem,
               key: Key | None = None) -> None:
        column, zh, en, kind = problem
        self.pending.append(Pending(table, file, row, column, zh, en, kind, key))


# -- context -----------------------------------------------------------------------------------

def read_kpis() -> Kpis:
    """The KPIs of ``seeds/kpi_definitions.csv``."""
    from civstat.paths import DBT_PROJECT_DIR

    with (DBT_PROJECT_DIR / "seeds" / "kpi_definitions.csv").open(encoding="utf-8-sig") as fh:
        rows = [(r["kpi_code"].strip(), r["name_zh"], r["unit"].strip()) for r in csv.DictReader(fh)]
    names = [rr.kpi_code(name) for _, name, _ in rows if rr.clean(name)]
    return Kpis(frozenset(code for code, _, _ in rows),
                frozenset(code for code, _, unit in rows if unit == "ratio"),
                {rr.kpi_code(name): code for code, name, _ in rows  # a name two KPIs share: neither
                 if rr.clean(name) and names.count(rr.kpi_code(name)) == 1})


def rule_severities() -> dict[str, str]:
    from civstat.quality.catalogue import load_catalogue

    return {r.code.upper(): r.severity for r in load_catalogue().rules}


class RuleSeverities(Mapping):
    """:func:`rule_severities`, read on first use: only an explanation row needs the edit
    rules, and reading their catalogue costs more than loading a province's reference CSVs."""

    def __init__(self):
        self._rules: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._rules is None:
            self._rules = rule_severities()
        return self._rules

    def __getitem__(self, code: str) -> str:
        return self._load()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def key_of(table: str, values: dict) -> Key:
    """The row's key (:data:`ROW_KEYS`)."""
    return tuple(values[c] for c in ROW_KEYS[table])


def record_of(table: str, row_key: Key) -> Key:
    """The record a row key belongs to (:data:`KEYS`: a division's code)."""
    return row_key[:len(KEYS[table])]


def versions(table: str, rows: dict[Key, Rec], record: Key) -> list[Key]:
    """The row keys of ``rows`` that belong to ``record``."""
    return [k for k in rows if record_of(table, k) == record]


Divisions = dict[str, list[Rec]]  # code → its versions, oldest first


def by_code(rows: dict[Key, Rec]) -> Divisions:
    out: Divisions = {}
    for rec in rows.values():
        out.setdefault(rec.values["division_code"], []).append(rec)
    for recs in out.values():
        recs.sort(key=lambda r: r.values["valid_from"] or dt.date.min)
    return out


def current(recs: list[Rec]) -> Rec:
    """A code's version in force (no valid_to), else its latest."""
    return next((r for r in reversed(recs) if r.values["valid_to"] is None), recs[-1])


def overlaps(a: dict, b: dict) -> bool:
    """Whether two versions' validity periods (empty: open) share a day."""
    lo, hi = dt.date.min, dt.date.max
    return ((a["valid_from"] or lo) <= (b["valid_to"] or hi)
            and (b["valid_from"] or lo) <= (a["valid_to"] or hi))


def key_text(key: Key | None) -> str | None:
    return None if key is None else "|".join(str(v) for v in key)


def check_row(table: str, values: dict, run: Run) -> Problem | None:
    """Checks of one parsed row that need no other row."""
    if table == "divisions":
        start, end = values["valid_from"], values["valid_to"]
        if start and end and end < start:
            return ("valid_to", f"失效日期 {end} 早于生效日期 {start}",
                    f"valid_to {end} is before valid_from {start}", "valid_to_before_from")
    elif table == "plan_targets":
        kpi, target = values["kpi_code"], values["target"]
        if kpi not in run.kpis.codes:
            return ("kpi_code", f"指标代码不在指标定义(kpi_definitions)中:{kpi}",
                    f"kpi_code not in kpi_definitions: {kpi}", "unknown_kpi")
        if kpi in run.kpis.ratios and abs(target) > 1 and not isinstance(target, rr.Percent):
            return ("target", (f"{kpi} 是比率指标,目标以小数计(95% 即 0.95),{target:g} 会读成 "
                               f"{target * 100:g}%:请写成 {target:g}% 或 {target / 100:g}"),
                    (f"{kpi} is a ratio and its target a fraction (95% is 0.95): {target:g} would "
                     f"read as {target * 100:g}%; write {target:g}% or {target / 100:g}"),
                    "target_not_fraction")
    elif table == "explanations":
        code = values["rule_code"]
        if code not in run.rules:
            return ("rule_code", f"审核规则代码不存在(见 rules.yaml):{code}",
                    f"no such edit rule (see rules.yaml): {code}", "unknown_rule")
        if run.rules[code] == "hard":
            return ("rule_code", f"{code} 是硬性规则:硬性错误须更正后重报,不接受说明",
                    (f"{code} is a hard rule: hard failures are corrected and resubmitted, "
                    "not explained"), "hard_rule_explained")
    return None


# -- rows that depend on other rows ------------------------------------------------------------

def _successor_cycle(code: str, rows: Divisions) -> bool:
    seen, step = {code}, current(rows[code]).values["successor_code"]
    while step and step in rows:
        if step in seen:
            return True
        seen.add(step)
        step = current(rows[step]).values["successor_code"]
    return False


# a county's parent, where given, is a prefecture city and a city's a province (empty: derived
# from the code's first 4 / 2 digits by the warehouse, int_divisions_resolved)
PARENT_LEVEL = {"county": ("city", "县(区)的上级应为区划表中的地级市"),
                "city": ("province", "地级市的上级应为区划表中的省")}


def division_problem(rec: Rec, rows: Divisions) -> Problem | None:
    v = rec.values
    code, parent, successor = v["division_code"], v["parent_code"], v["successor_code"]
    if parent and parent not in rows:
        return ("parent_code", f"上级区划代码不在区划表中:{parent}",
                f"parent_code is not a division in the file: {parent}", "unknown_parent")
    if v["level"] == "township" and (not parent or current(rows[parent]).values["level"] != "county"):
        return ("parent_code", f"乡镇(街道)的上级应为区划表中的县(区):{parent or '空'}",
                f"a township's parent must be a county in the file: {parent or 'empty'}",
                "parent_not_county")
    above = PARENT_LEVEL.get(v["level"])
    if parent and above and current(rows[parent]).values["level"] != above[0]:
        return ("parent_code", f"{above[1]}:{parent}",
                f"a {v['level']}'s parent must be a {above[0]} in the file: {parent}",
                "parent_wrong_level")
    if parent and v["level"] == "province":
        return ("parent_code", f"省级区划没有上级:{parent}",
                f"a province has no parent: {parent}", "parent_wrong_level")
    if successor and (successor == code or successor not in rows):
        return ("successor_code", f"撤并后的区划代码不在区划表中(或是自身):{successor}",
                f"successor_code is not another division in the file: {successor}",
                "unknown_successor")
    if successor and _successor_cycle(code, rows):
        return ("successor_code", f"撤并关系成环:{code} → {successor} → … → {code}",
                f"the successor chain loops back to {code}", "successor_cycle")
    return None


def derived_upper(divisions: Divisions) -> set[str]:
    """The prefecture-city and province codes the warehouse derives from the counties' code
    prefixes (``int_divisions_resolved``: only when the file holds more than one county or any
    city or province row) — a plan target may be set for them without listing them."""
    levels = [current(recs).values["level"] for recs in divisions.values()]
    if levels.count("county") <= 1 and not {"city", "province"} & set(levels):
        return set()
    out = set()
    for rec in (current(recs) for recs in divisions.values()):
        code = rec.values["division_code"]
        if rec.values["level"] in ("county", "city"):
            out.add(code[:2] + "0" * 10)
            if rec.values["level"] == "county":
                out.add(code[:4] + "0" * 8)
    return out


def division_known(table: str) -> Callable[[Rec, Divisions], Problem | None]:
    derived: dict[int, set[str]] = {}  # per divisions table seen (one per run)

    def problem(rec: Rec, divisions: Divisions) -> Problem | None:
        code = rec.values["division_code"]
        division = current(divisions[code]) if code in divisions else None
        if division is None and table == "plan_targets":
            if id(divisions) not in derived:
                derived.clear()
                derived[id(divisions)] = derived_upper(divisions)
            if code in derived[id(divisions)]:
                return None  # a city or province derived from the code prefixes
        if division is None:
            return ("division_code", f"区划代码不在区划表中:{code}",
                    f"division_code is not in divisions: {code}", "unknown_division")
        if table == "explanations" and division.values["level"] != "township":
            return ("division_code", f"说明只针对乡镇(街道)的报表,{code} 不是乡镇(街道)",
                    f"explanations are for township returns; {code} is not a township",
                    "not_township")
        return None
    return problem


def fall_back(table: str, rows: dict[Key, Rec], previous: dict[Key, Rec], record: Key,
              dropped: set[Key] = frozenset(), refused: bool = False) -> bool:
    """Put back the last good rows of ``record`` when no row of the file is left for it; True if
    any was. A division's versions go together (河口乡 to 2012, 河口镇 from 2013): when a row of a
    code is ``refused`` and the code had good rows before, all of them replace the file's."""
    before = [k for k in versions(table, previous, record) if k not in dropped]
    mine = versions(table, rows, record)
    if table == "divisions" and refused and before:
        for k in mine:
            if rows[k].file is not None:
                del rows[k]
    elif any(rows[k].file is not None for k in mine):
        return False
    back = [k for k in before if k not in rows]
    for k in back:
        rows[k] = previous[k]
    return bool(back)


def _restore_needed(rows: dict[Key, Rec], previous: dict[Key, Rec], dropped: set[Key],
                    run: Run) -> bool:
    """Put back deleted division rows whose code is still used; True if any was restored."""
    needed = set(run.in_use) | {c for r in rows.values()
                                for c in (r.values["parent_code"], r.values["successor_code"]) if c}
    present = {k[0] for k in rows} | {k[0] for k in dropped}
    restored = False
    for code in sorted(needed - present):
        record = (code,)
        if not fall_back("divisions", rows, previous, record, dropped):
            continue
        name = current(by_code(previous)[code]).values["name"]
        run.refuse("divisions", MAIN_FILE["divisions"], 0, (
            "division_code", (f"区划 {code}({name})已从文件中删除,但仍有报表或其他区划使用该代码"
            "(撤并请填写 valid_to 与 successor_code,不要删除行)"),
            (f"division {code} ({name}) was deleted from the file but returns or other divisions "
            "still use it (for a merger fill in valid_to and successor_code instead)"),
            "division_removed"), record)
        restored = True
    return restored


def settle(table: str, rows: dict[Key, Rec], previous: dict[Key, Rec], against: Callable,
           problem_of: Callable[[Rec, dict], Problem | None], run: Run) -> dict[Key, Rec]:
    """Refuse rows that do not fit the others until every row fits: a refused file row falls back
    to its last good row, a last good row that does not fit either is removed."""
    dropped: set[Key] = set()
    changed = True
    while changed:
        changed = table == "divisions" and _restore_needed(rows, previous, dropped, run)
        others = against(rows)
        problems = [(key, rec, problem) for key, rec in sorted(rows.items(), key=lambda kv: str(kv[0]))
                    if (problem := check_row(table, rec.values, run) or problem_of(rec, others))]
        for key, rec, problem in problems:  # all judged against the same rows, then applied
            changed = True
            record = record_of(table, key)
            if rec.file is not None:
                run.refuse(table, rec.file, rec.row or 0, problem, record)
                del rows[key]
                fall_back(table, rows, previous, record, dropped, refused=True)
            else:
                column, zh, en, _ = problem
                run.refuse(table, MAIN_FILE[table], 0, (
                    column, f"上次的有效记录({key_text(key)})也不再有效,已移除:{zh}",
                    (f"the last good row ({key_text(key)}) no longer fits either and was "
                    f"removed: {en}"), "last_good_invalid"), None)
                del rows[key]
                dropped.add(key)
    return rows

