"""表13 儿童福利与关爱保护 and 表15 基层政权与社区建设 (``programmes/children.yaml``,
``community.yaml``): read from returns written cell by cell in the words clerks use (traditional
characters included), H15 on a hand-built DuckDB, and the cross-sheet coverage rates built by dbt
from ingested returns — 儿童主任配备率, 综合服务设施覆盖率 and 居家养老服务站覆盖率 divide by the
村(居)委会 of the township's own 表15, or of its latest earlier 表15 of the year
(``int_committees_carried``). Expected figures are worked out here from the returns' cells."""

from __future__ import annotations

import re

import duckdb
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    COUNTY,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_reference,
    write_xlsx,
)
from test_quality_support import T2, T5, build_clean, mutate, sid

from civstat.generate.model import build_county
from civstat.ingest import ingest
from civstat.quality import evaluate, load_catalogue
from civstat.refresh import refresh
from civstat.warehouse import Warehouse

CHILDREN_COLUMNS = ["left_behind_children", "children_in_difficulty", "de_facto_orphans",
                    "left_behind_women", "left_behind_elderly", "child_directors",
                    "child_supervisors"]
COMMUNITY_COLUMNS = ["village_committees", "resident_committees", "committee_members",
                     "committee_members_female", "secretary_director", "facility_communities",
                     "open_affairs_villages", "community_workers", "licensed_social_workers"]
CHILDREN = [126, 38, 4, 32, 61, 21, 1]
COMMUNITY = [21, 3, 90, 30, 18, 20, 19, 12, 6]

# a clerk's 表13 in traditional characters, under a sheet name of her own
CHILDREN_TRADITIONAL = ("兒童福利與關愛保護", [
    ["農村留守兒童(人)", "困境兒童人數", "事實無人撫養兒童(人)", "農村留守婦女(人)", "留守老人(人)",
     "村(居)兒童主任(人)", "鄉鎮兒童督導員(人)"],
    CHILDREN])
# 表15 as the form prints it, and as clerks write it (村委会, 社区居委会, "一肩挑" in straight quotes …)
COMMUNITY_SHEETS = {
    "form": ("表15 基层政权与社区建设", [
        ["村民委员会(个)", "居民委员会(个)", "村(居)委会成员(人)", "其中:女性(人)",
         "书记主任“一肩挑”(个)", "建有综合服务设施的村(居)(个)", "村务公开规范化的村(个)",
         "社区工作者(人)", "持证社会工作者(人)"],
        COMMUNITY]),
    "clerk": ("村(居)民自治和社区建设", [
        ["村委会(个)", "社区居委会(个)", "村(居)委会成员(人)", "其中:女性(人)",
         '书记、主任"一肩挑"(个)', "建有综合服务设施的村(居)(个)", "村务公开规范化村数",
         "专职社区工作者(人)", "持证社工(人)"],
        COMMUNITY]),
    "traditional": ("基層政權與社區建設", [
        ["行政村數", "社區居委會數", "村(居)委會成員(人)", "其中:女性成員", "實行“一肩挑”的村(居)",
         "建有綜合服務設施的村(居)(個)", "村務公開規範化的村(個)", "社區工作者(人)",
         "持證社會工作者(人)"],
        COMMUNITY]),
}


def _raw(con, table: str, columns: list[str]) -> list[tuple]:
    return con.execute(f"SELECT {', '.join(columns)} FROM raw.{table} "
                       "ORDER BY submission_id").fetchall()


@pytest.mark.parametrize("variant", sorted(COMMUNITY_SHEETS))
def test_children_and_community_read_in_clerks_words(tmp_path, variant):
    community = COMMUNITY_SHEETS[variant]
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), CHILDREN_TRADITIONAL[0]: CHILDREN_TRADITIONAL[1],
                community[0]: community[1]})
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    assert _raw(con, "children", CHILDREN_COLUMNS) == [tuple(CHILDREN)]
    assert _raw(con, "community", COMMUNITY_COLUMNS) == [tuple(COMMUNITY)]
    assert con.execute("SELECT division_code, period, source_sheet FROM raw.community").fetchall() == [
        (MADIAN, "2024Q3", community[0])]


def test_the_sheets_are_optional_but_their_required_columns_are_not(tmp_path):
    folder = raw_folder(tmp_path)
    # 白庙乡 sends neither sheet: accepted, nothing in the programmes' tables
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), canonical_sheets())
    # 城关街道's 表15 has no 居民委员会 column, its 表13 no 农村留守儿童: refused, naming the column
    header, values = COMMUNITY_SHEETS["form"][1]
    write_xlsx(folder / "城关街道.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN),
               {**canonical_sheets(), "表15 基层政权与社区建设": [header[:1] + header[2:], values[:1] + values[2:]]})
    write_xlsx(folder / "马店镇.xlsx", cover_rows(),
               {**canonical_sheets(), "表13 儿童福利与关爱保护": [["困境儿童(人)", "儿童主任(人)"], [38, 21]]})
    con, _ = run_ingest(tmp_path)
    refused = {(r[0].rsplit("/", 1)[-1], r[1], r[2], r[4]) for r in quarantine_rows(con)}
    assert refused == {("城关街道.xlsx", "missing_column", "表15 基层政权与社区建设", "居民委员会"),
                       ("马店镇.xlsx", "missing_column", "表13 儿童福利与关爱保护", "农村留守儿童")}
    assert con.execute("SELECT division_code FROM raw.submissions").fetchall() == [(BAIMIAO,)]
    assert con.execute("SELECT count(*) FROM raw.children").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM raw.community").fetchone()[0] == 0


# -- H15 on the quality fixture county ----------------------------------------------------------

S = sid(T2, "2024Q2")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The quality fixture county with a 表15 on every return; the counts sit at their bounds
    (设施村 = 村委会 + 居委会, and 女性 = 成员 in 三河镇) — bounds are allowed."""
    path = build_clean(tmp_path_factory.mktemp("community") / "clean.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute(f"""
            INSERT INTO raw.community BY NAME
            SELECT submission_id, division_code, period, year, quarter, file_path AS source_file,
                   '表15 基层政权与社区建设' AS source_sheet, 5 AS source_row, file_sha256, submitted_at,
                   10 + i AS village_committees, 2 AS resident_committees,
                   4 * (12 + i) AS committee_members,
                   CASE WHEN division_code = '{T5}' THEN 4 * (12 + i) ELSE 12 + i END AS committee_members_female,
                   10 + i AS secretary_director, 12 + i AS facility_communities,
                   10 + i AS open_affairs_villages, 6 AS community_workers, 2 AS licensed_social_workers
            FROM (SELECT *, CAST(right(division_code, 4) AS INTEGER) % 97 + 1 AS i FROM raw.submissions)
        """)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def _violations(path, rules=("H15", "H8")):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, rules=list(rules), periods=["2024Q2"]).violations
    finally:
        con.close()


def test_h15_is_community_s_own_and_takes_its_sheet_from_h8():
    cat = load_catalogue()
    h15 = cat.rule("H15")
    assert (h15.programme, h15.severity, h15.tables) == ("community", "hard", ("community",))
    assert "community" not in cat.rule("H8").tables     # 其中:女性 ≤ 成员 is H15's
    assert {r.code for r in cat.rules_for("community")} >= {"H15", "H7", "S11"}


def test_h15_passes_a_clean_county(clean):
    assert _violations(clean) == []


@pytest.mark.parametrize(("column", "edit"), [
    ("facility_communities", "facility_communities = village_committees + resident_committees + 1"),
    ("secretary_director", "secretary_director = village_committees + resident_committees + 1"),
    ("open_affairs_villages", "open_affairs_villages = village_committees + resident_committees + 1"),
    ("committee_members_female", "committee_members_female = committee_members + 1"),
    # a blank 居民委员会 counts as none: 13 villages, 14 with facilities
    ("facility_communities", "resident_committees = NULL, facility_communities = village_committees + 1"),
])
def test_h15_catches_each_relation(clean, tmp_path, column, edit):
    broken = mutate(clean, tmp_path / "broken.duckdb",
                    [f"UPDATE raw.community SET {edit} WHERE submission_id = '{S}'"])
    found = _violations(broken)
    assert [(v.rule_code, v.division_code, v.period, v.table_name, v.column_name) for v in found] == [
        ("H15", T2, "2024Q2", "community", column)]
    v = found[0]
    assert v.is_hard and v.sheet == "表15 基层政权与社区建设"
    label = {"committee_members_female": "女性 ≤ 村(居)委会成员"}.get(
        column, "≤ 村民委员会+居民委员会")
    assert label in v.message_zh


# -- dbt: the cross-sheet rates from ingested returns ------------------------------------------

# (township, quarter) → sheets beyond the required seven; 马店镇 sends no 表15 in Q4 (its Q3 one
# stands), 白庙乡 none all year (no rate: no committee count), 城关街道 revises its 表15 in Q4
RETURNS = {
    (MADIAN, 3): {"children": {"child_directors": 20, "left_behind_children": 130},
                  "community": {"village_committees": 21, "resident_committees": 3,
                                "facility_communities": 20, "secretary_director": 18},
                  "homecare": {"homecare_centers": 1, "homecare_stations": 17, "meal_points": 5,
                               "home_visits_ytd": 1200}},
    (MADIAN, 4): {"children": {"child_directors": 22, "left_behind_children": 126},
                  "homecare": {"homecare_centers": 1, "homecare_stations": 19, "meal_points": 6,
                               "home_visits_ytd": 1650}},
    (BAIMIAO, 3): {"children": {"child_directors": 12, "left_behind_children": 95},
                   "homecare": {"homecare_centers": 1, "homecare_stations": 8, "meal_points": 2,
                                "home_visits_ytd": 400}},
    (BAIMIAO, 4): {"children": {"child_directors": 12, "left_behind_children": 91},
                   "homecare": {"homecare_centers": 1, "homecare_stations": 8, "meal_points": 2,
                                "home_visits_ytd": 700}},
    (CHENGGUAN, 3): {"children": {"child_directors": 14, "left_behind_children": 20},
                     "community": {"village_committees": 2, "resident_committees": 12,
                                   "facility_communities": 13, "secretary_director": 10},
                     "homecare": {"homecare_centers": 2, "homecare_stations": 11, "meal_points": 4,
                                  "home_visits_ytd": 900}},
    (CHENGGUAN, 4): {"children": {"child_directors": 15, "left_behind_children": 19},
                     "community": {"village_committees": 2, "resident_committees": 13,
                                   "facility_communities": 15, "secretary_director": 11},
                     "homecare": {"homecare_centers": 2, "homecare_stations": 12, "meal_points": 5,
                                  "home_visits_ytd": 1300}},
}
NAMES = {MADIAN: "马店镇", BAIMIAO: "白庙乡", CHENGGUAN: "城关街道"}
SHEETS = {"children": ("表13 儿童福利与关爱保护", {"left_behind_children": "农村留守儿童(人)",
                                                  "child_directors": "儿童主任(人)"}),
          "community": ("表15 基层政权与社区建设", {
              "village_committees": "村民委员会(个)", "resident_committees": "居委会(个)",
              "facility_communities": "建有综合服务设施的村(居)(个)",
              "secretary_director": "书记主任“一肩挑”(个)"}),
          "homecare": ("表16 居家和社区养老服务", {
              "homecare_centers": "居家养老服务中心(个)", "homecare_stations": "居家养老服务站(个)",
              "meal_points": "老年食堂(个)", "home_visits_ytd": "上门服务人次"})}


def _cover(code: str, quarter: int) -> list[list]:
    rows = cover_rows(unit=NAMES[code], code=code, fill_date=f"2024年{3 * quarter}月28日")
    return [["报告期", f"2024年第{quarter}季度"] if r[0] == "报告期" else r for r in rows]


def committees(code: str, quarter: int) -> tuple[dict, int] | None:
    """The 表15 that stands for (township, quarter): its own, else the latest earlier one."""
    for q in range(quarter, 0, -1):
        sheet = RETURNS.get((code, q), {}).get("community")
        if sheet:
            return sheet, sheet["village_committees"] + sheet["resident_committees"]
    return None


def expected_rate(kind: str, quarter: int, towns=(MADIAN, BAIMIAO, CHENGGUAN)) -> tuple[float, float] | None:
    num = den = 0.0
    for code in towns:
        found = committees(code, quarter)
        if found is None:
            continue
        sheet15, n = found
        own = RETURNS[(code, quarter)]
        num += {"child": own["children"]["child_directors"],
                "facility": sheet15["facility_communities"],
                "homecare": own["homecare"]["homecare_centers"] + own["homecare"]["homecare_stations"],
                }[kind]
        den += n
    return (num, den) if den else None


@pytest.fixture(scope="module")
def built(tmp_path_factory, dbt_isolated):
    """The three townships' 2024Q3 and Q4 returns, ingested, gated by the real edit rules and
    built and published by dbt."""
    tmp = tmp_path_factory.mktemp("cross_sheet")
    for (code, q), extra in RETURNS.items():
        sheets = dict(canonical_sheets())
        for family, figures in extra.items():
            name, headers = SHEETS[family]
            sheets[name] = [[headers[c] for c in figures], list(figures.values())]
        write_xlsx(tmp / "raw" / f"2024Q{q}" / f"{NAMES[code]}.xlsx", _cover(code, q), sheets)
    ref = write_reference(tmp / "reference")
    wh = Warehouse(tmp / "warehouse" / "civstat.duckdb")
    with wh.lock(), wh.connect_writer() as con:
        result = ingest(con, tmp / "raw", ref, quarantine_dir=tmp / "quarantine")
    assert result.ok and len(result.loaded) == len(RETURNS)
    assert refresh(wh, capture=True).published
    return wh


def _query(wh, sql, params=()):
    with wh.reader() as con:
        return con.execute(sql, list(params)).fetchall()


def test_no_return_is_blocked(built):
    assert _query(built, "SELECT count(*) FROM quality_status WHERE status = 'blocked'") == [(0,)]


def test_committee_count_is_carried_within_the_year(built):
    rows = _query(built, "SELECT division_code, period, committees, source_period, is_carried "
                         "FROM intermediate.int_committees_carried ORDER BY division_code, period")
    want = []
    for code in sorted(NAMES):
        for q in (3, 4):
            found = committees(code, q)
            source = next((f"2024Q{p}" for p in range(q, 0, -1)
                           if "community" in RETURNS.get((code, p), {})), None)
            want.append((code, f"2024Q{q}", found[1] if found else None, source,
                         source is not None and source != f"2024Q{q}"))
    assert rows == want
    assert (MADIAN, "2024Q4", 24, "2024Q3", True) in rows   # the case this model exists for


@pytest.mark.parametrize(("kpi", "kind"), [("child_director_coverage", "child"),
                                           ("community_facility_coverage", "facility"),
                                           ("homecare_station_coverage", "homecare")])
@pytest.mark.parametrize("quarter", [3, 4])
def test_cross_sheet_rates_at_township_and_county(built, kpi, kind, quarter):
    got = {r[0]: r[1:] for r in _query(
        built, "SELECT division_code, value, numerator, denominator FROM kpi_quarterly "
               "WHERE kpi_code = ? AND period = ?", (kpi, f"2024Q{quarter}"))}
    for code in NAMES:
        want = expected_rate(kind, quarter, towns=(code,))
        if want is None:       # 白庙乡: no 表15 this year, no rate (not 0, not a guess)
            assert got[code] == (None, None, None), code
        else:
            assert got[code] == pytest.approx((want[0] / want[1], *want)), code
    num, den = expected_rate(kind, quarter)
    assert got[COUNTY] == pytest.approx((num / den, num, den))


def test_annual_rates_are_the_q4_ones(built):
    annual = _query(built, "SELECT kpi_code, division_code, division_level, value FROM kpi_annual "
                           "WHERE year = 2024 AND kpi_code IN ('child_director_coverage', "
                           "'community_facility_coverage', 'homecare_station_coverage') "
                           "AND value IS NOT NULL ORDER BY ALL")
    levels = {(k, lvl) for k, _, lvl, _ in annual}
    assert levels == {(k, lvl) for k in ("child_director_coverage", "community_facility_coverage",
                                        "homecare_station_coverage")
                      for lvl in ("county", "township")}
    num, den = expected_rate("child", 4)
    assert ("child_director_coverage", COUNTY, "county", pytest.approx(num / den)) in annual


def test_counts_keep_every_township_that_reported(built):
    """Counts are what the townships reported: 白庙乡's 儿童主任 are in the county's total although
    it has no rate; 马店镇's 村委会 of its Q3 表15 stand in Q4."""
    got = dict(_query(built, "SELECT measure_code, value FROM fct_measures WHERE division_code = ? "
                             "AND period = '2024Q4' AND measure_code IN ('child_directors', "
                             "'village_committees', 'committees_carried')", (COUNTY,)))
    assert got == {
        "child_directors": sum(RETURNS[(c, 4)]["children"]["child_directors"] for c in NAMES),
        "village_committees": sum(committees(c, 4)[0]["village_committees"] for c in (MADIAN, CHENGGUAN)),
        "committees_carried": sum(committees(c, 4)[1] for c in NAMES if committees(c, 4)),
    }


def test_summary_states_the_figures(built):
    from civstat.contract import load_contract
    from civstat.report.builder import Options, build_report
    from civstat.report.data import MartReader

    with built.reader() as con:
        report = build_report(MartReader(con), Options(year=2024), load_contract())
    numbered = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)")
    text = {numbered.sub("", s.title): "".join(s.paragraphs) for s in report.sections}
    children = text["儿童福利与关爱保护"]
    kids = sum(RETURNS[(c, 4)]["children"]["left_behind_children"] for c in NAMES)
    directors = sum(RETURNS[(c, 4)]["children"]["child_directors"] for c in NAMES)
    num, den = expected_rate("child", 4)
    assert f"截至2024年年底，全县共有农村留守儿童{kids:,}人" in children
    # no township reported 儿童督导员: that clause is left out, not printed as 0 or None
    assert f"全县配备村（居）儿童主任{directors}名，儿童主任配备率{num / den * 100:.1f}%" in children
    community = text["基层政权与社区建设"]
    villages, residents = (sum(committees(c, 4)[0][k] for c in (MADIAN, CHENGGUAN))
                           for k in ("village_committees", "resident_committees"))
    assert f"全县共有村民委员会{villages}个、居民委员会{residents}个" in community
    num, den = expected_rate("facility", 4)
    assert f"城乡社区综合服务设施覆盖率{num / den * 100:.1f}%" in community


# -- the demo county ------------------------------------------------------------------------------


def test_demo_county_magnitudes():
    county = build_county(years=(2024, 2025))
    q4 = [r for r in county.returns if (r.year, r.quarter) == (2025, 4)]
    total = {"directors": 0, "committees": 0, "facilities": 0}
    for r in q4:
        if not {"community", "children"} <= set(r.data):  # a township may leave either out
            continue
        c15, c13 = r.data["community"][0], r.data["children"][0]
        n = c15["village_committees"] + c15["resident_committees"]
        assert 6 <= n <= 60, r.division_code   # a merged township holds two
        assert c13["child_directors"] <= n and c15["facility_communities"] <= n
        assert c15["committee_members_female"] <= c15["committee_members"]
        total["directors"] += c13["child_directors"]
        total["committees"] += n
        total["facilities"] += c15["facility_communities"]
    assert 200 <= total["committees"] <= 450
    assert 0.7 <= total["facilities"] / total["committees"] < 1   # the 70 % plan target is met
    assert 0.75 <= total["directors"] / total["committees"] <= 1
    assert {(p["kpi_code"], p["target"], p["comparison"]) for p in county.plans
            if p["kpi_code"] == "community_facility_coverage"} == {
        ("community_facility_coverage", 0.7, ">=")}
