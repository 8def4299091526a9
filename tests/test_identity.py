"""Who sent a return: cover code and name against ref.divisions, also where names repeat
across counties (a city's or province's reference data)."""

from __future__ import annotations

import duckdb
import pytest

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
