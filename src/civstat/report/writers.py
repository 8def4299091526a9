"""HTML (self-contained, interactive), PDF (A4, WeasyPrint, vector charts) and XLSX writers."""

from __future__ import annotations

import base64
import math
from pathlib import Path

import jinja2
from markupsafe import Markup

from civstat.report import charts as ch
from civstat.report.model import Report

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


def render_html_text(report: Report) -> str:
    chart_html = {c.chart_id: Markup(ch.html_div(c)) for c in report.charts}
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            mode="html",
            css=_css(),
            plotly_js=Markup(ch.plotly_js()),
            chart_html=chart_html,
            chart_svg={},
        )
    )


def write_html(report: Report, path: Path) -> Path:
    path.write_text(render_html_text(report), encoding="utf-8")
    return path


def render_pdf_html(report: Report, renderer: ch.SvgRenderer | None = None) -> str:
    """The print variant of the page: charts as SVG images (vector in the PDF)."""
    chart_svg = {}
    for c in report.charts:
        svg = c.svg if c.svg is not None else (renderer.svg(c) if renderer else None)
        if svg is None:
            raise RuntimeError("PDF 需要矢量图 / SVG renderer missing for the PDF charts")
        chart_svg[c.chart_id] = "data:image/svg+xml;base64," + base64.b64encode(
            svg.encode("utf-8")
        ).decode("ascii")
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            mode="pdf",
            css=_css(),
            plotly_js="",
            chart_html={},
            chart_svg=chart_svg,
        )
    )


def write_pdf(report: Report, path: Path, renderer: ch.SvgRenderer | None = None) -> Path:
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
