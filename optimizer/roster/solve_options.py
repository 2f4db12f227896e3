"""What a roster solve is asked for and what it reports while it runs.

Defined apart from :mod:`optimizer.roster.solve` (which re-exports both) so that the search
stages can use them without importing the driver.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.roster.model import Objective

__all__ = ["SolveOptions", "SolverProgress"]


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Time limit (seconds, whole solve), CP-SAT workers, seed and objective (``deviation``:
    the instance cost; ``service_level``: :mod:`optimizer.roster.constraints.service_level`)."""

    time_limit_s: float = 60
    workers: int = 2
    seed: int = 0
    objective: Objective = "deviation"

    @property
    def settings(self) -> tuple[int, int, Objective]:
        """(workers, seed, objective): what each CP-SAT stage needs."""
        return self.workers, self.seed, self.objective


@dataclass(frozen=True, slots=True)
class SolverProgress:
    """An improving solution: objective and LP bound in cost units.

    ``estimate``: true when ``objective`` is the aggregate model's (an estimate: its counts
    may not decompose into named agents' weeks), false when it is the cost of a valid named
    roster (the final roster costs at most that much).
    """

    objective: float
    bound: float
    gap: float
    seconds: float
    estimate: bool = True
