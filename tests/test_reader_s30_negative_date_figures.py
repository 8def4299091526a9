"""A figure below 1 in a cell formatted as a date, written cell by cell with openpyxl: calamine
gives every figure below 1 as a time on 1899-12-31 (-5 and 0 as 1899-12-31 00:00, -1000.25 as
18:00, 0.25 as 06:00), so the figure the cell stores cannot be read from that text. Session 29
loaded -5 as 0 and -1000.25 as 0.75; session 30 refused them; now the figure the sheet's XML
stores is read, with a figure_as_date finding saying it. A figure from 1 up formatted as a date
is still read (guard)."""

from __future__ import annotations

import pytest
from handmade import DIBAO, findings
from test_reader_date_figures import DATE, DATE_TIME, T1, _return, _urban


@pytest.mark.parametrize(("value", "cell", "shown", "read"), [
    (-5, "C2", "1899-12-31", "-5"),                     # 期末保障人数: 0, then refused
    (0, "C2", "1899-12-31", "0"),                       # 0 and -5 are the same text
    (-1_000.25, "H2", "1899-12-31 18:00", "-1,000.25"),  # 累计支出低保资金(元): 0.75, then refused
    (0.25, "H2", "1899-12-31 06:00", "0.25"),           # and -0.75 the same as 0.25
])
def test_a_figure_below_one_formatted_as_a_date_is_the_figure_stored(tmp_path, value, cell,
                                                                     shown, read):
    urban = list(DIBAO["urban"])
    urban[{"C2": 1, "H2": 6}[cell]] = value  # 期末保障人数, 累计支出低保资金(元)
    con, result = _return(tmp_path, urban, formats={(T1, cell): DATE_TIME if "." in str(value)
                                                        else DATE})
    column = {"C2": "期末保障人数", "H2": "累计支出低保资金(元)"}[cell]
    assert not result.quarantined
    assert _urban(con) == ((value, DIBAO["urban"][6]) if cell == "C2"
                           else (DIBAO["urban"][1], value))
    [dated] = [f for f in findings(con, T1) if f[0] == "figure_as_date"]
    assert dated[:4] == ("figure_as_date", T1, 2, column)
    assert dated[4] == (f"{column} 单元格设置成了日期格式(读出为日期 {shown}),按其中存的数 {read} 读取:"
                        "请核对,并把单元格设为数值格式")


def test_a_figure_from_one_up_formatted_as_a_date_is_still_read(tmp_path):
    """Guard: 1 (1900-01-01) and 61 (1900-03-01, past Excel's 1900-02-29) are read, noted."""
    urban = list(DIBAO["urban"])
    urban[1], urban[6] = 61, 1
    con, result = _return(tmp_path, urban, formats={(T1, "C2"): DATE, (T1, "H2"): DATE})
    assert not result.quarantined
    assert _urban(con) == (61, 1.0)
    assert [f[3] for f in findings(con, T1) if f[0] == "figure_as_date"] == [
        "期末保障人数", "累计支出低保资金(元)"]
