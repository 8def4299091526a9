"""The document as a bureau sends it: 一、主要工作完成情况, 二、存在的问题和不足, 三、…工作打算,
附件, 落款 — and the narrative file the bureau edits (placeholders resolved to the warehouse's
figure, an unknown one refused naming file and line, exit 2 from the CLI; no file: the document
says where the parts go). The warehouse is test_report_catalogue's hand-built one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_report_catalogue import FIXTURE, YEAR, _report, build_warehouse, catalogue

from civstat.contract import load_contract
from civstat.report.narrative import NarrativeError


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The catalogue of 冬春生活救助 alone and its warehouse of three townships."""
    tmp = tmp_path_factory.mktemp("narrative")
    return load_contract(catalogue(tmp, FIXTURE)), build_warehouse(tmp / "civstat.duckdb")


NARRATIVE = """---
落款日期: 2025年1月15日
---
# 前言

{year}年，全县冬春救助困难群众{{{{ 救助困难群众(本年累计) }}}}，{{{{ aided_ytd.比上年 }}}}。

# 主要工作完成情况

## 冬春生活救助

- 开展“寒冬送温暖”专项行动，每救助人次发放棉衣被{{{{ 每救助人次发放棉衣被 }}}}。

# 存在的问题和不足

一是经办力量不足，
每名经办人员救助{{{{ aided_per_caseworker }}}}。

<!-- 二是…… -->

# {next_year}年工作打算

（一）提高冬春救助精准度。
"""


def _write(tmp_path, text: str, name: str = f"{YEAR}_测试县.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_without_narrative_the_document_says_where_the_parts_go(county, tmp_path):
    contract, wh = county
    report = _report(contract, wh, narrative_dir=str(tmp_path))
    assert [p.title for p in report.parts] == [
        "一、主要工作完成情况",
        "二、存在的问题和不足",
        f"三、{YEAR + 1}年工作打算",
        "附件",
    ]
    assert [s.title for s in report.part("work").sections] == ["（一）冬春生活救助"]
    assert [s.title for s in report.part("annex").sections] == [
        "附件1　主要统计表",
        "附件2　目标完成情况",
        "附件3　数据说明",
    ]
    problems = report.part("problems")
    assert problems.placeholder
    (text,) = problems.paragraphs
    assert f"{YEAR}_测试县.md" in text and "“# 存在的问题和不足”" in text
    assert report.part("plans").placeholder
    assert f"“# {YEAR + 1}年工作打算”" in report.part("plans").paragraphs[0]
    assert report.issuer == "测试县民政局"  # derived from the county's name
    assert report.issued_on.endswith("日") and report.narrative_file is None
    # every table stands in 附件1, numbered; part 一 keeps the sentences
    annex_tables = [t for b in report.part("annex").sections[0].blocks for t in b.tables]
    assert annex_tables and all(t.caption.startswith("表") for t in annex_tables)
    assert not any(
        s.tables or any(b.tables for b in s.blocks) for s in report.part("work").sections
    )


def test_narrative_parts_and_placeholders_read_back_the_warehouse(county, tmp_path):
    contract, wh = county
    _write(tmp_path, NARRATIVE.format(year=YEAR, next_year=YEAR + 1))
    report = _report(contract, wh, narrative_dir=str(tmp_path))
    # 1,234 人次 aided (1,100 a year before), 456/1,234 件 per person-time, 1,234/9 per caseworker
    assert report.preface == [
        f"{YEAR}年，全县冬春救助困难群众1,234人次，比上年增加134人次，增长12.2%。"
    ]
    work = report.part("work").sections[0]
    assert work.paragraphs[-1] == "开展“寒冬送温暖”专项行动，每救助人次发放棉衣被0.4件/人次。"
    problems = report.part("problems")
    assert not problems.placeholder
    assert problems.paragraphs == ["一是经办力量不足，每名经办人员救助137.1人次/人。"]
    assert report.part("plans").paragraphs == ["（一）提高冬春救助精准度。"]
    assert report.issuer == "测试县民政局" and report.issued_on == "2025年1月15日"
    assert report.narrative_file and report.narrative_file.endswith(f"{YEAR}_测试县.md")


def test_the_bureau_names_itself(county, tmp_path):
    contract, wh = county
    _write(tmp_path, "---\n落款单位: 测试县民政局办公室\n---\n# 存在的问题和不足\n\n无。\n")
    report = _report(contract, wh, narrative_dir=str(tmp_path))
    assert report.issuer == "测试县民政局办公室"
    assert report.part("plans").placeholder and not report.part("problems").placeholder


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("# 存在的问题和不足\n\n一是{{ 不存在的指标 }}。\n", 3, "未知的占位符 {{ 不存在的指标 }}"),
        ("# 存在的问题和不足\n\n一是\n二是{{ aided_ytd.同比 }}。\n", 4, "未知的占位符"),
        ("# 主要工作完成情况\n\n## 没有这一节\n\n文字。\n", 3, "不是“主要工作完成情况”中的标题"),
        ("# 总体情况\n\n文字。\n", 1, "未知的标题"),
        ("---\n单位: 某局\n---\n", 2, "未知的设置"),
    ],
)
def test_a_mistake_names_file_and_line(county, tmp_path, text, line, words):
    contract, wh = county
    path = _write(tmp_path, text)
    with pytest.raises(NarrativeError) as err:
        _report(contract, wh, narrative_dir=str(tmp_path))
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: ")
    assert words in message and "\n" not in message


def test_cli_exits_2_with_one_line(county, tmp_path, monkeypatch):
    from civstat.report import cli

    contract, wh = county
    monkeypatch.setattr("civstat.contract.load_contract", lambda *a, **k: contract)
    monkeypatch.setattr("civstat.report.context.load_contract", lambda *a, **k: contract)
    path = _write(tmp_path, "# 存在的问题和不足\n\n{{ 没有 }}\n")
    res = CliRunner().invoke(
        cli.report_command,
        [
            "--year",
            str(YEAR),
            "--format",
            "html",
            "--warehouse",
            str(wh),
            "--narrative-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert res.exit_code == 2, res.output
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert lines == [f"错误 / error: {path}:3: " + lines[0].split(":3: ", 1)[1]]
    assert "{{ 没有 }}" in lines[0]
