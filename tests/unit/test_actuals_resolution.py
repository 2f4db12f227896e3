"""Resolution within deadline of deferred queues (issue #24): import validation and the
report's share, target, met/missed, trend and client roll-up on hand-counted cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuals.attribution import QueueModel
from actuals.io import parse_interval_actuals
from actuals.report import Goal, QueueActuals, queues_report
from actuals.types import SlBasis
from forecasting.errors import InvalidInput

MODEL = QueueModel(kind="erlang_c", interval_min=60, answer_within_s=20.0)
NO_PLAN = pd.DataFrame(columns=["interval_start", "calls", "aht_s", "required", "rostered"])
# Two days, two hours each (UTC): day 1 resolves 20 items, 17 within the deadline (85 %),
# day 2 resolves 15, 10 within (66.7 %); backlog 5 then 3 on day 1, 7 then unknown on day 2.
ROWS = b"""interval_start,offered,resolved,resolved_within_deadline,backlog
2026-10-05 09:00,12,10,9,5
2026-10-05 10:00,8,10,8,3
2026-10-06 09:00,14,10,6,7
2026-10-06 10:00,6,5,4,
"""


def _deferred(rows: bytes, target: float | None, label: str = "1") -> QueueActuals:
    actual = parse_interval_actuals(rows, zone="UTC", interval_min=60, deferred=True)
    return QueueActuals(actual, NO_PLAN, MODEL, 0.0, label, True, target)


def _verdict(value: object) -> bool | None:
    """A period's verdict as True, False or None (not judged), whatever the column's dtype."""
    return None if value is None else bool(value)


def _report(queues: list[QueueActuals], grain: str = "day") -> pd.DataFrame:
    report = queues_report(queues, goal=Goal(0.8, 20.0), basis=SlBasis(20.0), grain=grain)  # type: ignore[arg-type]
    return report.periods.set_index("period")


def test_deferred_rows_import_with_their_resolution_counts() -> None:
    frame = parse_interval_actuals(ROWS, zone="UTC", interval_min=60, deferred=True)
    assert list(frame["resolved"]) == [10, 10, 10, 5]
    assert list(frame["resolved_within_deadline"]) == [9, 8, 6, 4]
    assert np.isnan(frame["backlog"].iloc[3]) and np.isnan(frame["answered"]).all()


def test_bad_deferred_rows_are_named_by_row_field_and_code() -> None:
    bad = b"""interval_start,offered,resolved,resolved_within_deadline,backlog
2026-10-05 09:00,12,10,11,5
2026-10-05 10:00,8,-1,0,3
2026-10-05 11:00,8,x,0,3
2026-10-05 12:00,8,4,,3
2026-10-05 13:00,8,4,2,-2
"""
    with pytest.raises(InvalidInput) as caught:
        parse_interval_actuals(bad, zone="UTC", interval_min=60, deferred=True)
    assert {(p.row, p.field, p.code) for p in caught.value.problems} == {
        (1, "resolved_within_deadline", "inconsistent"),  # 11 within of 10 resolved
        (2, "resolved", "invalid"),  # negative
        (3, "resolved", "invalid"),  # not a number
        (4, "resolved_within_deadline", "invalid"),  # required in a deferred queue's row
        (5, "backlog", "invalid"),
    }
    no_column = b"interval_start,offered,resolved\n2026-10-05 09:00,1,1\n"
    with pytest.raises(InvalidInput) as missing:
        parse_interval_actuals(no_column, zone="UTC", interval_min=60, deferred=True)
    assert [(p.field, p.code) for p in missing.value.problems] == [
        ("resolved_within_deadline", "missing_column")
    ]
    # a live queue may give them too, but both or neither in a row
    live = b"""interval_start,offered,answered,abandoned,answered_within,resolved
2026-10-05 09:00,10,9,1,8,4
"""
    with pytest.raises(InvalidInput) as unpaired:
        parse_interval_actuals(live, zone="UTC", interval_min=60)
    assert [(p.row, p.field) for p in unpaired.value.problems] == [(1, "resolved_within_deadline")]


def test_the_share_on_a_hand_counted_case_and_a_missed_day() -> None:
    days = _report([_deferred(ROWS, 0.8)])
    first, second = days.loc["2026-10-05"], days.loc["2026-10-06"]
    assert (first["items"], first["resolved"], first["resolved_within_deadline"]) == (20, 20, 17)
    assert (
        first["resolution_share"] == pytest.approx(17 / 20)
        and _verdict(first["resolution_met"]) is True
    )
    assert second["resolution_share"] == pytest.approx(10 / 15)
    assert (
        _verdict(second["resolution_met"]) is False and _verdict(second["met"]) is False
    )  # below 80 %: missed
    assert second["resolution_trend"] == pytest.approx(10 / 15 - 17 / 20)
    assert (first["backlog"], second["backlog"]) == (3, 7)  # at each day's end (last known)
    # no SL in seconds for deferred work: no misleading 100 % from zero calls
    assert np.isnan(first["service_level"]) and np.isnan(first["goal_sl"])
    assert first["offered"] == 0
    week = _report([_deferred(ROWS, 0.8)], grain="week").iloc[0]
    assert (
        week["resolution_share"] == pytest.approx(27 / 35)
        and _verdict(week["resolution_met"]) is False
    )
    untargeted = _report([_deferred(ROWS, None)]).loc["2026-10-06"]
    assert untargeted["resolution_share"] == pytest.approx(10 / 15)
    assert (
        _verdict(untargeted["resolution_met"]) is None and _verdict(untargeted["met"]) is None
    )  # not judged


def test_a_clients_queues_roll_up_weighted_by_items() -> None:
    big = b"""interval_start,offered,resolved,resolved_within_deadline
2026-10-05 09:00,80,80,76
2026-10-06 09:00,5,5,5
"""
    days = _report([_deferred(ROWS, 0.8), _deferred(big, 0.9, "2")])
    first, second = days.loc["2026-10-05"], days.loc["2026-10-06"]
    # day 1: (17 + 76) / (20 + 80); the mean of the queues' shares would be (0.85 + 0.95) / 2
    assert first["resolution_share"] == pytest.approx(93 / 100)
    assert first["resolution_target"] == pytest.approx((20 * 0.8 + 80 * 0.9) / 100)
    assert _verdict(first["resolution_met"]) is True
    # day 2: (10 + 5) / (15 + 5) = 75 % against (15 * 0.8 + 5 * 0.9) / 20 = 82.5 %: missed
    assert second["resolution_share"] == pytest.approx(0.75)
    assert second["resolution_target"] == pytest.approx(0.825)
    assert _verdict(second["resolution_met"]) is False
    # one queue without a target: the roll-up's target is not known, nothing judged
    open_target = _report([_deferred(ROWS, 0.8), _deferred(big, None, "2")]).loc["2026-10-05"]
    assert (
        np.isnan(open_target["resolution_target"])
        and _verdict(open_target["resolution_met"]) is None
    )


def test_live_and_deferred_queues_in_one_report_keep_their_figures_apart() -> None:
    calls = pd.DataFrame({
        "interval_start": pd.to_datetime(["2026-10-05 09:00", "2026-10-06 09:00"], utc=True),
        "offered": [10.0, 10.0], "answered": [10.0, 10.0], "abandoned": [0.0, 0.0],
        "abandoned_short": [0.0, 0.0], "answered_within": [9.0, 9.0], "aht_s": [300.0] * 2,
        "asa_s": [5.0] * 2, "agents_staffed": [np.nan] * 2,
    })  # fmt: skip
    live = QueueActuals(calls, NO_PLAN, MODEL, 0.0, "3")
    days = _report([live, _deferred(ROWS, 0.8)])
    first, second = days.loc["2026-10-05"], days.loc["2026-10-06"]
    assert first["offered"] == 10 and first["service_level"] == pytest.approx(0.9)  # calls only
    assert first["goal_sl"] == 0.8 and first["met"]
    assert second["service_level"] == pytest.approx(0.9) and second["met"]  # the calls' verdict
    assert _verdict(second["resolution_met"]) is False  # beside it, the e-mail's
