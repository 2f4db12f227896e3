"""Fingerprints of the inputs a roster job is computed from, per input family.

A roster job stores them in its params (``params["inputs"]``) when it is created. Re-sending
its ``Idempotency-Key`` after one of those inputs changed (the site's shift rules, a contract,
an agent, a day off, ...) would return a roster of the old inputs: instead the request is a
409 naming the families that changed (``changed: [...]``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from api.tables import Agent, Contract, Job, Queue, Requirement, ShiftRules, Site, TimeOff

FAMILIES = ("site", "queue", "shift_rules", "contracts", "agents", "time_off", "requirement")
INPUTS_KEY = "inputs"
_VOLATILE = {"created_at", "updated_at"}


def _digest(rows: Iterable[SQLModel | None]) -> str:
    dumped = [None if r is None else r.model_dump(exclude=_VOLATILE) for r in rows]
    text = json.dumps(dumped, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def roster_inputs(session: Session, requirement_id: int, week_start: dt.date) -> dict[str, str]:
    """One fingerprint per family of what a roster of ``requirement_id``'s queue for the week
    of ``week_start`` reads (agents: every agent listed on the queue, active or not; time off:
    theirs within the week)."""
    requirement = session.get(Requirement, requirement_id)
    queue = None if requirement is None else session.get(Queue, requirement.queue_id)
    if requirement is None or queue is None:
        return {}
    site = session.get(Site, queue.site_id)
    contracts = session.exec(
        select(Contract).where(col(Contract.site_id) == queue.site_id).order_by(col(Contract.id))
    ).all()
    agents = [
        a
        for a in session.exec(
            select(Agent).where(col(Agent.site_id) == queue.site_id).order_by(col(Agent.id))
        ).all()
        if queue.id in a.queue_ids
    ]
    off = session.exec(
        select(TimeOff)
        .where(col(TimeOff.agent_id).in_([a.id for a in agents]))
        .where(col(TimeOff.day) >= week_start)
        .where(col(TimeOff.day) < week_start + dt.timedelta(days=7))
        .order_by(col(TimeOff.agent_id), col(TimeOff.day))
    ).all()
    return {
        "site": _digest([site]),
        "queue": _digest([queue]),
        "shift_rules": _digest([session.get(ShiftRules, queue.site_id)]),
        "contracts": _digest(contracts),
        "agents": _digest(agents),
        "time_off": _digest(off),
        "requirement": _digest([requirement]),
    }


def changed_inputs(engine: Engine, idempotency_key: str, params: dict[str, Any]) -> list[str]:
    """Families whose fingerprint differs between ``params`` and the job stored under
    ``idempotency_key`` for the same request body (empty: no such job, another body, a job
    without fingerprints, or nothing changed)."""
    with Session(engine) as session:
        job = session.exec(select(Job).where(col(Job.idempotency_key) == idempotency_key)).first()
    if job is None or job.params.get("body") != params.get("body"):
        return []
    before = job.params.get(INPUTS_KEY) or {}
    now = params.get(INPUTS_KEY) or {}
    return [f for f in FAMILIES if f in before and before.get(f) != now.get(f)]
