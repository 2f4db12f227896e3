"""What-if runs of a deferred queue (e-mail, tickets, back office): work due within a deadline.

An item arriving in an interval can be worked from the end of that interval and is due
``deadline_min`` *open* minutes later (the site's opening hours; the same rule as the site
roster, :mod:`optimizer.roster.site`). Agents work the backlog first in, first out, as a fluid:
``agents`` on the work in an open interval of ``interval_min`` minutes do ``agents x
interval_min`` work-minutes, never more than is waiting. With one deadline for every item,
first in first out is also earliest deadline first, so no order finishes more on time.

Cumulative curves give the share on time exactly: with ``A(k)`` the work of the items arrived
up to interval ``k`` and ``D(t)`` the work done by open minute ``t`` (piecewise linear, slope
``agents`` while work waits), the items of interval ``k`` are the slice ``(A(k-1), A(k)]`` of
``D``, so their on-time work is ``clip(D(due_k) - A(k-1), 0, w_k)``. The share within deadline
counts the work due inside the span (later work is neither late nor on time yet).

:func:`required_level`: the fewest agents, the same in every open interval (a level plan, the
natural shape for work that can wait), whose share within deadline reaches the target; the
share never falls when agents are added, so bisection finds it to ``tol`` agents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = [
    "DeferredOutcome",
    "DeferredStage",
    "Flow",
    "deferred_stage",
    "fifo_flow",
    "open_rows",
    "required_level",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DeferredStage:
    """What makes a what-if base deferred: ``deadline_min`` (open minutes) and the site's
    ``opening_hours`` (Monday..Sunday: local ``(open_min, close_min)`` or ``None`` when
    closed). The base forecast's ``calls`` are items, ``aht_s`` the work per item."""

    deadline_min: int
    opening_hours: tuple[tuple[int, int] | None, ...]


def deferred_stage(deadline_min: Any, opening_hours: Iterable[Any]) -> DeferredStage:
    """A :class:`DeferredStage` from plain values (JSON: ``[open, close]`` lists or ``None``
    per day), as a stored site, a sweep payload or a scenarios file gives them."""
    hours = tuple(None if w is None else (int(w[0]), int(w[1])) for w in opening_hours)
    return DeferredStage(deadline_min=int(deadline_min), opening_hours=hours)


@dataclass(frozen=True, slots=True)
class DeferredOutcome:
    """A deferred scenario's own figures: its deadline, the work, the open hours of the span,
    the level of agents on the work its target needs, the level it gets (``staffed_agents``:
    that level, or what its workforce gives after shrinkage, as live what-ifs staff) and, at
    that level, the share of due work finished within its deadline, the late work, the
    largest backlog and the backlog left at the end (hours of work); and the base plan's
    level (``base_plan_agents``: the base's required agents scheduled under the base's
    shrinkage, then on the work under this scenario's) with the share it would reach."""

    deadline_minutes: int
    work_hours: float
    open_hours: float
    required_agents: float
    staffed_agents: float
    within_deadline_share: float
    late_work_hours: float
    max_backlog_hours: float
    end_backlog_hours: float
    base_plan_agents: float
    share_at_base_plan: float


@dataclass(frozen=True, slots=True)
class Flow:
    """Fluid first-in-first-out backlog of a span at one level of agents (work in minutes):
    per row the work done and the work waiting at its end; the work due inside the span and
    how much of it was late; the share within deadline (``nan`` when nothing is due)."""

    done: FloatArray
    backlog: FloatArray
    due_work: float
    late_work: float

    @property
    def within_deadline_share(self) -> float:
        return float("nan") if self.due_work <= 0 else 1.0 - self.late_work / self.due_work


def open_rows(
    local: pd.DatetimeIndex, interval_min: int, opening_hours: tuple[tuple[int, int] | None, ...]
) -> NDArray[np.bool_]:
    """Whether each interval (local starts) lies inside its weekday's opening hours."""
    minute = np.asarray(local.hour * 60 + local.minute)
    weekday = np.asarray(local.day_of_week)
    out = np.zeros(len(local), dtype=bool)
    for day, window in enumerate(opening_hours):
        if window is not None:
            here = weekday == day
            out[here] = (minute[here] >= window[0]) & (minute[here] + interval_min <= window[1])
    return out


def fifo_flow(
    work: FloatArray, is_open: NDArray[np.bool_], interval_min: int, deadline_min: float,
    agents: float,
) -> Flow:  # fmt: skip
    """The backlog of ``work`` (minutes arriving per row, workable from the row's end) worked
    by ``agents`` in every open row (module docstring)."""
    minutes = np.where(is_open, float(interval_min), 0.0)
    ends = np.cumsum(minutes)  # open minutes elapsed at each row's end
    done = np.zeros(work.size)
    backlog = np.zeros(work.size)
    waiting = 0.0
    for j in range(work.size):
        done[j] = min(agents * minutes[j], waiting)
        waiting += work[j] - done[j]
        backlog[j] = waiting
    finished = np.cumsum(done)
    due = ends + deadline_min
    scored = (work > 0) & (due <= ends[-1] if work.size else False)
    if not scored.any():
        return Flow(done, backlog, 0.0, 0.0)
    # D(due): the first row ending at or after the due minute, part of its work by then
    row = np.searchsorted(ends, due[scored], side="left")
    starts = ends - minutes
    before = finished[row] - done[row]
    by_due = before + np.minimum(agents * (due[scored] - starts[row]), done[row])
    arrived_before = (np.cumsum(work) - work)[scored]
    on_time = np.clip(by_due - arrived_before, 0.0, work[scored])
    due_work = float(work[scored].sum())
    return Flow(done, backlog, due_work, due_work - float(on_time.sum()))


def required_level(
    work: FloatArray, is_open: NDArray[np.bool_], interval_min: int, deadline_min: float,
    target: float, tol: float = 0.005,
) -> float:  # fmt: skip
    """The fewest agents in every open row whose share within deadline reaches ``target``
    (0 when no work is due inside the span), to ``tol`` agents (the level returned meets it)."""

    def meets(level: float) -> bool:
        share = fifo_flow(work, is_open, interval_min, deadline_min, level).within_deadline_share
        return bool(np.isnan(share) or share >= target - 1e-12)

    if meets(0.0):
        return 0.0
    open_minutes = float(is_open.sum()) * interval_min
    hi = max(float(work.sum()) / max(open_minutes, 1.0), tol)
    while not meets(hi):  # with enough agents every item is done as soon as it can be
        hi *= 2.0
    lo = 0.0
    while hi - lo > tol:
        mid = (lo + hi) / 2.0
        lo, hi = (lo, mid) if meets(mid) else (mid, hi)
    return hi
