"""A county civstat did not write, over a broken history: 双河县's returns typed cell by cell
with openpyxl for 2008Q4, 2009Q4, 2011Q3 and 2011Q4 — no return at all in 2010 (a gap year),
a 街道 in force only from 2009 (新城街道), a township that sends its Q4 return only (山前乡),
a return held back by the edit rules (河口镇 2008Q4: more households than persons), a return
refused at the door (河口镇 2011Q3: its 表1 lacks a required column), a programme all zeros in
one year (临时救助 2009), amounts to the 分 and of 亿元 scale (河口镇's 2011 抚恤补助资金).

It is ingested, gated, built and published once; the summaries of 2008, 2009 and 2011 are
rendered, and every figure and comparison they state is checked against sums of the cells
written here: a year-on-year change is stated only against a year whose figure covers every
township then in force (not against 2008, short of 河口镇, nor against 2010, which has no data)."""

from __future__ import annotations

import re

import pytest
from handmade import canonical_sheets, cover_rows, write_cells, write_reference

from civstat.ingest import ingest
from civstat.refresh import refresh
from civstat.report import formatting as f
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow

COUNTY = "330698000000"
A, B, N, C = "330698001000", "330698100000", "330698002000", "330698200000"
NAMES = {A: ("东城街道", "东城", "街道"), B: ("河口镇", "河口", "镇"), N: ("新城街道", "新城", "街道"),
         C: ("山前乡", "山前", "乡")}
POP = {A: (40000, 30000, 10000, 7000), B: (50000, 15000, 35000, 9000),
       N: (20000, 18000, 2000, 3000), C: (30000, 2000, 28000, 6000)}
# who sent which return (B's 2011Q3 is refused: its 表1 lacks 期末保障人数)
RETURNS = {"2008Q4": (A, B, C), "2009Q4": (A, B, N, C), "2011Q3": (A, B, N), "2011Q4": (A, B, N, C)}
BLOCKED = {("2008Q4", B)}  # urban households 50 > persons 40 (H3)
REFUSED = {("2011Q3", B)}

# 低保 (households, persons, new h/p, exited h/p — year to date, funds 元 YTD, standard 元/人·月)
DIBAO = {
    ("2008Q4", A): {"urban": (100, 180, 10, 15, 5, 8, 600000.00, 300),
                    "rural": (30, 50, 2, 3, 1, 2, 80000.00, 150)},
    ("2008Q4", B): {"urban": (50, 40, 3, 5, 1, 1, 150000.00, 300),
                    "rural": (200, 350, 10, 20, 5, 10, 500000.00, 150)},
    ("2008Q4", C): {"urban": (5, 8, 0, 0, 0, 0, 20000.00, 300),
                    "rural": (250, 420, 15, 25, 10, 15, 700000.00, 150)},
    ("2009Q4", A): {"urban": (105, 190, 12, 20, 7, 10, 720000.50, 330),
                    "rural": (31, 52, 3, 4, 2, 2, 95000.25, 170)},
    ("2009Q4", B): {"urban": (52, 90, 4, 6, 2, 3, 330000.00, 330),
                    "rural": (210, 360, 12, 22, 6, 10, 650000.75, 170)},
    ("2009Q4", N): {"urban": (40, 70, 40, 70, 0, 0, 250000.00, 330),
                    "rural": (2, 3, 2, 3, 0, 0, 5000.00, 170)},
    ("2009Q4", C): {"urban": (5, 8, 0, 0, 0, 0, 28800.00, 330),
                    "rural": (255, 425, 16, 26, 11, 21, 820000.00, 170)},
    ("2011Q3", A): {"urban": (110, 200, 9, 15, 6, 10, 560000.10, 400),
                    "rural": (30, 50, 2, 3, 2, 3, 70000.20, 200)},
    ("2011Q3", B): {"urban": (54, 93, 4, 6, 2, 3, 330000.00, 400),
                    "rural": (212, 365, 10, 18, 6, 10, 650000.00, 200)},
    ("2011Q3", N): {"urban": (60, 100, 8, 12, 3, 4, 280000.00, 400),
                    "rural": (3, 5, 1, 2, 0, 0, 6000.00, 200)},
    ("2011Q4", A): {"urban": (112, 203, 12, 20, 8, 12, 760000.15, 400),
                    "rural": (31, 51, 3, 5, 3, 4, 95000.30, 200)},
    ("2011Q4", B): {"urban": (55, 95, 5, 8, 3, 5, 450000.00, 400),
                    "rural": (215, 370, 14, 25, 8, 14, 880000.00, 200)},
    ("2011Q4", N): {"urban": (62, 104, 11, 17, 4, 5, 380000.00, 400),
                    "rural": (3, 5, 1, 2, 0, 0, 8000.00, 200)},
    ("2011Q4", C): {"urban": (6, 10, 1, 2, 0, 0, 48000.00, 400),
                    "rural": (260, 430, 18, 30, 12, 22, 1030000.00, 200)},
}
# 临时救助 (household-times, person-times, funds, in kind): all zeros in 2009
TEMP = {"2008Q4": (12, 30, 24000.00, 3000.00), "2009Q4": (0, 0, 0.0, 0.0),
        "2011Q3": (8, 20, 16000.40, 0.0), "2011Q4": (10, 25, 21000.60, 0.0)}
# 优抚: entitled persons and 抚恤补助资金 (元 YTD); 河口镇 2011: of 亿元 scale, to the 分
YOUFU = {A: (60, 845225.00), B: (70, 912345.67), N: (10, 12345.67), C: (40, 300000.01)}
YOUFU_BIG = {"2011Q3": 110000000.04, "2011Q4": 150000000.05}


def period_words(period: str) -> tuple[int, int]:
    return int(period[:4]), int(period[-1])


def cover(code: str, period: str) -> list[list]:
    year, q = period_words(period)
    total, urban, rural, old = POP[code]
    rows = cover_rows(unit=NAMES[code][0], code=code, fill_date=f"{year + (q == 4)}年1月8日"
                      if q == 4 else f"{year}年10月8日", urban=urban, rural=rural)
    swap = {"报告期": f"{year}年第{q}季度", "户籍人口(人)": total, "60岁及以上人口(人)": old}
    return [[r[0], swap[r[0]]] if len(r) == 2 and r[0] in swap else r for r in rows]


def youfu(code: str, period: str) -> tuple[int, float]:
    entitled, funds = YOUFU[code]
    if code == B and period in YOUFU_BIG:
        return entitled, YOUFU_BIG[period]
    return entitled, funds


def sheets(code: str, period: str) -> dict[str, list[list]]:
    year, q = period_words(period)
    out = canonical_sheets(year)
    d = DIBAO[(period, code)]
    dibao = out["表1 最低生活保障"]
    dibao[1:] = [["城市低保", *d["urban"]], ["农村低保", *d["rural"]]]
    if (period, code) in REFUSED:  # 期末保障人数 left out
        for row in dibao:
            del row[2]
    out["表3 临时救助"][1] = list(TEMP[period])
    entitled, funds = youfu(code, period)
    out["表7 优抚安置"][1] = [entitled, funds, 0, 0.0, 0, 0, 0, 0, 0.0]
    out["表5 自然灾害"][1:] = []
    out["表6 养老服务机构"][1][0] = f"{NAMES[code][1]}敬老院"
    med = out["表4 医疗救助"][1]
    med[:] = [med[0] * q // 4, med[1] * q / 4, med[2] * q // 4, round(med[3] * q / 4, 2)]
    return out


def write_county(root) -> None:
    for period, towns in RETURNS.items():
        for code in towns:
            write_cells(root / "raw" / period / f"{NAMES[code][0]}{period}.xlsx",
                        {"封面": cover(code, period), **sheets(code, period)})
    ref = write_reference(root / "reference", county=(COUNTY, "双河县", "双河"),
                          towns=[(c, *NAMES[c]) for c in (A, B, C)], valid_from="2000-01-01")
    with (ref / "divisions.csv").open("a", encoding="utf-8") as fh:  # 新城街道, set up in 2009
        fh.write(f"{N},新城街道,新城,township,街道,{COUNTY},2009-01-01,,\n")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from civstat.report import render_reports

    root = tmp_path_factory.mktemp("s30county")
    write_county(root)
    wh = Warehouse.at(root / "warehouse" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
    outcome = refresh(wh, capture=True)
    texts, htmls = {}, {}
    if outcome.published:
        for year in (2008, 2009, 2011):
            files = render_reports(year, formats=["html"], out_dir=root / "out" / str(year),
                                   warehouse=wh.path)
            htmls[year] = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
            texts[year] = re.sub(r"<[^>]+>", "", htmls[year])
    return {"wh": wh, "root": root, "refused": [i.line for i in result.still_quarantined],
            "outcome": outcome, "text": texts, "html": htmls}


def _q(county, sql: str, params=None) -> list[tuple]:
    with county["wh"].reader() as con:
        return con.execute(sql, params or []).fetchall()


def _sum(period: str, key: int, cat: str | None = None, towns=None) -> float:
    cats = (cat,) if cat else ("urban", "rural")
    towns = towns or [t for t in RETURNS[period] if (period, t) not in BLOCKED | REFUSED]
    return sum(DIBAO[(period, t)][c][key] for t in towns for c in cats)


def test_returns_load_one_is_refused_one_blocked_and_it_publishes(county):
    assert len(county["refused"]) == 1
    assert "2011Q3/河口镇2011Q3.xlsx" in county["refused"][0] and "期末保障人数" in county["refused"][0]
    assert county["outcome"].published
    status = {(d, p): s for d, p, s in _q(
        county, "SELECT division_code, period, status FROM quality_status")}
    assert status[(B, "2008Q4")] == "blocked"
    assert sorted(p for (d, p), s in status.items() if s == "published") == [
        "2008Q4", "2008Q4", "2009Q4", "2009Q4", "2009Q4", "2009Q4",
        "2011Q3", "2011Q3", "2011Q4", "2011Q4", "2011Q4", "2011Q4"]


def test_2011_after_a_gap_year_states_no_change(county):
    """2010 has no data: every 2011 figure stands alone (no 比上年), and each is a sum of cells."""
    text = county["text"][2011]
    assert "比上年" not in text and "上年末" not in text and "提高到" not in text
    hh, persons = _sum("2011Q4", 0), _sum("2011Q4", 1)
    assert (hh, persons) == (744, 1268)
    funds = round(_sum("2011Q4", 6), 2)
    assert funds == 3651000.45 and f.money_text(funds) == "365.1万元"
    assert f"共保障城乡低保对象{hh}户1,268人，全年共发放低保资金365.1万元" in text
    assert "到2011年年底保留城市低保户235户412人，全年新增29户47人、退出15户22人，共发放城市低保资金163.8万元" in text
    assert "城市低保覆盖率0.6%。" in text and "农村低保覆盖率1.1%。" in text  # 412/65,000, 856/75,000
    # 农村低保覆盖率: 山前乡 430/28,000 = 1.54%, 新城街道 5/2,000 = 0.25% (四舍五入: 0.3)
    assert "农村低保覆盖率以山前乡最高（1.5%），新城街道最低（0.3%）" in text
    # 抚恤补助资金 of 亿元 scale, to the 分: 845,225 + 150,000,000.05 + 12,345.67 + 300,000.01
    pension = 845225.00 + 150000000.05 + 12345.67 + 300000.01
    assert f.money_text(pension) == "15,115.76万元"
    assert "全县现有重点优抚对象180人，全年发放抚恤补助资金15,115.76万元" in text
    # 临时救助: four townships × (10户次, 25人次, 21,000.60元); 84,002.40 ÷ 100 = 840元
    assert "全年共实施临时救助40户次、100人次，发放临时救助资金84,002.40元" in text
    assert "平均每人次救助840元" in text
    # Q3 lacks 河口镇 (refused) and 山前乡 (sends Q4 only): the trend's 2011Q3 is marked
    assert ("2011年三季度全县合计：不含河口镇（2011年三季度报送的报表未通过读取、被拒收）、"
            "山前乡（2011年三季度未报送）") in text
    assert "四季度应报4个乡镇（街道），已发布4个" in text


def test_2009_is_not_compared_with_2008_short_of_a_township(county):
    """2008's sums lack 河口镇 (blocked): 2009's rates, standards and beds are not stated as
    grown or fallen against them (before: 城市低保覆盖率与上年持平, 农村…降低0.1个百分点,
    标准由月人均300元提高到330元, 养老机构床位比上年末增长100.0% — 320 beds against 160 of 东城
    and 山前 alone); 数据说明 says why."""
    text = county["text"][2009]
    for word in ("比上年", "与上年持平", "上年末", "提高到"):
        assert word not in text, word
    assert "2008年全县合计不含河口镇（2008年四季度数据未通过审核），文中未与上年比较。" in text
    hh, persons = _sum("2009Q4", 0), _sum("2009Q4", 1)
    assert (hh, persons) == (700, 1198)
    assert round(_sum("2009Q4", 6), 2) == 2898801.50
    assert "全县共保障城乡低保对象700户1,198人，全年共发放低保资金289.88万元" in text
    assert "城市低保保障标准为月人均330元。" in text and "农村低保保障标准为月人均170元。" in text
    assert "城市低保覆盖率0.6%。" in text and "农村低保覆盖率1.1%。" in text  # 358/65,000, 840/75,000
    assert "床位320张" in text and "每千名老年人拥有养老床位12.8张" in text  # 320 / 25,000 × 1,000
    # 临时救助 all zeros this year: stated as zeros, no 平均每人次 (0 ÷ 0)
    assert "全年共实施临时救助0户次、0人次，发放临时救助资金0元" in text
    assert "平均每人次救助" not in text.split("3．临时救助")[1].split("4．医疗救助")[0]


def test_2008_names_no_township_not_yet_in_force(county):
    """新城街道 was set up in 2009: 2008's 数据说明 does not list it as 未报送 (before: 四季度
    未纳入统计的乡镇（街道）：新城街道（未报送）, beside 应报3个); 每千名老年人拥有养老床位, short
    of 河口镇 like the beds it divides, is marked (before: unmarked)."""
    text = county["text"][2008]
    assert "新城街道（未报送）" not in text and "未纳入统计的乡镇（街道）：" not in text
    assert "四季度应报3个乡镇（街道），已发布2个" in text
    assert "2008年被质量审核拦截、未纳入统计的季报1份：河口镇2008年四季度（审核规则H3）" in text
    # 东城 and 山前: 160 beds / (7,000 + 6,000) aged 60+ × 1,000 = 12.3
    assert "每千名老年人拥有养老床位12.3张*" in text
    assert "* 每千名老年人养老床位：不含河口镇（2008年四季度数据未通过审核）" in text
    assert f"城市低保户105户{_sum('2008Q4', 1, 'urban')}人" in text and _sum("2008Q4", 1, "urban") == 188


def test_a_growth_rate_short_of_its_base_says_the_base_year_in_the_xlsx(county, tmp_path):
    """2009's growth rates are against 2008's year end, which lacks 河口镇 (blocked): the XLSX's
    说明 says so of 2008 with 2008's reason — before it read 2009年不含河口镇, a year whose
    returns of 河口镇 are all published."""
    import openpyxl

    from civstat.report import render_reports

    (xlsx,) = render_reports(2009, formats=["xlsx"], out_dir=tmp_path, warehouse=county["wh"].path)
    rows = {r[0]: r for r in openpyxl.load_workbook(xlsx)["主要指标"].iter_rows(
        min_row=4, values_only=True)}
    note = rows["dibao_standard_growth_urban"][-1]
    # this year's rate against its base; then the 2008 column's own rate (against 2007)
    assert note == ("2008年末（比较基数）不含河口镇（2008年四季度数据未通过审核）；"
                    "2008年不含河口镇（2008年四季度数据未通过审核）"), note
    assert not any((r[-1] or "").startswith("2009年不含河口镇") for r in rows.values())
