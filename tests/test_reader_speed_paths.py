"""The reader's shortcuts give the answers of the long way, on many generated cases:

* a sheet's header, memoised per layout (under the rows down to a full header, or the whole
  scan), is the uncached scan's;
* a cover's fields, located once per layout of cell kinds, are where the cell-by-cell search
  finds them;
* a workbook's zip directory, read with ``struct``, is what :mod:`zipfile` reads (or left to it);
* returns typed together in one batch are typed as one by one;
* the load's frames, built column by column, equal the row-by-row build.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from pathlib import Path

import polars as pl
import pytest
from handmade import canonical_sheets, cover_rows, write_xlsx

from civstat.contract import load_contract
from civstat.ingest import cover, cover_labels, header, header_standins, limits, row_kinds, store
from civstat.ingest.normalize import is_blank, norm
from civstat.ingest.reader import Refusal, finish_returns, plan_return

CONTRACT = load_contract()
FAMILIES = [s.family for s in CONTRACT.sheets]


# -- header ------------------------------------------------------------------------------------
def _header_cells(sheet) -> list[str]:
    cells = []
    for col in sheet.columns:
        cells += [col.header, *col.synonyms[:3]]
        if col.group and col.short:
            cells += [col.group, col.short]
    return cells


NOISE = ["", " ", None, "1", "12.5", "—", "1,234", "合计", "城市低保", "农村低保", "类别", "单位:户、人、元",
         "填表人:张三", "(人)", "人数", "户数", "其中:", "1、", "表1 最低生活保障", "金额单位:千元",
         "（单位:万元）", "填报单位:马店镇", "本期", "上年同期", "比上年增减", "注:金额单位为万元",
         "说明:本表单位:千元"]


def _grid(rng: random.Random, sheet) -> list[list]:
    """A sheet as clerks lay it out, on one of a few templates (titles, a one- or two-row
    header with some cells dropped or replaced, data rows): the title's township and the
    figures vary from return to return, and now and then a cell anywhere is replaced."""
    t = random.Random(f"{sheet.family}{rng.randrange(6)}")  # the template
    cols = list(sheet.columns)
    width = len(cols) + t.choice([0, 1, 1, 2])
    lead = width - len(cols)
    town = rng.choice(["马店镇", "南溪西乡", "白庙乡", "城关街道", "青石镇"])
    rows: list[list] = []
    for _ in range(t.choice([0, 1, 2, 2, 3])):
        rows.append([t.choice([f"{town}2024年第四季度{sheet.sheet}", "单位:户、人、元", None, town,
                               f"{town}2024年第四季度{sheet.sheet}(单位:万元)", "金额单位:万元",
                               "单位:户、人、元、万元", "面积单位:公顷"])]
                    + [None] * (width - 1))
    if t.random() < 0.4 and any(c.group for c in cols):
        rows.append([None] * lead + [c.group or c.header for c in cols])
        rows.append([None] * lead + [c.short if c.group else None for c in cols])
    else:
        rows.append(["类别"] * lead + [t.choice([c.header, *c.synonyms]) for c in cols])
    for r in range(max(0, len(rows) - 2), len(rows)):
        if t.random() < 0.3:
            rows[r][t.randrange(width)] = t.choice(NOISE)
    for _ in range(t.choice([0, 1, 2, 4])):
        rows.append([t.choice(["城市低保", "农村低保", "合计", None]) for _ in range(lead)]
                    + [str(rng.randint(0, 99999)) if rng.random() < 0.9 else rng.choice(NOISE)
                       for _ in cols])
    if t.random() < 0.3:  # the template's note under the table, stating units or not
        rows.append([t.choice(["注:金额单位为万元", "说明:本表单位:千元", "注:本表由民政办填报"])])
    vocabulary = _header_cells(sheet) + NOISE
    if rows and rng.random() < 0.15:
        row = rows[rng.randrange(len(rows))]
        row[rng.randrange(len(row))] = rng.choice(vocabulary)
    if rng.random() < 0.05:
        rows = [[rng.choice(vocabulary) for _ in range(rng.randint(1, width))]
                for _ in range(rng.randint(1, 15))]
    return rows


def _fields(found: header.Layout) -> tuple:
    return (found.header_rows, found.mapping, found.missing, found.columns, found.index,
            found.label_col, found.full, found.line_units, found.problem)


@pytest.mark.parametrize("seed", range(4))
def test_layout_memo_is_the_uncached_scan(seed):
    rng = random.Random(seed)
    header._HEADER_CACHE.clear()
    for _ in range(800):
        family = rng.choice(FAMILIES)
        grid = _grid(rng, CONTRACT.sheet(family))
        expected = header.Layout.of(family, grid, header._scan_header(family, grid))
        assert _fields(header.layout(family, grid)) == _fields(expected), grid
    assert len(header._HEADER_CACHE) < 400  # the memo was used: returns share layouts


TOWNS = ["马店镇", "南溪西乡", "城关街道", "青石镇", "白庙乡", "高塘街道"]
TRICKY = ["保障镇", "上年镇", "本期乡", "二十里铺", "其中镇", "馬店鎮", "单位乡", "户数", "类别",
          "城市", "期末保障", "Ma店镇", "累计支出"]


def _titled(rng: random.Random, family: str, town: str) -> list[list]:
    """A generated sheet whose first rows name ``town`` in every way titles do: apart
    (马店镇2024年…, 马店镇 表1), run on into Chinese text (马店镇民政…), alone, twice, next to a
    units line, inside brackets."""
    grid = _grid(rng, CONTRACT.sheet(family))
    width = max((len(r) for r in grid), default=1)
    titles = [f"{town}2024年第四季度民政统计季报——{CONTRACT.sheet(family).sheet}",
              f"{town} 表1", f"{town}民政统计季报", town, f"{town}（{town}）", f"({town})",
              f"{town} 单位:户、人、元", f"填报单位:{town}", f"{town}2024年{town}"]
    for _ in range(rng.randint(1, 2)):
        grid.insert(0, [rng.choice(titles)] + [None] * (width - 1))
    return grid


@pytest.mark.parametrize("seed", range(3))
def test_layout_memo_with_the_township_is_the_uncached_scan(seed):
    """Titles naming the township are looked up with the name replaced (where it stands apart
    and cannot change how the cell reads): the answer stays the scan's, for names that are
    header words, period words, numerals, 其中, traditional or not Chinese at all."""
    rng = random.Random(seed)
    header._HEADER_CACHE.clear()
    for _ in range(600):
        family = rng.choice(FAMILIES)
        town = rng.choice(TOWNS + TRICKY)
        grid = _titled(rng, family, town)
        expected = header.Layout.of(family, grid, header._scan_header(family, grid))
        assert _fields(header.layout(family, grid, town)) == _fields(expected), (town, grid)


def test_titles_of_many_townships_are_one_memo_entry():
    """A province's titles (高塘街道2024年第四季度…) are worked out once, not once per township;
    a name that could read as a header (保障, a header word of 低保) is never replaced."""
    family, sheet = "dibao", CONTRACT.sheet("dibao")
    cells = header_standins.LAYOUT_CELLS.setdefault(family, header_standins.LayoutCells(family))
    towns = [f"{a}{b}镇" for a in "东西南北中" for b in "山水林田湖"]
    heads = [["类别", *[c.header for c in sheet.columns]], ["城市低保", *["1"] * len(sheet.columns)]]
    before = len(cells)
    found = [header.layout(family, [[f"{t}2024年第四季度民政统计季报"], *heads], t) for t in towns]
    assert all(f is found[0] for f in found) and found[0].full
    assert len(cells) - before <= 2  # the placed title, and 类别 … once
    assert header_standins.place_name(family, "马店镇", "马店镇2024年第四季度") == "\u34002024年第四季度"
    assert header_standins.place_name(family, "马店镇", "马店镇民政统计季报") is None  # runs on
    assert header_standins.place_name(family, "保障", "保障2024年") is None  # a header word
    assert header_standins.place_name(family, "马店镇", "马店镇 单位:户、人") is None  # units read from it


@pytest.mark.parametrize("family", ["temp_assist", "dibao", "eldercare", "disaster"])
def test_row_kinds_of_numbers_are_the_classification(family):
    """A row whose first cell is ASCII text and that has no label (a one-row sheet's figures,
    an event's date) is classed once for all of them, as :meth:`classify` classes each."""
    sheet = CONTRACT.sheet(family)
    kinds = row_kinds.RowKinds(sheet)
    numbers = ["0", "142", " 7 ", "-3", "384560.63", "1", "2024", "00", "1.", "1,234", "1e3",
               "2024-05-04 00:00:00", "N/A", "total", "#REF!", " "]
    for first in numbers:
        assert kinds[first, None] == kinds.classify(first, None), first
    for first in ("合计", "注:", "上年同期", "填表人:张三"):  # words keep their own class
        assert kinds[first, None] == kinds.classify(first, None), first
    plain = [k for k in kinds if k[1] is None and k[0].isascii()]
    assert plain == [("0", None)]  # all of them read through one entry


# -- cover ---------------------------------------------------------------------------------------
def _oracle_locate(grid: list[list]) -> dict:
    """The cover's cell-by-cell search as it was before layouts were memoised."""
    def label_at(r, c):
        cell = grid[r][c] if c < len(grid[r]) else None
        return cover._cell_label(cell) if isinstance(cell, str) else None

    def bare(cell):
        return isinstance(cell, str) and bool(cover_labels.BARE_UNIT.match(norm(cell)))

    labels = [(found[0], r, c, found[1]) for r, row in enumerate(grid) for c, cell in enumerate(row)
              if isinstance(cell, str) and (found := cover._cell_label(cell)) is not None]
    by_row: dict[int, list] = {}
    for lb in labels:
        by_row.setdefault(lb[1], []).append(lb)
    found: dict = {}
    for field, r, c, inline in labels:
        here = by_row[r]
        label_row = len(here) >= 2 and not any(lb[3] for lb in here) and all(
            j in {lb[2] for lb in here} or is_blank(v) or bare(v) for j, v in enumerate(grid[r]))
        value = (field.name, None, r, c)
        if inline is not None:
            value = (field.name, inline, r, c)
        elif not label_row:
            for j in range(c + 1, len(grid[r])):
                cell = grid[r][j]
                if is_blank(cell) or bare(cell):
                    continue
                if label_at(r, j) is not None:
                    break
                value = (field.name, cell, r, j)
                break
        elif r + 1 < len(grid):
            cell = grid[r + 1][c] if c < len(grid[r + 1]) else None
            if not is_blank(cell) and label_at(r + 1, c) is None:
                value = (field.name, cell, r + 1, c)
        prev = found.get(field.name)
        if prev is None or (prev[1] is None and value[1] is not None):
            found[field.name] = value
    return found


def _cover(rng: random.Random) -> list[list]:
    labels = [name for f in CONTRACT.cover_fields for name in (f.header, *f.synonyms[:2])]
    values = ["马店镇", "371599101000", "2024年第3季度", "32000", 32000, "3.2万", "", " ", None, "人",
              "(人)", "张三", "0530-1234567", "2024-10-08 00:00:00", "abc", "#N/A", 45573]
    rows: list[list] = [["乡镇民政统计季报 封面"]]
    for _ in range(rng.randint(3, 14)):
        kind = rng.random()
        label = rng.choice(labels)
        if kind < 0.5:
            rows.append([label, rng.choice(values)] + [rng.choice(values) for _ in range(rng.randint(0, 2))])
        elif kind < 0.65:
            prefix, colon = rng.choice(["", "其中:", "其中：", "1、"]), rng.choice([":", "：", " "])
            rows.append([f"{prefix}{label}{colon}{rng.choice(values[:3])}"])
        elif kind < 0.8:
            rows.append([label, rng.choice(values), rng.choice(labels), rng.choice(values)])
        elif kind < 0.9:
            rows.append([rng.choice(labels) for _ in range(rng.randint(2, 4))])
            rows.append([rng.choice(values) for _ in range(rng.randint(1, 4))])
        else:
            rows.append([rng.choice(values) for _ in range(rng.randint(0, 3))])
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_cover_layout_memo_finds_what_the_cell_search_finds(seed):
    rng = random.Random(seed)
    for _ in range(700):
        grid = _cover(rng)
        got = {name: (f.field.name, f.raw, f.row, f.col) for name, f in cover._locate(grid).items()}
        want = _oracle_locate(grid)
        assert list(got.items()) == list(want.items()), grid


# -- zip directory ------------------------------------------------------------------------------
def _zipfile_reads(data: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
        sheets = [(i.filename, i.compress_type, i.compress_size, i.header_offset) for i in infos]
        return {i.filename for i in infos}, sum(i.file_size for i in infos), sheets
    except Exception as exc:  # noqa: BLE001 — any failure is "zipfile could not read it"
        return type(exc).__name__


def test_zip_directory_is_what_zipfile_reads(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", cover_rows(), canonical_sheets())
    good = path.read_bytes()
    with zipfile.ZipFile(path, "a") as zf:  # an archive comment: left to zipfile
        zf.comment = b"note"
    variants = [good, path.read_bytes(), b"PK\x03\x04 prepended " + good]  # offsets move
    rng = random.Random(7)
    for _ in range(1500):
        data = bytearray(good)
        kind = rng.random()
        if kind < 0.7:
            for _ in range(rng.randint(1, 4)):
                data[len(data) - rng.randint(1, min(len(data), 3000))] = rng.randrange(256)
        elif kind < 0.85:
            data = data[:rng.randint(4, len(data))]
        else:
            data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
        variants.append(bytes(data))
    read_fast = 0
    for data in variants:
        fast = limits._zip_directory(data)
        if fast is not None:
            read_fast += 1
            assert fast == _zipfile_reads(data)
    assert read_fast > 100  # most damage to a member's bytes leaves the directory readable


# -- typing in one batch ---------------------------------------------------------------------
def _returns(tmp_path: Path) -> list[Path]:
    sheets = canonical_sheets()
    dibao_name = next(n for n in sheets if "最低生活保障" in n)
    variants = [{}, {"bad": "12abc"}, {"bad": "1e308"}, {"label": "未知类别"}, {"bad": "2.5"}, {}]
    paths = []
    for i, change in enumerate(variants):
        rows = [list(r) for r in sheets[dibao_name]]
        data = [r for r in rows if r and r[0] in ("城市低保", "农村低保", "城市", "农村")]
        if "bad" in change and data:
            data[-1][2] = change["bad"]
        if "label" in change and data:
            data[0][0] = change["label"]
        paths.append(write_xlsx(tmp_path / f"r{i}.xlsx", cover_rows(urban="约八千" if i == 5 else 8000),
                                {**sheets, dibao_name: rows}))
    return paths


def _outcome(result) -> tuple:
    if isinstance(result, Refusal):
        return ("refused", result.as_dict())
    return ("ok", result.cover, {f: (b.sheet_name, b.rows) for f, b in result.sheets.items()},
            result.findings)


def test_returns_typed_together_as_one_by_one(tmp_path):
    paths = _returns(tmp_path)
    together = finish_returns([plan_return(p, "x") for p in paths])
    alone = [finish_returns([plan_return(p, "x")])[0] for p in paths]
    assert [_outcome(r) for r in together] == [_outcome(r) for r in alone]
    assert {o[0] for o in map(_outcome, together)} == {"ok", "refused"}


# -- the load's frames ------------------------------------------------------------------------
def test_frame_column_wise_equals_row_wise():
    schema = {"a": pl.Int64, "b": pl.Float64, "c": pl.Utf8, "d": pl.Date, "e": pl.Datetime("us"),
              "f": pl.Boolean, "g": pl.List(pl.Utf8), "h": pl.Int32}
    records = [{"a": 1, "b": 2.5, "c": "x", "d": dt.date(2024, 1, 2), "e": dt.datetime(2024, 1, 2, 3),
                "f": True, "g": ["s"], "h": 7},
               {"a": None, "b": 3, "d": None, "f": False},
               {}]
    row_wise = pl.DataFrame([{n: r.get(n) for n in schema} for r in records], schema=schema,
                            orient="row")
    assert store._frame(schema, records).equals(row_wise)


def test_frame_with_a_date_in_a_timestamp_column_fails_as_row_wise():
    schema = {"e": pl.Datetime("us")}
    records = [{"e": dt.date(2024, 1, 2)}]
    with pytest.raises(Exception) as row_wise:
        pl.DataFrame(records, schema=schema, orient="row")
    with pytest.raises(Exception) as ours:
        store._frame(schema, records)
    assert type(ours.value) is type(row_wise.value) and str(ours.value) == str(row_wise.value)
