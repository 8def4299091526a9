"""A category sheet laid out the other way round: its categories across a row (项目 | 城市低保 |
农村低保, the measures down the first column; or 城市低保 merged over 户数 | 人数 | …, 农村低保
over the same, one row of figures). The reader reads one row per category and found no header:
it refused the return as missing a required column (缺少必填列 期末保障人数), which sent the
clerk looking for a column that is there. The refusal now says what is wrong with the table.
"""

from __future__ import annotations

from civstat.contract import Sheet
from civstat.ingest.header_subrows import HEADER_SCAN_ROWS
from civstat.ingest.refusal import Refusal
from civstat.ingest.row_kinds import _category


def categories_across(sheet: Sheet, name: str, grid: list) -> Refusal | None:
    """The refusal of a category sheet whose categories stand across a row of its top (two or
    more of them, none in the first column of any row); None for any other sheet."""
    if sheet.row_kind != "category" or any(
            row and row[0].__class__ is str and _category(sheet, row[0]) for row in grid):
        return None
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        found: dict[str, str] = {}
        for cell in row[1:]:
            if cell.__class__ is str and (code := _category(sheet, cell)) is not None:
                found.setdefault(code, cell.strip())
        if len(found) >= 2:
            labels = "、".join(found.values())
            first = next(iter(found.values()))
            return Refusal(
                "categories_across",
                f"类别({labels})写在第{r + 1}行的各列上,指标写在各行:本表应每个类别一行(类别在第一列)、"
                "每个指标一列,请按报表格式填写",
                f"the categories ({labels}) stand across row {r + 1}, the measures down the rows: "
                "the form has a row per category (its label in the first column) and a column "
                "per measure; fill it in the form's layout", sheet=name, row=r + 1, column=first)
    return None
