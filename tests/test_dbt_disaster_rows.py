"""表5: two rows of one return under the same date and kind (a flood listed per village, or two
storms the same day) both count — in the year-to-date flows, their quarterly increments and the
event mart. dbt really runs on the fixture county's DuckDB file (test_dbt_support), with rows
added to 武康街道 (T1) 2023; expected values are worked out by hand below.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from test_dbt_support import T1, build_fixture_warehouse, insert_rows

from civstat import workstate
from civstat.refresh import refresh as build_warehouse
from civstat.warehouse import Warehouse

FLOOD = dt.date(2023, 6, 20)
# the same 暴雨洪涝 of 2023-06-20, one row per village: 800 + 300 persons, 50,000 + 10,000 元
VILLAGES = [
    {"affected_persons": 800, "evacuated_persons": 20, "crop_area_mu": 381.0, "crop_failed_mu": 40.0,
     "collapsed_households": 12, "collapsed_rooms": 30, "severely_damaged_rooms": 10,
     "generally_damaged_rooms": 25, "direct_loss": 125_000.0, "relief_funds": 50_000.0},
    {"affected_persons": 300, "evacuated_persons": None, "crop_area_mu": 150.0, "crop_failed_mu": 0.0,
     "collapsed_households": 0, "collapsed_rooms": 0, "severely_damaged_rooms": 2,
     "generally_damaged_rooms": 8, "direct_loss": 32_000.0, "relief_funds": 10_000.0},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory, dbt_isolated):
    wh = Warehouse(tmp_path_factory.mktemp("wh") / "civstat.duckdb")
    build_fixture_warehouse(wh.working)
    con = duckdb.connect(str(wh.working))
    try:
        # T1's 2023 returns from Q2 on (the superseded first Q2 return too) list the flood as
        # two rows, after the fixture's own events (rows 5 and, from Q3, 6)
        subs = con.execute(
            "SELECT submission_id, division_code, period, year, quarter, file_path, file_sha256, "
            "submitted_at FROM raw.submissions WHERE division_code = ? AND year = 2023 AND quarter >= 2",
            [T1]).fetchall()
        extra = [
            {"submission_id": sid, "division_code": code, "period": period, "year": year,
             "quarter": q, "source_file": path, "file_sha256": sha, "submitted_at": at,
             "source_sheet": "灾害", "source_row": 7 + j, "is_total": False,
             "event_date": FLOOD, "hazard_type": "暴雨洪涝", **village}
            for sid, code, period, year, q, path, sha, at in subs
            for j, village in enumerate(VILLAGES)
        ]
        insert_rows(con, "raw.disaster_events", extra)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    workstate.mark_file(wh.working, "gate")  # the fixture's findings stand for the gate's
    build_warehouse(wh, capture=True, gate=False)
    return wh


@pytest.fixture()
def con(built):
    with built.reader() as c:
        yield c


def test_flows_count_every_row_of_a_date_and_kind(con):
    # T1 (i = 1) 2023 in the fixture: 暴雨洪涝 of Mar 10, 100 persons and 20,000 元, in every
    # return; 台风 of Jul 20, 300 persons and 15,000 元, from Q3. Plus the flood's two rows from Q2.
    got = {(flow, q): (ytd, qv) for flow, q, ytd, qv in con.execute(
        "SELECT flow_code, quarter, ytd_value, quarter_value FROM fct_flows WHERE division_code = ? "
        "AND year = 2023 AND programme_code = 'disaster_relief'", [T1]).fetchall()}
    assert got == {
        ("affected_persons", 1): (100, 100),
        ("affected_persons", 2): (100 + 800 + 300, 1100),
        ("affected_persons", 3): (1200 + 300, 300),
        ("affected_persons", 4): (1500, 0),
        ("funds", 1): (20_000, 20_000),
        ("funds", 2): (20_000 + 50_000 + 10_000, 60_000),
        ("funds", 3): (80_000 + 15_000, 15_000),
        ("funds", 4): (95_000, 0),
    }
    # the KPI's measures read the same flows
    assert con.execute(
        "SELECT value FROM fct_measures WHERE division_code = ? AND period = '2023Q2' "
        "AND measure_code = 'disaster_affected_persons_ytd'", [T1]).fetchall() == [(1200,)]


def test_event_mart_sums_the_rows_of_the_latest_return(con):
    where = "FROM fct_disaster_losses WHERE division_code = ? AND event_date = ? AND hazard_type = '暴雨洪涝'"
    got = con.execute(
        "SELECT affected_persons, evacuated_persons, crop_area_mu, collapsed_rooms, direct_loss, "
        f"relief_funds, first_reported_period, latest_reported_period, times_reported {where}",
        [T1, FLOOD]).fetchall()
    assert got == [(1100, 20, 531.0, 30, 157_000.0, 60_000.0, "2023Q2", "2023Q4", 3)]
    assert con.execute(f"SELECT listed_rows {where}", [T1, FLOOD]).fetchall() == [(2,)]
    # an event listed once keeps one row
    assert con.execute(
        "SELECT affected_persons, listed_rows FROM fct_disaster_losses WHERE division_code = ? "
        "AND event_date = '2023-07-20'", [T1]).fetchall() == [(300, 1)]
