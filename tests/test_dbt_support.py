"""A small, hand-derivable county written straight into the raw and ref tables of a DuckDB
file, for the dbt warehouse tests (no test functions here; imported by test_dbt_*.py).

County 330521 with three townships; 筏头乡 (T3) merges into 新市镇 (T2) on 2023-01-01.
Years 2022-2023, four quarters each. T1 re-submits 2023Q2 (the second return wins); T2's
2023Q3 return has a hard violation (blocked); T1's 2023Q4 has a soft one with a 说明. Only T1
fills 表7's optional 其中:待安置.
Every figure is a simple function of (township, year, quarter) so tests can derive expected
results in Python, independently of the SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from civstat.ingest.reference import create_ref_schema
from civstat.raw_schema import create_raw_schema

COUNTY = "330521000000"
T1, T2, T3 = "330521001000", "330521100000", "330521200000"
TOWNSHIPS = {T1: 1, T2: 2, T3: 3}
YEARS = (2022, 2023)
MERGER_DATE = dt.date(2023, 1, 1)
RESUBMITTED = (T1, "2023Q2")
BLOCKED = (T2, "2023Q3")
SOFT = (T1, "2023Q4", "S2")

RAW_TABLES = ("submissions", "dibao", "tekun", "temp_assist", "med_assist",
              "disaster_events", "eldercare_institutions", "youfu", "welfare")

DIVISIONS = [
    (COUNTY, "示范县", "示范", "county", "县", None, dt.date(2000, 1, 1), None, None),
    (T1, "武康街道", "武康", "township", "街道", COUNTY, dt.date(2000, 1, 1), None, None),
    (T2, "新市镇", "新市", "township", "镇", COUNTY, dt.date(2000, 1, 1), None, None),
    (T3, "筏头乡", "筏头", "township", "乡", COUNTY, dt.date(2000, 1, 1), dt.date(2022, 12, 31), T2),
]

PLAN_TARGETS = [
    (COUNTY, 2023, "tekun_centralized_rate", 0.5, ">=", "2023年民政工作要点"),
    (COUNTY, 2023, "nursing_bed_share", 0.9, ">=", "2023年民政工作要点"),
    (T1, 2023, "veteran_placement_rate", 1.0, "=", "目标责任书"),
]


@dataclass
class Fixture:
    path: Path
    rows: dict[str, list[dict]] = field(default_factory=dict)

    def current(self, table: str) -> list[dict]:
        """Rows of a raw table that belong to the current submission of their return."""
        cur = {s["submission_id"] for s in self.rows["submissions"] if s["is_current"]}
        return [r for r in self.rows[table] if r["submission_id"] in cur]

    def published(self, table: str) -> list[dict]:
        """Rows of current, unblocked returns (what the marts may contain)."""
        return [r for r in self.current(table) if (r["division_code"], r["period"]) != BLOCKED]


def reporting_townships(year: int) -> list[str]:
    return [T1, T2, T3] if year < MERGER_DATE.year else [T1, T2]


def figures(code: str, year: int, quarter: int, version: int = 1) -> dict:
    """The figures of one return (canonical units)."""
    i, k, q = TOWNSHIPS[code], year - 2022, quarter
    bump = 7 * (version - 1)  # the corrected re-submission differs
    f = {
        "pop_urban": 5000 * i, "pop_rural": 8000 * i, "pop_60plus": 2000 * i,
        "dibao": {
            "urban": {"households": 10 * i + q + k + bump, "persons": 20 * i + 2 * q + k + bump,
                          "new_households": q, "new_persons": 2 * q + i, "exited_households": q - 1,
                          "exited_persons": q, "funds_ytd": 1000.0 * q * (i + k) + 500 * (version - 1),
                          "standard": 800 + 50 * k,
                          "standard_period": "month"},
            "rural": {"households": 30 * i + q, "persons": 60 * i + 3 * q + k,
                          "new_households": q + 1, "new_persons": 3 * q, "exited_households": q,
                          "exited_persons": 2 * q, "funds_ytd": 2000.0 * q * i + 100 * k,
                          "standard": 7200 + 600 * k, "standard_period": "year"},
        },
        "tekun": {
            "urban": {"persons": 4 * i, "centralized": i, "dispersed": 3 * i, "new_persons": q,
                          "funds_ytd": 3000.0 * q * i, "std_centralized": 15000.0, "std_dispersed": 12000.0},
            "rural": {"persons": 10 * i + q, "centralized": 5 * i + q, "dispersed": 5 * i,
                          "new_persons": q, "funds_ytd": 5000.0 * q * i + 10 * k,
                          "std_centralized": 12000.0, "std_dispersed": 10000.0},
        },
        "temp_assist": {"household_times_ytd": 5 * q * i, "person_times_ytd": 12 * q * i + k,
                            "funds_ytd": 2500.0 * q * i + 300 * k, "in_kind_ytd": 100.0 * q},
        "med_assist": {"insured_persons_ytd": 50 * i * q, "insured_funds_ytd": 180.0 * 50 * i * q,
                           "direct_times_ytd": 8 * q * i + 1, "direct_funds_ytd": 1200.0 * q * i + 50 * k},
        "eldercare": [
            {"institution_name": f"{code[-6:]}敬老院", "institution_type": "敬老院",
                 "operation_mode": "公办公营", "beds": 40 * i + 10 * k, "nursing_beds": 20 * i + q,
                 "residents": 30 * i + q, "residents_tekun": 10 * i, "staff": 8 * i, "trained_caregivers": 5 * i + k},
            {"institution_name": f"{code[-6:]}日间照料中心", "institution_type": "日间照料中心",
                 "operation_mode": "公建民营", "beds": 10 * i, "nursing_beds": 2 * i, "residents": 5 * i + q,
                 "residents_tekun": 0, "staff": 3, "trained_caregivers": 1},
        ],
        "youfu": {"entitled_persons": 50 * i + k, "pension_funds_ytd": 10000.0 * q * i,
                      "conscript_families": 4 * i, "conscript_family_funds_ytd": 3000.0 * q * i,
                      "veterans_received_ytd": 2 * q * i + 2, "veterans_placed_ytd": q * i,
                      "veterans_self_employed_ytd": q * i + 1, "veterans_trained_ytd": q * i,
                      "veteran_grants_ytd": 5000.0 * q,
                      # 其中:待安置 (optional column): T1 reports it, the others leave it out
                      "veterans_pending": q if code == T1 else None},
        "welfare": {"high_age_persons": 100 * i + q, "high_age_funds_ytd": 600.0 * q * (100 * i + q),
                        "hardship_disabled_eligible": 20 * i, "hardship_disabled_receiving": 19 * i,
                        "severe_disabled_eligible": 15 * i, "severe_disabled_receiving": 15 * i - 1,
                        "disability_funds_ytd": 9000.0 * q * i, "orphans_centralized": i,
                        "orphans_dispersed": 2 * i, "orphan_funds_ytd": 4000.0 * q * i},
        # 表5 repeats the year's earlier events: events on Mar 10 and (from Q3) Jul 20
        "disaster": [
            {"event_date": dt.date(year, 3, 10), "hazard_type": "暴雨洪涝", "affected_persons": 100 * i,
                 "evacuated_persons": 10 * i, "crop_area_mu": 50.0 * i, "crop_failed_mu": 5.0 * i,
                 "collapsed_households": i, "collapsed_rooms": 2 * i, "severely_damaged_rooms": 3,
                 "generally_damaged_rooms": 4, "direct_loss": 10000.0 * i + 500 * (q - 1),
                 "relief_funds": 20000.0 * i},
        ] + ([
            {"event_date": dt.date(year, 7, 20), "hazard_type": "台风", "affected_persons": 300 * i,
                 "evacuated_persons": 0, "crop_area_mu": 80.0, "crop_failed_mu": 0.0,
                 "collapsed_households": 0, "collapsed_rooms": 0, "severely_damaged_rooms": 1,
                 "generally_damaged_rooms": 2, "direct_loss": 30000.0, "relief_funds": 15000.0 * i},
        ] if q >= 3 else []),
    }
    return f


def _returns() -> list[tuple[str, int, int, int, bool]]:
    """(code, year, quarter, version, is_current) of every return received."""
    out = []
    for year in YEARS:
        for q in range(1, 5):
            for code in reporting_townships(year):
                if (code, f"{year}Q{q}") == RESUBMITTED:
                    out.append((code, year, q, 1, False))
                    out.append((code, year, q, 2, True))
                else:
                    out.append((code, year, q, 1, True))
    return out


def return_rows(code: str, year: int, q: int, version: int = 1, is_current: bool = True
                ) -> dict[str, list[dict]]:
    """The raw rows of one return, keyed by raw table."""
    rows: dict[str, list[dict]] = {t: [] for t in RAW_TABLES}
    period = f"{year}Q{q}"
    sid = f"s{code[-6:]}{period}v{version}"
    f = figures(code, year, q, version)
    submitted = dt.datetime(year, 3 * q, 1) + dt.timedelta(days=version * 20)
    lineage = {"submission_id": sid, "division_code": code, "period": period, "year": year, "quarter": q,
                   "source_file": f"{period}/{code}-v{version}.xlsx", "file_sha256": sid * 2,
                   "submitted_at": submitted}
    rows["submissions"].append({
        "submission_id": sid, "file_path": lineage["source_file"], "file_sha256": sid * 2,
        "file_format": "xlsx", "folder_period": period, "period": period, "year": year, "quarter": q,
        "division_code": code, "division_code_reported": code, "unit_name": code,
        "pop_total": f["pop_urban"] + f["pop_rural"], "pop_urban": f["pop_urban"],
        "pop_rural": f["pop_rural"], "pop_60plus": f["pop_60plus"], "submitted_at": submitted,
        "ingested_at": submitted, "is_current": is_current,
        "superseded_by": None if is_current else f"s{code[-6:]}{period}v{version + 1}"})
    n = 5
    for fam in ("dibao", "tekun"):
        tot: dict = {}
        for cat in ("urban", "rural"):
            vals = f[fam][cat]
            rows[fam].append({**lineage, "source_sheet": fam, "source_row": n, "category": cat,
                              "is_total": False, **vals})
            for key, v in vals.items():
                if isinstance(v, (int, float)):
                    tot[key] = tot.get(key, 0) + v
            n += 1
        rows[fam].append({**lineage, "source_sheet": fam, "source_row": n, "category": "total",
                          "is_total": True, **tot})
    for fam in ("temp_assist", "med_assist", "youfu", "welfare"):
        rows[fam].append({**lineage, "source_sheet": fam, "source_row": 5, **f[fam]})
    for j, inst in enumerate(f["eldercare"]):
        rows["eldercare_institutions"].append(
            {**lineage, "source_sheet": "养老", "source_row": 5 + j, "is_total": False, **inst})
    for j, ev in enumerate(f["disaster"]):
        rows["disaster_events"].append(
            {**lineage, "source_sheet": "灾害", "source_row": 5 + j, "is_total": False, **ev})
    return rows


def build_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {t: [] for t in RAW_TABLES}
    for code, year, q, version, is_current in _returns():
        for table, table_rows in return_rows(code, year, q, version, is_current).items():
            rows[table].extend(table_rows)
    return rows


def add_return(con: duckdb.DuckDBPyConnection, code: str, year: int, q: int,
               version: int = 1) -> dict[str, list[dict]]:
    """Insert one more return (a new quarter, or a correction that supersedes version-1)."""
    new = return_rows(code, year, q, version, True)
    if version > 1:
        con.execute("UPDATE raw.submissions SET is_current = false, superseded_by = ? "
                    "WHERE division_code = ? AND period = ? AND is_current",
                    [new["submissions"][0]["submission_id"], code, f"{year}Q{q}"])
    for table, table_rows in new.items():
        insert_rows(con, f"raw.{table}", table_rows)
    return new


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    con.executemany(sql, [[r.get(c) for c in cols] for r in rows])


def write_quality(con: duckdb.DuckDBPyConnection) -> None:
    now = dt.datetime(2024, 1, 20, 9, 0)
    code, period = BLOCKED
    scode, speriod, srule = SOFT
    base = {"run_id": "run-2", "table_name": "dibao", "evaluated_at": now}
    violations = [
        dict(base, rule_code="H5", severity="hard", division_code=code, period=period,
             year=int(period[:4]), quarter=int(period[-1]), message_zh="期末人数不衔接",
             message_en="stock does not roll forward"),
        dict(base, rule_code=srule, severity="soft", division_code=scode, period=speriod,
             year=int(speriod[:4]), quarter=int(speriod[-1]), message_zh="保障标准增长超过20%",
             message_en="standard grew by more than 20 %"),
        # an older run's finding, cleared by run-2 (which checked H3 for 2023Q1 and found nothing)
        dict(base, run_id="run-1", rule_code="H3", severity="hard", division_code=T1,
             period="2023Q1", year=2023, quarter=1, message_zh="户数大于人数",
             message_en="households exceed persons", evaluated_at=now - dt.timedelta(days=5)),
    ]
    insert_rows(con, "quality.violations", violations)
    runs = [
        {"run_id": "run-2", "rule_code": r, "severity": s, "engine": "sql",
             "periods": [f"{y}Q{q}" for y in YEARS for q in range(1, 5)], "rows_checked": 100,
             "violations": v, "success": v == 0, "evaluated_at": now}
        for r, s, v in (("H5", "hard", 1), ("S2", "soft", 1), ("H3", "hard", 0))
    ]
    insert_rows(con, "quality.rule_runs", runs)


def build_fixture_warehouse(path: Path, *, quality: bool = True) -> Fixture:
    """Create the raw, ref and quality tables of the fixture county in a DuckDB file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = build_rows()
    con = duckdb.connect(str(path))
    try:
        create_raw_schema(con)
        create_ref_schema(con)
        con.executemany("INSERT INTO ref.divisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", DIVISIONS)
        con.executemany("INSERT INTO ref.plan_targets VALUES (?, ?, ?, ?, ?, ?)", PLAN_TARGETS)
        con.execute("INSERT INTO ref.explanations VALUES (?, ?, ?, ?)",
                    [SOFT[0], SOFT[1], SOFT[2], "县里统一提标 / county-wide raise"])
        for table, table_rows in rows.items():
            insert_rows(con, f"raw.{table}", table_rows)
        if quality:
            write_quality(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return Fixture(path=path, rows=rows)
