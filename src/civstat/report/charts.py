"""Charts in one house style and in Chinese conventions: quarterly trends, township rankings,
composition, stacked counts.

Every chart is first a :class:`ChartSpec` — kind, categories, series, unit — and is drawn from
it twice:

* **interactive** (:attr:`Chart.figure`, Plotly) for the HTML page (plotly.js inlined once per
  page by the HTML writer), without the toolbar;
* **static** (:func:`static_svg` for the PDF, vector, text kept as text; :func:`static_png` for
  the DOCX) by matplotlib, in this process — no browser.

Both drawings share the same ticks and labels (:func:`value_axis`, :func:`tick_labels`,
:func:`category_label`): counts from 0 in whole numbers, large values in 万 (never "10k"), the
unit written horizontally above the value axis (单位：人), quarters as 2024年一季度, the shares of a
composition with one decimal each (7.4% beside 92.6%), labels never rotated.

:class:`SvgRenderer` (kaleido driving the system Chromium) is the former static path, kept for
the benchmark's baseline and the offline test. :data:`CHROMIUM_FLAGS` is the one list of
switches every Chromium the project starts gets (kaleido here through :func:`offline_chromium`,
the tests' headless page checks by importing it): a default headless Chromium looks up
accounts.google.com, clients2.google.com and update.googleapis.com; with these switches it
makes no network request of its own.
"""

from __future__ import annotations

import html
import io
import math
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
# matplotlib: the first family that is installed draws the text (fonts-noto-cjk on Debian)
STATIC_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei"]
PALETTE = ["#1f5fa8", "#d0582c", "#3f9b5a", "#8a63b3", "#c49a22", "#4aa3b5", "#a84d6f", "#6b7a8f"]
ACCENT = PALETTE[0]
WIDTH, HEIGHT = 720, 340
PRINT_WIDTH = 590  # px at 96 dpi: the 156 mm type area, so 12 px text prints at 9 pt
FONT_SIZE = 12
CN_QUARTER = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}
# units of things counted: their axes are whole numbers
COUNT_UNITS = {
    "人",
    "户",
    "起",
    "个",
    "张",
    "人次",
    "户次",
    "所",
    "家",
    "名",
    "项",
    "次",
    "处",
    "床",
}

pio.templates["civstat"] = go.layout.Template(
    layout={
        "font": {"family": FONT, "size": FONT_SIZE, "color": "#222"},
        "title": {"font": {"size": 14}, "x": 0.01, "xanchor": "left", "y": 0.97},
        "colorway": PALETTE,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 64, "r": 24, "t": 78, "b": 56},
        "xaxis": {"showgrid": False, "linecolor": "#888", "ticks": "outside", "tickangle": 0},
        "yaxis": {"gridcolor": "#e3e3e3", "zerolinecolor": "#888", "tickangle": 0},
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "right",
            "x": 1.0,
            "font": {"size": FONT_SIZE},
        },
        "separators": ".,",
    }
)


def plot_text(s: str) -> str:
    """Plotly reads labels as pseudo-HTML; escape data-borne text so it shows literally."""
    return html.escape(str(s), quote=False)


def finite(values: Sequence) -> list:
    """The values as floats, NaN/±inf as None (a gap, never a bar or point drawn at infinity);
    a Decimal from the warehouse is drawn as the float it prints as."""
    out = []
    for v in values:
        try:
            out.append(float(v) if v is not None and math.isfinite(float(v)) else None)
        except (TypeError, ValueError):
            out.append(v)
    return out


# -- the spec and the conventions both drawings share ----------------------------------------
@dataclass
class ChartSpec:
    """What a chart shows, independent of who draws it."""

    kind: str  # trend | ranking | composition | stacked
    categories: list[str]  # x categories (trend, stacked), names (ranking), labels (composition)
    series: dict[str, list]  # name → one value per category (ranking/composition: one series)
    unit: str | None = None
    percent: bool = False
    highlight: str | None = None  # ranking: the township this report is about


@dataclass
class Chart:
    """A figure with a stable id (HTML div id, PDF anchor) and its caption."""

    chart_id: str
    title: str
    figure: go.Figure
    svg: str | None = field(default=None, repr=False)
    spec: ChartSpec | None = field(default=None, repr=False)
    # the matplotlib drawing, made once for the PDF's SVG and the DOCX's PNG
    drawing: Any = field(default=None, repr=False, compare=False)
    png: Any = field(default=None, repr=False, compare=False)  # ((width, dpi), bytes)


_PERIOD = re.compile(r"^(\d{4})Q([1-4])(.*)$")


def category_label(label: str, sep: str = "\n") -> str:
    """'2024Q1' → '2024年⏎一季度' (a mark such as '*' kept); other labels unchanged."""
    m = _PERIOD.match(str(label))
    if not m:
        return str(label)
    return f"{m[1]}年{sep}{CN_QUARTER[int(m[2])]}{m[3]}"


def _decimals(values: Sequence[float], most: int = 3) -> int:
    """The fewest decimals that print every value exactly (up to ``most``)."""
    for d in range(most + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return most


def is_count(spec: ChartSpec) -> bool:
    if spec.percent:
        return False
    if spec.unit in COUNT_UNITS:
        return True
    vals = [v for s in spec.series.values() for v in s if v is not None]
    return bool(vals) and spec.unit is None and all(float(v).is_integer() for v in vals)


def _extent(spec: ChartSpec) -> tuple[float, float]:
    if spec.kind == "stacked":
        n = len(spec.categories)
        cols = [
            [s[i] for s in spec.series.values() if i < len(s) and s[i] is not None]
            for i in range(n)
        ]
        pos = [sum(v for v in c if v > 0) for c in cols] or [0]
        neg = [sum(v for v in c if v < 0) for c in cols] or [0]
        return min(neg), max(pos)
    vals = [float(v) for s in spec.series.values() for v in finite(s) if v is not None]
    return (min(vals), max(vals)) if vals else (0.0, 1.0)


def value_axis(spec: ChartSpec) -> tuple[float, float, list[float]]:
    """(low, high, ticks) of the value axis: from 0 (rates: from a round value below the
    lowest), whole numbers for counts, 4–6 round steps (matplotlib's MaxNLocator)."""
    from matplotlib.ticker import MaxNLocator

    lo, hi = _extent(spec)
    if spec.kind != "trend" or not spec.percent or lo < 0.2 * hi:
        lo = min(0.0, lo)  # bars and counts start at 0
    hi = max(hi, 0.0)
    if hi <= lo:
        hi = lo + (1 if not spec.percent else 0.1)
    integer = is_count(spec)
    loc = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=integer, min_n_ticks=3)
    ticks = [float(t) for t in loc.tick_values(lo, hi)]
    ticks = [t for t in ticks if t >= min(lo, 0) - 1e-12 or spec.percent]
    # the axis ends on a tick at or beyond the data
    low = max([t for t in ticks if t <= lo + 1e-12] or [ticks[0]])
    high = min([t for t in ticks if t >= hi - 1e-12] or [ticks[-1]])
    ticks = [t for t in ticks if low - 1e-12 <= t <= high + 1e-12]
    return low, high, ticks


def tick_labels(ticks: Sequence[float], percent: bool = False) -> list[str]:
    """One number style per axis: '0 / 5,000 / 10,000', '0 / 1.5万 / 3万' (never 'k'),
    '90% / 95%'; as many decimals on every tick as the finest one needs."""
    if percent:
        xs = [t * 100 for t in ticks]
        d = _decimals(xs, 2)
        return [f"{x:.{d}f}%" for x in xs]
    if max((abs(t) for t in ticks), default=0) >= 20000:
        xs = [t / 10000 for t in ticks]
        d = _decimals(xs, 2)
        return ["0" if x == 0 else f"{x:,.{d}f}万" for x in xs]
    d = _decimals(ticks, 2)
    return [f"{t:,.{d}f}" for t in ticks]


def value_labels(values: Sequence, percent: bool = False) -> list[str]:
    """Labels on bars: every bar with the same number of decimals."""
    vals = [float(v) for v in values if v is not None]
    if percent:
        return ["" if v is None else f"{float(v) * 100:.1f}%" for v in values]
    d = min(_decimals(vals, 2), 2) if vals else 0
    return ["" if v is None else f"{float(v):,.{d}f}" for v in values]


def shares(values: Sequence[float]) -> list[str]:
    """A composition's shares, each with one decimal: '7.4%', '92.6%'."""
    total = sum(values)
    return [f"{v / total * 100:.1f}%" if total else "" for v in values]


def unit_text(unit: str | None) -> str | None:
    return f"单位：{unit}" if unit else None


# -- the chart kinds (the sections call these) -----------------------------------------------
def trend_chart(
    chart_id: str,
    title: str,
    periods: list[str],
    series: dict[str, list],
    unit: str | None = None,
    *,
    percent: bool = False,
) -> Chart:
    """Quarterly lines (one per series) over period labels like '2024Q1' (shown 2024年一季度)."""
    spec = ChartSpec(
        "trend", list(periods), {k: finite(v) for k, v in series.items()}, unit, percent
    )
    return Chart(chart_id, title, plotly_figure(spec, title), spec=spec)


def ranking_chart(
    chart_id: str,
    title: str,
    names: list[str],
    values: list,
    unit: str | None = None,
    *,
    percent: bool = False,
    highlight: str | None = None,
) -> Chart:
    """Horizontal bars, best at the top; ``highlight`` marks one township."""
    pairs = [(n, v) for n, v in zip(names, finite(values)) if v is not None]
    pairs.sort(key=lambda p: p[1])
    spec = ChartSpec(
        "ranking", [n for n, _ in pairs], {title: [v for _, v in pairs]}, unit, percent, highlight
    )
    return Chart(chart_id, title, plotly_figure(spec, title), spec=spec)


def composition_chart(
    chart_id: str, title: str, labels: list[str], values: list, unit: str | None = None
) -> Chart:
    """Parts of a whole as a donut (e.g. 集中/分散供养, beds by kind of institution)."""
    pairs = [(lab, v) for lab, v in zip(labels, finite(values)) if v]
    spec = ChartSpec("composition", [lab for lab, _ in pairs], {title: [v for _, v in pairs]}, unit)
    return Chart(chart_id, title, plotly_figure(spec, title), spec=spec)


def grouped_bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: dict[str, list],
    unit: str | None = None,
) -> Chart:
    """Bars per category (e.g. events per month, by kind), stacked."""
    spec = ChartSpec("stacked", list(categories), {k: finite(v) for k, v in series.items()}, unit)
    return Chart(chart_id, title, plotly_figure(spec, title), spec=spec)


def chart_height(spec: ChartSpec) -> int:
    if spec.kind == "ranking":
        return max(HEIGHT, 90 + 26 * len(spec.categories))
    return HEIGHT


# -- interactive: Plotly ----------------------------------------------------------------------
def _unit_annotation(text: str, *, right: bool = False) -> dict:
    return {
        "text": plot_text(text),
        "xref": "paper",
        "yref": "paper",
        "x": 1.0 if right else 0.0,
        "xanchor": "right",
        "y": 1.0,
        "yanchor": "bottom",
        "yshift": 10,
        "showarrow": False,
        "font": {"size": FONT_SIZE, "color": "#444"},
    }


def plotly_figure(spec: ChartSpec, title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template="civstat", title_text=plot_text(title), height=chart_height(spec))
    if spec.kind == "composition":
        values = spec.series[next(iter(spec.series))]
        fig.add_trace(
            go.Pie(
                labels=[plot_text(c) for c in spec.categories],
                values=values,
                hole=0.45,
                sort=False,
                direction="clockwise",
                rotation=0,
                text=shares(values),
                texttemplate="%{label}<br>%{text}",
                textposition="outside",
                insidetextorientation="horizontal",
                marker={"colors": PALETTE},
                hovertemplate="%{label}: %{value:,}"
                + (plot_text(spec.unit) if spec.unit else "")
                + " (%{text})<extra></extra>",
            )
        )
        fig.update_layout(showlegend=False, margin={"l": 40, "r": 40, "t": 64, "b": 32})
        return fig
    low, high, ticks = value_axis(spec)
    value_ax = {
        "range": [low, high],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": tick_labels(ticks, spec.percent),
        "showgrid": True,
        "gridcolor": "#e3e3e3",
        "zeroline": True,
        "title": {"text": None},
        "tickangle": 0,
    }
    unit = unit_text(spec.unit)
    if spec.kind == "ranking":
        values = spec.series[next(iter(spec.series))]
        labels = value_labels(values, spec.percent)
        fig.add_trace(
            go.Bar(
                x=values,
                y=[plot_text(n) for n in spec.categories],
                orientation="h",
                marker_color=[
                    PALETTE[1] if n == spec.highlight else ACCENT for n in spec.categories
                ],
                text=labels,
                texttemplate="%{text}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
        fig.update_layout(showlegend=False, margin={"l": 110, "r": 70, "t": 64})
        fig.update_xaxes(**value_ax)
        fig.update_yaxes(showgrid=False, ticks="", automargin=True)
        if unit:
            fig.add_annotation(**_unit_annotation(unit, right=True))
        return fig
    shown = [plot_text(category_label(c)).replace("\n", "<br>") for c in spec.categories]
    hover = [category_label(c, "") for c in spec.categories]
    for i, (name, values) in enumerate(spec.series.items()):
        color = PALETTE[i % len(PALETTE)]
        common = {
            "x": spec.categories,
            "y": values,
            "name": plot_text(name),
            "customdata": hover,
            "hovertemplate": "%{customdata}: %{y:,}<extra>%{fullData.name}</extra>",
        }
        if spec.kind == "trend":
            fig.add_trace(
                go.Scatter(
                    **common,
                    mode="lines+markers",
                    line={"width": 2.5, "color": color},
                    marker={"size": 7},
                )
            )
        else:
            fig.add_trace(go.Bar(**common, marker_color=color))
    if spec.kind == "stacked":
        fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(
        type="category", tickmode="array", tickvals=spec.categories, ticktext=shown, tickangle=0
    )
    fig.update_yaxes(**value_ax)
    fig.update_layout(showlegend=len(spec.series) > 1 or spec.kind == "stacked")
    if unit:
        fig.add_annotation(**_unit_annotation(unit))
    return fig


def html_div(chart: Chart) -> str:
    """The interactive chart (plotly.js must already be on the page); no toolbar: it covered
    the legend, and the page prints through the PDF anyway."""
    return chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.chart_id,
        config={"displayModeBar": False, "displaylogo": False, "responsive": True},
    )


def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


# -- static: matplotlib, no browser -----------------------------------------------------------
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": STATIC_FONTS + ["DejaVu Sans"],
    "font.size": FONT_SIZE * 0.75,  # points: the Plotly size is in CSS px at 96 dpi
    "axes.unicode_minus": False,
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.75,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "text.color": "#222222",
    "svg.fonttype": "none",  # text stays text: the PDF embeds the font, the text is searchable
    "svg.hashsalt": "civstat",  # stable ids: the same chart gives the same file
    "path.simplify": True,
}


def _draw(spec: ChartSpec, title: str, width: int = WIDTH):
    """The chart as a matplotlib Figure (no pyplot: no global state, no GUI backend)."""
    import matplotlib
    from matplotlib.figure import Figure

    height = chart_height(spec)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width / 96, height / 96), dpi=96)
        fig.text(0.01, 0.975, title, ha="left", va="top", fontsize=14 * 0.75, fontweight="bold")
        if spec.kind == "composition":
            _draw_composition(fig, spec)
        else:
            _draw_axes(fig, spec, height)
    return fig


def _draw_composition(fig, spec: ChartSpec) -> None:
    ax = fig.add_axes((0.2, 0.06, 0.6, 0.78))
    values = spec.series[next(iter(spec.series))]
    labels = [f"{c}\n{s}" for c, s in zip(spec.categories, shares(values))]
    ax.pie(
        values,
        labels=labels,
        colors=PALETTE[: len(values)] if len(values) <= len(PALETTE) else None,
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.55, "edgecolor": "white", "linewidth": 1},
        labeldistance=1.2,
        rotatelabels=False,
        textprops={"ha": "center", "va": "center", "linespacing": 1.3},
    )
    ax.set_aspect("equal")


def _draw_axes(fig, spec: ChartSpec, height: int) -> None:
    low, high, ticks = value_axis(spec)
    labels = tick_labels(ticks, spec.percent)
    top = 1 - 74 / height
    unit = unit_text(spec.unit)
    if spec.kind == "ranking":
        ax = fig.add_axes((0.16, 46 / height, 0.74, top - 46 / height))
        values = spec.series[next(iter(spec.series))]
        ys = range(len(spec.categories))
        colors = [PALETTE[1] if n == spec.highlight else ACCENT for n in spec.categories]
        ax.barh(ys, values, color=colors, height=0.7, zorder=2)
        ax.set_yticks(list(ys), spec.categories)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(low, high)
        ax.set_xticks(ticks, labels)
        ax.xaxis.grid(True, color="#e3e3e3", zorder=0)
        ax.set_ylim(-0.6, len(spec.categories) - 0.4)
        for y, v, t in zip(ys, values, value_labels(values, spec.percent)):
            ax.annotate(
                t,
                (v, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                annotation_clip=False,
            )
        if unit:
            _unit(ax, unit, 1.0, "right")
        return
    ax = fig.add_axes((0.1, 64 / height, 0.87, top - 64 / height))
    xs = list(range(len(spec.categories)))
    shown = [category_label(c) for c in spec.categories]
    if spec.kind == "trend":
        for i, (name, values) in enumerate(spec.series.items()):
            pts = [(x, v) for x, v in zip(xs, values) if v is not None]
            ax.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                color=PALETTE[i % len(PALETTE)],
                linewidth=2.5 * 0.75,
                marker="o",
                markersize=5,
                label=name,
                zorder=3,
            )
        ax.set_xlim(-0.5, len(xs) - 0.5)
    else:  # stacked
        base_pos = [0.0] * len(xs)
        for i, (name, values) in enumerate(spec.series.items()):
            vals = [0.0 if v is None else float(v) for v in values]
            ax.bar(
                xs,
                vals,
                bottom=base_pos,
                color=PALETTE[i % len(PALETTE)],
                width=0.7,
                label=name,
                zorder=2,
            )
            base_pos = [b + v for b, v in zip(base_pos, vals)]
    ax.set_xticks(xs, shown)
    ax.set_ylim(low, high)
    ax.set_yticks(ticks, labels)
    ax.yaxis.grid(True, color="#e3e3e3", zorder=0)
    ax.tick_params(axis="y", length=0)
    if unit:
        _unit(ax, unit, 0.0, "center")
    if len(spec.series) > 1 or spec.kind == "stacked":
        ax.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncol=min(len(spec.series), 6),
            frameon=False,
            borderaxespad=0.2,
            handlelength=1.6,
            columnspacing=1.2,
        )


def _unit(ax, text: str, x: float, ha: str) -> None:
    """单位：… written horizontally above the end of the value axis."""
    ax.annotate(
        text,
        (x, 1.0),
        xycoords="axes fraction",
        xytext=(0, 10),
        textcoords="offset points",
        ha=ha,
        va="bottom",
        color="#444444",
    )


def static_svg(chart: Chart, width: int = PRINT_WIDTH) -> str:
    """Vector SVG of the chart for the PDF (text as text, in the CJK sans face)."""
    import matplotlib

    fig = _drawing(chart, width)
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    chart.svg = lean_svg(buf.getvalue())
    return chart.svg


_SVG_NS = "http://www.w3.org/2000/svg"


def lean_svg(svg: str) -> str:
    """matplotlib's SVG without its metadata and with its bare ``<g id=…>`` wrappers unwrapped
    (a group with no transform, clip or style draws nothing itself): the same picture, about a
    third fewer nodes for WeasyPrint to walk."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    g, meta = f"{{{_SVG_NS}}}g", f"{{{_SVG_NS}}}metadata"

    def flat(el) -> None:
        kids = []
        for kid in el:
            flat(kid)
            if kid.tag == g and set(kid.attrib) <= {"id"}:
                kids += list(kid)
            elif kid.tag != meta:
                kids.append(kid)
        el[:] = kids

    flat(root)
    return ET.tostring(root, encoding="unicode")


def static_png(chart: Chart, width: int = PRINT_WIDTH, dpi: int = 200) -> bytes:
    """PNG of the chart for the DOCX (Word and WPS place it as a picture), 156 mm wide on the
    page at 200 pixels an inch; zlib's fastest level (the same pixels, a third of the time of
    the default, a slightly larger file). Drawn once per chart: kept on it (``chart.png``)."""
    import matplotlib

    if chart.png is not None and chart.png[0] == (width, dpi):
        return chart.png[1]
    fig = _drawing(chart, width)
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(
            buf,
            format="png",
            dpi=dpi,
            metadata={"Software": None},
            pil_kwargs={"compress_level": 1},
        )
    chart.png = ((width, dpi), buf.getvalue())
    return chart.png[1]


def _drawing(chart: Chart, width: int):
    """The chart's matplotlib drawing, made once: the PDF's SVG and the DOCX's PNG share it."""
    if chart.drawing is None or chart.drawing[0] != width:
        chart.drawing = (width, _draw(_spec(chart), chart.title, width))
    return chart.drawing[1]


def _spec(chart: Chart) -> ChartSpec:
    if chart.spec is None:
        raise ValueError(f"chart {chart.chart_id} has no ChartSpec: build it with *_chart()")
    return chart.spec


# Every Chromium the project starts gets these; a default headless Chromium (Debian's ships
# Google API keys) asks accounts.google.com, clients2.google.com and update.googleapis.com.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # variations, safe browsing, GCM …
    "--disable-component-update",  # update.googleapis.com
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",  # and their update checks
    "--disable-features=NetworkTimeServiceQuerying",  # clients2.google.com/time
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--dns-prefetch-disable",
    # What no switch turns off (the GAIA cookie check, accounts.google.com/ListAccounts; the
    # component updater's first check) never gets a name resolved: every host name but
    # localhost fails inside Chromium, so no DNS query and no connection leaves it.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)


def with_chromium_flags(cli: Sequence[str]) -> list[str]:
    """``cli`` (executable first) with the missing :data:`CHROMIUM_FLAGS` added."""
    cli = list(cli)
    return cli + [flag for flag in CHROMIUM_FLAGS if flag not in cli]


def offline_chromium() -> type:
    """choreographer's Chromium (which kaleido starts) with :data:`CHROMIUM_FLAGS` added; pass
    it as ``browser_cls=`` to ``kaleido.start_sync_server`` / ``kaleido.Kaleido``."""
    from choreographer.browsers import Chromium

    class OfflineChromium(Chromium):
        def get_cli(self) -> list[str]:
            return with_chromium_flags(super().get_cli())

    return OfflineChromium


def _chromium() -> str | None:
    return (
        os.environ.get("BROWSER_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


class SvgRenderer:
    """Context manager: one kaleido server for all the charts of a report run."""

    def __enter__(self) -> Self:
        browser = _chromium()
        if not browser:
            raise RuntimeError(
                "找不到 Chromium,无法把图表转为矢量图 / Chromium not found (BROWSER_PATH)"
            )
        os.environ["BROWSER_PATH"] = browser
        import kaleido

        self._kaleido = kaleido
        kaleido.start_sync_server(**self.kaleido_options(browser), silence_warnings=True)
        return self

    @staticmethod
    def kaleido_options(browser: str) -> dict[str, Any]:
        """No MathJax (a CDN), the system Chromium, the offline switches."""
        return {"mathjax": False, "path": browser, "browser_cls": offline_chromium()}

    def svg(self, chart: Chart, width: int = WIDTH) -> str:
        fig = go.Figure(chart.figure)
        height = fig.layout.height or HEIGHT
        data = self._kaleido.calc_fig_sync(
            fig, opts={"format": "svg", "width": width, "height": height}
        )
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        chart.svg = text
        return text

    def __exit__(self, *exc) -> None:
        self._kaleido.stop_sync_server(silence_warnings=True)
