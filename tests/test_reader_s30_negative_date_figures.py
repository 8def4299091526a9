"""A negative figure in a cell formatted as a date, written cell by cell with openpyxl: calamine
gives every figure below 1 as a time on 1899-12-31 (-5 and 0 as 1899-12-31 00:00, -1000.25 as
18:00, 0.25 as 06:00), so the figure the cell stores cannot be read from it. Before, -5 loaded as
0 and -1000.25 as 0.75, with only a figure_as_date finding; now the return is refused naming the
cell. A figure from 1 up formatted as a date is still read (guard)."""

from __future__ import annotations

import pytest
from handmade import DIBAO, findings
from test_reader_date_figures import DATE, DATE_TIME, T1, _return, _urban


@pytest.mark.parametrize(("value", "cell", "shown"), [
    (-5, "C2", "1899-12-31"),                  # 期末保障人数: 0 before
    (0, "C2", "1899-12-31"),                   # 0 and -5 are the same text
    (-1_000.25, "H2", "1899-12-31 18:00"),     # 累计支出低保资金(元): 0.75 before
    (0.25, "H2", "1899-12-31 06:00"),          # and -0.75 the same as 0.25
])
def test_a_figure_below_one_formatted_as_a_date_is_refused(tmp_path, value, cell, shown):
    urban = list(DIBAO["urban"])
    urban[{"C2": 1, "H2": 6}[cell]] = value  # 期末保障人数, 累计支出低保资金(元)
    _, result = _return(tmp_path, urban, formats={(T1, cell): DATE_TIME if "." in str(value)
                                                     else DATE})
    column = {"C2": "期末保障人数", "H2": "累计支出低保资金(元)"}[cell]
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == ("bad_value", T1, 2, column)
    assert (f"单元格设置成了日期格式(读出为日期 {shown}),0、负数和小于1的数都读出为1899-12-31 这一天,"
            "无法读出其中存的数:请把单元格设为数值格式后重填") in item.message_zh
    assert not result.loaded


def test_a_figure_from_one_up_formatted_as_a_date_is_still_read(tmp_path):
    """Guard: 1 (1900-01-01) and 61 (1900-03-01, past Excel's 1900-02-29) are read, noted."""
    urban = list(DIBAO["urban"])
    urban[1], urban[6] = 61, 1
    con, result = _return(tmp_path, urban, formats={(T1, "C2"): DATE, (T1, "H2"): DATE})
    assert not result.quarantined
    assert _urban(con) == (61, 1.0)
    assert [f[3] for f in findings(con, T1) if f[0] == "figure_as_date"] == [
        "期末保障人数", "累计支出低保资金(元)"]
