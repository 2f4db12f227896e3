"""Queues of a site: channel, service goal, planned AHT, patience and staffing model."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import Session

from api.convert.goals import goal_problems, queue_goal
from api.convert.rules import rules_body
from api.crud import add_children_list, add_create, add_get, deleted, from_row
from api.deps import WriteSession, commit, get_or_404
from api.errors import ApiError
from api.routes.shift_rules import grid_problems
from api.schemas import QueueCreate, QueueList, QueueRead, QueueUpdate, ServiceGoal
from api.tables import Queue, ShiftRules, Site
from forecasting.errors import InvalidInput

router = APIRouter(tags=["queues"])


def queue_read(queue: Queue) -> QueueRead:
    assert queue.id is not None
    return from_row(QueueRead, queue, goal=queue_goal(queue))


def _apply_goal(queue: Queue, goal: ServiceGoal) -> None:
    queue.service_level = goal.service_level
    queue.answer_within_s = goal.answer_within_s
    queue.max_asa_s = goal.max_asa_s
    queue.max_abandon_rate = goal.max_abandon_rate
    queue.max_occupancy = goal.max_occupancy


def _check(queue: Queue) -> None:
    problems = goal_problems(queue)
    if problems:
        raise ApiError(422, "conflicting-service-goal", problems[0].message, errors=problems)


def check_interval(session: Session, queue: Queue) -> None:
    """A 422 when the site's shift rules cannot fit ``queue``'s interval grid, naming the rule
    fields (``shift_rules.break_rule.duration_minutes``, ...); checked when the interval of an
    existing queue changes (a new queue may serve forecasts only: its roster job checks)."""
    rules = rules_body(session.get(ShiftRules, queue.site_id))
    problems = grid_problems(session, queue.site_id, rules, [queue.interval_min], "shift_rules.")
    if problems:
        raise InvalidInput(problems)


def _new_queue(session: Session, site_id: int, body: QueueCreate) -> Queue:
    queue = Queue(site_id=site_id, **body.model_dump(exclude={"goal"}))
    _apply_goal(queue, body.goal)
    _check(queue)
    return queue


add_create(router, "/v1/sites/{site_id}/queues", "createQueue", (Site, Queue),
           (QueueCreate, queue_read), "site {site_id} already has a queue named {body.name!r}",
           _new_queue)  # fmt: skip
add_children_list(router, "/v1/sites/{site_id}/queues", "listQueues", (Site, Queue),
                  queue_read, QueueList)  # fmt: skip
add_get(router, "/v1/queues/{queue_id}", "getQueue", Queue, queue_read)


@router.patch("/v1/queues/{queue_id}", operation_id="updateQueue")
def update_queue(queue_id: int, body: QueueUpdate, session: WriteSession) -> QueueRead:
    queue = get_or_404(session, Queue, queue_id, "queue")
    interval = queue.interval_min
    for name, value in body.model_dump(exclude_unset=True, exclude={"goal"}).items():
        setattr(queue, name, value)
    if body.goal is not None:
        _apply_goal(queue, body.goal)
    _check(queue)
    if queue.interval_min != interval:
        check_interval(session, queue)
    session.add(queue)
    commit(session, f"the site already has a queue named {body.name!r}")
    return queue_read(queue)


@router.delete(
    "/v1/queues/{queue_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteQueue"
)
def delete_queue(queue_id: int, session: WriteSession) -> Response:
    return deleted(session, Queue, queue_id, "queue", "the queue is still referenced")


def load_queue(session: Session, queue_id: int) -> Queue:
    return get_or_404(session, Queue, queue_id, "queue")
