"""Variance attribution (Shapley over volume, handle time, staffing, attendance) and the
service report built on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuals.attribution import (
    COALITIONS,
    FACTORS,
    IntervalInputs,
    QueueModel,
    attribute,
    coalition_values,
    shapley,
)
from actuals.report import Goal, service_report
from actuals.types import SlBasis

MODEL = QueueModel(kind="erlang_c", interval_min=30, answer_within_s=20.0)


def _inputs(**actual: np.ndarray) -> IntervalInputs:
    plan = dict(
        forecast_calls=np.array([100.0, 150.0, 80.0]),
        planned_aht_s=np.array([180.0, 180.0, 200.0]),
        required_agents=np.array([13.0, 18.0, 11.0]),
        rostered_agents=np.array([13.0, 18.0, 11.0]),
    )
    return IntervalInputs(
        **plan,
        actual_calls=actual.get("calls", plan["forecast_calls"]),
        actual_aht_s=actual.get("aht", plan["planned_aht_s"]),
        staffed_agents=actual.get("staffed", plan["rostered_agents"]),
    )


def test_shapley_of_an_additive_game_is_each_players_own_effect() -> None:
    effect = {"volume": -0.1, "handle_time": 0.03, "staffing": -0.02, "attendance": 0.0}
    game = {c: 0.8 + sum(effect[f] for f in c) for c in COALITIONS}
    assert shapley(game) == pytest.approx(effect)
    assert len(COALITIONS) == 16


def test_the_parts_sum_exactly_to_the_total_difference() -> None:
    inputs = IntervalInputs(
        forecast_calls=np.array([100.0, 150.0, 80.0]),
        planned_aht_s=np.array([180.0, 180.0, 200.0]),
        required_agents=np.array([13.0, 18.0, 11.0]),
        rostered_agents=np.array([12.0, 18.0, 11.0]),
        actual_calls=np.array([120.0, 140.0, 95.0]),
        actual_aht_s=np.array([195.0, 170.0, 210.0]),
        staffed_agents=np.array([11.0, 17.5, 11.0]),
    )
    values = coalition_values(inputs, MODEL)
    for mask in (np.array([True, True, True]), np.array([True, False, False])):
        result = attribute(values, mask, measured_sl=0.62)
        assert sum(result.parts.values()) == pytest.approx(
            result.modelled_sl - result.baseline_sl, abs=1e-12
        )
        assert sum(result.parts.values()) + result.model_gap == pytest.approx(
            result.total, abs=1e-12
        )
        # every factor went against the plan in the first interval
        assert all(result.parts[f] < 0 for f in ("volume", "handle_time", "staffing"))


def test_actuals_exactly_as_planned_show_no_variance() -> None:
    values = coalition_values(_inputs(), MODEL)
    result = attribute(values, np.ones(3, dtype=bool), measured_sl=0.9)
    assert result.parts == pytest.approx(dict.fromkeys(FACTORS, 0.0), abs=1e-15)
    assert result.modelled_sl == result.baseline_sl


def test_only_the_factor_that_moved_takes_the_variance() -> None:
    values = coalition_values(_inputs(staffed=np.array([10.0, 18.0, 11.0])), MODEL)
    result = attribute(values, np.ones(3, dtype=bool), measured_sl=0.8)
    assert result.parts["attendance"] < -0.01
    assert [result.parts[f] for f in ("volume", "handle_time", "staffing")] == [0.0, 0.0, 0.0]


def _day(start: str, offered: list[float], within: list[float]) -> pd.DataFrame:
    starts = pd.date_range(start, periods=len(offered), freq="30min", tz="UTC")
    offered_a = np.array(offered)
    return pd.DataFrame(
        {
            "interval_start": starts,
            "offered": offered_a,
            "answered": offered_a,
            "abandoned": 0.0,
            "abandoned_short": 0.0,
            "answered_within": np.array(within),
            "aht_s": 180.0,
            "asa_s": 10.0,
            "agents_staffed": np.nan,
        }
    )


def test_the_report_says_met_or_missed_per_day_and_why() -> None:
    actual = pd.concat(
        [
            _day("2026-03-02 09:00", [100, 100], [90, 85]),
            _day("2026-03-03 09:00", [160, 100], [60, 50]),
        ]
    )
    plan = pd.DataFrame(
        {
            "interval_start": actual["interval_start"].to_numpy(),
            "calls": 100.0,
            "aht_s": 180.0,
            "required": 13.0,
            "rostered": 13.0,
        }
    )
    report = service_report(
        actual, plan, goal=Goal(0.8, 20.0), basis=SlBasis(20.0), model=MODEL, grain="day"
    )
    days = report.periods.set_index("period")
    assert days.loc["2026-03-02", "service_level"] == pytest.approx(175 / 200)
    assert days.loc["2026-03-03", "service_level"] == pytest.approx(110 / 260)
    assert list(days["met"]) == [True, False]
    assert days.loc["2026-03-03", "attr_volume"] < 0  # 160 calls on a 100-call plan
    assert days.loc["2026-03-02", "attr_volume"] == 0.0
    parts = days[[f"attr_{f}" for f in FACTORS]].sum(axis=1) + days["attr_model_gap"]
    assert parts.to_numpy() == pytest.approx(days["attr_total"].to_numpy())
    assert days["planned_sl"].to_numpy() == pytest.approx(days["attr_baseline_sl"].to_numpy())
    assert list(days["forecast_wape"]) == pytest.approx([0.0, 60 / 260])
    assert days.loc["2026-03-03", "forecast_bias"] == pytest.approx(-60 / 260)
    assert len(report.missed) == 2  # both intervals of the 3rd
    weeks = service_report(actual, plan, goal=Goal(0.8, 20.0), basis=SlBasis(20.0),
                           model=MODEL, grain="week")  # fmt: skip
    assert list(weeks.periods["period"]) == ["2026-03-02"]
    assert weeks.periods["offered"].iloc[0] == 460


def test_a_clients_queues_report_together() -> None:
    from actuals.report import QueueActuals, queues_report

    def queue(label: str, within: list[float], aht_s: float) -> QueueActuals:
        actual = _day("2026-03-03 09:00", [160, 100], within)
        plan = pd.DataFrame({"interval_start": actual["interval_start"].to_numpy(),
                             "calls": 100.0, "aht_s": aht_s, "required": 13.0,
                             "rostered": 13.0})  # fmt: skip
        model = QueueModel(kind="erlang_c", interval_min=30, answer_within_s=20.0)
        return QueueActuals(actual.assign(aht_s=aht_s), plan, model, 0.0, label)

    both = [queue("sales", [60, 50], 180.0), queue("support", [150, 95], 120.0)]
    report = queues_report(both, goal=Goal(0.8, 20.0), basis=SlBasis(20.0))
    day = report.periods.iloc[0]
    assert day["offered"] == 520 and day["service_level"] == pytest.approx(355 / 520)
    alone = [queues_report([q], goal=Goal(0.8, 20.0), basis=SlBasis(20.0)) for q in both]
    forecast = sum(r.periods["forecast_calls"].iloc[0] for r in alone)
    assert day["forecast_calls"] == forecast == 400
    parts = sum(day[f"attr_{f}"] for f in FACTORS) + day["attr_model_gap"]
    assert parts == pytest.approx(day["attr_total"])
    assert sorted(set(report.missed["queue"])) == ["sales"]  # support met 94 % and 95 %
