"""Charts in Chinese conventions, drawn twice from one spec: Plotly for the HTML, matplotlib
(SVG for the PDF, PNG for the DOCX) without a browser.

Quarters read 2024年一季度; large values 万 (never "10k"); the unit written horizontally above
the value axis (单位：人), no rotated axis title; counts from 0 in whole numbers; a composition's
shares with one decimal each; no toolbar over the legend; static drawings start no process."""

from __future__ import annotations

import re
import subprocess

import pytest

from civstat.report import chart_draw
from civstat.report import charts as ch

PERIODS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2*", "2025Q3", "2025Q4"]
PERSONS = {
    "城市低保": [15291, 15531, 16000, 16500, 17000, 17200, 17800, 18000],
    "农村低保": [20000, 21000, 21500, 22000, 22100, 22300, 22600, 23000],
}


@pytest.fixture()
def charts():
    return {
        "trend": ch.trend_chart("t", "城乡低保人数", PERIODS, PERSONS, "人"),
        "ranking": ch.ranking_chart(
            "r",
            "各乡镇（街道）月人均补助",
            ["甲镇", "乙乡", "丙街道"],
            [856.3, 900.25, 780],
            "元/人·月",
            highlight="乙乡",
        ),
        "pie": ch.composition_chart("c", "供养方式", ["集中供养", "分散供养"], [74, 926], "人"),
        "events": ch.grouped_bar_chart(
            "g",
            "各月灾害",
            [f"{m}月" for m in range(1, 7)],
            {"暴雨/洪涝": [0, 0, 1, 2, 1, 0], "干旱": [0, 1, 0, 0, 0, 0]},
            "起",
        ),
        "rate": ch.trend_chart(
            "p", "集中供养率", PERIODS[:4], {"集中供养率": [0.9, 0.92, 0.95, 0.97]}, percent=True
        ),
    }


def test_quarters_in_chinese_with_their_mark():
    assert ch.category_label("2024Q1") == "2024年\n一季度"
    assert ch.category_label("2025Q2*", "<br>") == "2025年<br>二季度*"
    assert ch.category_label("3月") == "3月"


def test_ten_thousands_as_wan_never_k_and_one_style_per_axis():
    labels = ch.tick_labels([0, 10000, 20000, 30000])
    assert labels == ["0", "1万", "2万", "3万"]
    assert ch.tick_labels([0, 5000, 10000, 15000]) == ["0", "5,000", "10,000", "15,000"]
    assert ch.tick_labels([0, 15000, 30000]) == ["0", "1.5万", "3.0万"]  # same decimals on each
    assert ch.tick_labels([0.9, 0.95, 1.0], percent=True) == ["90%", "95%", "100%"]
    assert not any("k" in t for t in ch.tick_labels([0, 25000, 50000, 75000, 100000]))


def test_counts_from_zero_in_whole_numbers(charts):
    low, high, ticks = ch.value_axis(charts["events"].spec)
    assert low == 0 and high >= 2 and all(float(t).is_integer() for t in ticks)
    low, _, ticks = ch.value_axis(charts["trend"].spec)  # persons: from 0, not from 15,000
    assert low == 0 and ticks[0] == 0
    low, _, _ = ch.value_axis(charts["rate"].spec)  # a rate's line may start above 0
    assert 0 < low <= 0.9


def test_composition_shares_with_one_decimal_each(charts):
    assert ch.shares([74, 926]) == ["7.4%", "92.6%"]
    pie = charts["pie"].figure.data[0]
    assert list(pie.text) == ["7.4%", "92.6%"] and pie.insidetextorientation == "horizontal"
    assert ch.value_labels([856.3, 900.25, 780]) == ["856.30", "900.25", "780.00"]


def test_plotly_figure_in_house_style(charts):
    fig = charts["trend"].figure
    assert list(fig.data[0].x) == PERIODS  # the data keep their period keys
    assert "2024年<br>一季度" in fig.layout.xaxis.ticktext
    assert fig.layout.yaxis.title.text is None  # no rotated axis title …
    units = [a.text for a in fig.layout.annotations]
    assert units == ["单位：人"]  # … the unit is written horizontally above the axis
    assert "万" in "".join(fig.layout.yaxis.ticktext)
    assert fig.layout.xaxis.tickangle == 0
    div = ch.html_div(charts["trend"])
    assert '"displayModeBar": false' in div  # no toolbar over the legend


def test_static_svg_keeps_text_as_text_without_a_browser(charts, monkeypatch):
    def no_process(*a, **k):
        raise AssertionError("a static chart must not start a process (a browser)")

    monkeypatch.setattr(subprocess.Popen, "__init__", no_process)
    svg = chart_draw.static_svg(charts["trend"])
    assert svg.lstrip().startswith("<svg") and "<metadata" not in svg
    texts = "".join(re.findall(r">([^<>]+)</text>", svg))
    for s in ("城乡低保人数", "单位：人", "2024年", "一季度", "二季度*", "万", "城市低保"):
        assert s in texts, s
    assert "Noto Sans CJK SC" in svg
    assert not re.search(r"\d+k\b", texts)
    for key in ("ranking", "pie", "events"):
        assert "<text" in chart_draw.static_svg(charts[key])
    pie = "".join(re.findall(r">([^<>]+)</text>", chart_draw.static_svg(charts["pie"])))
    assert "7.4%" in pie and "92.6%" in pie


def test_static_png_is_a_picture_with_ink(charts):
    import io

    import numpy as np
    from PIL import Image

    png = chart_draw.static_png(charts["events"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    im = Image.open(io.BytesIO(png)).convert("L")
    assert im.width >= 1000  # 156 mm at 200 pixels an inch
    ink = (np.array(im) < 128).mean()
    assert 0.01 < ink < 0.5


def test_chart_drawn_once_for_both_static_formats(charts):
    c = charts["ranking"]
    chart_draw.static_svg(c)
    first = c.drawing
    chart_draw.static_png(c)
    assert c.drawing is first
