"""A sheet whose stated area is beyond ``CIVSTAT_MAX_SHEET_CELLS`` is refused before calamine
reads it (calamine would ask for one dense grid from A1 to the last cell and abort the whole
process); returns written cell by cell with openpyxl, not by civstat's template."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwt
from handmade import BAIMIAO, canonical_sheets, cover_rows, raw_folder, write_reference, write_xlsx

from civstat.ingest import Refusal
from civstat.ingest.limits import check_file
from civstat.ingest.workbook import grids_excel

INGEST = """
import json, sys
from pathlib import Path
import duckdb
from civstat.ingest import ingest
root = Path(sys.argv[1])
con = duckdb.connect(str(root / "wh.duckdb"))
result = ingest(con, root / "raw", root / "reference", quarantine_dir=root / "quarantine")
print(json.dumps({"loaded": [i.file for i in result.loaded],
                  "refused": [[i.file, i.reason_code, i.sheet, i.line] for i in result.quarantined]}))
"""


def _far_cell(path: Path, sheet: str, cell: str = "XFD1048576") -> Path:
    """The return with a stray value typed far from the table (openpyxl states the dimension)."""
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = "备注"
    book.save(path)
    return path


def test_a_stray_far_cell_is_refused_and_the_batch_loads(tmp_path):
    """In its own process (an abort would kill it, not the test run): the return with a value
    in XFD1048576 is refused as too large, naming the sheet; the other township loads."""
    folder = raw_folder(tmp_path)
    _far_cell(write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets()), "表1 最低生活保障")
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    write_reference(tmp_path / "reference")
    done = subprocess.run([sys.executable, "-c", INGEST, str(tmp_path)], check=False, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["loaded"] == ["2024Q3/白庙乡.xlsx"]
    [(file, reason, sheet, line)] = out["refused"]
    assert (file, reason, sheet) == ("2024Q3/马店镇.xlsx", "too_large", "表1 最低生活保障")
    assert "A1:XFD1048576" in line and "CIVSTAT_MAX_SHEET_CELLS" in line and "\n" not in line


def test_the_limit_is_a_setting(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "r.xlsx", cover_rows(), canonical_sheets())
    check_file(path)  # a township return is far under the default
    monkeypatch.setenv("CIVSTAT_MAX_SHEET_CELLS", "20")  # 封面: 12 rows × 2 columns = 24
    with pytest.raises(Refusal) as refused:
        check_file(path)
    assert (refused.value.code, refused.value.sheet) == ("too_large", "封面")
    assert "A1:B12" in refused.value.zh
    monkeypatch.setenv("CIVSTAT_MAX_SHEET_CELLS", "nonsense")  # falls back to the default
    check_file(path)


def test_a_sheet_stating_no_dimension_is_read(tmp_path):
    """Some writers leave out <dimension>: nothing to check, the sheet is read as usual."""
    source = write_xlsx(tmp_path / "r.xlsx", cover_rows(), {})
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                assert b"<dimension" in data
                start = data.index(b"<dimension")
                data = data[:start] + data[data.index(b"/>", start) + 2:]
            zout.writestr(info, data)
    check_file(bare)
    assert grids_excel(bare)["封面"][1] == ("填报单位", "马店镇")


def test_an_xls_with_a_stray_far_cell_is_refused_before_its_rows_are_built(tmp_path):
    """An .xls states no area the zip checks can read: calamine's grid is measured before it
    becomes Python rows (16.7 million cells would take gigabytes)."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("表1 最低生活保障")
    sheet.write(0, 0, "类别")
    sheet.write(65535, 255, "备注")
    book.save(str(tmp_path / "old.xls"))
    check_file(tmp_path / "old.xls")  # nothing to read before the parse
    with pytest.raises(Refusal) as refused:
        grids_excel(tmp_path / "old.xls")
    assert (refused.value.code, refused.value.sheet) == ("too_large", "表1 最低生活保障")
    assert "A1:IV65536" in refused.value.zh and "16,777,216" in refused.value.en
