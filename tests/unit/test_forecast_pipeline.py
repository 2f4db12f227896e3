"""forecast_history end to end: contract columns, DST days, closures, AHT, method choice, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from api.cli import main as staffwise
from forecasting.errors import InsufficientHistoryError, ValidationError
from forecasting.forecast import (
    FORECAST_COLUMNS,
    fit_forecaster,
    forecast_history,
    forecast_queues,
)
from forecasting.special_days import SpecialDays
from forecasting.synthetic import synthetic_history, to_acd_csv

ZONE = "America/New_York"


@functools.cache
def _history(start: dt.date, weeks: int, **kwargs: object) -> pd.DataFrame:
    return synthetic_history(start=start, weeks=weeks, zone=ZONE, **kwargs)  # type: ignore[arg-type]


def _per_local_day(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(frame["interval_start"].dt.tz_convert(ZONE).dt.date)["calls"].agg("size")


def test_forecast_contract_and_known_level() -> None:
    history = _history(dt.date(2025, 1, 6), 12, interval_min=30)
    result = forecast_history(history, zone=ZONE, interval_min=30, horizon_days=7)
    frame = result.frame
    assert tuple(frame.columns) == FORECAST_COLUMNS
    assert str(frame["interval_start"].dt.tz) == "UTC"
    assert (frame["calls_lo"] <= frame["calls"]).all() and (
        frame["calls"] <= frame["calls_hi"]
    ).all()
    assert result.coverage == 0.8 and result.method in {
        "svd_scores",
        "mean_last_4_weekdays",
        "seasonal_naive",
    }
    assert _per_local_day(frame).eq(30).all() and len(_per_local_day(frame)) == 7
    daily = frame.groupby(frame["interval_start"].dt.tz_convert(ZONE).dt.day_of_week)["calls"].sum()
    # generator: 4000 x weekday factor x trend (1 + 0.002 x 12 weeks) x yearly wave (~ +3 %)
    assert daily[2] == pytest.approx(4000 * 1.024 * 1.03, rel=0.08)
    assert daily[6] / daily[2] == pytest.approx(0.45, rel=0.1)
    assert frame["aht_s"].between(200, 400).all()


def test_forecast_over_both_dst_changes_keeps_local_hours() -> None:
    around_clock = dict(open_minute=0, close_minute=1440)
    spring = _history(dt.date(2026, 1, 5), 9, **around_clock)
    days = [dt.date(2026, 3, 7), dt.date(2026, 3, 8), dt.date(2026, 3, 9)]
    frame = forecast_history(
        spring, zone=ZONE, interval_min=15, days=days, method="profile_volume"
    ).frame
    assert _per_local_day(frame).tolist() == [96, 92, 96]
    autumn = _history(dt.date(2026, 8, 31), 9, **around_clock)
    days = [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    frame = forecast_history(
        autumn, zone=ZONE, interval_min=15, days=days, method="svd_scores"
    ).frame
    assert _per_local_day(frame).tolist() == [100, 96]
    assert frame["interval_start"].is_unique


def test_weekday_only_history_with_closure_forecasts_open_days_only() -> None:
    history = _history(dt.date(2025, 1, 6), 10, interval_min=60)
    weekday = history["interval_start"].dt.tz_convert(ZONE).dt.day_of_week < 5
    history = history[weekday].reset_index(drop=True)
    closed = frozenset({dt.date(2025, 3, 17)})
    result = forecast_history(
        history, zone=ZONE, interval_min=60, special=SpecialDays(closed=closed)
    )
    days = sorted(_per_local_day(result.frame).index)
    assert days == [
        dt.date(2025, 3, 18),
        dt.date(2025, 3, 19),
        dt.date(2025, 3, 20),
        dt.date(2025, 3, 21),
        dt.date(2025, 3, 24),
    ]
    asked = forecast_history(
        history,
        zone=ZONE,
        interval_min=60,
        days=[dt.date(2025, 3, 17)],
        special=SpecialDays(closed=closed),
        method="seasonal_naive",
    )
    assert asked.frame.empty and asked.closed_days == (dt.date(2025, 3, 17),)
    saturday = forecast_history(history, zone=ZONE, interval_min=60, days=[dt.date(2025, 3, 22)])
    assert saturday.frame.empty and saturday.closed_days == (dt.date(2025, 3, 22),)


def test_outlier_day_is_flagged_in_the_output() -> None:
    history = _history(dt.date(2025, 1, 6), 8, interval_min=60).copy()
    local_day = history["interval_start"].dt.tz_convert(ZONE).dt.date
    history.loc[local_day == dt.date(2025, 2, 12), "offered"] *= 3
    result = forecast_history(history, zone=ZONE, interval_min=60, method="profile_volume")
    assert [(e.day, e.reason) for e in result.excluded_days] == [
        (dt.date(2025, 2, 12), "outlier_high")
    ]


def test_bad_requests() -> None:
    history = _history(dt.date(2025, 1, 6), 2, interval_min=60)
    two = pd.concat([history, history.assign(queue="other")])
    with pytest.raises(ValidationError) as info:
        forecast_history(two, zone=ZONE, interval_min=60)
    assert info.value.problems[0].code == "multiple_queues"
    with pytest.raises(ValidationError):
        forecast_history(history, zone=ZONE, interval_min=60, coverage=1.5)
    with pytest.raises(InsufficientHistoryError):
        forecast_history(history.iloc[:0], zone=ZONE, interval_min=60)
    short = forecast_history(history, zone=ZONE, interval_min=60)
    assert short.method == "mean_last_4_weekdays" and not short.frame.empty


def test_aht_is_nan_without_aht_history() -> None:
    history = _history(dt.date(2025, 1, 6), 4, interval_min=60).drop(columns=["aht_s"])
    result = forecast_history(history, zone=ZONE, interval_min=60, method="seasonal_naive")
    assert result.frame["aht_s"].isna().all()


def test_cli_forecast_and_backtest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "acd.csv"
    path.write_text(to_acd_csv(_history(dt.date(2025, 1, 6), 8, interval_min=60), ZONE))
    out = tmp_path / "fc.csv"
    assert staffwise(["forecast", str(path), "--zone", ZONE, "--output", str(out)]) == 0
    written = pd.read_csv(out)
    # the local week after the history (7 open days), as the API's forecast job
    assert list(written.columns) == list(FORECAST_COLUMNS) and len(written) == 7 * 15
    assert "method " in capsys.readouterr().err
    assert staffwise(["backtest", str(path), "--zone", ZONE, "--origins", "2"]) == 0
    table = capsys.readouterr().out
    assert "mean_last_4_weekdays" in table and "auto" in table
    path.write_text("interval_start,offered\n2025-01-06 07:00,-1\n")
    assert staffwise(["forecast", str(path), "--zone", ZONE]) == 2
    assert "negative_count" in capsys.readouterr().err
    assert np.isfinite(written["calls"]).all()


def test_accuracy_is_reported_and_queues_are_forecast_separately() -> None:
    care = _history(dt.date(2025, 1, 6), 8, interval_min=60)
    sales = _history(
        dt.date(2025, 1, 6), 8, interval_min=60, queue="sales", seed=11, mean_daily_calls=900.0
    )
    results = forecast_queues(
        pd.concat([care, sales], ignore_index=True), zone=ZONE, interval_min=60
    )
    assert [r.queue for r in results] == ["general", "sales"]
    for r in results:
        assert r.accuracy is not None and r.accuracy.n_origins == 4
        assert 0.0 < r.accuracy.wape < 0.2 and 0.0 <= r.accuracy.coverage <= 1.0
    ratio = results[1].frame["calls"].sum() / results[0].frame["calls"].sum()
    assert ratio == pytest.approx(900 / 4000, rel=0.1)


class _Failing:
    name = "failing"

    def predict(self, train: object, targets: object) -> np.ndarray:
        raise np.linalg.LinAlgError("SVD did not converge")


def test_fit_once_predict_many_and_seasonal_naive_fallback() -> None:
    history = _history(dt.date(2025, 1, 6), 8, interval_min=60)
    fitted = fit_forecaster(history, zone=ZONE, interval_min=60, method="profile_volume")
    week = fitted.predict()
    first_day = fitted.predict(fitted.next_open_days(1))
    n = len(first_day.frame)
    pd.testing.assert_frame_equal(first_day.frame, week.frame.iloc[:n])
    broken = dataclasses.replace(fitted, method=_Failing())
    fallback = broken.predict()
    assert fallback.method == "seasonal_naive (fallback from failing)"
    local_day = history["interval_start"].dt.tz_convert(ZONE).dt.date
    week_before = {d - dt.timedelta(days=7) for d in fitted.next_open_days()}
    last_week = history.loc[local_day.isin(week_before), "offered"].to_numpy()
    np.testing.assert_allclose(fallback.frame["calls"].to_numpy(), last_week)


def test_selection_entry_of_the_chosen_method_carries_its_coverage() -> None:
    history = _history(dt.date(2025, 1, 6), 10, interval_min=60)
    result = forecast_history(history, zone=ZONE, interval_min=60, horizon_days=7)
    chosen = [s for s in result.selection if s.method == result.method]
    assert chosen == [result.accuracy]
    assert result.accuracy is not None and np.isfinite(result.accuracy.coverage)
    assert result.accuracy.n_intervals == 4 * 7 * 15
