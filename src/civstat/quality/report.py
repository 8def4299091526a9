"""The quality report: a self-contained Chinese HTML page (no CDN, autoescaped), the
statistician's page; each rule's code links to its evidence page (:mod:`quality.evidence`)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import jinja2

from civstat.quality.result import QualityResult, summary

TEMPLATES = Path(__file__).with_name("templates")


def scope_label(result: QualityResult) -> str:
    label = _period_label(result)
    return f"{result.scope_name} {label}" if result.scope_name else label


def _period_label(result: QualityResult) -> str:
    periods = result.periods
    if not periods:
        return "无报表"
    if len(periods) == 1:
        return periods[0]
    years = sorted({p[:4] for p in periods})
    if len(years) == 1 and len(periods) == 4:
        return years[0]
    return f"{periods[0]}–{periods[-1]}"


def report_name(result: QualityResult) -> str:
    return f"quality_report_{scope_label(result).replace('–', '_').replace(' ', '_')}.html"


def _columns(con, schema: str, table: str) -> set[str]:
    """The columns a table has in this warehouse (empty: no such table) — older warehouses
    may lack a table or carry an earlier version of it."""
    return {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
        [schema, table]).fetchall()}


def read_rejected_rows(con) -> list[dict]:
    """``ref.rejected_rows`` of the warehouse the check ran on (empty if it has none); works on a
    read-only connection and on warehouses with the table's first, five-column version."""
    columns = _columns(con, "ref", "rejected_rows")
    if not columns:
        return []
    kept = "kept_last_good" if "kept_last_good" in columns else "NULL"
    rows = con.execute(
        f'SELECT file, "row", "column", message_zh, message_en, {kept} FROM ref.rejected_rows '
        'ORDER BY file, "row", "column"').fetchall()
    keys = ("file", "row", "column", "message_zh", "message_en", "kept_last_good")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def read_findings(con, periods: list[str] | None = None) -> list[dict]:
    """``raw.findings`` of the current returns (of ``periods`` when given): what the reader
    noticed without refusing the return. Empty on a warehouse without the table."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' "
                       "AND table_name = 'findings'").fetchone()[0]:
        return []
    scope = "AND s.period IN (SELECT unnest(?::VARCHAR[]))" if periods else ""
    rows = con.execute(
        'SELECT f.source_file, f.period, f.division_code, s.unit_name, f.sheet, f."row", '
        'f."column", f.code, f.message_zh, f.message_en FROM raw.findings f '
        "JOIN raw.submissions s USING (submission_id) "
        f"WHERE s.is_current {scope} "
        'ORDER BY f.period, f.source_file, f.seq', [list(periods)] if periods else []).fetchall()
    keys = ("file", "period", "division_code", "unit_name", "sheet", "row", "column", "code",
            "message_zh", "message_en")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def read_quarantined(con) -> list[dict]:
    """Files of the drop zone that stay refused (``raw.quarantine`` not yet resolved): their
    townships' returns are missing from every figure until a corrected file arrives."""
    columns = _columns(con, "raw", "quarantine")
    if not columns:
        return []
    open_ = "WHERE resolved_at IS NULL" if "resolved_at" in columns else ""
    rows = con.execute(
        'SELECT file_path, folder_period, sheet, "row", "column", reason_code, message_zh, '
        f"message_en FROM raw.quarantine {open_} ORDER BY file_path").fetchall()
    keys = ("file", "period", "sheet", "row", "column", "reason_code", "message_zh", "message_en")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _context(result: QualityResult, evidence: dict[str, str],
             rejected_rows: list[dict] | None = None,
             findings: list[dict] | None = None,
             quarantined: list[dict] | None = None) -> dict:
    by_town: dict[str, list] = defaultdict(list)
    for v in result.violations:
        by_town[v.division_code].append(v)
    townships = []
    for code, vs in by_town.items():
        vs = sorted(vs, key=lambda v: (v.period, not v.is_hard, v.rule_code[:1], int(v.rule_code[1:] or 0),
                                       v.sheet or "", v.source_row or 0))
        townships.append({
            "code": code,
            "name": result.division_names.get(code) or vs[0].division_name or code,
            "n_hard": sum(v.is_hard for v in vs),
            "n_soft": sum(not v.is_hard for v in vs),
            "violations": vs,
        })
    townships.sort(key=lambda t: (-t["n_hard"], t["code"]))
    blocked = []
    for code, period in result.blocked:
        vs = [v for v in result.hard if v.division_code == code and v.period == period]
        blocked.append({
            "code": code,
            "period": period,
            "name": result.division_names.get(code) or code,
            "rules": sorted({v.rule_code for v in vs}),
            "files": sorted({v.source_file for v in vs if v.source_file}),
        })
    example = result.soft[0] if result.soft else None
    return {
        "result": result,
        "scope_label": scope_label(result),
        "rules": summary(result),
        "n_hard_rules": sum(r.severity == "hard" for r in result.runs),
        "n_soft_rules": sum(r.severity == "soft" for r in result.runs),
        "n_explained": sum(1 for v in result.soft if v.explanation),
        "blocked": blocked,
        "townships": townships,
        "evidence": evidence,
        "rejected_rows": rejected_rows or [],
        "findings": findings or [],
        "quarantined": quarantined or [],
        "example_code": example.division_code if example else "371599101000",
        "example_period": example.period if example else "2024Q3",
    }


def write_report(result: QualityResult, out_dir: str | Path, *, evidence: bool = True,
                 rejected_rows: list[dict] | None = None,
                 findings: list[dict] | None = None,
                 quarantined: list[dict] | None = None) -> Path:
    """Write the HTML report into ``out_dir`` and, unless ``evidence=False``, a page per rule
    under ``out_dir/evidence/<run_id>/`` that the report links from each rule's code.

    ``rejected_rows`` (:func:`read_rejected_rows`) adds the section 参考数据被拒行;
    ``findings`` (:func:`read_findings`) the section 读取提示; ``quarantined``
    (:func:`read_quarantined`) the section 被拒收的报表文件."""
    from civstat.quality.evidence import write_evidence

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = report_name(result)
    links = write_evidence(result, out, scope_label(result), back=name) if evidence else {}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    html = env.get_template("quality_report.html.j2").render(
        **_context(result, links, rejected_rows, findings, quarantined))
    path = out / name
    path.write_text(html, encoding="utf-8")
    return path
