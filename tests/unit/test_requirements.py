"""Required agents: integer search against brute force, fractional interpolation, shrinkage,
targets combined, zero volume, validation and the frame contract."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from optimizer.erlang import erlang_a_kpis, erlang_c_kpis
from optimizer.errors import InputError
from optimizer.requirements import (
    REQUIREMENT_COLUMNS,
    ServiceGoal,
    StaffingModel,
    required_agents,
    requirements_from_forecast,
)
from tests.erlang_support import erlang_c_recursion, erlang_c_service_level

INTERVAL_S = 900.0


def _brute_force_erlang_c(calls: float, aht_s: float, sl: float, t_s: float) -> int:
    """First n > A with SL >= target, SL from the integer Erlang B recursion."""
    traffic = calls * aht_s / INTERVAL_S
    n = math.floor(traffic) + 1
    while erlang_c_service_level(calls, aht_s, n, INTERVAL_S, t_s) < sl:
        n += 1
    return n


def test_erlang_c_requirement_matches_brute_force_from_tiny_to_huge_traffic() -> None:
    rng = np.random.default_rng(7)
    calls = np.concatenate([[0.05, 1.0, 3.0], rng.uniform(10, 1000, 30), [15000.0, 30000.0]])
    aht = np.concatenate([[180.0, 200.0, 600.0], rng.uniform(180, 600, 30), [300.0, 180.0]])
    req = required_agents(calls, aht, goal=ServiceGoal(0.8, 20.0))
    expected = [_brute_force_erlang_c(c, h, 0.8, 20.0) for c, h in zip(calls, aht, strict=True)]
    assert req.agents.tolist() == expected
    assert req.agents.dtype == np.int64
    assert np.all(req.service_level >= 0.8)


def test_fractional_requirement_interpolates_the_service_level_curve() -> None:
    calls, aht = np.array([100.0, 360.0, 1234.0]), np.array([180.0, 240.0, 333.0])
    req = required_agents(calls, aht, interval_min=15, goal=ServiceGoal(0.8, 20.0))
    traffic = calls * aht / INTERVAL_S
    for i in range(3):
        n = int(req.agents[i])
        low_n = max(n - 1.0, traffic[i])  # the SL curve is 0 up to the offered load
        low = (
            0.0
            if n - 1 <= traffic[i]
            else erlang_c_service_level(calls[i], aht[i], n - 1, INTERVAL_S, 20)
        )
        high = erlang_c_service_level(calls[i], aht[i], n, INTERVAL_S, 20)
        expected = low_n + (0.8 - low) / (high - low) * (n - low_n)
        assert req.agents_fractional[i] == pytest.approx(expected, rel=1e-12)
        assert n - 1 < req.agents_fractional[i] <= n
        assert req.agents_fractional[i] > traffic[i]


def test_summed_fractional_requirement_does_not_carry_each_round_up() -> None:
    calls = np.full(96, 37.0)
    req = required_agents(calls, 240.0, goal=ServiceGoal(0.8, 20.0))
    assert req.agents_fractional.sum() < req.agents.sum() - 10


def test_call_centre_helper_example_with_occupancy_cap_and_shrinkage() -> None:
    goal = ServiceGoal(0.8, 20.0, max_occupancy=0.85)
    req = required_agents([100.0], [180.0], interval_min=30, goal=goal, shrinkage=0.3)
    assert req.agents.tolist() == [14]
    assert req.scheduled.tolist() == [20]  # 14 / 0.7 = 20.000000000000004 must not round to 21
    assert req.scheduled_fractional[0] == pytest.approx(req.agents_fractional[0] / 0.7)
    assert req.service_level[0] == pytest.approx(0.88835, abs=5e-6)


def test_occupancy_cap_binds_exactly_at_traffic_over_cap() -> None:
    goal = ServiceGoal(service_level=None, max_occupancy=0.8)
    req = required_agents([450.0, 400.0], [180.0, 180.0], interval_min=15, goal=goal)
    # 90 Erlangs / 0.8 = 112.5 ; 80 Erlangs / 0.8 = 100 exactly
    assert req.agents.tolist() == [113, 100]
    assert req.agents_fractional == pytest.approx([112.5, 100.0])
    assert np.all(req.occupancy <= 0.8 + 1e-12)


def test_targets_combine_to_the_strictest() -> None:
    calls, aht = np.array([50.0, 400.0, 2000.0]), np.array([300.0, 240.0, 420.0])
    sl_only = required_agents(calls, aht, goal=ServiceGoal(0.8, 20.0))
    asa_only = required_agents(calls, aht, goal=ServiceGoal(None, max_asa_s=5.0))
    occ_only = required_agents(calls, aht, goal=ServiceGoal(None, max_occupancy=0.9))
    both = required_agents(
        calls, aht, goal=ServiceGoal(0.8, 20.0, max_asa_s=5.0, max_occupancy=0.9)
    )
    expected = np.maximum.reduce([sl_only.agents, asa_only.agents, occ_only.agents])
    assert both.agents.tolist() == expected.tolist()
    assert np.all(both.asa_s <= 5.0) and np.all(both.service_level >= 0.8)
    # ASA one agent fewer misses the ceiling.
    fewer = erlang_c_kpis(
        calls, aht, asa_only.agents - 1, interval_s=INTERVAL_S, answer_within_s=20
    )
    assert np.all(fewer.asa_s > 5.0)
    frac = np.maximum.reduce(
        [sl_only.agents_fractional, asa_only.agents_fractional, occ_only.agents_fractional]
    )
    assert both.agents_fractional == pytest.approx(frac)


def test_asa_fractional_uses_answer_speed_when_the_lower_point_is_unstable() -> None:
    req = required_agents([0.2], [180.0], goal=ServiceGoal(None, max_asa_s=300.0))
    assert req.agents.tolist() == [1]
    traffic = 0.2 * 180 / INTERVAL_S
    asa_1 = erlang_c_recursion(traffic, 1) * 180 / (1 - traffic)
    expected = traffic + asa_1 / 300.0 * (1 - traffic)
    assert req.agents_fractional[0] == pytest.approx(expected)


def test_erlang_a_requirement_matches_brute_force() -> None:
    calls, aht = np.array([20.0, 100.0, 400.0, 900.0]), np.array([200.0, 180.0, 300.0, 240.0])
    model = StaffingModel("erlang_a", patience_s=90.0)
    goal = ServiceGoal(0.8, 20.0, max_abandon_rate=0.03, max_asa_s=15.0)
    req = required_agents(calls, aht, goal=goal, model=model)
    for i in range(calls.size):
        n = np.arange(0.0, 400.0)
        k = erlang_a_kpis(
            calls[i], aht[i], n, interval_s=INTERVAL_S, answer_within_s=20, patience_s=90
        )
        ok = (k.service_level >= 0.8) & (k.abandon_rate <= 0.03) & (k.asa_s <= 15.0) & (n >= 1)
        assert req.agents[i] == int(n[np.argmax(ok)])
        assert req.agents[i] - 1 < req.agents_fractional[i] <= req.agents[i]
    assert req.model == "erlang_a"


def test_erlang_a_service_level_basis() -> None:
    model = StaffingModel("erlang_a", patience_s=30.0)
    calls, aht = np.full(3, 300.0), np.full(3, 300.0)
    all_arrivals = required_agents(calls, aht, goal=ServiceGoal(0.9, 30.0), model=model)
    answered = required_agents(
        calls, aht, goal=ServiceGoal(0.9, 30.0, service_level_basis="not_abandoned"), model=model
    )
    assert np.all(answered.agents <= all_arrivals.agents)
    assert np.all(answered.service_level_answered >= 0.9)


def test_zero_volume_needs_zero_agents_and_tiny_volume_one() -> None:
    for model in (StaffingModel(), StaffingModel("erlang_a", 60.0)):
        req = required_agents([0.0, 0.01, 0.0], 300.0, goal=ServiceGoal(0.8, 20.0), model=model)
        assert req.agents.tolist() == [0, 1, 0]
        assert req.agents_fractional[0] == 0.0 and req.scheduled[2] == 0
        assert req.service_level[0] == 1.0 and req.occupancy[0] == 0.0


def test_frame_contract() -> None:
    starts = pd.date_range("2024-01-01", periods=3, freq="15min", tz="UTC")
    req = required_agents([10.0, 0.0, 50.0], [200.0, 200.0, 250.0], shrinkage=0.25)
    frame = req.to_frame(starts)
    assert list(frame.columns) == list(REQUIREMENT_COLUMNS)
    assert frame["interval_start"].tolist() == list(starts)
    assert frame["scheduled"].tolist() == [math.ceil(a / 0.75) for a in frame["agents"]]
    assert list(req.to_frame().columns) == list(REQUIREMENT_COLUMNS)[1:]
    with pytest.raises(InputError):
        req.to_frame(starts[:2])
    forecast = pd.DataFrame({"interval_start": starts, "calls": [10.0, 0.0, 50.0], "aht_s": 200.0})
    out = requirements_from_forecast(forecast, interval_min=15)
    assert out["agents"].tolist() == required_agents(forecast["calls"], 200.0).agents.tolist()
    with pytest.raises(InputError) as err:
        requirements_from_forecast(forecast.drop(columns="aht_s"))
    assert err.value.problems[0].field == "aht_s"


def test_validation_collects_every_problem() -> None:
    with pytest.raises(InputError) as err:
        required_agents(
            [10.0, -5.0, float("inf"), float("nan"), 4.0],
            [180.0, 180.0, 180.0, 180.0, -3.0],
            interval_min=15,
            goal=ServiceGoal(service_level=1.2, answer_within_s=-5, max_abandon_rate=0.1),
            model=StaffingModel("erlang_c"),
            shrinkage=1.0,
        )
    found = {(p.row, p.field) for p in err.value.problems}
    assert found == {
        (1, "calls"),
        (2, "calls"),
        (3, "calls"),
        (4, "aht_s"),
        (None, "service_level"),
        (None, "answer_within_s"),
        (None, "max_abandon_rate"),
        (None, "shrinkage"),
    }
    assert err.value.problems[0].row == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"model": StaffingModel("erlang_a")}, "patience_s"),
        ({"model": StaffingModel("erlang_a", patience_s=-1.0)}, "patience_s"),
        ({"goal": ServiceGoal(service_level=None)}, "goal"),
        ({"goal": ServiceGoal(max_occupancy=0.0)}, "max_occupancy"),
        ({"goal": ServiceGoal(max_asa_s=0.0)}, "max_asa_s"),
        ({"shrinkage": -0.1}, "shrinkage"),
        ({"interval_min": 0}, "interval_min"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        required_agents([10.0], [180.0], **kwargs)  # type: ignore[arg-type]
    assert [p.field for p in err.value.problems] == [field]


def test_mismatched_lengths() -> None:
    with pytest.raises(InputError) as err:
        required_agents([10.0, 20.0], [180.0, 200.0, 300.0])
    assert err.value.problems[0].code == "length_mismatch"


def test_erlang_a_floors_at_the_offered_load_unless_allowed_below() -> None:
    # 176.66 Erlangs, patience 3 min: Erlang A meets 80/20 with 174 agents by planning for
    # abandonment; by default the requirement is floored at the offered load (ceil(A) = 177).
    calls, aht = [389.7], [408.0]
    goal = ServiceGoal(0.8, 20.0)
    free = required_agents(calls, aht, goal=goal, model=StaffingModel("erlang_a", 180.0, True))
    floored = required_agents(calls, aht, goal=goal, model=StaffingModel("erlang_a", 180.0))
    traffic = 389.7 * 408.0 / INTERVAL_S
    assert free.agents.tolist() == [174] and free.agents_fractional[0] < traffic
    assert floored.agents.tolist() == [177] and floored.agents_fractional[0] == pytest.approx(
        traffic
    )
    kwargs = {"interval_s": INTERVAL_S, "answer_within_s": 20.0, "patience_s": 180.0}
    sl = erlang_a_kpis(389.7, 408.0, [173.0, 174.0], **kwargs).service_level
    assert sl[0] < 0.8 <= sl[1]
    assert free.abandon_rate[0] > floored.abandon_rate[0] > 0
