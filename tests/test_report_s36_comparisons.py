"""A rate compared with a year before is a rate over the same townships both years.

Three townships' year-end returns of 2023 and 2024 with 表13 and 表15, typed cell by cell
(tests/handmade.py). 白庙乡 left 儿童主任 blank in 2023, so the 2023 儿童主任配备率 is over 马店镇
and 城关街道 only (its numerator and denominator leave 白庙乡 out: children.yaml). Before, the
2024 summary stated "比上年降低8.4个百分点" (51 ÷ 72 against 38 ÷ 48): a change made by 白庙乡
joining, not by any township's staffing. Now no change is stated, and 数据说明 says why; every
return being published both years, the other comparisons stand.
"""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    canonical_sheets,
    publish_and_render,
    quarter_cover,
    write_cells,
    write_reference,
)

from civstat.report import formatting as f

pytestmark = pytest.mark.slow

NAMES = {MADIAN: "马店镇", BAIMIAO: "白庙乡", CHENGGUAN: "城关街道"}
DIRECTORS = {2023: {MADIAN: 20, BAIMIAO: None, CHENGGUAN: 18},
             2024: {MADIAN: 21, BAIMIAO: 12, CHENGGUAN: 18}}
VILLAGES, RESIDENTS = 21, 3  # every township's 表15: 24 committees


def sheets(code: str, year: int) -> dict[str, list[list]]:
    out = canonical_sheets(year)
    out["表6 养老服务机构"][1][0] = f"{NAMES[code]}敬老院"
    out["表13 儿童福利与关爱保护"] = [
        ["农村留守儿童(人)", "困境儿童(人)", "事实无人抚养儿童(人)", "儿童主任(人)", "儿童督导员(人)"],
        [126, 38, 4, DIRECTORS[year][code], 1]]
    out["表15 基层政权与社区建设"] = [
        ["村民委员会(个)", "居民委员会(个)", "村(居)委会成员(人)", "其中:女性(人)", "社区工作者(人)"],
        [VILLAGES, RESIDENTS, 90, 30, 12]]
    return out


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("s36compare")
    for year in DIRECTORS:
        for code, name in NAMES.items():
            write_cells(root / "raw" / f"{year}Q4" / f"{name}.xlsx",
                        {"封面": quarter_cover(name, code, f"{year}Q4"), **sheets(code, year)})
    write_reference(root / "reference", valid_from="2000-01-01")
    return publish_and_render(root, 2024)


def test_a_rate_over_other_townships_the_year_before_is_not_compared(county):
    committees = VILLAGES + RESIDENTS
    now = [d for d in DIRECTORS[2024].values()]
    before = [d for d in DIRECTORS[2023].values() if d is not None]
    with county["wh"].reader() as con:
        rates = dict(con.execute(
            "SELECT year, [numerator, denominator] FROM kpi_annual WHERE kpi_code = "
            "'child_director_coverage' AND division_level = 'county'").fetchall())
    assert rates == {2024: [sum(now), committees * 3], 2023: [sum(before), committees * 2]}
    text = county["text"]
    rate = f.fmt_pct(sum(now) / (committees * 3))
    assert f"儿童主任配备率{rate}。" in text  # no 比上年 after it
    assert "2023年全县合计中儿童主任配备率的填报乡镇（街道）与本年不同（白庙乡），文中未与上年比较" in text
    # the same townships gave every other figure both years: those changes are stated
    assert "共有农村留守儿童378人，与上年持平" in text
