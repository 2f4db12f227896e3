"""Prediction intervals on series with known noise: day-level multiplicative error x Poisson.

The calls of day ``d`` in interval ``j`` are Poisson with mean ``mu_j * exp(e_d)``, ``e_d`` a
day-level log error shared by every interval of the day (the structure of real contact-centre
arrivals). The calibration sees only the history; coverage is measured out of sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest

from forecasting.backtest import backtest
from forecasting.models.base import DayMatrix, TargetDays
from forecasting.models.benchmarks import SameWeekdayMean
from forecasting.models.intervals import (
    FoldErrors,
    IntervalCalibration,
    calibrate,
    replay_ranks,
)
from forecasting.special_days import SpecialDays, clean_matrix
from tests.forecasting_support import matrix_of, weekdays_between

START = dt.date(2025, 1, 6)
MU = np.array([40.0, 150.0, 400.0, 600.0, 300.0, 90.0])


def day_noise_matrix(seed: int, n_days: int, day_sd: np.ndarray | float) -> DayMatrix:
    """Poisson counts around ``MU * exp(e_d)``, ``e_d ~ N(0, day_sd[d])``."""
    rng = np.random.default_rng(seed)
    sd = np.broadcast_to(np.asarray(day_sd, dtype=float), (n_days,))
    level = np.exp(rng.normal(0.0, 1.0, n_days) * sd)
    values = rng.poisson(MU[None, :] * level[:, None]).astype(float)
    return matrix_of(weekdays_between(START, n_days), values)


@dataclass(frozen=True, slots=True)
class Oracle:
    """Forecasts the true expected calls ``MU`` (errors are then the noise alone)."""

    @property
    def name(self) -> str:
        return "oracle"

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        return np.tile(MU, (targets.days.size, 1))


def coverage_of(calib: IntervalCalibration, matrix: DayMatrix, rows: np.ndarray) -> float:
    lo, hi = calib.bounds(np.tile(MU, (rows.size, 1)))
    actual = matrix.values[rows]
    return float(np.mean((actual >= lo) & (actual <= hi)))


def test_day_level_noise_is_covered_at_about_the_stated_rate_out_of_sample() -> None:
    matrix = day_noise_matrix(11, 260, 0.08)
    days = weekdays_between(START, 260)
    origins = [days[i] for i in range(140, 260, 5)]
    result = backtest(SameWeekdayMean(weeks=8), matrix, origins, clean=False, coverage=0.8)
    assert result.n_intervals == 24 * 5 * 6
    assert 0.74 <= result.coverage <= 0.86
    # a Poisson-only interval on the same days misses the day-level error (about 0.6)
    poisson = IntervalCalibration(0.8, -1.2816, 1.2816, (0.0,), 0)
    test_rows = np.arange(140, 260)
    mean = np.tile(MU, (test_rows.size, 1))
    lo, hi = poisson.bounds(mean)
    assert np.mean((matrix.values[test_rows] >= lo) & (matrix.values[test_rows] <= hi)) < 0.68


def test_scale_slope_matches_the_known_day_level_variance() -> None:
    # sqrt(mu e^x) - sqrt(mu) ~ sqrt(mu) x / 2: k = sd^2 / 4 for a forecast of the true mean
    matrix = day_noise_matrix(5, 160, 0.08)
    calib = calibrate(Oracle(), matrix, folds=20, replay_blocks=0)
    assert np.mean(calib.k) == pytest.approx(0.08**2 / 4, rel=0.35)
    assert calib.n_replay == 0 and calib.level_lo == pytest.approx(0.1)


def test_recalibrated_levels_stay_nominal_when_the_noise_is_stationary() -> None:
    levels = []
    for seed in range(4):
        calib = calibrate(Oracle(), day_noise_matrix(seed, 150, 0.06))
        assert calib.n_replay == 20
        levels.append((calib.level_lo, calib.level_hi))
    lo, hi = np.mean(levels, axis=0)
    assert lo == pytest.approx(0.1, abs=0.04) and hi == pytest.approx(0.9, abs=0.04)


def test_recalibration_widens_the_levels_when_errors_outgrow_their_calibration() -> None:
    # day-level sd growing 3 % a day: each block is wider than the six before it
    growing = 0.01 * 1.03 ** np.arange(150)
    calibs = [calibrate(Oracle(), day_noise_matrix(seed, 150, growing)) for seed in range(3)]
    assert np.mean([c.level_lo for c in calibs]) < 0.06
    assert np.mean([c.level_hi for c in calibs]) > 0.94
    nominal = calibrate(Oracle(), day_noise_matrix(0, 150, growing), replay_blocks=0)
    assert calibs[0].z_lo < nominal.z_lo and calibs[0].z_hi > nominal.z_hi


def test_replay_ranks_of_identical_blocks_are_uniform() -> None:
    rng = np.random.default_rng(0)
    mean = np.full(400, 100.0)
    lead = np.tile(np.arange(1, 6), 80)
    folds = [FoldErrors(mean, (10.0 + rng.normal(0, 1.0, 400)) ** 2, lead) for _ in range(12)]
    ranks, replayed = replay_ranks(folds, 6, 5)
    assert replayed == 6 and ranks.size == 6 * 400
    assert np.quantile(ranks, [0.1, 0.5, 0.9]) == pytest.approx([0.1, 0.5, 0.9], abs=0.03)


def test_calibration_meets_outlier_days_like_the_forecast_does() -> None:
    matrix = day_noise_matrix(9, 120, 0.04)
    values = matrix.values.copy()
    values[112] *= 2.5  # an outage-recovery surge inside the calibration folds
    spiky = matrix_of(weekdays_between(START, 120), values)
    special = SpecialDays()
    cleaned = clean_matrix(spiky, special)[0]
    assert cleaned.days.size == 119  # the surge is detected and left out of fitting
    raw = calibrate(SameWeekdayMean(weeks=4), spiky, special=special, replay_blocks=0)
    old = calibrate(SameWeekdayMean(weeks=4), cleaned, replay_blocks=0)
    # the surge (lead time 3 of its fold) is fitted around but still scored, so the interval
    # allows for such days
    mean = np.tile(MU, (5, 1))
    assert raw.scale(mean)[2, -1] > 1.5 * old.scale(mean)[2, -1]


def test_too_short_a_history_falls_back_to_nominal_levels() -> None:
    calib = calibrate(Oracle(), day_noise_matrix(1, 40, 0.05))
    assert calib.n_replay == 0
    assert (calib.level_lo, calib.level_hi) == pytest.approx((0.1, 0.9))
