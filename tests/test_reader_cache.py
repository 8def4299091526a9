"""The header location is memoised per layout: cells that can match no column (numbers, a
title naming the township) are replaced by stand-ins, and the answer is the uncached scan's."""

from __future__ import annotations

import pytest

from civstat.contract import load_contract
from civstat.ingest import reader
from civstat.ingest.cover import _label_at, _labels

DIBAO = load_contract().sheet("dibao")
HEADS = [c.header for c in DIBAO.columns]


def _grid(title: str, numbers: list[str], upper: str | None = None) -> list[list]:
    width = len(HEADS) + 1
    rows = [[title] + [None] * (width - 1), [None] * width]
    if upper is not None:
        rows.append([upper] + [None] * (width - 1))
    rows.append(["类别", *HEADS])
    for label in ("合计", "城市", "农村"):
        rows.append([label, *numbers[:len(HEADS)]])
    return rows


@pytest.mark.parametrize("grid", [
    _grid("马店镇 表1 最低生活保障", ["12", "3.5", "1,234", "67%", "—", "", " 7 ", "-1", "0"] * 3),
    _grid("东园县南溪西乡", ["1.", ".", "１２", "529户", "x", None, "2024", "1.2.", "9"] * 3),
    _grid("", [None] * 27, upper="1."),
    _grid("人数", ["人数", "户数", "1", "2", "3", "4", "5", "6", "7"] * 3, upper="期末"),
])
def test_cached_header_is_the_scan(grid):
    reader._HEADER_CACHE.clear()
    first = reader._locate_header("dibao", grid)
    assert first == reader._scan_header("dibao", grid)
    assert reader._locate_header("dibao", grid) == first  # from the cache


def test_titles_and_numbers_share_one_layout():
    reader._HEADER_CACHE.clear()
    a = _grid("马店镇 最低生活保障季报", ["1", "2", "3", "4", "5", "6", "7", "8", "9"] * 3)
    b = _grid("杨桥镇 最低生活保障季报", ["10", "20.5", "3", "4", "5", "6", "7", "8", "9"] * 3)
    assert reader._locate_header("dibao", a) == reader._locate_header("dibao", b)
    assert len(reader._HEADER_CACHE) == 1


def test_equal_numbers_of_other_types_are_not_one_cell():
    cells = reader._LayoutCells("dibao")
    assert cells[1] != cells[True] and cells[1] != cells[1.0]


def test_cover_labels_memoised_as_before():
    grid = [["填报单位:马店镇", None, " "], ["报告期", "2024年第4季度", 3]]
    assert [(lb.row, lb.col, lb.field.name, lb.inline) for lb in _labels(grid)] == [
        (0, 0, "unit_name", "马店镇"), (1, 0, "period_text", None)]
    assert _label_at(grid, 0, 2) is None and _label_at(grid, 1, 2) is None
