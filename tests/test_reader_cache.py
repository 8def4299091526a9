"""The header location is memoised per layout: cells that can match no column (numbers, a
title naming the township) are replaced by stand-ins, and the answer is the uncached scan's."""

from __future__ import annotations

import pytest

from civstat.contract import load_contract
from civstat.ingest import header, header_standins, reader
from civstat.ingest.cover_labels import label_at as _label_at
from civstat.ingest.cover_labels import labels_of as _labels

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


def test_titles_share_one_layout_where_header_keys_hold_digits():
    """社会组织's headers hold a digit (3A及以上): a number there may be part of a header, but a
    title naming the township is still no header, so every township's sheet is one layout —
    and the answer is the scan's, for a title that reads like a header too."""
    sheet = load_contract().sheet("social_orgs")
    heads = [c.header for c in sheet.columns]

    def grid(title):
        return [[title, *[None] * len(heads)], ["单位:个", *[None] * len(heads)],
                ["项目", *heads], ["本期", *[str(n) for n in range(len(heads))]]]

    reader._HEADER_CACHE.clear()
    header._FULL_ENDS.pop("social_orgs", None)
    a, b = grid("马店镇2024年第四季度民政统计季报——社会组织"), grid("杨桥镇2024年第四季度民政统计季报——社会组织")
    assert any(ch.isdigit() for h in heads for ch in h)
    assert reader._locate_header("social_orgs", a) == reader._locate_header("social_orgs", b)
    assert len(reader._HEADER_CACHE) == 1
    for title in ("3A及以上", "社会团体", "3"):  # cells that may be headers keep their own layout
        g = grid(title)
        assert reader._locate_header("social_orgs", g) == reader._scan_header("social_orgs", g)


def test_equal_numbers_of_other_types_are_not_one_cell():
    cells = header_standins.LayoutCells("dibao")
    assert cells[1] != cells[True] and cells[1] != cells[1.0]


def test_cover_labels_memoised_as_before():
    grid = [["填报单位:马店镇", None, " "], ["报告期", "2024年第4季度", 3]]
    assert [(lb.row, lb.col, lb.field.name, lb.inline) for lb in _labels(grid)] == [
        (0, 0, "unit_name", "马店镇"), (1, 0, "period_text", None)]
    assert _label_at(grid, 0, 2) is None and _label_at(grid, 1, 2) is None
