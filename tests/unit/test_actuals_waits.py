"""Interval actuals with a wait distribution instead of answered_within (actuals.io)."""

from __future__ import annotations

import pytest

from actuals.io import parse_interval_actuals
from forecasting.errors import InvalidInput

HEAD = b"interval_start,offered,answered,abandoned,answered_within_10s,answered_within_30s"
CSV = (
    HEAD
    + b""",answered_within
2026-10-05 09:00,40,38,2,20,32,
2026-10-05 09:30,50,50,0,30,45,41
"""
)


def _parse(data: bytes, threshold: float | None) -> list[float]:
    frame = parse_interval_actuals(data, zone="UTC", interval_min=30, answer_within_s=threshold)
    return frame["answered_within"].tolist()


def test_answered_within_is_derived_from_the_wait_columns() -> None:
    # 20 s lies halfway between 10 s and 30 s: 20 + (32 - 20) / 2 = 26; a row that gives
    # answered_within keeps it
    assert _parse(CSV, 20.0) == [26.0, 41.0]
    assert _parse(CSV, 30.0) == [32.0, 41.0]  # a listed threshold: exact
    assert _parse(CSV, 5.0) == [10.0, 41.0]  # below the first: from 0 calls within 0 s
    with pytest.raises(InvalidInput) as beyond:
        _parse(CSV, 60.0)  # the distribution ends at 30 s
    assert [(p.field, p.code) for p in beyond.value.problems] == [
        ("answered_within", "missing_column")
    ]
    with pytest.raises(InvalidInput):
        _parse(CSV, None)  # without the goal's threshold nothing is derived: a row lacks it


def test_the_wait_columns_are_checked() -> None:
    bad = b"""interval_start,offered,answered,abandoned,answered_within_10s,answered_within_30s
2026-10-05 09:00,40,38,2,20,12
2026-10-05 09:30,50,40,0,30,45
"""
    with pytest.raises(InvalidInput) as caught:
        _parse(bad, 20.0)
    found = {(p.row, p.field, p.code) for p in caught.value.problems}
    assert (1, "answered_within_30s", "inconsistent") in found  # fewer within a longer wait
    assert (2, "answered_within_30s", "inconsistent") in found  # more than answered
