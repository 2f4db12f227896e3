"""Hiring types: vacancy groups, targets, options, the plan and its report."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from optimizer.roster.problem import RosterProblem, Window

__all__ = [
    "EXACT_MAX_AGENTS",
    "HeadcountTarget",
    "HireCount",
    "HireSpec",
    "HiringGoal",
    "HiringOptions",
    "HiringPlan",
    "HiringReport",
    "MarginalHire",
    "Vacancy",
    "daily_window",
    "given_plan",
    "hire_counts",
]

EXACT_MAX_AGENTS = 60


# What the hiring model minimises: hires, hiring cost, roster plus hiring cost, under-coverage.
HiringGoal = Literal["count", "cost", "roster_cost", "under"]


@dataclass(frozen=True, slots=True)
class Vacancy:
    """Up to ``max_hires`` positions on ``contract``; ``availability[d]`` per day or ``None``
    for the opening hours of every open day; ``label`` names the group (default: contract)."""

    contract: str
    max_hires: int
    hiring_cost: float = 0.0
    availability: tuple[Window | None, ...] | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.contract


@dataclass(frozen=True, slots=True)
class HeadcountTarget:
    """Coverage target: under-coverage at most ``max_under_agent_hours`` and/or predicted SL at
    least ``service_level`` (answered within the instance's threshold) in every interval."""

    max_under_agent_hours: float | None = None
    service_level: float | None = None


@dataclass(frozen=True, slots=True)
class HiringOptions:
    """CP-SAT time limit (seconds), workers, seed; ``minimize`` hires by count or by cost.

    ``strategy`` of :func:`minimum_hires` (count only): ``exact`` minimises the hires in one
    CP-SAT model; ``guided`` takes the LP bound ``L`` and tries ``ceil(L)``, ``ceil(L) + 1``, ...
    hires (split as in the LP) with the hires fixed, each searched around the LP solution then
    by day neighbourhoods, so the first count that reaches the target is proven minimal when it
    equals ``ceil(L)``; ``auto`` is ``exact`` for small models (at most ``EXACT_MAX_AGENTS``
    agents and vacancies), else ``guided``.
    """

    time_limit_s: float = 30.0
    workers: int = 2
    seed: int = 0
    minimize: Literal["count", "cost"] = "count"
    strategy: Literal["auto", "exact", "guided"] = "auto"


@dataclass(frozen=True, slots=True)
class HireCount:
    """Hires chosen in one vacancy group."""

    vacancy: str
    contract: str
    hires: int
    max_hires: int
    hiring_cost: float


@dataclass(frozen=True, slots=True)
class HiringReport:
    """Solver figures of the hiring model in its objective's units (hires, or cost).

    ``best_bound`` is CP-SAT's proven lower bound (rounded up for integer hire counts);
    ``gap = (objective - best_bound) / objective`` (0 when both are 0); ``lp_bound`` is the LP
    relaxation (GLOP) of the same model.
    """

    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    lp_bound: float


@dataclass(frozen=True, slots=True)
class HiringPlan:
    """Hires per vacancy group, the solver report, and the aggregate coverage they give.

    ``coverage[d][t]`` is agents on the phone in the aggregate solution; ``under_agent_intervals``
    its under-coverage; ``week_service_level`` the call-weighted predicted SL (or ``None``).
    """

    hires: tuple[HireCount, ...]
    report: HiringReport
    under_agent_intervals: int
    coverage: tuple[tuple[int, ...], ...]
    week_service_level: float | None

    @property
    def total_hires(self) -> int:
        return sum(h.hires for h in self.hires)

    @property
    def hiring_cost(self) -> float:
        return sum(h.hires * h.hiring_cost for h in self.hires)

    def by_contract(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for h in self.hires:
            out[h.contract] = out.get(h.contract, 0) + h.hires
        return out


@dataclass(frozen=True, slots=True)
class MarginalHire:
    """What one more hire in ``vacancy`` gains over the plan (aggregate optimum, both solved
    with the same options): roster cost saved, under agent-hours saved, SL points gained."""

    vacancy: str
    contract: str
    cost_saved: float
    under_agent_hours_saved: float
    service_level_gain: float | None
    proven: bool


@dataclass(frozen=True, slots=True)
class HireSpec:
    """What one hiring model minimises, its coverage target and hires fixed per position."""

    objective: HiringGoal
    target: HeadcountTarget | None = None
    fixed: Mapping[int, int] | None = None


def daily_window(
    problem: RosterProblem, start_min: int, end_min: int, days: Sequence[int] | None = None
) -> tuple[Window | None, ...]:
    """Availability ``[start, end)`` on ``days`` (default: all), clipped to the opening hours."""
    wanted = set(range(problem.days) if days is None else days)
    out: list[Window | None] = []
    for d, opening in enumerate(problem.opening_hours):
        lo, hi = (max(start_min, opening[0]), min(end_min, opening[1])) if opening else (0, 0)
        out.append((lo, hi) if d in wanted and hi > lo else None)
    return tuple(out)


def hire_counts(vacancies: Sequence[Vacancy], counts: Mapping[int, int]) -> tuple[HireCount, ...]:
    """Hires per vacancy group from hires per vacancy position (0 where absent)."""
    return tuple(
        HireCount(v.name, v.contract, counts.get(i, 0), v.max_hires, v.hiring_cost)
        for i, v in enumerate(vacancies)
    )


def given_plan(vacancies: Sequence[Vacancy], counts: Mapping[str, int]) -> HiringPlan:
    """The plan of hires given per vacancy name (status ``GIVEN``, no figures)."""
    by_pos = {i: counts.get(v.name, 0) for i, v in enumerate(vacancies)}
    report = HiringReport("GIVEN", float(sum(by_pos.values())), math.nan, math.nan, 0.0, math.nan)
    return HiringPlan(hire_counts(vacancies, by_pos), report, -1, (), None)
