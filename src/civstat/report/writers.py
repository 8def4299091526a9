"""HTML (self-contained, interactive), PDF (A4, WeasyPrint, vector charts), XLSX and DOCX writers.

:data:`FORMATS` is the one list of output formats (the CLI and :func:`civstat.report.render_reports`
accept these); :func:`write` writes one report in one of them. The PDF's charts are static SVG
drawn by matplotlib (:func:`civstat.report.chart_draw.static_svg`), the DOCX's are PNG from the
same drawing — or, written beside the others in a second process (:func:`side_process`), from its
own: no browser is started for either."""

from __future__ import annotations

import base64
import contextlib
import html as html_mod
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from civstat.report import chart_draw
from civstat.report import charts as ch
from civstat.report.chromium import SvgRenderer
from civstat.report.model import Report
from civstat.report.trace import segments

TEMPLATES = Path(__file__).with_name("templates")


def environment() -> jinja2.Environment:
    """Autoescaping everywhere: data-borne text (township names, messages) renders as text."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # the template is .j2, so select_autoescape would not catch it
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> Markup:
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


# A figure and its unit (and mark, and closing punctuation) stay on one line: "1,234.5元。",
# "92.6%*", "856元/人·月". Line breaking may part a number from an ideograph after it.
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
FIGURE = re.compile(
    NUMBER.pattern
    + r"(?:%|‰|个百分点|万元|亿元|元(?:/[人户床][·・]?[年月日]?)?|万人|人次|户次|[人户个张起所家名项次处床亩间岁倍])"
    r"\*?[。，、；：）”]?"
)
_TEXT = re.compile(r">([^<]+)<")


WORD_JOINER = "\u2060"  # no line break here; not drawn, not in the PDF's text


def keep_figures_together(page: str) -> str:
    """The body's text with a word joiner (U+2060) between a figure and its unit and inside the
    unit, so a line never ends there. For the PDF page (WeasyPrint honours it, draws nothing
    and leaves it out of the PDF's text); the HTML page wraps the same matches in
    ``<span class="nw">`` in the browser (:data:`NOWRAP_JS`), so the file's text stays as the
    builder wrote it."""
    head, sep, body = page.partition("<body")
    if not sep:
        return page

    def join(f: re.Match) -> str:
        num = NUMBER.match(f[0])[0]
        return num + WORD_JOINER + WORD_JOINER.join(f[0][len(num) :])

    def text(m: re.Match) -> str:
        return ">" + FIGURE.sub(join, m[1]) + "<"

    return head + sep + _TEXT.sub(text, body)


# -- table columns: wide enough for every cell on one line, headers broken only between words --
TABLE_EM = 156 / 25.4 * 72 / 10.5  # the type area's width in 10.5 pt characters (≈ 42)
SHORT_TABLE = 15  # rows: a table this short is never split across pages
_PIECE = re.compile(r"(?=[（(])|(?<=[）)/、])")


def text_em(text: str) -> float:
    """Width of ``text`` in em: CJK and full-width characters 1, the rest (digits, Latin) 0.56."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.56 for c in text)


def header_pieces(header: str) -> list[str]:
    """A header's unbreakable pieces: '乡镇（街道）' → ['乡镇', '（街道）'] (a line may break
    only between them); '暴雨/洪涝' → ['暴雨/', '洪涝']."""
    return [p for p in _PIECE.split(header) if p]


def column_widths(columns: list[str], rows: list[list]) -> list[float]:
    """Each column's width in em: its widest cell on one line, and at least its header's widest
    piece (a long piece, more than 8 em, may break: half of it)."""
    out = []
    for j, head in enumerate(columns):
        cells = [text_em(str(r[j])) for r in rows if j < len(r) and r[j] is not None]
        pieces = [text_em(p) for p in header_pieces(str(head))] or [0.0]
        head_min = max(w if w <= 8 else math.ceil(w / 2) for w in pieces)
        out.append(max([head_min, *cells]) + 0.9)  # + padding and rule
    return out


_TABLE = re.compile(r'(<table class="data"[^>]*>)(.*?)(</table>)', re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<(t[hd])(\s[^>]*)?>(.*?)</t[hd]>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def fit_tables(page: str) -> str:
    """The print page's tables laid out with fixed column widths (:func:`column_widths`): no
    cell breaks inside a word or figure, headers break only between their pieces, a table
    wider than the page gets a smaller type, a short one stays on one page. (Fixed layout
    also spares WeasyPrint measuring every cell twice.)"""

    def one(m: re.Match) -> str:
        open_tag, inner, close = m.groups()
        rows = [
            [html_mod.unescape(_TAG.sub("", c[2])) for c in _CELL.findall(r)]
            for r in _ROW.findall(inner)
        ]
        if not rows or not rows[0]:
            return m[0]
        header, body = rows[0], rows[1:]
        widths = column_widths(header, body)
        total = sum(widths)
        style = "table-layout: fixed;"
        if total > TABLE_EM:
            style += f" font-size: {max(10.5 * TABLE_EM / total, 7.5):.1f}pt;"
        cols = "".join(f'<col style="width: {w / total * 100:.2f}%">' for w in widths)
        inner = re.sub(r"(</caption>)", lambda c: c[1] + f"<colgroup>{cols}</colgroup>", inner, 1)
        if "<colgroup>" not in inner:
            inner = f"<colgroup>{cols}</colgroup>" + inner

        def head_cell(c: re.Match) -> str:
            if c[1] != "th":
                return c[0]
            pieces = header_pieces(html_mod.unescape(_TAG.sub("", c[3])))
            text = "".join(
                f'<span class="nw">{html_mod.escape(p, quote=False)}</span>'
                if text_em(p) <= 8
                else html_mod.escape(p, quote=False)
                for p in pieces
            )
            return f"<th{c[2] or ''}>{text}</th>"

        inner = _CELL.sub(head_cell, inner)
        cls = ' class="data short"' if len(body) <= SHORT_TABLE else ' class="data"'
        open_tag = open_tag.replace(' class="data"', cls, 1).replace(
            "<table", f'<table style="{style}"', 1
        )
        return open_tag + inner + close

    return _TABLE.sub(one, page)


NOWRAP_JS = (
    "<script>(function(){var P="
    + json.dumps(FIGURE.pattern)
    + ",t=new RegExp(P),re=new RegExp(P,'g');"
    "var m=document.querySelector('main')||document.body;"
    "var w=document.createTreeWalker(m,NodeFilter.SHOW_TEXT),ns=[],n;"
    "while((n=w.nextNode()))if(t.test(n.data)&&!n.parentNode.closest('.js-plotly-plot,script,style'))ns.push(n);"
    "ns.forEach(function(n){re.lastIndex=0;var f=document.createDocumentFragment(),s=n.data,i=0,x;"
    "while((x=re.exec(s))){f.appendChild(document.createTextNode(s.slice(i,x.index)));"
    "var e=document.createElement('span');e.className='nw';e.textContent=x[0];f.appendChild(e);i=re.lastIndex;}"
    "f.appendChild(document.createTextNode(s.slice(i)));n.parentNode.replaceChild(f,n);});})();</script>"
)


def traced_html(value) -> Markup:
    """A sentence or cell with each traced figure as ``<span class="fig" data-trace="t17"
    tabindex="0">`` (the HTML page's popovers, :mod:`civstat.report.trace`)."""
    return Markup("").join(
        Markup('<span class="fig" data-trace="{}" tabindex="0">{}</span>').format(tid, text)
        if tid
        else escape(text)
        for text, tid in segments(value)
    )


def traces_json(report: Report) -> Markup:
    """The traces as one JSON block, safe inside ``<script type="application/json">``."""
    text = json.dumps(report.traces, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c"))


def render_html_text(report: Report) -> str:
    chart_html = {c.chart_id: Markup(ch.html_div(c)) for c in report.charts}
    page = (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            mode="html",
            css=_css(),
            plotly_js=Markup(ch.plotly_js()),
            chart_html=chart_html,
            chart_svg={},
            fig=traced_html,
            trace_css=Markup((TEMPLATES / "trace.css").read_text(encoding="utf-8")),
            trace_js=Markup((TEMPLATES / "trace.js").read_text(encoding="utf-8")),
            traces=traces_json(report) if report.traces else None,
        )
    )
    head, sep, tail = page.rpartition("</body>")
    return head + NOWRAP_JS + sep + tail if sep else page


def write_html(report: Report, path: Path) -> Path:
    path.write_text(render_html_text(report), encoding="utf-8")
    return path


def render_pdf_html(report: Report, renderer: SvgRenderer | None = None) -> str:
    """The print variant of the page: charts as SVG images (vector in the PDF), drawn by
    matplotlib (or by ``renderer``, the former Chromium path, when one is given)."""
    chart_svg = {}
    for c in report.charts:
        svg = c.svg if c.svg is not None else (renderer.svg(c) if renderer else chart_draw.static_svg(c))
        chart_svg[c.chart_id] = "data:image/svg+xml;base64," + base64.b64encode(
            svg.encode("utf-8")
        ).decode("ascii")
    page = (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            mode="pdf",
            css=_css(),
            plotly_js="",
            chart_html={},
            chart_svg=chart_svg,
            fig=str,
            traces=None,
        )
    )
    return fit_tables(keep_figures_together(page))


def write_pdf(report: Report, path: Path, renderer: SvgRenderer | None = None) -> Path:
    import weasyprint

    page = render_pdf_html(report, renderer)
    weasyprint.HTML(string=page, base_url=str(TEMPLATES)).write_pdf(
        str(path),
        pdf_identifier=report.file_stem.encode("utf-8"),
    )
    return path


_XLSX_FORMATS = {
    "text": {},
    "int": {"num_format": "#,##0"},
    "money": {"num_format": "#,##0.00"},
    "decimal": {"num_format": "#,##0.0"},
    "pct": {"num_format": "0.0%"},
}


def write_xlsx(report: Report, path: Path) -> Path:
    """One sheet per KPI/ranking table; numbers stay numbers, text stays text (no formulas);
    a non-finite figure is left blank."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    head = wb.add_format({"bold": True, "bg_color": "#E9EFF7", "border": 1, "text_wrap": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    fmts = {k: wb.add_format({**v, "border": 1}) for k, v in _XLSX_FORMATS.items()}
    for sheet in report.sheets:
        ws = wb.add_worksheet(sheet.name[:31])
        ws.write_string(0, 0, f"{report.title} — {sheet.name}", title)
        for j, (label, kind) in enumerate(sheet.columns):
            ws.write_string(2, j, label, head)
            ws.set_column(j, j, 28 if kind == "text" and j < 2 else 16)
        for i, row in enumerate(sheet.rows, start=3):
            for j, value in enumerate(row):
                kind = sheet.columns[j][1]
                if isinstance(value, tuple):  # (value, kind): a per-cell format (rates vs levels)
                    value, kind = value
                if kind == "text" and value is not None:
                    ws.write_string(i, j, str(value), fmts[kind])
                elif value is None or not math.isfinite(float(value)):
                    ws.write_blank(i, j, None, fmts[kind])  # inf/NaN is no figure: left blank
                else:
                    ws.write_number(i, j, float(value), fmts[kind])
        ws.freeze_panes(3, 0)
    wb.close()
    return path


def write_docx(report: Report, path: Path) -> Path:
    from civstat.report.docx import write_docx as _write

    return _write(report, path)


WRITERS: dict[str, Callable[[Report, Path], Path]] = {
    "html": write_html,
    "pdf": write_pdf,
    "xlsx": write_xlsx,
    "docx": write_docx,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def write(report: Report, fmt: str, out_dir: Path) -> Path:
    """Write ``report`` as ``<out_dir>/<file_stem>.<fmt>``."""
    if fmt not in WRITERS:
        raise ValueError(f"未知格式 / unknown format: {fmt} ({', '.join(FORMATS)})")
    return WRITERS[fmt](report, Path(out_dir) / f"{report.file_stem}.{fmt}")


def write_all(reports: list[Report], formats, out_dir: Path, side=None) -> list[Path]:
    """Every report in every one of ``formats``; the files in :data:`FORMATS` order per report.
    The charts' matplotlib drawings are made once per chart and shared between the PDF's SVG and
    the DOCX's PNG — unless the DOCX is written beside the rest by ``side`` (a
    :class:`~civstat.report.side.SideProcess` from :func:`side_process`): then it is handed over
    first and drawn there while this process writes the HTML, PDF and XLSX. A side process that
    has gone (killed, failed to start) costs nothing but time: the DOCX is written here."""
    out_dir = Path(out_dir)
    wanted = [f for f in FORMATS if f in formats]
    files = []
    for r in reports:
        pending = _hand_over(side, r, out_dir) if side is not None and "docx" in wanted else None
        for f in wanted:
            files.append(write(r, f, out_dir) if f != "docx" or pending is None else None)
        if pending is not None:
            files[files.index(None)] = _collect(side, r, out_dir)
    return files


def _hand_over(side, report: Report, out_dir: Path) -> bool | None:
    try:
        side.submit(report, "docx", out_dir)
        return True
    except (OSError, EOFError):
        return None


def _collect(side, report: Report, out_dir: Path) -> Path:
    try:
        return side.result()
    except (OSError, EOFError):
        return write(report, "docx", out_dir)


@contextlib.contextmanager
def side_process(formats) -> Iterator[object | None]:
    """A second process for the DOCX when other formats are written too and a second core is
    there to run it: the DOCX (its charts drawn again as PNG, python-docx) takes ~1.3 s of a
    county summary's ~6 s, and beside WeasyPrint it costs no wall time. Started on entry, so its
    imports overlap the model's build (:mod:`civstat.report.side`: a plain child process, not a
    forked one — forking a process whose DuckDB and polars thread pools run can hang the child).
    Yields None (write everything here) for one format or one core."""
    from civstat.report.side import SideProcess

    wanted = set(formats) & set(FORMATS)
    if "docx" not in wanted or len(wanted) < 2 or (os.cpu_count() or 1) < 2:
        yield None
        return
    try:
        side = SideProcess()
    except OSError:
        yield None
        return
    try:
        yield side
    finally:
        side.close()
