"""The words real returns use (the year-end summaries in ``../shared/seeds/``: 清减, 五保金,
优抚金, 尊老金, 低保生活补助款, 义务兵家属优待金 …), traditional characters through OpenCC, and
returns not written by our template (cell by cell with openpyxl, one CSV group) — all load into
the right columns."""

from __future__ import annotations

import opencc
import pytest
from handmade import (
    BAIMIAO,
    CHENGGUAN,
    DIBAO,
    DIBAO_COLUMNS,
    MADIAN,
    MED,
    MED_COLUMNS,
    TEKUN,
    TEKUN_COLUMNS,
    TEMP,
    TEMP_COLUMNS,
    WELFARE,
    WELFARE_COLUMNS,
    YOUFU,
    YOUFU_COLUMNS,
    canonical_sheets,
    cover_rows,
    raw_folder,
    run_ingest,
    write_csv_group,
    write_xlsx,
)

from civstat.contract import load_contract
from civstat.ingest.normalize import header_key, norm, sheet_key

CONTRACT = load_contract()


# -- the contract checks itself ------------------------------------------------------------------
def _column_names(col) -> list[str]:
    names = [col.header, *col.synonyms]
    return names + [col.group + col.short] if col.group and col.short else names


@pytest.mark.parametrize("family", [s.family for s in CONTRACT.sheets])
def test_every_synonym_names_one_column_of_its_sheet(family):
    sheet = CONTRACT.sheet(family)
    owner: dict[str, str] = {}
    clashes = []
    for col in sheet.columns:
        for name in _column_names(col):
            key = header_key(name)[0]
            if owner.setdefault(key, col.name) != col.name:
                clashes.append((name, owner[key], col.name))
    if sheet.label:
        clashes += [(n, "label", owner[k]) for n in (sheet.label.header, *sheet.label.synonyms)
                    if (k := header_key(n)[0]) in owner]
    categories: dict[str, str] = {}
    for cat in sheet.categories:
        for name in (cat.label, *cat.synonyms):
            if categories.setdefault(norm(name), cat.code) != cat.code:
                clashes.append((name, categories[norm(name)], cat.code))
    assert clashes == []


def test_cover_labels_and_sheet_names_are_unambiguous():
    owner: dict[str, str] = {}
    for f in CONTRACT.cover_fields:
        for name in (f.header, *f.synonyms):
            assert owner.setdefault(header_key(name)[0], f.name) == f.name, name
    sheets: dict[str, str] = {}
    named = [("cover", [CONTRACT.cover_sheet, *CONTRACT.cover_sheet_synonyms])]
    named += [(s.family, [s.sheet, *s.sheet_synonyms]) for s in CONTRACT.sheets]
    for family, names in named:
        for name in names:
            assert sheet_key(name), name
            assert sheets.setdefault(sheet_key(name), family) == family, name


def test_traditional_characters_go_through_opencc():
    for trad, simp in [("馬店鎮", "马店镇"), ("屬", "属"), ("雙河鎮", "双河镇"), ("楊莊鎮", "杨庄镇"),
                       ("紅樓", "红楼"), ("白廟鄉", "白庙乡"), ("期末保障戶數", "期末保障户数")]:
        assert norm(trad) == simp


# -- seed vocabulary into the right columns -------------------------------------------------------
def seed_sheets(two_row: bool = False) -> tuple[dict[str, list[list]], dict[str, list[str]]]:
    """The seven required sheets and 表8, headed in the words of the seeds."""
    if two_row:
        dibao = [["项目", "保留低保", None, "新增", None, "本年清减", None, "低保生活补助款(元)",
                  "低保标准(元/人·月)"],
                 [None, "户数", "人数", "户数", "人数", "户数", "人数", None, None]]
        merges = {"城乡低保": ["B1:C1", "D1:E1", "F1:G1", "A1:A2", "H1:H2", "I1:I2"]}
    else:
        dibao = [["项目", "保留户数", "保留人数", "新增低保户数", "新增低保人数", "清减户数", "清减人数",
                  "累计发放低保生活补助款(元)", "低保标准(元/人·月)"]]
        merges = {}
    welfare = [["享受尊老金人数", "尊老金(元)", "困难生活补贴", None, "重度护理补贴", None,
                "两项补贴资金(元)", "孤儿人数", None, "孤儿养育金(元)"],
               [None, None, "符合条件人数", "实际领取人数", "符合条件人数", "实际领取人数", None,
                "集中养育", "散居", None],
               WELFARE]
    merges["社会福利"] = ["C1:D1", "E1:F1", "H1:I1"]
    sheets = {
        "城乡低保": [["马店镇2024年第三季度城乡低保情况"], ["单位:户、人、元"], *dibao,
                 ["城镇低保", *DIBAO["urban"]], ["农村低保", *DIBAO["rural"]],
                 ["合计", *(a + b for a, b in zip(DIBAO["urban"], DIBAO["rural"], strict=True))],
                 ["填表人:张三"]],
        "五保供养": [["类别", "五保人数", "其中:集中供养五保", "其中:分散供养五保", "新增五保人数",
                  "五保金(元)", "五保集中供养标准(元/人·年)", "五保分散供养标准(元/人·年)"],
                 ["城市三无人员", *TEKUN["urban"]], ["农村五保", *TEKUN["rural"]]],
        "临时救助情况": [["临时救助户数", "临时救助人数", "救助金(元)", "其中:物资折款(元)"], TEMP],
        "医疗救助": [["资助参合人数", "资助参合资金(元)", "医疗救助人次", "医疗救助资金(元)"], MED],
        **{k: v for k, v in canonical_sheets().items() if k in ("表5 自然灾害", "表6 养老服务机构")},
        "优抚安置": [["重点优抚对象", "优抚金(元)", "义务兵家属户数", "义务兵家属优待金(元)",
                  "接收退役士兵数", "其中:安置工作", "其中:自谋职业", "其中:参加培训人数", "慰问金(元)"],
                 YOUFU],
        "社会福利": welfare,
    }
    return sheets, merges


def _figures(con, table: str, columns: list[str], where: str = "") -> list:
    sql = f"SELECT {', '.join(columns)} FROM raw.{table} {where}"
    return [list(r) for r in con.execute(sql).fetchall()]


def _assert_dibao(con) -> None:
    """Every 表1 figure; 保障标准 only as read (its unit rules are the sheet typing's)."""
    got = {c: v for c, *v in con.execute(
        f"SELECT category, {', '.join(DIBAO_COLUMNS)} FROM raw.dibao WHERE NOT is_total").fetchall()}
    assert {c: v[:-1] for c, v in got.items()} == {c: v[:-1] for c, v in DIBAO.items()}
    assert all(v[-1] for v in got.values())


def _assert_seed_figures(con) -> None:
    _assert_dibao(con)
    got = {c: v for c, *v in con.execute(
        f"SELECT category, {', '.join(TEKUN_COLUMNS)} FROM raw.tekun WHERE NOT is_total").fetchall()}
    assert got == TEKUN
    assert _figures(con, "temp_assist", TEMP_COLUMNS) == [TEMP]
    assert _figures(con, "med_assist", MED_COLUMNS) == [MED]
    assert _figures(con, "youfu", YOUFU_COLUMNS) == [YOUFU]
    assert _figures(con, "welfare", WELFARE_COLUMNS) == [WELFARE]


@pytest.mark.parametrize("two_row", [False, True], ids=["one_row_header", "two_row_merged_header"])
def test_seed_vocabulary_loads_into_the_right_columns(tmp_path, two_row):
    sheets, merges = seed_sheets(two_row)
    write_xlsx(raw_folder(tmp_path) / "马店镇三季度.xlsx", cover_rows(), sheets, merges=merges)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    _assert_seed_figures(con)
    assert con.execute("SELECT persons FROM raw.dibao WHERE is_total").fetchone() == (874,)


def test_seed_vocabulary_in_a_gbk_csv_group(tmp_path):
    sheets, _ = seed_sheets()
    cover = [["填报单位:马店镇"], [f"统计用区划代码:{MADIAN}"], ["报告期:2024年1-9月"],
             ["户籍人口(人)", "32000"], ["其中:城镇人口(人)", "8,000"], ["其中:农村人口(人)", "24000人"],
             ["填报日期", "2024/10/8"]]
    write_csv_group(raw_folder(tmp_path), "马店镇", cover, sheets, encoding="gbk")
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert con.execute("SELECT file_format, pop_urban, pop_rural FROM raw.submissions").fetchone() == (
        "csv", 8000, 24000)
    _assert_seed_figures(con)


def test_traditional_workbook_with_no_code_resolves_the_township(tmp_path):
    """`馬店鎮` with no code was refused as unknown under the hand-made map; OpenCC reads it."""
    s2t = opencc.OpenCC("s2t").convert

    def trad(rows: list[list]) -> list[list]:
        return [[s2t(c) if isinstance(c, str) else c for c in row] for row in rows]

    cover = trad(cover_rows(unit="马店镇", code=None))
    assert cover[1][1] == "馬店鎮" and cover[4][0] == "其中:城鎮人口(人)"
    sheets = {s2t(name): trad(rows) for name, rows in canonical_sheets().items()}
    write_xlsx(raw_folder(tmp_path) / "馬店鎮.xlsx", cover, sheets, cover_name=s2t("封面"))
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert con.execute("SELECT division_code, unit_name, pop_urban FROM raw.submissions").fetchone() == (
        MADIAN, "馬店鎮", 8000)
    _assert_dibao(con)


def test_sheets_named_only_by_number_are_told_apart(tmp_path):
    """表1 … 表7 (no title) are seven sheets, not seven copies of 表1."""
    sheets = {name.split(" ")[0]: rows for name, rows in canonical_sheets().items()}
    sheets["表二"] = sheets.pop("表2")
    write_xlsx(raw_folder(tmp_path) / "编号.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert _figures(con, "youfu", YOUFU_COLUMNS) == [YOUFU]
    assert con.execute("SELECT count(*) FROM raw.tekun").fetchone() == (2,)


def test_a_column_the_form_has_not_is_a_finding(tmp_path):
    """马店 adds 其中:残疾人 to 表1 and 其中:残疾人救助人次 to 表3, 白庙 adds 其中:老年人 where 马店 has
    其中:残疾人 and 城关 a 备注 (the same layout otherwise: each is named by its own words, and
    城关's note, read first, is no finding and hides none). The form's columns
    load as ever and each added column holding figures is a finding naming sheet, header row and
    column (before, its figures went without a word). A 序号 column, a 上年同期 column and an
    empty added column (备注) are no finding."""
    sheets = canonical_sheets()
    sheets["表1 最低生活保障"] = [[*row, extra] for row, extra in
                              zip(sheets["表1 最低生活保障"], ["其中:残疾人", 5, 9], strict=True)]
    temp = sheets["表3 临时救助"]
    sheets["表3 临时救助"] = [["序号", *temp[0], "其中:残疾人救助人次", "上年同期救助人次", "备注"],
                          [1, *temp[1], 4, 80, None]]
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover_rows(), sheets)
    other = canonical_sheets()
    other["表1 最低生活保障"] = [[*row, extra] for row, extra in
                             zip(other["表1 最低生活保障"], ["其中:老年人", 3, 4], strict=True)]
    write_xlsx(raw_folder(tmp_path) / "白庙.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), other)
    noted = canonical_sheets()  # 城关 (read first): a 备注 column where the others add theirs
    noted["表1 最低生活保障"] = [[*row, extra] for row, extra in
                             zip(noted["表1 最低生活保障"], ["备注", 3, None], strict=True)]
    write_xlsx(raw_folder(tmp_path) / "城关.xlsx", cover_rows(unit="城关街道", code=CHENGGUAN), noted)
    con, result = run_ingest(tmp_path)
    assert not result.quarantined
    assert con.execute("SELECT DISTINCT category, households, persons FROM raw.dibao ORDER BY 1"
                       ).fetchall() == [("rural", DIBAO["rural"][0], DIBAO["rural"][1]),
                                        ("urban", DIBAO["urban"][0], DIBAO["urban"][1])]
    assert con.execute("SELECT DISTINCT person_times_ytd FROM raw.temp_assist").fetchall() == [
        (TEMP[1],)]
    assert con.execute('SELECT s.division_code, sheet, "row", "column", message_zh FROM raw.findings '
                       "JOIN raw.submissions s USING (submission_id) WHERE code = 'unread_column' "
                       "ORDER BY 1, 2").fetchall() == [
        (MADIAN, "表1 最低生活保障", 1, "其中:残疾人", "其中:残疾人 不是报表制度中本表的指标,该列的数未读取"),
        (MADIAN, "表3 临时救助", 1, "其中:残疾人救助人次", "其中:残疾人救助人次 不是报表制度中本表的指标,该列的数未读取"),
        (BAIMIAO, "表1 最低生活保障", 1, "其中:老年人", "其中:老年人 不是报表制度中本表的指标,该列的数未读取")]


@pytest.mark.parametrize("units", [["户", "人", "间"], ["(户)", "(人)", "(间)"]], ids=["bare", "bracketed"])
def test_a_group_over_its_units_names_the_count(tmp_path, units):
    """期末保障 | 本年新增 | 本年退出 each merged over 户 | 人 (the ministry's form writes the count
    as a unit under its group), 倒塌房屋 over 户 | 间: 期末保障户数, 期末保障人数 … 倒塌房屋户数,
    倒塌房屋间数. Before, refused as missing 期末保障户数 (a good return)."""
    sheets = canonical_sheets()
    head = sheets["表1 最低生活保障"][0]
    sheets["表1 最低生活保障"][:1] = [
        ["类别", "期末保障", None, "本年新增", None, "本年退出", None, *head[7:]],
        [None, *units[:2] * 3, None, None]]
    event = sheets["表5 自然灾害"]
    event[:1] = [[*event[0][:6], "倒塌房屋", None, *event[0][8:]],
                 [None] * 6 + [units[0], units[2]] + [None] * 4]
    merges = {"表1 最低生活保障": ["A1:A2", "B1:C1", "D1:E1", "F1:G1", "H1:H2", "I1:I2"],
              "表5 自然灾害": ["G1:H1"]}
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets, merges=merges)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert {c: list(rest) for c, *rest in con.execute(
        f"SELECT category, {', '.join(DIBAO_COLUMNS)} FROM raw.dibao").fetchall()} == DIBAO
    assert con.execute("SELECT collapsed_households, collapsed_rooms FROM raw.disaster_events"
                       ).fetchall() == [(12, 30)]


@pytest.mark.parametrize("numbers", [("一、", "二、"), ("(一)", "(二)"), ("（1）", "（2）"), ("1.", "2."),
                                     ("①", "②")])
def test_a_category_numbered_by_the_clerk_is_its_category(tmp_path, numbers):
    """一、城市低保 | 二、农村低保 (and (一), （1）, 1., ①): before, refused unknown_category (a good
    return); the number before the label is taken off, and the figures load in their rows."""
    sheets = canonical_sheets()
    for sheet in ("表1 最低生活保障", "表2 特困人员救助供养"):
        for row, number in zip(sheets[sheet][1:3], numbers, strict=True):
            row[0] = number + row[0]
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert {c: list(rest) for c, *rest in con.execute(
        f"SELECT category, {', '.join(DIBAO_COLUMNS)} FROM raw.dibao").fetchall()} == DIBAO
    assert {c: list(rest) for c, *rest in con.execute(
        f"SELECT category, {', '.join(TEKUN_COLUMNS)} FROM raw.tekun").fetchall()} == TEKUN


def test_a_qizhong_row_under_a_category_is_left_out_with_a_finding(tmp_path):
    """马店 put ``其中:残疾人`` under 城市低保 in 表1 and 表2 (a part of the row above, no category
    of the form): before, refused unknown_category (a good return); now left out, a finding
    naming it, and the categories load as written. 白庙 wrote its categories as 其中 rows under
    a 合计 row (合计 | 其中:城市低保 | 其中:农村低保): each is its category."""
    folder = raw_folder(tmp_path)
    sheets = canonical_sheets()
    sheets["表1 最低生活保障"].insert(2, ["其中:残疾人", 10, 15, 1, 1, 0, 0, 20_000, 800])
    sheets["表2 特困人员救助供养"].insert(2, ["  其中：残疾人", 1, 1, 0, 0, 5_000, 14_000, 9_000])
    write_xlsx(folder / "马店镇.xlsx", cover_rows(), sheets)
    sheets = canonical_sheets()
    dibao = sheets["表1 最低生活保障"]
    dibao[1][0], dibao[2][0] = "其中:城市低保", "其中：农村低保"
    dibao.insert(1, ["合计", *(u + r for u, r in zip(DIBAO["urban"][:7], DIBAO["rural"][:7])), None])
    write_xlsx(folder / "白庙乡.xlsx", cover_rows(unit="白庙乡", code=BAIMIAO), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    for town in ("马店镇", "白庙乡"):
        assert {c: list(rest) for c, *rest in con.execute(
            f"SELECT category, {', '.join(DIBAO_COLUMNS)} FROM raw.dibao JOIN raw.submissions "
            "USING (submission_id) WHERE unit_name = ? AND NOT is_total", [town]).fetchall()} == DIBAO
    assert {c: list(rest) for c, *rest in con.execute(
        f"SELECT category, {', '.join(TEKUN_COLUMNS)} FROM raw.tekun JOIN raw.submissions "
        "USING (submission_id) WHERE unit_name = '马店镇'").fetchall()} == TEKUN
    assert con.execute("SELECT sheet, row, message_zh FROM raw.findings WHERE code = 'part_row' "
                       "ORDER BY sheet").fetchall() == [
        ("表1 最低生活保障", 3, "第3行 其中:残疾人 是上一行的其中数,不是报表中的类别,未读取"),
        ("表2 特困人员救助供养", 3, "第3行 其中：残疾人 是上一行的其中数,不是报表中的类别,未读取")]


@pytest.mark.parametrize("header", ["累计支出低保资金【万元】", "累计支出低保资金[万元]", "累计支出低保资金〔万元〕"])
def test_a_unit_in_other_brackets_is_the_headers_unit(tmp_path, header):
    """【万元】, [万元], 〔万元〕 after a header state its unit as (万元) does: 38 and 177.5475 are
    380,000 and 1,775,475 元. Before, refused as missing 累计支出低保资金 (the column was there)."""
    sheets = canonical_sheets()
    dibao = sheets["表1 最低生活保障"]
    dibao[0][7], dibao[1][7], dibao[2][7] = header, 38, 177.5475
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), sheets)
    con, result = run_ingest(tmp_path)
    assert result.ok, [q.line for q in result.quarantined]
    assert con.execute("SELECT category, funds_ytd FROM raw.dibao ORDER BY 1").fetchall() == [
        ("rural", 1_775_475.0), ("urban", 380_000.0)]
