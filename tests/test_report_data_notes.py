"""数据说明 on sheets: a programme whose sheet no township reported gets no section and is named
once in 数据说明; one reported only earlier in the year, or whose returns were all held back, is
named with why; an optional sheet only some townships reported is noted with their count.

The warehouse is the hand-built one of test_report_catalogue (three townships, the marts the report
reads) plus what tells who reported a sheet: the raw table of each sheet and quality_status with
its submission ids. The catalogue: 季报“表17 冬春生活救助” (optional here) and two renamed copies of it."""

from __future__ import annotations

import duckdb
import pytest
from test_report_catalogue import COUNTY, FIXTURE, TOWNS, YEAR, _report, build_warehouse, catalogue

from civstat.contract import load_contract

JIA, YI, BING = TOWNS  # 甲镇, 乙乡, 丙街道


def _copy(text: str, code: str, title: str, number: int, order: int) -> str:
    """The fixture renamed: another programme with its own codes, sheet and number."""
    return (
        text.replace("winter_relief", f"{code}_relief")
        .replace("winter_caseworkers", f"{code}_caseworkers")
        .replace("aided", f"{code}_aided")
        .replace("clothing", f"{code}_clothing")
        .replace("冬春生活救助", title)
        .replace("冬春救助", title[:-2])
        .replace("表17", f"表{number}")
        .replace("number: 17", f"number: {number}")
        .replace("order: 170", f"order: {order}")
    )


def _raw_layer(path, reported: dict[str, list[tuple[str, int, str]]]) -> None:
    """quality_status gains submission ids; raw.<table> holds one row per (township, quarter)
    that reported the sheet, this year and (the same townships) the year before; ``status``
    'blocked' marks a township's quarter of this year as held back."""
    con = duckdb.connect(str(path))
    try:
        con.execute("ALTER TABLE quality_status ADD COLUMN submission_id VARCHAR")
        con.execute("UPDATE quality_status SET submission_id = division_code || '-' || period")
        con.execute("CREATE SCHEMA raw")
        for table, rows in reported.items():
            con.execute(f"CREATE TABLE raw.{table} (submission_id VARCHAR, division_code VARCHAR)")
            for town, quarter, status in rows:
                sid = f"{town}-{YEAR}Q{quarter}"
                con.executemany(f"INSERT INTO raw.{table} VALUES (?, ?)",
                                [[sid, town], [f"{town}-{YEAR - 1}Q{quarter}", town]])
                con.execute(
                    "UPDATE quality_status SET status = ? WHERE submission_id = ?", [status, sid]
                )
    finally:
        con.close()


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notes")
    text = FIXTURE.read_text(encoding="utf-8").replace("required: true", "required: false")
    files = {
        "winter_relief.yaml": text,
        "transition_relief.yaml": _copy(text, "transition", "过渡期生活救助", 18, 175),
        "kinship_relief.yaml": _copy(text, "kinship", "亲属照料救助", 19, 180),
    }
    for name, body in files.items():
        (tmp / name).write_text(body, encoding="utf-8")
    return load_contract(catalogue(tmp, *(tmp / n for n in files)))


def _notes(report) -> str:
    return "".join(next(s for s in report.sections if s.anchor == "data-notes").paragraphs)


def test_unreported_sheets_are_named_once_and_get_no_section(contract, tmp_path):
    wh = build_warehouse(tmp_path / "civstat.duckdb")  # figures of 冬春生活救助 only
    _raw_layer(
        wh,
        {
            # 冬春: 甲镇 and 丙街道 every quarter, 乙乡 never
            "winter_relief": [(t, q, "published") for t in (JIA, BING) for q in (1, 2, 3, 4)],
            # 过渡期: 甲镇 in the second quarter only
            "transition_relief": [(JIA, 2, "published")],
            "kinship_relief": [],  # nobody, all year
        },
    )
    report = _report(contract, wh)
    assert [s.title for s in report.sections] == [
        "（一）冬春生活救助",
        "附件1　主要统计表",
        "附件2　目标完成情况",
        "附件3　数据说明",
    ]
    notes = _notes(report)
    assert "本年度各乡镇（街道）均未报送季报“表19 亲属照料救助”，相关内容从略。" in notes
    assert (
        "四季度各乡镇（街道）均未报送季报“表18 过渡期生活救助”（本年此前有1个乡镇（街道）报送），"
        "相关内容从略。"
    ) in notes
    assert (
        "季报“表17 冬春生活救助”为选报表，四季度报送季报的3个乡镇（街道）中有2个填报，"
        "相关数字为这2个乡镇（街道）的合计。"
    ) in notes
    for title in ("亲属照料救助", "过渡期生活救助", "冬春生活救助"):
        assert notes.count(title) == 1, title
    assert "本期未报送" not in "".join(p for s in report.sections for p in s.paragraphs)
    # the county's comparison table leaves out the KPIs no township has
    towns = next(b for s in report.sections for b in s.blocks if b.anchor == "township-table")
    assert towns.tables[0].columns == ["乡镇（街道）", "每救助人次发放棉衣被（件/人次）"]

    # 乙乡's own report: none of the three sheets, named together, no section
    own = _report(contract, wh, division=YI)
    assert [s.title for s in own.sections] == ["附件1　目标完成情况", "附件2　数据说明"]
    notes = _notes(own)
    assert (
        "本年度乙乡未报送季报“表17 冬春生活救助”、“表18 过渡期生活救助”、“表19 亲属照料救助”，相关内容从略。"
    ) in notes
    assert "选报表" not in notes  # one township: it reported a sheet or it did not
    # 甲镇 reported 表18 in the second quarter only
    own = _report(contract, wh, division=JIA)
    notes = _notes(own)
    assert "四季度甲镇未报送季报“表18 过渡期生活救助”（本年此前曾报送），相关内容从略。" in notes
    assert own.sections[0].title == "（一）冬春生活救助"


def test_sheet_reported_but_held_back_or_left_blank(contract, tmp_path):
    """Reported in the quarter, yet no figure: the only return holding 表18 was blocked by the
    quality gate; 表19 came in published with every cell blank. Neither gets a section; 数据说明
    says why — not 未报送."""
    wh = build_warehouse(tmp_path / "civstat.duckdb")
    _raw_layer(
        wh,
        {
            "winter_relief": [(t, q, "published") for t in TOWNS for q in (1, 2, 3, 4)],
            "transition_relief": [(BING, 4, "blocked")],
            "kinship_relief": [(JIA, 4, "published")],
        },
    )
    report = _report(contract, wh)
    notes = _notes(report)
    assert "季报“表18 过渡期生活救助”报送的数据均未通过质量审核，相关内容从略。" in notes
    assert "季报“表19 亲属照料救助”报送的各项数字均为空，相关内容从略。" in notes
    assert "均未报送" not in notes
    assert "选报表" not in notes  # 表17 by every township
    assert [s.title for s in report.sections] == [
        "（一）冬春生活救助",
        "附件1　主要统计表",
        "附件2　目标完成情况",
        "附件3　数据说明",
    ]
    assert report.division_code == COUNTY
