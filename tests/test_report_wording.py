"""The wording rules of the year-end summary, sentence by sentence (issue 13): for each rule a
case that must read one way and the case that must not. No warehouse: the formatting functions,
the phrase data (phrases.yaml, the programme files' ``summary:``) and the figure logic of
:class:`~civstat.report.figures.Figures` over a few stated values."""

from __future__ import annotations

import copy
import datetime as dt
from types import SimpleNamespace

import polars as pl
import pytest

from civstat.report import formatting as f
from civstat.report.builder import number
from civstat.report.figures import Figures
from civstat.report.model import Part, Section, Table
from civstat.report.phrases import load_phrases, sentence, summary_phrases

PH = load_phrases()
CHANGE = PH["words"]["change"]


class Stub(Figures):
    """Figures over stated values: code → (unit, value now, value a year before); ranking rows."""

    def __init__(self, figures: dict, ranking: dict | None = None, county: bool = True):
        self.ph = PH
        self.money = f.MoneyFormat("auto")
        self.scope = SimpleNamespace(is_aggregate=county, above_county=False, division_code="T1")
        self.unit_word = PH["levels"]["county"]["units"]
        self._figures, self._ranking = figures, ranking or {}
        self._notes = []

    def unit(self, code):
        return self._figures[code][0]

    def kname(self, code):
        return code

    def value(self, code, prev=False, division=None):
        return self._figures[code][2 if prev else 1]

    def ranking(self, code, among=None):
        return self._ranking[code]

    def kmark(self, code):
        return ""

    def is_kpi(self, code):
        return True


# -- standards: 由月人均X元提高到月人均Y元, not 860元/人·月 ---------------------------------------


def test_standard_reads_per_person_per_month_like_the_seeds():
    from civstat.report.sections.dibao import standard_change, standard_text

    def std(v, unit="元/人·月"):
        return {"standard": v, "standard_min": v, "standard_max": v, "standard_unit": unit}

    assert standard_text(std(860)) == "月人均860元"
    assert standard_text(std(3300, "元/人·年")) == "年人均3,300元"
    assert "元/人·月" not in standard_text(std(860))
    raised = standard_change(std(860), std(820), PH["words"])
    assert raised == "由月人均820元提高到月人均860元"
    assert standard_change(std(820), std(860), PH["words"]) is None  # lowered: no 提高
    assert standard_change(std(860), std(860), PH["words"]) is None


# -- amounts: 10万元 and above in 万元 in running text, exact 元 in tables ------------------------


@pytest.mark.parametrize(
    "yuan, text",
    [
        (174221929, "17,422.19万元"),
        (5980000, "598万元"),
        (227000, "22.7万元"),
        (100000, "10万元"),
        (99999, "99,999元"),
        (36800, "36,800元"),
        (384560.63, "38.46万元"),
    ],
)
def test_large_sums_in_text_are_wan_yuan(yuan, text):
    assert f.MoneyFormat("auto").total(yuan) == text
    assert f.MoneyFormat("auto").total(174221929) != "174,221,929元"


def test_tables_keep_exact_yuan_and_name_the_unit_in_the_header():
    money = f.MoneyFormat("auto")
    assert money.cell(174221929) == "174,221,929"
    assert money.cell(384560.63) == "384,560.63"
    assert money.table_unit == "元"
    assert f.MoneyFormat("万元").table_unit == "万元"
    ctx = Stub({"rate": ("ratio", 0.023, 0.023), "funds": ("元", 5e6, 4e6)})
    assert ctx.fmt("rate", 0.023, unit=False) == "2.3"  # the % is in the header
    assert ctx.fmt("rate", 0.85, unit=False) == "85.0"  # one decimal, also when whole
    assert ctx.column_unit("rate") == "%"
    assert ctx.fmt("funds", 5e6, unit=False) == "5,000,000"


# -- changes: 与上年持平 (never 比上年持平), 比上年增加/减少, 增长/下降 ----------------------------------


def test_flat_is_yu_shang_nian_chi_ping():
    for text in (
        f.growth(100, 100, CHANGE),
        f.pp_change(0.25, 0.25, CHANGE),
        f.growth_rate(0.0001, CHANGE),
        f.level_change(5, 5, "0人", CHANGE),
    ):
        assert text == "与上年持平"
        assert "比上年持平" not in text
    assert f.growth_rate(0, CHANGE, base="上年末") == "与上年末持平"


def test_counts_change_by_how_much_then_by_what_share():
    ctx = Stub({"marriages": ("对", 2444, 2532), "orgs": ("个", 818, 909)})
    assert ctx.change("marriages") == "比上年减少88对，下降3.5%"
    assert Stub({"m": ("对", 2532, 2444)}).change("m") == "比上年增加88对，增长3.6%"
    assert f.level_change(10001, 10000, "1人", CHANGE) == "比上年增加1人"  # no 增长0.0%
    assert "0.0%" not in f.level_change(10001, 10000, "1人", CHANGE)


def test_rates_change_in_percentage_points():
    ctx = Stub({"rate": ("ratio", 0.301, 0.242)})
    assert ctx.change("rate") == "比上年提高5.9个百分点"
    assert "%" not in ctx.change("rate")


# -- one wording for one kind of figure ------------------------------------------------------------


def test_per_case_levels_read_alike_and_per_affected_names_its_noun():
    ph = summary_phrases()
    temp = sentence(
        "temp_assist.summary",
        ph,
        span="全年",
        household_times=None,
        person_times="3,233",
        funds=None,
        in_kind=None,
        per_case="1,362元",
    )
    med = sentence(
        "med_assist.summary",
        ph,
        span="全年",
        insured_persons=None,
        insured_funds=None,
        direct_times=None,
        direct_funds=None,
        per_case="2,709元",
    )
    assert "平均每人次救助1,362元" in temp and "平均每人次救助2,709元" in med
    for text in (temp, med):
        assert "人次均救助" not in text and "人均救助水平" not in text
    relief = sentence("disaster.relief", ph, span="全年", relief="157.45万元", per_affected="38元")
    assert "人均救灾资金38元" in relief
    assert "受灾人口人均38元" not in relief


def test_per_person_amounts_are_whole_yuan_rates_one_decimal():
    assert f.fmt_yuan_level(478.7) == "479元"
    assert f.fmt_yuan_level(586) == "586元"
    assert f.fmt_yuan_level(1361.5) == "1,362元"
    assert f.fmt_yuan_level(478.7) != "478.7元"
    assert f.fmt_yuan_level(4.5) == "4.5元"  # a small level keeps a decimal, not 4元/5元
    assert f.fmt_pct(1.0) == "100.0%" and f.fmt_pct(0.2854) == "28.5%"
    ctx = Stub({"pc": ("元/人·月", 615.2, None)})
    assert ctx.fmt("pc", 615.2) == "月人均615元"
    assert ctx.fmt("pc", 615.2, unit=False) == "615"


# -- the targets table: ≥100, 相差8.8个百分点, never >= 100.0% or +0.0个百分点 ----------------------


def test_targets_read_as_set():
    from civstat.report.sections import targets

    ctx = Stub({"rate": ("ratio", 0.912, None), "beds": ("张", 20.7, None)})
    assert targets._target(ctx, ">=", "rate", 1.0) == "≥100"
    assert targets._target(ctx, ">=", "rate", 0.15) == "≥15"
    assert ">=" not in targets._target(ctx, ">=", "rate", 1.0)
    assert targets._gap(ctx, "rate", -0.088) == "相差8.8个百分点"
    assert targets._gap(ctx, "rate", 0.062) == "超出6.2个百分点"
    assert targets._gap(ctx, "rate", 0.0) == "恰好达到"
    assert "+0.0" not in targets._gap(ctx, "rate", 0.00001)
    assert f.fmt_target(1.0, True) == "100%" and f.fmt_target(0.555, True) == "55.5%"


# -- lists: 其他 last --------------------------------------------------------------------------------


def test_other_hazards_are_listed_last():
    from civstat.report.sections.disaster import hazards

    ev = pl.DataFrame(
        {
            "hazard_type": ["其他", "雪灾", "暴雨洪涝", "暴雨洪涝", "其他"],
            "affected_persons": [1, 2, 3, 4, 5],
        }
    )
    order = hazards(ev, "其他")["hazard_type"].to_list()
    assert order == ["暴雨洪涝", "雪灾", "其他"]  # 其他 has 2, still after 雪灾's 1
    assert order.index("其他") == len(order) - 1


# -- rankings only where the values differ; ties named together -------------------------------------


def test_rankings_name_ties_and_skip_equal_values():
    rows = [("a", "东城街道", 1.0), ("b", "西湖街道", 1.0), ("c", "城关街道", 0.5)]
    ctx = Stub({"rate": ("ratio", 0.8, None)}, {"rate": rows})
    s = ctx.ranking_sentence("rate")
    assert s == "rate以东城街道、西湖街道最高（100.0%），城关街道最低（50.0%）。"
    assert "以东城街道最高" not in s
    many = [(str(i), f"镇{i}", 1.0) for i in range(6)] + [("z", "乙乡", 0.5)]
    s = Stub({"rate": ("ratio", 0.8, None)}, {"rate": many}).ranking_sentence("rate")
    assert "以镇0、镇1等6个乡镇（街道）最高" in s
    equal = [("a", "甲镇", 1.0), ("b", "乙镇", 1.0)]
    assert Stub({"rate": ("ratio", 1.0, None)}, {"rate": equal}).ranking_sentence("rate") is None


# -- a township's own report has no count of one ----------------------------------------------------


def test_a_township_report_does_not_count_itself():
    s = sentence(
        "data_notes.coverage_township",
        PH,
        scope="城关街道",
        cutoff="2026年1月12日",
        quarter="四季度",
        status=PH["data_notes"]["township_status"]["published"],
    )
    assert (
        s
        == "本总结数据来源于城关街道报送的民政统计季报，数据截至2026年1月12日，四季度季报已通过质量审核并发布。"
    )
    assert "应报1个" not in s and "已发布1个" not in s


# -- tables: an empty cell prints —, never None; numbered; headers carry units -----------------------


def test_empty_cells_print_a_dash_and_tables_are_numbered():
    t = Table("各乡镇（街道）情况", ["乡镇（街道）", "人数（人）"], [["甲镇", None], ["合计", "5"]])
    parts = [
        Part("主要工作完成情况", "work"),
        Part("附件", "annex", sections=[Section("主要统计表", "x", tables=[t])]),
    ]
    number(parts, PH)
    assert t.rows[0] == ["甲镇", "—"]
    assert "None" not in str(t.rows)
    assert t.caption.startswith("表1")
    assert parts[0].title == "一、主要工作完成情况"
    assert parts[1].title == "附件" and parts[1].sections[0].title.startswith("附件1")


# -- dates: no zero padding -------------------------------------------------------------------------


def test_dates_are_not_zero_padded():
    assert f.cn_date(dt.date(2026, 1, 12)) == "2026年1月12日"
    assert "01月" not in f.cn_date(dt.datetime(2026, 1, 2, 9, 5))


def test_levels_per_something_change_by_share_and_tiny_differences_do_not_read_zero():
    ctx = Stub({"per": ("件/人次", 456 / 1234, 400 / 1100), "n": ("人", 1000.4, 1000.0)})
    assert ctx.change("per") == "比上年增长1.6%"
    assert "增加0" not in ctx.change("per")
    assert f.level_change(100.2, 100.0, "0人", CHANGE) == "比上年增长0.2%"
    assert f.level_change(100.001, 100.0, "0人", CHANGE) == "与上年持平"


def test_change_is_not_preceded_by_bi_shang_nian_in_a_programme_file(tmp_path):
    """A template "比上年{x.change}" would read 比上年比上年增长…: the file is refused, naming itself."""
    from civstat.contract import load_contract
    from civstat.report.sections import validate

    contract = copy.deepcopy(load_contract())  # the catalogue may be shared: change a copy
    prog = next(p for p in contract.programmes if (p.summary or {}).get("kind") == "generic")
    code = prog.measures[0]["code"]
    prog.summary["sentences"] = [[f"共{{{code}}}", f"比上年{{{code}.change}}"]]  # a fresh load
    with pytest.raises(ValueError, match=f"programmes/{prog.code}.yaml: summary.sentences"):
        validate(contract, {"span", "scope"})
