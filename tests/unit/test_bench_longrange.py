"""The long-range bench's coverage interval (moving-block bootstrap over origins)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.longrange import coverage_interval


def _band(inside_per_origin: list[list[bool]]) -> pd.DataFrame:
    rows = [{"origin": o, "inside": x} for o, weeks in enumerate(inside_per_origin) for x in weeks]
    return pd.DataFrame(rows)


def test_a_band_always_inside_has_a_point_interval_at_one() -> None:
    assert coverage_interval(_band([[True] * 5] * 12)) == (1.0, 1.0)


def test_the_interval_holds_the_point_estimate_and_stays_in_the_unit_range() -> None:
    rng = np.random.default_rng(3)
    band = _band([list(rng.random(5) < 0.8) for _ in range(16)])
    lo, hi = coverage_interval(band)
    assert 0.0 <= lo <= band["inside"].mean() <= hi <= 1.0
    assert lo < hi


def test_more_origins_give_a_narrower_interval() -> None:
    rng = np.random.default_rng(5)
    pattern = [list(rng.random(4) < 0.8) for _ in range(10)]
    few = coverage_interval(_band(pattern))
    many = coverage_interval(_band(pattern * 10))
    assert many[1] - many[0] < (few[1] - few[0]) / 2


def test_whole_origins_are_resampled_not_single_weeks() -> None:
    # every origin entirely inside or entirely outside: the spread is the origins' spread
    # (half of 8 origins), far wider than resampling 80 weeks one by one would give
    band = _band([[o % 2 == 0] * 10 for o in range(8)])
    lo, hi = coverage_interval(band, block=1)
    assert hi - lo >= 0.45
