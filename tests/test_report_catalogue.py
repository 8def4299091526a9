"""The summary follows the programme catalogue: a programme file with a generic ``summary:`` gets
its own numbered section, its figures read back from the warehouse, a numbered table and its
KPIs and measures in the XLSX; sections (一、二、…) and tables (表1、表2、…) are numbered from
the order of what is rendered, never by hand.

The warehouse here is built by hand (the tables the report reads, a three-township county), and
the catalogue is a temporary copy: ``return.yaml`` and the fixture ``winter_relief.yaml``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from civstat.contract import CONTRACT_DIR, load_contract

FIXTURE = Path(__file__).parent / "fixtures" / "programmes" / "winter_relief.yaml"
COUNTY, TOWNS = (
    "370000000000",
    {"370000001000": "甲镇", "370000002000": "乙乡", "370000003000": "丙街道"},
)
YEAR = 2024
# measure → township → (this year, last year) at Q4
MEASURES = {
    "aided_ytd": {
        "370000001000": (500, 450),
        "370000002000": (300, 280),
        "370000003000": (434, 370),
    },
    "clothing_ytd": {
        "370000001000": (150, 160),
        "370000002000": (100, 90),
        "370000003000": (206, 150),
    },
    "winter_caseworkers": {"370000001000": (3, 3), "370000002000": (2, 2), "370000003000": (4, 4)},
}
KPIS = {  # code: (name, unit, numerator, denominator)
    "clothing_per_aided": ("每救助人次发放棉衣被", "件/人次", "clothing_ytd", "aided_ytd"),
    "aided_per_caseworker": (
        "每名经办人员救助人次",
        "人次/人",
        "aided_ytd",
        "winter_caseworkers",
    ),
}


def catalogue(tmp: Path, *files: Path, order: dict[str, int] | None = None) -> Path:
    """A catalogue directory: return.yaml and the given programme files (``order`` rewritten)."""
    root = tmp / "contract"
    (root / "programmes").mkdir(parents=True, exist_ok=True)
    shutil.copy(CONTRACT_DIR / "return.yaml", root / "return.yaml")
    for f in files:
        text = f.read_text(encoding="utf-8")
        if order and f.stem in order:
            text = re.sub(r"(?m)^order: \d+$", f"order: {order[f.stem]}", text)
        (root / "programmes" / f.name).write_text(text, encoding="utf-8")
    return root


def _value(code: str, division: str, year: int):
    towns = MEASURES[code]
    i = 0 if year == YEAR else 1
    return sum(v[i] for v in towns.values()) if division == COUNTY else towns[division][i]


def build_warehouse(path: Path) -> Path:
    """The marts the report reads, with the winter relief figures of two years."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA intermediate")
    con.execute(
        "CREATE TABLE dim_division (division_code VARCHAR, division_name VARCHAR, "
        "division_level VARCHAR, county_code VARCHAR, is_current BOOLEAN)"
    )
    con.execute("INSERT INTO dim_division VALUES (?, '测试县', 'county', NULL, true)", [COUNTY])
    for code, name in TOWNS.items():
        con.execute(
            "INSERT INTO dim_division VALUES (?, ?, 'township', ?, true)", [code, name, COUNTY]
        )
    con.execute(
        "CREATE TABLE fct_recipients (year INTEGER, quarter INTEGER, current_division_code VARCHAR)"
    )
    con.execute(
        "CREATE TABLE fct_measures (division_code VARCHAR, "
        "division_level VARCHAR, year INTEGER, quarter INTEGER, period VARCHAR, "
        "measure_code VARCHAR, value DOUBLE, townships_included INTEGER)"
    )
    con.execute(
        "CREATE TABLE dim_kpi (kpi_code VARCHAR, kpi_name_zh VARCHAR, unit VARCHAR, "
        "sort_order INTEGER)"
    )
    con.execute(
        "CREATE TABLE kpi_annual (division_code VARCHAR, division_name VARCHAR, "
        "division_level VARCHAR, year INTEGER, kpi_code VARCHAR, kpi_name_zh VARCHAR, "
        "value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit VARCHAR, "
        "townships_expected INTEGER, townships_included INTEGER, complete BOOLEAN, "
        "townships_missing VARCHAR[])"
    )
    con.execute(
        "CREATE TABLE period_coverage (division_code VARCHAR, year INTEGER, "
        "quarter INTEGER, period VARCHAR, townships_expected INTEGER, "
        "townships_included INTEGER, complete BOOLEAN, townships_missing VARCHAR[])"
    )
    con.execute(
        "CREATE TABLE kpi_plan_completion (year INTEGER, division_code VARCHAR, "
        "kpi_code VARCHAR, kpi_name_zh VARCHAR, comparison VARCHAR, target DOUBLE, "
        "actual DOUBLE, achieved BOOLEAN, gap DOUBLE, source VARCHAR)"
    )
    con.execute(
        "CREATE TABLE quality_status (division_code VARCHAR, current_division_code "
        "VARCHAR, division_name VARCHAR, status VARCHAR, hard_rules VARCHAR[], "
        "year INTEGER, quarter INTEGER, period VARCHAR)"
    )
    con.execute(
        "CREATE TABLE quality_warnings (period VARCHAR, division_code VARCHAR, "
        "division_name VARCHAR, rule_code VARCHAR, message_zh VARCHAR, "
        "explanation VARCHAR, year INTEGER, quarter INTEGER)"
    )
    for i, (code, (name, unit, _, _)) in enumerate(KPIS.items()):
        con.execute("INSERT INTO dim_kpi VALUES (?, ?, ?, ?)", [code, name, unit, 900 + i])
    divisions = {COUNTY: ("测试县", "county"), **{c: (n, "township") for c, n in TOWNS.items()}}
    for year in (YEAR - 1, YEAR):
        for q in (1, 2, 3, 4):
            period = f"{year}Q{q}"
            con.execute(
                "INSERT INTO period_coverage VALUES (?, ?, ?, ?, 3, 3, true, [])",
                [COUNTY, year, q, period],
            )
            for town, name in TOWNS.items():
                con.execute("INSERT INTO fct_recipients VALUES (?, ?, ?)", [year, q, town])
                con.execute(
                    "INSERT INTO quality_status VALUES (?, ?, ?, 'published', [], ?, ?, ?)",
                    [town, town, name, year, q, period],
                )
        for division, (name, level) in divisions.items():
            for q in (1, 2, 3, 4):  # year to date: a quarter of the year's figure each quarter
                for code in MEASURES:
                    v = _value(code, division, year)
                    v = v if code == "winter_caseworkers" else v * q / 4
                    con.execute(
                        "INSERT INTO fct_measures VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            division,
                            level,
                            year,
                            q,
                            f"{year}Q{q}",
                            code,
                            v,
                            3 if level == "county" else 1,
                        ],
                    )
            for code, (kname, unit, num, den) in KPIS.items():
                n, d = _value(num, division, year), _value(den, division, year)
                con.execute(
                    "INSERT INTO kpi_annual VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, 3, true, [])",
                    [division, name, level, year, code, kname, n / d, n, d, unit],
                )
    con.close()
    return path


@pytest.fixture(scope="module")
def winter_relief_only(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("catalogue")
    contract = load_contract(catalogue(tmp, FIXTURE))
    return contract, build_warehouse(tmp / "civstat.duckdb")


def _report(contract, warehouse, **opts):
    from civstat.report.builder import Options, build_report
    from civstat.report.data import MartReader

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return build_report(MartReader(con), Options(year=YEAR, **opts), contract)
    finally:
        con.close()


def test_generic_programme_gets_a_numbered_section_with_its_figures(winter_relief_only):
    contract, wh = winter_relief_only
    report = _report(contract, wh)
    assert [s.title for s in report.sections] == [
        "（一）冬春生活救助",
        "附件1　主要统计表",
        "附件2　目标完成情况",
        "附件3　数据说明",
    ]
    winter = report.sections[0]
    text = "".join(winter.paragraphs)
    # 1,234 人次 aided (1,100 a year before: +134, +12.2%), 456 件 handed out,
    # 456/1,234 = 0.37 件/人次 (400/1,100 = 0.36: +1.6%)
    assert (
        "全年全县冬春救助困难群众1,234人次，比上年增加134人次，增长12.2%，发放棉衣被456件，"
        "平均每人次发放棉衣被0.4件，比上年增长1.6%。"
    ) in text
    assert "截至2024年年底，全县共有救助经办人员9人，平均每名经办人员救助困难群众137.1人次。" in text
    # ranking of persons aided per caseworker: 甲镇 500/3, 丙街道 434/4
    assert "每名经办人员救助人次以甲镇最高（166.7人次），丙街道最低（108.5人次）。" in text
    assert not winter.tables  # tables stand in 附件1
    annex = report.part("annex").sections[0]
    (table,) = annex.blocks[0].tables
    assert table.caption == "表1　各乡镇（街道）冬春生活救助情况（全年）"
    assert table.columns[:3] == [
        "乡镇（街道）",
        "救助困难群众(本年累计)（人次）",
        "发放棉衣被(本年累计)（件）",
    ]
    assert table.rows[0] == ["甲镇", "500", "150", "0.3", "3", "166.7"]
    assert table.rows[-1] == ["合计", "1,234", "456", "0.4", "9", "137.1"]
    assert [c.chart_id for c in winter.charts] == ["rank-clothing_per_aided"]
    # the programme's township KPI joins the county's comparison table, numbered after 表1
    towns = next(b for b in annex.blocks if b.anchor == "township-table")
    assert towns.tables[0].caption == "表2　各乡镇（街道）主要指标（全年）"
    assert towns.tables[0].columns == ["乡镇（街道）", "每救助人次发放棉衣被（件/人次）"]
    assert towns.tables[0].rows[-1][0] == "合计"


def test_generic_programme_in_the_xlsx_and_html(winter_relief_only, tmp_path):
    import openpyxl

    from civstat.report.writers import write_html, write_xlsx

    contract, wh = winter_relief_only
    report = _report(contract, wh)
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    kpis = {r[0]: r for r in wb["主要指标"].iter_rows(min_row=4, values_only=True)}
    assert kpis["clothing_per_aided"][2] == pytest.approx(456 / 1234)
    assert kpis["clothing_per_aided"][7] == "冬春生活救助"
    measures = {r[1]: r for r in wb["基础数据"].iter_rows(min_row=4, values_only=True)}
    assert measures["aided_ytd"][3:5] == (1234, 1100)
    sheet = list(wb["冬春生活救助"].iter_rows(min_row=3, values_only=True))
    assert sheet[0][:4] == (
        "乡镇（街道）",
        "救助困难群众(本年累计)（人次）",
        "发放棉衣被(本年累计)（件）",
        "救助经办人员（人）",
    )
    assert sheet[-1][:4] == ("测试县", 1234, 456, 9)
    html = write_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "一、主要工作完成情况" in html and "（一）冬春生活救助" in html
    assert "表1　各乡镇（街道）冬春生活救助情况（全年）" in html
    assert "二、存在的问题和不足" in html and '<p class="issuer">测试县民政局</p>' in html


def test_township_report_states_its_rank(winter_relief_only):
    contract, wh = winter_relief_only
    report = _report(contract, wh, division="370000002000")
    text = "".join(report.sections[0].paragraphs)
    assert "全年乙乡冬春救助困难群众300人次，比上年增加20人次，增长7.1%" in text
    assert "每名经办人员救助人次150.0人次/人，在全县3个乡镇（街道）中居第2位。" in text
    assert not report.sections[0].tables  # the townships × figures table is the county's


def test_sections_follow_the_programme_order(tmp_path):
    from civstat.report.builder import section_groups

    files = sorted((CONTRACT_DIR / "programmes").glob("*.yaml")) + [FIXTURE]
    heads = [h for h, _ in section_groups(load_contract(catalogue(tmp_path / "a", *files)))]
    assert heads == ["社会救助", "救灾救济", "社会福利与养老服务", "优抚安置", "专项社会事务",
                     "社会组织管理", "福利彩票与慈善事业", "儿童福利与关爱保护", "基层政权与社区建设",
                     "冬春生活救助"]
    # the same file placed second: its section moves up, the others follow
    early = load_contract(catalogue(tmp_path / "b", *files, order={"winter_relief": 15}))
    groups = section_groups(early)
    assert [h for h, _ in groups][:3] == ["社会救助", "冬春生活救助", "救灾救济"]
    assert [p.code for p in groups[0][1]] == ["dibao", "tekun", "temp_assist", "med_assist",
                                              "vagrants"]


def test_numbering_is_computed_from_what_is_rendered():
    from civstat.report.builder import number
    from civstat.report.model import Block, Part, Section, Table
    from civstat.report.phrases import load_phrases

    def t(c):
        return Table(c, [], [])

    parts = [
        Part("主要工作完成情况", "work", sections=[
            Section("甲", "a", blocks=[Block("子一", "a1"), Block("子二", "a2")]),
            Section("乙", "b", blocks=[Block("子三", "b1")]),
        ]),
        Part("存在的问题和不足", "problems"),
        Part("附件", "annex", sections=[
            Section("主要统计表", "t", blocks=[Block("甲", "ta", tables=[t("x"), t("y")])]),
            Section("目标", "c", tables=[t("w")], blocks=[Block("附：表", "c1", tables=[t("v")])]),
        ]),
    ]
    number(parts, load_phrases())
    assert [p.title for p in parts] == ["一、主要工作完成情况", "二、存在的问题和不足", "附件"]
    work, _, annex = parts
    assert [s.title for s in work.sections] == ["（一）甲", "（二）乙"]
    assert [b.title for s in work.sections for b in s.blocks] == ["1．子一", "2．子二", "1．子三"]
    assert [s.title for s in annex.sections] == ["附件1　主要统计表", "附件2　目标"]
    assert annex.sections[1].blocks[0].title == "附：表"  # the annex's blocks keep theirs
    captions = [
        tb.caption for s in annex.sections for tb in s.tables + [x for b in s.blocks for x in b.tables]
    ]
    assert captions == ["表1　x", "表2　y", "表3　w", "表4　v"]


def test_every_programme_file_has_a_valid_summary_and_no_hand_numbers():
    from civstat.report.phrases import load_phrases
    from civstat.report.sections import KINDS, validate

    contract = load_contract()
    validate(
        contract, {"span", "scope", "period_end", "year", "prev_year", "townships", "money_unit"}
    )
    numbered = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|表\s*\d)")
    for prog in contract.programmes:
        assert prog.summary.get("kind") in KINDS, prog.code
        heads = prog.summary.get("heading")
        for h in [
            prog.summary.get("section"),
            *(heads.values() if isinstance(heads, dict) else [heads] if heads else []),
        ]:  # heading is optional (a one-programme section; default: the sheet's title)
            assert h and not numbered.match(h), (prog.code, h)
        for spec in (prog.summary.get("tables") or {}).values():
            caption = spec if isinstance(spec, str) else spec["caption"]
            assert not numbered.match(caption), (prog.code, caption)
    ph = load_phrases()
    for key in ("sections", "subsections"):
        for title in ph[key].values():
            assert not numbered.match(title), title


def test_a_bad_summary_is_refused_naming_its_file(tmp_path):
    from civstat.report.sections import validate

    bad = FIXTURE.read_text(encoding="utf-8").replace(
        "{aided_ytd.change}", "{aided.change}"
    )
    (tmp_path / "winter_relief.yaml").write_text(bad, encoding="utf-8")
    contract = load_contract(catalogue(tmp_path, tmp_path / "winter_relief.yaml"))
    with pytest.raises(
        ValueError,
        match=r"programmes/winter_relief\.yaml: summary\.sentences: "
        r"\{aided\.change\}",
    ):
        validate(contract, {"span", "scope"})


def test_a_programme_without_figures_and_one_without_a_summary_key(tmp_path):
    """A second programme file whose sheet nobody reported gets no section: 数据说明 names it once
    (this warehouse keeps no raw layer: nobody has its figures); a file without `summary:` still
    gets a generic section naming its figures."""
    text = FIXTURE.read_text(encoding="utf-8")
    bare = text[: text.index("# Its section of the year-end summary")]  # no summary key
    transition = (  # 过渡期生活救助, 冬春救助's sibling in 自然灾害救助: every code renamed
        text.replace("winter", "transition")
        .replace("aided", "assisted")
        .replace("clothing", "supplies")
        .replace("冬春生活救助", "过渡期生活救助")
        .replace("冬春救助", "过渡期救助")
        .replace("表17", "表18")
        .replace("number: 17", "number: 18")
        .replace("order: 170", "order: 175")
    )
    (tmp_path / "winter_relief.yaml").write_text(bare, encoding="utf-8")
    (tmp_path / "transition_relief.yaml").write_text(transition, encoding="utf-8")
    contract = load_contract(
        catalogue(tmp_path, tmp_path / "winter_relief.yaml", tmp_path / "transition_relief.yaml")
    )
    report = _report(contract, build_warehouse(tmp_path / "civstat.duckdb"))
    titles = [s.title for s in report.sections]
    assert titles == ["（一）冬春生活救助", "附件1　目标完成情况", "附件2　数据说明"]  # no table
    default = "".join(report.sections[0].paragraphs)
    assert default.startswith(
        "救助困难群众(本年累计)1,234人次，发放棉衣被(本年累计)456件，救助经办人员9人，"
        "每救助人次发放棉衣被0.4件/人次，比上年增长1.6%，"
    )
    notes = "".join(report.sections[-1].paragraphs)
    assert notes.count("过渡期生活救助") == 1
    assert "本年度各乡镇（街道）均未报送季报“表18 过渡期生活救助”，相关内容从略。" in notes
    assert "冬春生活救助" not in notes  # reported by every township: nothing to say
    html = "".join(p for s in report.sections for p in s.paragraphs)
    assert "本期未报送" not in html
