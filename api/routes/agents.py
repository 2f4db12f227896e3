"""Agents of a site (contract, availability, queues, last week's tail, preferences) and their
time off."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import Session, col

from api.crud import add_children_list, add_create, add_get, deleted
from api.deps import WriteSession, commit, get_or_404
from api.errors import invalid
from api.schemas import (
    AgentCreate,
    AgentList,
    AgentPreferences,
    AgentRead,
    AgentUpdate,
    TimeOffCreate,
    TimeOffList,
    TimeOffRead,
    week_from_minutes,
    week_to_minutes,
)
from api.tables import Agent, Contract, Queue, Site, TimeOff

router = APIRouter(tags=["staff"])


def agent_read(row: Agent) -> AgentRead:
    assert row.id is not None
    data = row.model_dump()
    data["availability"] = week_from_minutes(row.availability)
    data["preferences"] = AgentPreferences.from_stored(row.preferences)
    return AgentRead.model_construct(**data)  # stored rows were validated on the way in


def _check_refs(session: Session, site_id: int, contract_id: int | None, queues: list[int]) -> None:
    if contract_id is not None:
        contract = session.get(Contract, contract_id)
        if contract is None or contract.site_id != site_id:
            raise invalid("contract_id", "unknown_contract", f"site {site_id} has no contract "
                          f"{contract_id}")  # fmt: skip
    for i, queue_id in enumerate(queues):
        queue = session.get(Queue, queue_id)
        if queue is None or queue.site_id != site_id:
            raise invalid("queue_ids", "unknown_queue", f"site {site_id} has no queue {queue_id}",
                          row=i)  # fmt: skip


def _new_agent(session: Session, site_id: int, body: AgentCreate) -> Agent:
    _check_refs(session, site_id, body.contract_id, body.queue_ids)
    data = body.model_dump()
    data["availability"] = week_to_minutes(body.availability)
    data["preferences"] = None if body.preferences is None else body.preferences.stored()
    return Agent(site_id=site_id, **data)


add_create(router, "/v1/sites/{site_id}/agents", "createAgent", (Site, Agent),
           (AgentCreate, agent_read), "site {site_id} already has an agent {body.code!r}",
           _new_agent)  # fmt: skip
add_children_list(router, "/v1/sites/{site_id}/agents", "listAgents", (Site, Agent),
                  agent_read, AgentList)  # fmt: skip
add_get(router, "/v1/agents/{agent_id}", "getAgent", Agent, agent_read)


@router.patch("/v1/agents/{agent_id}", operation_id="updateAgent")
def update_agent(agent_id: int, body: AgentUpdate, session: WriteSession) -> AgentRead:
    row = get_or_404(session, Agent, agent_id, "agent")
    _check_refs(session, row.site_id, body.contract_id, body.queue_ids or [])
    changes = body.model_dump(exclude_unset=True)
    if body.availability is not None:
        changes["availability"] = week_to_minutes(body.availability)
    if "preferences" in changes:  # replaced as a whole; an explicit null removes them
        prefs = body.preferences
        changes["preferences"] = None if prefs is None else prefs.stored()
    for name, value in changes.items():
        setattr(row, name, value)
    session.add(row)
    commit(session)
    return agent_read(row)


@router.delete(
    "/v1/agents/{agent_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteAgent"
)
def delete_agent(agent_id: int, session: WriteSession) -> Response:
    return deleted(session, Agent, agent_id, "agent")


def time_off_read(row: TimeOff) -> TimeOffRead:
    return TimeOffRead.model_validate(row, from_attributes=True)


add_create(router, "/v1/agents/{agent_id}/time-off", "createTimeOff", (Agent, TimeOff),
           (TimeOffCreate, time_off_read),
           "agent {agent_id} already has time off on {body.day}")  # fmt: skip
add_children_list(router, "/v1/agents/{agent_id}/time-off", "listTimeOff",
                  (Agent, TimeOff), time_off_read, TimeOffList, col(TimeOff.day))  # fmt: skip


@router.delete(
    "/v1/time-off/{time_off_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteTimeOff",
)
def delete_time_off(time_off_id: int, session: WriteSession) -> Response:
    return deleted(session, TimeOff, time_off_id, "time off")
