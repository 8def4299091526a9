"""Gate messages quote figures as the clerk finds them on her sheet: with their unit, and a money
figure in 万元 too — first where the form prints the column in 万元 (直接经济损失), so 19.91 typed
under 直接经济损失(万元) is not quoted as a bare 199,100 she cannot find.
Returns written cell by cell (tests/handmade.py), read by the reader, checked by the rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import handmade as hm

from civstat.quality import evaluate

T5 = "表5 自然灾害"
# date, kind, 受灾人口, 转移安置, 受灾面积(亩), 绝收(亩), 倒塌户, 倒塌间, 严重损坏, 一般损坏, 损失(万元), 资金(元)
FLOOD = [dt.date(2024, 6, 20), "暴雨洪涝", 800, 20, 381, 40, 12, 30, 10, 25, 12.5, 50_000]
HAIL = [dt.date(2024, 8, 2), "风雹", 300, 0, 100, 10, 2, 4, 3, 6, 7.3, 30_000]


def violations(tmp_path: Path, rows: list[list], rule: str) -> list[tuple]:
    """马店's return with 表5's event rows ``rows``: ``rule``'s violations on 表5
    (row, column, message_zh, message_en, value)."""
    sheets = hm.canonical_sheets()
    sheets[T5] = [sheets[T5][0], *rows]
    hm.write_xlsx(hm.raw_folder(tmp_path) / "马店.xlsx", hm.cover_rows(), sheets)
    con, _ = hm.run_ingest(tmp_path)
    try:
        assert hm.quarantine_rows(con) == []
        result = evaluate(con)
    finally:
        con.close()
    return sorted((v.source_row, v.column_name, v.message_zh, v.message_en, v.value)
                  for v in result.violations
                  if v.rule_code == rule and v.table_name == "disaster_events")


def test_a_wrong_total_is_quoted_in_the_units_of_the_sheet(tmp_path):
    # 合计: 19.91 万元 where the events add up to 19.8 (199,100 − 198,000 元 > the 1,000 元 allowed),
    # 81,500 元 of funds for 80,000, 482 亩 for 481; the counts add up
    total = ["合计", None, 1100, 20, 482, 50, 14, 34, 13, 31, 19.91, 81_500]
    assert violations(tmp_path, [FLOOD, HAIL, total], "H1") == [
        (4, "crop_area_mu",
         "表5 自然灾害第4行合计「农作物受灾面积」为 482亩,各明细行之和为 481亩",
         "表5 自然灾害 row 4: total of crop_area_mu is 482 亩, the detail rows sum to 481 亩",
         "482亩"),
        (4, "direct_loss",
         "表5 自然灾害第4行合计「直接经济损失」为 19.91万元(199,100元),各明细行之和为 19.8万元(198,000元)",
         ("表5 自然灾害 row 4: total of direct_loss is 19.91 万元 (199,100 元), the detail rows sum "
          "to 19.8 万元 (198,000 元)"),
         "19.91万元(199,100元)"),
        (4, "relief_funds",
         "表5 自然灾害第4行合计「下拨救灾资金」为 81,500元(8.15万元),各明细行之和为 80,000元(8万元)",
         ("表5 自然灾害 row 4: total of relief_funds is 81,500 元 (8.15 万元), the detail rows sum "
          "to 80,000 元 (8 万元)"),
         "81,500元(8.15万元)")]


def test_a_loss_without_people_or_crops_is_quoted_in_wan_yuan(tmp_path):
    # S8: 0.35 万元 of loss with no one and no crop affected — not "直接经济损失 3,500 元"
    frost = [dt.date(2024, 3, 5), "低温冷冻", 0, 0, 0, 0, 0, 0, 0, 0, 0.35, 0]
    assert [m for _, _, m, _, _ in violations(tmp_path, [frost], "S8")] == [
        ("表5 自然灾害第2行(2024-03-05 低温冷冻):直接经济损失 0.35万元(3,500元),"
         "但受灾人口和农作物受灾面积均为0")]


def test_a_pair_rule_quotes_its_areas_in_mu(tmp_path):
    # H9: 绝收 50 亩 of a 40 亩 crop area
    flood = [*FLOOD[:4], 40, 50, *FLOOD[6:]]
    assert [(m, v) for _, _, m, _, v in violations(tmp_path, [flood], "H9")] == [
        ("表5 自然灾害第2行:绝收面积 50亩,农作物受灾面积 40亩,应满足 绝收面积 ≤ 农作物受灾面积",
         "绝收面积 50亩,农作物受灾面积 40亩")]
