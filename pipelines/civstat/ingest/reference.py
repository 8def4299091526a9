"""The bureau's reference CSVs (data/reference/) → schema ``ref``; bad rows are refused, named."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

REF_DDL = {
    "divisions": """(division_code VARCHAR, name VARCHAR, short_name VARCHAR, level VARCHAR,
        type VARCHAR, parent_code VARCHAR, valid_from DATE, valid_to DATE, successor_code VARCHAR)""",
    "plan_targets": """(division_code VARCHAR, year INTEGER, kpi_code VARCHAR, target DOUBLE,
        comparison VARCHAR, source VARCHAR)""",
    "explanations": "(division_code VARCHAR, period VARCHAR, rule_code VARCHAR, text VARCHAR)",
    "rejected_rows": """(file VARCHAR, "row" INTEGER, "column" VARCHAR, message_zh VARCHAR,
        message_en VARCHAR)""",
}
_CODE = re.compile(r"^\d{12}$")
_PERIOD = re.compile(r"^\d{4}Q[1-4]$")


@dataclass
class RefResult:
    loaded: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple] = field(default_factory=list)


def _code(v, required=True):
    v = (v or "").strip()
    if not v and not required:
        return None
    if not _CODE.match(v):
        raise ValueError(("区划代码应为12位数字", "division code must be 12 digits"))
    return v


def _date(v):
    v = (v or "").strip()
    if not v:
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise ValueError(("日期格式应为YYYY-MM-DD", "date must be YYYY-MM-DD")) from None


def _choice(options):
    def check(v):
        v = (v or "").strip()
        if v not in options:
            raise ValueError((f"取值应为 {'/'.join(options)}", f"must be one of {'/'.join(options)}"))
        return v
    return check


def _number(v):
    try:
        return float((v or "").strip())
    except ValueError:
        raise ValueError(("应为数值", "must be a number")) from None


def _year(v):
    v = (v or "").strip()
    if not re.match(r"^\d{4}$", v):
        raise ValueError(("年份应为4位数字", "year must have 4 digits"))
    return int(v)


def _period(v):
    v = (v or "").strip()
    if not _PERIOD.match(v):
        raise ValueError(("报告期应形如2024Q4", "period must look like 2024Q4"))
    return v


def _text(v):
    return (v or "").strip() or None


SPECS = {
    "divisions": {
        "division_code": _code, "name": _text, "short_name": _text,
        "level": _choice(("county", "township")), "type": _text,
        "parent_code": lambda v: _code(v, required=False), "valid_from": _date, "valid_to": _date,
        "successor_code": lambda v: _code(v, required=False),
    },
    "plan_targets": {
        "division_code": _code, "year": _year, "kpi_code": _text, "target": _number,
        "comparison": _choice((">=", "<=", "=")), "source": _text,
    },
    "explanations": {"division_code": _code, "period": _period, "rule_code": _text, "text": _text},
}


def _read_csv(path: Path, table: str, result: RefResult) -> list[tuple]:
    spec = SPECS[table]
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in spec if c not in (reader.fieldnames or [])]
        if missing:
            result.rejected.append((path.name, 1, missing[0], f"缺少列 {missing[0]}",
                                    f"missing column {missing[0]}"))
            return rows
        for n, raw in enumerate(reader, start=2):
            values = []
            for col, parse in spec.items():
                try:
                    values.append(parse(raw.get(col)))
                except ValueError as exc:
                    zh, en = exc.args[0]
                    result.rejected.append((path.name, n, col, f"{zh}:{raw.get(col)!r}",
                                            f"{en}: {raw.get(col)!r}"))
                    break
            else:
                rows.append(tuple(values))
    return rows


def create_ref_schema(con) -> None:
    """Schema ``ref`` with its (empty) tables, if they do not exist yet."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    for table, ddl in REF_DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS ref.{table} {ddl}")


def load_reference(reference_dir: Path, con) -> RefResult:
    """Replace ref.* with the CSVs' contents; tables exist (empty) even without CSVs."""
    reference_dir = Path(reference_dir)
    result = RefResult()
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    sources = {
        "divisions": [reference_dir / "divisions.csv"],
        "plan_targets": [reference_dir / "plan_targets.csv"],
        "explanations": [reference_dir / "explanations.csv",
                         *sorted((reference_dir / "explanations").glob("*.csv"))],
    }
    for table, ddl in REF_DDL.items():
        con.execute(f"CREATE OR REPLACE TABLE ref.{table} {ddl}")
    for table, files in sources.items():
        rows = [r for f in files if f.exists() for r in _read_csv(f, table, result)]
        if rows:
            import polars as pl

            frame = pl.DataFrame(rows, schema=list(SPECS[table]), orient="row")
            con.register("incoming_ref", frame)
            con.execute(f"INSERT INTO ref.{table} BY NAME SELECT * FROM incoming_ref")
            con.unregister("incoming_ref")
        result.loaded[table] = len(rows)
    if result.rejected:
        con.executemany("INSERT INTO ref.rejected_rows VALUES (?, ?, ?, ?, ?)", result.rejected)
    return result
