"""A CSV return cut off in its last line — a copy still under way when the ingest ran, or a file
truncated on its way — would load its last row as smaller figures (``农村低保,529,66`` of
``…,664,…``) and the rest as not reported. Returns written here as plain CSV, cell by cell."""

from __future__ import annotations

import pytest
from handmade import (
    DIBAO,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_csv_group,
)

SHEET = "表1 最低生活保障"


def _cut(tmp_path, keep: str) -> None:
    """马店's CSV group with 表1 ending right after ``keep`` (its text up to there, no line break)."""
    sheets = canonical_sheets()
    files = write_csv_group(raw_folder(tmp_path), "马店镇", cover_rows(), sheets, encoding="utf-8")
    table = next(f for f in files if f.stem.endswith(SHEET))
    text = table.read_text(encoding="utf-8")
    table.write_text(text[:text.index(keep) + len(keep)], encoding="utf-8", newline="")


@pytest.mark.parametrize("keep", ["农村低保,529,66", "农村低保"])
def test_a_csv_cut_in_its_last_row_is_refused_naming_the_row(tmp_path, keep):
    """Cut in a figure, or right after the label (the rural row would be left out unsaid)."""
    _cut(tmp_path, keep)
    con, _ = run_ingest(tmp_path)
    [(_, code, sheet, row, _, message)] = quarantine_rows(con)
    assert (code, sheet, row) == ("unreadable", SHEET, 3)
    assert "中间结束" in message and "重新投递" in message
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


def test_a_csv_cut_inside_a_quoted_cell_is_refused(tmp_path):
    sheets = canonical_sheets()
    sheets[SHEET][2][0] = "农村低保,含分散"  # a label with a comma is quoted by the writer
    files = write_csv_group(raw_folder(tmp_path), "马店镇", cover_rows(), sheets, encoding="utf-8")
    table = next(f for f in files if f.stem.endswith(SHEET))
    text = table.read_text(encoding="utf-8")
    table.write_text(text[:text.index('"农村低保,') + 5], encoding="utf-8", newline="")
    con, _ = run_ingest(tmp_path)
    assert [r[1:4] for r in quarantine_rows(con)] == [("unreadable", SHEET, 3)]


@pytest.mark.parametrize("footer", [False, True])
def test_a_whole_last_row_without_a_line_break_is_read(tmp_path, footer):
    """A hand-written CSV may end without a line break: its last row as wide as the others is
    whole, and so is a footer however short (guards against a false alarm)."""
    if footer:
        sheets = canonical_sheets()
        sheets[SHEET].append(["填表人:张三"])
        files = write_csv_group(raw_folder(tmp_path), "马店镇", cover_rows(), sheets,
                                encoding="utf-8")
        table = next(f for f in files if f.stem.endswith(SHEET))
        table.write_text(table.read_text(encoding="utf-8").rstrip("\r\n"), encoding="utf-8",
                         newline="")
    else:
        _cut(tmp_path, f"农村低保,{','.join(str(v) for v in DIBAO['rural'])}")
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert con.execute("SELECT persons, standard FROM raw.dibao WHERE category = 'rural'"
                       ).fetchall() == [(664, 600.0)]
