"""Why an optimised capacity plan stays short, in words and numbers, from re-solves.

A plan is *short* in a week when its expected productive hours fall below the need by more
than ``SHORT_TOLERANCE`` of the need. Short FTE-weeks are the short hours over the productive
hours of one FTE that week (``fte_hours x (1 - shrinkage)``), the unit of the plan's
``fte_gap``. Each limit of the hiring policy that could cause shortage is relaxed alone and the
plan re-optimised; what the relaxation removes is the limit's price:

* ``lead_time``: no class can be productive before week ``lead_time + training``: shortage
  before it cannot be hired away (relaxed: lead time 0);
* ``class_size_max``: classes filled to the cap (relaxed: twice the cap); the best single
  extra class of full size in a week without one is also tried on the projection;
* ``freeze``: freeze weeks and allowed start weeks (relaxed: any week);
* ``budget``: the approved hires (``max_hires``, relaxed: none);
* ``cost``: shortage cheaper than hiring at the given costs (relaxed: shortage 100x dearer).

Only limits whose relaxation removes at least ``MIN_REMOVED`` FTE-weeks, or that explain
short weeks by construction (the lead time), are reported; sorted by what they remove.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scenarios.capacity import project_plan
from scenarios.capacity_milp import CapacityPlan, MilpSettings, optimise_plan
from scenarios.capacity_model import CapacityPlanInput, HireClass, HiringPolicy

__all__ = ["Reason", "Shortfall", "explain_shortfall", "shortfall_of"]

SHORT_TOLERANCE = 0.005
MIN_REMOVED = 0.5


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Short weeks (indices) and FTE-weeks short of a plan."""

    weeks: tuple[int, ...]
    fte_weeks: float


@dataclass(frozen=True, slots=True)
class Reason:
    """A limit that keeps the plan short: ``limit`` (lead_time, class_size_max, freeze,
    budget, cost), the ``weeks`` it binds in (short weeks, or class weeks for the cap),
    ``removes_fte_weeks`` by relaxing it (``relaxed``: how), and a sentence for HR."""

    limit: str
    weeks: tuple[int, ...]
    removes_fte_weeks: float
    relaxed: str
    message: str


def shortfall_of(inp: CapacityPlanInput, classes: tuple[HireClass, ...]) -> Shortfall:
    """Short weeks and FTE-weeks of ``classes`` projected on ``inp``."""
    weekly = project_plan(inp, classes).weekly
    need = weekly["need_hours"].to_numpy()
    short = weekly["shortfall_hours"].to_numpy()
    fte = inp.fte_hours * (1.0 - np.asarray(inp.shrinkage_by_week()))
    weeks = tuple(int(w) for w in np.flatnonzero(short > np.maximum(SHORT_TOLERANCE * need, 1e-6)))
    return Shortfall(weeks, float((short / fte).sum()))


def _span(weeks: tuple[int, ...], labels: tuple[str, ...]) -> str:
    names = [labels[w] if labels else f"week {w}" for w in weeks]
    if len(names) > 6:
        return f"{names[0]} .. {names[-1]} ({len(names)} weeks)"
    return ", ".join(names)


def _num(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def _of(removed: float, base: Shortfall) -> str:
    return f"{_num(removed)} of the {_num(base.fte_weeks)} short FTE-weeks"


def _relaxed(inp: CapacityPlanInput, **changes: object) -> CapacityPlanInput:
    return dataclasses.replace(inp, hiring=dataclasses.replace(inp.hiring, **changes))  # type: ignore[arg-type]


def _resolve(inp: CapacityPlanInput, settings: MilpSettings, base: Shortfall) -> float:
    plan = optimise_plan(inp, settings)
    return max(base.fte_weeks - shortfall_of(inp, plan.classes).fte_weeks, 0.0)


def _lead_time(inp: CapacityPlanInput, base: Shortfall, removed: float) -> Reason | None:
    hiring = inp.hiring
    first = hiring.lead_time_weeks + hiring.training_weeks
    early = tuple(w for w in base.weeks if w < first)
    if not early and removed < MIN_REMOVED:
        return None
    labels = inp.week_labels
    start = _span((first,), labels) if first < inp.horizon_weeks else "the horizon ends"
    message = (
        f"lead time ({hiring.lead_time_weeks} weeks) and training ({hiring.training_weeks} "
        f"weeks): no new hire is productive before {start}"
        + (f"; short in {_span(early, labels)}, which hiring cannot fix" if early else "")
        + f"; a lead time of 0 would remove {_of(removed, base)}"
    )
    return Reason("lead_time", early, removed, "lead_time_weeks=0", message)


def _extra_class(inp: CapacityPlanInput, plan: CapacityPlan, base: Shortfall) -> tuple[int, float]:
    """Best week for one more full class (weeks without one) and the FTE-weeks it removes."""
    used = {c.week for c in plan.classes}
    contract = next(c.name for c in inp.contracts if c.hireable)
    best = (-1, 0.0)
    for week in inp.hiring.allowed_weeks(inp.horizon_weeks):
        if week in used:
            continue
        extra = (*plan.classes, HireClass(week, contract, inp.hiring.class_size_max))
        removed = base.fte_weeks - shortfall_of(inp, extra).fte_weeks
        if removed > best[1]:
            best = (week, removed)
    return best


def _class_cap(
    inp: CapacityPlanInput, plan: CapacityPlan, base: Shortfall, removed: float
) -> Reason | None:
    cap = inp.hiring.class_size_max
    sizes: dict[int, int] = {}
    for c in plan.classes:
        sizes[c.week] = sizes.get(c.week, 0) + c.size
    full = tuple(sorted(w for w, size in sizes.items() if size >= cap))
    if removed < MIN_REMOVED or not full:
        return None
    week, extra = _extra_class(inp, plan, base)
    labels = inp.week_labels
    message = (
        f"class size cap ({cap}) binds in {_span(full, labels)}: a cap of {2 * cap} would "
        f"remove {_of(removed, base)}"
    )
    if week >= 0:
        message += (
            f"; one more class of {cap} starting {_span((week,), labels)} removes {_num(extra)}"
        )
    return Reason("class_size_max", full, removed, f"class_size_max={2 * cap}", message)


def _simple(
    limit: str,
    relaxed: str,
    what: str,
    weeks: tuple[int, ...],
    inp: CapacityPlanInput,
    base: Shortfall,
    removed: float,
) -> Reason | None:
    if removed < MIN_REMOVED:
        return None
    where = f" ({_span(weeks, inp.week_labels)})" if weeks else ""
    message = f"{what}{where}: {relaxed} would remove {_of(removed, base)}"
    return Reason(limit, weeks, removed, relaxed, message)


def _relaxations(inp: CapacityPlanInput) -> dict[str, CapacityPlanInput]:
    hiring: HiringPolicy = inp.hiring
    out = {"lead_time": _relaxed(inp, lead_time_weeks=0)}
    out["class_size_max"] = _relaxed(inp, class_size_max=2 * hiring.class_size_max)
    if hiring.freeze_weeks or hiring.class_start_weeks is not None:
        out["freeze"] = _relaxed(inp, freeze_weeks=(), class_start_weeks=None)
    if hiring.max_hires is not None:
        out["budget"] = _relaxed(inp, max_hires=None)
    costs = dataclasses.replace(
        inp.costs, under_per_hour=max(inp.costs.under_per_hour, 1.0) * 100.0
    )
    out["cost"] = dataclasses.replace(inp, costs=costs)
    return out


def explain_shortfall(
    inp: CapacityPlanInput, plan: CapacityPlan, settings: MilpSettings | None = None,
    *, progress: Callable[[str], None] | None = None,
) -> tuple[Shortfall, tuple[Reason, ...]]:  # fmt: skip
    """The plan's shortfall and the limits that cause it (module docstring), largest first."""
    base = shortfall_of(inp, plan.classes)
    if not base.weeks:
        return base, ()
    settings = settings or MilpSettings(time_limit_s=5.0)
    removed = {}
    for limit, relaxed in _relaxations(inp).items():
        if progress is not None:
            progress(limit)
        removed[limit] = _resolve(relaxed, settings, base)
    hiring = inp.hiring
    found = [
        _lead_time(inp, base, removed["lead_time"]),
        _class_cap(inp, plan, base, removed["class_size_max"]),
        _simple(
            "freeze",
            "hiring in any week",
            "hiring freeze / class calendar",
            hiring.freeze_weeks,
            inp,
            base,
            removed.get("freeze", 0.0),
        ),
        _simple(
            "budget",
            "no hiring budget",
            f"hiring budget ({hiring.max_hires} hires) used up",
            (),
            inp,
            base,
            removed.get("budget", 0.0),
        ),
        _simple(
            "cost",
            "a 100x dearer shortage",
            "shortage is cheaper than hiring at the given costs",
            (),
            inp,
            base,
            removed["cost"],
        ),
    ]
    reasons = sorted((r for r in found if r is not None), key=lambda r: -r.removes_fte_weeks)
    return base, tuple(reasons)
