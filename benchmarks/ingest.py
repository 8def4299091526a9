"""Ingest benchmark: a province-scale drop (≥ 1,500 township returns, one quarter).

Prints, from one run on the same files, each in ``--workers`` processes (default 1):
  * our reader + raw-layer load (``civstat.ingest.ingest`` into a DuckDB file on disk: header
    recognition, typing and unit conversion as polars expressions, findings, the load),
  * the floor: a bare fastexcel parse of every sheet of every workbook,
  * a naive reader: ``pandas.read_excel`` (openpyxl engine) of every sheet,
and the ratios ours/bare (goal ≤ 1.5×) and naive/ours (goal ≥ 15×), single process by default.
A return the run quarantines is counted and its first reason printed (it was still read).

    uv run python benchmarks/ingest.py [--sample N] [--workers 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

PERIOD = "2024Q4"


def bare_parse(paths: list[str]) -> int:
    import fastexcel

    cells = 0
    for p in paths:
        book = fastexcel.read_excel(p)
        for name in book.sheet_names:
            frame = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0).to_polars()
            cells += frame.height * frame.width
    return cells


def naive_parse(paths: list[str]) -> int:
    import pandas as pd

    rows = 0
    for p in paths:
        for frame in pd.read_excel(p, sheet_name=None, engine="openpyxl", header=None).values():
            rows += len(frame)
    return rows


def ours(raw: Path, ref: Path, warehouse: Path, quarantine: Path, workers: int):
    from civstat.ingest import ingest

    con = duckdb.connect(str(warehouse))
    try:
        return ingest(con, raw, ref, periods=[PERIOD], quarantine_dir=quarantine, workers=workers)
    finally:
        con.close()


def reader_only(paths: list[str]) -> int:
    """Our reader alone (``read_return``: cover, headers, typing, units), no checks or load."""
    from civstat.ingest import Refusal, read_return

    read = 0
    for p in paths:
        try:
            read_return(Path(p))
            read += 1
        except Refusal:
            pass
    return read


def chunks(items: list[str], n: int) -> list[list[str]]:
    return [items[i::n] for i in range(n)]


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def parallel(fn, paths: list[str], workers: int) -> tuple[float, object]:
    if workers == 1:
        return timed(fn, paths)
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        out = sum(pool.map(fn, chunks(paths, workers)))
    return time.perf_counter() - start, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=None, help="only the first N workbooks")
    ap.add_argument("--workers", type=int, default=1, help="processes for ours and the baselines")
    ap.add_argument("--keep", type=Path, default=None, help="generate into / reuse this folder")
    args = ap.parse_args()

    from civstat.generate import generate

    base = args.keep or Path(tempfile.mkdtemp(prefix="civstat-bench-"))
    raw, ref = base / "raw", base / "reference"
    if not (raw / PERIOD).is_dir():
        t, _ = timed(lambda: generate(raw, ref, scale="province", years=(2024,), messy=False,
                                      quarters=[PERIOD]))
        print(f"generated province drop in {t:.1f} s → {raw / PERIOD}")
    files = sorted(str(p) for p in (raw / PERIOD).glob("*.xlsx"))
    if args.sample:
        keep = set(files[: args.sample])
        sample_raw = base / f"sample{args.sample}" / "raw" / PERIOD
        if not sample_raw.is_dir():
            sample_raw.mkdir(parents=True)
            for f in keep:
                shutil.copy2(f, sample_raw)
        raw, files = sample_raw.parent, sorted(str(p) for p in sample_raw.glob("*.xlsx"))
    n = len(files)
    print(f"workbooks: {n}")

    wh = base / "bench.duckdb"
    wh.unlink(missing_ok=True)
    shutil.rmtree(base / "quarantine", ignore_errors=True)
    t_ours, result = timed(ours, raw, ref, wh, base / "quarantine", args.workers)
    t_bare, _ = parallel(bare_parse, files, args.workers)
    t_reader, _ = parallel(reader_only, files, args.workers)
    t_naive, _ = parallel(naive_parse, files, args.workers)

    procs = f"{args.workers} process{'es' if args.workers > 1 else ''}"
    print(f"{'reader (' + procs + ' each)':<38}{'seconds':>10}{'workbooks/s':>14}")
    for label, t in (("civstat ingest (parse+type+load)", t_ours),
                     ("  of which civstat read_return alone", t_reader),
                     ("bare fastexcel parse (floor)", t_bare),
                     ("naive pandas.read_excel (openpyxl)", t_naive)):
        print(f"{label:<38}{t:>10.2f}{n / t:>14.1f}")
    print(f"loaded returns: {len(result.loaded) + len(result.resubmitted)}, "
          f"quarantined: {len(result.quarantined)}")
    if result.quarantined:
        print(f"  first quarantined: {result.quarantined[0].message_zh}")
    ratio_floor, speedup = t_ours / t_bare, t_naive / t_ours
    print(f"ours / bare parse  = {ratio_floor:.2f}×   "
          f"(goal ≤ 1.5×: {'met' if ratio_floor <= 1.5 else 'NOT met'})")
    print(f"naive / ours       = {speedup:.1f}×   (goal ≥ 15×: {'met' if speedup >= 15 else 'NOT met'})")
    print(f"(read_return alone / bare parse = {t_reader / t_bare:.2f}×)")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
