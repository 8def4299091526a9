"""H1 (合计 = Σ detail rows) on a 表6 with 小计 rows: 公办 and 民办 institutions, each group with its
小计, then a 合计 — or the 小计 rows alone. The reader marks every 合计/小计/总计 row `is_total`;
a correct return must pass the gate, and a wrong 小计 or 合计 must still be found.
Returns written cell by cell (tests/handmade.py), read by the reader, checked by the rules."""

from __future__ import annotations

from pathlib import Path

import handmade as hm
import pytest

from civstat.quality import evaluate

T6 = "表6 养老服务机构"
# name, type, mode, 床位, 护理型床位, 在院, 特困, 工作人员, 护理员
A = ["马店镇敬老院", "敬老院", "公办公营", 80, 40, 52, 30, 12, 8]
A2 = ["马店镇中心敬老院", "敬老院", "公办公营", 20, 10, 15, 10, 4, 2]
B = ["马店镇康乐养老院", "民办养老院", "民办", 60, 30, 40, 0, 8, 6]


def total(label: str, *rows: list, beds_off: int = 0) -> list:
    sums = [sum(r[i] for r in rows) for i in range(3, 9)]
    sums[0] += beds_off
    return [label, None, None, *sums]


def gate(tmp_path: Path, rows: list[list]) -> list[tuple]:
    """马店's return with 表6 as ``rows``: its hard violations on 表6 (row, rule, column, message)."""
    sheets = hm.canonical_sheets()
    sheets[T6] = [sheets[T6][0], *rows]
    hm.write_xlsx(hm.raw_folder(tmp_path) / "马店.xlsx", hm.cover_rows(), sheets)
    con, _ = hm.run_ingest(tmp_path)
    try:
        assert hm.quarantine_rows(con) == []
        # the subtotal rows are read as totals, not as institutions
        assert con.execute("SELECT count(*) FROM raw.eldercare_institutions WHERE NOT is_total"
                           ).fetchone()[0] == sum(1 for r in rows if r[1] is not None)
        result = evaluate(con)
    finally:
        con.close()
    return sorted((v.source_row, v.rule_code, v.column_name, v.message_zh) for v in result.violations
                  if v.severity == "hard" and v.table_name == "eldercare_institutions")


@pytest.mark.parametrize("case, rows", [
    ("小计 under each group, then 合计",
     [A, A2, total("小计", A, A2), B, total("小计", B), total("合计", A, A2, B)]),
    ("two 小计, no 合计", [A, A2, total("小计", A, A2), B, total("小计", B)]),
    ("小计 over each group, 总计 last",
     [total("小计", A, A2), A, A2, total("小计", B), B, total("总计", A, A2, B)]),
    ("合计 first, then 小计 under each group",
     [total("合计", A, A2, B), A, A2, total("小计", A, A2), B, total("小计", B)]),
])
def test_a_return_with_correct_subtotals_passes(tmp_path, case, rows):
    assert gate(tmp_path, rows) == [], case


def test_a_wrong_subtotal_is_found_on_its_row(tmp_path):
    rows = [A, A2, total("小计", A, A2, beds_off=5), B, total("小计", B), total("合计", A, A2, B)]
    assert gate(tmp_path, rows) == [
        (4, "H1", "beds", ("表6 养老服务机构第4行合计「床位数」为 105张,各明细行之和为 160张,"
                           "本组(相邻合计/小计行之间)明细行之和为 100张"))]


def test_a_wrong_grand_total_beside_subtotals_is_found(tmp_path):
    rows = [A, A2, total("小计", A, A2), B, total("小计", B), total("合计", A, A2, B, beds_off=1)]
    assert [(r, rule, col) for r, rule, col, _ in gate(tmp_path, rows)] == [(7, "H1", "beds")]


ALL = ["beds", "nursing_beds", "residents", "residents_tekun", "staff", "trained_caregivers"]


@pytest.mark.parametrize("rows, row, columns", [
    ([A, A2, B, total("合计", B)], 5, ALL),
    # one total row between the groups, equal to those above it: a 合计 short of 民办's row, or a
    # 公办 小计 with no 民办 one — either way not the sum of every row, as before subtotals counted
    # (民办 has no 特困 resident: that column adds up)
    ([A, A2, total("合计", A, A2), B], 4, [c for c in ALL if c != "residents_tekun"]),
])
def test_a_single_total_is_still_the_sum_of_every_row(tmp_path, rows, row, columns):
    assert [(r, rule, col) for r, rule, col, _ in gate(tmp_path, rows)] == [
        (row, "H1", c) for c in sorted(columns)]
