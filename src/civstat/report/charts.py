"""Charts in one house style and in Chinese conventions: quarterly trends, township rankings,
composition, stacked counts.

Every chart is first a :class:`ChartSpec` — kind, categories, series, unit — and is drawn from
it twice:

* **interactive** (:attr:`Chart.figure`, Plotly) for the HTML page (plotly.js inlined once per
  page by the HTML writer), without the toolbar;
* **static** (:func:`civstat.report.chart_draw.static_svg` for the PDF, vector, text kept as
  text; :func:`~civstat.report.chart_draw.static_png` for the DOCX) by matplotlib, in this
  process — no browser (:mod:`civstat.report.chart_draw`).

Both drawings share the same ticks and labels (:func:`value_axis`, :func:`tick_labels`,
:func:`category_label`): counts from 0 in whole numbers, large values in 万 (never "10k"), the
unit written horizontally above the value axis (单位：人), quarters as 2024年一季度, the shares of a
composition with one decimal each (7.4% beside 92.6%), labels never rotated.

:mod:`civstat.report.chromium` holds the former static path (kaleido driving the system
Chromium, kept for the benchmark's baseline and the offline test) and the one list of switches
every Chromium the project starts gets.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from civstat.report.formatting import fixed

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
        return ["" if v is None else f"{fixed(float(v) * 100, 1, sep=False)}%" for v in values]
    d = min(_decimals(vals, 2), 2) if vals else 0
    return ["" if v is None else f"{float(v):,.{d}f}" for v in values]


def shares(values: Sequence[float]) -> list[str]:
    """A composition's shares, each with one decimal: '7.4%', '92.6%'."""
    total = sum(values)
    return [f"{fixed(v / total * 100, 1, sep=False)}%" if total else "" for v in values]


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
