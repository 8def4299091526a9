"""Figures as a clerk types them, and tables as a clerk lays them out, that loaded wrong figures
without a word or were refused for the wrong reason — returns written cell by cell here
(openpyxl, xlwt, csv), never by civstat's template or generator:

* ``380.000,00`` (a point for thousands, a comma for decimals) loaded as 380 元: the comma after
  the decimals is refused as a comma that is no thousands separator (as ``800,00`` is).
* An amount in 元 finer than the 分: ``177.5475`` under 累计支出低保资金(元) — a figure in 万元
  (1,775,475 元) — loaded as 177.55 元; ``380.000`` (380,000 with a point for thousands?) as
  380 元. Three or four decimals in a 元 column are refused (xlsx, xls and CSV alike); the same
  figure under (万元), or typed 177.5475万, still reads 1,775,475; a formula's long result
  (1775475.123456) is still rounded to the 分.
* A whole number typed ``664.000`` loaded as 664 (664, or 664,000?): refused; on the cover
  (户籍人口 32.000) the field is left empty with a finding naming its cell (it loaded 32 people).
* 城市低保户 / 农村低保户 and a 城乡合计 (or 全镇, 全乡, 全街道) row were refused as unknown
  categories: read.
* A 表1 laid out the other way round (项目 | 城市低保 | 农村低保 with the measures down the rows,
  or 城市低保 | 农村低保 merged over 户数 | 人数 | … with one row of figures) was refused as
  missing 期末保障人数, a column that is there: the refusal (categories_across) names the row
  the categories stand across.
* A sheet titled for another period (马店镇2024年1-6月最低生活保障统计表, 2023年第三季度 … over a
  third quarter's 表1: last quarter's workbook copied, its cover corrected) loaded its figures as
  the return's: refused (period_mismatch) naming the title's cell, as a cover's title and
  报告期 that disagree are; a title of the return's own period (1-9月, 第三季度, 7-9月) reads.
Figures are checked against values written by hand.
"""

from __future__ import annotations

import pytest
from handmade import (
    DIBAO,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_csv_group,
    write_xls,
    write_xlsx,
)

SHEET = "表1 最低生活保障"
FUNDS = "累计支出低保资金(元)"


def _write(tmp_path, sheets, fmt: str = "xlsx", cover=None) -> None:
    cover = cover or cover_rows()
    if fmt == "xlsx":
        write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover, sheets)
    elif fmt == "xls":
        write_xls(raw_folder(tmp_path) / "马店.xls", {"封面": cover, **sheets})
    else:
        write_csv_group(raw_folder(tmp_path), "马店", cover, sheets)


def _dibao(con) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        "SELECT category, households, persons, new_households, funds_ytd FROM raw.dibao").fetchall()}


def _return_with(cells: dict[tuple[int, int], object], sheet: str = SHEET) -> dict:
    sheets = canonical_sheets()
    for (r, c), value in cells.items():
        sheets[sheet][r][c] = value
    return sheets


def _refused(con, row: int, column: str, *words: str) -> None:
    refused = quarantine_rows(con)
    assert len(refused) == 1, refused
    _, code, sheet, at_row, at_column, message = refused[0]
    assert (code, sheet, at_row, at_column) == ("bad_value", SHEET, row, column)
    assert "\n" not in message and all(w in message for w in words), message
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_comma_after_the_decimals_is_refused(tmp_path, fmt):
    _write(tmp_path, _return_with({(1, 7): "380.000,00"}), fmt)
    con, _ = run_ingest(tmp_path)
    _refused(con, 2, FUNDS, "380.000,00", "千分位")


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_an_amount_in_wan_under_a_yuan_header_is_refused(tmp_path, fmt):
    # the rural funds, 1,775,475 元, typed in 万元 under a header in 元
    _write(tmp_path, _return_with({(2, 7): 177.5475}), fmt)
    con, _ = run_ingest(tmp_path)
    _refused(con, 3, FUNDS, "177.5475", "4位小数", "万元")


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_point_for_thousands_in_yuan_is_refused(tmp_path, fmt):
    _write(tmp_path, _return_with({(1, 7): "380.000"}), fmt)
    con, _ = run_ingest(tmp_path)
    _refused(con, 2, FUNDS, "380.000", "3位小数")


def test_figures_in_wan_and_long_results_still_read(tmp_path):
    sheets = canonical_sheets()
    sheets[SHEET][0][7] = "累计支出低保资金(万元)"
    sheets[SHEET][1][7] = 38
    sheets[SHEET][2][7] = "177.5475"              # in the header's 万元
    sheets["表3 临时救助"][1][2] = "3.68万"        # 36,800 元, the cell's own unit
    sheets["表4 医疗救助"][1][3] = 384560.634921   # a formula's result: rounded to the 分
    _write(tmp_path, sheets)
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert _dibao(con) == {"urban": (120, 210, 8, 380_000.0), "rural": (529, 664, 50, 1_775_475.0)}
    assert con.execute("SELECT funds_ytd FROM raw.temp_assist").fetchone()[0] == 36_800.0
    assert con.execute("SELECT direct_funds_ytd FROM raw.med_assist").fetchone()[0] == 384_560.63


def test_a_whole_number_with_a_point_for_thousands_is_refused(tmp_path):
    _write(tmp_path, _return_with({(2, 2): "664.000"}))
    con, _ = run_ingest(tmp_path)
    _refused(con, 3, "期末保障人数", "664.000", "664000")


def test_whole_numbers_with_zero_decimals_read(tmp_path):
    _write(tmp_path, _return_with({(1, 2): "210.0", (1, 3): "0.000", (2, 1): "529.00"}))
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert _dibao(con) == {"urban": (120, 210, 0, 380_000.0), "rural": (529, 664, 50, 1_775_475.0)}


def test_a_cover_population_with_a_point_for_thousands_is_left_empty(tmp_path):
    cover = cover_rows(urban="8.000")
    for row in cover:
        if row[0] == "户籍人口(人)":
            row[1] = "3.2万"  # 32,000: a magnitude stated, no doubt
    _write(tmp_path, canonical_sheets(), cover=cover)
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert con.execute("SELECT pop_total, pop_urban, pop_rural FROM raw.submissions").fetchone() == (
        32_000, None, 24_000)
    found = con.execute('SELECT code, "row", "column", message_zh, message_en FROM raw.findings '
                        "WHERE sheet = '封面' AND code = 'cover_unreadable'").fetchall()
    assert len(found) == 1
    _, row, column, zh, en = found[0]
    assert (row, column) == (6, "城镇人口")
    assert "'8.000'" in zh and "8000" in zh and "B6" in zh and "\n" not in zh and en


@pytest.mark.parametrize("label", ["城乡合计", "全镇", "全乡:", "全街道"])
def test_households_labels_and_urban_rural_total_read(tmp_path, label):
    """城市低保户 / 农村低保户, and a 合计 row labelled as clerks do (城乡合计, or the township's
    whole: 全镇, 全乡, 全街道)."""
    total = [label, *[u + r for u, r in zip(DIBAO["urban"], DIBAO["rural"], strict=True)]]
    sheets = _return_with({(1, 0): "城市低保户", (2, 0): "农村低保户"})
    sheets[SHEET].append(total)
    _write(tmp_path, sheets)
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert _dibao(con) == {"urban": (120, 210, 8, 380_000.0), "rural": (529, 664, 50, 1_775_475.0),
                           "total": (649, 874, 58, 2_155_475.0)}
    assert con.execute("SELECT is_total FROM raw.dibao WHERE category = 'total'").fetchone() == (True,)


HEADERS = ["期末保障户数", "期末保障人数", "本年新增户数", "本年新增人数", "本年退出户数", "本年退出人数",
           FUNDS, "保障标准(元/人·月)"]


def _transposed() -> list[list]:
    return [["项目", "城市低保", "农村低保"],
            *[[h, u, r] for h, u, r in zip(HEADERS, DIBAO["urban"], DIBAO["rural"], strict=True)]]


def _grouped() -> list[list]:
    short = ["户数", "人数", "新增户数", "新增人数", "退出户数", "退出人数", "资金(元)", "标准(元/人·月)"]
    return [["单位", "城市低保", *[None] * 7, "农村低保", *[None] * 7], [None, *short, *short],
            ["马店镇", *DIBAO["urban"], *DIBAO["rural"]]]


@pytest.mark.parametrize(("layout", "row"), [(_transposed, 1), (_grouped, 1)])
def test_categories_across_a_row_are_refused_for_what_they_are(tmp_path, layout, row):
    sheets = canonical_sheets()
    sheets[SHEET] = [["马店镇2024年1-9月最低生活保障统计表"], *layout()]
    _write(tmp_path, sheets)
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert len(refused) == 1
    _, code, sheet, at_row, column, message = refused[0]
    assert (code, sheet, at_row, column) == ("categories_across", SHEET, row + 1, "城市低保")
    assert "城市低保、农村低保" in message and "每个类别一行" in message and "\n" not in message
    assert "缺少必填列" not in message
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


@pytest.mark.parametrize(("title", "merged"), [
    ("马店镇2024年1-6月最低生活保障统计表", True), ("2023年第三季度城乡低保情况", False),
    # the name before the year is skipped unread: traditional characters, a numeral in the
    # name (三河镇), a full-width year, none of them hides the title's period
    ("馬店鎮２０２４年１-６月最低生活保障統計表", True), ("三河镇二〇二四年上半年低保统计表", False),
    ("马店镇 民政办2024年6月低保统计", False)])
def test_a_sheet_titled_for_another_period_is_refused(tmp_path, title, merged):
    sheets = canonical_sheets()
    sheets[SHEET] = [[title], ["单位:户、人、元"], *sheets[SHEET]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets,
               merges={SHEET: ["A1:I1"]} if merged else None)
    con, _ = run_ingest(tmp_path)
    refused = quarantine_rows(con)
    assert len(refused) == 1
    _, code, sheet, row, column, message = refused[0]
    assert (code, sheet, row, column) == ("period_mismatch", SHEET, 1, "标题")
    assert title in message and "A1" in message and "2024年1-9月" in message and "\n" not in message
    assert con.execute("SELECT count(*) FROM raw.dibao").fetchone()[0] == 0


@pytest.mark.parametrize("title", ["马店镇2024年1-9月最低生活保障统计表", "2024年第三季度城乡低保情况",
                                   "2024年7-9月低保统计表", "马店镇2024年度民政统计季报(表1)"])
def test_a_sheet_titled_for_the_returns_period_reads(tmp_path, title):
    sheets = canonical_sheets()
    sheets[SHEET] = [[title], *sheets[SHEET]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets, merges={SHEET: ["A1:I1"]})
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == []
    assert _dibao(con) == {"urban": (120, 210, 8, 380_000.0), "rural": (529, 664, 50, 1_775_475.0)}
