"""Units lines above a table (``金额单位:万元``, ``单位:户、人、元``, a title ending ``(单位:万元)``),
on returns written cell by cell here (openpyxl, xlwt, GBK CSV), never by civstat's template.

A column whose header states no unit is read in the unit a units line states for its kind
(money, area), else in the form's own; a line that changes a column's reading is a finding, and
one naming two units of a kind over a column stating neither refuses the return, naming sheet,
row and column. Figures are checked against values worked out by hand.
"""

from __future__ import annotations

import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    MADIAN,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_csv_group,
    write_xls,
    write_xlsx,
)

from civstat.ingest.qualifiers import stated_units

DIBAO = "表1 最低生活保障"
TEMP = "表3 临时救助"
MED = "表4 医疗救助"
DISASTER = "表5 自然灾害"
DIBAO_HEAD = ["类别", "期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数",
              "本年退出人数", "累计支出低保资金", "保障标准(元/人·月)"]


def dibao(town: str, line: str | None, urban_funds, rural_funds, title: str = "") -> list[list]:
    """表1 with a title, a row holding 填报单位 on the left and ``line`` on the right, and a
    header whose funds column states no unit."""
    return [[f"{town}2024年第三季度最低生活保障情况{title}"],
            [f"填报单位：{town}", None, None, None, None, None, None, line],
            DIBAO_HEAD,
            ["城市低保", 120, 210, 8, 12, 5, 7, urban_funds, 800],
            ["农村低保", 529, 664, 50, 60, 43, 44, rural_funds, 600]]


def _madian_and_baimiao(tmp_path, writer: str, madian: list[list], baimiao: list[list]):
    """马店 (an .xls when ``writer`` is xls) and 白庙 with the given 表1, ingested: none refused."""
    folder = raw_folder(tmp_path)
    if writer == "xls":
        write_xls(folder / "马店.xls", {"封面": cover_rows(), **canonical_sheets(), DIBAO: madian})
    else:
        write_xlsx(folder / "马店.xlsx", cover_rows(), {**canonical_sheets(), DIBAO: madian})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), DIBAO: baimiao})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    return con


def unit_findings(con) -> list[tuple]:
    return con.execute(
        'SELECT s.division_code, f.sheet, f."row", f."column", f.message_zh FROM raw.findings f '
        "JOIN raw.submissions s USING (submission_id) WHERE f.code = 'unit_from_line' "
        'ORDER BY s.division_code, f.sheet, f."column"').fetchall()


@pytest.mark.parametrize(("line", "title"), [("金额单位：万元", ""), ("单位：户、人、万元", ""),
                                           (None, "（单位：万元）")])
def test_a_money_units_line_scales_the_columns_stating_no_unit(tmp_path, line, title):
    """马店 reports its 低保 funds in 万元 on the line above the header (or in the title), 白庙
    in 元, on the same layout in the same batch: both come out in 元, to the cent, and only
    马店's is a finding."""
    folder = raw_folder(tmp_path)
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), DIBAO: dibao("马店镇", line, 38, 177.5475, title)})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), DIBAO: dibao("白庙乡", "单位：户、人、元", 380_000, 1_775_475)})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    funds = con.execute("SELECT s.division_code, d.category, d.funds_ytd, d.standard "
                        "FROM raw.dibao d JOIN raw.submissions s USING (submission_id) "
                        "ORDER BY 1, 2").fetchall()
    # 38 万元 = 380,000 元; 177.5475 万元 = 1,775,475 元; the standards (元/人·月) are not money in 万元
    assert funds == [(MADIAN, "rural", 1_775_475.0, 600.0), (MADIAN, "urban", 380_000.0, 800.0),
                     (BAIMIAO, "rural", 1_775_475.0, 600.0), (BAIMIAO, "urban", 380_000.0, 800.0)]
    row = 1 if title else 2
    assert unit_findings(con) == [(MADIAN, DIBAO, row, "累计支出低保资金",
                                   f"累计支出低保资金 表头未注明单位,按第{row}行注明的万元读取(未注明时按元)")]


def test_a_units_row_over_the_header_is_the_headers_unit(tmp_path):
    """(单位:万元) right above 累计支出低保资金 is that column's unit, as (万元) would be: no finding."""
    sheet = dibao("马店镇", "（单位:万元）", 38, 177.5475)
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), DIBAO: sheet})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined and not unit_findings(con)
    assert con.execute("SELECT category, funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", 1_775_475.0), ("urban", 380_000.0)]


def test_a_title_stating_units_and_a_thousand_yuan_header_in_a_gbk_csv(tmp_path):
    """城关's CSV export: 表3's title ends (单位：万元) over headers without units, 表4's header
    says 千元 — 3.68 万元 = 36,800 元, 0.8325 万元 = 8,325 元, 384.56063 千元 = 384,560.63 元."""
    sheets = canonical_sheets()
    sheets[TEMP] = [["城关街道2024年1-9月临时救助情况（单位：万元）"],
                    ["累计救助户次", "累计救助人次", "累计支出救助资金", "其中:实物折款"], [41, 96, 3.68, 0.8325]]
    sheets[MED] = [["资助参加基本医疗保险人数", "资助参保资金(千元)", "直接医疗救助人次", "直接医疗救助资金(千元)"],
                   [300, 75, 167, 384.56063]]
    write_csv_group(raw_folder(tmp_path), "城关街道", cover_rows(unit="城关街道", code=CHENGGUAN), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT funds_ytd, in_kind_ytd FROM raw.temp_assist").fetchall() == [
        (36_800.0, 8_325.0)]
    assert con.execute("SELECT insured_funds_ytd, direct_funds_ytd FROM raw.med_assist").fetchall() == [
        (75_000.0, 384_560.63)]
    assert [(f[1], f[2], f[3]) for f in unit_findings(con)] == [
        (TEMP, 1, "其中:实物折款"), (TEMP, 1, "累计支出救助资金")]


def disaster(line: str, loss_header: str, loss) -> list[list]:
    return [[line],
            ["灾害发生日期", "灾害种类", "受灾人口", "紧急转移安置人口", "农作物受灾面积", "其中:绝收面积",
             "倒塌房屋户数", "倒塌房屋间数", "严重损坏房屋", "一般损坏房屋", loss_header, "下拨救灾资金"],
            ["2024-06-20", "暴雨洪涝", 800, 20, 381, 40, 12, 30, 10, 25, loss, 50_000]]


def test_a_line_overrules_the_forms_own_unit_and_a_header_overrules_the_line(tmp_path):
    """.xls returns (xlwt): the form prints 直接经济损失 in 万元. Under 单位:户、人、元 马店's header
    states no unit: its 125,000 is 元 (a finding says so, and what it would have been read as);
    白庙's header says (万元) under the same line: 12.5 万元 = 125,000 元, no finding. 农作物受灾面积
    under 面积单位:公顷 (城关): 25.4 公顷 = 381 亩."""
    folder = raw_folder(tmp_path)
    write_xls(folder / "马店.xls", {"封面": cover_rows(), **canonical_sheets(),
                                  DISASTER: disaster("单位:户、人、元", "直接经济损失", 125_000)})
    write_xls(folder / "白庙.xls", {"封面": cover_rows(unit="白庙乡", code=BAIMIAO), **canonical_sheets(),
                                  DISASTER: disaster("单位:户、人、元", "直接经济损失(万元)", 12.5)})
    cg = disaster("面积单位:公顷", "直接经济损失", 12.5)
    cg[2][4:6] = [25.4, 40 / 15]
    write_xls(folder / "城关.xls", {"封面": cover_rows(unit="城关街道", code=CHENGGUAN),
                                  **canonical_sheets(), DISASTER: cg})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    rows = con.execute("SELECT s.division_code, d.direct_loss, d.crop_area_mu, d.crop_failed_mu "
                       "FROM raw.disaster_events d JOIN raw.submissions s USING (submission_id) "
                       "ORDER BY 1").fetchall()
    assert rows == [(CHENGGUAN, 125_000.0, 381.0, 40.0), (MADIAN, 125_000.0, 381.0, 40.0),
                    (BAIMIAO, 125_000.0, 381.0, 40.0)]
    assert unit_findings(con) == [
        (CHENGGUAN, DISASTER, 1, "其中:绝收面积", "其中:绝收面积 表头未注明单位,按第1行注明的公顷读取(未注明时按亩)"),
        (CHENGGUAN, DISASTER, 1, "农作物受灾面积", "农作物受灾面积 表头未注明单位,按第1行注明的公顷读取(未注明时按亩)"),
        (MADIAN, DISASTER, 1, "直接经济损失", "直接经济损失 表头未注明单位,按第1行注明的元读取(未注明时按万元)")]


def test_a_line_naming_both_money_units_over_a_column_stating_neither_is_refused(tmp_path):
    """单位:户、人、元、万元 (the line of a form whose headers state their units): 马店's funds
    header states none, so the column cannot be read — refused, naming sheet, row and column;
    白庙 under the same line states (元) in the header and loads, to the cent."""
    folder = raw_folder(tmp_path)
    both = "单位:户、人、元、万元"
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), DIBAO: dibao("马店镇", both, 38, 177.5475)})
    stated = dibao("白庙乡", both, 380_000.5, 1_775_475.25)
    stated[2] = [*DIBAO_HEAD[:7], "累计支出低保资金(元)", DIBAO_HEAD[8]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), {**canonical_sheets(), DIBAO: stated})
    con, result = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [(r[0].rsplit("/", 1)[-1], r[1], r[2], r[3], r[4]) for r in refused] == [
        ("马店.xlsx", "ambiguous_unit", DIBAO, 2, "累计支出低保资金")]
    assert "同时写了元和万元" in refused[0][5] and "累计支出低保资金(元)" in refused[0][5]
    assert con.execute("SELECT category, funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", 1_775_475.25), ("urban", 380_000.5)]
    assert not unit_findings(con) and len(result.loaded) == 1


@pytest.mark.parametrize(("text", "units"), [
    ("单位:户、人、元", ("元",)),
    ("金额单位：万元", ("万元",)),
    ("计量单位：人、户、千元、公顷", ("千元", "公顷")),
    ("马店镇2024年第三季度低保情况（单位：万元）", ("万元",)),
    ("填报单位：马店镇　　金额单位：万元", ("万元",)),
    ("單位：戶、人、萬元", ("万元",)),          # traditional characters
    ("填报单位：马店镇", ()),                 # the reporting unit, not a unit of measure
    ("单位：元宝镇民政办", ()),               # a township named 元…
    ("单位负责人：王五", ()),
    ("保障标准(元/人·月)", ()),
])
def test_what_a_units_line_states(text, units):
    assert stated_units(text) == units


@pytest.mark.parametrize(("note", "writer"), [("注:金额单位为万元", "xlsx"), ("说明：本表单位：万元", "xls"),
                                            ("附注:1.金额单位:万元。2.人数单位为人", "xlsx"),
                                            ("注:金额单位为万元", "xlsx, column B"),
                                            ("单位:万元", "xlsx"), ("计量单位：户、人、万元", "xls")])
def test_a_note_under_the_table_stating_units_is_read_like_a_units_line(tmp_path, note, writer):
    """马店 writes its 低保 funds in 万元 and says so in a note under the table (no units line
    above): 38 万元 = 380,000 元 and 177.5475 万元 = 1,775,475 元, with a finding naming the note's
    row (in column B too, under an empty A); a units line alone under the table (单位:万元) is
    such a note too (before, refused as an unknown category). 白庙, same layout, a note naming
    元: read as written, no finding."""
    madian = [*dibao("马店镇", None, 38, 177.5475), [None, note] if "column B" in writer else [note]]
    baimiao = [*dibao("白庙乡", None, 380_000, 1_775_475), ["注:金额单位为元"]]
    con = _madian_and_baimiao(tmp_path, writer, madian, baimiao)
    funds = con.execute("SELECT s.division_code, d.category, d.funds_ytd FROM raw.dibao d "
                        "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall()
    assert funds == [(MADIAN, "rural", 1_775_475.0), (MADIAN, "urban", 380_000.0),
                     (BAIMIAO, "rural", 1_775_475.0), (BAIMIAO, "urban", 380_000.0)]
    assert unit_findings(con) == [(MADIAN, DIBAO, 6, "累计支出低保资金",
                                   "累计支出低保资金 表头未注明单位,按第6行注明的万元读取(未注明时按元)")]


def test_a_note_does_not_overrule_a_header_or_a_line_above(tmp_path):
    """A note under the table naming 万元 changes nothing where the header says (元) (the
    disagreement is a finding), and the line above the table decides where both state a unit
    (the first line decides)."""
    folder = raw_folder(tmp_path)
    stated = dibao("马店镇", None, 380_000, 1_775_475)
    stated[2] = [*DIBAO_HEAD[:7], "累计支出低保资金(元)", DIBAO_HEAD[8]]
    write_xlsx(folder / "马店.xlsx", cover_rows(),
               {**canonical_sheets(), DIBAO: [*stated, ["注:金额单位为万元"]]})
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), DIBAO: [*dibao("白庙乡", "金额单位:元", 380_000, 1_775_475),
                                              ["注:金额单位为万元"]]})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT DISTINCT funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        (380_000.0,), (1_775_475.0,)]
    assert unit_findings(con) == []
    assert con.execute('SELECT s.division_code, f.sheet, f."row", f."column", f.message_zh '
                       "FROM raw.findings f JOIN raw.submissions s USING (submission_id) "
                       "WHERE f.code = 'unit_line_overruled'").fetchall() == [
        (MADIAN, DIBAO, 3, "累计支出低保资金(元)",
         "累计支出低保资金(元) 表头注明元,与第6行注明的万元不同,按表头的元读取(请核对该列的单位)")]


def test_notes_stating_units():
    assert stated_units("注:金额单位为万元", note=True) == ("万元",)
    assert stated_units("说明:本表单位:万元", note=True) == ("万元",)
    assert stated_units("说明:本表单位:万元") == ()  # a bare 单位 mid-text counts in a note only
    assert stated_units("金额单位为万元") == ("万元",)
    assert stated_units("单位负责人:王五", note=True) == ()


UNITLESS_HEAD = [*DIBAO_HEAD[:8], "保障标准"]


@pytest.mark.parametrize("writer", ["xlsx", "xls"])
def test_a_units_row_under_the_header_states_each_columns_unit(tmp_path, writer):
    """The statistical forms' layout: a row under the header names each column's unit
    (单位 | 户 | 人 | … | 万元 | 元/人·月). 马店's funds are in 万元 (38 → 380,000 元, 177.5475 →
    1,775,475 元) and its standard per month; 白庙's row leaves its first cell blank, writes the
    units in brackets and its standard per year (9,600 and 7,200 元/人·年, stated, not inferred).
    Before, the units row was read as a category and the return refused (unknown_category)."""
    madian = [UNITLESS_HEAD, ["单位", "户", "人", "户", "人", "户", "人", "万元", "元/人·月"],
              ["城市低保", 120, 210, 8, 12, 5, 7, 38, 800],
              ["农村低保", 529, 664, 50, 60, 43, 44, 177.5475, 600]]
    baimiao = [UNITLESS_HEAD, [None, "（户）", "（人）", "(户)", "(人)", "(户)", "(人)", "（元）", "(元/人/年)"],
               ["城市低保", 120, 210, 8, 12, 5, 7, 380_000, 9600],
               ["农村低保", 529, 664, 50, 60, 43, 44, 1_775_475, 7200]]
    con = _madian_and_baimiao(tmp_path, writer, madian, baimiao)
    rows = con.execute("SELECT s.division_code, d.source_row, d.category, d.funds_ytd, d.standard, "
                       "d.standard_period, d.standard_unit_source FROM raw.dibao d "
                       "JOIN raw.submissions s USING (submission_id) ORDER BY 1, 2").fetchall()
    assert rows == [(MADIAN, 3, "urban", 380_000.0, 800.0, "month", "header"),
                    (MADIAN, 4, "rural", 1_775_475.0, 600.0, "month", "header"),
                    (BAIMIAO, 3, "urban", 380_000.0, 9600.0, "year", "header"),
                    (BAIMIAO, 4, "rural", 1_775_475.0, 7200.0, "year", "header")]
    assert con.execute("SELECT count(*) FROM raw.findings WHERE code = 'unit_inferred'"
                       ).fetchone() == (0,)


def test_a_units_row_in_a_one_row_sheet_and_a_conflict_with_the_header(tmp_path):
    """表3 with 户次 | 人次 | 千元 | 元 under its header: 24 千元 is 24,000 元. 白庙's 表1 states 元
    in its header and 万元 in the row under it: which one? Refused, naming the row and column."""
    folder = raw_folder(tmp_path)
    temp = [["累计救助户次", "累计救助人次", "累计支出救助资金", "其中:实物折款"],
            ["户次", "人次", "千元", "元"], [12, 30, 24, 500]]
    write_xlsx(folder / "马店.xlsx", cover_rows(), {**canonical_sheets(), TEMP: temp})
    conflict = [DIBAO_HEAD[:7] + ["累计支出低保资金(元)", "保障标准"],
                [None, "户", "人", "户", "人", "户", "人", "万元", "元/人·月"],
                ["城市低保", 120, 210, 8, 12, 5, 7, 38, 800],
                ["农村低保", 529, 664, 50, 60, 43, 44, 177.5475, 600]]
    write_xlsx(folder / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO),
               {**canonical_sheets(), DIBAO: conflict})
    con, _ = run_ingest(tmp_path)
    assert con.execute("SELECT funds_ytd, in_kind_ytd FROM raw.temp_assist").fetchall() == [
        (24_000.0, 500.0)]
    refused = quarantine_rows(con)
    assert [r[1:5] for r in refused] == [("ambiguous_unit", DIBAO, 2, "累计支出低保资金(元)")]
    assert "万元" in refused[0][5] and "不一致" in refused[0][5]


@pytest.mark.parametrize("where", ["over the header", "under the header, dashes"])
def test_a_units_row_over_the_header_or_with_dashes(tmp_path, where):
    """计量单位 | 户 | … | 万元 right over the header (before: ignored, 38 read as 38 元), or under it
    with — under the label and 元 under 保障标准(元/人·月) (the rate's money): 38 万元 is 380,000 元."""
    units = ["计量单位", "户", "人", "户", "人", "户", "人", "万元", "元/人·月"]
    head = [*DIBAO_HEAD[:8], "保障标准(元/人·月)"]
    if where == "over the header":
        sheet = [units, head]
    else:
        sheet = [head, ["—", *units[1:8], "元"]]
    sheet += [["城市低保", 120, 210, 8, 12, 5, 7, 38, 800],
              ["农村低保", 529, 664, 50, 60, 43, 44, 177.5475, 600]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), DIBAO: sheet})
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT category, funds_ytd, standard, standard_period FROM raw.dibao "
                       "ORDER BY 1").fetchall() == [("rural", 1_775_475.0, 600.0, "month"),
                                                   ("urban", 380_000.0, 800.0, "month")]


def test_a_units_row_for_events_names_the_dates_format(tmp_path):
    """表5 with 年月日 | — | 人 | 人 | 亩 | 亩 | 户 | 间 | 间 | 间 | 万元 | 元 under its header:
    12.5 万元 of losses are 125,000 元; the row is no event."""
    sheets = canonical_sheets()
    head, event = sheets["表5 自然灾害"]
    head = [h.split("(")[0] for h in head]
    sheets["表5 自然灾害"] = [head, ["年月日", "—", "人", "人", "亩", "亩", "户", "间", "间", "间", "万元", "元"],
                          event]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    assert con.execute("SELECT source_row, direct_loss FROM raw.disaster_events").fetchall() == [
        (3, 125_000.0)]


@pytest.mark.parametrize(("row", "line", "reason", "words"), [
    ([None, "元", "人", "户", "人", "户", "人", "万元", "元/人·月"], None, "unit_mismatch",
     "期末保障户数:第2行注明的单位 元 与本列的单位 户 不符"),
    ([None, "户", "人", "户", "人", "户", "人", "万元", "元/人·月"], "金额单位:元", "ambiguous_unit",
     "累计支出低保资金:第1行的单位 元 与第3行注明的单位 万元 不一致"),
])
def test_a_units_row_that_cannot_be_read_is_refused(tmp_path, row, line, reason, words):
    """元 under 期末保障户数 (columns shifted by one?) is refused, not read as households; a units
    line stating 元 over a units row stating 万元 for the same column: which one? Refused."""
    sheet = [[line] if line else [None], DIBAO_HEAD[:8] + ["保障标准"], row,
             ["城市低保", 120, 210, 8, 12, 5, 7, 38, 800],
             ["农村低保", 529, 664, 50, 60, 43, 44, 177.5475, 600]]
    if not line:
        sheet = sheet[1:]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), {**canonical_sheets(), DIBAO: sheet})
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert [r[1] for r in refused] == [reason]
    assert words in refused[0][5]
