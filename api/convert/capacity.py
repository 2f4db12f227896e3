"""The capacity plan input of a request (need hours from a stored requirement or the body)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlmodel import Session

from api.schemas import CapacityPlanCreate
from api.tables import Queue, Requirement, Site
from forecasting.errors import InvalidInput, Problem
from scenarios import capacity
from scenarios import capacity_model as cm


def _attrition(body: CapacityPlanCreate) -> cm.Attrition:
    spec = body.attrition
    if spec.bands is not None:
        return cm.Attrition(
            tuple(cm.AttritionBand(b.from_tenure_week, b.weekly_rate) for b in spec.bands)
        )
    assert spec.annual_rate is not None
    return cm.Attrition.from_annual(
        spec.annual_rate, early_annual_rate=spec.early_annual_rate, early_weeks=spec.early_weeks
    )


def _need_hours(
    session: Session, body: CapacityPlanCreate
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    if body.need_hours is not None:
        return tuple(body.need_hours), tuple(body.week_labels or ())
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


def plan_input(session: Session, body: CapacityPlanCreate) -> cm.CapacityPlanInput:
    need, labels = _need_hours(session, body)
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
        ),
        costs=cm.CapacityCosts(body.costs.under_per_hour, body.costs.over_per_hour),
        shrinkage=body.shrinkage if isinstance(body.shrinkage, float) else tuple(body.shrinkage),
        fte_hours=body.fte_hours,
        week_labels=labels,
    )


def hire_classes(body: CapacityPlanCreate) -> tuple[cm.HireClass, ...]:
    return tuple(cm.HireClass(c.week, c.contract, c.size) for c in body.classes)
