"""A corpus of returns civstat did not write: a small county (试验县, three townships, 2023Q3
and 2023Q4) typed cell by cell with openpyxl in the layouts clerks use — the contract's
literal labels (其中:城镇人口(人)), a merged two-row header, numbers as text, a 万元 header,
a 合计 row and a footer, standards in both units (元/人·月 and 元/人·年, in the header, in the
cell, or by convention), amounts to the 分 — and one township sending plain CSV exports.

It is ingested, gated by the edit rules, built and published, and the county summary is
rendered; every expected figure is computed here from the cells written (sums of the cells),
independently of the SQL, and checked in ``kpi_annual``, ``dibao_standards`` and the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from handmade import write_cells, write_csv_group, write_reference

from civstat.ingest import ingest
from civstat.refresh import refresh
from civstat.report import formatting as f
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow

YEAR = 2023
COUNTY = "330599000000"
A, B, C = "330599001000", "330599100000", "330599200000"  # 城南街道, 青石镇, 桃源乡
NAMES = {A: ("城南街道", "城南", "街道"), B: ("青石镇", "青石", "镇"), C: ("桃源乡", "桃源", "乡")}
POP = {A: (30000, 22000, 8000, 6000), B: (42000, 12000, 30000, 9000), C: (25000, 3000, 22000, 5500)}

# 低保 per township, quarter and category: households, persons, new h/p, exited h/p (YTD),
# funds (元, YTD), standard (as the township reports it) and its unit.
DIBAO = {
    (A, 3): {"urban": (120, 210, 8, 12, 5, 7, 380000.50, 680, "month"),
             "rural": (40, 70, 3, 5, 2, 3, 190000.00, 4200, "year")},
    (A, 4): {"urban": (121, 212, 10, 16, 6, 9, 507340.25, 680, "month"),
             "rural": (41, 71, 4, 7, 2, 4, 255300.80, 4200, "year")},
    (B, 3): {"urban": (60, 100, 4, 6, 2, 3, 185600.00, 700, "month"),
             "rural": (300, 520, 20, 30, 15, 25, 961234.56, 4200, "year")},
    (B, 4): {"urban": (61, 102, 5, 9, 2, 4, 247350.00, 700, "month"),
             "rural": (302, 524, 26, 40, 18, 31, 1287654.32, 4200, "year")},
    (C, 3): {"urban": (10, 18, 1, 2, 0, 0, 61200.00, 8400, "year"),
             "rural": (260, 450, 15, 22, 10, 16, 733500.40, 4800, "year")},
    (C, 4): {"urban": (10, 18, 1, 3, 1, 1, 81650.00, 8400, "year"),
             "rural": (262, 454, 19, 30, 12, 20, 980120.60, 4800, "year")},
}
# 医疗救助: insured persons, insured funds, direct person-times, direct funds (YTD, 元)
MED = {(A, 3): (300, 75000.0, 120, 276380.25), (A, 4): (300, 75000.0, 167, 384560.63),
       (B, 3): (200, 50000.0, 80, 150000.10), (B, 4): (200, 50000.0, 110, 201234.56),
       (C, 3): (150, 37500.0, 40, 60000.00), (C, 4): (150, 37500.0, 55, 88888.88)}
TEKUN = {3: {"urban": (4, 1, 3, 1, 60000.0), "rural": (30, 12, 18, 2, 270000.0)},
         4: {"urban": (4, 1, 3, 1, 80000.0), "rural": (30, 12, 18, 2, 360000.0)}}
TEMP = {3: (20, 45, 36800.0, 8325.0), 4: (28, 60, 52450.5, 10000.0)}
YOUFU = {3: (67, 600000.0, 5, 2, 3, 3), 4: (67, 845225.0, 5, 2, 3, 3)}
FILL_DATE = {3: "2023年10月9日", 4: "2024年1月8日"}


def money_text(x: float) -> str:
    """A clerk's amount typed as text: thousands separators, 分 only where there are 分."""
    return f"{x:,.2f}" if round(x * 100) % 100 else f"{round(x):,}"


# -- the sheets each township's clerk lays out ------------------------------------------------
def cover(code: str, q: int, period_text: str) -> list[list]:
    total, urban, rural, old = POP[code]
    return [["乡镇民政统计季报 封面"], ["填报单位", NAMES[code][0]], ["统计用区划代码", code],
            ["报告期", period_text], ["户籍人口(人)", total], ["其中:城镇人口(人)", urban],
            ["其中:农村人口(人)", rural], ["60岁及以上人口(人)", old], ["填报人", "王芳"],
            ["审核人", "李明"], ["填报日期", FILL_DATE[q]]]


def dibao_merged(code: str, q: int) -> tuple[list[list], list[str]]:
    """城南街道: title, units line, a merged two-row header, numbers as text, the unit typed
    into the standard's cell, a 合计 row and a footer."""
    d = DIBAO[(code, q)]
    rows: list[list] = [
        [f"城南街道{YEAR}年第{q}季度最低生活保障情况"], ["单位:户、人、元"],
        ["类别", "期末保障", None, "本年新增", None, "本年退出", None, "累计支出低保资金(元)", "保障标准"],
        [None, "户数", "人数", "户数", "人数", "户数", "人数", None, None],
    ]
    for cat, label in (("urban", "城市低保"), ("rural", "农村低保")):
        h, p, nh, np_, eh, ep, funds, std, per = d[cat]
        unit = "元/人·月" if per == "month" else "元/人·年"
        rows.append([label, f"{h:,}", f"{p:,}", str(nh), str(np_), str(eh), str(ep),
                     money_text(funds), f"{std:,}{unit}"])
    tot = [sum(d[c][i] for c in ("urban", "rural")) for i in range(7)]
    rows.append(["合计", *[f"{v:,}" for v in tot[:6]], money_text(tot[6]), None])
    rows.append(["填表人:王芳", None, None, "审核人:李明"])
    return rows, ["A3:A4", "B3:C3", "D3:E3", "F3:G3", "H3:H4", "I3:I4"]


def dibao_wanyuan(code: str, q: int) -> list[list]:
    """青石镇: its own wording in traditional characters (戶數, 資金(萬元)), money in 万元 (to
    the 分: six decimals), standards as bare numbers (the category's convention: urban
    monthly, rural yearly)."""
    d = DIBAO[(code, q)]
    rows: list[list] = [["類別", "低保戶數", "低保人數", "新增戶數", "新增人數", "清減戶數", "清減人數",
                         "低保資金(萬元)", "保障標準"]]
    for cat, label in (("urban", "城市"), ("rural", "农村")):
        h, p, nh, np_, eh, ep, funds, std, _ = d[cat]
        rows.append([label, h, p, nh, np_, eh, ep, f"{funds / 10000:.6f}", std])
    return rows


def dibao_plain(code: str, q: int) -> list[list]:
    """桃源乡 (CSV): canonical headers, the standard's unit in the header (元/人·年)."""
    d = DIBAO[(code, q)]
    rows: list[list] = [["类别", "期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数",
                         "本年退出户数", "本年退出人数", "累计支出低保资金(元)", "保障标准(元/人·年)"]]
    for cat, label in (("urban", "城市低保"), ("rural", "农村低保")):
        h, p, nh, np_, eh, ep, funds, std, _ = d[cat]
        rows.append([label, h, p, nh, np_, eh, ep, f"{funds:.2f}", std])
    return rows


def other_sheets(code: str, q: int) -> dict[str, list[list]]:
    tk, temp, yf, med = TEKUN[q], TEMP[q], YOUFU[q], MED[(code, q)]
    sheets = {
        "表2 特困人员救助供养": [
            ["类别", "期末供养人数", "其中:集中供养人数", "其中:分散供养人数", "本年新增人数",
             "累计支出供养资金(元)", "集中供养标准(元/人·年)", "分散供养标准(元/人·年)"],
            ["城市特困", *tk["urban"][:4], money_text(tk["urban"][4]), 14000, 9000],
            ["农村特困", *tk["rural"][:4], money_text(tk["rural"][4]), 12000, 8000]],
        "表3 临时救助": [["累计救助户次", "累计救助人次", "累计支出救助资金(元)", "其中:实物折款(元)"],
                     [temp[0], temp[1], money_text(temp[2]), money_text(temp[3])]],
        "表4 医疗救助": [["资助参加基本医疗保险人数", "资助参保资金(元)", "直接医疗救助人次",
                       "直接医疗救助资金(元)"], [med[0], money_text(med[1]), med[2], money_text(med[3])]],
        "表5 自然灾害": [["灾害发生日期", "灾害种类", "受灾人口(人)", "农作物受灾面积(亩)",
                       "直接经济损失(万元)", "下拨救灾资金(元)"]],
        "表6 养老服务机构": [["机构名称", "机构类型", "运营方式", "床位数(张)", "其中:护理型床位(张)",
                         "期末在院人数(人)", "工作人员数(人)", "其中:持证/参训护理员(人)"],
                        [f"{NAMES[code][1]}敬老院", "敬老院", "公办公营", 80, 40, 60 + q, 12, 8]],
        "表7 优抚安置": [["重点优抚对象人数", "累计发放抚恤补助资金(元)", "本年接收退役士兵(人)",
                       "其中:安排工作(人)", "其中:自主就业(人)", "其中:参加教育培训(人)"],
                      [yf[0], money_text(yf[1]), *yf[2:]]],
    }
    if code == B:  # one event in July, repeated by the year-to-date Q4 return
        sheets["表5 自然灾害"].append(["2023-07-20", "暴雨洪涝", 381, 120, "15.5", "20,000"])
    return sheets


def write_corpus(raw: Path, ref: Path) -> None:
    for q in (3, 4):
        folder = raw / f"{YEAR}Q{q}"
        dibao_a, merges = dibao_merged(A, q)
        write_cells(folder / f"城南街道{YEAR}年{q}季度民政季报.xlsx",
                   {"封面": cover(A, q, f"{YEAR}年1-{3 * q}月"), "表1 最低生活保障": dibao_a,
                    **other_sheets(A, q)}, {"表1 最低生活保障": merges})
        write_cells(folder / f"青石{YEAR}Q{q}.xlsx",
                   {"封面": cover(B, q, f"{YEAR}年{'三四'[q - 3]}季度"),
                    "低保": dibao_wanyuan(B, q), **other_sheets(B, q)}, {})
        sheets = {"封面": cover(C, q, f"{YEAR}年第{q}季度"), "表1 最低生活保障": dibao_plain(C, q),
                  **other_sheets(C, q)}
        write_csv_group(folder, f"桃源乡{q}季度", sheets.pop("封面"), sheets, encoding="utf-8")
    write_reference(ref, county=(COUNTY, "试验县", "试验"),
                    towns=[(code, *names) for code, names in NAMES.items()], valid_from="2000-01-01")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from civstat.report import render_reports

    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "raw", root / "reference")
    wh = Warehouse.at(root / "warehouse" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
    refused = [i.line for i in result.still_quarantined]
    outcome = refresh(wh, capture=True)
    files = render_reports(YEAR, formats=["html"], out_dir=root / "out", warehouse=wh.path) \
        if outcome.published else []
    html = next((p for p in files if p.suffix == ".html"), None)
    markup = html.read_text(encoding="utf-8") if html else ""
    text = re.sub(r"<[^>]+>", "", markup)
    return {"wh": wh, "refused": refused, "outcome": outcome, "text": text, "html": markup}


def _q(corpus, sql: str, params=None) -> list[tuple]:
    with corpus["wh"].reader() as con:
        return con.execute(sql, params or []).fetchall()


def _kpi(corpus, code: str) -> tuple:
    return _q(corpus, "SELECT value, numerator, denominator FROM kpi_annual WHERE division_code = ? "
                      "AND year = ? AND kpi_code = ?", [COUNTY, YEAR, code])[0]


def _sum(key: int, cat: str | None = None) -> float:
    cats = (cat,) if cat else ("urban", "rural")
    return sum(DIBAO[(t, 4)][c][key] for t in (A, B, C) for c in cats)


def test_every_return_loads_passes_the_rules_and_publishes(corpus):
    assert corpus["refused"] == []
    proc = corpus["outcome"].proc
    assert corpus["outcome"].published, (proc.stdout or "")[-3000:] + (proc.stderr or "")[-3000:]
    hard = _q(corpus, "SELECT rule_code, division_code, period, message_zh FROM quality.violations "
                      "WHERE severity = 'hard'")
    assert hard == []
    assert _q(corpus, "SELECT count(*) FROM raw.submissions WHERE is_current") == [(6,)]


def test_dibao_persons_and_funds_with_fen(corpus):
    persons = {c: _sum(1, c) for c in ("urban", "rural")}
    assert persons == {"urban": 212 + 102 + 18, "rural": 71 + 524 + 454}
    got = dict(_q(corpus, "SELECT category, sum(persons) FROM fct_recipients WHERE year = ? AND "
                          "quarter = 4 AND programme_code = 'dibao' GROUP BY ALL", [YEAR]))
    assert got == persons
    funds = round(_sum(6), 2)  # 分 from the cells, 万元 (six decimals) from 青石镇
    assert funds == 3359415.97
    got = _q(corpus, "SELECT sum(funds_ytd) FROM fct_funds WHERE year = ? AND quarter = 4 AND "
                     "programme_code = 'dibao'", [YEAR])[0][0]
    assert got == pytest.approx(funds, abs=0.005)
    text = corpus["text"]
    assert f"共保障城乡低保对象{_sum(0):,.0f}户{_sum(1):,.0f}人" in text
    # running text from 10万元 up in 万元 (the register); the 分 are in the warehouse (above)
    assert f"共发放低保资金{f.money_text(funds)}" in text and f.money_text(funds) == "335.94万元"
    # 医疗救助 to the 分 (384,560.63 + 201,234.56 + 88,888.88)
    med = round(sum(MED[(t, 4)][3] for t in (A, B, C)), 2)
    assert f"支出救助资金{f.money_text(med)}" in text and f.fmt_yuan(med) == "674,684.07"


def test_coverage_rates_are_sums_of_cells(corpus):
    for cat, pop_i in (("urban", 1), ("rural", 2)):
        persons, pop = _sum(1, cat), sum(POP[t][pop_i] for t in (A, B, C))
        value, num, den = _kpi(corpus, f"dibao_coverage_rate_{cat}")
        assert (num, den) == (persons, pop)
        assert value == pytest.approx(persons / pop)
        assert f"{'城市' if cat == 'urban' else '农村'}低保覆盖率{f.fmt_pct(persons / pop)}" in corpus["text"]


def test_rural_standard_stays_yearly(corpus):
    """All three townships report the rural standard per year (in the cell, by convention, in
    the header): the county's is yearly; urban is mixed (680, 700 per month; 8,400 per year)
    and is stated monthly. Monthly equivalents are ÷ 12 exactly; the mean is weighted by persons."""
    rows = {(d, c): (s, u) for d, c, s, u in _q(
        corpus, "SELECT division_code, category, standard_reported, standard_unit FROM fct_recipients "
                "WHERE period = '2023Q4' AND programme_code = 'dibao'")}
    assert rows == {(A, "urban"): (680, "元/人·月"), (A, "rural"): (4200, "元/人·年"),
                    (B, "urban"): (700, "元/人·月"), (B, "rural"): (4200, "元/人·年"),
                    (C, "urban"): (8400, "元/人·年"), (C, "rural"): (4800, "元/人·年")}
    sources = {(d, c): s for d, c, s in _q(
        corpus, "SELECT division_code, category, standard_unit_source FROM fct_recipients "
                "WHERE period = '2023Q4' AND programme_code = 'dibao'")}
    assert sources == {(A, "urban"): "cell", (A, "rural"): "cell", (B, "urban"): "convention",
                       (B, "rural"): "convention", (C, "urban"): "header", (C, "rural"): "header"}
    got = {c: r for c, *r in _q(
        corpus, "SELECT category, standard, standard_unit, standard_monthly, standard_min, "
                "standard_max FROM dibao_standards WHERE division_code = ? AND period = '2023Q4'",
        [COUNTY])}
    w = {t: DIBAO[(t, 4)]["rural"][1] for t in (A, B, C)}
    monthly = (350 * w[A] + 350 * w[B] + 400 * w[C]) / sum(w.values())
    assert got["rural"][1:] == ["元/人·年", pytest.approx(monthly), 4200, 4800]
    assert got["rural"][0] == pytest.approx(monthly * 12)
    wu = {t: DIBAO[(t, 4)]["urban"][1] for t in (A, B, C)}
    urban = (680 * wu[A] + 700 * wu[B] + 700 * wu[C]) / sum(wu.values())
    assert got["urban"][1:] == ["元/人·月", pytest.approx(urban), 680, 700]
    text = corpus["text"]
    assert "农村低保保障标准为年人均4,200—4,800元" in text
    assert "城市低保保障标准为月人均680—700元" in text
    assert "4,800元/人·月" not in text and "4,200元/人·月" not in text
    # and in 表1, the row of 农村低保
    rows = [re.sub(r"<[^>]+>", "|", r) for r in re.findall(r"<tr.*?</tr>", corpus["html"], re.DOTALL)]
    rural = [r for r in rows if "农村低保" in r and "元/人" in r]
    assert len(rural) == 1 and "4,200—4,800元/人·年" in rural[0], rural
