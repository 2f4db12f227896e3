"""A queue's service goal: as the API shows it, as the core takes it, and the checks the
Erlang engine makes of it (no algorithms live here)."""

from __future__ import annotations

from typing import Protocol

from api.schemas import ServiceGoal
from api.tables import Queue
from forecasting.errors import InvalidInput, Problem
from optimizer import requirements as req

GOAL_FIELDS = ("service_level", "answer_within_s", "max_asa_s", "max_abandon_rate", "max_occupancy")


class GoalFields(Protocol):
    """A stored queue or an API goal: both name the goal's fields alike."""

    service_level: float
    answer_within_s: float
    max_asa_s: float | None
    max_abandon_rate: float | None
    max_occupancy: float | None


# deferred work: the actuals' resolution counts, site rosters' backlog, HR's workload need
DEFERRED_CHANNELS = frozenset({"email"})


def is_deferred(queue: Queue) -> bool:
    """A deferred queue (e-mail, tickets): items due within a deadline, not calls answered
    within seconds; its actuals carry resolution counts."""
    return queue.channel in DEFERRED_CHANNELS


def refuse_deferred(queue: Queue, field: str) -> None:
    """A 422 naming ``field`` when ``queue`` is an e-mail queue: its work is due within a
    deadline, not answered in seconds, so the Erlang engine has nothing to say about it (no
    per-interval requirement, no service level); site rosters plan it."""
    if not is_deferred(queue):
        return
    due = "" if queue.deadline_minutes is None else f" within {queue.deadline_minutes} open minutes"
    message = (
        f"queue {queue.id} ({queue.name}) is an e-mail queue: its work is due{due}, not answered "
        "in seconds, so it has no per-interval Erlang requirement; plan it with the site's other "
        "queues in a site roster (POST /v1/site-roster-jobs), which keeps its backlog within the "
        "deadline"
    )
    raise InvalidInput([Problem(None, field, "deferred_queue", message)])


def queue_goal(queue: Queue) -> ServiceGoal:
    """The queue's goal as the API shows it."""
    return ServiceGoal.model_validate({name: getattr(queue, name) for name in GOAL_FIELDS})


def core_goal(goal: GoalFields) -> req.ServiceGoal:
    """The goal of a stored queue or of an API body as the core's ``ServiceGoal``."""
    return req.ServiceGoal(**{name: getattr(goal, name) for name in GOAL_FIELDS})


def core_problems(queue: Queue) -> list[Problem]:
    """What the Erlang engine itself rejects in the queue's goal and model.

    Probes one interval of 10 calls: validation is the engine's own, and a goal no staffing can
    meet (``UnreachableTargetError``) is reported as unattainable."""
    goal = core_goal(queue)
    model = req.StaffingModel(kind=queue.model, patience_s=queue.patience_s)  # type: ignore[arg-type]
    try:
        req.required_agents(
            [10.0], queue.aht_s, interval_min=queue.interval_min, goal=goal, model=model,
            shrinkage=queue.shrinkage,
        )  # fmt: skip
    except req.UnreachableTargetError as exc:
        return [Problem(None, "goal", "unattainable-goal", str(exc))]
    except InvalidInput as exc:
        return [
            Problem(p.row, f"goal.{p.field}" if p.field in GOAL_FIELDS else p.field, p.code,
                    p.message)
            for p in exc.problems
        ]  # fmt: skip
    return []


def goal_problems(queue: Queue) -> list[Problem]:
    """Service goals that contradict each other or the staffing model of ``queue``."""
    problems: list[Problem] = []

    def add(field: str, code: str, message: str) -> None:
        problems.append(Problem(row=None, field=field, code=code, message=message))

    if queue.model == "erlang_a" and queue.patience_s is None:
        add("patience_s", "required", "the erlang_a model needs the callers' mean patience_s")
    if queue.model == "erlang_c" and queue.max_abandon_rate is not None:
        add(
            "goal.max_abandon_rate",
            "conflicting-goal",
            "erlang_c assumes no caller abandons; use model erlang_a with patience_s "
            "to target an abandonment ceiling",
        )
    if queue.service_level >= 1.0:
        add(
            "goal.service_level",
            "unattainable-goal",
            "a service level of 100% cannot be guaranteed by a queue with random arrivals",
        )
    seen = {p.field for p in problems}
    problems.extend(p for p in core_problems(queue) if p.field not in seen)
    return problems
