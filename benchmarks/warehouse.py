"""Warehouse benchmark at province scale: full dbt build vs adding one quarter.

    uv run python benchmarks/warehouse.py [--townships 1500] [--years 5] [--repeat 3] [--out DIR]

Raw tables are filled straight in DuckDB with SQL (no workbooks): a synthetic province of
``--townships`` townships in counties of 100, one return per township and quarter in the
contract's raw layout, about the density of the demo county. 表1–表8 are written by hand below
(two categories, two institutions, one disaster event a year repeated YTD); every other sheet of
the catalogue — and every column added to 表1–表8 since — is filled from its contract
(:func:`fill_from_catalogue`: one row, a row per category, two entities or one event a year;
stocks flat within the year, year-to-date figures growing, 其中 half their total, columns
reported only in some quarters blank in the others, optional sheets left out by one township in
ten), so the benchmark measures the whole warehouse as the catalogue defines it. Plan targets:
every target a programme's ``generator.plan_targets`` declares, for every county. Times
``--repeat`` full builds and then adds ``--repeat`` quarters one at a time (each an incremental
refresh, as :mod:`civstat.buildplan` plans it), and prints the medians, their ratio, where dbt
spent its time and rows per mart (the marts with a ``submission_id`` read from dbt's manifest)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from civstat.contract import Column, Sheet, load_contract
from civstat.dbtrun import run_dbt
from civstat.generate.profile import plan_targets
from civstat.ingest.reference import create_ref_schema
from civstat.quality.marts import facts_of
from civstat.raw_schema import create_raw_schema
from civstat.refresh import refresh as build_warehouse
from civstat.warehouse import Warehouse

# marts that are not facts (no submission_id); the facts are read from the manifest
OTHER_MARTS = ["dim_division", "dim_period", "kpi_annual", "kpi_plan_completion", "quality_status"]
# the sheets add_quarter writes by hand (their other columns: fill_from_catalogue)
HAND_WRITTEN = ("dibao", "tekun", "temp_assist", "med_assist", "youfu", "welfare",
                "eldercare_institutions", "disaster_events")
NUMERIC = ("int", "money", "decimal")

LINEAGE = """r.sid AS submission_id, r.division_code, r.period, r.year, r.quarter,
    r.period || '/' || r.division_code || '.xlsx' AS source_file, '{sheet}' AS source_sheet,
    {row} AS source_row, r.sid AS file_sha256, r.submitted_at"""


def setup_divisions(con: duckdb.DuckDBPyConnection, townships: int, per_county: int = 100) -> None:
    con.execute("""
        INSERT INTO ref.divisions
        SELECT printf('33%02d%02d000000', c // 100 + 1, c % 100 + 1), '县' || c, '县' || c, 'county',
               '县', NULL, DATE '2000-01-01', NULL, NULL
        FROM range(?) t(c)
    """, [(townships + per_county - 1) // per_county])
    con.execute("""
        INSERT INTO ref.divisions
        SELECT printf('33%02d%02d%03d000', c // 100 + 1, c % 100 + 1, i + 1),
               '乡镇' || t, '乡镇' || t, 'township', CASE t % 3 WHEN 0 THEN '街道' WHEN 1 THEN '镇' ELSE '乡' END,
               printf('33%02d%02d000000', c // 100 + 1, c % 100 + 1), DATE '2000-01-01', NULL, NULL
        FROM (SELECT t, t // ? AS c, t % ? AS i FROM range(?) r(t))
    """, [per_county, per_county, townships])
    targets = [(t["kpi"], float(t["target"]), t["comparison"])
               for prog in load_contract().programmes for t in plan_targets(prog)]
    for kpi, target, comparison in targets or [("nursing_bed_share", 0.55, ">=")]:
        con.execute("""
            INSERT INTO ref.plan_targets
            SELECT division_code, y, ?, ?, ?, '民政工作要点'
            FROM ref.divisions, range(2015, 2035) r(y) WHERE level = 'county'
        """, [kpi, target, comparison])


def _figure(sheet: Sheet, col: Column) -> str:
    """A column's figure for one row as SQL over the return (``r.i`` its size, ``r.k`` the year
    since 2015, ``r.q`` the quarter) and the row (``t``): stocks flat within the year,
    year-to-date figures growing each quarter, a 其中 part half its total's figure."""
    if col.of:
        return f't."{col.of}" // 2' if col.type == "int" else f'round(t."{col.of}" / 2, 2)'
    j = [c.name for c in sheet.columns].index(col.name) + 2
    base = f"(r.i * {j} + t.source_row)"
    value = f"({base} + r.k)" if col.kind != "ytd" else f"({base} * r.q)"
    return {"int": value, "money": f"{value} * 150.0", "decimal": f"round({value} * 1.5, 2)"}[col.type]


def fill_from_catalogue(con: duckdb.DuckDBPyConnection, sheet: Sheet) -> None:
    """The rows of a sheet not written by hand for the returns in ``_returns``, then every numeric
    column still blank (a sheet's own, or a column added to a hand-written sheet) from
    :func:`_figure` — totals before their 其中 parts —, blank in the quarters the column is not
    reported in (``reported_in``)."""
    if sheet.table not in HAND_WRITTEN:
        n_rows = {"single": [1], "event": [1], "entity": [1, 2]}.get(
            sheet.row_kind, list(range(1, len(sheet.categories) + 1)))
        absent = "" if sheet.required else f"WHERE hash(r.division_code || '{sheet.table}') % 10 <> 0"
        for n in n_rows:
            cols = {}
            if sheet.row_kind != "single":
                cols["is_total"] = "false"
            if sheet.row_kind == "category":
                cols["category"] = f"'{sheet.categories[n - 1].code}'"
            for col in sheet.columns:
                if col.type == "date":
                    cols[col.name] = "make_date(r.year, 2, (1 + hash(r.division_code) % 27)::BIGINT)"
                elif col.type == "text":
                    cols[col.name] = (f"'{col.choices[0]}'" if col.choices
                                      else f"r.division_code || '{sheet.title}{n}'")
            select = [LINEAGE.format(sheet=sheet.sheet, row=4 + n)]
            select += [f'{v} AS "{k}"' for k, v in cols.items()]
            con.execute(f"INSERT INTO raw.{sheet.table} BY NAME SELECT {', '.join(select)} "
                        f"FROM _returns r {absent}")
    numeric = [c for c in sheet.columns if c.type in NUMERIC]
    for col in sorted(numeric, key=lambda c: c.of is not None):
        quarters = ", ".join(str(q) for q in col.reported_in)
        con.execute(f"""
            UPDATE raw.{sheet.table} t SET "{col.name}" = CASE WHEN r.q IN ({quarters})
                THEN {_figure(sheet, col)} END
            FROM _returns r
            WHERE t.submission_id = r.sid AND t."{col.name}" IS NULL
        """)


def add_quarter(con: duckdb.DuckDBPyConnection, year: int, quarter: int) -> None:
    """One return per township for (year, quarter), written into every raw table."""
    period = f"{year}Q{quarter}"
    con.execute("DROP TABLE IF EXISTS _returns")
    con.execute(f"""
        CREATE TEMP TABLE _returns AS
        SELECT division_code, '{period}' AS period, {year} AS year, {quarter} AS quarter,
               substr(md5(division_code || '{period}'), 1, 16) AS sid,
               TIMESTAMP '{year}-{3 * quarter:02d}-28 10:00:00' AS submitted_at,
               (hash(division_code) % 50 + 10)::BIGINT AS i, {year} - 2015 AS k, {quarter} AS q
        FROM ref.divisions WHERE level = 'township'
    """)
    con.execute("""
        INSERT INTO raw.submissions BY NAME
        SELECT sid AS submission_id, period || '/' || division_code || '.xlsx' AS file_path,
               sid AS file_sha256, 'xlsx' AS file_format, period AS folder_period, period, year,
               quarter, division_code, division_code AS division_code_reported,
               division_code AS unit_name, 13000 * i AS pop_total, 5000 * i AS pop_urban,
               8000 * i AS pop_rural, 2600 * i AS pop_60plus, submitted_at,
               submitted_at AS ingested_at, true AS is_current
        FROM _returns
    """)
    for cat, j in (("urban", 1), ("rural", 2)):
        con.execute(f"""
            INSERT INTO raw.dibao BY NAME
            SELECT {LINEAGE.format(sheet='表1', row=4 + j)}, '{cat}' AS category, false AS is_total,
                   10 * i * {j} + q + k AS households, 20 * i * {j} + 2 * q + k AS persons,
                   q AS new_households, 2 * q + {j} AS new_persons, q - 1 AS exited_households,
                   q AS exited_persons, 1800.0 * q * (20 * i * {j}) AS funds_ytd,
                   CASE WHEN '{cat}' = 'urban' THEN 800 + 40 * k ELSE 7200 + 480 * k END AS standard,
                   CASE WHEN '{cat}' = 'urban' THEN 'month' ELSE 'year' END AS standard_period
            FROM _returns r
        """)
        con.execute(f"""
            INSERT INTO raw.tekun BY NAME
            SELECT {LINEAGE.format(sheet='表2', row=4 + j)}, '{cat}' AS category, false AS is_total,
                   4 * i * {j} AS persons, i * {j} AS centralized, 3 * i * {j} AS dispersed,
                   q AS new_persons, 3000.0 * q * i * {j} AS funds_ytd, 15000.0 AS std_centralized,
                   12000.0 AS std_dispersed
            FROM _returns r
        """)
    con.execute(f"""
        INSERT INTO raw.temp_assist BY NAME
        SELECT {LINEAGE.format(sheet='表3', row=5)}, 5 * q * i AS household_times_ytd,
               12 * q * i AS person_times_ytd, 2500.0 * q * i AS funds_ytd, 100.0 * q AS in_kind_ytd
        FROM _returns r
    """)
    con.execute(f"""
        INSERT INTO raw.med_assist BY NAME
        SELECT {LINEAGE.format(sheet='表4', row=5)}, 50 * i * q AS insured_persons_ytd,
               9000.0 * i * q AS insured_funds_ytd, 8 * q * i AS direct_times_ytd,
               1200.0 * q * i AS direct_funds_ytd
        FROM _returns r
    """)
    con.execute(f"""
        INSERT INTO raw.youfu BY NAME
        SELECT {LINEAGE.format(sheet='表7', row=5)}, 50 * i AS entitled_persons,
               10000.0 * q * i AS pension_funds_ytd, 4 * i AS conscript_families,
               3000.0 * q * i AS conscript_family_funds_ytd, 2 * q + 2 AS veterans_received_ytd,
               q AS veterans_placed_ytd, q + 1 AS veterans_self_employed_ytd,
               q AS veterans_trained_ytd, 5000.0 * q AS veteran_grants_ytd
        FROM _returns r
    """)
    con.execute(f"""
        INSERT INTO raw.welfare BY NAME
        SELECT {LINEAGE.format(sheet='表8', row=5)}, 100 * i AS high_age_persons,
               600.0 * q * i AS high_age_funds_ytd, 20 * i AS hardship_disabled_eligible,
               19 * i AS hardship_disabled_receiving, 15 * i AS severe_disabled_eligible,
               14 * i AS severe_disabled_receiving, 9000.0 * q * i AS disability_funds_ytd,
               1 AS orphans_centralized, 2 AS orphans_dispersed, 4000.0 * q AS orphan_funds_ytd
        FROM _returns r
    """)
    for j, name in ((1, '敬老院'), (2, '日间照料中心')):
        con.execute(f"""
            INSERT INTO raw.eldercare_institutions BY NAME
            SELECT {LINEAGE.format(sheet='表6', row=4 + j)}, false AS is_total,
                   division_code || '{name}' AS institution_name, '{name}' AS institution_type,
                   '公办公营' AS operation_mode, 40 * {j} + k AS beds, 20 * {j} AS nursing_beds,
                   30 * {j} AS residents, 5 AS residents_tekun, 8 AS staff, 5 AS trained_caregivers
            FROM _returns r
        """)
    # one event per township and year, repeated in every later return of the year (YTD)
    con.execute(f"""
        INSERT INTO raw.disaster_events BY NAME
        SELECT {LINEAGE.format(sheet='表5', row=5)}, false AS is_total,
               make_date(year, 2, (1 + hash(division_code) % 27)::BIGINT) AS event_date, '暴雨洪涝' AS hazard_type,
               100 * i AS affected_persons, 10 AS evacuated_persons, 50.0 * i AS crop_area_mu,
               5.0 AS crop_failed_mu, 1 AS collapsed_households, 2 AS collapsed_rooms,
               3 AS severely_damaged_rooms, 4 AS generally_damaged_rooms, 10000.0 * i AS direct_loss,
               20000.0 * i AS relief_funds
        FROM _returns r
    """)
    for sheet in load_contract().sheets:
        fill_from_catalogue(con, sheet)


def dbt_timings(target: Path) -> dict[str, float]:
    """Seconds of the last dbt invocation (run_results.json): elapsed, and per node kind summed
    over dbt's threads (models split by materialisation)."""
    results = json.loads((target / "run_results.json").read_text())
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    out: dict[str, float] = {"dbt elapsed": results["elapsed_time"], "nodes run": 0}
    for r in results["results"]:
        uid = r["unique_id"]
        kind = uid.split(".")[0]
        if kind == "model":
            kind = f"{nodes[uid]['config']['materialized']} models"
        out[kind] = out.get(kind, 0.0) + r["execution_time"]
        out["nodes run"] += 1
    return out


def marts(target: Path) -> list[str]:
    """The marts whose rows are printed: the facts of dbt's manifest and the others above."""
    manifest = json.loads((target / "manifest.json").read_text())
    return sorted(set(facts_of(manifest)) | set(OTHER_MARTS))


def mart_rows(wh: Warehouse, names: list[str]) -> dict[str, int]:
    """Rows of the marts in the built working copy (the benchmark times builds, not publishing)."""
    con = duckdb.connect(str(wh.working), read_only=True)
    try:
        return {m: con.execute(f"SELECT count(*) FROM {m}").fetchone()[0] for m in names}
    finally:
        con.close()


def timed_build(wh: Warehouse, target: Path, *, full_refresh: bool) -> tuple[float, dict, str]:
    t0 = time.perf_counter()
    # dbt alone: the edit rules and the publish copy are not part of what is compared
    outcome = build_warehouse(wh, full_refresh=full_refresh, capture=True, gate=False,
                              publish=False)
    return time.perf_counter() - t0, dbt_timings(target), outcome.plan.mode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=1500)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3,
                    help="full builds and added quarters to time (medians are compared)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "output" / "warehouse")
    args = ap.parse_args(argv)
    os.environ.setdefault("DO_NOT_TRACK", "1")

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    target = args.out / "dbt_target"
    os.environ["DBT_TARGET_PATH"] = str(target)
    os.environ["DBT_LOG_PATH"] = str(args.out / "dbt_logs")
    wh = Warehouse(args.out / "civstat.duckdb")
    first_year = 2024 - args.years

    t0 = time.perf_counter()
    with duckdb.connect(str(wh.working)) as con:
        create_raw_schema(con)
        create_ref_schema(con)
        setup_divisions(con, args.townships)
        for year in range(first_year, first_year + args.years):
            for q in range(1, 5):
                add_quarter(con, year, q)
        returns = con.execute("SELECT count(*) FROM raw.submissions").fetchone()[0]
        sheets = load_contract().sheets
        rows = sum(con.execute(f"SELECT count(*) FROM raw.{s.table}").fetchone()[0] for s in sheets)
    load = time.perf_counter() - t0
    print(f"raw layer: {args.townships} townships × {args.years} years = {returns:,} returns, "
          f"{len(sheets)} sheets, {rows:,} sheet rows ({load:.1f} s to insert)")

    # dbt parses once outside the timings (as at set-up), then builds
    run_dbt(["parse", "--quiet"], wh, capture=True)
    fulls = [timed_build(wh, target, full_refresh=True) for _ in range(args.repeat)]
    names = marts(target)
    rows_full = mart_rows(wh, names)

    new_year = first_year + args.years
    adds = []
    for q in range(1, args.repeat + 1):
        with duckdb.connect(str(wh.working)) as con:
            add_quarter(con, new_year + (q - 1) // 4, (q - 1) % 4 + 1)
        adds.append(timed_build(wh, target, full_refresh=False))
    rows_after = mart_rows(wh, names)
    assert all(mode == "incremental" for _, _, mode in adds), "adding a quarter ran a full build"

    full = statistics.median(t for t, _, _ in fulls)
    incremental = statistics.median(t for t, _, _ in adds)
    t_full, t_inc = fulls[-1][1], adds[-1][1]
    print(f"full build (dbt build --full-refresh: everything, incl. unit tests; publish), "
          f"median of {args.repeat}: {full:6.1f} s  ({', '.join(f'{t:.1f}' for t, _, _ in fulls)})")
    print(f"add one quarter (incremental: changed periods only; publish), "
          f"median of {args.repeat}:     {incremental:6.1f} s  "
          f"({', '.join(f'{t:.1f}' for t, _, _ in adds)})")
    print(f"ratio add-quarter / full: {incremental / full:.2f}")
    print("  last run of each, from dbt's run_results (node seconds summed over dbt's threads):")
    for kind in ("nodes run", "dbt elapsed", "incremental models", "table models",
                 "view models", "test", "unit_test", "seed"):
        a, b = t_full.get(kind, 0.0), t_inc.get(kind, 0.0)
        fmt = (lambda v: f"{v:6.0f}  ") if kind == "nodes run" else (lambda v: f"{v:6.1f} s")
        print(f"  {kind:<20} full {fmt(a)}   add quarter {fmt(b)}   ratio {b / a if a else 0:.2f}")
    print(f"  (the rest of each build, ~{full - t_full['dbt elapsed']:.1f} s, is dbt starting up "
          "and planning the build: the same for both)")
    print(f"{'mart':<26}{'rows (full)':>14}{'rows (+' + str(args.repeat) + ' quarters)':>22}")
    for m in names:
        print(f"{m:<26}{rows_full[m]:>14,}{rows_after[m]:>22,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
