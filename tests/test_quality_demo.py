"""The gate on the demo county: generated as townships send it, read by the reader, then checked.
The generator plants one hard violation (集中 + 分散 ≠ 特困供养人数 in one township's 2025Q2) and,
for every programme whose profile declares ``plants.violation`` (殡葬: 火化遗体 = 死亡人数 × 1.2),
one township-quarter breaking that programme's own hard rule; and a few soft ones. The gate must
find those hard ones and nothing else hard."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytest.importorskip("civstat.generate")
pytest.importorskip("civstat.ingest")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from civstat.generate import generate
    from civstat.ingest import ingest

    base = tmp_path_factory.mktemp("demo")
    info = generate(base / "raw", base / "reference")
    path = base / "civstat.duckdb"
    con = duckdb.connect(str(path))
    try:
        loaded = ingest(con, base / "raw", base / "reference", quarantine_dir=base / "quarantine")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    assert not loaded.quarantined
    return base, path, info["plants"]


@pytest.fixture(scope="module")
def result(demo):
    from civstat.quality import evaluate

    _, path, _ = demo
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con)
    finally:
        con.close()


def _violation_programmes():
    """The programmes whose profile plants a violation of their own hard rules."""
    from civstat.contract import load_contract
    from civstat.generate.profile import violation_plant

    return [p for p in load_contract().programmes if violation_plant(p)]


def _planted_returns(plants) -> list[tuple[str, str]]:
    return sorted({(plants[k]["division_code"], plants[k]["period"])
                   for k in ("hard_tekun", "violation") if k in plants})


def test_exactly_the_planted_hard_violations(demo, result):
    _, _, plants = demo
    hard = plants["hard_tekun"]
    tekun = [(v.rule_code, v.division_code, v.period) for v in result.hard if v.table_name == "tekun"]
    assert tekun == [("H4", hard["division_code"], hard["period"])]
    v = next(v for v in result.hard if v.table_name == "tekun")
    assert v.source_row is not None and v.source_file
    progs = _violation_programmes()
    assert ("violation" in plants) == bool(progs)
    others = [v for v in result.hard if v.table_name != "tekun"]
    if progs:
        where = (plants["violation"]["division_code"], plants["violation"]["period"])
        own = {r["code"] for p in progs for r in p.rules if r.get("severity") == "hard"}
        assert {(v.division_code, v.period) for v in others} == {where}
        assert {v.table_name for v in others} == {p.sheet.table for p in progs}
        assert {v.rule_code for v in others} <= own
    else:
        assert others == []
    assert result.blocked == _planted_returns(plants)


def test_planted_soft_violations_are_found(demo, result):
    _, _, plants = demo
    soft = {(v.rule_code, v.division_code, v.period) for v in result.soft}
    for rule, plant in (("S1", "s1_jump"), ("S7", "low_occupancy"), ("S10", "copy_paste")):
        p = plants[plant]
        assert (rule, p["division_code"], p["period"]) in soft, (rule, plant)


def test_recorded_explanation_replaces_the_warning(demo, result):
    _, _, plants = demo
    p = plants["s1_jump"]
    s1 = [v for v in result.soft if v.rule_code == "S1" and v.division_code == p["division_code"]]
    assert s1 and all(v.explanation for v in s1)
    assert all(v not in result.unexplained_soft for v in s1)


def test_store_feeds_quality_status(demo, result, tmp_path):
    """Stored findings are what dbt's quality_status reads: the blocked return is listed."""
    import shutil

    from civstat.quality import store

    _, path, plants = demo
    work = tmp_path / "work.duckdb"
    shutil.copy(path, work)
    con = duckdb.connect(str(work))
    try:
        store(con, result)
        rows = con.execute("SELECT DISTINCT division_code, period FROM quality.violations "
                           "WHERE severity = 'hard'").fetchall()
    finally:
        con.close()
    assert sorted(rows) == _planted_returns(plants)


def test_demo_report(result, tmp_path):
    from civstat.quality import write_report

    html = write_report(result, tmp_path, evidence=False).read_text(encoding="utf-8")
    assert "杨庄镇" in html and "须更正后重报" in html and "已说明" in html
    assert Path(tmp_path / "evidence").exists() is False
