"""How a rule's finding reads: a :class:`~civstat.quality.result.Violation` with township and
sheet names, column labels, values formatted for the reader, the rule's Chinese and English
messages and the township's 说明 (explanation) when it gave one."""

from __future__ import annotations

import datetime as dt

from civstat.contract import Contract, load_contract
from civstat.periods import PERIOD_KEY as PERIOD
from civstat.quality.amounts import amount_text, contract_column, fmt_value
from civstat.quality.catalogue import Rule
from civstat.quality.gx import Finding, Frame
from civstat.quality.result import Violation


def gx_fields(frame: Frame, finding: Finding, contract: Contract) -> dict:
    spec, row = finding.expectation, dict(finding.row)
    row["table_name"] = frame.table
    labels = frame.labels
    lab = lambda c, lang="zh": column_label(frame.table, c, labels, lang, contract)
    fig = lambda c, lang="zh": amount_text(row.get(c), contract_column(contract, frame.table, c),
                                           contract, lang)
    t = spec["type"]
    if "column_A" in spec:
        a, b = spec["column_A"], spec["column_B"]
        row["column_name"] = spec.get("report_column", b)
        row["value"] = f"{lab(b)} {fig(b)},{lab(a)} {fig(a)}"
        row["value_en"] = f"{lab(b, 'en')} {fig(b, 'en')}, {lab(a, 'en')} {fig(a, 'en')}"
        if t == "ExpectColumnPairValuesToBeEqual":
            exp = (f"{lab(b)} = {lab(a)}", f"{lab(b, 'en')} = {lab(a, 'en')}")
        else:
            op = "≤" if spec.get("or_equal") else "<"
            exp = (f"{lab(b)} {op} {lab(a)}", f"{lab(b, 'en')} {op} {lab(a, 'en')}")
    else:
        c = spec["column"]
        row["column_name"] = spec.get("report_column", c)
        if c in labels and "report_column" not in spec:
            row["column_label"] = lab(c)
        pct = c in frame.percent
        row["value"] = fmt_value(row.get(c), percent=True) if pct else fig(c)
        lo, hi = spec.get("min_value"), spec.get("max_value")
        lo = None if lo is None else fmt_value(float(lo), percent=pct)
        hi = None if hi is None else fmt_value(float(hi), percent=pct)
        if lo is not None and hi is not None:
            exp = (f"{lo} ≤ {lab(c)} ≤ {hi}", f"{lo} ≤ {lab(c, 'en')} ≤ {hi}")
        elif lo is not None:
            exp = (f"{lab(c)} ≥ {lo}", f"{lab(c, 'en')} ≥ {lo}")
        elif hi is not None:
            exp = (f"{lab(c)} ≤ {hi}", f"{lab(c, 'en')} ≤ {hi}")
        else:
            exp = (t, t)
    override = spec.get("expected") or {}
    row["expected_zh"] = override.get("zh", exp[0])
    row["expected_en"] = override.get("en", exp[1])
    return row


def column_label(table: str | None, column: str | None, extra: dict | None = None, lang: str = "zh",
           contract: Contract | None = None) -> str:
    if not column:
        return ""
    if extra and column in extra:
        return extra[column].get(lang, column)
    if lang == "en":
        return column
    contract = contract or load_contract()
    if table == "submissions":
        for f in contract.cover_fields:
            if f.name == column:
                return f.header
        return column
    for s in contract.sheets:
        if s.table == table:
            for c in s.columns:
                if c.name == column:
                    return c.header
    return column


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Context:
    """Turns a rule's raw finding into a :class:`Violation` (names, labels, messages, 说明)."""

    def __init__(self, names: dict, explanations: dict, scope: set[str],
                 contract: Contract | None = None):
        self.names, self.explanations, self.scope = names, explanations, scope
        self.contract = contract = contract or load_contract()
        self.sheet_names = {s.table: s.sheet for s in contract.sheets}
        self.sheet_names["submissions"] = "封面"
        self.categories = {(s.table, c.code): c.label for s in contract.sheets for c in s.categories}

    def violation(self, rule: Rule, fields: dict) -> Violation:
        code = str(fields.get("division_code") or "")
        period = str(fields.get("period") or "")
        m = PERIOD.match(period)
        year, quarter = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        table = fields.get("table_name")
        column = fields.get("column_name")
        row = fields.get("source_row")
        row = int(row) if row is not None else None
        sheet = fields.get("source_sheet") or self.sheet_names.get(table or "", None)
        category = fields.get("category")
        cat_label = ("合计" if category in ("total", "all") else
                     self.categories.get((table, category), category or ""))
        fmt = {k: v for k, v in rule.params.items() if not isinstance(v, (dict, list))}
        fmt.update({k: (fmt_value(v) if isinstance(v, (int, float, dt.date)) and not isinstance(v, bool)
                        else ("" if v is None else v)) for k, v in fields.items()})
        fmt.update(
            division_code=code,
            division_name=self.names.get(code, code),
            period=period,
            sheet=sheet or "",
            source_row=row if row is not None else "",
            row_text=f"第{row}行" if row is not None else "",
            row_text_en=f" row {row}" if row is not None else "",
            column=column or "",
            column_label=fields.get("column_label") or column_label(table, column, contract=self.contract),
            category=category or "",
            category_label=cat_label,
        )
        fmt_en = self._amounts(rule, fields, fmt, table, column)
        if "value" not in fields or fields.get("value") is None:
            fmt["value"] = rule.value.format_map(_SafeDict(fmt)) if rule.value else ""
            fmt_en["value"] = rule.value.format_map(_SafeDict(fmt_en)) if rule.value else ""
        exp_zh = fields.get("expected_zh") or (
            rule.expected_zh.format_map(_SafeDict(fmt)) if rule.expected_zh else "")
        exp_en = fields.get("expected_en") or (
            rule.expected_en.format_map(_SafeDict(fmt_en)) if rule.expected_en else "")
        fmt["expected_zh"] = fmt_en["expected_zh"] = exp_zh
        fmt["expected_en"] = fmt_en["expected_en"] = exp_en
        message_zh = rule.message_zh.format_map(_SafeDict(fmt))
        message_en = rule.message_en.format_map(_SafeDict(fmt_en))
        value = fmt["value"]
        return Violation(
            rule_code=rule.code,
            severity=rule.severity,
            division_code=code,
            division_name=self.names.get(code),
            period=period,
            year=year,
            quarter=quarter,
            table_name=table,
            sheet=sheet,
            source_file=fields.get("source_file"),
            source_row=row,
            column_name=column,
            value=None if value in (None, "") else str(value),
            expected=exp_zh or None,
            message_zh=message_zh,
            message_en=message_en,
            explanation=self.explanations.get((code, period, rule.code)),
            column_label=fmt["column_label"] or None,
            expected_en=exp_en or None,
        )

    def _amounts(self, rule: Rule, fields: dict, fmt: dict, table: str | None,
                 column: str | None) -> dict:
        """Put the rule's figures (``amounts``) with their units and its ``optional`` texts in
        ``fmt`` (the Chinese message's fields); return the English message's fields."""
        fmt_en = dict(fmt)
        for name in rule.amounts:
            col = (contract_column(self.contract, table, name)
                   or contract_column(self.contract, table, column))
            fmt[name] = amount_text(fields.get(name), col, self.contract)
            fmt_en[name] = amount_text(fields.get(name), col, self.contract, "en")
        for name, spec in rule.optional.items():
            shown = fields.get(spec["field"]) is not None
            fmt[f"{name}_zh"] = spec["zh"].format_map(_SafeDict(fmt)) if shown else ""
            fmt_en[f"{name}_en"] = spec["en"].format_map(_SafeDict(fmt_en)) if shown else ""
        return fmt_en
