"""Clients: who the centre reports to, with the service targets agreed with them (SL X % in
Y s, optional ASA and abandonment ceilings) and the queues they own. A queue belongs to at
most one client (409 otherwise); a client's queues share a zone and week (the report's days)
and their calls count answered-within at the client's threshold (422 ``mixed_sites`` /
``threshold_mismatch`` naming ``queue_ids``; deferred queues count items resolved within their
deadline instead, so any threshold of theirs is not compared).
``GET /v1/reports/service?client_id=`` reports on them against the client's targets. Clients
are bound to no site: a site-bound token cannot reach them (403)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Response, status
from sqlmodel import Session, col, delete, select

from api.convert.clients import client_queue_ids
from api.convert.goals import is_deferred
from api.crud import deleted
from api.deps import Limit, Offset, ReadSession, WriteSession, commit, get_or_404, page
from api.errors import ID_MAX, ID_MIN, ApiError, invalid
from api.schemas.clients import ClientCreate, ClientList, ClientRead, ClientTargets, ClientUpdate
from api.tables import Client, ClientQueue, Queue, Site

router = APIRouter(prefix="/v1/clients", tags=["clients"])


def client_read(session: Session, client: Client) -> ClientRead:
    assert client.id is not None
    targets = ClientTargets(
        service_level=client.service_level, answer_within_s=client.answer_within_s,
        max_asa_s=client.max_asa_s, max_abandon_rate=client.max_abandon_rate,
    )  # fmt: skip
    return ClientRead(id=client.id, name=client.name, targets=targets,
                      queue_ids=client_queue_ids(session, client.id),
                      created_at=client.created_at)  # fmt: skip


def _check_queues(session: Session, ids: Sequence[int], client: Client) -> list[int]:
    """The distinct queue ids, after the rules of the module docstring."""
    unique = list(dict.fromkeys(ids))
    queues = []
    for queue_id in unique:
        queue = session.get(Queue, queue_id) if ID_MIN <= queue_id <= ID_MAX else None
        if queue is None:
            raise invalid("queue_ids", "unknown_queue", f"there is no queue {queue_id}")
        if not is_deferred(queue) and queue.answer_within_s != client.answer_within_s:
            within = f"{queue.answer_within_s:g} s, the client's in {client.answer_within_s:g} s"
            raise invalid("queue_ids", "threshold_mismatch",
                          f"queue {queue_id} counts calls answered in {within}")  # fmt: skip
        owner = session.exec(select(ClientQueue).where(col(ClientQueue.queue_id) == queue_id))
        row = owner.first()
        if row is not None and row.client_id != client.id:
            raise ApiError(409, "conflict", f"queue {queue_id} belongs to client {row.client_id}")
        queues.append(queue)
    weeks = {(s.zone, s.week_start_day) for s in (session.get(Site, q.site_id) for q in queues)
             if s is not None}  # fmt: skip
    if len(weeks) > 1:
        raise invalid("queue_ids", "mixed_sites", "a client's queues share a zone and week")
    return unique


def _set_targets(client: Client, targets: ClientTargets) -> None:
    client.service_level, client.answer_within_s = targets.service_level, targets.answer_within_s
    client.max_asa_s, client.max_abandon_rate = targets.max_asa_s, targets.max_abandon_rate


def _link(session: Session, client: Client, queue_ids: Sequence[int]) -> None:
    """Replace the client's queues (the caller commits)."""
    assert client.id is not None
    session.exec(delete(ClientQueue).where(col(ClientQueue.client_id) == client.id))  # type: ignore[call-overload]
    for queue_id in queue_ids:
        session.add(ClientQueue(client_id=client.id, queue_id=queue_id))


def _conflict(name: str | None) -> str:
    return f"a client named {name!r} already exists, or a queue belongs to another client"


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="createClient")
def create_client(body: ClientCreate, session: WriteSession, response: Response) -> ClientRead:
    client = Client(name=body.name, service_level=0.0, answer_within_s=0.0)
    _set_targets(client, body.targets)
    queue_ids = _check_queues(session, body.queue_ids, client)
    session.add(client)
    commit(session, _conflict(body.name))
    _link(session, client, queue_ids)
    commit(session, _conflict(body.name))
    response.headers["Location"] = f"/v1/clients/{client.id}"
    return client_read(session, client)


@router.get("", operation_id="listClients")
def list_clients(session: ReadSession, limit: Limit = 100, offset: Offset = 0) -> ClientList:
    total, rows = page(session, select(Client), col(Client.id), limit, offset)
    items = [client_read(session, c) for c in rows]
    return ClientList(total=total, limit=limit, offset=offset, items=items)


@router.get("/{client_id}", operation_id="getClient")
def get_client(client_id: int, session: ReadSession) -> ClientRead:
    return client_read(session, get_or_404(session, Client, client_id, "client"))


@router.patch("/{client_id}", operation_id="updateClient")
def update_client(client_id: int, body: ClientUpdate, session: WriteSession) -> ClientRead:
    client = get_or_404(session, Client, client_id, "client")
    if body.targets is not None:
        _set_targets(client, body.targets)
    given = body.queue_ids if body.queue_ids is not None else client_queue_ids(session, client_id)
    queue_ids = _check_queues(session, given, client)  # new targets: the queues still fit
    if body.queue_ids is not None:
        _link(session, client, queue_ids)
    # renamed last: a query above would flush a taken name outside the commit's 409
    client.name = body.name or client.name  # a name is never empty
    session.add(client)
    commit(session, _conflict(body.name))
    return client_read(session, client)


@router.delete("/{client_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteClient")
def delete_client(client_id: int, session: WriteSession) -> Response:
    return deleted(session, Client, client_id, "client")
