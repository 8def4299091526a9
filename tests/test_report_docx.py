"""The summary as a Word document: python-docx reads it back (real headings with Chinese faces
set for East Asian text, the report's tables as Word tables, the charts as pictures, figures read
from the published warehouse); LibreOffice converts it to PDF without error (skipped, saying
so, where ``soffice`` is not installed — Debian: libreoffice-writer-nogui, in the Makefile's
APT_PACKAGES); ``civstat report --format docx`` writes it.

Uses the demo county's warehouse, built and published once per session (``demo_env`` in
conftest.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
WAREHOUSE = Path()  # the demo county's published warehouse (conftest demo_env), set below

pytestmark = pytest.mark.slow  # builds the demo warehouse once per session (conftest)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def q(sql: str, params=None):
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def rendered(demo_env, tmp_path_factory):
    global WAREHOUSE
    WAREHOUSE = demo_env["warehouse"]
    from civstat.report import render_reports
    from civstat.report.builder import Options, build_report
    from civstat.report.data import MartReader
    from civstat.warehouse import Warehouse

    (year,) = q("SELECT max(year) FROM fct_recipients WHERE quarter = 4")[0]
    out = tmp_path_factory.mktemp("docx")
    (path,) = render_reports(year, formats=["docx"], out_dir=out, warehouse=WAREHOUSE)
    with Warehouse.at(WAREHOUSE).reader() as con:
        report = build_report(MartReader(con), Options(year, None, None, "元"))
    return {"year": year, "docx": path, "report": report}


def figures(year: int) -> dict[str, tuple[int, int]]:
    code = q(
        "SELECT division_code FROM dim_division WHERE is_current AND division_level = 'county'"
    )[0][0]
    rows = q(
        "SELECT category, sum(households), sum(persons) FROM fct_recipients "
        "WHERE programme_code = 'dibao' AND year = ? AND quarter = 4 AND county_code = ? "
        "GROUP BY category",
        [year, code],
    )
    return {c: (h, p) for c, h, p in rows}


def east_asia(style) -> str | None:
    rfonts = style.element.find(f"{W}rPr/{W}rFonts")
    return None if rfonts is None else rfonts.get(f"{W}eastAsia")


def test_docx_reads_back_headings_tables_pictures_and_figures(rendered):
    import docx

    from civstat.report.docx import top_nodes

    doc = docx.Document(str(rendered["docx"]))
    report = rendered["report"]
    assert rendered["docx"].name == f"{report.file_stem}.docx"
    paras = doc.paragraphs
    heads = {lvl: [p.text for p in paras if p.style.name == f"Heading {lvl}"] for lvl in (1, 2)}
    assert [n.title for n in top_nodes(report)] == heads[1]  # the document's first level
    second = [
        c.title
        for n in top_nodes(report)
        for attr in ("sections", "blocks")
        for c in getattr(n, attr, None) or []
    ]
    assert second and second == heads[2]
    # Chinese faces by level, set for East Asian text; the body 三号 on a fixed line
    assert east_asia(doc.styles["Heading 1"]) == "黑体"
    assert east_asia(doc.styles["Heading 2"]) == "楷体"
    assert east_asia(doc.styles["Normal"]) == "仿宋"
    assert doc.styles["Normal"].font.size.pt == 16
    assert (
        doc.styles["Heading 1"].element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsiaTheme") is None
    )  # no theme font overriding the face
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert round(sec.top_margin.mm) == 37 and round(sec.left_margin.mm) == 28
    # every table of the model is a Word table, its header repeated on each page
    n_tables = sum(len(getattr(n, "tables", [])) for n in _all_nodes(report))
    assert len(doc.tables) == n_tables > 0
    model_table = next(t for n in _all_nodes(report) for t in getattr(n, "tables", []))
    word_table = next(
        (t for t in doc.tables
         if [c.text for c in t.rows[0].cells] == model_table.columns
         and [c.text for c in t.rows[1].cells] == model_table.rows[0]),
        None,
    )
    assert word_table is not None, model_table.caption  # its header and first row, cell by cell
    assert word_table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    from docx.shared import Mm  # columns sized to their cells, within the 156 mm type area

    grid = [int(c.w) for c in word_table._tbl.tblGrid.gridCol_lst]
    assert len(set(grid)) > 1 and sum(grid) <= Mm(156) + 635 * len(grid)  # twips rounding
    # figures from the warehouse: in the text and in a table's cells
    text = "".join(p.text for p in paras)
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    for households, persons in figures(rendered["year"]).values():
        assert f"{households:,}户" in text and f"{persons:,}人" in text
        assert f"{households:,}" in cells and f"{persons:,}" in cells
    assert report.title in text
    # the charts as pictures
    assert len(doc.inline_shapes) == len(report.charts) > 0


def _all_nodes(report):
    from civstat.report.docx import CHILDREN, top_nodes

    stack = list(top_nodes(report))
    while stack:
        n = stack.pop()
        yield n
        for attr in CHILDREN:
            stack += list(getattr(n, attr, None) or [])


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed here: "
    "apt-get install libreoffice-writer-nogui (in the Makefile's APT_PACKAGES)",
)
def test_libreoffice_converts_the_docx_to_pdf(rendered, tmp_path):
    res = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(rendered["docx"]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = tmp_path / (rendered["docx"].stem + ".pdf")
    assert res.returncode == 0 and pdf.exists(), res.stdout + res.stderr
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout,
    )
    for households, persons in figures(rendered["year"]).values():
        assert f"{households:,}户" in text and f"{persons:,}人" in text


def test_cli_writes_docx(rendered, tmp_path):
    from click.testing import CliRunner

    from civstat.report.cli import report_command

    res = CliRunner().invoke(
        report_command,
        [
            "--year",
            str(rendered["year"]),
            "--format",
            "docx",
            "--out",
            str(tmp_path),
            "--warehouse",
            str(WAREHOUSE),
        ],
    )
    assert res.exit_code == 0, res.output
    (path,) = tmp_path.glob("*.docx")
    assert path.name == rendered["docx"].name and path.stat().st_size > 10_000


def docx_text(path: Path) -> list[str]:
    import docx

    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    # the time of writing ("生成于2026年11月30日 22:14", the 落款 date) differs between two runs
    return [re.sub(r"生成于.*|\d{4}年\d{1,2}月\d{1,2}日$", "", p.text)
            for p in doc.paragraphs] + cells


def test_docx_written_beside_the_pdf_says_the_same(rendered, tmp_path):
    """With the PDF (and a second core) the DOCX is written in a spawned process beside it
    (writers.side_process): the same document as the one written alone, and the PDF too."""
    import os

    from civstat.report import render_reports
    from civstat.report.writers import side_process

    with side_process(["docx"]) as alone, side_process(["html", "pdf", "docx"]) as beside:
        assert alone is None
        assert (beside is not None) == ((os.cpu_count() or 1) > 1)
    files = render_reports(rendered["year"], formats=["pdf", "docx"], out_dir=tmp_path,
                           warehouse=WAREHOUSE)
    assert [p.suffix for p in files] == [".pdf", ".docx"]
    assert docx_text(files[1]) == docx_text(rendered["docx"])
    assert files[0].read_bytes().startswith(b"%PDF")


def test_a_side_process_that_died_costs_only_time(rendered, tmp_path):
    """The side process killed before its job: the DOCX is written here, the same document."""
    from civstat.report.writers import side_process, write_all

    with side_process(["html", "docx"]) as side:
        if side is None:
            pytest.skip("one core: no side process")
        side.proc.kill()
        side.proc.wait()
        files = write_all([rendered["report"]], ["html", "docx"], tmp_path, side)
    assert [p.suffix for p in files] == [".html", ".docx"]
    (tmp_path / "here").mkdir()
    (here,) = write_all([rendered["report"]], ["docx"], tmp_path / "here")
    assert docx_text(files[1]) == docx_text(here)


def test_a_script_without_a_main_guard_runs_once(rendered, tmp_path):
    """A bureau's own script calling render_reports at top level: the side process does not run
    the script again (a multiprocessing 'spawn' child would)."""
    import sys

    log = tmp_path / "ran.txt"
    script = tmp_path / "my_reports.py"
    script.write_text(
        "from pathlib import Path\n"
        "from civstat.report import render_reports\n"
        f"with open({str(log)!r}, 'a') as fh:\n"
        "    fh.write('ran\\n')\n"
        f"files = render_reports({rendered['year']}, formats=['html', 'docx'], "
        f"out_dir={str(tmp_path / 'out')!r}, warehouse={str(WAREHOUSE)!r})\n"
        "print(len(files))\n", encoding="utf-8")
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "2" and log.read_text() == "ran\n"
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".docx", ".html"]
