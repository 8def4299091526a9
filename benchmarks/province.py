"""Province benchmark: the whole refresh of a province-scale drop, step by step, with memory.

    uv run python benchmarks/province.py [--dir DIR] [--years 2021-2025] [--formats html,pdf,docx,xlsx]
                                         [--max-memory-gb 4] [--counties N]

A province's returns are generated once into ``--dir`` (``civstat generate --scale province``:
90 counties, 1,620 townships, four quarters a year; reused when present). The last quarter is
held back, and the refresh is then run as a statistician runs it — the ``civstat`` command in a
child process, on the files on disk, one step after the other:

  full refresh   ingest (every quarter but the last) → build (edit rules, dbt, publish) → check
                 (the gate's report) → the province's year-end summary for the last complete year
                 → every county's summary for that year (one ``civstat report`` process)
  one quarter    the held-back quarter dropped in → the same steps; the year it completes gets
                 its summaries

For every step it prints wall time and the peak memory of the whole process tree (RSS summed
over the child and all its descendants — dbt, DuckDB, workers — sampled from /proc every 50 ms,
and never below the child's own high-water mark from ``wait4``), then the ratio of adding one
quarter to the full refresh, for the data steps (ingest + build + check) and for everything.
Exit status: 0 when every step succeeded within ``--max-memory-gb``, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Step:
    phase: str
    name: str
    seconds: float
    peak_mb: float
    status: int


def _tree_rss_kb(root: int) -> int:
    """RSS of ``root`` and all its descendants (kB), from one pass over /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read()
            with open(f"/proc/{pid}/statm", "rb") as fh:
                resident = int(fh.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        parents[pid] = int(stat[stat.rindex(b")") + 2:].split()[1])
        rss[pid] = resident * PAGE_KB
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [p for p, pp in parents.items() if pp in frontier and p not in tree]
        tree.update(frontier)
    return sum(rss.get(p, 0) for p in tree)


def run(phase: str, name: str, argv: list[str], env: dict, log: Path) -> Step:
    """Run one step in a child process; its time and the peak RSS of its process tree."""
    print(f"  {phase:<12} {name} …", flush=True)
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(argv)}\n")
        out.flush()
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], _tree_rss_kb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = max(peak[0], usage.ru_maxrss)
    print(f"    {seconds:.1f} s, peak {peak_kb / 1024:.0f} MB, exit {child.returncode}", flush=True)
    return Step(phase, name, seconds, peak_kb / 1024, child.returncode)


def civstat(*args: str) -> list[str]:
    return [sys.executable, "-m", "civstat.cli", *args]


def counties(reference: Path) -> list[str]:
    with open(reference / "divisions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return sorted(r["division_code"] for r in rows if r["level"] == "county" and not r.get("valid_to"))


def province_code(county_codes: list[str]) -> str:
    return county_codes[0][:2] + "0" * 10


def refresh(phase: str, year: int, env: dict, args, county_codes: list[str], log: Path,
            ok_exits: dict[str, set[int]]) -> list[Step]:
    """ingest → build → check → the province's summary → every county's summary."""
    fmt = ["--format", args.formats]
    steps = [
        ("ingest", civstat("ingest")),
        ("build (gate + dbt + publish)", civstat("build")),
        ("check (gate report)", civstat("check")),
        (f"province summary {year}", civstat("report", "--period", str(year), "--division",
                                             province_code(county_codes), *fmt)),
        (f"{len(county_codes)} county summaries {year}",
         civstat("report", "--period", str(year), *fmt,
                 *[a for c in county_codes for a in ("--division", c)])),
    ]
    out = []
    for name, argv in steps:
        step = run(phase, name, argv, env, log)
        out.append(step)
        allowed = ok_exits.get(name.split()[0], {0})
        if step.status not in allowed:
            print(f"    exit {step.status} (see {log})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=ROOT / "benchmarks" / "output" / "province")
    ap.add_argument("--years", default="2021-2025", help="first-last year generated")
    ap.add_argument("--formats", default="html,pdf,docx,xlsx")
    ap.add_argument("--counties", type=int, default=None,
                    help="only the first N counties' summaries (default: all)")
    ap.add_argument("--max-memory-gb", type=float, default=4.0)
    args = ap.parse_args(argv)

    first, last = (int(y) for y in args.years.split("-"))
    base = args.dir.resolve()
    raw, ref, held = base / "raw", base / "reference", base / "held-back"
    if not (raw / f"{last}Q4").is_dir() and not (held / f"{last}Q4").is_dir():
        years = ",".join(str(y) for y in range(first, last + 1))
        t = time.perf_counter()
        subprocess.run(civstat("generate", "--scale", "province", "--years", years, "--clean",
                               "--out", str(raw), "--reference", str(ref)), check=True, cwd=ROOT)
        print(f"generated {years} in {time.perf_counter() - t:.0f} s → {raw}")
    # a clean slate: the warehouse, quarantine and outputs of an earlier run go
    for d in ("warehouse", "quarantine", "output", "dagster"):
        shutil.rmtree(base / d, ignore_errors=True)
    if (raw / f"{last}Q4").is_dir():
        held.mkdir(exist_ok=True)
        shutil.move(str(raw / f"{last}Q4"), held / f"{last}Q4")
    files = sum(1 for _ in raw.rglob("*.xlsx"))
    county_codes = counties(ref)[: args.counties]
    env = {**os.environ, "CIVSTAT_RAW_DIR": str(raw), "CIVSTAT_REFERENCE_DIR": str(ref),
           "CIVSTAT_QUARANTINE_DIR": str(base / "quarantine"),
           "CIVSTAT_WAREHOUSE": str(base / "warehouse" / "civstat.duckdb"),
           "CIVSTAT_OUTPUT_DIR": str(base / "output"), "DAGSTER_HOME": str(base / "dagster"),
           "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "false"}
    log = base / "province.log"
    log.write_text("", encoding="utf-8")
    print(f"province drop: {files} files in {sum(1 for _ in raw.iterdir())} quarters, "
          f"{len(county_codes)} county summaries, formats {args.formats}; log {log}")
    # the gate's exit 1 (hard failures found and reported) is an outcome, not a failed step
    ok = {"check": {0, 1}, "ingest": {0, 1}}
    full = refresh("full", last - 1, env, args, county_codes, log, ok)
    shutil.move(str(held / f"{last}Q4"), raw / f"{last}Q4")
    added = refresh("+1 quarter", last, env, args, county_codes, log, ok)

    limit_mb = args.max_memory_gb * 1024
    print(f"\n{'phase':<12}{'step':<34}{'seconds':>9}{'peak MB':>10}{'exit':>6}")
    for s in full + added:
        flag = "  > limit" if s.peak_mb > limit_mb else ""
        print(f"{s.phase:<12}{s.name:<34}{s.seconds:>9.1f}{s.peak_mb:>10.0f}{s.status:>6}{flag}")

    def total(steps: list[Step], n: int | None = None) -> float:
        return sum(s.seconds for s in steps[:n])

    print(f"data steps (ingest + build + check): full {total(full, 3):.1f} s, "
          f"one quarter {total(added, 3):.1f} s, ratio {total(added, 3) / total(full, 3):.2f}")
    print(f"everything incl. summaries:          full {total(full):.1f} s, "
          f"one quarter {total(added):.1f} s, ratio {total(added) / total(full):.2f}")
    peak = max(s.peak_mb for s in full + added)
    failed = [s for s in full + added if s.status not in ok.get(s.name.split()[0], {0})]
    print(f"peak memory {peak / 1024:.2f} GB (limit {args.max_memory_gb:g} GB: "
          f"{'met' if peak <= limit_mb else 'NOT met'}); failed steps: {len(failed)}")
    return 0 if peak <= limit_mb and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
