"""The summary's house style (GB/T 9704 in spirit), checked on the rendered files.

PDF: A4; body in a serif CJK face, embedded (pdffonts), at 三号 (16 pt); figures read back from
the published warehouse in its text (pdftotext); a page rendered to PNG (pdftoppm) shows ink
where its Chinese words are; no page but the cover holds a stray line or two; charts are vector
(no raster image) with their text kept as text. Tables: every column wide enough for its cells
on one line, headers broken only between words ("乡镇" / "（街道）", never "街/道"). A figure and
its unit never part at a line end ("1,234元。"). HTML: no Plotly toolbar.

Uses the demo county's warehouse, built and published once per session (``demo_env`` in
conftest.py). No timings here: speed is
``benchmarks/report.py``'s."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pytest

from civstat.report import writers

ROOT = Path(__file__).resolve().parents[1]
WAREHOUSE = Path()  # the demo county's published warehouse (conftest demo_env), set below

pytestmark = pytest.mark.slow  # builds the demo warehouse once per session (conftest)


def q(sql: str, params=None):
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def pdf_text(path: Path, first: int | None = None, last: int | None = None, *extra) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *extra]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def files(demo_env, tmp_path_factory):
    global WAREHOUSE
    WAREHOUSE = demo_env["warehouse"]
    from civstat.report import render_reports

    (year,) = q("SELECT max(year) FROM fct_recipients WHERE quarter = 4")[0]
    out = tmp_path_factory.mktemp("typography")
    paths = render_reports(year, formats=["html", "pdf"], out_dir=out, warehouse=WAREHOUSE)
    return {"year": year, **{p.suffix[1:]: p for p in paths}}


def dibao_figures(year: int) -> list[tuple[int, int]]:
    code = q(
        "SELECT division_code FROM dim_division WHERE is_current AND division_level = 'county'"
    )[0][0]
    return q(
        "SELECT sum(households), sum(persons) FROM fct_recipients WHERE programme_code = 'dibao' "
        "AND year = ? AND quarter = 4 AND county_code = ? GROUP BY category ORDER BY category",
        [year, code],
    )


# -- PDF --------------------------------------------------------------------------------------
def test_pdf_text_holds_figures_read_from_the_warehouse(files):
    text = squash(pdf_text(files["pdf"]))
    for households, persons in dibao_figures(files["year"]):
        assert f"{households:,}户" in text and f"{persons:,}人" in text


def test_pdf_a4_and_serif_cjk_body_embedded(files):
    info = subprocess.run(
        ["pdfinfo", str(files["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1  # A4
    fonts = subprocess.run(
        ["pdffonts", str(files["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    serif = [f for f in fonts if "Serif-CJK-SC" in f.split()[0]]
    assert serif, fonts  # the body's face: a 宋体/仿宋-style serif
    for line in fonts:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"


def _page_of(pdf: Path, needle: str) -> int:
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        )[1]
    )
    for i in range(3, pages + 1):
        if needle in squash(pdf_text(pdf, i)):
            return i
    raise AssertionError(f"{needle} not in the PDF")


def test_body_page_shows_chinese_glyphs_at_sanhao(files, tmp_path):
    """A body page rendered to PNG: the Chinese words' boxes (pdftotext -bbox) are inked, the
    space between lines is not; the body runs at 三号 (16 pt) on a ~28.9 pt line."""
    pdf = files["pdf"]
    households, _persons = dibao_figures(files["year"])[0]
    page = _page_of(pdf, f"{households:,}户")
    bbox = pdf_text(pdf, page, None, "-bbox")
    words = [
        (float(a), float(b), float(c), float(d), t)
        for a, b, c, d, t in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', bbox
        )
        if re.search(r"[\u4e00-\u9fff]{4,}", t)
    ]
    assert len(words) >= 5
    heights = sorted(y1 - y0 for _, y0, _, y1, _ in words)
    assert 15 <= heights[len(heights) // 2] <= 24  # 16 pt type (its box is a little taller)
    dpi = 100
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    from PIL import Image

    ink = np.array(Image.open(tmp_path / "page.png").convert("L")) < 128
    k = dpi / 72
    for x0, y0, x1, y1, text in words[:12]:
        box = ink[int(y0 * k) : int(y1 * k) + 1, int(x0 * k) : int(x1 * k) + 1]
        assert box.mean() > 0.05, f"no glyphs drawn for {text!r}"
    top = min(w[1] for w in words)
    assert ink[: int(top * k) - 5, :].mean() < 0.01  # the top margin is blank


def test_no_page_holds_a_stray_line_or_two(files):
    pdf = files["pdf"]
    text = pdf_text(pdf, None, None, "-layout").split("\f")
    for i, page in enumerate(text[1:], start=2):
        lines = [
            ln
            for ln in page.splitlines()
            if ln.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)
        ]
        if lines:
            assert len(lines) > 2, f"page {i} holds only {lines}"


def test_pdf_charts_vector_with_chinese_text(files):
    images = subprocess.run(
        ["pdfimages", "-list", str(files["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert images == []
    text = squash(pdf_text(files["pdf"]))
    assert "单位：人" in text and "一季度" in text
    assert not re.search(r"\d+k(?![a-z])", pdf_text(files["pdf"]))  # no "10k" on any axis


# -- tables and line breaks -------------------------------------------------------------------
def test_columns_fit_their_cells_and_headers_break_between_words():
    assert writers.header_pieces("乡镇（街道）") == ["乡镇", "（街道）"]
    assert writers.header_pieces("暴雨/洪涝") == ["暴雨/", "洪涝"]
    widths = writers.column_widths(
        ["乡镇（街道）", "灾害种类", "受灾人口（人）"], [["城关街道", "暴雨/洪涝", "1,254"]]
    )
    assert widths[0] >= writers.text_em("（街道）") and widths[0] >= writers.text_em("城关街道")
    assert widths[1] >= writers.text_em("暴雨/洪涝")
    page = (
        '<body><table class="data"><caption>表1 x</caption><thead><tr><th>乡镇（街道）</th>'
        '<th>金额（元）</th></tr></thead><tbody><tr><td>城关街道</td><td class="num">1,234'
        "</td></tr></tbody></table></body>"
    )
    out = writers.fit_tables(page)
    assert "table-layout: fixed" in out and out.count("<col ") == 2
    assert '<th><span class="nw">乡镇</span><span class="nw">（街道）</span></th>' in out
    assert 'class="data short"' in out  # a short table is kept on one page


def test_a_figure_keeps_its_unit_and_punctuation():
    out = writers.keep_figures_together(
        "<body><p>共发放1,234.5元。标准860元/人·月，占92.6%*，2.3个百分点</p></body>"
    )
    wj = writers.WORD_JOINER
    for s in ("1,234.5元。", "860元/人·月，", "92.6%*，", "2.3个百分点"):
        num = writers.NUMBER.match(s)[0]
        assert num + wj + wj.join(s[len(num) :]) in out


def test_pdf_line_never_parts_a_figure_from_its_unit(files):
    """In the PDF's text no line ends between a figure and its unit."""
    lines = pdf_text(files["pdf"]).splitlines()
    unit = re.compile(r"^(元|万元|人|户|个百分点|%)")
    for prev, line in itertools.pairwise(lines):
        if re.search(r"\d$", prev.strip()):
            assert not unit.match(line.strip()), (prev, line)


def test_html_has_no_toolbar_and_keeps_figures_together(files):
    html = files["html"].read_text(encoding="utf-8")
    n_charts = html.count('<figure class="chart"')
    assert n_charts and html.count('"displayModeBar": false') == n_charts
    assert "className='nw'" in html  # the page wraps figure+unit in the browser
    css = (writers.TEMPLATES / "report.css").read_text(encoding="utf-8")
    assert ".nw { white-space: nowrap; }" in css
