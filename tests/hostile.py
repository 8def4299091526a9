"""An adversarial drop zone: the demo county's returns (> 100 files, so the process pool is used)
plus every kind of file that must not break a batch, each with the outcome it must get.

Bad files are written here byte by byte, with ``zipfile``, or cell by cell with openpyxl from
a good return's values (never through the template writer), so the reader sees what a
township or a broken disk really produces.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from handmade import write_cells

from civstat.generate import generate

FOLDER = "2025Q1"
DIBAO = "表1 最低生活保障"
OTHER_COUNTY_CODE = "371599999000"  # not in the demo county's divisions.csv
BOMB_MB = 210                        # unpacked, over CIVSTAT_MAX_UNPACKED_MB's default (200)
HUGE_MB = 51                         # on disk, over CIVSTAT_MAX_FILE_MB's default (50)


@dataclass(frozen=True)
class Expect:
    outcome: str                     # loaded | quarantined | ignored
    reason: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None        # a substring of the column named in the refusal


LOADED, IGNORED = Expect("loaded"), Expect("ignored")


def _q(reason, sheet=None, row=None, column=None) -> Expect:
    return Expect("quarantined", reason, sheet, row, column)


def _grid(path: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _find(rows: list[list], label: str) -> int:
    """0-based index of the row whose first cell is ``label``."""
    return next(i for i, r in enumerate(rows) if r and isinstance(r[0], str) and r[0].strip() == label)


def _variant(src: Path, dst: Path, cover: dict | None = None, dibao_persons=None) -> tuple[Path, int]:
    """``src`` rewritten with cover values replaced (by label) and/or 城市低保's 人数 cell set;
    returns the file and the Excel row of that cell. A new 填报单位 is written in the titles
    too, as a clerk filling a copied workbook does (a title left naming the township
    copied from is refused: identity.Divisions.check_titles)."""
    grid = _grid(src)
    if cover and "填报单位" in cover:
        old, new = str(grid["封面"][_find(grid["封面"], "填报单位")][1]).strip(), cover["填报单位"]
        for name, rows in grid.items():  # (the cover's 填报单位 is set below)
            grid[name] = [[c.replace(old, new) if isinstance(c, str) else c for c in row]
                          for row in rows]
    for label, value in (cover or {}).items():
        grid["封面"][_find(grid["封面"], label)][1] = value
    row = _find(grid[DIBAO], "城市低保")
    if dibao_persons is not None:
        grid[DIBAO][row][2] = dibao_persons
    return write_cells(dst, grid), row + 1


def _canonical_returns(folder: Path) -> dict[str, Path]:
    """Unit name → workbook for the returns laid out label | value on the cover and with
    城市低保 in column A of 表1 (the ones the variants are made from)."""
    found = {}
    for path in sorted(folder.glob("*.xlsx")):
        grid = _grid(path)
        try:
            name = grid["封面"][_find(grid["封面"], "填报单位")][1]
            _find(grid[DIBAO], "城市低保")
            for label in ("统计用区划代码", "填报日期", "户籍人口(人)"):
                _find(grid["封面"], label)
        except (KeyError, StopIteration):
            continue
        found[str(name).strip()] = path
    return found


def _bomb(path: Path) -> None:
    """An xlsx of a few hundred KB whose sharedStrings.xml unpacks to ``BOMB_MB`` MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            block = b"A" * (1 << 20)
            for _ in range(BOMB_MB):
                fh.write(block)


def _older(path: Path, seconds: int = 3600) -> None:
    st = path.stat()
    os.utime(path, (st.st_atime - seconds, st.st_mtime - seconds))


def write_batch(raw: Path, reference: Path) -> dict[str, Expect]:
    """The demo county plus the hostile files; every file's expected outcome by relative path."""
    generate(raw, reference)
    expected = {p.relative_to(raw).as_posix(): LOADED for p in raw.rglob("*") if p.is_file()}
    for rel in [r for r in expected if "__" in r]:  # a CSV group loads under its stem
        del expected[rel]
        expected[rel.split("__", 1)[0]] = LOADED
    folder = raw / FOLDER
    good = _canonical_returns(folder)
    chengguan, shiqiao, madian = good["城关街道"], good["石桥镇"], good["马店镇"]
    fill = _grid(chengguan)["封面"][_find(_grid(chengguan)["封面"], "填报日期")][1]
    ref = {r["name"]: r for r in csv.DictReader((reference / "divisions.csv").open(encoding="utf-8"))}

    def put(name: str, exp: Expect) -> Path:
        expected[f"{FOLDER}/{name}"] = exp
        return folder / name

    put("坏文件.xlsx", _q("unreadable")).write_text("这不是工作簿\n", encoding="utf-8")
    put("空文件.xlsx", _q("unreadable")).write_bytes(b"")
    put("截断.xlsx", _q("unreadable")).write_bytes(chengguan.read_bytes()[:3000])
    _bomb(put("炸弹.xlsx", _q("too_large")))
    with put("超大.xlsx", _q("too_large")).open("wb") as fh:
        fh.truncate(HUGE_MB << 20)
    # a stray value typed far from the table (calamine would ask for 17 billion cells)
    far = write_cells(put("远处单元格.xlsx", _q("too_large", DIBAO)), _grid(chengguan))
    book = openpyxl.load_workbook(far)
    book[DIBAO]["XFD1048576"] = "备注"
    book.save(far)
    # a byte-identical copy under another name (newer than the original)
    shutil.copyfile(chengguan, put("城关_副本.xlsx", _q("duplicate_file")))
    _older(chengguan)
    for name, value, column in (("无穷.xlsx", "Infinity", "人数"), ("非数.xlsx", "NaN", "人数"),
                                ("1e308.xlsx", "1e308", "人数"),
                                ("大数.xlsx", "99999999999999999999", "人数")):
        _path, row = _variant(chengguan, folder / name, dibao_persons=value)
        expected[f"{FOLDER}/{name}"] = _q("bad_value", DIBAO, row, column)
    _variant(chengguan, put("封面大数.xlsx", _q("bad_value", "封面", None, "户籍人口")),
             cover={"户籍人口(人)": "1e308"})
    # identity: 城关's code with 石桥镇's name; another county's code
    _variant(chengguan, put("代码名称冲突.xlsx", _q("identity_conflict", "封面", 2, "填报单位")),
             cover={"填报单位": "石桥镇", "填报日期": fill + dt.timedelta(days=9)})
    _variant(shiqiao, put("外县代码.xlsx", _q("identity_conflict", "封面", 3, "区划代码")),
             cover={"填报单位": "新区街道", "统计用区划代码": OTHER_COUNTY_CODE})
    # twins: two new returns of 石桥镇 2025Q1 with the same (later) 填报日期
    later = fill + dt.timedelta(days=20)
    for name, filler in (("石桥镇_甲.xlsx", "甲"), ("石桥镇_乙.xlsx", "乙")):
        _variant(shiqiao, put(name, _q("identity_conflict", "封面", 12, "填报日期")),
                 cover={"填报日期": later, "填报人": filler})
    # a merged township's old name with its successor's code is not a conflict (later: current)
    _variant(madian, put("白庙乡并入马店.xlsx", LOADED),
             cover={"填报单位": ref["白庙乡"]["name"], "填报日期": fill + dt.timedelta(days=30)})
    # a good return named with a leading dot, one in a subfolder
    dot = min(p for p in (raw / "2024Q4").glob("*.xlsx") if "更正" not in p.name)
    dot.rename(dot.with_name(".dotfile.xlsx"))
    expected[f"2024Q4/{dot.name}"], expected["2024Q4/.dotfile.xlsx"] = None, LOADED
    sub = min((raw / "2024Q3").glob("*.xlsx"))
    (raw / "2024Q3" / "乡镇上报").mkdir()
    sub.rename(raw / "2024Q3" / "乡镇上报" / sub.name)
    expected[f"2024Q3/{sub.name}"], expected[f"2024Q3/乡镇上报/{sub.name}"] = None, LOADED
    # debris and stray folders: listed as ignored
    put(".DS_Store", IGNORED).write_bytes(b"\x00\x00\x00\x01Bud1")
    put("~$lock.xlsx", IGNORED).write_bytes(b"\x0bowner")
    put("Thumbs.db", IGNORED).write_bytes(b"\xd0\xcf\x11\xe0")
    (raw / "备份").mkdir()
    (raw / "备份" / "旧.xlsx").write_bytes(chengguan.read_bytes())
    expected["备份/"] = IGNORED
    return {k: v for k, v in expected.items() if v is not None}


def add_other_county_township(reference: Path) -> None:
    """The fix for ``外县代码.xlsx``: the bureau adds 新区街道 to divisions.csv."""
    path = reference / "divisions.csv"
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        county = next(r for r in reader if r["level"] == "county")
    row = {f: "" for f in fields} | {
        "division_code": OTHER_COUNTY_CODE, "name": "新区街道", "short_name": "新区",
        "level": "township", "type": "街道", "parent_code": county["division_code"],
        "valid_from": "2011-01-01"}
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=fields).writerow(row)
