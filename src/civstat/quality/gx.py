"""Within-row edit rules as Great Expectations 1.x suites on pandas frames fetched from DuckDB.

GX's SQL datasource fails on DuckDB (see toolchain notes), so every frame is a pandas DataFrame
of current returns from the raw layer with a ``_rid`` index column; unexpected rows are mapped
back to the frame, which carries the lineage (source file, sheet, row).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from typing import Any

from civstat.contract import Contract, load_contract
from civstat.quality.catalogue import COVER_TABLE, Rule, numeric

INDEX = "_rid"
# Keys of an expectation entry that are ours, not GX's.
OWN_KEYS = ("type", "expected", "report_column")
COVER_NUMERIC = ("pop_total", "pop_urban", "pop_rural", "pop_60plus")


@dataclass
class Frame:
    """One GX batch: a raw table's rows for one rule, with the expectations to run on it."""

    rule: Rule
    table: str
    sql: str
    expectations: list[dict]
    labels: dict[str, dict] = field(default_factory=dict)
    percent: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.rule.code}.{self.table}"


@dataclass
class Finding:
    """An unexpected row of one expectation."""

    expectation: dict
    row: dict[str, Any]


def _generated(kind: str, table: str, contract: Contract) -> list[dict]:
    if table == COVER_TABLE:
        cols = [c for c in contract.cover_fields if c.name in COVER_NUMERIC]
    else:
        cols = numeric(next(s for s in contract.sheets if s.table == table))
    if kind == "nonnegative":
        return [{"type": "ExpectColumnValuesToBeBetween", "column": c.name, "min_value": 0} for c in cols]
    if kind == "parts":
        return [
            {"type": "ExpectColumnPairValuesAToBeGreaterThanB", "column_A": c.of, "column_B": c.name,
             "or_equal": True, "ignore_row_if": "either_value_is_missing"}
            for c in cols if c.of
        ]
    raise ValueError(f"unknown expectation generator {kind!r}")


def frames_for(rule: Rule, contract: Contract | None = None) -> list[Frame]:
    """The frames (table + SQL + expectations) of a great_expectations rule. ``table: "*"`` is
    every sheet table of the rule's (resolved) ``tables``."""
    contract = contract or load_contract()
    sheets = {s.table: s for s in contract.sheets}
    out = []
    for entry in rule.gx:
        if entry["table"] == "*":
            tables = [t for t in rule.tables
                      if t in sheets and t not in entry.get("exclude_tables", ())]
        else:
            tables = [entry["table"]]
        for table in tables:
            exps = list(entry.get("expectations") or [])
            if entry.get("generate"):
                exps += _generated(entry["generate"], table, contract)
            if not exps:
                continue
            derive = "".join(f", {expr} AS {name}" for name, expr in (entry.get("derive") or {}).items())
            if table == COVER_TABLE:
                sql = (f"SELECT (row_number() OVER () - 1) AS {INDEX}, t.*, '封面' AS source_sheet, "
                       f"t.file_path AS source_file, NULL AS source_row{derive} "
                       f"FROM q_sub t WHERE list_contains(?::VARCHAR[], t.period)")
            else:
                conds = ["list_contains(?::VARCHAR[], s.period)"]
                sheet = sheets[table]
                if not entry.get("include_totals") and sheet.row_kind != "single":
                    conds.append("NOT t.is_total")
                if entry.get("where"):
                    conds.append(f"({entry['where']})")
                sql = (f"SELECT (row_number() OVER () - 1) AS {INDEX}, t.*{derive} FROM raw.{table} t "
                       f"JOIN q_sub s ON s.submission_id = t.submission_id WHERE {' AND '.join(conds)}")
            out.append(Frame(rule, table, sql, exps, dict(entry.get("labels") or {}),
                             tuple(entry.get("percent") or ())))
    return out


class GxRunner:
    """An ephemeral GX context (no network, no files) that validates frames; each expectation's
    outcome (GX's own counts) is returned for the rule's evidence page (:mod:`quality.evidence`)."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.datasource = self.context.data_sources.add_pandas("civstat_raw")
        self.validated = 0

    def validate(self, frame: Frame, df) -> tuple[int, list[Finding], list[dict]]:
        """Run a frame's suite on its DataFrame; return (rows, findings, outcomes): an outcome
        per expectation as GX reported it (type, arguments, rows, unexpected count)."""
        import great_expectations.expectations as gxe

        gx = self.gx
        asset = self.datasource.add_dataframe_asset(frame.name)
        batch = asset.add_batch_definition_whole_dataframe("current_returns")
        suite = gx.ExpectationSuite(name=f"civstat.{frame.name}")
        for i, spec in enumerate(frame.expectations):
            cls = getattr(gxe, spec["type"])
            kwargs = {k: v for k, v in spec.items() if k not in OWN_KEYS}
            suite.add_expectation(cls(**kwargs, meta={"rule": frame.rule.code, "index": i}))
        suite = self.context.suites.add(suite)
        vd = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate.{frame.name}", data=batch, suite=suite)
        )
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name=f"check.{frame.name}",
                validation_definitions=[vd],
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [INDEX]},
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": df})
        self.validated += 1
        records = df.to_dict("records")
        findings: list[Finding] = []
        outcomes: list[dict] = []
        for run in result.run_results.values():
            for r in run.results:
                info = r.exception_info or {}
                if info.get("raised_exception"):
                    raise RuntimeError(
                        f"{frame.name}: {r.expectation_config.type}: {info.get('exception_message')}"
                    )
                outcomes.append(_outcome(frame, r))
                if r.success:
                    continue
                spec = frame.expectations[r.expectation_config.meta["index"]]
                for idx in r.result.get("unexpected_index_list") or []:
                    rid = idx[INDEX] if isinstance(idx, dict) else idx
                    findings.append(Finding(spec, _plain(records[int(rid)])))
        return len(df), findings, outcomes


def _outcome(frame: Frame, r) -> dict:
    """One expectation's result as GX reported it, in plain data."""
    kwargs = {k: v for k, v in r.expectation_config.kwargs.items()
              if k not in ("batch_id", "result_format")}
    res = r.result or {}
    return {
        "engine": "great_expectations",
        "table": frame.table,
        "check": r.expectation_config.type,
        "kwargs": _plain(kwargs),
        "rows": res.get("element_count"),
        "unexpected": res.get("unexpected_count") or 0,
        "unexpected_percent": res.get("unexpected_percent"),
        "success": bool(r.success),
    }


def _plain(row: dict) -> dict:
    """numpy/pandas scalars → Python; NaN/NaT → None."""
    out = {}
    for k, v in row.items():
        if hasattr(v, "item") and not isinstance(v, (str, bytes)):
            try:
                v = v.item()
            except (ValueError, AttributeError):
                pass
        if (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NaTType", "NAType"):
            v = None
        elif hasattr(v, "isoformat") and type(v).__name__ == "Timestamp":
            v = v.to_pydatetime()
        out[k] = v
    return out
