"""Backtest metrics, interval calibration, outlier days and the method choice."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from forecasting.backtest import (
    OriginForecast,
    backtest,
    choose_method,
    score,
    seasonal_naive_scale,
)
from forecasting.models.base import DayMatrix
from forecasting.models.benchmarks import SameWeekdayMean, SeasonalNaive
from forecasting.models.intervals import CalibrationSettings, IntervalCalibration, calibrate
from forecasting.special_days import SpecialDays, clean_matrix, detect_outlier_days
from tests.forecasting_support import exact_matrix, matrix_of, weekdays_between

START = dt.date(2025, 1, 6)


def test_score_by_hand() -> None:
    forecast = OriginForecast(
        mean=np.array([[10.0, 20.0]]),
        lo=np.array([[8.0, 19.0]]),
        hi=np.array([[12.0, 21.0]]),
        actual=np.array([[12.0, 15.0]]),
        scale=2.0,
    )
    s = score("m", [forecast], 0.5)
    assert s.wape == pytest.approx(7 / 27)
    assert s.bias == pytest.approx(3 / 27)
    assert s.mase == pytest.approx(3.5 / 2.0)
    assert s.coverage == pytest.approx(0.5)
    assert (s.n_origins, s.n_intervals, s.seconds) == (1, 2, 0.5)
    assert np.isnan(s.interval_score)  # no nominal level given
    # Winkler at alpha 0.2: widths 4 and 2, the second actual 4 below its interval: 2 / 0.2 * 4
    with_level = score("m", [forecast], 0.5, coverage=0.8)
    assert with_level.interval_score == pytest.approx((4 + 2 + 10 * 4) / 2 / (27 / 2))


def test_backtest_passes_its_calibration_window_to_the_intervals() -> None:
    matrix = _poisson_matrix(4, 160)
    origins = [weekdays_between(START, 160)[i] for i in range(130, 160, 5)]

    def run(settings: CalibrationSettings) -> float:
        method = SameWeekdayMean(weeks=8)
        return backtest(method, matrix, origins, clean=False, calibration=settings).interval_score

    assert run(CalibrationSettings()) == run(CalibrationSettings(6, 20))
    assert run(CalibrationSettings(6, 0)) != run(CalibrationSettings(6, 20))
    assert run(CalibrationSettings(12, 0)) != run(CalibrationSettings(6, 0))


def test_seasonal_naive_scale_uses_previous_same_weekday() -> None:
    days = weekdays_between(START, 10)
    values = np.array([[float(i)] for i in range(10)])  # each weekday rises by 5 a week
    assert seasonal_naive_scale(matrix_of(days, values)) == pytest.approx(5.0)


def _poisson_matrix(seed: int, n_days: int) -> DayMatrix:
    rng = np.random.default_rng(seed)
    days = weekdays_between(START, n_days)
    mean = np.tile(np.array([50.0, 200.0, 400.0, 150.0]), (n_days, 1))
    return matrix_of(days, rng.poisson(mean).astype(float))


def test_calibrated_intervals_cover_poisson_counts_at_the_stated_rate_out_of_sample() -> None:
    matrix = _poisson_matrix(1, 200)
    origins = [weekdays_between(START, 200)[i] for i in range(60, 200, 5)]
    result = backtest(SameWeekdayMean(weeks=8), matrix, origins, clean=False, coverage=0.8)
    assert result.n_intervals == 28 * 5 * 4
    assert result.coverage == pytest.approx(0.8, abs=0.06)


def test_too_little_data_falls_back_to_poisson_interval() -> None:
    calib = calibrate(SeasonalNaive(), exact_matrix(weekdays_between(START, 8)), coverage=0.8)
    assert calib.k == (0.0,) and calib.z_hi == pytest.approx(1.2816, abs=1e-3)
    lo, hi = IntervalCalibration(0.8, -1.2816, 1.2816, (0.0,), 0).bounds(np.array([100.0]))
    assert lo[0] == pytest.approx((10 - 0.6408) ** 2) and hi[0] == pytest.approx((10 + 0.6408) ** 2)


def test_outlier_and_partial_days_are_flagged_and_excluded() -> None:
    days = weekdays_between(START, 40)
    values = exact_matrix(days).values * np.random.default_rng(3).normal(1, 0.02, (40, 1))
    values[17] *= 3.0
    values[25, :3] = np.nan
    train = matrix_of(days, values)
    found = {(e.day, e.reason) for e in detect_outlier_days(train)}
    assert found == {(days[17], "outlier_high"), (days[25], "partial_day")}
    cleaned, excluded = clean_matrix(train, SpecialDays(exclude=frozenset({days[3]})))
    assert cleaned.days.size == 37
    assert [e.reason for e in excluded] == ["calendar", "outlier_high", "partial_day"]


def test_outlier_day_does_not_move_the_default_forecast() -> None:
    days = weekdays_between(START, 60)
    base = exact_matrix(days)
    spiked = base.values.copy()
    spiked[-3] *= 4.0
    origin = [dt.date(2025, 3, 31)]
    tail = weekdays_between(dt.date(2025, 3, 31), 5)
    full = matrix_of(days + tail, np.vstack([spiked, exact_matrix(tail).values]))
    from forecasting.models.profile_volume import ProfileVolume

    robust = backtest(ProfileVolume(smooth_min=0.0), full, origin, clean=True, coverage=None)
    naive = backtest(ProfileVolume(smooth_min=0.0), full, origin, clean=False, coverage=None)
    assert robust.wape < 0.01 < naive.wape
    exact = backtest(
        SameWeekdayMean(),
        matrix_of(days + tail, np.vstack([base.values, exact_matrix(tail).values])),
        origin,
        clean=False,
        coverage=None,
    )
    assert exact.wape == pytest.approx(0.0, abs=1e-12)


def test_choice_keeps_the_benchmark_when_nothing_beats_it() -> None:
    days = weekdays_between(START, 60)
    rng = np.random.default_rng(5)
    week = rng.uniform(50, 500, size=(5, 6))
    repeating = matrix_of(days, np.array([week[d.weekday()] for d in days]))
    chosen, scores = choose_method(repeating, SpecialDays())
    assert chosen.name in {"seasonal_naive", "mean_last_4_weekdays"}
    assert {s.method for s in scores} >= {"seasonal_naive", "svd_scores"}


def test_choice_takes_the_default_when_it_beats_the_benchmarks() -> None:
    matrix = _poisson_matrix(7, 80)
    chosen, _ = choose_method(matrix, SpecialDays())
    assert chosen.name == "svd_scores"
