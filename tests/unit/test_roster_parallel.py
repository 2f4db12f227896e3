"""``side_by_side``: calls run at once, results in order, an error raised in the caller after
``on_error`` asked the others to stop."""

from __future__ import annotations

import threading
import time

import pytest

from optimizer.roster.parallel import side_by_side


def test_calls_run_at_once_and_their_results_come_in_order() -> None:
    both = threading.Barrier(2, timeout=5)  # a call alone would wait here until the timeout

    def call(value: int) -> int:
        both.wait()
        return value

    assert side_by_side([lambda: call(1), lambda: call(2)]) == [1, 2]
    assert side_by_side([lambda: None]) == [None]


def test_an_error_stops_the_others_and_is_raised_here() -> None:
    asked = threading.Event()
    ended: list[bool] = []

    def waits() -> int:
        ended.append(asked.wait(timeout=10))
        return 0

    def fails() -> int:
        raise ValueError("broken call")

    began = time.monotonic()
    with pytest.raises(ValueError, match="broken call"):
        side_by_side([waits, fails], on_error=asked.set)
    assert ended == [True] and time.monotonic() - began < 5
