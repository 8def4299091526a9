"""Number formatting and the phrase engine of the year-end summary (no warehouse needed)."""

from __future__ import annotations

import jinja2
import pytest

from civstat.report import formatting as f
from civstat.report.phrases import load_phrases, sentence, summary_phrases
from civstat.report.writers import environment

WORDS = load_phrases()["words"]["change"]


def test_integers_and_money_in_yuan_and_wan():
    assert f.fmt_int(1775475) == "1,775,475"
    assert f.MoneyFormat("元").total(1775475) == "1,775,475元"
    assert f.MoneyFormat("元").total(1775475.4) == "1,775,475.40元"  # 分 kept
    assert f.MoneyFormat("万元").total(1775475) == "177.55万元"
    assert f.MoneyFormat("万元").scale(1775475) == pytest.approx(177.5475)
    with pytest.raises(ValueError):
        f.MoneyFormat("美元")


def test_rates_and_percentage_point_changes():
    assert f.fmt_pct(0.285) == "28.5%"
    assert f.fmt_pct(1.0) == "100.0%"
    assert f.pp_change(0.285, 0.254, WORDS) == "比上年提高3.1个百分点"
    assert f.pp_change(0.25, 0.254, WORDS) == "比上年降低0.4个百分点"
    assert f.pp_change(0.25, 0.25, WORDS) == "与上年持平"
    assert f.growth_rate(-0.052, WORDS) == "比上年下降5.2%"
    assert f.growth(110, 100, WORDS) == "比上年增长10.0%"
    assert f.pp_change(0.3, None, WORDS) is None


def test_period_span():
    assert f.period_span(4) == "全年"
    assert f.period_span(3) == "1—9月"


def test_sentence_drops_clauses_with_missing_figures():
    ph = summary_phrases()  # the programme files' sentences under their codes
    full = sentence("tekun.rate", ph, rate="28.5%", rate_change="比上年提高3.1个百分点")
    assert full == "集中供养率28.5%，比上年提高3.1个百分点。"
    assert sentence("tekun.rate", ph, rate="28.5%", rate_change=None) == "集中供养率28.5%。"
    assert sentence("tekun.rate", ph, rate=None, rate_change=None) is None


def test_real_summary_register():
    """The sentence of a real summary comes out of the phrase data with the right figures."""
    ph = summary_phrases()
    s = sentence(
        "dibao.category",
        ph,
        label="城市低保",
        period_end="2024年年底",
        households="529",
        persons="664",
        span="全年",
        new_households=None,
        new_persons=None,
        exited_households=None,
        exited_persons=None,
        funds="1,775,475元",
    )
    assert s == "城市低保：到2024年年底保留城市低保户529户664人，共发放城市低保资金1,775,475元。"


def test_templates_autoescape_data_text():
    env = environment()
    assert env.autoescape is True
    out = env.from_string("<p>{{ name }}</p>").render(name='<长桥&"街道">')
    assert out == "<p>&lt;长桥&amp;&#34;街道&#34;&gt;</p>"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


NON_FINITE = [float("inf"), float("-inf"), float("nan")]


@pytest.mark.parametrize("x", NON_FINITE + [None], ids=["inf", "-inf", "nan", "None"])
def test_non_finite_figures_are_missing_never_printed(x):
    """inf/NaN (a division by zero upstream) behave like a missing figure: None, no exception."""
    import decimal

    import numpy as np

    variants = [x] if x is None else [x, np.float64(x), np.float32(x), decimal.Decimal(str(x))]
    for v in variants:
        assert f.fmt_int(v) is None, v
        assert f.fmt_num(v) is None, v
        assert f.fmt_num(v, 2, "公顷") is None, v
        assert f.fmt_pct(v) is None, v
        assert f.fmt_yuan_level(v) is None, v
        for unit in ("元", "万元"):
            assert f.MoneyFormat(unit).total(v) is None, v
            assert f.MoneyFormat(unit).scale(v) is None, v
        assert f.pp_change(v, 0.25, WORDS) is None, v
        assert f.pp_change(0.25, v, WORDS) is None, v
        assert f.growth(v, 100, WORDS) is None, v
        assert f.growth(100, v, WORDS) is None, v
        assert f.growth_rate(v, WORDS) is None, v


def test_overflowing_derived_figures_are_missing():
    """Finite inputs whose change or percentage overflows float print nothing either."""
    huge = 1.7e308
    assert f.fmt_pct(huge) is None
    assert f.growth_rate(huge, WORDS) is None
    assert f.pp_change(huge, -huge, WORDS) is None
    assert f.growth(huge, 1e-300, WORDS) is None
    # and ordinary figures are unaffected
    assert f.fmt_int(-3) == "-3"
    assert f.fmt_num(2.0, unit="人") == "2人"
    assert f.growth(90, 100, WORDS) == "比上年下降10.0%"


def test_money_keeps_the_precision_it_was_reported_with():
    """384,560.63 元 stays 384,560.63元 (not 384,561元); whole amounts print whole; a sum's
    binary noise is not precision; the 万元 setting rounds to two decimals of 万元."""
    yuan = f.MoneyFormat("元")
    assert yuan.total(384560.63) == "384,560.63元"
    assert yuan.total(120600.0) == "120,600元"
    assert yuan.total(0.1 + 0.2) == "0.30元"
    assert yuan.total(100000.00000001) == "100,000元"
    assert yuan.total(-36800.5) == "-36,800.50元"
    assert yuan.cell(384560.63) == "384,560.63"
    assert f.MoneyFormat("万元").total(384560.63) == "38.46万元"
    assert f.MoneyFormat("万元").cell(5980000) == "598.00"
    s = sentence(
        "med_assist.summary",
        summary_phrases(),
        span="全年",
        insured_persons=None,
        insured_funds=None,
        direct_times="167",
        direct_funds=yuan.total(384560.63),
        per_case=None,
    )
    assert s == "实施直接医疗救助167人次，支出救助资金384,560.63元。"


def test_standards_in_the_unit_reported_and_the_register_of_real_summaries():
    assert f.fmt_reported(3300, "元/人·年") == "3,300元/人·年"
    assert f.fmt_reported(612.5, "元/人·月") == "612.5元/人·月"
    assert f.fmt_reported(612.25) == "612.25"
    ph = summary_phrases()
    from civstat.report.sections.dibao import standard_change

    def std(v):
        return {"standard": v, "standard_min": v, "standard_max": v, "standard_unit": "元/人·年"}

    raised = standard_change(std(3300), std(3000), ph["words"])
    assert raised == "由年人均3,000元提高到年人均3,300元"
    s = sentence(
        "dibao.standard",
        ph,
        label="农村低保",
        standard=None,
        standard_raised=raised,
        standard_growth=f.growth_rate(0.1, ph["words"]["change"]),
    )
    assert s == "农村低保保障标准由年人均3,000元提高到年人均3,300元，比上年增长10.0%。"
    s = sentence(
        "dibao.standard",
        ph,
        label="农村低保",
        standard=f.fmt_level(3300, "元/人·年"),
        standard_raised=None,
        standard_growth=None,
    )
    assert s == "农村低保保障标准为年人均3,300元。"


def test_dotted_placeholders_and_chinese_numerals():
    """A generic template names a figure's attribute ({code.change}); numbers are computed."""
    ph = load_phrases()
    from civstat.report.phrases import render_clauses

    s = render_clauses(
        ["冬春救助困难群众{aided_ytd}", "{aided_ytd.change}"],
        ph,
        aided_ytd="1,234人次",
        **{"aided_ytd.change": "比上年增长12.2%"},
    )
    assert s == "冬春救助困难群众1,234人次，比上年增长12.2%。"
    assert render_clauses(["救助{m}", "{m.change}"], ph, m="5人次") == "救助5人次。"
    assert [f.cn_numeral(n) for n in (1, 6, 10, 11, 20, 23)] == [
        "一",
        "六",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


def test_figures_round_half_up_on_their_own_digits():
    """四舍五入 as statistics print it: a figure exactly halfway goes up, whatever binary floats
    and Python's round-half-even make of it (3 ÷ 2,000 = 0.15% was printed 0.1%; 12.5 as 12;
    a 2.25 growth as 2.2%)."""
    words = load_phrases()["words"]["change"]
    assert f.fmt_pct(3 / 2000) == "0.2%"
    assert f.fmt_pct(0.285) == "28.5%"  # 28.499999999999996 in binary
    assert f.fmt_pct(0.0145) == "1.5%"
    assert f.fmt_pct(-0.0004) == "0.0%"  # no −0.0%
    assert f.fmt_int(12.5) == "13" and f.fmt_int(2_500_000.5, "元") == "2,500,001元"
    assert f.fmt_num(2.25) == "2.3"
    assert f.level_number(4.45) == "4.5" and f.level_number(1362.5) == "1,363"
    assert f.fmt_wan(1_234_565) == "123.46"  # 123.4565 万元
    assert f.MoneyFormat("万元").cell(1_234_565) == "123.46"
    assert f.pp_change(0.2015, 0.2, words) == "比上年提高0.2个百分点"  # 0.15 points
    assert f.growth(1_000_125, 1_000_000, words, decimals=2) == "比上年增长0.01%"  # 0.0125 %
    assert f.growth_rate(0.0225, words) == "比上年增长2.3%"
    assert f.level_change(1_150, 1_000_000, "998,850元", words) == "比上年减少998,850元，下降99.9%"
