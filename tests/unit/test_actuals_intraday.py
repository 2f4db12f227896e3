"""Intraday updaters on plain arrays: ratio, damped ratio and the penalised score update."""

from __future__ import annotations

import numpy as np
import pytest

from actuals.intraday import (
    damped_ratio_update,
    day_shapes,
    no_update,
    penalised_update,
    ratio_update,
)

RNG = np.random.default_rng(7)
PROFILE = 50 + 40 * np.sin(np.linspace(0, np.pi, 20))
PAST = RNG.poisson(PROFILE * RNG.uniform(0.8, 1.2, (30, 1))).astype(float)


def test_the_ratio_methods_scale_the_rest_of_the_day() -> None:
    observed = PROFILE[:5] * 1.2
    assert no_update(PROFILE, observed) == pytest.approx(PROFILE[5:])
    assert ratio_update(PROFILE, observed) == pytest.approx(PROFILE[5:] * 1.2)
    assert damped_ratio_update(PROFILE, observed, 0.5) == pytest.approx(PROFILE[5:] * 1.1)
    with pytest.raises(ValueError):
        ratio_update(PROFILE, PROFILE)  # nothing left to forecast


def test_one_shape_is_exactly_the_damped_ratio() -> None:
    observed = PROFILE[:8] * np.array([1.3, 1.1, 1.2, 1.25, 1.0, 1.4, 1.2, 1.15])
    for level in (0.0, 0.5, 3.0):
        updated = penalised_update(PROFILE, observed, PAST, k=1, level_penalty=level)
        damped = damped_ratio_update(PROFILE, observed, 1.0 / (1.0 + level))
        assert updated == pytest.approx(damped, rel=1e-9)


def test_a_day_as_forecast_or_a_huge_penalty_leaves_the_forecast() -> None:
    shapes = day_shapes(PAST, 3)
    assert shapes @ shapes.T == pytest.approx(np.eye(3), abs=1e-12)
    same = penalised_update(PROFILE, PROFILE[:6], shapes=shapes, k=3)
    assert same == pytest.approx(PROFILE[6:], rel=1e-9)
    stiff = penalised_update(PROFILE, PROFILE[:6] * 2, PAST, k=3, level_penalty=1e9,
                             shape_penalty=1e9)  # fmt: skip
    assert stiff == pytest.approx(PROFILE[6:], rel=1e-6)


def test_more_shapes_follow_a_morning_that_changes_the_days_shape() -> None:
    """Past days vary in level and in an early-peak pattern; a morning with that pattern moves
    the afternoon as the pattern does, which one shape (a pure level change) cannot."""
    pattern = np.where(np.arange(20) < 10, 1.0, -1.0) * 15
    weights = RNG.normal(0, 1, (60, 1))
    past = PROFILE + weights * pattern + RNG.normal(0, 1, (60, 20))
    today = PROFILE + 1.5 * pattern
    two = penalised_update(PROFILE, today[:10], past, k=2, level_penalty=1.0, shape_penalty=0.01)
    one = penalised_update(PROFILE, today[:10], past, k=1, level_penalty=1.0)
    assert np.abs(two - today[10:]).sum() < 0.5 * np.abs(one - today[10:]).sum()


def test_the_rest_of_the_day_gets_a_requirement_and_a_predicted_service() -> None:
    from actuals.intraday import rest_of_day
    from optimizer.erlang import erlang_c_kpis
    from optimizer.requirements import ServiceGoal, StaffingModel, required_agents

    busy = PROFILE[:6] * 1.3
    plan_agents = np.full(20, 14.0)
    result = rest_of_day(
        PROFILE, busy, PAST, aht_s=300.0, rostered_agents=plan_agents, interval_min=30,
        goal=ServiceGoal(0.8, 20.0), model=StaffingModel("erlang_c"), shrinkage=0.2,
    )  # fmt: skip
    assert result.k == 2 and result.ratio_so_far == pytest.approx(1.3)
    assert result.calls[:6] == pytest.approx(busy)
    assert (result.calls[6:] > PROFILE[6:]).all()  # a busy morning raises the afternoon
    need = required_agents(result.calls, 300.0, interval_min=30, goal=ServiceGoal(0.8, 20.0),
                           shrinkage=0.2)  # fmt: skip
    assert list(result.required) == list(need.scheduled)
    kpis = erlang_c_kpis(result.calls, 300.0, plan_agents, interval_s=1800, answer_within_s=20)
    assert result.predicted_sl == pytest.approx(kpis.service_level)
    rest = result.calls[6:]
    assert result.rest_sl == pytest.approx((rest * kpis.service_level[6:]).sum() / rest.sum())
    alone = rest_of_day(
        PROFILE, busy, None, aht_s=300.0, rostered_agents=plan_agents, interval_min=30,
        goal=ServiceGoal(0.8, 20.0), model=StaffingModel("erlang_c"),
    )  # fmt: skip
    assert alone.k == 1  # no past days: the damped ratio (level penalty 1: half the ratio)
    assert alone.calls[6:] == pytest.approx(PROFILE[6:] * 1.15)
