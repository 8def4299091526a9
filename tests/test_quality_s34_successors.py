"""Edit rule H11 (a return's township exists in its report period) and the successor chain of
divisions.csv.

Before, H11 checked the division a return's township belongs to *today* (its successor_code
chain's end) instead of the township the return names: a 乡 re-coded as a 镇 (杏花乡 to
2010-12-31, successor 杏花镇 from 2011-01-01) had every return of its own years refused
(该区划在本报告期不存在), and the county's figures of those years left it out. Now a return passes
when its own code (raw.submissions.division_code) is in force at the period's end, or — a return
still sent under an old code after a merger — a division down its successor chain is; it still
fails when neither is. H12 counts a return for the township in force in its quarter the same
way: a merged township's returns before the merger do not stand in for its successor's.

Returns written cell by cell (tests/handmade.py), read into a DuckDB file on disk, with a
divisions.csv of dated versions written here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import handmade as hm

from civstat.ingest import ingest
from civstat.quality import evaluate

COUNTY = hm.COUNTY
MADIAN, BAIMIAO, CHENGGUAN = hm.MADIAN, hm.BAIMIAO, hm.CHENGGUAN
BAIMIAO_ZHEN = "371599104000"   # 白庙乡 re-coded as 白庙镇 from 2024Q3
XINCUN = "371599105000"         # 新村镇: set up from 2025
HEKOU = "371599106000"          # 河口乡 → 河口镇 (2024Q3) → merged into 马店镇 (2025)
HEKOU_ZHEN = "371599107000"
NAMES = {MADIAN: "马店镇", BAIMIAO: "白庙乡", BAIMIAO_ZHEN: "白庙镇", CHENGGUAN: "城关街道",
         XINCUN: "新村镇", HEKOU: "河口乡", HEKOU_ZHEN: "河口镇"}
T5 = "表5 自然灾害"
NOT_VALID = "该区划在本报告期不存在(撤并对照后仍无效)"

# code, name, short name, kind, valid_from, valid_to, successor_code
DIVISIONS = [
    (MADIAN, "马店镇", "马店", "镇", "2011-01-01", "", ""),
    # 乡改镇 with a new code: 白庙乡's returns of 2024Q1–Q2 are its own
    (BAIMIAO, "白庙乡", "白庙", "乡", "2011-01-01", "2024-06-30", BAIMIAO_ZHEN),
    (BAIMIAO_ZHEN, "白庙镇", "白庙", "镇", "2024-07-01", "", ""),
    # merged into 马店镇, which existed before
    (CHENGGUAN, "城关街道", "城关", "街道", "2011-01-01", "2024-06-30", MADIAN),
    (XINCUN, "新村镇", "新村", "镇", "2025-01-01", "", ""),
    # a chain of two steps, its end not yet in force in 2024: 河口乡 → 河口镇 → 马店镇 (2025)
    (HEKOU, "河口乡", "河口", "乡", "2011-01-01", "2024-06-30", HEKOU_ZHEN),
    (HEKOU_ZHEN, "河口镇", "河口", "镇", "2024-07-01", "2024-12-31", MADIAN),
]


def write_divisions(ref: Path) -> Path:
    """handmade's reference files, its divisions.csv replaced by the versions above."""
    return hm.write_history(ref, DIVISIONS, county_from="2011-01-01")


def cover(code: str, period: str) -> hm.Rows:
    return hm.quarter_cover(NAMES[code], code, period)


def sheets(period: str) -> dict[str, hm.Rows]:
    return hm.quarter_sheets(period)


def gate(tmp_path: Path, returns: list[tuple[str, str]], rules: list[str]):
    """Write a return of each (township, period), read them all, evaluate ``rules``."""
    for code, period in returns:
        hm.write_xlsx(tmp_path / "raw" / period / f"{NAMES[code]}.xlsx", cover(code, period),
                      sheets(period))
    ref = write_divisions(tmp_path / "reference")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    try:
        ingest(con, tmp_path / "raw", ref, quarantine_dir=tmp_path / "quarantine")
        assert hm.quarantine_rows(con) == []
        loaded = con.execute("SELECT division_code, period FROM raw.submissions WHERE is_current "
                             "ORDER BY period, division_code").fetchall()
        assert loaded == sorted(returns, key=lambda r: (r[1], r[0]))
        assert con.execute("SELECT successor_code FROM ref.divisions WHERE division_code = ?",
                           [BAIMIAO]).fetchone() == (BAIMIAO_ZHEN,)
        return evaluate(con, rules=rules)
    finally:
        con.close()


def h11(result) -> list[tuple[str, str, str]]:
    return sorted((v.division_code, v.period, v.message_zh) for v in result.violations
                  if v.rule_code == "H11")


def test_h11_a_townships_own_returns_before_its_successor_began_pass(tmp_path):
    """白庙乡's returns of 2024Q1–Q2 (in force to 2024-06-30; its successor 白庙镇 only from
    2024-07-01): nothing. Before, each was refused as not existing — 白庙镇 did not, yet."""
    returns = [(c, p) for p in ("2024Q1", "2024Q2") for c in (MADIAN, BAIMIAO, CHENGGUAN, HEKOU)]
    returns += [(c, "2024Q3") for c in (MADIAN, BAIMIAO_ZHEN, HEKOU_ZHEN)]
    result = gate(tmp_path, returns, rules=["H11"])
    assert h11(result) == []
    assert result.blocked == []


def test_h11_a_return_under_an_old_code_after_the_merger_passes(tmp_path):
    """Sent under the old code after the change: 白庙乡's 2024Q3 return (its successor 白庙镇 in
    force), 城关街道's (merged into 马店镇) and 河口乡's (河口镇 in force; the chain's end, 马店镇
    from 2025 on, does not matter) all pass. 河口乡's of 2025Q1, under its code of two changes
    ago, passes through to 马店镇."""
    returns = [(MADIAN, "2024Q3"), (BAIMIAO, "2024Q3"), (CHENGGUAN, "2024Q3"), (HEKOU, "2024Q3"),
               (HEKOU, "2025Q1")]
    result = gate(tmp_path, returns, rules=["H11"])
    assert h11(result) == []


def test_h11_fires_when_neither_the_township_nor_a_successor_existed(tmp_path):
    """白庙镇's return of 2024Q2 (it began 2024-07-01; no successor) and 新村镇's of 2024Q4 (set
    up 2025-01-01): neither existed in the quarter, nor anything they were merged into. 白庙乡's
    own return of the same quarter passes."""
    returns = [(BAIMIAO, "2024Q2"), (BAIMIAO_ZHEN, "2024Q2"), (MADIAN, "2024Q4"), (XINCUN, "2024Q4")]
    result = gate(tmp_path, returns, rules=["H11"])
    assert h11(result) == [
        (BAIMIAO_ZHEN, "2024Q2", f"封面「统计用区划代码」{BAIMIAO_ZHEN}(白庙镇):{NOT_VALID}"),
        (XINCUN, "2024Q4", f"封面「统计用区划代码」{XINCUN}(新村镇):{NOT_VALID}"),
    ]
    assert sorted(result.blocked) == [(BAIMIAO_ZHEN, "2024Q2"), (XINCUN, "2024Q4")]


def test_h12_counts_a_return_for_the_township_in_force_in_its_quarter(tmp_path):
    """H12: 城关街道's return of 2024Q2, before it was merged into 马店镇, does not stand in for
    马店镇's missing one (before, it did: 城关街道 belongs to 马店镇 today); its 2024Q3 return
    under the old code, after the merger, counts for 马店镇. 白庙乡's returns of its own quarters
    make no 白庙镇 expected before 2024Q3; its old-code return of 2024Q3 counts for 白庙镇."""
    returns = [(BAIMIAO, "2024Q2"), (CHENGGUAN, "2024Q2"), (HEKOU, "2024Q2"),
               (BAIMIAO, "2024Q3"), (CHENGGUAN, "2024Q3"), (HEKOU_ZHEN, "2024Q3")]
    result = gate(tmp_path, returns, rules=["H11", "H12"])
    assert h11(result) == []
    missing = sorted((v.division_code, v.period) for v in result.violations if v.rule_code == "H12")
    assert missing == [(MADIAN, "2024Q2")]
