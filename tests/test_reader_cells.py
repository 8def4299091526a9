"""Figure cells as clerks write them, on returns written cell by cell with openpyxl: a zero as a
word (零), nothing in brackets ((无)), a yuan sign (¥380,000.00), and a note in brackets
stating a part of the figure (210人(含残疾5人)); what stays ambiguous stays refused."""

from __future__ import annotations

import pytest
from handmade import (
    DIBAO,
    DIBAO_COLUMNS,
    canonical_sheets,
    cover_rows,
    findings,
    raw_folder,
    run_ingest,
    write_xlsx,
)

from civstat.ingest.normalize import parse_number

T1 = "表1 最低生活保障"
NEW_HOUSEHOLDS, PERSONS, FUNDS = 3, 2, 7  # grid columns of 表1 (0: 类别)


def _urban_with(tmp_path, column: int, cell):
    """Ingest 马店's return whose 城市低保 cell ``column`` holds ``cell``: (connection, result,
    the urban row as a dict or None)."""
    sheets = canonical_sheets()
    sheets[T1][1][column] = cell
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    row = con.execute(f"SELECT {', '.join(DIBAO_COLUMNS)} FROM raw.dibao WHERE category = 'urban'"
                      ).fetchone()
    return con, result, dict(zip(DIBAO_COLUMNS, row, strict=True)) if row else None


def _expected(**changed) -> dict:
    return {**dict(zip(DIBAO_COLUMNS, DIBAO["urban"], strict=True)), **changed}


@pytest.mark.parametrize(("column", "cell", "changed"), [
    (NEW_HOUSEHOLDS, "零", {"new_households": 0}),
    (NEW_HOUSEHOLDS, "〇", {"new_households": 0}),
    (NEW_HOUSEHOLDS, "(无)", {"new_households": None}),
    (NEW_HOUSEHOLDS, "（无）", {"new_households": None}),
    (NEW_HOUSEHOLDS, "（ 無 ）", {"new_households": None}),
    (FUNDS, "¥380,000.00", {"funds_ytd": 380_000.0}),
    (FUNDS, "￥380,000", {"funds_ytd": 380_000.0}),
    (FUNDS, "¥ 412,500.50", {"funds_ytd": 412_500.5}),
    (FUNDS, "¥38万", {"funds_ytd": 380_000.0}),
])
def test_a_word_for_zero_nothing_in_brackets_and_a_yuan_sign_are_read(tmp_path, column, cell,
                                                                       changed):
    """Before, each was refused (bad_value: 无法识别的数值); their meaning is certain."""
    _, result, urban = _urban_with(tmp_path, column, cell)
    assert not result.quarantined
    assert urban == _expected(**changed)


def test_a_yuan_sign_is_the_cells_unit_under_a_wanyuan_header(tmp_path):
    """¥ states 元 as ``380000元`` does: under 累计支出低保资金(万元) the figure is 380,000 元, not
    380,000 万元 (the header's factor is the column's when the cell states none)."""
    sheets = canonical_sheets()
    sheets[T1][0][FUNDS] = "累计支出低保资金(万元)"
    sheets[T1][1][FUNDS] = "¥380,000.00"
    sheets[T1][2][FUNDS] = 177.5475
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT category, funds_ytd FROM raw.dibao ORDER BY category").fetchall() == [
        ("rural", 1_775_475.0), ("urban", 380_000.0)]


@pytest.mark.parametrize(("column", "cell", "words"), [
    (PERSONS, "¥210", "的单位是元,而本列的单位是人"),       # money in a column of people
    (NEW_HOUSEHOLDS, "o", "无法识别的数值"),              # a letter, not 零
    (NEW_HOUSEHOLDS, "空", "无法识别的数值"),
    (FUNDS, "¥380,000余", "不是准确的数"),
])
def test_what_stays_ambiguous_is_still_refused(tmp_path, column, cell, words):
    _, result, urban = _urban_with(tmp_path, column, cell)
    [item] = result.quarantined
    assert (item.reason_code, item.sheet, item.row) == ("bad_value", T1, 2)
    assert words in item.message_zh and urban is None


@pytest.mark.parametrize(("column", "cell", "changed", "note"), [
    (PERSONS, "210人(含残疾5人)", {"persons": 210}, "含残疾5人"),
    (PERSONS, "210(含残疾5人)", {"persons": 210}, "含残疾5人"),
    (PERSONS, "210人（其中残疾5人）", {"persons": 210}, "其中残疾5人"),
    (PERSONS, "2.1万人(含残疾5人)", {"persons": 21_000}, "含残疾5人"),
    (FUNDS, "38万元(含补发5000元)", {"funds_ytd": 380_000.0}, "含补发5000元"),
    (FUNDS, "¥380,000(含补发)", {"funds_ytd": 380_000.0}, "含补发"),
])
def test_a_figure_with_a_note_of_its_part_is_read_and_the_note_is_a_finding(tmp_path, column, cell,
                                                                            changed, note):
    """Before, a note holding digits made the cell refused (无法识别的数值), and ¥ with any
    note too; the figure before the note is the cell's value, and the note is quoted in a
    finding (cell_note), never added to the figure."""
    con, result, urban = _urban_with(tmp_path, column, cell)
    assert not result.quarantined
    assert urban == _expected(**changed)
    [found] = findings(con, T1)
    header = canonical_sheets()[T1][0][column]
    assert found[:4] == ("cell_note", T1, 2, header)
    assert f"“{note}”" in found[4] and f"{cell!r}" in found[4]


@pytest.mark.parametrize("cell", ["210(220)", "210人(另5人)", "210人(原220人)", "210(含5人)220",
                                  "210人(含残疾5人)(另3人)", "(含残疾5人)210"])
def test_a_cell_with_two_competing_figures_is_still_refused(tmp_path, cell):
    """A bracket not stating a part of the figure may hold a second figure: which is the
    quarter's cannot be told."""
    _, result, urban = _urban_with(tmp_path, PERSONS, cell)
    [item] = result.quarantined
    assert (item.reason_code, item.row, item.column) == ("bad_value", 2, "期末保障人数")
    assert urban is None


def test_parse_number_cell_by_cell():
    assert parse_number("零") == 0.0
    assert parse_number("(无)") is None
    assert parse_number("¥380,000.00") == 380_000.0
    assert parse_number("-¥5") == -5.0
    assert parse_number("210人(含残疾5人)") == 210.0
    for bad in ("210(220)", "¥", "零零", "210人(另5人)"):
        with pytest.raises(ValueError, match=r"."):
            parse_number(bad)
