"""The quality gate: the edit rules (审核关系) evaluated on the raw layer — the generic rules of
``rules.yaml`` and each programme's own (``rules:`` of ``contract/programmes/<code>.yaml``),
merged by :mod:`civstat.quality.catalogue`.

``evaluate`` runs every rule (Great Expectations for within-row rules, SQL on DuckDB for
cross-row, cross-table and historical ones) on the current returns; ``store`` writes the findings
into ``quality.violations`` / ``quality.rule_runs`` (read by dbt's ``quality_status``, which keeps
hard-failed township-quarters out of the marts); ``write_report`` renders the Chinese HTML report
and GX Data Docs beside it.
"""

from civstat.quality.catalogue import Catalogue, Rule, load_catalogue
from civstat.quality.engine import evaluate
from civstat.quality.report import write_report
from civstat.quality.result import (
    QualityResult,
    QualityRuleError,
    QualitySetupError,
    RuleRun,
    Violation,
    summary,
)
from civstat.quality.store import store

__all__ = [
    "Catalogue",
    "QualityResult",
    "QualityRuleError",
    "QualitySetupError",
    "Rule",
    "RuleRun",
    "Violation",
    "evaluate",
    "load_catalogue",
    "store",
    "summary",
    "write_report",
]
