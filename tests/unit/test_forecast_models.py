"""Methods on small series with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from forecasting.errors import ValidationError
from forecasting.models import DEFAULT_METHOD, default_method, method_by_name
from forecasting.models.benchmarks import SameWeekdayMean, SeasonalNaive
from forecasting.models.profile_volume import ProfileVolume, smooth_profile
from forecasting.models.svd import SvdScores
from tests.forecasting_support import (
    PROFILE,
    WEEKDAY_VOLUME,
    exact_matrix,
    matrix_of,
    targets_for,
    weekdays_between,
)

START = dt.date(2025, 1, 6)  # a Monday


def test_seasonal_naive_is_last_same_weekday_and_skips_a_closure() -> None:
    days = weekdays_between(START, 15)
    values = np.arange(15 * 2, dtype=float).reshape(15, 2)
    closed = frozenset({dt.date(2025, 1, 22)})  # third Wednesday removed
    keep = [i for i, d in enumerate(days) if d not in closed]
    train = matrix_of([days[i] for i in keep], values[keep], closed)
    out = SeasonalNaive().predict(train, targets_for([dt.date(2025, 1, 27), dt.date(2025, 1, 29)]))
    assert out[0].tolist() == values[10].tolist()  # Monday 2025-01-20
    assert out[1].tolist() == values[7].tolist()  # Wednesday 2025-01-15 (01-22 closed)


def test_mean_of_last_n_same_weekdays() -> None:
    days = weekdays_between(START, 20)
    values = np.arange(20 * 3, dtype=float).reshape(20, 3)
    out = SameWeekdayMean(weeks=3).predict(
        matrix_of(days, values), targets_for([dt.date(2025, 2, 4)])
    )
    assert out[0] == pytest.approx(values[[6, 11, 16]].mean(axis=0))  # the last three Tuesdays
    assert SameWeekdayMean(weeks=3).name == "mean_last_3_weekdays"


def test_unseen_weekday_is_not_forecast() -> None:
    train = exact_matrix(weekdays_between(START, 20))
    saturday = dt.date(2025, 2, 8)
    for method in (SeasonalNaive(), SameWeekdayMean(), ProfileVolume(), SvdScores()):
        assert np.isnan(method.predict(train, targets_for([saturday]))).all(), method.name


@pytest.mark.parametrize("method", [ProfileVolume(smooth_min=0.0), SvdScores()])
def test_noise_free_weekly_pattern_is_recovered(method: object) -> None:
    train = exact_matrix(weekdays_between(START, 60))
    target = weekdays_between(dt.date(2025, 3, 31), 5)
    out = method.predict(train, targets_for(target))  # type: ignore[attr-defined]
    truth = np.array([WEEKDAY_VOLUME[d.weekday()] * PROFILE for d in target])
    assert out == pytest.approx(truth, rel=0.01)


def test_post_closure_uplift_is_learned_from_history() -> None:
    closed = frozenset({dt.date(2025, 1, 20), dt.date(2025, 2, 17), dt.date(2025, 3, 17)})
    days = weekdays_between(START, 60, skip=closed)
    train = exact_matrix(days, closed)
    bumped = train.values.copy()
    bumped[train.post_closure] *= 1.3
    train = matrix_of(days, bumped, closed)
    target_closed = closed | {dt.date(2025, 4, 7)}
    target = targets_for([dt.date(2025, 4, 8), dt.date(2025, 4, 9)], target_closed)
    out = ProfileVolume(smooth_min=0.0).predict(train, target)
    assert out[0].sum() == pytest.approx(1.3 * WEEKDAY_VOLUME[1], rel=0.02)
    assert out[1].sum() == pytest.approx(WEEKDAY_VOLUME[2], rel=0.02)


def test_level_follows_a_step_change() -> None:
    days = weekdays_between(START, 80)
    train = exact_matrix(days)
    values = train.values.copy()
    values[60:] *= 1.2
    out = ProfileVolume(alpha=0.3).predict(
        matrix_of(days, values), targets_for([dt.date(2025, 5, 5)])
    )
    assert out[0].sum() == pytest.approx(1.2 * WEEKDAY_VOLUME[0], rel=0.03)


def test_profile_smoothing_keeps_the_total_and_flattens_a_spike() -> None:
    minutes = np.arange(0, 60, 5)
    spike = np.full(12, 1.0)
    spike[6] = 5.0
    smoothed = smooth_profile(spike, minutes, 5.0)
    assert smoothed[6] < 5.0 and smoothed[5] > 1.0
    assert smooth_profile(spike, minutes, 0.0) is spike


def test_method_registry() -> None:
    assert default_method().name == DEFAULT_METHOD
    assert method_by_name("profile_volume").name == "profile_volume"
    with pytest.raises(ValidationError) as info:
        method_by_name("prophet")
    assert info.value.problems[0].code == "unknown_method"


def test_month_edge_flags_skip_weekends_and_closures() -> None:
    from forecasting.models.base import month_edge_flags

    days = np.array(
        ["2003-08-01", "2003-08-04", "2003-08-29", "2003-09-02", "2003-09-30"],
        dtype="datetime64[D]",
    )
    flags = month_edge_flags(days, {dt.date(2003, 9, 1)})
    # Aug 1 (Fri) first; Aug 29 (Fri) last; Sep 1 closed so Sep 2 first; Sep 30 last.
    assert flags.tolist() == [True, False, True, True, True]


def test_month_edge_uplift_is_learned_from_history() -> None:
    days = weekdays_between(START, 80)
    truth = exact_matrix(days)
    with_edges = matrix_of(days, truth.values, month_edges=True)
    values = truth.values.copy()
    values[with_edges.month_edge] *= 1.15
    train = matrix_of(days, values, month_edges=True)
    target = targets_for([dt.date(2025, 5, 1), dt.date(2025, 5, 2)])
    target = type(target)(
        target.days, target.weekdays, target.post_closure, np.array([True, False])
    )
    for method in (ProfileVolume(smooth_min=0.0), SvdScores()):
        out = method.predict(train, target).sum(axis=1)
        assert out[0] == pytest.approx(1.15 * WEEKDAY_VOLUME[3], rel=0.02), method.name
        assert out[1] == pytest.approx(WEEKDAY_VOLUME[4], rel=0.02), method.name


def test_svd_gap_in_the_data_is_not_read_as_a_quiet_interval() -> None:
    days = weekdays_between(START, 60)
    values = exact_matrix(days).values.copy()
    values[-5:, 2] = np.nan  # last week's 10:00 interval lost by the export
    out = SvdScores().predict(matrix_of(days, values), targets_for([dt.date(2025, 3, 31)]))
    assert out[0, 2] == pytest.approx(WEEKDAY_VOLUME[0] * PROFILE[2], rel=0.02)
