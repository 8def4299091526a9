"""Per-rule evidence of one quality run: what each rule checked, on how many rows, and every row
it found — the technical page behind a line of the statistician's quality report.

It replaces Great Expectations' Data Docs (styled from a CDN, English only, one page per GX suite
and none for the SQL rules, overwritten by every check): one page per rule of the catalogue, GX
and SQL alike, offline and in Chinese, under ``evidence/<run_id>/`` beside the report, so an
earlier run's evidence stays as it was (the newest :data:`KEEP_RUNS` runs are kept).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

from civstat.quality.result import QualityResult

TEMPLATES = Path(__file__).parent / "templates"
EVIDENCE_DIR = "evidence"
KEEP_RUNS = 20


def evidence_href(run_id: str, rule_code: str) -> str:
    """The evidence page of a rule, relative to the quality report."""
    return f"{EVIDENCE_DIR}/{run_id}/{rule_code}.html"


def write_evidence(result: QualityResult, out_dir: Path, scope_label: str, *,
                   back: str) -> dict[str, str]:
    """Write one page per rule run; return rule code → href relative to ``out_dir``. ``back``
    is the quality report's file name (each page links back to it)."""
    folder = out_dir / EVIDENCE_DIR / result.run_id
    folder.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template("rule_evidence.html.j2")
    hrefs = {}
    for run in result.runs:
        found = [v for v in result.violations if v.rule_code == run.rule_code]
        html = template.render(result=result, run=run, violations=found, scope_label=scope_label,
                               names=result.division_names, back=back)
        (folder / f"{run.rule_code}.html").write_text(html, encoding="utf-8")
        hrefs[run.rule_code] = evidence_href(result.run_id, run.rule_code)
    _prune(out_dir / EVIDENCE_DIR)
    return hrefs


def _prune(root: Path) -> None:
    """Keep the newest KEEP_RUNS runs (run ids start with their timestamp)."""
    runs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in runs[:-KEEP_RUNS]:
        shutil.rmtree(old, ignore_errors=True)
