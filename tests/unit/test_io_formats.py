"""History CSV formats: day/month order, interval ranges, every interval length dividing an hour,
and the CLI that reads them (warnings shown, horizon stated, no stray RuntimeWarnings)."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path

import pandas as pd
import pytest

from api.cli import main as staffwise
from forecasting.backtest import compare_methods
from forecasting.calendar import resample_history
from forecasting.errors import ValidationError
from forecasting.forecast import forecast_history
from forecasting.io import read_history_csv
from forecasting.synthetic import synthetic_history, to_acd_csv

ZONE = "Asia/Jerusalem"
SUN_THU = {6, 0, 1, 2, 3}


def _problems(text: str, **kwargs: object) -> list[tuple[int | None, str | None, str, str]]:
    with pytest.raises(ValidationError) as info:
        read_history_csv(text, zone=ZONE, **kwargs)  # type: ignore[arg-type]
    return [(p.row, p.field, p.code, p.message) for p in info.value.problems]


def _sun_thu(start: dt.date, weeks: int, interval_min: int = 30) -> pd.DataFrame:
    """A Sun-Thu 07:00-24:00 site's history (Israel's working week)."""
    history = synthetic_history(
        start=start, weeks=weeks, interval_min=interval_min, zone=ZONE, open_minute=420,
        close_minute=1440, mean_daily_calls=1500.0,
    )  # fmt: skip
    local_day = pd.DatetimeIndex(history["interval_start"]).tz_convert(ZONE)
    return history[local_day.day_of_week.isin(SUN_THU)].reset_index(drop=True)


def _dd_mm(history: pd.DataFrame) -> str:
    """The ACD export with dd/mm/yyyy dates (a European or Israeli ACD)."""
    export = pd.read_csv(io.StringIO(to_acd_csv(history, ZONE)), dtype=str)
    export["Date"] = pd.to_datetime(export["Date"]).dt.strftime("%d/%m/%Y")
    return export.to_csv(index=False, lineterminator="\n")


# ---- 1. dates: no silent day/month swap; interval ranges --------------------------------------


def test_ambiguous_day_month_dates_are_refused_naming_column_sample_and_fix() -> None:
    text = "Date,Interval,Offered\n01/11/1999,07:00,5\n02/11/1999,07:00,6\n03/11/1999,07:00,7\n"
    [(row, field, code, message)] = _problems(text)
    assert (row, field, code) == (1, "Date", "ambiguous_date_order")
    assert "'01/11/1999'" in message and "--date-format '%d/%m/%Y'" in message
    assert "date_format" in message and "ISO" in message
    frame = read_history_csv(text, zone=ZONE, date_format="%d/%m/%Y").frame
    local = frame["interval_start"].dt.tz_convert(ZONE)
    assert local.dt.date.tolist() == [dt.date(1999, 11, d) for d in (1, 2, 3)]
    us = read_history_csv(text, zone=ZONE, date_format="%m/%d/%Y").frame
    assert us["interval_start"].dt.tz_convert(ZONE).dt.month.tolist() == [1, 2, 3]


def test_a_day_above_12_settles_the_order_with_a_warning_and_iso_always_works() -> None:
    text = "Date,Interval,Offered\n01/11/1999,07:00,5\n13/11/1999,07:00,6\n"
    result = read_history_csv(text, zone=ZONE)
    assert result.frame["interval_start"].dt.tz_convert(ZONE).dt.day.tolist() == [1, 13]
    inferred = [w for w in result.warnings if w.code == "inferred_date_order"]
    assert len(inferred) == 1 and "day/month/year" in inferred[0].message
    us = read_history_csv(
        "Date,Interval,Offered\n11/01/1999,07:00,5\n11/13/1999,07:00,6\n", zone=ZONE
    )
    assert us.frame["interval_start"].dt.tz_convert(ZONE).dt.day.tolist() == [1, 13]
    mixed = "Date,Interval,Offered\n13/11/1999,07:00,5\n11/14/1999,07:00,6\n"
    assert _problems(mixed)[0][2] == "inconsistent_date_order"
    iso = "Date,Interval,Offered\n1999-11-01,07:00,5\n1999-11-02,07:00,6\n"
    for date_format in (None, "%d/%m/%Y"):
        days = read_history_csv(iso, zone=ZONE, date_format=date_format).frame["interval_start"]
        assert days.dt.tz_convert(ZONE).dt.day.tolist() == [1, 2]
    assert _problems(iso, date_format="%Y")[0][2] == "bad_date_format"
    assert _problems(iso.replace("1999-11-02", "2/11/99"), date_format="%d/%m/%Y")[0][2] == (
        "bad_timestamp"
    )


def test_interval_ranges_are_interval_starts_not_utc_offsets() -> None:
    text = (
        "interval_start,offered\n1999-11-01 07:00-07:30,5\n1999-11-01 07:30-08:00,6\n"
        "1999-11-01 23:30-00:00,7\n"
    )
    result = read_history_csv(text, zone=ZONE)
    local = result.frame["interval_start"].dt.tz_convert(ZONE).dt.strftime("%H:%M")
    assert local.tolist() == ["07:00", "07:30", "23:30"] and result.interval_min == 30
    split = "Date,Time,Offered\n01/11/1999,07:00 - 07:30,5\n02/11/1999,07:00 - 07:30,6\n"
    starts = read_history_csv(split, zone=ZONE, date_format="%d/%m/%Y").frame["interval_start"]
    assert starts.dt.tz_convert(ZONE).dt.strftime("%d %H:%M").tolist() == ["01 07:00", "02 07:00"]
    wrong = text.replace("07:30-08:00", "07:30-07:45")
    assert _problems(wrong)[0][:3] == (2, "interval_start", "interval_range")
    # ISO timestamps with "T" carry offsets, even where "04:30-05:00" would be a 30-min range
    offsets = "interval_start,offered\n2026-11-01T04:30-05:00,4\n2026-11-01T05:00-05:00,1\n"
    utc = read_history_csv(offsets, zone=ZONE).frame["interval_start"]
    assert utc.dt.strftime("%H:%M").tolist() == ["09:30", "10:00"]


# ---- 2. every interval length dividing an hour --------------------------------------------------


@pytest.mark.parametrize("interval_min", [1, 2, 3, 5, 6, 10, 12, 15, 20, 30, 60])
def test_every_length_dividing_an_hour_imports(interval_min: int) -> None:
    history = synthetic_history(
        start=dt.date(2025, 3, 3), weeks=1, interval_min=interval_min, zone=ZONE,
        open_minute=480, close_minute=600,
    )  # fmt: skip
    result = read_history_csv(to_acd_csv(history, ZONE), zone=ZONE)
    assert result.interval_min == interval_min
    pd.testing.assert_frame_equal(result.frame, history)


@pytest.mark.parametrize("interval_min", [6, 10])
def test_six_and_ten_minute_history_resamples_and_forecasts(interval_min: int) -> None:
    history = _sun_thu(dt.date(2025, 1, 5), 6, interval_min=interval_min)
    imported = read_history_csv(to_acd_csv(history, ZONE), zone=ZONE)
    assert imported.interval_min == interval_min
    coarse = resample_history(imported.frame, from_min=interval_min, to_min=30, zone=ZONE)
    assert coarse.frame["offered"].sum() == history["offered"].sum()
    assert not coarse.partial_starts
    result = forecast_history(imported.frame, zone=ZONE, interval_min=interval_min)
    per_day = result.frame.groupby(result.frame["interval_start"].dt.tz_convert(ZONE).dt.date)
    assert per_day.size().eq(17 * 60 // interval_min).all()
    weekdays = set(result.frame["interval_start"].dt.tz_convert(ZONE).dt.day_of_week)
    assert weekdays <= SUN_THU and result.frame["calls"].between(0, 1e4).all()


def test_real_six_minute_data_imports_and_forecasts(shared_data_dir: Path, tmp_path: Path) -> None:
    source = pd.read_csv(shared_data_dir / "technion_arrivals_6min_1999.csv")
    winter = source[source["timestamp"] < "1999-03-01"]  # before Israel's 1999 DST change
    path = tmp_path / "technion_6min_winter.csv"
    winter.to_csv(path, index=False)
    imported = read_history_csv(path, zone=ZONE)
    assert imported.interval_min == 6 and len(imported.frame) == 59 * 240
    result = forecast_history(imported.frame, zone=ZONE, interval_min=6, horizon_days=7)
    assert len(result.frame) == 7 * 240 and result.frame["calls"].ge(0).all()


# ---- 4-6. the CLI: warnings shown, horizon stated, no RuntimeWarnings ---------------------------


def test_cli_refuses_ambiguous_dd_mm_then_forecasts_the_sites_own_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "israel.csv"  # Nov 1-11 1999, Sun-Thu: every date reads both ways
    history = _sun_thu(dt.date(1999, 11, 1), 2)
    local_day = history["interval_start"].dt.tz_convert(ZONE).dt.day
    path.write_text(_dd_mm(history[local_day <= 11]))
    assert staffwise(["forecast", str(path), "--zone", ZONE]) == 2
    err = capsys.readouterr().err
    assert "ambiguous_date_order" in err and "column 'Date'" in err and "01/11/1999" in err
    out = tmp_path / "forecast.csv"
    args = [
        "forecast",
        str(path),
        "--zone",
        ZONE,
        "--date-format",
        "%d/%m/%Y",
        "--output",
        str(out),
    ]
    assert staffwise(args) == 0
    err = capsys.readouterr().err
    days = pd.to_datetime(pd.read_csv(out)["interval_start"]).dt.tz_convert(ZONE).dt.date
    assert sorted(set(days)) == [dt.date(1999, 11, d) for d in (14, 15, 16, 17, 18)]
    assert "horizon: 1999-11-14 to 1999-11-20" in err and "Sun-Thu" in err
    assert "not forecast (closed): Fri 1999-11-19, Sat 1999-11-20" in err


def test_cli_prints_import_warnings_and_forecasts_the_apis_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = synthetic_history(start=dt.date(2025, 1, 6), weeks=6, interval_min=60, zone=ZONE)
    day = history["interval_start"].dt.tz_convert(ZONE).dt.date
    holed = history[day != dt.date(2025, 1, 22)]
    path = tmp_path / "acd.csv"
    path.write_text(_dd_mm(holed))  # days above 12 settle the order: inferred, with a warning
    out = tmp_path / "forecast.csv"
    assert staffwise(["forecast", str(path), "--zone", ZONE, "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: file, Date: inferred_date_order" in err
    assert (
        "warning: file, interval_start: missing_day: queue 'general' has no rows on 2025-01-22"
        in err
    )
    days = pd.to_datetime(pd.read_csv(out)["interval_start"]).dt.tz_convert(ZONE).dt.date
    # the API's forecast job: the local week after the history, every open day of it
    assert sorted(set(days)) == [dt.date(2025, 2, 17) + dt.timedelta(days=i) for i in range(7)]
    assert "horizon: 2025-02-17 to 2025-02-23" in err and "week starts Mon" in err


def test_backtest_of_a_short_saturday_raises_no_runtime_warning() -> None:
    history = synthetic_history(start=dt.date(2026, 8, 31), weeks=8, interval_min=30, zone=ZONE)
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert(ZONE)
    minute = local.hour * 60 + local.minute
    saturday = local.day_of_week == 5
    keep = (local.day_of_week < 5) & (minute >= 480) & (minute < 1200)
    keep |= saturday & (minute >= 540) & (minute < 1020)  # shorter hours than the weekdays
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        scores = compare_methods(history[keep].reset_index(drop=True), zone=ZONE, n_origins=3)
    assert {s.method for s in scores} >= {"profile_volume", "auto"}
