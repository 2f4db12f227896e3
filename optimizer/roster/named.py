"""The cheapest valid named roster seen during a solve.

The aggregate model's objective is an estimate of what named agents can work (its counts may
not decompose into individual weeks: the demo week's aggregate reached 34.98 while its named
roster cost 45.30). Every named roster a solve builds (checkpoint, assignment, polish, local
search) is offered here; the solve keeps the cheapest one that passes ``check_roster`` and
reports each improvement as a non-estimate progress event, so the final roster is never
worse than a named roster reported during the run.
"""

from __future__ import annotations

from collections.abc import Callable

from optimizer.roster.check import check_roster
from optimizer.roster.problem import Roster, RosterProblem

__all__ = ["BestNamed"]


class BestNamed:
    """Keeps the valid named roster of least cost (else the least costly invalid one)."""

    def __init__(
        self,
        problem: RosterProblem,
        cost: Callable[[Roster], float],
        on_better: Callable[[float], None] | None = None,
    ) -> None:
        self._problem = problem
        self._cost = cost
        self._on_better = on_better
        self.roster: Roster | None = None
        self.cost = float("inf")
        self.valid = False

    def offer(self, roster: Roster | None) -> bool:
        """Keep ``roster`` unless the kept one is better (valid before invalid, then
        cheaper; on a tie the newer roster is kept). A valid roster that is strictly cheaper
        (or the first valid one) is reported to ``on_better``. Returns whether it was kept."""
        if roster is None:
            return False
        valid = not check_roster(self._problem, roster)
        cost = self._cost(roster)
        tol = 1e-9 * max(1.0, abs(cost))
        if self.roster is not None and (self.valid, -self.cost) > (valid, -cost + tol):
            return False
        improved = valid and (not self.valid or cost < self.cost - tol)
        self.roster, self.cost, self.valid = roster, cost, valid
        if improved and self._on_better is not None:
            self._on_better(cost)
        return True
