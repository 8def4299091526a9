"""The year-end summary rendered from the real demo pipeline (generate → ingest → check → build).

Figures are read from the published warehouse here, with the test's own SQL, and looked for in
the PDF text (pdftotext); fonts (pdffonts), glyphs (a rendered page compared with the same text
drawn from the CJK font), vector charts (pdfimages) and the HTML in headless Chromium (NetLog:
no request leaves the page; the DOM: every chart drawn) are checked on the real files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from civstat.report.chromium import CHROMIUM_FLAGS
from civstat.report.formatting import money_text

YEAR = 2024
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.slow  # builds the demo warehouse with dbt once per session


def q(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def county(warehouse: Path) -> tuple[str, str]:
    return q(
        warehouse,
        "SELECT division_code, division_name FROM dim_division "
        "WHERE is_current AND division_level = 'county'",
    )[0]


@pytest.fixture(scope="session")
def county_files(demo_env):
    from civstat.report import render_reports

    out = demo_env["root"] / "reports"
    files = render_reports(
        YEAR, formats=["html", "pdf", "xlsx"], out_dir=out, warehouse=demo_env["warehouse"]
    )
    return {p.suffix[1:]: p for p in files}


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def untraced(page: str) -> str:
    """The HTML page without its traced figures' spans (report/trace.py): the text as written."""
    return re.sub(r'<span class="fig" data-trace="t\d+" tabindex="0">(.*?)</span>', r"\1", page)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# -- PDF ------------------------------------------------------------------------------------
def test_default_file_names(county_files, demo_env):
    _, name = county(demo_env["warehouse"])
    for fmt in ("html", "pdf", "xlsx"):
        assert county_files[fmt].name == f"年度民政工作总结_{YEAR}_{name}.{fmt}"


def test_pdf_text_contains_key_figures_from_the_warehouse(county_files, demo_env):
    wh = demo_env["warehouse"]
    code, name = county(wh)
    text = squash(pdf_text(county_files["pdf"]))
    assert f"{name}{YEAR}年度民政工作总结" in text
    (dibao_funds,) = q(
        wh,
        "SELECT sum(funds_ytd) FROM fct_funds WHERE programme_code = 'dibao' "
        "AND year = ? AND quarter = 4 AND county_code = ?",
        [YEAR, code],
    )[0]
    # running text: 10万元 and above in 万元, at most two decimals (the seeds' 598万元)
    assert f"全年共发放低保资金{money_text(dibao_funds)}" in text
    assert money_text(dibao_funds).endswith("万元") and dibao_funds >= 100000
    for cat, label in (("urban", "城市低保"), ("rural", "农村低保")):
        hh, persons = q(
            wh,
            "SELECT sum(households), sum(persons) FROM fct_recipients "
            "WHERE programme_code = 'dibao' AND category = ? AND year = ? "
            "AND quarter = 4 AND county_code = ?",
            [cat, YEAR, code],
        )[0]
        assert f"保留{label}户{hh:,}户{persons:,}人" in text
    rate, rate_prev = [
        q(
            wh,
            "SELECT value FROM kpi_annual WHERE division_code = ? AND year = ? "
            "AND kpi_code = 'tekun_centralized_rate'",
            [code, y],
        )
        for y in (YEAR, YEAR - 1)
    ]
    assert f"集中供养率{rate[0][0] * 100:.1f}%" in text
    if rate_prev and rate_prev[0][0] is not None:
        delta = round((rate[0][0] - rate_prev[0][0]) * 100, 1)
        assert f"{abs(delta):.1f}个百分点" in text
    (events,) = q(
        wh,
        "SELECT count(*) FROM fct_disaster_losses WHERE year = ? AND county_code = ?",
        [YEAR, code],
    )[0]
    if events:
        assert f"共发生自然灾害{events:,}起" in text
    for kpi_name, achieved in q(
        wh,
        "SELECT kpi_name_zh, achieved FROM kpi_plan_completion "
        "WHERE year = ? AND division_code = ?",
        [YEAR, code],
    ):
        assert kpi_name in text
    n_ok = q(
        wh,
        "SELECT count(*) FILTER (WHERE achieved), count(*) FROM kpi_plan_completion "
        "WHERE year = ? AND division_code = ?",
        [YEAR, code],
    )[0]
    if n_ok[1]:
        assert f"共设定目标{n_ok[1]}项，已完成{n_ok[0]}项" in text


def test_pdf_data_notes_name_blocked_townships_and_soft_warnings(county_files, demo_env):
    wh = demo_env["warehouse"]
    code, _ = county(wh)
    text = squash(pdf_text(county_files["pdf"]))
    notes = text[text.rindex("附件3数据说明") :]
    blocked = q(
        wh,
        "SELECT DISTINCT d.division_name FROM quality_status s JOIN dim_division d "
        "ON d.division_code = coalesce(s.current_division_code, s.division_code) "
        "WHERE s.year = ? AND s.quarter = 4 AND s.status = 'blocked' AND d.county_code = ?",
        [YEAR, code],
    )
    for (town,) in blocked:
        assert squash(town) in notes
    if not blocked:
        assert "全部乡镇（街道）数据均已通过质量审核并发布" in notes
    # counted as published: the soft findings on returns the gate did not block
    (soft,) = q(
        wh,
        "SELECT count(*) FROM quality_warnings w JOIN dim_division d USING (division_code) "
        "JOIN quality_status s USING (division_code, period) "
        "WHERE w.year = ? AND d.county_code = ? AND s.status <> 'blocked'",
        [YEAR, code],
    )[0]
    if soft:
        assert f"质量审核提示{soft}条（软性规则，数据已发布）" in notes


def test_pdf_fonts_embedded_and_chinese(county_files):
    out = subprocess.run(
        ["pdffonts", str(county_files["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    assert any("CJK" in line for line in out)
    for line in out:
        emb = line.split()[-5]  # name type encoding emb sub uni object ID
        assert emb == "yes", f"font not embedded: {line}"


def test_pdf_toc_page_numbers_and_vector_charts(county_files):
    pdf = county_files["pdf"]
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        ).group(1)
    )
    assert pages >= 6
    toc = pdf_text(pdf, 2, 3)  # the contents may run onto a second page
    assert "目录" in toc
    entries = re.findall(r"(（一）社会救助|数据说明)\s*\.+\s*(\d+)", toc)  # 附件3 wraps
    assert len(entries) == 2
    for title, page in entries:  # the TOC's page number is where the section really starts
        assert squash(title) in squash(pdf_text(pdf, int(page)))
    assert re.search(rf"—\s*{pages}\s*—", pdf_text(pdf, pages))  # page number in the footer
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert images == [], "charts must be vector graphics, not raster images"
    assert "各乡镇（街道）" in squash(pdf_text(pdf))  # chart text is real text, not pixels


def _ink_crop(a: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(a)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _draw_with_cjk_font(s: str, size: int = 64) -> np.ndarray:
    path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
    font = next(
        ImageFont.truetype(path, size, index=i)
        for i in range(10)
        if ImageFont.truetype(path, size, index=i).getname()[0].endswith("CJK SC")
    )
    im = Image.new("L", (int(size * len(s) * 1.2) + 20, int(size * 1.6)), 255)
    ImageDraw.Draw(im).text((10, 10), s, font=font, fill=0)
    return _ink_crop(np.array(im) < 128)


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    b = np.array(Image.fromarray((b * 255).astype(np.uint8)).resize((a.shape[1], a.shape[0]))) > 127
    return float((a & b).sum() / max((a | b).sum(), 1))


def test_pdf_page_shows_chinese_glyphs_not_boxes(county_files, tmp_path):
    """Render the cover to PNG; its title must look like the title drawn from the CJK font,
    and not like a row of boxes or like other Chinese characters."""
    pdf = county_files["pdf"]
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    m = re.search(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*年度[^<]*)</word>',
        bbox,
    )
    assert m, bbox
    dpi = 150
    x0, y0, x1, y1 = (float(v) * dpi / 72 for v in m.groups()[:4])
    title = m.group(5)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-singlefile",
            str(pdf),
            str(tmp_path / "cover"),
        ],
        check=True,
    )
    page = np.array(Image.open(tmp_path / "cover.png").convert("L")) < 128
    crop = _ink_crop(page[int(y0) : int(y1) + 1, int(x0) : int(x1) + 1])
    same = _overlap(crop, _draw_with_cjk_font(title))
    boxes = _overlap(crop, _draw_with_cjk_font("□" * len(title)))
    other = _overlap(crop, _draw_with_cjk_font(title[::-1]))
    assert same > 0.5, (same, boxes, other)
    assert same > boxes + 0.25 and same > other + 0.15, (same, boxes, other)


# -- HTML in headless Chromium --------------------------------------------------------------
def load_in_chromium(html: Path, tmp: Path) -> tuple[str, list[str]]:
    """(rendered DOM, URLs the page itself requested over the network) via Chromium's NetLog."""
    netlog = tmp / "net.json"
    res = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,  # the project's one list: no network of Chromium's own
            f"--user-data-dir={tmp / 'profile'}",
            f"--log-net-log={netlog}",
            "--virtual-time-budget=8000",
            "--dump-dom",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requested = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start
        and "url" in e.get("params", {})
        # the browser's own background traffic is initiated by "not an origin"
        and e["params"].get("initiator") != "not an origin"
    ]
    return res.stdout, requested


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_html_offline_and_charts_drawn(county_files, tmp_path):
    html = county_files["html"]
    source = html.read_text(encoding="utf-8")
    markup = re.sub(r"<script>.*?</script>", "", source, flags=re.DOTALL)  # plotly.js mentions URLs
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)
    dom, requested = load_in_chromium(html, tmp_path)
    assert requested == [], f"the page fetched {requested}"
    chart_ids = re.findall(r'<figure class="chart" id="fig-([^"]+)"', source)
    assert len(chart_ids) >= 5
    for cid in chart_ids:
        start = dom.index(f'id="fig-{cid}"')
        end = dom.find("<figure", start + 1)
        fig = dom[start : end if end > 0 else None]
        assert 'class="main-svg"' in fig, f"chart {cid} not drawn"
        assert re.search(r'class="(trace|slice|point|bars)', fig), f"chart {cid} has no marks"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_network_check_catches_an_external_fetch(tmp_path):
    """The NetLog check above would see a page that reaches for a CDN."""
    page = tmp_path / "cdn.html"
    page.write_text('<html><body><img src="http://cdn.example.invalid/plotly.png"></body></html>')
    _, requested = load_in_chromium(page, tmp_path)
    assert requested == ["http://cdn.example.invalid/plotly.png"]


# -- escaping, township, quarter, money unit, XLSX, CLI, Dagster ------------------------------
EVIL = '<长桥&"街道">'


@pytest.fixture(scope="session")
def evil_warehouse(demo_env, tmp_path_factory):
    """The demo warehouse with one township renamed to a name full of markup characters."""
    path = tmp_path_factory.mktemp("evil") / "civstat.duckdb"
    shutil.copy2(demo_env["warehouse"], path)
    con = duckdb.connect(str(path))
    code = con.execute(
        "SELECT min(division_code) FROM dim_division WHERE is_current "
        "AND division_level = 'township'"
    ).fetchall()[0][0]
    tables = [
        t
        for (t,) in con.execute(
            "SELECT DISTINCT c.table_schema || '.' || c.table_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.column_name = 'division_name' AND t.table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    for t in tables:
        con.execute(f"UPDATE {t} SET division_name = ? WHERE division_code = ?", [EVIL, code])
    con.close()
    return path, code


def test_township_name_with_markup_renders_as_text(evil_warehouse, tmp_path):
    from civstat.report import render_reports

    path, code = evil_warehouse
    files = render_reports(
        YEAR, divisions=[None, code], formats=["html", "pdf"], out_dir=tmp_path, warehouse=path
    )
    county_html, town_html = (p.read_text(encoding="utf-8") for p in files if p.suffix == ".html")
    for html in (county_html, town_html):
        assert "<长桥" not in html and '"街道">' not in html
    assert "&lt;长桥&amp;&#34;街道&#34;&gt;" in town_html  # title, cover, sentences
    town_pdf = next(p for p in files if p.suffix == ".pdf" and "长桥" in p.name)
    assert f"{EVIL}{YEAR}年度民政工作总结" in squash(pdf_text(town_pdf, 1))
    assert EVIL in pdf_text(next(p for p in files if p.suffix == ".pdf" and p != town_pdf))


def test_township_report_uses_township_figures(demo_env, tmp_path):
    from civstat.report import render_reports

    wh = demo_env["warehouse"]
    code, _, persons = q(
        wh,
        "SELECT r.current_division_code, d.division_name, sum(r.persons) "
        "FROM fct_recipients r JOIN dim_division d ON d.division_code = "
        "r.current_division_code WHERE r.programme_code = 'tekun' AND r.year = ? "
        "AND r.quarter = 4 GROUP BY ALL ORDER BY 1 LIMIT 1",
        [YEAR],
    )[0]
    (html,) = render_reports(
        YEAR, divisions=[code], formats=["html"], out_dir=tmp_path, warehouse=wh
    )
    text = untraced(html.read_text(encoding="utf-8"))
    assert html.name.endswith(".html") and f"{YEAR}年度民政工作总结" in text
    assert f"已纳入供养范围的特困人员{persons:,}人" in text
    n_towns = q(
        wh, "SELECT count(*) FROM dim_division WHERE is_current AND division_level = 'township'"
    )[0][0]
    assert f"在全县{n_towns}个乡镇（街道）中居第" in text


def test_quarterly_brief_and_money_in_wan(demo_env, tmp_path):
    """The second demo year's Q2 brief: year-to-date figures, 万元, and changes on a year ago."""
    from civstat.report import render_reports

    wh = demo_env["warehouse"]
    code, name = county(wh)
    year = YEAR + 1
    (html,) = render_reports(
        year, quarter=2, formats=["html"], out_dir=tmp_path, warehouse=wh, money_unit="万元"
    )
    text = untraced(html.read_text(encoding="utf-8"))
    assert html.name == f"民政工作简报_{year}Q2_{name}.html"
    assert f"{name}{year}年第2季度民政工作简报" in text
    (funds,) = q(
        wh,
        "SELECT sum(funds_ytd) FROM fct_funds WHERE programme_code = 'dibao' "
        "AND year = ? AND quarter = 2 AND county_code = ?",
        [year, code],
    )[0]
    assert f"1—6月共发放低保资金{funds / 10000:,.2f}万元" in text
    ((rate,),) = q(
        wh,
        "SELECT value FROM kpi_quarterly WHERE division_code = ? AND year = ? "
        "AND quarter = 2 AND kpi_code = 'tekun_centralized_rate'",
        [code, year],
    )
    # 2025Q2 lacks the blocked 杨庄镇: the county rate is marked and footnoted, and compared with
    # no year before (a rate over the townships less one against all of them)
    ((complete,),) = q(
        wh,
        "SELECT complete FROM kpi_quarterly WHERE division_code = ? AND year = ? "
        "AND quarter = 2 AND kpi_code = 'tekun_centralized_rate'",
        [code, year],
    )
    assert complete is False
    assert f"集中供养率{rate * 100:.1f}%*。" in text or f"集中供养率{rate * 100:.1f}%*，" in text
    assert f"集中供养率{rate * 100:.1f}%*，比上年" not in text and "比上年" not in text
    assert "* 特困人员集中供养率：不含杨庄镇（2025年二季度数据未通过审核）" in text
    assert "2025年全县合计不含杨庄镇（2025年二季度数据未通过审核），文中未与上年比较" in text
    # the trend charts stop at the brief's quarter (the warehouse holds the whole year)
    page = html.read_text(encoding="utf-8")
    points = {p.rstrip("*") for xs in re.findall(r'"x":\[([^\]]*)\]', page)
              for p in re.findall(r'"(\d{4}Q[1-4]\*?)"', xs)}
    assert f"{year}Q2" in points and max(points) == f"{year}Q2", sorted(points)


def test_xlsx_kpi_and_ranking_tables(county_files, demo_env):
    import openpyxl

    wh = demo_env["warehouse"]
    code, _ = county(wh)
    wb = openpyxl.load_workbook(county_files["xlsx"])
    assert {"主要指标", "目标完成情况", "乡镇排名"} <= set(wb.sheetnames)
    kpis = {r[0]: r for r in wb["主要指标"].iter_rows(min_row=4, values_only=True)}
    expected = dict(
        q(
            wh,
            "SELECT kpi_code, value FROM kpi_annual WHERE division_code = ? AND year = ?",
            [code, YEAR],
        )
    )
    assert set(kpis) == set(expected)
    for kpi_code, value in expected.items():
        if value is None:
            assert kpis[kpi_code][2] is None
        else:
            assert kpis[kpi_code][2] == pytest.approx(value)
    cell = next(c for c in wb["主要指标"]["A"] if c.value == "tekun_centralized_rate")
    assert wb["主要指标"].cell(cell.row, 3).number_format == "0.0%"
    # 分子 and 分母 as their measures are: persons whole, money to the 分 (not 630.0, 5,007,468.0)
    assert [wb["主要指标"].cell(cell.row, c).number_format for c in (5, 6)] == ["#,##0", "#,##0"]
    money = next(c for c in wb["主要指标"]["A"] if c.value == "temp_assist_per_case")
    numerator = wb["主要指标"].cell(money.row, 5)
    assert numerator.number_format == "#,##0.00"
    assert numerator.value == round(numerator.value, 2)
    top = [
        r
        for r in wb["乡镇排名"].iter_rows(min_row=4, values_only=True)
        if r[0] == "tekun_centralized_rate"
    ]
    best = q(
        wh,
        "SELECT max(value) FROM kpi_annual WHERE kpi_code = 'tekun_centralized_rate' "
        "AND year = ? AND division_level = 'township'",
        [YEAR],
    )[0][0]
    assert top[0][2] == 1 and top[0][4] == pytest.approx(best)


def test_cli_report_and_bad_format(demo_env, tmp_path):
    from click.testing import CliRunner

    from civstat.report.cli import report_command

    wh = str(demo_env["warehouse"])
    res = CliRunner().invoke(
        report_command,
        ["--year", str(YEAR), "--format", "xlsx", "--out", str(tmp_path), "--warehouse", wh],
    )
    assert res.exit_code == 0, res.output
    assert list(tmp_path.glob("*.xlsx"))
    res = CliRunner().invoke(
        report_command,
        ["--year", str(YEAR), "--format", "odt", "--out", str(tmp_path), "--warehouse", wh],
    )
    assert res.exit_code != 0 and "odt" in res.output
    res = CliRunner().invoke(
        report_command,
        ["--year", "1999", "--format", "html", "--out", str(tmp_path), "--warehouse", wh],
    )
    assert res.exit_code != 0 and "1999" in res.output


def test_dagster_asset_materializes_a_year(demo_env, tmp_path):
    import dagster as dg

    from civstat.defs.reports import year_end_summary
    from civstat.defs.resources import WarehouseResource

    assert dg.AssetKey(["warehouse", "published"]) in year_end_summary.dependency_keys
    with dg.instance_for_test() as instance:  # the year partitions are dynamic: register it
        instance.add_dynamic_partitions("year", [str(YEAR)])
        result = dg.materialize(
            [year_end_summary],
            partition_key=str(YEAR),
            instance=instance,
            resources={"warehouse": WarehouseResource(path=str(demo_env["warehouse"]))},
            run_config={
                "ops": {
                    "reports__year_end_summary": {
                        "config": {"formats": "html", "out_dir": str(tmp_path)}
                    }
                }
            },
        )
    assert result.success
    assert len(list(tmp_path.glob(f"年度民政工作总结_{YEAR}_*.html"))) == 1


# -- incomplete aggregates, 数据说明, rates that cannot vary ----------------------------------------
BLOCKED_TOWN, BLOCKED_PERIOD = "杨庄镇", "2025Q2"  # the demo's planted hard failure (H4)


def _builder(demo_env, year: int, division: str | None = None, quarter: int | None = None):
    from civstat.report.builder import Builder, Options
    from civstat.report.data import MartReader

    con = duckdb.connect(str(demo_env["warehouse"]), read_only=True)
    return con, Builder(MartReader(con), Options(year=year, division=division, quarter=quarter))


def _notes(report) -> str:
    section = next(s for s in report.sections if s.anchor == "data-notes")
    return "".join(section.paragraphs)


@pytest.fixture(scope="session")
def county_2025_html(demo_env, tmp_path_factory):
    from civstat.report import render_reports

    (html,) = render_reports(
        2025, formats=["html"], out_dir=tmp_path_factory.mktemp("r2025"),
        warehouse=demo_env["warehouse"],
    )
    return html.read_text(encoding="utf-8")


def test_blocked_quarter_is_marked_and_footnoted(demo_env, county_2025_html):
    wh = demo_env["warehouse"]
    # the warehouse's own figures: 2025Q2's county sum lacks the blocked township
    assert q(wh, "SELECT townships_expected - townships_included, complete FROM period_coverage "
                 "WHERE division_level = 'county' AND period = ?", [BLOCKED_PERIOD]) == [(1, False)]
    con, b = _builder(demo_env, 2025)
    try:
        report = b.build()
    finally:
        con.close()
    trend = next(c for c in report.charts if c.chart_id == "dibao-trend")
    labels = list(trend.figure.data[0].x)
    short = {  # the county's quarters whose sum lacks a township (the demo plants two)
        f"{p}*"
        for (p,) in q(wh, "SELECT period FROM period_coverage WHERE division_level = 'county' "
                          "AND NOT complete AND period <= '2025Q4'")
    }
    assert f"{BLOCKED_PERIOD}*" in short
    assert {x for x in labels if x.endswith("*")} == short & set(labels)
    footnote = f"* 2025年二季度全县合计：不含{BLOCKED_TOWN}（2025年二季度数据未通过审核）"
    dibao = next(blk for s in report.sections for blk in s.blocks if blk.anchor == "dibao")
    assert footnote in dibao.notes
    # 月人均补助 accumulates the year's quarters: the annual figure lacks 杨庄镇 too, and says so
    assert ("* 城市低保月人均补助水平：不含杨庄镇（2025年二季度数据未通过审核）、王营镇（2025年三季度"
            "数据未通过审核）") in dibao.notes  # the year's average: both blocked quarters
    assert any("月人均补助" in p and "元*" in p for p in dibao.paragraphs)
    text = squash(county_2025_html)
    assert squash(footnote) in text
    notes = _notes(report)
    assert "下列汇总数未包含全部乡镇（街道）" in notes
    assert "2025年二季度全县合计不含杨庄镇（2025年二季度数据未通过审核）" in notes
    assert squash("下列汇总数未包含全部乡镇（街道），文中和图表中以“*”标注") in text


def test_data_notes_agree_with_their_tables(demo_env):
    con, b = _builder(demo_env, 2025)
    try:
        report = b.build()
    finally:
        con.close()
    section = next(s for s in report.sections if s.anchor == "data-notes")
    notes = _notes(report)
    hard = next(t for t in section.tables if "硬性规则" in t.caption)
    blocked = sorted({(r[0], r[1]) for r in hard.rows})
    assert (BLOCKED_PERIOD, BLOCKED_TOWN) in blocked
    # a blocked return listed below: never "all passed" above it
    assert "全部乡镇（街道）数据均已通过质量审核并发布" not in notes
    assert f"被质量审核拦截、未纳入统计的季报{len(blocked)}份：" in notes
    assert f"{BLOCKED_TOWN}2025年二季度（审核规则H4）" in notes
    soft = next(t for t in section.tables if "软性规则" in t.caption)
    # a soft finding on a blocked return is listed, and said not to be published: 王营镇 2025Q3
    held = [r for r in soft.rows if r[-1].endswith("；该期报表未通过硬性审核，未发布")]
    assert held and all((r[0], r[1]) in blocked for r in held)
    assert {(r[0], r[1]) for r in soft.rows if r not in held}.isdisjoint(blocked)
    assert f"另有{len(held)}条提示所在的报表未通过硬性审核、未发布" in notes
    # 城关街道 filled in 表8 (选报表) in Q1–Q3, not in Q4: its 1月至三季度 figures are in no sum
    assert "城关街道本年前几季度填报了该表、四季度未填报，其本年累计数未计入" in notes
    published = [r for r in soft.rows if r not in held]
    unexplained = sum(1 for r in published if r[-1] == "（未说明）")
    explained = len(published) - unexplained
    assert f"质量审核提示{len(published)}条（软性规则，数据已发布）" in notes
    assert "已发布并附说明" not in notes
    if unexplained:
        assert f"{unexplained}条未说明" in notes
    if explained:
        assert f"其中{explained}条已附说明" in notes
    else:
        assert "已附说明" not in notes


def test_placement_rate_with_pending_veterans(demo_env, tmp_path):
    from civstat.report import render_reports

    wh = demo_env["warehouse"]
    # a township that reports 待安置 > 0: 安排工作 ÷ (安排工作 + 待安置), from its raw return
    code, placed, pending = q(
        wh,
        "SELECT y.division_code, y.veterans_placed_ytd, y.veterans_pending "
        "FROM raw.youfu y JOIN raw.submissions s USING (submission_id) "
        "JOIN dim_division d ON d.division_code = y.division_code "
        "WHERE s.is_current AND y.year = ? AND y.quarter = 4 AND y.veterans_pending > 0 "
        "AND d.is_current AND NOT EXISTS (SELECT 1 FROM dim_division m "
        "WHERE m.successor_code = y.division_code) ORDER BY y.division_code LIMIT 1",
        [YEAR],
    )[0]
    expected = placed / (placed + pending)
    (value,) = q(wh, "SELECT value FROM kpi_annual WHERE division_code = ? AND year = ? "
                     "AND kpi_code = 'veteran_placement_rate'", [code, YEAR])[0]
    assert value == pytest.approx(expected) and value < 1
    (html,) = render_reports(YEAR, divisions=[code], formats=["html"], out_dir=tmp_path,
                             warehouse=wh)
    text = untraced(html.read_text(encoding="utf-8"))
    assert f"期末待安置{pending}人" in text
    assert f"退役士兵安置率{expected * 100:.1f}%" in text


def test_no_rate_that_is_100_percent_by_construction(demo_env):
    wh = demo_env["warehouse"]
    # a township without 待安置: 安排工作 ÷ (接收 − 自主就业) is 100 % whenever the return balances,
    # so it has no rate (kpi_annual's value is NULL)
    code = q(
        wh,
        "SELECT f.current_division_code FROM fct_veteran_placement f JOIN kpi_annual k "
        "ON k.division_code = f.current_division_code AND k.year = f.year "
        "AND k.kpi_code = 'veteran_placement_rate' WHERE f.year = ? AND f.quarter = 4 "
        "GROUP BY ALL HAVING count(f.veterans_pending) = 0 AND count(k.value) = 0 "
        "AND sum(f.veterans_received_ytd) = sum(f.veterans_placed_ytd) "
        "+ sum(f.veterans_self_employed_ytd) AND sum(f.veterans_received_ytd) > 0 "
        "ORDER BY 1 LIMIT 1",
        [YEAR],
    )[0][0]
    con, b = _builder(demo_env, YEAR, division=code)
    try:
        report = b.build()
    finally:
        con.close()
    veterans = next(blk for s in report.sections for blk in s.blocks
                    if blk.anchor == "youfu-veterans")
    text = "".join(veterans.paragraphs)
    assert "接收退役士兵" in text
    assert "安置率" not in text


def test_no_ranking_when_values_cannot_vary(demo_env):
    import polars as pl

    for division in (None, "371599001000"):  # the county report and a township's
        con, b = _builder(demo_env, YEAR, division=division)
        try:
            code = "nursing_bed_share"
            assert b.ranking_sentence(code) is not None
            towns = pl.col("division_code").is_in(b.siblings) & (pl.col("kpi_code") == code)
            # equal as printed (28.5%): no ranking sentence and no ranking chart
            b.k_now = b.k_now.with_columns(
                value=pl.when(towns).then(0.2851 + (pl.col("division_code").str.slice(-4, 1)
                                                    .cast(pl.Int64) % 2) * 0.0003)
                .otherwise(pl.col("value"))
            )
            assert b.ranking_sentence(code) is None
            assert b.ranking_chart(code) is None
        finally:
            con.close()


def test_added_figures_in_the_2025_summary(demo_env, county_2025_html):
    """What the added columns hold, stated in the demo county's 2025 summary as the warehouse
    has it: 特困 standards and new persons in centralised care, the rural centralised rate,
    the two subsidies' funds, orphans' standards, 精减退职人员, 实物救助, bed growth and the
    safety hazards (a figure may carry * when its aggregate lacks a township)."""
    wh = demo_env["warehouse"]
    code, _ = county(wh)
    text = squash(re.sub(r"<[^>]+>", "", county_2025_html))

    def measure(m, division=code):
        rows = q(wh, "SELECT value FROM fct_measures WHERE measure_code = ? AND division_code = ? "
                     "AND year = 2025 AND quarter = 4", [m, division])
        return rows[0][0] if rows else None

    def kpi(k):
        return q(wh, "SELECT value FROM kpi_annual WHERE kpi_code = ? AND division_code = ? "
                     "AND year = 2025", [k, code])[0][0]

    def level(m, unit="年"):  # one figure where the townships agree, else their range
        lo, hi = q(wh, "SELECT min(value), max(value) FROM fct_measures f JOIN dim_division d "
                       "USING (division_code) WHERE f.measure_code = ? AND d.county_code = ? "
                       "AND f.division_level = 'township' AND f.year = 2025 AND f.quarter = 4",
                   [m, code])[0]
        n = f"{lo:,.0f}" if lo == hi else f"{lo:,.0f}—{hi:,.0f}"
        return f"{unit}人均{n}元"  # 元/人·年 → 年人均3,300元, as the seeds write it

    def has(pattern):
        assert re.search(pattern, text), pattern

    n = kpi("tekun_new_centralized")
    has(rf"其中新增集中供养{n:,.0f}人\*?。")
    for cat, label in (("urban", "城市特困"), ("rural", "农村特困")):
        has(rf"{label}人员集中供养标准{level('tekun_std_centralized_' + cat)}，"
            rf"分散供养标准{level('tekun_std_dispersed_' + cat)}。")
    has(rf"其中农村特困人员集中供养率{kpi('tekun_centralized_rate_rural') * 100:.1f}%\*?，比上年")
    has(rf"其中集中供养资金{money_text(measure('tekun_centralized_funds_ytd'))}\*?、"
        rf"分散供养资金{money_text(measure('tekun_dispersed_funds_ytd'))}")
    growth = kpi("eldercare_beds_growth") * 100
    has(rf"养老机构床位比上年末{'增长' if growth > 0 else '下降'}{abs(growth):.1f}%")
    has(rf"排查养老机构安全隐患{measure('eldercare_hazards_found'):,.0f}项\*?，已整改"
        rf"{measure('eldercare_hazards_rectified'):,.0f}项\*?，整改率"
        rf"{kpi('safety_hazard_rectification_rate') * 100:.1f}%")
    has(rf"其中困难残疾人生活补贴{money_text(measure('disability_hardship_funds_ytd'))}\*?、"
        rf"重度残疾人护理补贴{money_text(measure('disability_care_funds_ytd'))}")
    has(rf"集中养育孤儿基本生活费标准{level('orphan_std_centralized', '月')}，"
        rf"散居孤儿基本生活费标准{level('orphan_std_dispersed', '月')}")
    has(rf"现有精减退职人员{measure('retired_workers'):,.0f}人\*?，全年发放精减退职人员生活补助"
        rf"{money_text(measure('retired_workers_funds_ytd'))}")
    (in_kind,) = q(wh, "SELECT sum(funds_ytd) FROM fct_funds WHERE programme_code = "
                       "'temp_assist_in_kind' AND year = 2025 AND quarter = 4 AND county_code = ?",
                   [code])[0]
    has(rf"其中实物救助折款{money_text(in_kind)}")


def test_the_document_as_the_bureau_sends_it(demo_env, county_2025_html):
    """Structure and register of the county's 2025 summary, figures read back from the warehouse:
    一、二、三、附件 and the 落款 (the county's name + 民政局); standards 由月人均X元提高到月人均Y元;
    per-person levels whole 元; no 比上年持平, no None, no zero-padded date."""
    wh = demo_env["warehouse"]
    code, name = county(wh)
    html = county_2025_html
    page = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.DOTALL)  # plotly.js is no text
    body = squash(re.sub(r"<[^>]+>", "", page[: page.index('id="annex"')]))
    for head in ("一、主要工作完成情况", "二、存在的问题和不足", "三、2026年工作打算"):
        assert f"<h2>{head}</h2>" in html
    assert "<h2>附件</h2>" in html and "附件1　主要统计表" in html
    assert f'<p class="issuer">{name}民政局</p>' in html
    assert "【待填写】" in body  # no narrative file in the demo: where the parts go
    # 城市低保 standard: the warehouse's year-ends, as the seeds write it
    before, after = (
        q(wh, "SELECT DISTINCT value FROM fct_measures f JOIN dim_division d USING (division_code) "
              "WHERE measure_code = 'dibao_standard_urban' AND d.county_code = ? "
              "AND f.division_level = 'township' AND f.year = ? AND f.quarter = 4", [code, y])
        for y in (2024, 2025)
    )
    if len(before) == 1 and len(after) == 1 and after[0][0] > before[0][0]:
        assert (f"城市低保保障标准由月人均{before[0][0]:,.0f}元提高到月人均{after[0][0]:,.0f}元"
                in body)
    (per_capita,) = q(wh, "SELECT value FROM kpi_annual WHERE kpi_code = "
                          "'dibao_monthly_per_capita_rural' AND division_code = ? AND year = 2025",
                      [code])[0]
    assert f"农村低保月人均补助水平{round(per_capita):,}元" in body
    (relief,) = q(wh, "SELECT value FROM kpi_annual WHERE kpi_code = "
                      "'disaster_relief_per_affected' AND division_code = ? AND year = 2025",
                  [code])[0]
    assert f"人均救灾资金{round(relief):,}元" in body
    for wrong in ("比上年持平", "None", "元/人·月", "人次均救助"):
        assert wrong not in body, wrong
    assert not re.search(r"受灾人口人均救灾资金[\d,]", body)  # the sentence says 人均救灾资金 (a footnote may name the KPI)
    assert not re.search(r"年0\d月|月0\d日", html)
    hazards = re.search(r"按灾种分：([^。]*)。", body)
    if hazards and "其他" in hazards.group(1):
        assert hazards.group(1).split("、")[-1].startswith("其他")


def test_xlsx_says_which_figures_leave_a_township_out(demo_env, tmp_path):
    """The XLSX companion of the 2025 summary: a KPI, a measure or a sum short of a township says
    which and why in its 说明 column, as the text marks it "*" and footnotes it. Before, the sheets
    had no marker at all: 城市低保累计支出 of the townships with every quarter's person-months
    (48,529,117 of 52,498,204: 杨庄镇 and 王营镇 each had a quarter blocked) sat unmarked beside
    last year's complete figure, and 杨庄镇's blank cells were unexplained. Now 城市低保累计支出 is
    every township's, and the per-capita basis is a row of its own."""
    import openpyxl

    from civstat.report import render_reports

    wh = demo_env["warehouse"]
    code, _ = county(wh)
    (xlsx,) = render_reports(2025, formats=["xlsx"], out_dir=tmp_path, warehouse=wh)
    wb = openpyxl.load_workbook(xlsx)
    kpis = {r[0]: r for r in wb["主要指标"].iter_rows(min_row=4, values_only=True)}
    # 月人均补助水平 (a year's funds over its person-months) lacks the townships with a blocked quarter
    note = kpis["dibao_monthly_per_capita_urban"][-1]
    assert note.startswith("2025年不含") and "杨庄镇（2025年二季度数据未通过审核）" in note
    assert kpis["tekun_centralized_rate"][-1] == ""   # a year-end stock: every township's Q4
    # noted: the KPIs short of a township's return (complete false), and those whose terms some
    # townships did not give (an optional sheet left out: townships_reporting < included)
    short = q(wh, "SELECT kpi_code FROM kpi_annual WHERE division_code = ? AND year = 2025 AND "
                  "(NOT complete OR townships_reporting < townships_included)", [code])
    assert {k for k, r in kpis.items() if (r[-1] or "").startswith("2025年不含")} == {
        k for (k,) in short}
    assert kpis["social_orgs_per_10k"][-1].startswith("2025年不含")  # 表11 left out by some
    measures = {r[1]: r for r in wb["基础数据"].iter_rows(min_row=4, values_only=True)}
    (whole,) = q(wh, "SELECT sum(funds_ytd) FROM fct_funds WHERE period = '2025Q4' AND "
                     "programme_code = 'dibao' AND category = 'urban' AND county_code = ?", [code])[0]
    # 城市低保累计支出 is every township's (their Q4 returns are published), as the text's is
    funds, note = measures["dibao_funds_ytd_urban"][3], measures["dibao_funds_ytd_urban"][-1]
    assert funds == pytest.approx(whole, abs=0.005) and note == ""
    # the per-capita basis (townships with every quarter's persons) is its own row, marked
    basis = measures["dibao_funds_for_per_capita_urban"]
    assert basis[3] < whole and "月人均补助口径" in basis[2]
    assert basis[-1].startswith("2025年不含") and "杨庄镇（2025年二季度数据未通过审核）" in basis[-1]
    towns = {r[0]: r[-1] for r in wb["最低生活保障"].iter_rows(min_row=4, values_only=True)}
    assert towns["杨庄镇"] == "2025年二季度数据未通过审核"
    assert [t for t, n in towns.items() if n] == ["杨庄镇", "王营镇"]


def test_an_annex_table_with_a_marked_figure_carries_its_footnote(demo_env):
    """附件1 表1 (低保) prints 月人均补助水平 615* and 498* (2025: 杨庄镇 and 王营镇 each had a
    quarter blocked); its footnote stayed under the text in part 一, so the table read on its
    own did not say whom the figures leave out."""
    con, b = _builder(demo_env, 2025)
    try:
        report = b.build()
    finally:
        con.close()
    tables = [t for s in report.sections for blk in s.blocks for t in blk.tables]
    (dibao,) = [t for t in tables if "最低生活保障" in t.caption and "乡镇" not in t.caption]
    marked = [c for row in dibao.rows for c in row if isinstance(c, str) and c.endswith("*")]
    assert marked, dibao.rows
    assert dibao.note and "城市低保月人均补助水平：不含" in dibao.note
    assert "杨庄镇（2025年二季度数据未通过审核）" in dibao.note


def _text(report) -> str:
    def walk(section):
        yield from section.paragraphs
        for block in section.blocks:
            yield from block.paragraphs

    return "".join(p for s in report.sections for p in walk(s))


def test_an_optional_sheet_filled_in_by_other_townships_last_year_is_not_compared(demo_env):
    """表12 (选报表): in 2024 白庙乡 filled it in and 马店镇 did not; 马店镇 absorbed 白庙乡 in 2025
    and filled it in. The 2025 sums cover the merged 马店镇 whole, 2024's only its 白庙乡 part:
    志愿者占户籍人口8.2%，与上年持平 compared different townships (like for like 8.23% → 8.66%).
    No 比上年 for 表12's figures then, and 数据说明 says why."""
    con, b = _builder(demo_env, 2025)
    try:
        report = b.build()
    finally:
        con.close()
    text = _text(report)
    lottery = text[text.index("全年全县销售福利彩票"):]
    lottery = lottery[:lottery.index("注册志愿者占户籍人口比例")]
    assert "上年" not in lottery
    assert ("2024年全县合计中“表12 福利彩票与慈善”的填报乡镇（街道）与本年不同（马店镇），"
            "文中未与上年比较") in _notes(report)
    # the required sheets' figures are compared as before
    assert "比上年" in text[:text.index("全年全县销售福利彩票")]
