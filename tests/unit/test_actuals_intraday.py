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
