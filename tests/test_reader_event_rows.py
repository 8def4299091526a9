"""表5 and 表6 rows written cell by cell with openpyxl: a row saying no disaster happened, the
listed 灾害种类 / 机构类型 as clerks write them, and a 表5 row copied twice."""

from __future__ import annotations

import datetime as dt

import pytest
from handmade import canonical_sheets, cover_rows, findings, raw_folder, run_ingest, write_xlsx

T5, T6 = "表5 自然灾害", "表6 养老服务机构"
EVENT = canonical_sheets()[T5][1]  # 2024-06-20 暴雨洪涝 800 20 381 40 12 30 10 25 12.5 50000
HAIL = [dt.date(2024, 8, 3), "风雹", 300, 0, 150, 10, 0, 0, 2, 8, 3.2, 10_000]


def _ingest(tmp_path, **tables):
    """Ingest 马店's return with the given sheets' rows under their canonical headers
    (``T5=[...rows]``): (connection, result)."""
    sheets = canonical_sheets()
    for name, rows in tables.items():
        sheet = {"T5": T5, "T6": T6}[name]
        sheets[sheet] = [sheets[sheet][0], *rows]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    return run_ingest(tmp_path)


def _events(con) -> list[tuple]:
    return con.execute("SELECT source_row, event_date, hazard_type, affected_persons, direct_loss "
                       "FROM raw.disaster_events ORDER BY source_row").fetchall()


# -- a row saying nothing happened ------------------------------------------------------------
@pytest.mark.parametrize("row", [
    ["本季度无自然灾害发生"],
    ["本季度无灾情"],
    ["本季度无灾情。", None, None, None],
    [" 本季度 无自然灾害发生 "],
    ["本季度無災情"],
    ["(无)"],
    ["无"],
    ["无", "无"],
    ["本季度无灾情", "无"],
])
def test_a_row_saying_no_disaster_happened_is_no_event_with_a_finding(tmp_path, row):
    """Before, the texts were refused (bad_value: 无法识别的日期 '本季度无自然灾害发生'), 无
    loaded without a word (and 无 | 无 as a title row); now no row loads and a finding quotes it."""
    con, result = _ingest(tmp_path, T5=[row])
    assert not result.quarantined
    assert _events(con) == []
    [found] = findings(con, T5)
    assert found[:3] == ("no_event", T5, 2)
    assert f"“{row[0].strip()}”" in found[4]


def test_beside_an_event_the_no_event_row_is_left_out(tmp_path):
    con, result = _ingest(tmp_path, T5=[EVENT, ["本季度无灾情"]])
    assert not result.quarantined
    assert _events(con) == [(2, dt.date(2024, 6, 20), "暴雨洪涝", 800, 125_000.0)]
    assert [f[:3] for f in findings(con, T5)] == [("no_event", T5, 3)]


@pytest.mark.parametrize("date", ["本季度无灾情", "本季度无自然灾害发生", "无灾情。"])
def test_a_row_with_figures_and_no_event_in_its_date_is_refused(tmp_path, date):
    """An event whose date was not written, or figures typed by mistake: which cannot be told."""
    _, result = _ingest(tmp_path, T5=[[date, "暴雨洪涝", 800, None, 381, None, None, None, None,
                                         None, 12.5]])
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row, item.column) == (
        "bad_value", T5, 2, "灾害发生日期")
    assert f"写着“{date}”" in item.message_zh


# -- choices ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "listed"), [
    ("暴雨", "暴雨洪涝"), ("洪涝", "暴雨洪涝"), ("暴雨洪涝灾害", "暴雨洪涝"), ("冰雹", "风雹"),
    ("大风", "风雹"), ("旱灾", "干旱"), ("暴雨 洪涝", "暴雨洪涝"), ("暴雨洪澇", "暴雨洪涝"),
    ("風雹", "风雹"), ("山体滑坡", "地质灾害"),
])
def test_a_known_variant_of_a_hazard_loads_as_its_listed_kind(tmp_path, kind, listed):
    """Before, 暴雨 loaded as 暴雨: the Q2 return's 暴雨 and the Q3 return's 暴雨洪涝 of one date
    were two events in fct_disaster_losses (township, date, kind), counted twice."""
    event = list(EVENT)
    event[1] = kind
    con, result = _ingest(tmp_path, T5=[event])
    assert not result.quarantined
    assert _events(con) == [(2, dt.date(2024, 6, 20), listed, 800, 125_000.0)]
    assert findings(con, T5) == []


def test_an_unlisted_hazard_loads_as_written_with_a_finding(tmp_path):
    """It counts in every total and shows as a kind of its own in 按灾种分: a finding, no refusal."""
    event = list(EVENT)
    event[1] = "龙卷风雷暴"
    con, result = _ingest(tmp_path, T5=[event, HAIL])
    assert not result.quarantined
    assert [e[2] for e in _events(con)] == ["龙卷风雷暴", "风雹"]
    [found] = findings(con, T5)
    assert found[:4] == ("unlisted_choice", T5, 2, "灾害种类")
    assert "“龙卷风雷暴”" in found[4] and "暴雨洪涝、干旱" in found[4]


def test_institution_types_and_modes_as_clerks_write_them(tmp_path):
    """乡镇敬老院 is a 敬老院 and 公办民营 a 公建民营 (before: loaded as written); 农村幸福院 is
    no listed type: loaded as written, with a finding."""
    con, result = _ingest(tmp_path, T6=[
        ["马店镇敬老院", "乡镇敬老院", "公办民营", 80, 40, 52, 30, 12, 8],
        ["东村幸福院", "农村幸福院", "民办", 20, 0, 15, 0, 3, 2],
        ["西村助餐点", "老年助餐点", "民办民营", 0, 0, 0, 0, 2, 1]])
    assert not result.quarantined
    assert con.execute("SELECT institution_name, institution_type, operation_mode "
                       "FROM raw.eldercare_institutions ORDER BY source_row").fetchall() == [
        ("马店镇敬老院", "敬老院", "公建民营"), ("东村幸福院", "农村幸福院", "民办"),
        ("西村助餐点", "老年助餐点", "民办")]
    [found] = findings(con, T6)
    assert found[:4] == ("unlisted_choice", T6, 3, "机构类型")
    assert "“农村幸福院”" in found[4]


# -- a row copied twice --------------------------------------------------------------------------
def test_two_identical_event_rows_both_count_with_a_finding_naming_both(tmp_path):
    """Before, a copied row counted twice without a word."""
    con, result = _ingest(tmp_path, T5=[EVENT, HAIL, list(EVENT)])
    assert not result.quarantined
    assert [e[0] for e in _events(con)] == [2, 3, 4]
    [found] = findings(con, T5)
    assert found[:3] == ("duplicate_row", T5, 4)
    assert "第2行和第4行完全相同" in found[4] and "rows 2 and 4" in found[5]


def test_two_rows_of_one_date_and_kind_with_other_figures_are_no_copy(tmp_path):
    """One village per row: both count, no finding (a guard against a false alarm)."""
    village = list(EVENT)
    village[2] = 300
    con, result = _ingest(tmp_path, T5=[EVENT, village])
    assert not result.quarantined
    assert [e[3] for e in _events(con)] == [800, 300]
    assert findings(con, T5) == []
