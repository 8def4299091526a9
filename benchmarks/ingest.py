"""Ingest benchmark: a province-scale drop (≥ 1,500 township returns, one quarter).

Prints, from one run on the same files, each in ``--workers`` processes (default 1):
  * our reader + raw-layer load (``civstat.ingest.ingest`` into a DuckDB file on disk: reference
    CSVs, limits, hashing, cover, header recognition, typing and unit conversion over whole
    columns, findings, the load),
  * the floor: a bare fastexcel parse — every workbook opened and every sheet read whole (all
    rows from the first, all columns, ``header_row=None``, cells as text) into a polars DataFrame,
    fastexcel's documented ``load_sheet(...).to_polars()``; nothing is skipped or sampled,
  * the same parse into Arrow only (``load_sheet(..., eager=True)``: no DataFrame), the
    cheapest full parse fastexcel offers,
  * the parse our reader starts from: python-calamine's ``to_python`` of every sheet (the
    same calamine, cells straight into Python rows, no Arrow),
  * a naive reader: ``pandas.read_excel`` (openpyxl engine) of every sheet,
and the ratios ours/bare (goal ≤ 1.5×) and naive/ours (goal ≥ 15×), single process by default;
ours/Arrow parse is printed too. A return the run quarantines is counted and its first reason
printed (it was still read).

Fairness: every reader's modules are imported before anything is timed (the first reader
timed no longer pays for imports the others get for free), and civstat's contract (the YAML
catalogue of sheets and columns, read once per process) is loaded at start-up too; both are
printed, not counted. The floors parse every sheet of every file fully, as a bare reader
would, and are timed before and after ours (the mean is used).

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
    """Every sheet of every workbook, whole, into a polars DataFrame."""
    import fastexcel

    cells = 0
    for p in paths:
        book = fastexcel.read_excel(p)
        for name in book.sheet_names:
            frame = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0).to_polars()
            cells += frame.height * frame.width
    return cells


def arrow_parse(paths: list[str]) -> int:
    """Every sheet of every workbook, whole, into an Arrow record batch (no DataFrame)."""
    import fastexcel

    cells = 0
    for p in paths:
        book = fastexcel.read_excel(p)
        for name in book.sheet_names:
            batch = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0,
                                    eager=True)
            cells += batch.num_rows * batch.num_columns
    return cells


def calamine_parse(paths: list[str]) -> int:
    """Every sheet of every workbook, whole, into Python rows (python-calamine)."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for p in paths:
        book = CalamineWorkbook.from_path(p)
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(map(len, rows))
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
    """Our reader file by file (``read_return``: hashing, cover, headers, typing and units of
    one return at a time, the collector on), without limits, reference data or the load."""
    from civstat.ingest import Refusal, read_return

    read = 0
    for p in paths:
        try:
            read_return(Path(p))
            read += 1
        except Refusal:
            pass
    return read


def start_up() -> tuple[float, float]:
    """Import every reader's modules, then load civstat's contract: (import s, contract s)."""
    start = time.perf_counter()
    import fastexcel  # noqa: F401
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401
    import polars  # noqa: F401
    import pyarrow  # noqa: F401
    import python_calamine  # noqa: F401

    import civstat.ingest  # noqa: F401
    from civstat.contract import load_contract

    imported = time.perf_counter()
    load_contract()
    return imported - start, time.perf_counter() - imported


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

    t_import, t_contract = start_up()
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
    print(f"start-up, not timed: imports {t_import:.2f} s, civstat contract {t_contract:.2f} s")

    wh = base / "bench.duckdb"
    wh.unlink(missing_ok=True)
    shutil.rmtree(base / "quarantine", ignore_errors=True)
    t_bare1, _ = parallel(bare_parse, files, args.workers)
    t_ours, result = timed(ours, raw, ref, wh, base / "quarantine", args.workers)
    t_bare2, _ = parallel(bare_parse, files, args.workers)
    t_arrow, _ = parallel(arrow_parse, files, args.workers)
    t_calamine, _ = parallel(calamine_parse, files, args.workers)
    t_reader, _ = parallel(reader_only, files, args.workers)
    t_naive, _ = parallel(naive_parse, files, args.workers)
    t_bare = (t_bare1 + t_bare2) / 2

    procs = f"{args.workers} process{'es' if args.workers > 1 else ''}"
    print(f"{'reader (' + procs + ' each)':<40}{'seconds':>10}{'workbooks/s':>14}")
    for label, t in (("civstat ingest (parse+type+load)", t_ours),
                     ("civstat read_return, file by file", t_reader),
                     ("bare fastexcel parse → polars (floor)", t_bare),
                     ("bare fastexcel parse → Arrow only", t_arrow),
                     ("bare calamine parse → Python rows", t_calamine),
                     ("naive pandas.read_excel (openpyxl)", t_naive)):
        print(f"{label:<40}{t:>10.2f}{n / t:>14.1f}")
    print(f"  (bare parse before / after ours: {t_bare1:.2f} / {t_bare2:.2f} s)")
    print(f"loaded returns: {len(result.loaded) + len(result.resubmitted)}, "
          f"quarantined: {len(result.quarantined)}")
    if result.quarantined:
        print(f"  first quarantined: {result.quarantined[0].message_zh}")
    ratio_floor, speedup = t_ours / t_bare, t_naive / t_ours
    print(f"ours / bare parse  = {ratio_floor:.2f}×   "
          f"(goal ≤ 1.5×: {'met' if ratio_floor <= 1.5 else 'NOT met'})")
    print(f"naive / ours       = {speedup:.1f}×   (goal ≥ 15×: {'met' if speedup >= 15 else 'NOT met'})")
    print(f"(ours / Arrow-only parse = {t_ours / t_arrow:.2f}×; "
          f"ours / the calamine parse it starts from = {t_ours / t_calamine:.2f}×; "
          f"read_return file by file / bare parse = {t_reader / t_bare:.2f}×)")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
