"""A cover stating ``金额单位:万元`` over a workbook whose money headers all state (元), written
cell by cell with openpyxl: the columns are read in the headers' 元, and the disagreement is one
``unit_line_overruled`` finding per sheet naming its columns (before: one per column, ten on the
seven tables here, about twenty on a full return). Figures are checked against values worked out
by hand.
"""

from __future__ import annotations

from handmade import (
    TEMP,
    YOUFU,
    canonical_sheets,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)
from test_reader_cover_units import _cover

LINE = "与封面第13行注明的万元不同,按表头的元读取"


def _noted(con) -> list[tuple]:
    return con.execute('SELECT sheet, "row", "column", message_zh, message_en FROM raw.findings '
                       "WHERE code = 'unit_line_overruled' ORDER BY sheet").fetchall()


def test_one_finding_per_sheet_names_its_columns(tmp_path):
    """表3's two money headers and 表7's three are each one finding naming them; 表1, 表2, 表5
    one column each, worded as before; 表4 two. The figures are the headers' 元 (36,800 元 of
    临时救助, 845,225 元 of 抚恤), not ×10,000."""
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", _cover("a cell"), canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT funds_ytd, in_kind_ytd FROM raw.temp_assist").fetchall() == [
        (TEMP[2], TEMP[3])]
    assert con.execute("SELECT pension_funds_ytd FROM raw.youfu").fetchall() == [(YOUFU[1],)]
    noted = _noted(con)
    assert [(s, r, c) for s, r, c, _, _ in noted] == [
        ("表1 最低生活保障", 1, "累计支出低保资金(元)"),
        ("表2 特困人员救助供养", 1, "累计支出供养资金(元)"),
        ("表3 临时救助", 1, "累计支出救助资金(元)"),
        ("表4 医疗救助", 1, "资助参保资金(元)"),
        ("表5 自然灾害", 1, "下拨救灾资金(元)"),
        ("表7 优抚安置", 1, "累计发放抚恤补助资金(元)")]
    by_sheet = {s: (zh, en) for s, _, _, zh, en in noted}
    assert by_sheet["表1 最低生活保障"][0] == (
        f"累计支出低保资金(元) 表头注明元,{LINE}(请核对该列的单位)")
    assert by_sheet["表3 临时救助"] == (
        f"累计支出救助资金(元)、其中:实物折款(元) 表头注明元,{LINE}(请核对这2列的单位)",
        ("累计支出救助资金(元), 其中:实物折款(元): the headers state 元, row 13 of sheet 封面 "
        "states 万元: read in the header's 元 (check these 2 columns' unit)"))
    assert by_sheet["表7 优抚安置"][0] == (
        "累计发放抚恤补助资金(元)、累计发放义务兵家庭优待金(元)、累计发放一次性经济补助/慰问金(元) "
        f"表头注明元,{LINE}(请核对这3列的单位)")


WELFARE = "表8 其他社会福利"
WELFARE_HEAD = ["高龄津贴人数", "累计发放高龄津贴(元)", "困难残疾人生活补贴符合条件人数",
                "困难残疾人生活补贴实际领取人数", "重度残疾人护理补贴符合条件人数",
                "重度残疾人护理补贴实际领取人数", "累计发放两项补贴资金(元)", "困难残疾人生活补贴资金(元)",
                "重度残疾人护理补贴资金(元)", "累计发放孤儿基本生活费(元)"]


def test_more_than_three_columns_are_counted(tmp_path):
    """表8 with five money columns headed (元) under the cover's 万元: one finding naming the
    first three and counting the five; 120,600 元 of 高龄津贴 and 59,000 元 of the two
    subsidies (35,000 + 24,000) read as the headers state."""
    sheets = {**canonical_sheets(),
              WELFARE: [WELFARE_HEAD, [178, 120_600, 40, 38, 25, 24, 59_000, 35_000, 24_000, 36_000]]}
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", _cover("a cell"), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT high_age_funds_ytd, disability_funds_ytd, orphan_funds_ytd "
                       "FROM raw.welfare").fetchall() == [(120_600.0, 59_000.0, 36_000.0)]
    assert [n[1:] for n in _noted(con) if n[0] == WELFARE] == [(
        1, "累计发放高龄津贴(元)",
        ("累计发放高龄津贴(元)、累计发放两项补贴资金(元)、困难残疾人生活补贴资金(元)等5列 表头注明元,"
        f"{LINE}(请核对这5列的单位)"),
        ("累计发放高龄津贴(元), 累计发放两项补贴资金(元), 困难残疾人生活补贴资金(元) and 2 more: "
        "the headers state 元, row 13 of sheet 封面 states 万元: read in the header's 元 (check "
        "these 5 columns' unit)"))]
