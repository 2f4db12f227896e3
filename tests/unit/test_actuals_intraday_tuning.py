"""The intraday level penalty tuned on a queue's own past days (actuals.intraday)."""

from __future__ import annotations

import numpy as np

from actuals.intraday import penalised_update, tune_level_penalty

SHAPE = np.array([5.0, 10.0, 20.0, 20.0, 15.0, 10.0])


def test_a_level_that_lasts_all_day_is_followed_fully() -> None:
    levels = [1.0, 1.3, 0.8, 1.2, 0.9, 1.4, 0.7]  # each day one level, morning to evening
    penalty, replayed = tune_level_penalty(np.vstack([c * SHAPE for c in levels]), m0=2)
    assert replayed == 3 and penalty == 0.0  # weight 1: the ratio method is exact here


def test_a_morning_that_says_nothing_about_the_afternoon_is_ignored() -> None:
    days = []
    for morning in (1.0, 1.5, 0.6, 1.3, 0.7, 1.4, 0.5):  # the afternoon never moves
        day = SHAPE.copy()
        day[:2] *= morning
        days.append(day)
    penalty, replayed = tune_level_penalty(np.vstack(days), m0=2)
    assert replayed == 3 and penalty >= 1e6  # weight 0: keep the day-ahead forecast
    ahead = SHAPE.copy()
    rest = penalised_update(ahead, 1.5 * SHAPE[:2], shapes=ahead[None, :], k=1,
                            level_penalty=penalty)  # fmt: skip
    assert np.allclose(rest, SHAPE[2:], rtol=1e-5)


def test_too_few_days_keep_the_default() -> None:
    assert tune_level_penalty(np.vstack([SHAPE] * 4), m0=2) == (1.0, 0)
