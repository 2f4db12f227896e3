"""Contracts of the actuals package: the service-level basis and the interval-actuals frame.

Interval actuals frame (one row per interval, ``interval_start`` tz-aware UTC, sorted):

* ``offered``: calls that reached the queue (answered + abandoned).
* ``answered``: calls an agent answered; ``abandoned``: calls that hung up while waiting.
* ``abandoned_short``: abandons with a wait below the basis' ``short_abandon_s`` (a subset of
  ``abandoned``; 0 when the basis counts every abandon).
* ``answered_within``: answered calls that waited at most ``answer_within_s``.
* ``aht_s``: mean handle time of the answered calls (NaN without answered calls).
* ``asa_s``: mean wait of the answered calls (NaN without answered calls).
* ``agents_staffed``: agents logged in and available, averaged over the interval (NaN when not
  known).

Deferred queues (e-mail, tickets) add ``DEFERRED_COLUMNS`` (NaN when not given): ``resolved``
(items finished in the interval), ``resolved_within_deadline`` (of those, finished within the
queue's deadline, counted by the source system) and ``backlog`` (items open at the interval's
end). Their ``offered`` is the items that arrived; ``answered``, ``abandoned`` and
``answered_within`` may be NaN (a deferred item is not answered within seconds).

Attendance frame (one row per agent span logged in and available): ``agent`` (str),
``start`` and ``end`` (tz-aware UTC, half-open ``[start, end)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

ACTUAL_COLUMNS = (
    "interval_start",
    "offered",
    "answered",
    "abandoned",
    "abandoned_short",
    "answered_within",
    "aht_s",
    "asa_s",
    "agents_staffed",
)
DEFERRED_COLUMNS = ("resolved", "resolved_within_deadline", "backlog")
ATTENDANCE_COLUMNS = ("agent", "start", "end")
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SlBasis:
    """How a service level is counted from actual calls.

    ``SL = answered_within / denominator`` where the denominator is the answered calls plus,
    when ``abandoned_in_denominator``, the abandoned calls that waited at least
    ``short_abandon_s`` seconds (short abandons, e.g. wrong numbers, are left out; with
    ``short_abandon_s = 0`` every abandon counts, whatever ``abandoned_short`` says). With
    ``abandoned_in_denominator=False`` every abandoned call is left out (SL of answered calls).
    """

    answer_within_s: float = 20.0
    abandoned_in_denominator: bool = True
    short_abandon_s: float = 0.0

    def __post_init__(self) -> None:
        if not self.answer_within_s > 0:
            raise ValueError("answer_within_s must be > 0")
        if not self.short_abandon_s >= 0:
            raise ValueError("short_abandon_s must be >= 0")

    def denominator(
        self, answered: FloatArray, abandoned: FloatArray, abandoned_short: FloatArray
    ) -> FloatArray:
        """Calls the service level is counted over."""
        if not self.abandoned_in_denominator:
            return np.asarray(answered, dtype=float)
        short = abandoned_short if self.short_abandon_s > 0 else 0.0
        return np.asarray(answered + abandoned - short, dtype=float)

    def describe(self) -> str:
        head = f"answered within {self.answer_within_s:g} s / "
        if not self.abandoned_in_denominator:
            return head + "answered calls (abandoned calls left out)"
        if self.short_abandon_s > 0:
            return head + (
                f"answered + abandoned calls (abandons within {self.short_abandon_s:g} s left out)"
            )
        return head + "answered + abandoned calls"

    @property
    def model_measure(self) -> str:
        """The queueing model's figure on the same basis (see ``optimizer.erlang.QueueKpis``)."""
        if self.abandoned_in_denominator and self.short_abandon_s == 0:
            return "service_level"
        return "service_level_answered"
