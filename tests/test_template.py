"""The blank template and the return writer, checked on real files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import fastexcel
import openpyxl
import pytest
from click.testing import CliRunner

from civstat.contract import load_contract
from civstat.template import CLEAN, template_command, to_traditional, write_return, write_template

CONTRACT = load_contract()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "模板.xlsx"
    result = CliRunner().invoke(template_command, ["--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_template_has_every_sheet(template):
    names = fastexcel.read_excel(template).sheet_names
    assert names[0] == CONTRACT.cover_sheet
    assert [s.sheet for s in CONTRACT.sheets] == names[1:-1]
    assert names[-1] == "填表说明"


def test_template_headers_units_and_rows(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["表1 最低生活保障"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][0] == "单位:户、人、元"
    flat = [v for row in values for v in row if v]
    assert "累计支出低保资金(元)" in flat and "保障标准(元/人·月)" in flat
    assert [row[0] for row in values[4:7]] == ["城市低保", "农村低保", "合计"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B3:C3" in merged and "A3:A4" in merged  # 期末保障 over 户数|人数; 类别 spans both rows
    assert values[2][1] == "期末保障" and values[3][1] == "户数(户)"
    disaster = [v for row in wb["表5 自然灾害"].iter_rows(values_only=True) for v in row if v]
    assert "直接经济损失(万元)" in disaster and "农作物受灾面积(亩)" in disaster
    cover = [row[0] for row in wb["封面"].iter_rows(values_only=True)]
    assert [f.header for f in CONTRACT.cover_fields][:3] == cover[1:4]


def test_template_dropdowns_and_protection(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["表5 自然灾害"]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any("暴雨洪涝" in f for f in lists)
    assert ws.protection.sheet
    assert ws.cell(row=5, column=1).protection.locked is False  # first input row
    assert ws.cell(row=3, column=1).protection.locked is True  # header
    t1 = wb["表1 最低生活保障"]
    assert t1.cell(row=5, column=1).protection.locked is True  # pre-filled category label
    assert t1.cell(row=5, column=2).protection.locked is False


def test_template_is_deterministic(tmp_path):
    a, b = write_template(tmp_path / "a.xlsx"), write_template(tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()


def test_traditional_mapping_round_trips():
    """OpenCC s2t (the writer) and t2s (the reader's norm) round-trip every contract text."""
    from civstat.ingest.normalize import to_simplified

    texts = [c.header for s in CONTRACT.sheets for c in s.columns] + [
        s.sheet for s in CONTRACT.sheets
    ]
    texts += [f.header for f in CONTRACT.cover_fields]
    for text in texts:
        trad = to_traditional(text)
        assert to_simplified(trad) == text
    assert to_traditional("期末保障户数") == "期末保障戶數"
    assert to_simplified("馬店鎮") == "马店镇"


COVER = {
    "unit_name": "长桥街道",
    "division_code": "371599002000",
    "period_text": "2024年第3季度",
    "pop_total": 30000,
    "pop_urban": 25000,
    "pop_rural": 5000,
    "pop_60plus": 6000,
    "filled_by": "张三",
    "reviewed_by": "李四",
    "phone": "0635-1234567",
    "fill_date": "2024-10-08",
}
DATA = {
    "dibao": [
        {
            "category": "urban",
            "households": 120,
            "persons": 200,
            "new_households": 10,
            "new_persons": 15,
            "exited_households": 0,
            "exited_persons": 0,
            "funds_ytd": 1775475.0,
            "standard": 820,
        },
        {
            "category": "rural",
            "households": 30,
            "persons": 55,
            "new_households": 2,
            "new_persons": 4,
            "exited_households": 1,
            "exited_persons": 2,
            "funds_ytd": 300000.0,
            "standard": 665,
        },
    ],
    "disaster": [
        {
            "event_date": "2024-07-12",
            "hazard_type": "暴雨洪涝",
            "affected_persons": 300,
            "crop_area_mu": 1500.0,
            "crop_failed_mu": 150.0,
            "direct_loss": 1234500.0,
        }
    ],
}


def _rows(path: Path, sheet: str) -> list[list]:
    df = fastexcel.read_excel(path).load_sheet(sheet, header_row=None).to_polars()
    return [list(r) for r in df.iter_rows()]


def _body(rows: list[list], first_header: str) -> tuple[list, dict]:
    """(header cells joined over a possible two-row header, label → data row)."""
    h = next(i for i, r in enumerate(rows) if r[0] == first_header)
    two = h + 1 < len(rows) and rows[h + 1][0] is None and any(rows[h + 1])
    header = list(rows[h])
    if two:
        group = None
        for j, (up, low) in enumerate(zip(rows[h], rows[h + 1])):
            group = up if up is not None else group
            header[j] = f"{group}{low}" if low else up
    start = h + (2 if two else 1)
    return header, {r[0]: r for r in rows[start:] if r[0]}


def test_write_return_values_and_units(tmp_path):
    path = write_return(tmp_path / "r.xlsx", COVER, DATA)[0]
    header, body = _body(_rows(path, "表1 最低生活保障"), "类别")
    assert float(body["城市低保"][header.index("累计支出低保资金(元)")]) == 1775475
    assert float(body["农村低保"][header.index("期末保障人数(人)")]) == 55
    header, body = _body(_rows(path, "表5 自然灾害"), "灾害发生日期")
    ev = next(iter(body.values()))
    assert float(ev[header.index("直接经济损失(万元)")]) == pytest.approx(
        123.45
    )  # the form's own unit

    styled = replace(CLEAN, money_unit="万元", area_unit="公顷", total_row="合计")
    path = write_return(tmp_path / "m.xlsx", COVER, DATA, styled)[0]
    header, body = _body(_rows(path, "表1 最低生活保障"), "类别")
    funds = header.index("累计支出低保资金(万元)")
    assert float(body["城市低保"][funds]) * 10000 == pytest.approx(1775475)
    assert float(body["合计"][funds]) * 10000 == pytest.approx(2075475)
    assert float(body["合计"][header.index("期末保障人数(人)")]) == 255
    header, body = _body(_rows(path, "表5 自然灾害"), "灾害发生日期")
    ev = next(v for k, v in body.items() if k != "合计")
    assert float(ev[header.index("农作物受灾面积(公顷)")]) * 15 == pytest.approx(1500)


def test_write_return_text_numbers_and_cover(tmp_path):
    cover = dict(COVER, _short_name="长桥", _year=2024, _quarter=3)
    style = replace(
        CLEAN,
        number_text="thousands",
        zero_text="—",
        short_name=True,
        code_digits=9,
        period_style="months",
        footer=True,
        omit_optional=True,
        title=False,
        two_row_header=False,
    )
    path = write_return(tmp_path / "t.xlsx", cover, DATA, style)[0]
    assert "表8 其他社会福利" not in fastexcel.read_excel(path).sheet_names
    got = {r[0]: r[1] for r in _rows(path, "封面")}
    assert (
        got["填报单位"] == "长桥"
        and got["统计用区划代码"] == "371599002"
        and got["报告期"] == "2024年1-9月"
    )
    header, body = _body(_rows(path, "表1 最低生活保障"), "类别")
    assert body["城市低保"][header.index("累计支出低保资金(元)")] == "1,775,475"
    assert body["城市低保"][header.index("本年退出人数(人)")] == "—"
    assert any(str(k).startswith("填表人:") for k in body)


def test_write_return_xls_and_csv(tmp_path):
    xls = write_return(tmp_path / "r.xls", COVER, DATA, fmt="xls")[0]
    assert {s.sheet for s in CONTRACT.sheets} <= set(fastexcel.read_excel(xls).sheet_names)
    flat = [v for r in _rows(xls, "表1 最低生活保障") for v in r]
    assert "期末保障" in flat and "城市低保" in flat
    files = write_return(tmp_path / "c.xlsx", COVER, DATA, fmt="csv", encoding="gbk")
    assert {p.name for p in files} >= {"c__封面.csv", "c__表1 最低生活保障.csv"}
    raw = (tmp_path / "c__表1 最低生活保障.csv").read_bytes()
    assert "城市低保" in raw.decode("gbk") and "保障标准(元/人·月)" in raw.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_write_return_is_byte_identical(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_return(tmp_path / "a" / "r.xlsx", COVER, DATA)[0]
    b = write_return(tmp_path / "b" / "r.xlsx", COVER, DATA)[0]
    assert a.read_bytes() == b.read_bytes()
