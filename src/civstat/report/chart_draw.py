"""The static drawing of a chart: matplotlib, in this process, no browser — vector SVG for the
PDF (text kept as text) and PNG for the DOCX, both from one drawing per chart, with the same
ticks and labels as the interactive Plotly chart (:mod:`civstat.report.charts`)."""

from __future__ import annotations

import io

from civstat.report.charts import (
    ACCENT,
    FONT_SIZE,
    PALETTE,
    PRINT_WIDTH,
    STATIC_FONTS,
    WIDTH,
    Chart,
    ChartSpec,
    category_label,
    chart_height,
    shares,
    tick_labels,
    unit_text,
    value_axis,
    value_labels,
)

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
