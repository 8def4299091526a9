"""Traceable figures (issue 13): in the HTML summary every figure of the text and tables shows,
on hover, focus or click, how it was made — the KPI's formula, numerator and denominator, the
townships it sums, and the returns (file, sheet, row) behind a township's figure — all read from
the warehouse (report/trace.py); the PDF and DOCX carry none of it."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from civstat.report.phrases import render_clauses
from civstat.report.trace import Fig, Traced, segments

YEAR = 2025
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SPAN = re.compile(r'<span class="fig" data-trace="(t\d+)" tabindex="0">(.*?)</span>', re.DOTALL)


# -- the phrase engine keeps track of where the figures stand -------------------------------------
def test_sentence_knows_where_its_figures_are():
    phrases = {"joiner": "，", "end": "。"}
    s = render_clauses(
        ["共{a}人", "比上年{b}", "其中{missing}户"],
        phrases,
        a=Fig("1,234", "t1") + "*",
        b=Fig("增加5人", "t2"),
        missing=None,
    )
    assert s == "共1,234人*，比上年增加5人。"  # the mark after the unit
    assert isinstance(s, Traced)
    assert segments(s) == [
        ("共", None),
        ("1,234", "t1"),
        ("人*，比上年", None),
        ("增加5人", "t2"),
        ("。", None),
    ]
    assert segments("无数字") == [("无数字", None)]


def test_a_mark_stands_after_the_unit_the_clause_writes():
    phrases = {"joiner": "，", "end": "。"}
    marked = {"a": Fig("1", "t1") + "*", "b": Fig("10.0", "t2") + "*", "n": Fig("3", "t3") + "*"}
    s = render_clauses(["期末待安置{a}人次", "养老床位{b}张", "{n}个乡镇未报送"], phrases, **marked)
    # 人次 whole (the longest unit), 张 before the joiner; 个 of 个乡镇 is no unit standing alone
    assert s == "期末待安置1人次*，养老床位10.0张*，3*个乡镇未报送。"
    assert segments(s)[:4] == [("期末待安置", None), ("1", "t1"), ("人次*，养老床位", None),
                               ("10.0", "t2")]
    unmarked = render_clauses("期末待安置{a}人", phrases, a=Fig("1", "t1"))
    assert unmarked == "期末待安置1人。"


# -- the county's HTML ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def county(demo_env, tmp_path_factory):
    from civstat.report.builder import Options, build_report
    from civstat.report.data import MartReader
    from civstat.report.writers import render_pdf_html, write_html
    from civstat.warehouse import Warehouse

    with Warehouse.at(demo_env["warehouse"]).reader() as con:
        report = build_report(MartReader(con), Options(YEAR))
    html = write_html(report, tmp_path_factory.mktemp("trace") / "county.html")
    source = html.read_text(encoding="utf-8")
    block = re.search(
        r'<script type="application/json" id="civstat-traces">(.*?)</script>', source, re.DOTALL
    )
    assert block, "the page holds no trace block"
    return {
        "report": report,
        "html": html,
        "source": source,
        "data": json.loads(block[1]),
        "pdf_page": render_pdf_html(report),
    }


@pytest.fixture(scope="module")
def wh(demo_env):
    con = duckdb.connect(str(demo_env["warehouse"]), read_only=True)
    yield con
    con.close()


def test_figures_in_text_and_tables_are_traced(county):
    source, data = county["source"], county["data"]
    assert source.count('id="civstat-traces"') == 1  # one JSON block
    spans = SPAN.findall(source)
    ids = {t for t, _ in spans}
    assert len(spans) >= 150, len(spans)
    assert ids <= set(data["traces"]), ids - set(data["traces"])
    main = source[source.index("<main>") : source.index("</main>")]
    # figures in running text and in table cells alike
    assert re.search(r"<p>[^<]*" + SPAN.pattern, main)
    assert re.search(r'<td class="num">' + SPAN.pattern + "</td>", main)
    kinds = {data["traces"][t]["kind"] for t in ids}
    assert {"kpi", "measure", "fact", "change"} <= kinds, kinds
    # the span holds the figure as the sentence prints it (a change may read 与上年持平)
    for tid, text in spans:
        assert re.search(r"\d", text) or data["traces"][tid]["kind"] == "change", (tid, text)


# -- no number of the body outside a traced figure -------------------------------------------------
# Not read from the page's body: headings (一、（一）…, 2025年 in a title), table captions (表N),
# column headers (units such as 元/人·月), charts (their own labels), the cover, the table of
# contents, the 落款 (issuer and date), and a part the bureau is still to write (p.placeholder:
# an instruction naming its file, e.g. narrative/2025_清河县.md).
SKIPPED = {
    "h1",
    "h2",
    "h3",
    "h4",
    "caption",
    "th",
    "figure",
    "footer",
    "header",
    "nav",
    "script",
    "style",
}
VOID = {"br", "img", "meta", "link", "hr", "input", "wbr", "col", "source"}
# Digits that are no figure, removed before looking for numbers (the whitelist, kept short):
WHITELIST = [
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?",  # a year or a date: 2025年, 2026年1月12日
    r"\d{1,2}(?:—|-|至)\d{1,2}月",  # a span of months: 1—12月
    r"\d{4}Q[1-4]",  # a reporting period (报告期 of the quality tables): 2025Q2
    r"表\d+",  # the return's sheet a 数据说明 sentence names: “表14 流浪乞讨人员救助”
    r"(?<![A-Za-z0-9])[HS]\d+",  # a quality rule's code: 审核规则H4, S12
    r"3A(?=级?及以上)",  # a grade of the social organisations' evaluation: 3A及以上
    r"10万元(?=以[上下])",  # 数据说明's rule for money units: 10万元以上…以万元表述
]
NOT_FIGURES = re.compile("|".join(WHITELIST))
DIGITS = re.compile(r"\d[\d,.]*")


class _Untraced(HTMLParser):
    """Digit runs of ``<main>`` outside ``span.fig`` and outside :data:`SKIPPED` elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped: a heading, caption, span.fig …)
        self.found: list[tuple[str, str, str]] = []  # (element, number, its text)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        cls = dict(attrs).get("class") or ""
        skip = (
            tag in SKIPPED
            or (tag == "span" and "fig" in cls.split())
            or (tag == "p" and "placeholder" in cls.split())
        )
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(skip for _, skip in self.stack):
            return
        text = NOT_FIGURES.sub("", data)
        for m in DIGITS.finditer(text):
            where = self.stack[-1][0] if self.stack else "?"
            self.found.append((where, m[0], data.strip()[:80]))


def untraced_numbers(source: str) -> list[tuple[str, str, str]]:
    """Every number in the body's running text and table cells not inside a traced figure:
    (element, number, the text it stands in)."""
    main = source[source.index("<main>") : source.index("</main>") + len("</main>")]
    parser = _Untraced()
    parser.feed(main)
    parser.close()
    return parser.found


def test_every_number_of_the_body_is_traced(county):
    """Issue 13: every figure in the text and tables carries its trace — a number of the body
    (running text, footnotes, table cells) outside ``span.fig`` fails, save the whitelist."""
    bad = untraced_numbers(county["source"])
    assert bad == [], f"{len(bad)} numbers untraced: {bad[:30]}"


def test_untraced_check_catches_a_bare_number():
    page = (
        '<main><h2>一、2025年工作</h2><p>全县<span class="fig" data-trace="t1" tabindex="0">'
        "1,234</span>人，2025年12月31日共<b>56</b>起。</p><table><caption>表1</caption>"
        "<tr><th>床位（张/千人）</th><td>2025Q4</td><td>7.5</td></tr></table></main>"
    )
    assert untraced_numbers(page) == [("b", "56", "56"), ("td", "7.5", "7.5")]


def _kpi_trace(data: dict, code: str, division: str) -> dict:
    hits = [
        t
        for t in data["traces"].values()
        if t["kind"] == "kpi"
        and t["code"] == code
        and t["division"] == division
        and "numerator" in t
    ]
    assert hits, f"no trace of {code} for {division}"
    return hits[0]


def test_kpi_trace_says_how_many_townships_gave_its_terms(county, wh):
    """A KPI of an optional sheet or column (儿童主任配备率 …) that some townships left out: its
    popover says how many of those counted gave its terms, as kpi_annual counts them; a KPI
    every township gave says nothing of it."""
    report, data = county["report"], county["data"]
    rows = wh.execute(
        "SELECT kpi_code, townships_included, townships_reporting FROM kpi_annual "
        "WHERE year = ? AND division_code = ?", [YEAR, report.division_code]).fetchall()
    traced = {t["code"]: t for t in data["traces"].values() if t["kind"] == "kpi"
              and t["division"] == report.division_code and t.get("coverage")}
    short = [(code, rep) for code, inc, rep in rows if rep < inc and code in traced]
    whole = [code for code, inc, rep in rows if rep == inc and code in traced]
    assert short and whole  # the demo county has both kinds
    for code, rep in short:
        assert f"其中{rep}个填报了该指标的分子和分母" in traced[code]["coverage"], code
    for code in whole:
        assert "填报了该指标" not in traced[code]["coverage"], code


def test_kpi_trace_quotes_the_warehouse(county, wh):
    report, data = county["report"], county["data"]
    code = "dibao_coverage_rate_rural"
    t = _kpi_trace(data, code, report.division_code)
    num, den, included, expected = wh.execute(
        "SELECT numerator, denominator, townships_included, townships_expected FROM kpi_annual "
        "WHERE year = ? AND kpi_code = ? AND division_code = ?",
        [YEAR, code, report.division_code],
    ).fetchone()
    assert t["numerator"]["value"] == pytest.approx(num)
    assert t["denominator"]["value"] == pytest.approx(den)
    assert t["numerator"]["name"] == "农村低保期末人数"
    assert t["denominator"]["name"] == "农村户籍人口"
    assert "÷" in t["formula"]
    assert t["numerator"]["text"].replace(",", "").startswith(str(round(num)))
    assert f"计入{included}个" in t["coverage"] and f"应计{expected}个" in t["coverage"]
    # the townships it covers, each with its own numerator, as kpi_annual holds them
    towns = dict(
        wh.execute(
            "SELECT division_name, numerator FROM kpi_annual WHERE year = ? AND kpi_code = ? "
            "AND division_level = 'township' AND numerator IS NOT NULL",
            [YEAR, code],
        ).fetchall()
    )
    shown = {x["name"]: x["numerator"] for x in t["townships"] if x["numerator"] is not None}
    assert set(shown) == set(towns)
    for name, text in shown.items():
        assert float(text.replace(",", "").rstrip("人")) == pytest.approx(towns[name])


def test_township_figure_names_its_returns(county, wh):
    """A township's cell of the KPI table: its trace names the file, sheet and rows of the
    township's return, and those rows are in the raw layer, from that township."""
    data = county["data"]
    checked = 0
    for t in data["traces"].values():
        if (
            t["kind"] != "kpi"
            or not t.get("returns")
            or t["division"] == county["report"].division_code
        ):
            continue
        for rid in t["returns"]:
            for r in data["returns"][rid]:
                assert r["file"] and r["sheet"]
                if r["table"] is None:  # the cover: 户籍人口
                    continue
                assert r["rows"], r
                found = wh.execute(
                    f"SELECT count(*), min(s.submission_id) FROM raw.submissions AS s "
                    f"JOIN raw.{r['table']} AS t USING (submission_id) WHERE s.file_path = ? "
                    "AND t.source_sheet = ? AND list_contains(?, t.source_row)",
                    [r["file"], r["sheet"], r["rows"]],
                ).fetchone()
                assert found[0] == len(r["rows"]), r
                (township,) = wh.execute(
                    "SELECT coalesce(current_division_code, division_code) FROM quality_status "
                    "WHERE submission_id = ?",
                    [found[1]],
                ).fetchone()
                assert township == t["division"], (r, t["division"])
                checked += 1
    assert checked >= 10


def test_print_formats_carry_no_popover(county):
    page = county["pdf_page"]
    assert "data-trace" not in page and "civstat-traces" not in page
    assert "trace-pop" not in page


CHECK = """<script>(function(){
  var out = {n: 0, bad: []}, figs = document.querySelectorAll('.fig[data-trace]');
  var data = JSON.parse(document.getElementById('civstat-traces').textContent);
  figs.forEach(function (f) {
    out.n++;
    civstatTrace.show(f);
    var p = civstatTrace.popover, t = data.traces[f.getAttribute('data-trace')];
    var txt = p.textContent;
    if (p.hidden || !t || !txt || txt.indexOf(t.title) < 0 || txt.indexOf(t.formula || '') < 0
        || (t.value && txt.indexOf(t.value) < 0)
        || (t.townships && p.querySelectorAll('tr').length !== t.townships.length + 1))
      out.bad.push(f.getAttribute('data-trace'));
    civstatTrace.hide();
  });
  var pre = document.createElement('pre'); pre.id = 'trace-check';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
})();</script>"""


def popover_check(source: str, tmp: Path) -> tuple[dict, list[str]]:
    """Open the page in headless Chromium (offline flags, NetLog) with a script that shows
    every traced figure's popover in turn: ({n, bad: ids whose popover lacks its trace}, the
    URLs the page requested)."""
    from test_report import load_in_chromium

    head, sep, tail = source.rpartition("</body>")
    page = tmp / "page.html"
    page.write_text(head + CHECK + sep + tail, encoding="utf-8")
    dom, requested = load_in_chromium(page, tmp)
    m = re.search(r'<pre id="trace-check">(.*?)</pre>', dom, re.DOTALL)
    assert m, "the check script did not run"
    return json.loads(m[1].replace("&quot;", '"')), requested


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_every_popover_fills_in_chromium(county, tmp_path):
    """Headless Chromium, offline: the page requests nothing, and every traced figure's
    popover shows its trace (title, value, formula, one row per township) when shown."""
    result, requested = popover_check(county["source"], tmp_path)
    assert requested == [], f"the page fetched {requested}"
    assert result["n"] == len(SPAN.findall(county["source"])) > 0
    assert result["bad"] == []


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_popover_check_catches_a_missing_trace(county, tmp_path):
    """The same check on the page with one figure's trace removed from the JSON block."""
    source = county["source"]
    tid = SPAN.search(source)[1]
    data = json.loads(json.dumps(county["data"]))
    del data["traces"][tid]
    block = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    broken = re.sub(
        r'(<script type="application/json" id="civstat-traces">).*?(</script>)',
        lambda m: m[1] + block + m[2],
        source,
        count=1,
        flags=re.DOTALL,
    )
    result, _ = popover_check(broken, tmp_path)
    assert result["bad"] and set(result["bad"]) == {tid}
