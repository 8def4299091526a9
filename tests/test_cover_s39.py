"""A cover label the reader does not know, written with a figure by it, on covers written cell by
cell here: a finding names the label, its row and cell and the figure, and the field the figure
was perhaps meant for is not said to be left empty (before: nothing on the label, and
``封面未填 户籍人口`` of a population the clerk had typed under a misspelt label)."""

from __future__ import annotations

from handmade import (
    canonical_sheets,
    cover_rows,
    findings,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

from civstat.ingest.cover import parse_cover


def _ingest(tmp_path, cover):
    write_xlsx(raw_folder(tmp_path) / "马店.xlsx", cover, canonical_sheets())
    con, result = run_ingest(tmp_path)
    assert not result.quarantined, quarantine_rows(con)
    return con


def _relabel(old: str, new: str):
    rows = cover_rows()
    for row in rows:
        if row[0] == old:
            row[0] = new
    return rows


def test_a_misspelt_population_label_is_named_not_told_unfilled(tmp_path):
    """户藉人口(人) | 32000 (藉 for 籍): the label and its figure are named; 户籍人口 is 未读到 with
    the label like it, never 封面未填."""
    con = _ingest(tmp_path, _relabel("户籍人口(人)", "户藉人口(人)"))
    got = [(code, row, column, zh) for code, _, row, column, zh, _ in findings(con)]
    assert got == [
        ("cover_unknown_label", 5, "户藉人口(人)",
         "封面第5行 「户藉人口(人)」 不是封面的栏目,其值 32000 未读取(单元格 B5)"),
        ("cover_missing", 5, "户籍人口",
         ("封面未读到 户籍人口:第5行 「户藉人口(人)」 与之相近,但不是封面的栏目,其值 32000 未读取"
         "(如即户籍人口,请按模板改写栏目名);相关覆盖率无法计算")),
    ]
    assert not any("封面未填" in f[4] for f in findings(con))
    assert con.execute("SELECT pop_total, pop_urban FROM raw.submissions").fetchall() == [
        (None, 8000)]


def test_an_extra_label_with_a_figure_is_a_finding_and_nothing_is_missing(tmp_path):
    """低保对象总数(人) | | 1234 below the population, and 特困人数:56 in one cell: each named with
    its row, cell and figure; every field is read, so no field is missing."""
    cover = cover_rows()
    cover.insert(7, ["低保对象总数(人)", None, "1234"])
    cover.append(["特困人数：56"])
    con = _ingest(tmp_path, cover)
    got = [(code, row, column, zh) for code, _, row, column, zh, _ in findings(con)]
    assert got == [
        ("cover_unknown_label", 8, "低保对象总数(人)",
         "封面第8行 「低保对象总数(人)」 不是封面的栏目,其值 1234 未读取(单元格 C8)"),
        ("cover_unknown_label", 14, "特困人数",
         "封面第14行 「特困人数」 不是封面的栏目,其值 56 未读取(单元格 A14)"),
    ]
    assert con.execute("SELECT pop_total, pop_urban, pop_rural FROM raw.submissions"
                       ).fetchall() == [(32000, 8000, 24000)]


def test_a_field_left_out_beside_an_unknown_label_is_said_to_have_no_label():
    """城镇人口's row labelled 低保对象总数(人) (nothing like 城镇人口): 城镇人口 has no label on the
    cover (没有…栏目, naming the label not read), not 封面未填."""
    _, found = parse_cover("封面", _relabel("其中:城镇人口(人)", "低保对象总数(人)"))
    assert [(f.code, f.row, f.column, f.zh) for f in found] == [
        ("cover_unknown_label", 6, "低保对象总数(人)",
         "封面第6行 「低保对象总数(人)」 不是封面的栏目,其值 8000 未读取(单元格 B6)"),
        ("cover_missing", None, "城镇人口",
         "封面没有 城镇人口 栏目(第6行 「低保对象总数(人)」不是封面的栏目,未读取):相关覆盖率无法计算"),
    ]


def test_a_label_left_blank_is_still_unfilled_and_text_is_no_figure():
    """A field's label with its value blank stays 封面未填; notes, titles and names beside an
    unknown label (备注 | 无, a title over the cover, 联系人 in a vertical layout) are no findings."""
    cover = cover_rows(urban=None)
    cover += [["备注", "无"], ["填表说明:本表人口为期末数"]]
    cover[0] = ["马店镇2024年第三季度民政统计季报 封面"]
    _, found = parse_cover("封面", cover)
    assert [(f.code, f.row, f.zh) for f in found] == [
        ("cover_missing", 6, "封面未填 城镇人口:相关覆盖率无法计算")]
    vertical = [["填报单位", "统计用区划代码", "报告期", "户籍人口(人)"],
                ["马店镇", "371599101000", "2024年第3季度", 32000],
                ["其中:城镇人口(人)", "其中:农村人口(人)", "填报人", "填报日期"],
                [8000, 24000, "张三", "2024年10月8日"]]
    cover, found = parse_cover("封面", vertical)
    assert cover["pop_total"] == 32000
    assert not [f for f in found if f.code == "cover_unknown_label"]
