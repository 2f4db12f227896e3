"""Clients at the API edge: a client's queues, and what a service report is about."""

from __future__ import annotations

from sqlmodel import Session, col, select

from actuals.report import Goal
from api.deps import get_or_404
from api.errors import invalid
from api.tables import Client, ClientQueue, Queue


def client_queue_ids(session: Session, client_id: int) -> list[int]:
    query = select(ClientQueue.queue_id).where(col(ClientQueue.client_id) == client_id)
    return sorted(session.exec(query).all())


def client_goal(client: Client) -> Goal:
    return Goal(client.service_level, client.answer_within_s, client.max_asa_s,
                client.max_abandon_rate)  # fmt: skip


def report_subject(
    session: Session, queue_ids: list[int], client_id: int | None
) -> tuple[list[Queue], tuple[int, str, Goal] | None]:
    """The queues a service report is about and, for a client, (id, name, targets): queues
    named (``queue_id``) or a client's (``client_id``), not both (else 422)."""
    if (client_id is None) == (not queue_ids):
        raise invalid("queue_id", "queue_or_client", "name the queues (queue_id) or a client_id")
    if client_id is None:
        return [get_or_404(session, Queue, i, "queue") for i in dict.fromkeys(queue_ids)], None
    client = get_or_404(session, Client, client_id, "client")
    ids = client_queue_ids(session, client_id)
    if not ids:
        raise invalid("client_id", "no_queues", f"client {client_id} owns no queue yet")
    queues = [get_or_404(session, Queue, i, "queue") for i in ids]
    return queues, (client_id, client.name, client_goal(client))
