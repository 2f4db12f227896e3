"""Coverage and cost of a roster, computed from its shifts exactly as the instance defines.

``staffed[d][t]`` counts agents whose shift covers interval ``t`` and who are not on a break
or lunch; the cost is ``under * sum max(0, req - staffed) + over * sum max(0, staffed - req)
+ paid * paid agent-intervals``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.problem import Roster, RosterProblem

__all__ = ["RosterKpis", "evaluate_roster", "staffed_matrix"]


@dataclass(frozen=True, slots=True)
class RosterKpis:
    """Cost and its parts. ``under``/``over`` in agent-intervals; paid time in hours."""

    cost: float
    under_agent_intervals: int
    over_agent_intervals: int
    paid_agent_intervals: int
    paid_hours: float


def staffed_matrix(problem: RosterProblem, roster: Roster) -> NDArray[np.int64]:
    """Agents on the phone per day and interval (days x intervals per day)."""
    grid = problem.interval_min
    staffed = np.zeros((problem.days, problem.intervals_per_day), dtype=np.int64)
    for s in roster.shifts:
        staffed[s.day, s.start_min // grid : s.end_min // grid] += 1
        for a in s.activities:
            staffed[s.day, a.start_min // grid : a.end_min // grid] -= 1
    return staffed


def evaluate_roster(problem: RosterProblem, roster: Roster) -> RosterKpis:
    """Cost of ``roster`` under the problem's objective weights."""
    req = np.asarray(problem.requirement, dtype=np.int64)
    staffed = staffed_matrix(problem, roster)
    under = int(np.maximum(req - staffed, 0).sum())
    over = int(np.maximum(staffed - req, 0).sum())
    paid_min = sum(s.paid_min(problem.rules) for s in roster.shifts)
    paid_intervals = paid_min // problem.interval_min
    w = problem.weights
    cost = (
        w.under_per_agent_interval * under
        + w.over_per_agent_interval * over
        + w.paid_per_agent_interval * paid_intervals
    )
    return RosterKpis(round(cost, 9), under, over, paid_intervals, paid_min / 60)
