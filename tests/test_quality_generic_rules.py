"""The generic edit rules on optional sheets (tests/optional_programmes.py and two more below,
added to a copy of the catalogue): S11 asks only when the township reported the sheet the
quarter before; S13 asks for a 说明 when a stock revised at year end (`stocks_revised: year_end`)
changes in Q1–Q3; blank cells of a column reported in Q4 only (`reported_in: [4]`) trip no rule.

The fixture county of tests/test_quality_support.py gets the synthetic sheets, written straight
into DuckDB: stocks that change only in Q4, 年检 columns blank in Q1–Q3, 六合镇 absorbing 古城乡
in 2024. Each break is an SQL edit of one return; the expected finding follows from the edit."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from optional_programmes import ASSOC, BURIAL, catalogue_dir
from test_quality_support import (
    MERGED,
    MERGED_INDEX,
    T2,
    T5,
    T6,
    TOWNSHIPS,
    build_clean,
    mutate,
    sid,
)

from civstat.contract import load_contract
from civstat.quality import evaluate, load_catalogue
from civstat.raw_schema import sheet_ddl

HALLS = """
code: halls
domain: social_affairs
order: 330
sheet:
  table: halls
  number: 33
  sheet: 表33 老年活动场所
  sheet_synonyms: [老年活动场所]
  required: false
  row_kind: entity
  stocks_revised: year_end
  columns:
    - {name: hall_name, header: 场所名称, kind: attr, type: text, required: true}
    - {name: seats, header: 座位数, unit: 个, kind: stock, type: int, required: true}
"""

COMMITTEES = """
code: committees
domain: social_affairs
order: 340
sheet:
  table: committees
  number: 34
  sheet: 表34 村居委会
  sheet_synonyms: [村居委会]
  required: false
  row_kind: category
  stocks_revised: year_end
  label: {name: category, header: 类别}
  categories:
    village: {label: 村民委员会}
    resident: {label: 居民委员会}
  columns:
    - {name: members, header: 委员会成员, unit: 人, kind: stock, type: int, required: true}
    - {name: female, header: 其中女性, unit: 人, kind: stock, type: int, of: members}
"""

S = sid(T2, "2024Q2")
YEAR_END = ("assoc", "halls", "committees")


def _g(year: int, q: int) -> int:
    """Revisions so far: one every Q4 (2023Q4 … 2024Q3 share the same stocks)."""
    return year - 2023 + (q == 4)


def _rows(i: int, year: int, q: int, prefix: str = "") -> dict[str, list[dict]]:
    g = _g(year, q)
    q4 = q == 4
    return {
        "assoc": [{"societies": 10 * i + g, "service_orgs": 5 * i + g, "registered_ytd": i * q,
                   "inspection_due": 8 * i if q4 else None, "inspected": 7 * i if q4 else None,
                   "rated_3a": i if q4 else None}],
        "burial": [{"deaths_ytd": 30 * i * q, "cremations_ytd": 29 * i * q, "cemeteries": 1}],
        "halls": [{"hall_name": f"{prefix}{n}号老年活动室", "seats": 20 * i * n + g} for n in (1, 2)],
        "committees": [{"category": "village", "members": 30 * i + g, "female": 10 * i},
                       {"category": "resident", "members": 5 * i + g, "female": 2 * i}],
    }


def _merged(a: dict, b: dict) -> dict:
    def add(x, y):
        return None if x is None else x + y

    return {
        "assoc": [{k: add(v, b["assoc"][0][k]) for k, v in a["assoc"][0].items()}],
        "burial": [{k: add(v, b["burial"][0][k]) for k, v in a["burial"][0].items()}],
        "halls": a["halls"] + b["halls"],
        "committees": [{k: v if k == "category" else v + y[k] for k, v in x.items()}
                       for x, y in zip(a["committees"], b["committees"], strict=True)],
    }


@pytest.fixture(scope="module")
def contract_dir(tmp_path_factory) -> Path:
    return catalogue_dir(tmp_path_factory.mktemp("contract") / "contract",
                         ASSOC, BURIAL, HALLS, COMMITTEES)


@pytest.fixture(scope="module")
def cat(contract_dir):
    return load_catalogue(contract_dir=contract_dir)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, cat) -> Path:
    path = build_clean(tmp_path_factory.mktemp("optional") / "clean.duckdb")
    contract = cat.contract
    con = duckdb.connect(str(path))
    try:
        for table in ("assoc", "burial", "halls", "committees"):
            con.execute(sheet_ddl(contract.sheet(table)))
        subs = con.execute("SELECT submission_id, division_code, period, year, quarter, file_path, "
                           "file_sha256, submitted_at FROM raw.submissions").fetchall()
        for s_id, code, period, year, q, file, sha, at in subs:
            i = TOWNSHIPS[code][0] if code in TOWNSHIPS else MERGED_INDEX
            data = _rows(i, year, q, prefix="古城" if code == MERGED else "")
            if code == T6 and year >= 2024:
                data = _merged(data, _rows(MERGED_INDEX, year, q, prefix="古城"))
            for table, rows in data.items():
                sheet = contract.sheet(table)
                for n, row in enumerate(rows):
                    rec = {"submission_id": s_id, "division_code": code, "period": period,
                           "year": year, "quarter": q, "source_file": file,
                           "source_sheet": sheet.sheet, "source_row": 5 + n, "file_sha256": sha,
                           "submitted_at": at, **row}
                    if sheet.row_kind != "single":
                        rec["is_total"] = False
                    con.execute(f"INSERT INTO raw.{table} ({', '.join(rec)}) "
                                f"VALUES ({', '.join('?' for _ in rec)})", list(rec.values()))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def run(path: Path, cat, rules=None, periods=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, catalogue=cat, rules=rules, periods=periods)
    finally:
        con.close()


def _found(result, rule):
    return [(v.division_code, v.period, v.table_name, v.column_name)
            for v in result.violations if v.rule_code == rule]


# -- the catalogue ---------------------------------------------------------------------------


def test_s13_selects_the_sheets_revised_at_year_end(cat):
    # the test's sheets and the catalogue's own (表11, 表15); not 表32 (revised every quarter)
    assert set(YEAR_END) <= set(cat.rule("S13").tables)
    assert "burial" not in cat.rule("S13").tables
    assert cat.rule("S13").severity == "soft" and cat.rule("S13").programme is None
    assert {"assoc", "burial", "halls", "committees"} <= set(cat.rule("S11").tables)
    real = load_catalogue()
    assert real.rule("S13").tables == tuple(
        s.table for s in load_contract().sheets if s.stocks_revised == "year_end")


# -- the clean county: stocks revised in Q4, 年检 blank in Q1–Q3, a merger ------------------


@pytest.fixture(scope="module")
def clean_result(clean, cat):
    return run(clean, cat)


def test_clean_county_passes(clean, clean_result):
    assert clean_result.violations == []
    runs = {r.rule_code: r for r in clean_result.runs}
    assert {"H6", "H7", "H8", "S9", "S10", "S11", "S13"} <= set(runs)
    assert runs["H7"].rows_checked > 0 and runs["H8"].rows_checked > 0
    con = duckdb.connect(str(clean), read_only=True)
    try:
        # what the rules had to let pass: stocks moved at year end, blanks before Q4, the merger
        q4_moves = con.execute("""
            SELECT count(*) FROM raw.assoc c JOIN raw.assoc p ON p.division_code = c.division_code
             AND p.year = c.year AND p.quarter = 3 WHERE c.quarter = 4 AND c.societies <> p.societies
        """).fetchone()[0]
        blanks = con.execute("SELECT count(*) FROM raw.assoc WHERE quarter < 4 AND inspection_due "
                             "IS NULL AND rated_3a IS NULL").fetchone()[0]
        t6 = dict(con.execute("SELECT period, societies FROM raw.assoc WHERE division_code = ? "
                              "AND period IN ('2023Q4', '2024Q1')", [T6]).fetchall())
    finally:
        con.close()
    assert q4_moves >= 10 and blanks >= 30
    assert t6["2024Q1"] != t6["2023Q4"]  # 六合镇 starts 2024 with 古城乡's organisations too


def test_clean_scope_of_blank_quarters_passes_the_row_rules(clean, cat):
    """Q1–Q3 only: the 年检 columns are entirely blank in the frames H7 and H8 read."""
    result = run(clean, cat, rules=["H7", "H8"], periods=["2024Q1", "2024Q2", "2024Q3"])
    assert result.violations == [] and all(r.rows_checked > 0 for r in result.runs)


# -- S13 --------------------------------------------------------------------------------------

S13_BREAKS = [
    ("single", [f"UPDATE raw.assoc SET societies = societies + 1 WHERE submission_id = '{S}'"],
     "2024Q2", ("assoc", "societies"), ["表31 社团登记", "「社会团体」", "本期 22", "上季(2024Q1)21"]),
    ("q1-against-last-q4",
     [f"UPDATE raw.assoc SET service_orgs = 4 WHERE submission_id = '{sid(T2, '2024Q1')}'"],
     "2024Q1", ("assoc", "service_orgs"), ["「社会服务机构」", "本期 4", "上季(2023Q4)11"]),
    ("entity", [(f"UPDATE raw.halls SET seats = seats + 3 WHERE submission_id = '{S}' "
                 "AND hall_name = '2号老年活动室'")],
     "2024Q2", ("halls", "seats"), ["表33 老年活动场所", "(2号老年活动室)", "本期 84", "81"]),
    ("category", [(f"UPDATE raw.committees SET members = members - 2 WHERE submission_id = '{S}' "
                   "AND category = 'village'")],
     "2024Q2", ("committees", "members"), ["村民委员会", "「委员会成员」", "本期 59", "61"]),
]


@pytest.mark.parametrize(("case", "edits", "period", "where", "words"), S13_BREAKS,
                         ids=[b[0] for b in S13_BREAKS])
def test_s13_catches_a_stock_changed_during_the_year(clean, cat, tmp_path, case, edits, period,
                                                     where, words):
    broken = mutate(clean, tmp_path / "b.duckdb", edits)
    result = run(broken, cat, rules=["S13"], periods=[period])
    assert _found(result, "S13") == [(T2, period, *where)]
    (v,) = result.violations
    assert not v.is_hard and result.exit_code == 0
    for word in words:
        assert word in v.message_zh, (word, v.message_zh)
    assert "年末" in v.message_zh and "请说明" in v.message_zh and "{" not in v.message_zh


@pytest.mark.parametrize("case", ["q4-revision", "q4-column-filled-early", "unchanged-after-merger"])
def test_s13_lets_year_end_and_blanks_pass(clean, cat, tmp_path, case):
    edits = {
        # revised in Q4 — the normal case — by more than the clean county does
        "q4-revision": [(f"UPDATE raw.assoc SET societies = societies + 7 "
                         f"WHERE submission_id = '{sid(T2, '2024Q4')}'")],
        # a Q4-only stock filled in Q2 is compared with nothing (Q1 and Q3 are blank)
        "q4-column-filled-early": [f"UPDATE raw.assoc SET rated_3a = 5 WHERE submission_id = '{S}'"],
        # 古城乡's last return is part of 六合镇's previous quarter
        "unchanged-after-merger": [],
    }[case]
    result = run(mutate(clean, tmp_path / "b.duckdb", edits), cat, rules=["S13"])
    assert result.violations == []
    # the same kind of edit in Q2 is caught (the pass is not a rule that never fires)
    caught = run(mutate(clean, tmp_path / "c.duckdb", [
        f"UPDATE raw.assoc SET societies = societies + 7 WHERE submission_id = '{S}'"]), cat,
        rules=["S13"])
    assert _found(caught, "S13") == [(T2, "2024Q2", "assoc", "societies"),
                                     (T2, "2024Q3", "assoc", "societies")]


def test_s13_after_a_merger_compares_with_both_areas(clean, cat, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.assoc SET societies = societies - 1 WHERE submission_id = '{sid(MERGED, '2023Q4')}'"])
    result = run(broken, cat, rules=["S13"], periods=["2024Q1"])
    assert _found(result, "S13") == [(T6, "2024Q1", "assoc", "societies")]


# -- S11 on an optional sheet -----------------------------------------------------------------


def test_s11_when_an_optional_sheet_reported_last_quarter_is_left_out(clean, cat, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb", [f"DELETE FROM raw.assoc WHERE submission_id = '{S}'"])
    result = run(broken, cat, rules=["S11"])
    assert _found(result, "S11") == [(T2, "2024Q2", "assoc", None)]
    assert "社团登记" in result.violations[0].message_zh


def test_s11_not_for_a_sheet_never_or_no_longer_reported(clean, cat, tmp_path):
    never = mutate(clean, tmp_path / "never.duckdb", [
        f"DELETE FROM raw.burial WHERE division_code = '{T5}'"])
    assert run(never, cat, rules=["S11"]).violations == []
    stopped = mutate(clean, tmp_path / "stopped.duckdb", [
        f"DELETE FROM raw.burial WHERE division_code = '{T5}' AND period IN ('2024Q1', '2024Q2', '2024Q3')"])
    # asked once, when it stopped; not again while it stays away
    assert _found(run(stopped, cat, rules=["S11"]), "S11") == [(T5, "2024Q1", "burial", None)]


@pytest.mark.parametrize(("q4_stocks", "expected"), [(0, []), (3, [(T2, "2024Q1", "assoc", None)])])
def test_s11_does_not_expect_q4_only_columns_in_q1(clean, cat, tmp_path, q4_stocks, expected):
    """Last Q4 had figures only in the columns reported in Q4 (年检, 3A): an empty Q1 asks for
    nothing; with stocks reported too it does."""
    broken = mutate(clean, tmp_path / "b.duckdb", [
        (f"UPDATE raw.assoc SET societies = {q4_stocks}, service_orgs = 0, registered_ytd = 0 "
         f"WHERE submission_id = '{sid(T2, '2023Q4')}'"),
        f"DELETE FROM raw.assoc WHERE submission_id = '{sid(T2, '2024Q1')}'"])
    assert _found(run(broken, cat, rules=["S11"]), "S11") == expected


# -- H6, H7, H8 around blank cells --------------------------------------------------------------


def test_h6_compares_across_a_blank_quarter(clean, cat, tmp_path):
    q2, q3 = S, sid(T2, "2024Q3")
    gap = [f"UPDATE raw.assoc SET registered_ytd = NULL WHERE submission_id = '{q2}'"]
    assert run(mutate(clean, tmp_path / "gap.duckdb", gap), cat, rules=["H6"]).violations == []
    fell = gap + [f"UPDATE raw.assoc SET registered_ytd = 1 WHERE submission_id = '{q3}'"]
    result = run(mutate(clean, tmp_path / "fell.duckdb", fell), cat, rules=["H6"])
    assert _found(result, "H6") == [(T2, "2024Q3", "assoc", "registered_ytd")]
    assert "上季(2024Q1)2" in result.violations[0].message_zh  # Q1's 2, across the blank Q2


def test_h6_q4_only_column_filled_early_must_not_fall(clean, cat, tmp_path):
    broken = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.assoc SET inspection_due = 100 WHERE submission_id = '{sid(T2, '2024Q3')}'"])
    assert _found(run(broken, cat, rules=["H6"]), "H6") == [(T2, "2024Q4", "assoc", "inspection_due")]


@pytest.mark.parametrize(("rule", "edit", "column"), [
    ("H8", "inspected = inspection_due + 1", "inspected"),
    ("H7", "rated_3a = -1", "rated_3a"),
])
def test_q4_only_columns_are_checked_in_q4(clean, cat, tmp_path, rule, edit, column):
    broken = mutate(clean, tmp_path / "b.duckdb", [
        f"UPDATE raw.assoc SET {edit} WHERE submission_id = '{sid(T2, '2024Q4')}'"])
    assert _found(run(broken, cat, rules=[rule]), rule) == [(T2, "2024Q4", "assoc", column)]
