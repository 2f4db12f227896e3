"""The capacity plan input of a request (need hours from a stored requirement, the body, or
a queue's history: :func:`need_spec`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlmodel import Session

from api.convert.goals import core_goal, is_deferred
from api.history import load_history
from api.schemas import CapacityPlanCreate
from api.schemas.capacity import AttritionBandBody
from api.tables import Queue, Requirement, Site
from forecasting.errors import InvalidInput, Problem
from forecasting.longrange import KnownDays
from optimizer import requirements as req
from scenarios import capacity
from scenarios import capacity_model as cm
from scenarios.capacity_hr import NeedSpec
from scenarios.need import ContractShare


def _band_rate(band: AttritionBandBody) -> float:
    if band.monthly_rate is not None:
        return cm.monthly_to_weekly(band.monthly_rate)
    return float(band.weekly_rate or 0.0)


def _attrition(body: CapacityPlanCreate) -> cm.Attrition:
    spec = body.attrition
    if spec.bands is not None:
        return cm.Attrition(
            tuple(cm.AttritionBand(b.from_tenure_week, _band_rate(b)) for b in spec.bands)
        )
    if spec.monthly_rate is not None:
        return cm.Attrition.from_monthly([(0, spec.monthly_rate)])
    assert spec.annual_rate is not None
    return cm.Attrition.from_annual(
        spec.annual_rate, early_annual_rate=spec.early_annual_rate, early_weeks=spec.early_weeks
    )


def _need_hours(
    session: Session, body: CapacityPlanCreate
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    if body.need_hours is not None:
        return tuple(body.need_hours), tuple(body.week_labels or ())
    if body.queue_id is not None:  # built by the job; zeros stand in to check the rest
        return (0.0,) * body.horizon_weeks, ()
    assert body.requirement_id is not None
    requirement = session.get(Requirement, body.requirement_id)
    if requirement is None:
        message = f"requirement {body.requirement_id} does not exist"
        raise InvalidInput([Problem(None, "requirement_id", "unknown", message)])
    queue = session.get(Queue, requirement.queue_id)
    site = session.get(Site, queue.site_id) if queue is not None else None
    assert queue is not None and site is not None
    frame = pd.DataFrame(
        {
            "interval_start": requirement.intervals["interval_start"],
            "agents": np.asarray(requirement.intervals["agents"], dtype=float),
        }
    )
    weekly = capacity.weekly_need_hours(frame, interval_min=queue.interval_min, zone=site.zone,
                                        week_start_day=site.week_start_day)  # fmt: skip
    labels = tuple(pd.Timestamp(w).date().isoformat() for w in weekly.index)
    return tuple(float(v) for v in weekly.to_numpy()), labels


def _shrinkage(session: Session, body: CapacityPlanCreate) -> float | tuple[float, ...]:
    if body.queue_id is not None:
        return plan_shrinkage(body, _queue_site(session, body.queue_id)[0])
    return body.shrinkage if isinstance(body.shrinkage, float) else tuple(body.shrinkage)


def _costs(body: CapacityPlanCreate, shrinkage: float | tuple[float, ...]) -> cm.CapacityCosts:
    """Costs per productive hour; per FTE-week ones over one FTE's productive hours."""
    mean = float(np.mean(shrinkage)) if isinstance(shrinkage, tuple) else shrinkage
    hours = body.fte_hours * (1.0 - min(max(mean, 0.0), 0.99))
    c = body.costs
    under = (
        c.under_per_hour if c.under_per_hour is not None else (c.under_per_fte_week or 0.0) / hours
    )
    over = c.over_per_hour if c.over_per_hour is not None else (c.over_per_fte_week or 0.0) / hours
    return cm.CapacityCosts(under, over)


def plan_input(session: Session, body: CapacityPlanCreate) -> cm.CapacityPlanInput:
    need, labels = _need_hours(session, body)
    shrinkage = _shrinkage(session, body)
    hiring = body.hiring
    return cm.CapacityPlanInput(
        need_hours=need,
        contracts=tuple(cm.ContractType(**c.model_dump()) for c in body.contracts),
        cohorts=tuple(cm.Cohort(**c.model_dump()) for c in body.cohorts),
        attrition=_attrition(body),
        hiring=cm.HiringPolicy(
            lead_time_weeks=hiring.lead_time_weeks,
            training_weeks=hiring.training_weeks,
            ramp=tuple(hiring.ramp),
            class_size_min=hiring.class_size_min,
            class_size_max=hiring.class_size_max,
            class_start_weeks=None
            if hiring.class_start_weeks is None
            else tuple(hiring.class_start_weeks),
            freeze_weeks=tuple(hiring.freeze_weeks),
            max_hires=hiring.max_hires,
        ),
        costs=_costs(body, shrinkage),
        shrinkage=shrinkage,
        fte_hours=body.fte_hours,
        week_labels=labels,
    )


def hire_classes(body: CapacityPlanCreate) -> tuple[cm.HireClass, ...]:
    return tuple(cm.HireClass(c.week, c.contract, c.size) for c in body.classes)


def _queue_site(session: Session, queue_id: int) -> tuple[Queue, Site]:
    queue = session.get(Queue, queue_id)
    site = session.get(Site, queue.site_id) if queue is not None else None
    if queue is None or site is None:
        raise InvalidInput([Problem(None, "queue_id", "unknown", f"no queue {queue_id}")])
    return queue, site


def plan_shrinkage(body: CapacityPlanCreate, queue: Queue) -> float | tuple[float, ...]:
    """The body's shrinkage, or the queue's when the body gives none."""
    if "shrinkage" in body.model_fields_set:
        return body.shrinkage if isinstance(body.shrinkage, float) else tuple(body.shrinkage)
    return float(queue.shrinkage)


def contract_mix(body: CapacityPlanCreate) -> tuple[ContractShare, ...]:
    """Today's paid hours by contract (the cohorts), else the hireable contracts equally: the
    mix the need's heads per contract are counted in."""
    hours = {c.name: c.weekly_hours for c in body.contracts}
    paid = dict.fromkeys(hours, 0.0)
    for cohort in body.cohorts:
        if cohort.contract in paid:
            paid[cohort.contract] += cohort.headcount * hours[cohort.contract]
    if sum(paid.values()) <= 0:
        paid = {c.name: 1.0 for c in body.contracts if c.hireable} or dict.fromkeys(hours, 1.0)
    total = sum(paid.values())
    return tuple(ContractShare(n, hours[n], v / total) for n, v in paid.items() if v > 0)


def need_spec(session: Session, body: CapacityPlanCreate) -> tuple[pd.DataFrame, NeedSpec]:
    """The queue's stored history and how to build its weekly need (``body.queue_id``)."""
    assert body.queue_id is not None
    queue, site = _queue_site(session, body.queue_id)
    history = load_history(session, body.queue_id)
    if history.empty:
        message = f"queue {body.queue_id} has no history to forecast from"
        raise InvalidInput([Problem(None, "queue_id", "insufficient_history", message)])
    shrink = plan_shrinkage(body, queue)
    model = req.StaffingModel(kind=queue.model, patience_s=queue.patience_s)  # type: ignore[arg-type]
    spec = NeedSpec(
        weeks=body.horizon_weeks, zone=site.zone, interval_min=queue.interval_min,
        goal=core_goal(queue), model=model, aht_s=queue.aht_s,
        week_start_day=site.week_start_day,
        known=KnownDays(frozenset(body.closed_days), frozenset(body.event_days)),
        shrinkage=shrink if isinstance(shrink, float) else float(np.mean(shrink)),
        fte_hours=body.fte_hours, mix=contract_mix(body),
        deferred_occupancy=(queue.max_occupancy or 1.0) if is_deferred(queue) else None,
    )  # fmt: skip
    return history, spec
