"""The columns added to existing sheets (more-programmes.md, "Added columns on existing sheets"),
read from returns written cell by cell the way clerks head them — synonyms, 万元, traditional
characters, two-row headers — and old returns without them, which still load with their figures
unchanged (the added columns NULL, never 0)."""

from __future__ import annotations

import pytest
from handmade import (
    TEKUN,
    TEKUN_COLUMNS,
    WELFARE,
    WELFARE_COLUMNS,
    canonical_sheets,
    cover_rows,
    quarantine_rows,
    raw_folder,
    run_ingest,
    write_xlsx,
)

TEKUN_NEW = ["new_centralized", "centralized_funds_ytd"]
WELFARE_NEW = [
    "hardship_disabled_funds_ytd",
    "severe_disabled_funds_ytd",
    "orphan_std_dispersed",
    "orphan_std_centralized",
    "retired_workers",
    "retired_workers_funds_ytd",
]
ELDERCARE_NEW = ["hazards_found_ytd", "hazards_rectified_ytd"]

# 表8 as the contract heads it, for the old returns (no added column)
WELFARE_OLD = [
    [
        "高龄津贴人数",
        "累计发放高龄津贴(元)",
        "困难残疾人生活补贴符合条件人数",
        "困难残疾人生活补贴实际领取人数",
        "重度残疾人护理补贴符合条件人数",
        "重度残疾人护理补贴实际领取人数",
        "累计发放两项补贴资金(元)",
        "孤儿人数集中养育",
        "孤儿人数散居",
        "累计发放孤儿基本生活费(元)",
    ],
    WELFARE,
]


def _raw(con, table: str, columns: list[str], order: str = "source_row") -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return con.execute(
        f"SELECT {cols} FROM raw.{table} WHERE NOT coalesce("
        f"{'is_total' if table != 'welfare' else 'false'}, false) "
        f"ORDER BY {order}"
    ).fetchall()


def _ingest(tmp_path, sheets: dict):
    write_xlsx(raw_folder(tmp_path) / "马店镇.xlsx", cover_rows(), {**canonical_sheets(), **sheets})
    con, _ = run_ingest(tmp_path)
    assert quarantine_rows(con) == [], quarantine_rows(con)
    return con


def test_tekun_new_centralized_and_centralized_funds(tmp_path):
    """其中:本年新增集中供养人数 as a clerk heads it (新增集中供养五保人数), 其中：集中供养资金 in 万元
    (converted to 元), in the clerk's column order."""
    sheet = [
        [
            "类别",
            "期末供养人数",
            "其中:集中供养人数",
            "其中:分散供养人数",
            "本年新增人数",
            "新增集中供养五保人数",
            "累计支出供养资金(元)",
            "其中：集中供养资金（万元）",
            "集中供养标准(元/人·年)",
            "分散供养标准(元/人·年)",
        ],
        ["城市特困", 6, 2, 4, 1, 1, 90_000, 3.6, 14_000, 9_000],
        ["农村特困", 45, 30, 15, 8, 3, 61_440, 4.224, 9_600, 6_000],
        ["合计", 51, 32, 19, 9, 4, 151_440, 7.824, None, None],
    ]
    con = _ingest(tmp_path, {"表2 特困人员救助供养": sheet})
    assert _raw(con, "tekun", ["category", "new_persons", *TEKUN_NEW, "funds_ytd"]) == [
        ("urban", 1, 1, 36_000.0, 90_000.0),
        ("rural", 8, 3, 42_240.0, 61_440.0),
    ]


def test_eldercare_hazards_and_home_care_types(tmp_path):
    """排查安全隐患 / 其中:已整改 per institution, and the institution types 表6 gained."""
    sheet = [
        [
            "机构名称",
            "机构类型",
            "运营方式",
            "床位数(张)",
            "其中:护理型床位(张)",
            "期末在院人数(人)",
            "其中:特困供养人员(人)",
            "工作人员数(人)",
            "其中:持证/参训护理员(人)",
            "排查安全隐患(项)",
            "其中:已整改(项)",
        ],
        ["马店镇敬老院", "敬老院", "公办公营", 80, 40, 52, 30, 12, 8, 6, 5],
        ["马店镇居家养老服务中心", "居家养老服务中心", "公建民营", 10, 2, 6, 0, 4, 3, 2, 2],
        ["马店镇老年助餐点", "老年助餐点", "公建民营", 0, 0, 0, 0, 2, 1, 1, None],
    ]
    con = _ingest(tmp_path, {"表6 养老服务机构": sheet})
    assert _raw(con, "eldercare_institutions", ["institution_type", "beds", *ELDERCARE_NEW]) == [
        ("敬老院", 80, 6, 5),
        ("居家养老服务中心", 10, 2, 2),
        ("老年助餐点", 0, 1, None),
    ]


def test_eldercare_hazards_headed_as_seen_in_summaries(tmp_path):
    """'发现各类安全隐患' / '现已整改' are not what the form says: the synonyms clerks use are."""
    sheet = [
        [
            "机构名称",
            "机构类型",
            "床位数",
            "护理型床位",
            "在院人数",
            "工作人员数",
            "持证护理员",
            "发现安全隐患(项)",
            "已整改隐患(项)",
        ],
        ["马店镇敬老院", "敬老院", 80, 40, 52, 12, 8, 7, 6],
    ]
    con = _ingest(tmp_path, {"表6 养老服务机构": sheet})
    assert _raw(con, "eldercare_institutions", ["beds", *ELDERCARE_NEW]) == [(80, 7, 6)]


def test_welfare_added_columns(tmp_path):
    """表8's six added columns, headed with clerks' words (traditional characters in one, 万元 in
    another, two-row header for the orphans)."""
    sheet = [
        [
            None,
            None,
            "困难残疾人生活补贴",
            None,
            "重度残疾人护理补贴",
            None,
            None,
            None,
            None,
            "孤儿人数",
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "高龄津贴人数",
            "累计发放高龄津贴(元)",
            "符合条件人数",
            "实际领取人数",
            "符合条件人数",
            "实际领取人数",
            "累计发放两项补贴资金(元)",
            "其中:困难残疾人生活补贴资金(元)",
            "其中:重度護理補貼資金(元)",
            "集中养育",
            "散居",
            "孤儿养育金(元)",
            "散居孤儿养育标准(元/人·月)",
            "集中养育孤儿基本生活费标准(元/人·月)",
            "精简退职人员(人)",
            "精减退职人员补助款(万元)",
        ],
        [
            178,
            120_600,
            40,
            38,
            25,
            24,
            59_000,
            34_200,
            24_800,
            1,
            3,
            36_000,
            1_300,
            1_700,
            9,
            3.606,
        ],
    ]
    con = _ingest(tmp_path, {"表8 其他社会福利": sheet})
    assert _raw(con, "welfare", [*WELFARE_COLUMNS, *WELFARE_NEW]) == [
        (*WELFARE, 34_200.0, 24_800.0, 1_300.0, 1_700.0, 9, 36_060.0)
    ]


def test_old_returns_without_the_columns_load_unchanged(tmp_path):
    """A return headed as before the columns were added: accepted, its figures as they were, the
    added columns NULL (unknown, not 0)."""
    con = _ingest(tmp_path, {"表8 其他社会福利": WELFARE_OLD})
    tekun = _raw(con, "tekun", ["category", *TEKUN_COLUMNS, *TEKUN_NEW])
    assert tekun == [("urban", *TEKUN["urban"], None, None), ("rural", *TEKUN["rural"], None, None)]
    assert _raw(con, "welfare", [*WELFARE_COLUMNS, *WELFARE_NEW]) == [(*WELFARE, *[None] * 6)]
    assert _raw(con, "eldercare_institutions", ["beds", "residents", *ELDERCARE_NEW]) == [
        (80, 52, None, None)
    ]
    assert con.execute("SELECT count(*) FROM raw.findings WHERE sheet <> '封面'").fetchall() == [
        (0,)
    ]


@pytest.mark.parametrize("header", ["本年新增集中供养人数", "新增集中供养", "新增集中供養特困人員"])
def test_new_centralized_synonyms(tmp_path, header):
    sheet = [
        [
            "类别",
            "期末供养人数",
            "集中供养人数",
            "分散供养人数",
            "本年新增人数",
            header,
            "累计支出供养资金(元)",
        ],
        ["城市特困", 6, 2, 4, 1, 0, 90_000],
        ["农村特困", 45, 30, 15, 8, 2, 61_440],
    ]
    con = _ingest(tmp_path, {"表2 特困人员救助供养": sheet})
    assert _raw(con, "tekun", ["category", "new_centralized", "centralized_funds_ytd"]) == [
        ("urban", 0, None),
        ("rural", 2, None),
    ]
