"""Hypothesis properties of the Erlang engine and the requirement search."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.erlang import erlang_a_kpis, erlang_b, erlang_c, erlang_c_kpis
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents

# Overflow or log-of-zero warnings would mean a numerically broken regime: fail on them.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

INTERVAL_S = 900.0
FAST = settings(max_examples=60, deadline=None)

calls_st = st.floats(0.01, 6000.0)
aht_st = st.floats(30.0, 900.0)
patience_st = st.floats(1.0, 3000.0)
threshold_st = st.floats(0.0, 120.0)
share_st = st.floats(0.05, 0.98)


def _agents_around(calls: float, aht: float, width: int = 12) -> np.ndarray:
    traffic = calls * aht / INTERVAL_S
    start = max(0.0, np.floor(traffic - 3 * np.sqrt(traffic)) - 2)
    return start + np.arange(width + 6 * np.sqrt(traffic) // 1)


@FAST
@given(calls_st, aht_st, threshold_st, patience_st)
def test_service_level_never_falls_when_an_agent_is_added(
    calls: float, aht: float, t_s: float, patience: float
) -> None:
    agents = _agents_around(calls, aht)
    c = erlang_c_kpis(calls, aht, agents, interval_s=INTERVAL_S, answer_within_s=t_s)
    a = erlang_a_kpis(
        calls, aht, agents, interval_s=INTERVAL_S, answer_within_s=t_s, patience_s=patience
    )
    for k in (c, a):
        assert np.all(np.diff(k.service_level) >= -1e-12)
        assert np.all(np.diff(k.p_wait) <= 1e-12)
    assert np.all(np.diff(a.abandon_rate) <= 1e-12)


@FAST
@given(calls_st, aht_st, threshold_st, patience_st, st.floats(0.0, 8000.0))
def test_probabilities_stay_in_the_unit_interval(
    calls: float, aht: float, t_s: float, patience: float, agents: float
) -> None:
    traffic = calls * aht / INTERVAL_S
    for value in (erlang_b(traffic, agents), erlang_c(traffic, agents)):
        assert np.all((value >= 0) & (value <= 1))
    c = erlang_c_kpis(calls, aht, agents, interval_s=INTERVAL_S, answer_within_s=t_s)
    a = erlang_a_kpis(
        calls, aht, agents, interval_s=INTERVAL_S, answer_within_s=t_s, patience_s=patience
    )
    for k in (c, a):
        for field in (
            "p_wait",
            "service_level",
            "service_level_answered",
            "abandon_rate",
            "occupancy",
        ):
            value = getattr(k, field)
            assert np.all((value >= 0) & (value <= 1)), field
        assert k.service_level[0] <= k.service_level_answered[0] + 1e-12
        assert np.all(k.asa_s >= 0)


goal_st = st.builds(
    ServiceGoal,
    service_level=st.one_of(st.none(), share_st),
    answer_within_s=threshold_st,
    max_asa_s=st.one_of(st.none(), st.floats(1.0, 300.0)),
    max_occupancy=st.one_of(st.none(), st.floats(0.5, 1.0)),
).filter(
    lambda g: g.service_level is not None or g.max_asa_s is not None or g.max_occupancy is not None
)


def _meets(k: object, goal: ServiceGoal) -> np.ndarray:
    """The goal at these KPIs, with the requirement's relative slack of 1e-12 on the falling
    targets (an ASA exactly at its bound comes out 3e-16 above it from the KPI formulas)."""
    ok = np.ones(1, dtype=bool)
    if goal.service_level is not None:
        ok &= k.service_level >= goal.service_level  # type: ignore[attr-defined]
    if goal.max_asa_s is not None:
        ok &= k.asa_s <= goal.max_asa_s * (1 + 1e-12)  # type: ignore[attr-defined]
    if goal.max_occupancy is not None:
        ok &= k.occupancy <= goal.max_occupancy * (1 + 1e-12)  # type: ignore[attr-defined]
    return ok


@FAST
@given(calls_st, aht_st, goal_st)
def test_erlang_c_requirement_meets_the_goal_with_one_agent_fewer_missing_it(
    calls: float, aht: float, goal: ServiceGoal
) -> None:
    req = required_agents([calls], [aht], goal=goal)
    traffic = calls * aht / INTERVAL_S
    n = int(req.agents[0])
    assert n > traffic  # strictly more than the offered load
    assert req.agents_fractional[0] >= traffic
    frac = req.agents_fractional[0]
    # an integer load that only stability binds needs A + 1 agents; its fractional value is A
    assert n - 1 < frac <= n or frac == traffic == n - 1
    at = erlang_c_kpis(
        calls, aht, float(n), interval_s=INTERVAL_S, answer_within_s=goal.answer_within_s
    )
    fewer = erlang_c_kpis(
        calls, aht, n - 1.0, interval_s=INTERVAL_S, answer_within_s=goal.answer_within_s
    )
    assert _meets(at, goal)[0]
    assert n - 1 <= traffic or not _meets(fewer, goal)[0]


@FAST
@given(
    calls_st,
    aht_st,
    patience_st,
    share_st,
    threshold_st,
    st.one_of(st.none(), st.floats(0.005, 0.5)),
    st.booleans(),
)
def test_erlang_a_requirement_meets_the_goal_with_one_agent_fewer_missing_it(
    calls: float,
    aht: float,
    patience: float,
    sl: float,
    t_s: float,
    max_abandon: float | None,
    below_load: bool,
) -> None:
    goal = ServiceGoal(sl, t_s, max_abandon_rate=max_abandon)
    model = StaffingModel("erlang_a", patience, allow_below_offered_load=below_load)
    req = required_agents([calls], [aht], goal=goal, model=model)
    traffic = calls * aht / INTERVAL_S
    n = float(req.agents[0])
    kwargs = {"interval_s": INTERVAL_S, "answer_within_s": t_s, "patience_s": patience}
    at, fewer = (erlang_a_kpis(calls, aht, agents, **kwargs) for agents in (n, n - 1.0))

    def ok(k: object) -> bool:
        met = k.service_level[0] >= sl  # type: ignore[attr-defined]
        return bool(met and (max_abandon is None or k.abandon_rate[0] <= max_abandon))  # type: ignore[attr-defined]

    assert n >= 1 and ok(at)
    assert n - 1 < req.agents_fractional[0] <= n
    if below_load:
        assert n == 1 or not ok(fewer)
        # Served calls cannot exceed the agents: n >= carried load A (1 - abandon rate).
        assert n >= traffic * (1 - at.abandon_rate[0]) * (1 - 1e-9)
    else:
        # Default: never below the offered load; above it, one agent fewer misses the goal.
        assert n >= traffic and req.agents_fractional[0] >= traffic
        assert n == max(1, np.ceil(traffic)) or not ok(fewer)


@FAST
@given(calls_st, aht_st, threshold_st, st.floats(1.0, 30.0))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(
    calls: float, aht: float, t_s: float, headroom: float
) -> None:
    traffic = calls * aht / INTERVAL_S
    agents = np.floor(traffic + headroom * np.sqrt(traffic) + 1.0)
    c = erlang_c_kpis(calls, aht, agents, interval_s=INTERVAL_S, answer_within_s=t_s)
    gaps = []
    for patience in (1e3, 1e5, 1e7, 1e9):
        a = erlang_a_kpis(
            calls, aht, agents, interval_s=INTERVAL_S, answer_within_s=t_s, patience_s=patience
        )
        gaps.append(float(abs(a.service_level - c.service_level)[0] + abs(a.p_wait - c.p_wait)[0]))
    # The gap closes like 1 / patience: a 100x more patient crowd is ~100x closer to Erlang C.
    assert gaps[-1] < 1e-4
    assert all(later <= earlier / 20 + 1e-11 for earlier, later in itertools.pairwise(gaps))


@FAST
@given(aht_st, goal_st, st.integers(1, 20))
def test_zero_traffic_needs_zero_agents(aht: float, goal: ServiceGoal, size: int) -> None:
    for model in (StaffingModel(), StaffingModel("erlang_a", 120.0)):
        req = required_agents(np.zeros(size), np.full(size, aht), goal=goal, model=model)
        assert np.all(req.agents == 0) and np.all(req.agents_fractional == 0)
        assert np.all(req.scheduled == 0)
