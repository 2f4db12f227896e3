"""Inputs of a capacity / hiring plan and their validation.

Time runs in whole weeks ``0 .. horizon - 1``. Head counts are *expected* values (attrition
is modelled by expected survivors, so they may be fractional); hires are integers.

Conventions (see ``docs/scenarios.md``):

* A person's tenure is counted in weeks since their class started (week of the class = tenure
  0). Training weeks are at 0 % productivity, then the nesting ramp, then 100 %.
* Attrition at tenure ``a`` is a weekly rate ``q(a)``: of the heads present during week ``t``,
  ``q`` leave at the end of the week (``heads[t + 1] = heads[t] * (1 - q)``).
* A class starting in week ``w`` must be recruited ``lead_time_weeks`` earlier, so the first
  allowed class week is ``lead_time_weeks`` (recruiting cannot start in the past).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from scenarios.errors import InputError, Problem

__all__ = [
    "MAX_HORIZON_WEEKS",
    "Attrition",
    "AttritionBand",
    "CapacityCosts",
    "CapacityPlanInput",
    "Cohort",
    "ContractType",
    "HireClass",
    "HiringPolicy",
    "annual_to_weekly",
    "monthly_to_weekly",
    "validate_plan_input",
]

MAX_HORIZON_WEEKS = 104
WEEKS_PER_YEAR = 52.0


def annual_to_weekly(annual_rate: float) -> float:
    """Weekly rate with the same survival over a year: ``1 - (1 - annual) ** (1 / 52)``."""
    return 1.0 - (1.0 - annual_rate) ** (1.0 / WEEKS_PER_YEAR)


def monthly_to_weekly(monthly_rate: float) -> float:
    """Weekly rate with the same survival over a year of 12 months and 52 weeks:
    ``1 - (1 - monthly) ** (12 / 52)`` (3 % a month is 0.7004 % a week, 30.6 % a year)."""
    return 1.0 - (1.0 - monthly_rate) ** (12.0 / WEEKS_PER_YEAR)


@dataclass(frozen=True, slots=True)
class ContractType:
    """A contract: paid hours per week, cost of one hire, cost per paid hour (optional)."""

    name: str
    weekly_hours: float
    hire_cost: float = 0.0
    cost_per_paid_hour: float = 0.0
    hireable: bool = True


@dataclass(frozen=True, slots=True)
class AttritionBand:
    """Weekly attrition ``weekly_rate`` from tenure week ``from_tenure_week`` onwards."""

    from_tenure_week: int
    weekly_rate: float


@dataclass(frozen=True, slots=True)
class Attrition:
    """Tenure-dependent weekly attrition: bands sorted by tenure, the first from tenure 0."""

    bands: tuple[AttritionBand, ...]

    @classmethod
    def flat(cls, weekly_rate: float) -> Attrition:
        return cls((AttritionBand(0, weekly_rate),))

    @classmethod
    def from_annual(
        cls, annual_rate: float, *, early_annual_rate: float | None = None, early_weeks: int = 0
    ) -> Attrition:
        """Annual rates turned into weekly ones; optionally a higher rate in the first weeks."""
        late = AttritionBand(early_weeks, annual_to_weekly(annual_rate))
        if early_annual_rate is None or early_weeks <= 0:
            return cls((AttritionBand(0, late.weekly_rate),))
        return cls((AttritionBand(0, annual_to_weekly(early_annual_rate)), late))

    @classmethod
    def from_monthly(cls, bands: Sequence[tuple[int, float]]) -> Attrition:
        """Monthly rates by tenure band, ``(from_tenure_week, monthly_rate)`` from tenure 0."""
        return cls(tuple(AttritionBand(week, monthly_to_weekly(rate)) for week, rate in bands))

    def rate_at(self, tenure_week: int) -> float:
        rate = self.bands[0].weekly_rate
        for band in self.bands:
            if tenure_week >= band.from_tenure_week:
                rate = band.weekly_rate
        return rate


@dataclass(frozen=True, slots=True)
class Cohort:
    """Starting head count of one contract with one tenure (weeks since their class started)."""

    contract: str
    tenure_weeks: int
    headcount: float


@dataclass(frozen=True, slots=True)
class HireClass:
    """A training class: ``size`` hires on ``contract`` starting in week ``week``."""

    week: int
    contract: str
    size: int


@dataclass(frozen=True, slots=True)
class HiringPolicy:
    """How classes work: lead time, training, nesting ramp, size limits, allowed weeks.

    ``ramp`` is the productivity of each nesting week after training (e.g. ``(0.5, 0.75)``);
    100 % afterwards. ``class_start_weeks`` ``None`` means any week; ``freeze_weeks`` are
    weeks in which no class may start. Class size limits apply to a class's total hires over
    all contracts. ``max_hires``: approved hires over the horizon (the hiring budget in
    heads; ``None``: no limit).
    """

    lead_time_weeks: int = 0
    training_weeks: int = 0
    ramp: tuple[float, ...] = ()
    class_size_min: int = 1
    class_size_max: int = 20
    class_start_weeks: tuple[int, ...] | None = None
    freeze_weeks: tuple[int, ...] = ()
    max_hires: int | None = None

    def allowed_weeks(self, horizon_weeks: int) -> tuple[int, ...]:
        candidates = (
            range(horizon_weeks) if self.class_start_weeks is None else self.class_start_weeks
        )
        frozen = set(self.freeze_weeks)
        return tuple(
            sorted(
                {
                    w
                    for w in candidates
                    if self.lead_time_weeks <= w < horizon_weeks and w not in frozen
                }
            )
        )


@dataclass(frozen=True, slots=True)
class CapacityCosts:
    """Cost per productive hour short of the need and per productive hour above it."""

    under_per_hour: float
    over_per_hour: float


@dataclass(frozen=True, slots=True)
class CapacityPlanInput:
    """Everything a capacity plan needs. ``need_hours``: productive hours required per week.

    ``shrinkage``: fraction of paid time not productive, one value or one per week.
    ``fte_hours``: paid hours per week of one FTE.
    """

    need_hours: tuple[float, ...]
    contracts: tuple[ContractType, ...]
    cohorts: tuple[Cohort, ...]
    attrition: Attrition
    hiring: HiringPolicy
    costs: CapacityCosts
    shrinkage: float | tuple[float, ...] = 0.0
    fte_hours: float = 40.0
    week_labels: tuple[str, ...] = field(default=())

    @property
    def horizon_weeks(self) -> int:
        return len(self.need_hours)

    def shrinkage_by_week(self) -> tuple[float, ...]:
        if isinstance(self.shrinkage, tuple):
            return self.shrinkage
        return (float(self.shrinkage),) * self.horizon_weeks

    def contract(self, name: str) -> ContractType:
        for contract in self.contracts:
            if contract.name == name:
                return contract
        raise InputError([Problem(None, "contract", "unknown", f"unknown contract {name!r}")])


# --------------------------------------------------------------------------------------------
# validation: every problem found, each naming its field


def _bad(value: float) -> bool:
    return not math.isfinite(value)


def _check_rate(
    problems: list[Problem], value: float, field: str, *, row: int | None = None
) -> None:
    if _bad(value) or value < 0 or value >= 1:
        msg = f"{field} must be a fraction in [0, 1), got {value!r}"
        problems.append(Problem(row, field, "out_of_range", msg))


def _check_nonneg(
    problems: list[Problem], value: float, field: str, *, row: int | None = None
) -> None:
    if _bad(value) or value < 0:
        problems.append(Problem(row, field, "out_of_range", f"{field} must be >= 0, got {value!r}"))


def _check_need(problems: list[Problem], inp: CapacityPlanInput) -> None:
    n = inp.horizon_weeks
    if not 1 <= n <= MAX_HORIZON_WEEKS:
        msg = f"horizon must be 1..{MAX_HORIZON_WEEKS} weeks, got {n}"
        problems.append(Problem(None, "need_hours", "out_of_range", msg))
    for week, hours in enumerate(inp.need_hours):
        _check_nonneg(problems, hours, "need_hours", row=week)
    shrink = inp.shrinkage_by_week()
    if len(shrink) != n:
        msg = f"shrinkage has {len(shrink)} weeks, need_hours has {n}"
        problems.append(Problem(None, "shrinkage", "length_mismatch", msg))
    for week, value in enumerate(shrink):
        _check_rate(problems, value, "shrinkage", row=week)
    if _bad(inp.fte_hours) or inp.fte_hours <= 0:
        problems.append(Problem(None, "fte_hours", "out_of_range", "fte_hours must be > 0"))
    if inp.week_labels and len(inp.week_labels) != n:
        msg = f"week_labels has {len(inp.week_labels)} entries, need_hours has {n}"
        problems.append(Problem(None, "week_labels", "length_mismatch", msg))


def _check_contracts(problems: list[Problem], contracts: Sequence[ContractType]) -> None:
    if not contracts:
        problems.append(Problem(None, "contracts", "required", "at least one contract type"))
    names = [c.name for c in contracts]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(Problem(None, "contracts.name", "duplicate", f"duplicate {name!r}"))
    for c in contracts:
        if _bad(c.weekly_hours) or c.weekly_hours <= 0:
            msg = f"contract {c.name!r}: weekly_hours must be > 0, got {c.weekly_hours!r}"
            problems.append(Problem(None, "contracts.weekly_hours", "out_of_range", msg))
        _check_nonneg(problems, c.hire_cost, "contracts.hire_cost")
        _check_nonneg(problems, c.cost_per_paid_hour, "contracts.cost_per_paid_hour")


def _check_attrition(problems: list[Problem], attrition: Attrition) -> None:
    bands = attrition.bands
    if not bands or bands[0].from_tenure_week != 0:
        msg = "attrition bands must start at tenure week 0"
        problems.append(Problem(None, "attrition.bands", "required", msg))
    starts = [b.from_tenure_week for b in bands]
    if starts != sorted(set(starts)):
        msg = "attrition bands must have strictly increasing from_tenure_week"
        problems.append(Problem(None, "attrition.bands", "not_sorted", msg))
    for band in bands:
        _check_rate(problems, band.weekly_rate, "attrition.weekly_rate")


def _check_hiring(problems: list[Problem], hiring: HiringPolicy, horizon: int) -> None:
    for name in ("lead_time_weeks", "training_weeks", "class_size_min"):
        value = getattr(hiring, name)
        if value < 0:
            problems.append(Problem(None, f"hiring.{name}", "out_of_range", f"{name} must be >= 0"))
    if hiring.max_hires is not None and hiring.max_hires < 0:
        msg = "max_hires must be >= 0"
        problems.append(Problem(None, "hiring.max_hires", "out_of_range", msg))
    if hiring.class_size_max < 1:
        msg = "class_size_max must be >= 1"
        problems.append(Problem(None, "hiring.class_size_max", "out_of_range", msg))
    if hiring.class_size_max < hiring.class_size_min:
        msg = f"class_size_max ({hiring.class_size_max}) < class_size_min ({hiring.class_size_min})"
        problems.append(Problem(None, "hiring.class_size_max", "less_than_min", msg))
    for step, value in enumerate(hiring.ramp):
        if _bad(value) or value < 0 or value > 1:
            msg = f"ramp productivity must be in [0, 1] (0 % .. 100 %), got {value!r}"
            problems.append(Problem(step, "hiring.ramp", "out_of_range", msg))
    weeks = (hiring.class_start_weeks or ()) + hiring.freeze_weeks
    for week in weeks:
        if not 0 <= week < horizon:
            msg = f"week {week} is outside the horizon 0..{horizon - 1}"
            problems.append(Problem(week, "hiring.weeks", "out_of_range", msg))


def _check_cohorts(problems: list[Problem], inp: CapacityPlanInput) -> None:
    names = {c.name for c in inp.contracts}
    for index, cohort in enumerate(inp.cohorts):
        if cohort.contract not in names:
            msg = f"cohort {index}: unknown contract {cohort.contract!r}"
            problems.append(Problem(None, "cohorts.contract", "unknown", msg))
        if cohort.tenure_weeks < 0:
            msg = f"cohort {index}: tenure_weeks must be >= 0"
            problems.append(Problem(None, "cohorts.tenure_weeks", "out_of_range", msg))
        _check_nonneg(problems, cohort.headcount, "cohorts.headcount")


def _check_costs(problems: list[Problem], costs: CapacityCosts) -> None:
    _check_nonneg(problems, costs.under_per_hour, "costs.under_per_hour")
    _check_nonneg(problems, costs.over_per_hour, "costs.over_per_hour")


def validate_plan_input(inp: CapacityPlanInput) -> None:
    """Raise :class:`InputError` listing every nonsensical field of ``inp``."""
    problems: list[Problem] = []
    _check_need(problems, inp)
    _check_contracts(problems, inp.contracts)
    _check_attrition(problems, inp.attrition)
    _check_hiring(problems, inp.hiring, inp.horizon_weeks)
    _check_cohorts(problems, inp)
    _check_costs(problems, inp.costs)
    if problems:
        raise InputError(problems)


def validate_hire_plan(inp: CapacityPlanInput, classes: Sequence[HireClass]) -> None:
    """Raise :class:`InputError` for classes outside the horizon, before the lead time,
    with negative size or an unknown contract."""
    problems: list[Problem] = []
    names = {c.name for c in inp.contracts}
    for cls in classes:
        if not 0 <= cls.week < inp.horizon_weeks:
            msg = f"class week {cls.week} is outside the horizon"
            problems.append(Problem(cls.week, "hire_plan.week", "out_of_range", msg))
        elif cls.week < inp.hiring.lead_time_weeks:
            lead = inp.hiring.lead_time_weeks
            msg = f"class in week {cls.week} starts before the {lead}-week recruiting lead time"
            problems.append(Problem(cls.week, "hire_plan.week", "before_lead_time", msg))
        if cls.size < 0:
            problems.append(
                Problem(cls.week, "hire_plan.size", "out_of_range", "size must be >= 0")
            )
        if cls.contract not in names:
            msg = f"unknown contract {cls.contract!r}"
            problems.append(Problem(cls.week, "hire_plan.contract", "unknown", msg))
    if problems:
        raise InputError(problems)
