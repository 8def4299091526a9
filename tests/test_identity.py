"""Who sent a return: cover code and name against ref.divisions, also where names repeat
across counties (a city's or province's reference data)."""

from __future__ import annotations

import duckdb
import pytest
from handmade import DIBAO, canonical_sheets, cover_rows, raw_folder, run_ingest, write_xlsx

from civstat.ingest.identity import Divisions
from civstat.ingest.refusal import Refusal

A, B, C = "330521100000", "330522100000", "330521101000"


@pytest.fixture()
def divisions() -> Divisions:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ref")
    con.execute("CREATE TABLE ref.divisions AS SELECT * FROM (VALUES "
                f"('{A}', '城关镇', '城关', 'township', NULL), "
                f"('{B}', '城关镇', '城关', 'township', NULL), "
                f"('{C}', '石桥镇', '石桥', 'township', NULL)) "
                "t(division_code, name, short_name, level, successor_code)")
    return Divisions(con)


def test_a_name_shared_by_two_counties_matches_the_code_it_comes_with(divisions):
    assert divisions.resolve({"division_code": A, "unit_name": "城关镇"}) == A
    assert divisions.resolve({"division_code": B[:9], "unit_name": "城关"}) == B


def test_a_shared_name_without_code_is_ambiguous(divisions):
    with pytest.raises(Refusal) as refused:
        divisions.resolve({"unit_name": "城关镇"})
    assert "多个同名乡镇" in refused.value.zh and refused.value.column == "统计用区划代码"


def test_code_and_name_of_different_townships_conflict(divisions):
    with pytest.raises(Refusal) as refused:
        divisions.resolve({"division_code": A, "unit_name": "石桥镇"})
    assert refused.value.code == "identity_conflict" and "不一致" in refused.value.zh
    assert divisions.resolve({"unit_name": "石桥"}) == C


@pytest.mark.parametrize(("file", "refused"), [
    ("2024Q3/石桥镇.xlsx", True),                    # a neighbour's file, the cover left as it was
    ("2024Q3/2024年三季度石桥镇民政季报__封面.csv", True),
    ("2024Q3/城关镇.xlsx", False),
    ("2024Q3/城关(原石桥镇并入).xlsx", False),        # its own name too
    ("2024Q3/民政季报.xlsx", False),                   # no township named
])
def test_a_file_named_after_another_township_is_refused(divisions, file, refused):
    cover = {"sheet": "Sheet1", "rows": {"unit_name": 2}}  # a cover read by its labels
    if not refused:
        divisions.check_file_name(A, file, cover)
        return
    with pytest.raises(Refusal) as conflict:
        divisions.check_file_name(A, file, cover)
    assert conflict.value.code == "identity_conflict" and conflict.value.column == "填报单位"
    assert (conflict.value.sheet, conflict.value.row) == ("Sheet1", 2)
    assert f"文件名写的是石桥镇,封面却是城关镇({A})" in conflict.value.zh


def test_a_copied_neighbours_return_does_not_replace_the_township(tmp_path):
    """白庙乡's clerk fills in 马店镇's file and sends it as 白庙乡.xlsx, cover unchanged, dated a
    day later: before, it became 马店镇's current return (a correction) and 马店镇's own figures
    were replaced, silently. Now it is refused, and 马店镇's figures stand."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets())
    copied = canonical_sheets()
    copied["表1 最低生活保障"][2][2] = 999
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(fill_date="2024年10月9日"), copied)
    con, result = run_ingest(tmp_path)
    [item] = result.quarantined
    assert (item.file, item.reason_code, item.column) == ("2024Q3/白庙乡.xlsx", "identity_conflict", "填报单位")
    assert (item.sheet, item.row) == ("封面", 2)  # the cover's 填报单位 row
    assert con.execute("SELECT persons FROM raw.dibao d JOIN raw.submissions s USING (submission_id) "
                       "WHERE s.is_current AND category = 'rural'").fetchall() == [(DIBAO["rural"][1],)]


def test_refusals_on_a_cover_left_in_sheet1_name_that_sheet_and_the_row(tmp_path):
    """The covers of 马店镇's return and of its copy are left in ``Sheet1`` (found by their
    labels). The copy, sent as 白庙乡.xlsx, is refused naming Sheet1 and its 填报单位 row (2),
    not a 封面 the workbook does not have; two returns of 马店镇 with one 填报日期 are refused
    naming Sheet1 and the 填报日期 row (12)."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), canonical_sheets(), cover_name="Sheet1")
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(fill_date="2024年10月9日"), canonical_sheets(),
               cover_name="Sheet1")
    corrected = canonical_sheets()
    corrected["表1 最低生活保障"][1][2] = 211
    write_xlsx(folder / "马店镇(更正).xlsx", cover_rows(), corrected, cover_name="Sheet1")
    _, result = run_ingest(tmp_path)
    refused = {(q.file, q.reason_code, q.sheet, q.row, q.column) for q in result.quarantined}
    assert refused == {
        ("2024Q3/白庙乡.xlsx", "identity_conflict", "Sheet1", 2, "填报单位"),
        ("2024Q3/马店镇.xlsx", "identity_conflict", "Sheet1", 12, "填报日期"),
        ("2024Q3/马店镇(更正).xlsx", "identity_conflict", "Sheet1", 12, "填报日期")}
