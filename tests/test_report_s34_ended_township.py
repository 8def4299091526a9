"""A township abolished without a successor (撤销, no successor_code: 西岭乡, in force to the end
of 2010) still counts in the years it existed: the 2010 summary's county figures and tables hold
it, as kpi_annual does; the 2011 summary names it nowhere and compares 2011 with the whole of
2010. Before: the summary summed the townships in force today only, so every 2010 count and
amount left 西岭乡 out, unmarked, beside rates of the whole county. Returns typed cell by cell
(tests/handmade.py); ingested, gated, built and published once; summaries rendered as HTML."""

from __future__ import annotations

import re

import pytest
from handmade import canonical_sheets, cover_rows, write_cells, write_reference

from civstat.ingest import ingest
from civstat.refresh import refresh
from civstat.warehouse import Warehouse

pytestmark = pytest.mark.slow

COUNTY = "330697000000"
A, B, X = "330697001000", "330697100000", "330697200000"
NAMES = {A: ("东城街道", "东城", "街道"), B: ("河口镇", "河口", "镇"), X: ("西岭乡", "西岭", "乡")}
RETURNS = {"2010Q4": (A, B, X), "2011Q4": (A, B)}
# 低保 (households, persons, new h/p, exited h/p, funds 元 YTD, standard 元/人·月)
DIBAO = {
    ("2010Q4", A): {"urban": (100, 180, 10, 15, 5, 8, 600000.00, 300),
                    "rural": (30, 50, 2, 3, 1, 2, 80000.00, 150)},
    ("2010Q4", B): {"urban": (50, 90, 3, 5, 1, 1, 150000.00, 300),
                    "rural": (200, 350, 10, 20, 5, 10, 500000.00, 150)},
    ("2010Q4", X): {"urban": (5, 8, 0, 0, 0, 0, 20000.00, 300),
                    "rural": (250, 420, 15, 25, 10, 15, 700000.00, 150)},
    ("2011Q4", A): {"urban": (105, 190, 12, 20, 7, 10, 720000.50, 330),
                    "rural": (31, 52, 3, 4, 2, 2, 95000.25, 170)},
    ("2011Q4", B): {"urban": (52, 95, 4, 6, 2, 3, 330000.00, 330),
                    "rural": (210, 360, 12, 22, 6, 10, 650000.75, 170)},
}


def cover(code: str, period: str) -> list[list]:
    year = int(period[:4])
    rows = cover_rows(unit=NAMES[code][0], code=code, fill_date=f"{year + 1}年1月8日",
                      urban=10000, rural=20000)
    swap = {"报告期": f"{year}年第4季度", "户籍人口(人)": 30000}
    return [[r[0], swap[r[0]]] if len(r) == 2 and r[0] in swap else r for r in rows]


def sheets(code: str, period: str) -> dict[str, list[list]]:
    out = canonical_sheets(int(period[:4]))
    d = DIBAO[(period, code)]
    out["表1 最低生活保障"][1:] = [["城市低保", *d["urban"]], ["农村低保", *d["rural"]]]
    out["表5 自然灾害"][1:] = []
    out["表6 养老服务机构"][1][0] = f"{NAMES[code][1]}敬老院"
    return out


def persons(period: str) -> int:
    return sum(DIBAO[(period, t)][c][1] for t in RETURNS[period] for c in ("urban", "rural"))


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from civstat.report import render_reports

    root = tmp_path_factory.mktemp("s34county")
    for period, towns in RETURNS.items():
        for code in towns:
            write_cells(root / "raw" / period / f"{NAMES[code][0]}.xlsx",
                        {"封面": cover(code, period), **sheets(code, period)})
    ref = write_reference(root / "reference", county=(COUNTY, "双河县", "双河"),
                          towns=[(c, *NAMES[c]) for c in (A, B)], valid_from="2000-01-01")
    with (ref / "divisions.csv").open("a", encoding="utf-8") as fh:  # abolished, no successor
        fh.write(f"{X},西岭乡,西岭,township,乡,{COUNTY},2000-01-01,2010-12-31,\n")
    wh = Warehouse.at(root / "warehouse" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
    assert result.ok, [i.line for i in result.still_quarantined]
    outcome = refresh(wh, capture=True)
    assert outcome.published
    text = {}
    for year in (2010, 2011):
        files = render_reports(year, formats=["html"], out_dir=root / "out" / str(year),
                               warehouse=wh.path)
        html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
        text[year] = re.sub(r"<[^>]+>", "", html)
    return {"wh": wh, "text": text}


def test_a_year_sums_the_townships_in_force_then(county):
    with county["wh"].reader() as con:
        (published,) = con.execute("SELECT sum(persons) FROM fct_recipients WHERE year = 2010 "
                                   "AND quarter = 4 AND programme_code = 'dibao'").fetchone()
    assert persons("2010Q4") == 1098 and published == 1098
    text = county["text"][2010]
    households = sum(DIBAO[("2010Q4", t)][c][0] for t in (A, B, X) for c in ("urban", "rural"))
    assert households == 635
    assert f"全县共保障城乡低保对象{households}户1,098人" in text
    assert "西岭乡" in text  # in the tables of its townships
    assert "不含西岭乡" not in text and "西岭乡（未报送）" not in text


def test_the_next_year_names_it_nowhere_and_compares_with_the_whole_year_before(county):
    text = county["text"][2011]
    assert "西岭乡" not in text
    assert persons("2011Q4") == 697
    assert "全县共保障城乡低保对象398户697人" in text
    assert "四季度应报2个乡镇（街道），已发布2个" in text
