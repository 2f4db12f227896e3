"""Erlang A requirement search: the series against the quadrature, ties decided by the
quadrature, and the search against a plain walk with the public ``erlang_a_kpis``."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.erlang import erlang_a_kpis, erlang_a_kpis_unchecked, log_erlang_b
from optimizer.erlang_series import erlang_a_kpis_series
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents

INTERVAL_S = 900.0


@pytest.mark.parametrize("patience_s", [1e-3, 1.0, 60.0, 180.0, 1800.0, 1e5, 1e9])
@pytest.mark.parametrize("t_s", [0.0, 20.0, 300.0])
def test_series_agrees_with_the_quadrature(patience_s: float, t_s: float) -> None:
    rng = np.random.default_rng(11)
    calls = np.exp(rng.uniform(np.log(0.01), np.log(8000.0), 400))
    aht = rng.uniform(30.0, 900.0, 400)
    lam = calls / INTERVAL_S
    agents = np.maximum(1.0, np.round(lam * aht * rng.uniform(0.3, 1.6, 400)))
    exact = erlang_a_kpis_unchecked(lam, aht, agents, t_s, patience_s)
    log_b = log_erlang_b(lam * aht, agents)
    series, ok = erlang_a_kpis_series(lam, aht, agents, log_b, t_s, patience_s)
    assert ok.mean() > (0.9 if patience_s <= 180.0 else 0.6)
    for name in ("service_level", "service_level_answered", "abandon_rate", "occupancy", "p_wait"):
        gap = np.abs(getattr(series, name) - getattr(exact, name))
        assert np.all(gap[ok] <= 2e-13), name
    np.testing.assert_allclose(series.asa_s[ok], exact.asa_s[ok], rtol=1e-12)


def test_a_target_exactly_at_the_quadrature_value_is_met_there() -> None:
    """A tie is decided by the quadrature (the screen may differ in the last digits)."""
    calls, aht, patience = np.array([350.0, 1200.0, 60.0]), np.array([240.0, 300.0, 200.0]), 150.0
    lam = calls / INTERVAL_S
    agents = np.ceil(lam * aht) + 2.0
    model = StaffingModel("erlang_a", patience)
    for i in range(calls.size):
        # one interval per call, as the search evaluates a tie (the quadrature's last digits
        # depend on which intervals share its Newton loop)
        exact = erlang_a_kpis_unchecked(
            lam[i : i + 1], aht[i : i + 1], agents[i : i + 1], 20.0, patience
        )
        for goal in (
            ServiceGoal(float(exact.service_level[0]), 20.0),
            ServiceGoal(None, 20.0, max_abandon_rate=float(exact.abandon_rate[0])),
        ):
            req = required_agents(calls[i : i + 1], aht[i : i + 1], goal=goal, model=model)
            assert req.agents[0] == agents[i]


def _walk(calls: float, aht: float, goal: ServiceGoal, model: StaffingModel) -> int:
    """First staffing from the offered load up (from 1 when allowed below) meeting the goal."""
    traffic = calls * aht / INTERVAL_S
    start = 1.0 if model.allow_below_offered_load else max(np.ceil(traffic), 1.0)
    agents = np.arange(start, np.ceil(traffic) + 100.0)
    k = erlang_a_kpis(
        calls,
        aht,
        agents,
        interval_s=INTERVAL_S,
        answer_within_s=goal.answer_within_s,
        patience_s=float(model.patience_s or 0.0),
    )
    sl = k.service_level_answered if goal.service_level_basis == "not_abandoned" else None
    ok = np.ones(agents.size, dtype=bool)
    if goal.service_level is not None:
        ok &= (k.service_level if sl is None else sl) >= goal.service_level
    if goal.max_abandon_rate is not None:
        ok &= k.abandon_rate <= goal.max_abandon_rate
    if goal.max_occupancy is not None:
        ok &= k.occupancy <= goal.max_occupancy * (1.0 + 1e-12)
    return int(agents[np.argmax(ok)])


@pytest.mark.parametrize(
    ("goal", "model"),
    [
        (ServiceGoal(0.8, 20.0), StaffingModel("erlang_a", 180.0)),
        (
            ServiceGoal(0.9, 30.0, service_level_basis="not_abandoned"),
            StaffingModel("erlang_a", 45.0),
        ),
        (
            ServiceGoal(None, max_abandon_rate=0.04, max_occupancy=0.9),
            StaffingModel("erlang_a", 600.0),
        ),
        (ServiceGoal(0.8, 20.0), StaffingModel("erlang_a", 120.0, allow_below_offered_load=True)),
    ],
)
def test_erlang_a_requirement_is_the_first_staffing_meeting_the_goal(
    goal: ServiceGoal, model: StaffingModel
) -> None:
    rng = np.random.default_rng(3)
    calls = np.concatenate([[0.2, 3.0], rng.uniform(5.0, 1000.0, 40)])
    aht = rng.uniform(120.0, 600.0, calls.size)
    req = required_agents(calls, aht, goal=goal, model=model)
    expected = [_walk(c, h, goal, model) for c, h in zip(calls, aht, strict=True)]
    assert req.agents.tolist() == expected
    at = erlang_a_kpis(
        calls,
        aht,
        req.agents,
        interval_s=INTERVAL_S,
        answer_within_s=goal.answer_within_s,
        patience_s=float(model.patience_s or 0.0),
    )
    np.testing.assert_allclose(req.service_level, at.service_level, rtol=0, atol=1e-13)
    np.testing.assert_allclose(req.asa_s, at.asa_s, rtol=1e-12)
    assert np.all(req.agents - 1 < req.agents_fractional)
    assert np.all(req.agents_fractional <= req.agents)
