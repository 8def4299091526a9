"""The county of tests/test_report_s30_history.py (built once here): the 2008 summary lists no
row for 新城街道, set up in 2009; the 2011 summary says 河口镇's 2011Q3 return was sent but
refused at the door (quarantined: its 表1 lacks 期末保障人数), not that it was not sent."""

from __future__ import annotations

import pytest
import test_report_s30_history as history

pytestmark = pytest.mark.slow
county = history.county  # the fixture: the county built once for this module


def _table(text: str, caption: str) -> str:
    return text.split(caption, 1)[1].split("合计", 1)[0]


def test_2008_tables_list_only_townships_in_force(county):
    """Before: 表2 各乡镇（街道）主要指标 had 新城街道————— in 2008; it lists 东城 and 山前
    (河口镇, in force and blocked, keeps its row of —)."""
    text = county["text"][2008]
    table = _table(text, "各乡镇（街道）主要指标（全年）")
    assert "新城街道" not in table and "新城街道" not in text
    assert "东城街道0.60.562.750.065.0" in table  # 180/30,000, 50/10,000, 32/51, 40/80, 52/80
    assert "河口镇—————" in table and "山前乡0.41.562.750.065.0" in table
    # 2009: 新城街道 in force, listed
    assert "新城街道" in _table(county["text"][2009], "各乡镇（街道）主要指标（全年）")


def test_2011_refused_return_is_said_sent_and_refused(county):
    """Before: 2011年三季度全县合计：不含河口镇（2011年三季度未报送）、山前乡（…未报送）; 河口镇
    sent its return and it was refused at ingest — 山前乡 sent none (it reports Q4 only)."""
    text = county["text"][2011]
    assert ("2011年三季度全县合计：不含河口镇（2011年三季度报送的报表未通过读取、被拒收）、"
            "山前乡（2011年三季度未报送）") in text
    assert "河口镇（2011年三季度未报送）" not in text
