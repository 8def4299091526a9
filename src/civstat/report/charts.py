"""Plotly charts in one house style: quarterly trends, township rankings, composition.

The same figure is drawn twice: as an interactive ``<div>`` in the HTML (plotly.js inlined once
per page by the HTML writer) and as vector SVG for the PDF, rendered by kaleido driving the
system Chromium. :class:`SvgRenderer` starts kaleido once per report run and never lets it
reach the network (no MathJax, plotly.js from the installed package, Chromium from the system).

:data:`CHROMIUM_FLAGS` is the one list of switches every Chromium the project starts gets (kaleido
here through :func:`offline_chromium`, the tests' headless page checks by importing it): a
default headless Chromium looks up accounts.google.com, clients2.google.com and
update.googleapis.com; with these switches it makes no network request of its own.
"""

from __future__ import annotations

import html
import math
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
PALETTE = ["#1f5fa8", "#d0582c", "#3f9b5a", "#8a63b3", "#c49a22", "#4aa3b5", "#a84d6f", "#6b7a8f"]
ACCENT = PALETTE[0]
WIDTH, HEIGHT = 720, 340

pio.templates["civstat"] = go.layout.Template(
    layout={
        "font": {"family": FONT, "size": 12, "color": "#222"},
        "title": {"font": {"size": 14}, "x": 0.01, "xanchor": "left"},
        "colorway": PALETTE,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 60, "r": 24, "t": 48, "b": 48},
        "xaxis": {"showgrid": False, "linecolor": "#888", "ticks": "outside"},
        "yaxis": {"gridcolor": "#e3e3e3", "zerolinecolor": "#bbb", "separatethousands": True},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        "separators": ".,",
    }
)


def plot_text(s: str) -> str:
    """Plotly reads labels as pseudo-HTML; escape data-borne text so it shows literally."""
    return html.escape(str(s), quote=False)


def finite(values: Sequence) -> list:
    """The values with NaN/±inf as None (a gap, never a bar or point drawn at infinity)."""
    out = []
    for v in values:
        try:
            out.append(v if v is None or math.isfinite(float(v)) else None)
        except (TypeError, ValueError):
            out.append(v)
    return out


@dataclass
class Chart:
    """A figure with a stable id (HTML div id, PDF anchor) and its caption."""

    chart_id: str
    title: str
    figure: go.Figure
    svg: str | None = field(default=None, repr=False)


def _layout(fig: go.Figure, title: str, unit: str | None, *, height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        template="civstat",
        title_text=plot_text(title),
        width=None,
        height=height,
        yaxis_title_text=plot_text(unit) if unit else None,
    )
    return fig


def trend_chart(
    chart_id: str,
    title: str,
    periods: list[str],
    series: dict[str, list],
    unit: str | None = None,
    *,
    percent: bool = False,
) -> Chart:
    """Quarterly lines (one per series) over period labels like '2024Q1'."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=finite(values),
                name=plot_text(name),
                mode="lines+markers",
                line={"width": 2.5, "color": PALETTE[i % len(PALETTE)]},
                marker={"size": 7},
            )
        )
    _layout(fig, title, unit)
    fig.update_xaxes(type="category")
    if percent:
        fig.update_yaxes(tickformat=".1%")
    return Chart(chart_id, title, fig)


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
    colors = [PALETTE[1] if n == highlight else ACCENT for n, _ in pairs]
    fmt = ".1%" if percent else ",.0f"
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in pairs],
            y=[plot_text(n) for n, _ in pairs],
            orientation="h",
            marker_color=colors,
            texttemplate=f"%{{x:{fmt}}}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}: %{{x:{fmt}}}<extra></extra>",
        )
    )
    _layout(fig, title, None, height=max(HEIGHT, 60 + 26 * len(pairs)))
    fig.update_layout(margin={"l": 110, "r": 70})
    fig.update_xaxes(
        title_text=plot_text(unit) if unit else None,
        showgrid=True,
        gridcolor="#e3e3e3",
        tickformat=".0%" if percent else ",",
    )
    fig.update_yaxes(gridcolor=None, showgrid=False)
    return Chart(chart_id, title, fig)


def composition_chart(
    chart_id: str, title: str, labels: list[str], values: list, unit: str | None = None
) -> Chart:
    """Parts of a whole as a donut (e.g. 集中/分散供养, events by kind)."""
    pairs = [(lab, v) for lab, v in zip(labels, finite(values)) if v]
    fig = go.Figure(
        go.Pie(
            labels=[plot_text(lab) for lab, _ in pairs],
            values=[v for _, v in pairs],
            hole=0.45,
            sort=False,
            textinfo="label+percent",
            marker={"colors": PALETTE},
            hovertemplate="%{label}: %{value:,}"
            + (plot_text(unit) if unit else "")
            + "<extra></extra>",
        )
    )
    _layout(fig, title, None)
    fig.update_layout(showlegend=False)
    return Chart(chart_id, title, fig)


def grouped_bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: dict[str, list],
    unit: str | None = None,
) -> Chart:
    """Bars per category (e.g. events per month, by kind), stacked."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Bar(
                x=categories,
                y=finite(values),
                name=plot_text(name),
                marker_color=PALETTE[i % len(PALETTE)],
            )
        )
    _layout(fig, title, unit)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return Chart(chart_id, title, fig)


def html_div(chart: Chart) -> str:
    """The interactive chart (plotly.js must already be on the page)."""
    return chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.chart_id,
        config={
            "displaylogo": False,
            "responsive": True,
            "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
        },
    )


def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


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
