"""The cover (封面) as clerks really lay it out, on workbooks written cell by cell (no template):
every layout reads the same fields; a value that cannot be read is a finding in raw.findings
(or, for 填报单位 / 统计用区划代码, a refusal naming sheet, row and column) — never a silent NULL."""

from __future__ import annotations

import datetime as dt

import pytest
from handmade import (
    BAIMIAO,
    MADIAN,
    PERIOD,
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

from civstat.ingest.cover import parse_cover

DATE = dt.date(2024, 10, 8)
EXPECTED = {"unit_name": "马店镇", "division_code_reported": MADIAN, "pop_total": 32000,
            "pop_urban": 8000, "pop_rural": 24000, "pop_60plus": 6100, "filled_by": "张三",
            "reviewed_by": "李四", "phone": "0530-1234567", "fill_date": DATE}


def _layout(name: str) -> list[list]:
    if name == "next_cell":
        return cover_rows()
    if name == "qizhong_fullwidth":
        rows = cover_rows()
        rows[5][0], rows[6][0] = "其中：城镇人口（人）", "其中：农村人口（人）"
        return rows
    if name == "qizhong_space_and_own_cell":
        rows = cover_rows()
        rows[5] = ["其中 城镇人口 (人)", 8000]
        rows[6] = ["其中", "农村人口(人)", 24000]
        return rows
    if name == "label_colon_value_in_one_cell":
        return [["乡镇民政统计季报封面"], ["填报单位:马店镇"], [f"统计用区划代码：{MADIAN}"],
                ["报告期:2024年第3季度"], ["户籍人口(人):32000"], ["其中:城镇人口(人):8000"],
                ["其中：农村人口（人）：24000"], ["60岁及以上人口（人）：6100"],
                ["填报人：张三", "审核人:李四"], ["联系电话：0530-1234567"], ["填报日期:2024年10月8日"]]
    if name == "values_two_cells_right":
        return [["填报单位", None, "马店镇"], ["统计用区划代码", None, MADIAN],
                ["报告期", None, "2024年第3季度"], ["户籍人口", "(人)", 32000],
                ["其中:城镇人口", "人", 8000], ["其中:农村人口", "（人）", 24000],
                ["60岁及以上人口", "人", 6100], ["填报人", None, "张三"], ["审核人", None, "李四"],
                ["联系电话", None, "0530-1234567"], ["填报日期", None, DATE]]
    if name == "several_pairs_per_row":
        return [["马店镇2024年第三季度民政统计季报"],
                ["填报单位", "马店镇", "统计用区划代码", MADIAN],
                ["报告期", "2024年第3季度", "填报日期", dt.datetime(2024, 10, 8, 9, 30)],
                ["户籍人口(人)", 32000, "其中:城镇人口(人)", 8000, "其中:农村人口(人)", 24000],
                ["60岁及以上人口(人)", 6100],
                ["填报人", "张三", "审核人", "李四", "联系电话", "0530-1234567"]]
    if name == "vertical":
        return [["填报单位", "统计用区划代码", "报告期", "填报日期"],
                ["马店镇", MADIAN, "2024年第3季度", "2024-10-08"],
                ["户籍人口(人)", "其中:城镇人口(人)", "其中:农村人口(人)", "60岁及以上人口(人)"],
                [32000, 8000, 24000, 6100],
                ["填报人", "审核人", "联系电话"], ["张三", "李四", "0530-1234567"]]
    if name == "spaced_numbered_and_text_numbers":
        return [["填 报 单 位", "马店镇"], ["统计用区划代码", int(MADIAN)],
                ["报 告 期", "2024年1-9月"], ["1、户籍人口(人)", "32,000人"],
                ["2、其中:城镇人口(人)", "８０００"], ["3、其中:农村人口(人)", " 24000 "],
                ["4、60岁及以上人口(人)", 6100.0], ["填报人 张三"], ["审核人  李四"],
                ["联系电话", "0530-1234567"], ["填报日期 2024.10.8"]]
    if name == "synonyms":
        return [["单位名称", "马店镇"], ["行政区划代码", MADIAN], ["统计期", "2024年三季度"],
                ["户籍总人口(人)", 32000], ["其中:非农业人口(人)", 8000],
                ["其中:农业人口(人)", 24000], ["60周岁以上老年人口", 6100], ["填表人", "张三"],
                ["单位负责人", "李四"], ["联系方式", "0530-1234567"], ["报送日期", "2024/10/8"]]
    raise AssertionError(name)


LAYOUTS = ["next_cell", "qizhong_fullwidth", "qizhong_space_and_own_cell",
           "label_colon_value_in_one_cell", "values_two_cells_right", "several_pairs_per_row",
           "vertical", "spaced_numbered_and_text_numbers", "synonyms"]


def _submission(con) -> dict:
    cols = list(EXPECTED)
    row = con.execute(f"SELECT {', '.join(cols)} FROM raw.submissions").fetchall()
    assert len(row) == 1
    return dict(zip(cols, row[0], strict=True))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_cover_layout_reads_the_same_fields(tmp_path, layout):
    write_xlsx(raw_folder(tmp_path) / f"{layout}.xlsx", _layout(layout), canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert _submission(con) == EXPECTED
    assert con.execute("SELECT division_code, period FROM raw.submissions").fetchone() == (MADIAN, PERIOD)
    assert findings(con) == []


def test_cover_with_qizhong_labels_feeds_both_population_denominators(tmp_path):
    """The issue's case: `其中:城镇人口(人) | 8000` is pop_urban, not a key 其中."""
    write_xlsx(raw_folder(tmp_path) / "a.xlsx", cover_rows(), canonical_sheets())
    con, _ = run_ingest(tmp_path)
    assert con.execute("SELECT pop_urban, pop_rural FROM raw.submissions").fetchone() == (8000, 24000)


# -- findings -----------------------------------------------------------------------------------
def test_unreadable_fill_date_is_a_finding_and_the_return_loads(tmp_path):
    write_xlsx(raw_folder(tmp_path) / "日期.xlsx", cover_rows(fill_date="十月八日"), canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok and len(result.loaded) == 1 and result.loaded[0].findings >= 1
    assert con.execute("SELECT fill_date, submitted_at IS NOT NULL FROM raw.submissions").fetchone() == (
        None, True)
    (code, sheet, row, column, zh, en), = findings(con)
    assert (code, sheet, row, column) == ("cover_unreadable", "封面", 12, "填报日期")
    assert "十月八日" in zh and "B12" in zh and "填报日期" in en
    lineage = con.execute("SELECT f.division_code, f.period, f.source_file, f.submission_id = "
                          "s.submission_id FROM raw.findings f, raw.submissions s").fetchone()
    assert lineage == (MADIAN, PERIOD, f"{PERIOD}/日期.xlsx", True)


@pytest.mark.parametrize(("urban", "code", "zh_part"), [
    ("约八千", "cover_unreadable", "约八千"),
    ("8000.5", "cover_unreadable", "8000.5"),
    (None, "cover_missing", "城镇人口"),
])
def test_unreadable_or_missing_population_is_a_finding(tmp_path, urban, code, zh_part):
    write_xlsx(raw_folder(tmp_path) / "人口.xlsx", cover_rows(urban=urban), canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT pop_urban, pop_rural FROM raw.submissions").fetchone() == (None, 24000)
    (got, sheet, row, column, zh, _), = findings(con)
    assert (got, sheet, row, column) == (code, "封面", 6, "城镇人口") and zh_part in zh


def test_unreadable_period_is_a_finding_and_the_folder_decides(tmp_path):
    rows = cover_rows()
    rows[3][1] = "2024年第3期"
    write_xlsx(raw_folder(tmp_path) / "报告期.xlsx", rows, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT period FROM raw.submissions").fetchone() == (PERIOD,)
    assert [(c, r, col) for c, _, r, col, _, _ in findings(con)] == [("cover_unreadable", 4, "报告期")]


@pytest.mark.parametrize(("text", "loads"), [
    ("2024年前三季度", True), ("2024年度第三季度", True), ("2024年一至九月", True), ("2024年1-9月份", True),
    ("2024年上半年", False), ("2024年度", False), ("2024年全年", False), ("2024年1至十二月", False),
])
def test_period_words_of_real_covers(tmp_path, text, loads):
    """The words covers use for the (cumulative) period: in the 2024Q3 folder a 前三季度 return
    loads without a finding, and one for 上半年 or the whole year is refused as another
    period's (before, an unreadable 报告期 was a finding and the folder decided: last quarter's
    return dropped into this quarter's folder loaded as this quarter's)."""
    rows = cover_rows()
    rows[3][1] = text
    write_xlsx(raw_folder(tmp_path) / "报告期.xlsx", rows, canonical_sheets())
    con, result = run_ingest(tmp_path)
    if loads:
        assert result.ok and not findings(con)
    else:
        assert [(q.reason_code, q.sheet, q.column) for q in result.quarantined] == [
            ("period_mismatch", "封面", "报告期")]


@pytest.mark.parametrize(("extra", "refused"), [
    (["填报单位", "白庙乡"], "填报单位 写了两个不同的值:'马店镇' 和 '白庙乡'(单元格 B2、B13)"),
    (["户籍人口(人)", 33000], "户籍人口 写了两个不同的值:'32000' 和 '33000'(单元格 B5、B13)"),
    (["报告期", "2024年第2季度"], "报告期 写了两个不同的值"),
    (["填报单位(盖章)", "马店镇民政办公室"], None),   # the unit and its office, by the seal
    (["报告期", "2024年三季度"], None),             # the same quarter in other words
    (["户籍人口(人)", "3.2万"], None),             # the same figure
])
def test_a_cover_field_written_twice(tmp_path, extra, refused):
    """A label written again below (a seal line, a copied block): a second value that says
    something else refuses the return when it decides who sent it, for when, or a coverage
    denominator — before, the first value was taken silently."""
    write_xlsx(raw_folder(tmp_path) / "封面.xlsx", cover_rows() + [extra], canonical_sheets())
    con, result = run_ingest(tmp_path)
    if refused is None:
        assert result.ok and not findings(con)
        assert con.execute("SELECT unit_name, pop_total FROM raw.submissions").fetchone() == ("马店镇", 32000)
    else:
        [item] = result.quarantined
        assert (item.reason_code, item.sheet, item.row) == ("bad_cover", "封面", 13)
        assert refused in item.message_zh


def test_a_second_phone_number_is_a_finding(tmp_path):
    write_xlsx(raw_folder(tmp_path) / "封面.xlsx", cover_rows() + [["联系电话", "13800000000"]],
               canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert [(c, r, col) for c, _, r, col, _, _ in findings(con)] == [("cover_conflict", 13, "联系电话")]
    assert con.execute("SELECT phone FROM raw.submissions").fetchone() == ("0530-1234567",)


# -- refusals -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("unit", "code", "row", "column"), [
    ("马店镇", "3.71599E+11", 3, "统计用区划代码"),   # Excel already destroyed the code
    ("马店镇", "37159910100", 3, "统计用区划代码"),   # eleven digits
    ("12345", MADIAN, 2, "填报单位"),                # a number, not a unit name
    ("马店镇", "371599101000000", 3, "统计用区划代码"),  # fifteen digits (a village's, padded?)
])
def test_unreadable_required_field_refuses_naming_the_cell(tmp_path, unit, code, row, column):
    write_xlsx(raw_folder(tmp_path) / "坏封面.xlsx", cover_rows(unit=unit, code=code), canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert [q.file for q in result.quarantined] == [f"{PERIOD}/坏封面.xlsx"]
    (_, reason, sheet, got_row, got_column, zh), = quarantine_rows(con)
    assert (reason, sheet, got_row, got_column) == ("bad_cover", "封面", row, column)
    assert column in zh
    assert con.execute("SELECT count(*) FROM raw.submissions").fetchone() == (0,)


def test_cover_naming_neither_unit_nor_code_refuses(tmp_path):
    write_xlsx(raw_folder(tmp_path) / "无名.xlsx", cover_rows(unit="", code=None), canonical_sheets())
    con, _ = run_ingest(tmp_path)
    (_, reason, sheet, row, column, _), = quarantine_rows(con)
    assert (reason, sheet, row, column) == ("no_cover", "封面", 2, "填报单位")


# -- findings are stored with their submission and shown in the quality report -----------------
def test_findings_stay_with_their_submission_and_report_shows_current_ones(tmp_path):
    from civstat.quality import write_report
    from civstat.quality.report import read_findings
    from civstat.quality.result import QualityResult

    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", cover_rows(urban="约八千"), canonical_sheets())
    write_xlsx(folder / "马店(更正).xlsx", cover_rows(fill_date="2024-10-12"), canonical_sheets())
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO, fill_date="10/8"),
               canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok
    stored = con.execute("SELECT s.file_path, s.is_current, f.code, f.\"column\" FROM raw.findings f "
                         "JOIN raw.submissions s USING (submission_id) WHERE f.sheet = '封面' "
                         "ORDER BY 1").fetchall()
    assert stored == [(f"{PERIOD}/白庙.xlsx", True, "cover_unreadable", "填报日期"),
                      (f"{PERIOD}/马店.xlsx", False, "cover_unreadable", "城镇人口")]
    current = [f for f in read_findings(con) if f["sheet"] == "封面"]
    assert [(f["file"], f["sheet"], f["row"], f["column"]) for f in current] == [
        (f"{PERIOD}/白庙.xlsx", "封面", 12, "填报日期")]
    assert read_findings(con, ["2024Q4"]) == []
    assert {f["file"] for f in read_findings(con, [PERIOD])} <= {f"{PERIOD}/白庙.xlsx", f"{PERIOD}/马店(更正).xlsx"}
    empty = QualityResult("r", dt.datetime(2025, 1, 1), [], [], [])
    html = write_report(empty, tmp_path / "out", evidence=False, findings=current).read_text("utf-8")
    assert "读取提示" in html and "白庙.xlsx" in html and "填报日期" in html
    html = write_report(empty, tmp_path / "out2", evidence=False).read_text("utf-8")
    assert "读取提示" not in html


def test_findings_table_is_created_idempotently(tmp_path):
    import duckdb

    from civstat.raw_schema import create_raw_schema

    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    create_raw_schema(con)
    create_raw_schema(con)
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                      "table_schema = 'raw' AND table_name = 'findings' "
                                      "ORDER BY ordinal_position").fetchall()]
    assert {"submission_id", "division_code", "period", "source_file", "code", "sheet", "row",
            "column", "message_zh", "message_en", "found_at"} <= set(cols)


# -- the parser on its own (no database) --------------------------------------------------------
def test_blank_value_before_the_next_label_is_not_that_label():
    cover, found = parse_cover("封面", [["填报单位", "马店镇"], ["填报人", None, "审核人", "李四"]])
    assert cover["unit_name"] == "马店镇" and "filled_by" not in cover
    assert cover["reviewed_by"] == "李四"
    assert {f.column for f in found} >= {"户籍人口", "填报日期"}  # expected fields left out


def test_excel_serial_number_is_read_as_a_date():
    cover, found = parse_cover("封面", [["填报单位", "马店镇"], ["填报日期", "45573"]])
    assert cover["fill_date"] == dt.date(2024, 10, 8)
    assert all(f.column != "填报日期" for f in found)


def test_populations_in_wan_ren_are_read_in_people(tmp_path):
    """户籍人口(万人) | 3.2 is 32,000 people, not 3 (before, 3 loaded silently and every coverage
    rate over it was ten thousand times too high). A unit typed after the number replaces the
    label's: 8000人 under a (万人) label is 8,000, 2.4万 is 24,000."""
    rows = cover_rows()
    rows[4:7] = [["户籍人口(万人)", 3.2], ["其中:城镇人口（万人）", "8000人"], ["其中:农村人口(万人)", "2.4万"]]
    rows[7] = ["60岁及以上人口", "0.61"]  # no unit in the label: people (a fraction is refused)
    rows.append(["老年人口(万人)", 0.61])  # the same field again, in 万人: the same figure
    write_xlsx(raw_folder(tmp_path) / "万人.xlsx", rows, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT pop_total, pop_urban, pop_rural, pop_60plus "
                       "FROM raw.submissions").fetchone() == (32000, 8000, 24000, None)
    [(code, sheet, row, column, zh, _)] = findings(con)
    assert (code, sheet, row, column) == ("cover_unreadable", "封面", 8, "60岁及以上人口")
    assert "'0.61'" in zh and "应为非负整数" in zh


@pytest.mark.parametrize(("label", "value", "message"), [
    ("户籍人口(千人)", 32, "标签的单位 千人 无法换算(可用 人、万人)"),
    ("户籍人口(百人)", 32, "标签的单位 百人 无法换算(可用 人、万人)"),
    ("户籍人口(万人)", 32000, "按万人计为 320,000,000 人,超过一个乡镇(街道)可能的人口 2,000,000"),
])
def test_a_population_that_cannot_be_read_in_people_is_a_finding(tmp_path, label, value, message):
    """户籍人口(千人) | 32: the reader does not convert 千人 (the contract's units); 户籍人口(万人) |
    32000: typed in people under a label in 万人, 320 million — no township holds that many (the
    contract's max_population). Left empty with a finding naming the cell — never 32 people."""
    rows = cover_rows()
    rows[4] = [label, value]
    write_xlsx(raw_folder(tmp_path) / "人口.xlsx", rows, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok
    assert con.execute("SELECT pop_total, pop_urban FROM raw.submissions").fetchone() == (None, 8000)
    [(code, sheet, row, column, zh, en)] = findings(con)
    assert (code, sheet, row, column) == ("cover_unreadable", "封面", 5, "户籍人口")
    assert message in zh and "cell B5" in en


@pytest.mark.parametrize("code", ["371599-101-000", "371599 101 000", "'371599101000", "３７１５９９１０１０００"])
def test_a_code_written_with_separators_or_a_quote_is_the_code(tmp_path, code):
    """The code as clerks type it: in groups (hyphens or spaces), after a quote that keeps Excel
    from turning it into 3.71599E+11, in full-width digits — 马店镇's 371599101000 each time."""
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(code=code), canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert result.ok, quarantine_rows(con)
    assert con.execute("SELECT division_code, division_code_reported FROM raw.submissions"
                       ).fetchall() == [(MADIAN, MADIAN)]
