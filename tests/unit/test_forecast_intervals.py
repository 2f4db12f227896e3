"""Two-component prediction intervals: day-level error x interval noise (models/intervals.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from forecasting.backtest import backtest
from forecasting.models.benchmarks import SameWeekdayMean
from forecasting.models.intervals import (
    FoldResiduals,
    IntervalCalibration,
    calibrate,
    day_log_errors,
    robust_overdispersion,
)
from tests.forecasting_support import matrix_of, weekdays_between

START = dt.date(2025, 1, 6)
Z80 = 1.2815515655446004


def test_without_day_spread_the_mixture_is_the_single_component_interval() -> None:
    mean = np.array([[0.5, 4.0, 90.0, 2500.0]])
    k = 0.002
    mixture = IntervalCalibration(0.8, -Z80, Z80, (k,), 0, 0.0, (0.0,)).bounds(mean)
    single = IntervalCalibration(0.8, -Z80, Z80, (k,), 0).bounds(mean)
    np.testing.assert_allclose(mixture[0], single[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(mixture[1], single[1], rtol=1e-6)


def test_mixture_bounds_are_the_quantiles_of_a_simulated_two_component_model() -> None:
    mean = np.array([[3.0, 40.0, 400.0], [3.0, 40.0, 400.0]])
    calib = IntervalCalibration(0.8, -Z80, Z80, (0.001,), 0, 0.03, (0.05, 0.12))
    lo, hi = calib.bounds(mean)
    rng = np.random.default_rng(11)
    for row, day_sd in enumerate(calib.day_sd):
        day = rng.normal(calib.day_bias, day_sd, size=(400_000, 1))
        shifted = mean[row] * np.exp(day)
        root = np.sqrt(shifted) + np.sqrt(0.25 + 0.001 * shifted) * rng.standard_normal(
            shifted.shape
        )
        draws = np.maximum(root, 0.0) ** 2
        sim_lo, sim_hi = np.quantile(draws, [0.1, 0.9], axis=0)
        np.testing.assert_allclose(lo[row], sim_lo, rtol=0.01, atol=0.02)
        np.testing.assert_allclose(hi[row], sim_hi, rtol=0.01)
    assert np.all(hi[1] - lo[1] > hi[0] - lo[0])  # the later lead's wider day error widens


def test_nan_cells_stay_nan_and_bounds_bracket_the_mean() -> None:
    mean = np.array([[np.nan, 0.0, 12.0, 800.0]])
    lo, hi = IntervalCalibration(0.8, -Z80, Z80, (0.0,), 0, -0.2, (0.1,)).bounds(mean)
    assert np.isnan(lo[0, 0]) and np.isnan(hi[0, 0])
    assert np.all(lo[0, 1:] <= mean[0, 1:]) and np.all(mean[0, 1:] <= hi[0, 1:])
    assert lo[0, 1] == 0.0


@pytest.mark.parametrize("k", [0.0, 0.002, 0.02])
def test_robust_overdispersion_recovers_the_noise_slope(k: float) -> None:
    rng = np.random.default_rng(3)
    mean = rng.uniform(10.0, 1000.0, 50_000)
    resid = rng.normal(0.0, np.sqrt(0.25 + k * mean))
    resid[:500] *= 20.0  # 1 % bursts barely move a median-based estimate
    estimate = robust_overdispersion(resid, mean)
    assert estimate == pytest.approx(k, abs=2e-4 + 0.08 * k)


def test_day_log_errors_by_hand() -> None:
    res = FoldResiduals(
        mean=np.array([10.0, 30.0, 20.0, 20.0]),
        actual=np.array([12.0, 36.0, 10.0, 20.0]),
        lead=np.array([1, 1, 2, 2]),
        day=np.array([7, 7, 8, 8]),
    )
    days = day_log_errors(res)
    np.testing.assert_allclose(days.log_error, np.log([48 / 40, 30 / 40]))
    assert days.lead.tolist() == [1, 2] and days.day.tolist() == [7, 8]
    np.testing.assert_allclose(days.cell_ratio, [1.2, 1.2, 0.75, 0.75])


def _day_level_matrix(seed: int, n_days: int, day_sd: float) -> np.ndarray:
    """Poisson counts around a profile scaled by a common log-normal level of each day."""
    rng = np.random.default_rng(seed)
    level = np.exp(rng.normal(0.0, day_sd, size=(n_days, 1)))
    profile = np.array([60.0, 220.0, 400.0, 380.0, 150.0, 90.0])
    return rng.poisson(profile * level).astype(float)


def test_day_level_errors_are_calibrated_out_of_sample() -> None:
    days = weekdays_between(START, 240)
    matrix = matrix_of(days, _day_level_matrix(5, 240, 0.08))
    origins = [days[i] for i in range(80, 240, 5)]
    result = backtest(SameWeekdayMean(weeks=8), matrix, origins, clean=False, coverage=0.8)
    assert result.coverage == pytest.approx(0.8, abs=0.05)
    calib = calibrate(SameWeekdayMean(weeks=8), matrix.take(np.arange(200)), coverage=0.8)
    # day error sd: level 0.08 x sqrt(1 + 1/8) (mean of 8 days) with the Poisson error of a
    # ~1300-call day total, sqrt(0.085^2 + 0.028^2) = 0.089; each lead's MAD rests on 10
    # days (relative sd ~ 0.37), their quadratic mean on 50 (~ 0.17): 2 sd
    expected = float(np.hypot(0.08 * np.sqrt(1 + 1 / 8), 1 / np.sqrt(1300)))
    assert np.sqrt(np.mean(np.square(calib.day_sd))) == pytest.approx(expected, rel=0.34)
    assert calib.k == pytest.approx((0.0,), abs=3e-4)  # no overdispersion given the day


def test_a_wider_day_error_gives_a_wider_calibrated_interval() -> None:
    days = weekdays_between(START, 120)
    calm = calibrate(SameWeekdayMean(weeks=8), matrix_of(days, _day_level_matrix(9, 120, 0.02)))
    wild = calibrate(SameWeekdayMean(weeks=8), matrix_of(days, _day_level_matrix(9, 120, 0.15)))
    mean = np.full((5, 1), 300.0)
    assert np.all(np.diff(wild.bounds(mean), axis=0) > np.diff(calm.bounds(mean), axis=0))
