"""A small clean county for the quality-gate tests, written straight into the raw and ref tables
of a DuckDB file (no test functions here).

County 441200 with six townships over 2023–2024; 古城乡 (M) merges into 六合镇 (T6) on
2024-01-01. Every figure is a simple function of (township index i, year, quarter) chosen so
that every edit rule holds: stocks are constant (new = exited each quarter), YTD flows grow
linearly, coverage 3 % urban / 5 % rural, 2.0 / 2.5 persons per household, aid per person-month
half the standard, occupancy 50–60 %. Break a rule with :func:`mutate`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from civstat.ingest.reference import create_ref_schema
from civstat.raw_schema import create_raw_schema

COUNTY = "441200000000"
TOWNSHIPS = {  # code -> (index, name, short, type)
    "441200001000": (1, "城南街道", "城南", "街道"),
    "441200002000": (2, "城北街道", "城北", "街道"),
    "441200100000": (3, "青山镇", "青山", "镇"),
    "441200101000": (4, "白水镇", "白水", "镇"),
    "441200102000": (5, "三河镇", "三河", "镇"),
    "441200103000": (6, "六合镇", "六合", "镇"),
}
MERGED = "441200200000"  # 古城乡, merged into 六合镇 from 2024
MERGED_INDEX = 2
T2 = "441200002000"
T5 = "441200102000"
T6 = "441200103000"
YEARS = (2023, 2024)
PERIODS = [f"{y}Q{q}" for y in YEARS for q in range(1, 5)]

def divisions() -> list[tuple]:
    start = dt.date(2010, 1, 1)
    rows = [(COUNTY, "示例县", "示例", "county", "县", None, start, None, None)]
    for code, (_, name, short, typ) in TOWNSHIPS.items():
        rows.append((code, name, short, "township", typ, COUNTY, start, None, None))
    rows.append((MERGED, "古城乡", "古城", "township", "乡", COUNTY, start, dt.date(2023, 12, 31), T6))
    return rows


def sid(code: str, period: str) -> str:
    return f"{code[-6:]}-{period}"


def _add(d: dict, e: dict) -> dict:
    return {k: (v + e[k] if isinstance(v, (int, float)) and not isinstance(v, bool) and k in e else v)
            for k, v in d.items()}


def figures(i: int, year: int, q: int) -> dict:
    """One township's return (canonical units)."""
    k = year - 2023
    return {
        "cover": {"pop_urban": 10000 * i, "pop_rural": 20000 * i, "pop_total": 30000 * i,
                  "pop_60plus": 5000 * i},
        "dibao": [
            {"category": "urban", "households": 150 * i, "persons": 300 * i,
             "new_households": 5 * q, "new_persons": 10 * q, "exited_households": 5 * q,
             "exited_persons": 10 * q, "funds_ytd": 300.0 * i * 3 * q * 400,
             "standard": 800.0 + 40 * k, "standard_period": "month"},
            {"category": "rural", "households": 400 * i, "persons": 1000 * i,
             "new_households": 8 * q, "new_persons": 20 * q, "exited_households": 8 * q,
             "exited_persons": 20 * q, "funds_ytd": 1000.0 * i * 3 * q * 300,
             "standard": 7200.0 + 360 * k, "standard_period": "year"},
        ],
        "tekun": [
            {"category": "urban", "persons": 10 * i, "centralized": 3 * i, "dispersed": 7 * i,
             "new_persons": q, "funds_ytd": 10.0 * i * q * 3000, "std_centralized": 12000.0,
             "std_dispersed": 10000.0},
            {"category": "rural", "persons": 40 * i, "centralized": 20 * i, "dispersed": 20 * i,
             "new_persons": 2 * q, "funds_ytd": 40.0 * i * q * 2500, "std_centralized": 10000.0,
             "std_dispersed": 8000.0},
        ],
        "temp_assist": [{"household_times_ytd": 10 * i * q, "person_times_ytd": 25 * i * q,
                         "funds_ytd": 10000.0 * i * q, "in_kind_ytd": 1000.0 * i * q}],
        "med_assist": [{"insured_persons_ytd": 100 * i * q, "insured_funds_ytd": 35000.0 * i * q,
                        "direct_times_ytd": 20 * i * q, "direct_funds_ytd": 30000.0 * i * q}],
        "disaster_events": [
            {"event_date": dt.date(year, 2, 10), "hazard_type": "低温冷冻", "affected_persons": 100 * i,
             "evacuated_persons": 10 * i, "crop_area_mu": 200.0 * i, "crop_failed_mu": 20.0 * i,
             "collapsed_households": 1, "collapsed_rooms": 2, "severely_damaged_rooms": 3,
             "generally_damaged_rooms": 4, "direct_loss": 50000.0 * i, "relief_funds": 10000.0 * i},
        ],
        "eldercare_institutions": [
            {"institution_name": f"敬老院{i}", "institution_type": "敬老院", "operation_mode": "公办公营",
             "beds": 100 * i, "nursing_beds": 50 * i, "residents": 60 * i, "residents_tekun": 20 * i,
             "staff": 10 * i, "trained_caregivers": 8 * i},
            {"institution_name": f"日间照料中心{i}", "institution_type": "日间照料中心",
             "operation_mode": "公建民营", "beds": 20, "nursing_beds": 5, "residents": 10,
             "residents_tekun": 0, "staff": 3, "trained_caregivers": 2},
        ],
        "youfu": [{"entitled_persons": 50 * i, "pension_funds_ytd": 20000.0 * i * q,
                   "conscript_families": 5 * i, "conscript_family_funds_ytd": 3000.0 * i * q,
                   "veterans_received_ytd": 2 * i * q, "veterans_placed_ytd": i * q,
                   "veterans_self_employed_ytd": i * q, "veterans_trained_ytd": i * q,
                   "veteran_grants_ytd": 5000.0 * i * q}],
        "welfare": [{"high_age_persons": 200 * i, "high_age_funds_ytd": 60000.0 * i * q,
                     "hardship_disabled_eligible": 30 * i, "hardship_disabled_receiving": 29 * i,
                     "severe_disabled_eligible": 20 * i, "severe_disabled_receiving": 19 * i,
                     "disability_funds_ytd": 9000.0 * i * q, "orphans_centralized": i,
                     "orphans_dispersed": 2 * i, "orphan_funds_ytd": 4000.0 * i * q}],
    }


def merged_figures(a: dict, b: dict) -> dict:
    """A successor's return after a merger: both areas added up (standards unchanged)."""
    out = {"cover": _add(a["cover"], b["cover"])}
    for fam in ("dibao", "tekun"):
        out[fam] = [_add({**x}, {kk: vv for kk, vv in y.items() if not kk.startswith("st")})
                    for x, y in zip(a[fam], b[fam], strict=True)]
    for fam in ("temp_assist", "med_assist", "youfu", "welfare"):
        out[fam] = [_add(a[fam][0], b[fam][0])]
    out["disaster_events"] = a["disaster_events"] + [
        {**e, "hazard_type": "风雹"} for e in b["disaster_events"]]
    out["eldercare_institutions"] = a["eldercare_institutions"] + [
        {**e, "institution_name": "古城" + e["institution_name"]} for e in b["eldercare_institutions"]]
    return out


def returns() -> list[tuple[str, int, int, dict]]:
    out = []
    for year in YEARS:
        for q in range(1, 5):
            for code, (i, *_rest) in TOWNSHIPS.items():
                f = figures(i, year, q)
                if code == T6 and year >= 2024:
                    f = merged_figures(f, figures(MERGED_INDEX, year, q))
                out.append((code, year, q, f))
            if year < 2024:
                out.append((MERGED, year, q, figures(MERGED_INDEX, year, q)))
    return out


def _insert(con, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    con.executemany(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [[r.get(c) for c in cols] for r in rows],
    )


def write_return(con, code: str, year: int, q: int, f: dict, *, total_rows: bool = True,
                 eldercare_total: bool = False, reported: str | None = None) -> None:
    period = f"{year}Q{q}"
    s = sid(code, period)
    submitted = dt.datetime(year, 3 * q, 20, 9, 0)
    name = TOWNSHIPS.get(code, (0, "古城乡"))[1]
    _insert(con, "raw.submissions", [{
        "submission_id": s, "file_path": f"{period}/{name}.xlsx", "file_sha256": s * 4,
        "file_format": "xlsx", "folder_period": period, "period": period, "year": year, "quarter": q,
        "division_code": code, "division_code_reported": reported if reported is not None else code,
        "unit_name": name, **f["cover"], "submitted_at": submitted, "ingested_at": submitted,
        "is_current": True, "superseded_by": None}])
    lineage = {"submission_id": s, "division_code": code, "period": period, "year": year,
               "quarter": q, "source_file": f"{period}/{name}.xlsx", "file_sha256": s * 4,
               "submitted_at": submitted}
    for fam, sheet in (("dibao", "表1 最低生活保障"), ("tekun", "表2 特困人员救助供养")):
        rows = [{**lineage, "source_sheet": sheet, "source_row": 5 + n, "is_total": False, **r}
                for n, r in enumerate(f[fam])]
        if total_rows:
            tot = {k: sum(r[k] for r in f[fam]) for k, v in f[fam][0].items()
                   if isinstance(v, (int, float)) and not k.startswith("st")}
            rows.append({**lineage, "source_sheet": sheet, "source_row": 7, "category": "total",
                         "is_total": True, **tot})
        _insert(con, f"raw.{fam}", rows)
    for fam, sheet in (("temp_assist", "表3 临时救助"), ("med_assist", "表4 医疗救助"),
                       ("youfu", "表7 优抚安置"), ("welfare", "表8 其他社会福利")):
        _insert(con, f"raw.{fam}", [{**lineage, "source_sheet": sheet, "source_row": 5, **f[fam][0]}])
    for fam, sheet in (("disaster_events", "表5 自然灾害"), ("eldercare_institutions", "表6 养老服务机构")):
        rows = [{**lineage, "source_sheet": sheet, "source_row": 5 + n, "is_total": False, **r}
                for n, r in enumerate(f[fam])]
        if fam == "eldercare_institutions" and eldercare_total:
            tot = {k: sum(r[k] for r in f[fam]) for k, v in f[fam][0].items()
                   if isinstance(v, (int, float))}
            rows.append({**lineage, "source_sheet": sheet, "source_row": 5 + len(rows),
                         "is_total": True, **tot})
        _insert(con, f"raw.{fam}", rows)


def build_clean(path: Path) -> Path:
    """The clean fixture county in a DuckDB file (raw + ref tables)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        create_raw_schema(con)
        create_ref_schema(con)
        con.executemany("INSERT INTO ref.divisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", divisions())
        for code, year, q, f in returns():
            write_return(
                con, code, year, q, f,
                eldercare_total=(year == 2023),  # 2023 returns carry a 合计 row on 表6
                reported=code[:9] if code == "441200100000" else None,  # a 9-digit cover code
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def mutate(src: Path, dst: Path, statements: list[str]) -> Path:
    """Copy a fixture warehouse and run SQL statements on the copy."""
    shutil.copy(src, dst)
    con = duckdb.connect(str(dst))
    try:
        for stmt in statements:
            con.execute(stmt)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return dst


SHEET_TABLES = ["dibao", "tekun", "temp_assist", "med_assist", "disaster_events",
                "eldercare_institutions", "youfu", "welfare"]


def copy_return(code: str, src: str, dst: str) -> list[str]:
    """SQL copying every sheet of ``code``'s ``src`` return into its ``dst`` return (S10)."""
    s, d = sid(code, src), sid(code, dst)
    year, quarter = int(dst[:4]), int(dst[-1])
    out = []
    for t in SHEET_TABLES:
        out.append(f"DELETE FROM raw.{t} WHERE submission_id = '{d}'")
        out.append(f"INSERT INTO raw.{t} SELECT * REPLACE ('{d}' AS submission_id, '{dst}' AS period, "
                   f"{year} AS year, {quarter} AS quarter) FROM raw.{t} WHERE submission_id = '{s}'")
    return out
