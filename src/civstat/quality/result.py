"""What a run of the quality gate found: its violations, its rule runs, the exit code."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace


class QualitySetupError(RuntimeError):
    """The warehouse lacks what the rules read (raw layer, reference tables)."""


class QualityRuleError(RuntimeError):
    """A rule of the catalogue could not be evaluated."""


@dataclass
class Violation:
    rule_code: str
    severity: str
    division_code: str
    division_name: str | None
    period: str
    year: int
    quarter: int
    table_name: str | None
    sheet: str | None
    source_file: str | None
    source_row: int | None
    column_name: str | None
    value: str | None
    expected: str | None
    message_zh: str
    message_en: str
    explanation: str | None = None
    column_label: str | None = None
    expected_en: str | None = None

    @property
    def is_hard(self) -> bool:
        return self.severity == "hard"


@dataclass
class RuleRun:
    rule_code: str
    severity: str
    engine: str
    rows_checked: int
    violations: int
    name_zh: str = ""
    name_en: str = ""
    explained: int = 0
    # what the rule ran, for its evidence page: one dict per SQL query or GX expectation
    checks: list[dict] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.violations == 0


@dataclass
class QualityResult:
    run_id: str
    evaluated_at: dt.datetime
    periods: list[str]
    violations: list[Violation]
    runs: list[RuleRun]
    returns: int = 0  # current returns evaluated
    division_names: dict[str, str] = field(default_factory=dict)
    scope_name: str | None = None  # check --division: the county or city reported on
    # every period with current returns → the fingerprint of its inputs (quality.inputs)
    inputs: dict[str, str] = field(default_factory=dict)

    def scoped(self, name: str, townships: set[str]) -> QualityResult:
        """The same run reported for one division: only the findings of its townships' returns
        (they alone decide the exit code). Every rule still ran on every return — a rule that
        compares townships or quarters sees them all — so a rule's run record is unchanged."""
        return replace(
            self,
            violations=[v for v in self.violations if v.division_code in townships],
            scope_name=name,
        )

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.is_hard]

    @property
    def soft(self) -> list[Violation]:
        return [v for v in self.violations if not v.is_hard]

    @property
    def has_hard(self) -> bool:
        return any(v.is_hard for v in self.violations)

    @property
    def blocked(self) -> list[tuple[str, str]]:
        """(division_code, period) of returns a hard failure keeps out of the marts."""
        return sorted({(v.division_code, v.period) for v in self.hard})

    @property
    def unexplained_soft(self) -> list[Violation]:
        return [v for v in self.soft if not v.explanation]

    @property
    def exit_code(self) -> int:
        return 1 if self.has_hard else 0


def summary(result: QualityResult) -> list[dict]:
    """One row per rule: code, severity, name, violations, explained, townships."""
    towns = Counter()
    for v in result.violations:
        towns[(v.rule_code, v.division_code)] += 1
    per_rule = Counter(code for code, _ in towns)
    return [
        {"rule_code": r.rule_code, "severity": r.severity, "name_zh": r.name_zh, "name_en": r.name_en,
         "engine": r.engine, "rows_checked": r.rows_checked, "violations": r.violations,
         "explained": r.explained, "townships": per_rule.get(r.rule_code, 0)}
        for r in result.runs
    ]
