"""Invariants of the forecasting methods and intervals (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.models.benchmarks import SameWeekdayMean, SeasonalNaive
from forecasting.models.intervals import IntervalCalibration
from forecasting.models.profile_volume import ProfileVolume
from forecasting.models.svd import SvdScores
from tests.forecasting_support import matrix_of, targets_for, weekdays_between

DAYS = weekdays_between(dt.date(2025, 1, 6), 45)
TARGETS = targets_for(weekdays_between(dt.date(2025, 3, 10), 5))
METHODS = [SeasonalNaive(), SameWeekdayMean(), ProfileVolume(), SvdScores()]

counts = st.integers(min_value=0, max_value=2**31 - 1).map(
    lambda seed: (
        np.random.default_rng(seed)
        .poisson(np.random.default_rng(seed + 1).uniform(5, 400, size=(1, 8)), size=(45, 8))
        .astype(float)
        + 1.0
    )
)


@settings(max_examples=15, deadline=None)
@given(values=counts, method=st.sampled_from(METHODS))
def test_forecasts_are_finite_and_non_negative(values: np.ndarray, method: object) -> None:
    out = method.predict(matrix_of(DAYS, values), TARGETS)  # type: ignore[attr-defined]
    assert out.shape == (5, 8) and np.isfinite(out).all() and (out >= 0).all()


@settings(max_examples=15, deadline=None)
@given(values=counts, factor=st.floats(min_value=0.1, max_value=50.0))
def test_level_methods_scale_with_the_history(values: np.ndarray, factor: float) -> None:
    for method in (SeasonalNaive(), SameWeekdayMean(), ProfileVolume()):
        base = method.predict(matrix_of(DAYS, values), TARGETS)
        scaled = method.predict(matrix_of(DAYS, values * factor), TARGETS)
        np.testing.assert_allclose(scaled, base * factor, rtol=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    mean=st.lists(st.floats(min_value=0.0, max_value=1e5), min_size=1, max_size=20),
    z=st.floats(min_value=0.1, max_value=3.0),
    k=st.floats(min_value=0.0, max_value=0.05),
)
def test_bounds_bracket_the_mean_and_widen_with_coverage(mean: list, z: float, k: float) -> None:
    arr = np.array(mean)
    lo, hi = IntervalCalibration(0.8, -z, z, (k,), 100).bounds(arr)
    wide_lo, wide_hi = IntervalCalibration(0.9, -2 * z, 2 * z, (k,), 100).bounds(arr)
    assert (lo >= 0).all() and (lo <= arr).all() and (arr <= hi).all()
    assert (wide_lo <= lo + 1e-9).all() and (wide_hi >= hi - 1e-9).all()
