"""The year-end work summary (年度民政工作总结) and quarterly brief: HTML, PDF, XLSX and DOCX.

``render_reports(year=2024)`` reads the published warehouse read-only and writes
``<out>/年度民政工作总结_2024_<县>.html/.pdf/.xlsx/.docx``; ``civstat report`` is its command
line."""

from __future__ import annotations

import os
from pathlib import Path

from civstat import paths
from civstat.warehouse import Warehouse

FORMATS = ("html", "pdf", "xlsx", "docx")  # = civstat.report.writers.FORMATS


def default_out_dir(year: int) -> Path:
    return paths.output_dir() / "reports" / str(year)


def render_reports(
    year: int,
    *,
    divisions: list[str | None] | None = None,
    formats: tuple[str, ...] | list[str] = FORMATS,
    quarter: int | None = None,
    out_dir: str | os.PathLike | None = None,
    money_unit: str = "auto",
    warehouse: str | os.PathLike | None = None,
    narrative_dir: str | os.PathLike | None = None,
) -> list[Path]:
    """Render one report per division (``None`` = the county) in each format; return the files.

    The PDF's and DOCX's charts are drawn by matplotlib: no browser starts (the DOCX, with other
    formats and a second core, in a second process beside: :func:`~civstat.report.writers.side_process`). The
    bureau's own words come from ``narrative_dir`` (default ``<reference>/narrative``; see
    :mod:`civstat.report.narrative`); a mistake there raises
    :class:`~civstat.report.narrative.NarrativeError` naming the file and line."""
    from civstat.report.builder import Options, build_report
    from civstat.report.data import MartReader
    from civstat.report.writers import side_process, write_all

    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"未知格式 / unknown format(s): {', '.join(bad)} ({', '.join(FORMATS)})")
    out = Path(out_dir) if out_dir else default_out_dir(year)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    with side_process(formats) as side, Warehouse.at(warehouse).reader() as con:
        reader = MartReader(con)
        # one report at a time, written before the next is built: a province's 90 county
        # summaries held together took 8 GB, one at a time they take one report's memory
        for d in divisions or [None]:
            report = build_report(
                reader,
                Options(year, quarter, d, money_unit, str(narrative_dir) if narrative_dir else None),
            )
            files += write_all([report], formats, out, side)
            del report
    return files
