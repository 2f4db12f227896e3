"""The link between the week-level roster view and the long-range capacity plan.

The capacity plan (:mod:`scenarios.capacity`) counts heads per contract times weekly hours,
minus a shrinkage, against the productive hours needed. The roster of one week knows what
those heads really deliver: paid hours per contract, time on the phone, and the part of it that
covers the requirement (the rest is over-coverage, breaks are not on the phone).
:func:`calibrate_week` measures these figures on a roster; :func:`capacity_contracts`,
:func:`capacity_cohorts` and :func:`week_plan_input` turn them into capacity-plan inputs such
that the plan's projection of that week reproduces the roster:

* ``weekly_hours`` of a contract = paid hours of the contract's working agents / their heads,
  so the plan's paid hours (and paid FTE) per contract equal the roster's;
* ``shrinkage`` = 1 - covered hours / paid hours, so the plan's productive hours equal the
  requirement hours the roster covers, and its shortfall equals the roster's under-coverage.

:func:`required_fte` turns a week-level headcount (e.g. the current staff plus the minimum hires
of :func:`optimizer.roster.hiring.minimum_hires`) into required FTE per contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.problem import Roster, RosterProblem
from scenarios.capacity_model import (
    Attrition,
    CapacityCosts,
    CapacityPlanInput,
    Cohort,
    ContractType,
    HiringPolicy,
)
from scenarios.errors import InputError, Problem

__all__ = [
    "ContractWeek",
    "WeekCalibration",
    "calibrate_week",
    "capacity_cohorts",
    "capacity_contracts",
    "required_fte",
    "week_plan_input",
]

#: Tenure given to rostered agents in the plan: past any training and nesting ramp.
SEASONED_TENURE_WEEKS = 520


@dataclass(frozen=True, slots=True)
class ContractWeek:
    """One contract's week in the roster: working heads, paid and productive (covering) hours.

    ``productive_hours`` shares each interval's covered requirement among the contracts in
    proportion to their agents on the phone.
    """

    contract: str
    headcount: int
    paid_hours: float
    productive_hours: float

    @property
    def paid_hours_per_head(self) -> float:
        return self.paid_hours / self.headcount if self.headcount else 0.0


@dataclass(frozen=True, slots=True)
class WeekCalibration:
    """Week-level figures of a roster (hours) and the shrinkage the capacity plan must use."""

    need_hours: float
    covered_hours: float
    on_phone_hours: float
    paid_hours: float
    contracts: tuple[ContractWeek, ...]

    @property
    def under_hours(self) -> float:
        return self.need_hours - self.covered_hours

    @property
    def shrinkage(self) -> float:
        """1 - covered / paid: breaks, lunches' paid part and over-coverage together."""
        return 1.0 - self.covered_hours / self.paid_hours if self.paid_hours > 0 else 0.0

    def contract(self, name: str) -> ContractWeek:
        for c in self.contracts:
            if c.contract == name:
                return c
        raise InputError([Problem(None, "contract", "unknown", f"no contract {name!r}")])


def _on_phone_by_contract(problem: RosterProblem, roster: Roster) -> dict[str, np.ndarray]:
    contract_of = {a.id: a.contract for a in problem.agents}
    out: dict[str, np.ndarray] = {}
    for cid in {c.id for c in problem.contracts}:
        ids = {aid for aid, c in contract_of.items() if c == cid}
        part = Roster(tuple(s for s in roster.shifts if s.agent in ids))
        out[cid] = staffed_matrix(problem, part).astype(np.float64)
    return out


def calibrate_week(problem: RosterProblem, roster: Roster) -> WeekCalibration:
    """Week-level figures of ``roster`` (a valid roster of ``problem``)."""
    known = {a.id: a.contract for a in problem.agents}
    unknown = sorted({s.agent for s in roster.shifts} - set(known))
    if unknown:
        raise InputError([Problem(None, "roster.agent", "unknown", f"not in problem: {unknown}")])
    hours = problem.interval_min / 60.0
    req = np.asarray(problem.requirement, dtype=np.float64)
    by_contract = _on_phone_by_contract(problem, roster)
    staffed = sum(by_contract.values(), np.zeros_like(req))
    covered = np.minimum(staffed, req)
    share = np.divide(covered, staffed, out=np.zeros_like(req), where=staffed > 0)
    paid_by_agent: dict[str, float] = {}
    for s in roster.shifts:
        paid_by_agent[s.agent] = paid_by_agent.get(s.agent, 0.0) + s.paid_min(problem.rules) / 60
    weeks = tuple(
        ContractWeek(
            c.id,
            sum(1 for a in paid_by_agent if known[a] == c.id),
            sum(h for a, h in paid_by_agent.items() if known[a] == c.id),
            float((by_contract[c.id] * share).sum()) * hours,
        )
        for c in problem.contracts
    )
    return WeekCalibration(
        float(req.sum()) * hours,
        float(covered.sum()) * hours,
        float(staffed.sum()) * hours,
        sum(paid_by_agent.values()),
        weeks,
    )


def capacity_contracts(
    cal: WeekCalibration, *, hire_cost: Mapping[str, float] | None = None
) -> tuple[ContractType, ...]:
    """Capacity-plan contracts whose weekly hours are the roster's paid hours per head."""
    costs = hire_cost or {}
    return tuple(
        ContractType(c.contract, c.paid_hours_per_head, hire_cost=costs.get(c.contract, 0.0))
        for c in cal.contracts
        if c.headcount > 0
    )


def capacity_cohorts(
    cal: WeekCalibration, *, exclude: Mapping[str, int] | None = None
) -> tuple[Cohort, ...]:
    """The rostered heads as seasoned cohorts, minus ``exclude[contract]`` heads (e.g. hires
    the plan represents as a class instead)."""
    minus = exclude or {}
    return tuple(
        Cohort(c.contract, SEASONED_TENURE_WEEKS, float(c.headcount - minus.get(c.contract, 0)))
        for c in cal.contracts
        if c.headcount - minus.get(c.contract, 0) > 0
    )


def week_plan_input(
    cal: WeekCalibration,
    *,
    weeks: int = 1,
    fte_hours: float = 40.0,
    hiring: HiringPolicy | None = None,
    costs: CapacityCosts | None = None,
    exclude: Mapping[str, int] | None = None,
) -> CapacityPlanInput:
    """A capacity plan of ``weeks`` copies of the calibrated week, without attrition."""
    return CapacityPlanInput(
        need_hours=(cal.need_hours,) * weeks,
        contracts=capacity_contracts(cal),
        cohorts=capacity_cohorts(cal, exclude=exclude),
        attrition=Attrition.flat(0.0),
        hiring=hiring or HiringPolicy(class_size_min=0, class_size_max=10**6),
        costs=costs or CapacityCosts(under_per_hour=1.0, over_per_hour=0.1),
        shrinkage=cal.shrinkage,
        fte_hours=fte_hours,
    )


def required_fte(
    cal: WeekCalibration, headcount: Mapping[str, int], *, fte_hours: float = 40.0
) -> dict[str, float]:
    """FTE per contract of ``headcount`` heads at the calibrated paid hours per head."""
    if fte_hours <= 0:
        raise InputError([Problem(None, "fte_hours", "out_of_range", "must be > 0")])
    return {
        cid: n * cal.contract(cid).paid_hours_per_head / fte_hours for cid, n in headcount.items()
    }
