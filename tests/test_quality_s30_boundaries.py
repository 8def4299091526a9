"""Edit rules at their tolerance and across quarters, on returns written cell by cell
(tests/handmade.py) and read by the reader: a change exactly at a rule's limit is not above it
(S1 ±15 %, S2 +20 % a year, S6 10 points — before, floating point flagged −15 % but not +15 %),
S3's person-months need every quarter of the year so far (a township's first return in Q2 was
told its aid per person was twice what it is), and a period with no current return evaluates
to nothing instead of failing."""

from __future__ import annotations

from pathlib import Path

import handmade as hm

from civstat.quality import evaluate

T1, T2, T5 = "表1 最低生活保障", "表2 特困人员救助供养", "表5 自然灾害"
TOWN = {hm.MADIAN: "马店镇", hm.BAIMIAO: "白庙乡"}


def cover(code: str, period: str) -> hm.Rows:
    return hm.quarter_cover(TOWN[code], code, period)


def sheets(period: str) -> dict[str, hm.Rows]:
    return hm.quarter_sheets(period)


def gate(tmp_path: Path, returns: dict[tuple[str, str], dict[str, hm.Rows]], rules: list[str],
         periods: list[str] | None = None):
    """Write each (township, period) return, read them all, evaluate ``rules``."""
    for (code, period), book in returns.items():
        hm.write_xlsx(tmp_path / "raw" / period / f"{TOWN[code]}.xlsx", cover(code, period), book)
    con, _ = hm.run_ingest(tmp_path)
    try:
        assert hm.quarantine_rows(con) == []
        return evaluate(con, rules=rules, periods=periods)
    finally:
        con.close()


def found(result) -> list[tuple]:
    return [(v.rule_code, v.severity, v.division_code, v.period, v.sheet, v.source_row,
             v.column_name, v.message_zh) for v in result.violations]


def with_dibao(period: str, urban: list | None = None, rural: list | None = None,
               standard_header: str | None = None) -> dict[str, hm.Rows]:
    book = sheets(period)
    if urban:
        book[T1][1][1:1 + len(urban)] = urban
    if rural:
        book[T1][2][1:1 + len(rural)] = rural
    if standard_header:
        book[T1][0][-1] = standard_header
    return book


def test_s1_exactly_15_percent_either_way_is_not_above_it(tmp_path):
    # 期末户数, 期末人数, 本年新增户数, 本年新增人数, 本年退出户数, 本年退出人数
    result = gate(tmp_path, {
        (hm.MADIAN, "2024Q2"): with_dibao("2024Q2", [100, 200, 10, 20, 0, 0], [300, 600, 10, 20, 0, 0]),
        # urban 200 → 170 (−15 %), rural 600 → 690 (+15 %)
        (hm.MADIAN, "2024Q3"): with_dibao("2024Q3", [90, 170, 10, 20, 10, 30], [330, 690, 20, 110, 0, 0]),
        (hm.BAIMIAO, "2024Q2"): with_dibao("2024Q2", [100, 200, 10, 20, 0, 0], [300, 600, 10, 20, 0, 0]),
        # urban 200 → 169 (−15.5 %)
        (hm.BAIMIAO, "2024Q3"): with_dibao("2024Q3", [90, 169, 10, 20, 10, 31], [300, 600, 10, 20, 0, 0]),
    }, rules=["S1"])
    assert found(result) == [
        ("S1", "soft", hm.BAIMIAO, "2024Q3", T1, 2, "persons",
         "表1 最低生活保障第2行城市低保:低保人数由上季(2024Q2)200 变为 169(-15.5%)")]
    assert result.exit_code == 0


def with_tekun(period: str, urban: list, rural: list) -> dict[str, hm.Rows]:
    book = sheets(period)
    book[T2][1][1:4], book[T2][2][1:4] = urban, rural
    return book


def test_s6_exactly_10_points_is_not_above_it(tmp_path):
    # 期末供养人数, 集中供养, 分散供养: 6 of 20 centralised (30 %) in Q2
    result = gate(tmp_path, {
        (hm.MADIAN, "2024Q2"): with_tekun("2024Q2", [10, 3, 7], [10, 3, 7]),
        (hm.MADIAN, "2024Q3"): with_tekun("2024Q3", [10, 4, 6], [10, 4, 6]),   # 40 %
        (hm.BAIMIAO, "2024Q2"): with_tekun("2024Q2", [10, 3, 7], [10, 3, 7]),
        (hm.BAIMIAO, "2024Q3"): with_tekun("2024Q3", [10, 5, 5], [10, 4, 6]),  # 45 %
    }, rules=["S6"])
    assert found(result) == [
        ("S6", "soft", hm.BAIMIAO, "2024Q3", T2, None, "centralized",
         "表2 特困人员救助供养:集中供养率由上季(2024Q2)30.0% 变为 45.0%,变动超过 10 个百分点")]


def test_s2_exactly_20_percent_a_year_on_a_yearly_standard_is_not_above_it(tmp_path):
    yearly = "保障标准(元/人·年)"
    result = gate(tmp_path, {
        (hm.MADIAN, "2023Q3"): with_dibao("2023Q3", [*hm.DIBAO["urban"][:7], 9600],
                                          [*hm.DIBAO["rural"][:7], 6200], yearly),
        # 6,200 → 7,440 元 a year: 516.67 → 620 a month, +20 %
        (hm.MADIAN, "2024Q3"): with_dibao("2024Q3", [*hm.DIBAO["urban"][:7], 9600],
                                          [*hm.DIBAO["rural"][:7], 7440], yearly),
        (hm.BAIMIAO, "2023Q3"): with_dibao("2023Q3", [*hm.DIBAO["urban"][:7], 9600],
                                           [*hm.DIBAO["rural"][:7], 6200], yearly),
        (hm.BAIMIAO, "2024Q3"): with_dibao("2024Q3", [*hm.DIBAO["urban"][:7], 9600],
                                           [*hm.DIBAO["rural"][:7], 7500], yearly),   # +21 %
    }, rules=["S2"])
    assert found(result) == [
        ("S2", "soft", hm.BAIMIAO, "2024Q3", T1, 3, "standard",
         "表1 最低生活保障第3行农村低保保障标准(月)625 元,比上年同期(2023Q3)516.67 元增长 21.0%")]


def test_s3_needs_every_quarter_of_the_year_so_far(tmp_path):
    rural = hm.DIBAO["rural"]
    result = gate(tmp_path, {
        # 马店's first returns are Q2 and Q3: its 2.4 million 元 cover months no return counts
        (hm.MADIAN, "2024Q2"): with_dibao("2024Q2", rural=[*rural[:6], 2_400_000.0]),
        (hm.MADIAN, "2024Q3"): with_dibao("2024Q3", rural=[*rural[:6], 3_000_000.0]),
        # 白庙 from Q1: 2.4 million 元 over 664 persons × 6 months is 602.41 a month, above 600
        (hm.BAIMIAO, "2024Q1"): with_dibao("2024Q1", rural=[*rural[:6], 1_000_000.0]),
        (hm.BAIMIAO, "2024Q2"): with_dibao("2024Q2", rural=[*rural[:6], 2_400_000.0]),
    }, rules=["S3"])
    assert found(result) == [
        ("S3", "soft", hm.BAIMIAO, "2024Q2", T1, 3, "funds_ytd",
         ("表1 最低生活保障第3行农村低保:月人均补助 602.41 元(累计支出 2,400,000元(240万元) ÷ 累计保障人月 "
          "3,984),高于月保障标准 600 元"))]


def test_a_period_without_returns_evaluates_nothing(tmp_path):
    """A quarter asked for by name (a Dagster partition, ``gate(con, [period])``) whose every
    return was refused: no rule has anything to read — before, DuckDB failed on an empty
    INSERT of the quarters to look back on."""
    hm.write_xlsx(tmp_path / "raw" / "2024Q3" / "马店镇.xlsx", cover(hm.MADIAN, "2024Q3"),
                  sheets("2024Q3"))
    con, _ = hm.run_ingest(tmp_path)
    try:
        result = evaluate(con, periods=["2024Q1"])
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0
    finally:
        con.close()
    assert (result.periods, result.violations, result.returns, result.exit_code) == ([], [], 0, 0)
    assert all(r.violations == 0 for r in result.runs)

