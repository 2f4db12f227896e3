"""CSV import: round trip, DST rules, granularity, and one test per error class."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from forecasting.errors import ValidationError
from forecasting.io import read_history_csv
from forecasting.synthetic import synthetic_history, to_acd_csv

ZONE = "America/New_York"


def _codes(csv_text: str | bytes, **kwargs: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationError) as info:
        read_history_csv(csv_text, zone=ZONE, **kwargs)  # type: ignore[arg-type]
    return [(p.row, p.field, p.code) for p in info.value.problems]


def _dst_history() -> pd.DataFrame:
    spring = synthetic_history(
        start=dt.date(2026, 3, 5), weeks=1, zone=ZONE, open_minute=0, close_minute=1440
    )
    autumn = synthetic_history(
        start=dt.date(2026, 10, 29), weeks=1, zone=ZONE, open_minute=0, close_minute=1440, seed=9
    )
    return pd.concat([spring, autumn], ignore_index=True)


def test_round_trip_through_acd_csv_including_both_dst_changes() -> None:
    history = _dst_history()
    result = read_history_csv(to_acd_csv(history, ZONE), zone=ZONE)
    pd.testing.assert_frame_equal(result.frame, history)
    assert result.interval_min == 15
    local = result.frame["interval_start"].dt.tz_convert(ZONE)
    per_day = result.frame.groupby(local.dt.date).size()
    assert per_day[dt.date(2026, 3, 8)] == 92
    assert per_day[dt.date(2026, 11, 1)] == 100
    assert per_day.drop([dt.date(2026, 3, 8), dt.date(2026, 11, 1)]).eq(96).all()


def test_autumn_repeat_first_row_is_daylight_time_second_is_standard() -> None:
    text = (
        "interval_start,offered\n"
        "2026-11-01 01:00,10\n2026-11-01 01:30,11\n2026-11-01 01:00,12\n2026-11-01 01:30,13\n"
        "2026-11-01 02:00,14\n"
    )
    frame = read_history_csv(text, zone=ZONE).frame
    utc = frame["interval_start"].dt.strftime("%H:%M").tolist()
    assert utc == ["05:00", "05:30", "06:00", "06:30", "07:00"]
    assert frame["offered"].tolist() == [10, 11, 12, 13, 14]


def test_dst_gap_and_lone_repeat_are_rejected_not_shifted() -> None:
    gap = "interval_start,offered\n2026-03-08 01:30,5\n2026-03-08 02:30,5\n2026-03-08 03:30,5\n"
    assert (2, "interval_start", "nonexistent_time") in _codes(gap)
    lone = "interval_start,offered\n2026-11-01 00:30,5\n2026-11-01 01:30,5\n2026-11-01 02:30,5\n"
    assert (2, "interval_start", "ambiguous_time") in _codes(lone)


def test_offsets_are_exact_and_iso_t_separator_accepted() -> None:
    text = (
        "Timestamp,Calls\n2026-11-01T01:30:00-05:00,4\n2026-11-01T01:00:00-04:00,1\n"
        "2026-11-01T01:30:00-04:00,3\n2026-11-01T06:00:00Z,5\n"
    )
    frame = read_history_csv(text, zone=ZONE).frame
    assert frame["interval_start"].dt.strftime("%H:%M").tolist() == [
        "05:00",
        "05:30",
        "06:00",
        "06:30",
    ]
    assert frame["offered"].tolist() == [1, 3, 5, 4]


def test_reimport_same_bytes_same_frame_same_hash(tmp_path: Path) -> None:
    history = synthetic_history(start=dt.date(2025, 6, 2), weeks=1, interval_min=30)
    path = tmp_path / "export.csv"
    path.write_text(to_acd_csv(history, ZONE), encoding="utf-8")
    first = read_history_csv(path, zone=ZONE)
    second = read_history_csv(path.read_bytes(), zone=ZONE)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert first.file_sha256 == second.file_sha256
    assert len(first.file_sha256) == 64
    other = read_history_csv(path.read_text().replace(",12,", ",13,", 1), zone=ZONE)
    assert other.file_sha256 != first.file_sha256


def test_aht_as_hh_mm_ss_and_date_time_columns_and_semicolons() -> None:
    text = "Date;Time;Calls Offered;AHT\n2025-01-06;07:00;10;0:05:00\n2025-01-06;07:30;8;1:02:03\n"
    result = read_history_csv(text, zone=ZONE)
    assert result.interval_min == 30
    assert result.frame["aht_s"].tolist() == [300.0, 3723.0]


def test_every_value_problem_is_reported_with_row_field_code() -> None:
    text = (
        "interval_start,offered,handled,abandoned,aht\n"
        "2025-01-06 07:00,10,9,1,300\n"
        "not a date,10,9,1,300\n"
        "2025-01-06 08:00,ten,9,1,300\n"
        "2025-01-06 08:30,-3,9,1,300\n"
        "2025-01-06 09:00,2.5,9,1,300\n"
        "2025-01-06 09:30,,9,1,300\n"
        "2025-01-06 10:00,10,9,1,abc\n"
        "2025-01-06 10:30,10,9,1,-5\n"
        "2025-01-06 11:00,10,9\n"
        "2025-01-06 11:30,inf,9,1,nan\n"
    )
    assert _codes(text) == [
        (2, "interval_start", "bad_timestamp"),
        (3, "offered", "bad_number"),
        (4, "offered", "negative_count"),
        (5, "offered", "not_integer"),
        (6, "offered", "missing_value"),
        (7, "aht_s", "bad_duration"),
        (8, "aht_s", "negative_aht"),
        (9, None, "wrong_field_count"),
        (10, "offered", "bad_number"),
        (10, "aht_s", "bad_duration"),
    ]


def test_duplicates_off_grid_and_mixed_granularity() -> None:
    dup = "interval_start,offered\n2025-01-06 07:00,1\n2025-01-06 07:30,1\n2025-01-06 07:00,2\n"
    assert _codes(dup) == [(3, "interval_start", "duplicate_interval")]
    off = "interval_start,offered\n2025-01-06 07:00,1\n2025-01-06 07:30,1\n2025-01-06 08:10,1\n"
    assert (3, "interval_start", "off_grid") in _codes(off)
    rows = [f"2025-01-0{d} {h:02d}:{m:02d},1" for d in (6, 7, 9) for h in (7, 8) for m in (0, 30)]
    rows += [f"2025-01-08 {h:02d}:{m:02d},1" for h in (7, 8) for m in (0, 15, 30, 45)]
    mixed = "interval_start,offered\n" + "\n".join(rows) + "\n"
    assert (13, "interval_start", "mixed_granularity") in _codes(mixed)
    odd = "interval_start,offered\n2025-01-06 07:00,1\n2025-01-06 07:25,1\n2025-01-06 07:50,1\n"
    assert (None, "interval_start", "bad_granularity") in _codes(odd)


def test_file_level_problems() -> None:
    assert _codes("") == [(None, None, "empty_file")]
    assert _codes("when,how_many\n2025-01-06 07:00,1\n") == [
        (None, "offered", "missing_column"),
        (None, "interval_start", "missing_column"),
    ]
    assert _codes("timestamp\n2025-01-06 07:00\n") == [(None, "offered", "missing_column")]
    assert _codes("timestamp,calls,calls\n2025-01-06 07:00,1,2\n") == [
        (None, "calls", "duplicate_column")
    ]
    assert _codes(b"interval_start,offered\n2025-01-06 07:00,\xff\n") == [(None, None, "encoding")]
    with pytest.raises(ValidationError) as info:
        read_history_csv("interval_start,offered\n", zone="Mars/Olympus")
    assert info.value.problems[0].code == "unknown_zone"


def test_a_file_name_passed_as_text_is_named_as_such(tmp_path: Path) -> None:
    assert _codes("exports/history.csv") == [(None, None, "path_as_text")]
    existing = tmp_path / "acd_export"  # no suffix, but a file: still a name, not CSV text
    existing.write_text("interval_start,offered\n2025-01-06 07:00,1\n")
    with pytest.raises(ValidationError) as info:
        read_history_csv(str(existing), zone=ZONE)
    problem = info.value.problems[0]
    assert problem.code == "path_as_text" and "pathlib.Path" in problem.message
    assert read_history_csv(existing, zone=ZONE).frame["offered"].tolist() == [1]
    assert _codes("a/b" * 2000) == _codes("x")  # a name too long for the OS: no OSError
    assert "path_as_text" not in {code for *_, code in _codes("x")}


def test_problems_are_capped_and_flagged_truncated() -> None:
    rows = "\n".join(f"2025-01-06 {7 + i // 4:02d}:{15 * (i % 4):02d},-1" for i in range(40))
    with pytest.raises(ValidationError) as info:
        read_history_csv("interval_start,offered\n" + rows + "\n", zone=ZONE, max_problems=5)
    assert len(info.value.problems) == 5 and info.value.truncated


def test_queue_filter_and_unknown_queue() -> None:
    text = (
        "interval_start,queue,offered\n2025-01-06 07:00,sales,1\n2025-01-06 07:00,care,2\n"
        "2025-01-06 07:30,sales,3\n2025-01-06 07:30,care,4\n"
    )
    result = read_history_csv(text, zone=ZONE, queue="care")
    assert result.frame["offered"].tolist() == [2, 4] and result.queues == ("care",)
    both = read_history_csv(text, zone=ZONE)
    assert both.queues == ("care", "sales") and len(both.frame) == 4
    assert (None, "queue", "unknown_queue") in _codes(text, queue="billing")


def test_missing_weekdays_reported_weekends_of_weekday_centre_not() -> None:
    history = synthetic_history(start=dt.date(2025, 1, 6), weeks=3, interval_min=60)
    local_day = history["interval_start"].dt.tz_convert(ZONE).dt.date
    weekdays = history[pd.to_datetime(local_day).dt.day_of_week < 5]
    holed = weekdays[local_day[weekdays.index] != dt.date(2025, 1, 15)]
    result = read_history_csv(to_acd_csv(holed, ZONE), zone=ZONE)
    assert result.missing_days == (("general", dt.date(2025, 1, 15)),)
    assert [w.code for w in result.warnings] == ["missing_day"]


def test_bank_files_import(shared_data_dir: Path) -> None:
    result = read_history_csv(shared_data_dir / "bank_calls_30min.csv", zone=ZONE)
    assert result.interval_min == 30 and len(result.frame) == 4592
    assert len(result.missing_days) == 6
    assert int(result.frame["offered"].sum()) > 5_000_000
