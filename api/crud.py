"""The shared steps of the resource endpoints: create (201 + ``Location``), delete (204) and
list the rows of one parent (a page, after a 404 for a missing parent)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from fastapi import Response, status
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, col, select

from api.deps import commit, get_or_404, page

T = TypeVar("T", bound=SQLModel)


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


K = TypeVar("K", bound=_Keyed)


def created(
    session: Session,
    row: K,
    response: Response,
    path: str,
    conflict_detail: str = "conflicts with an existing resource",
) -> K:
    """Insert ``row`` (a 409 on a conflict) and answer ``Location: {path}/{id}``: the end of
    every create endpoint."""
    session.add(row)
    commit(session, conflict_detail)
    response.headers["Location"] = f"{path}/{row.id}"
    return row


def deleted(
    session: Session,
    model: type[T],
    ident: int,
    kind: str,
    conflict_detail: str = "conflicts with an existing resource",
) -> Response:
    """Delete the row (a 404 when missing, a 409 while others refer to it): 204."""
    session.delete(get_or_404(session, model, ident, kind))
    commit(session, conflict_detail)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def children_page(
    session: Session,
    parent: type[SQLModel],
    parent_id: int,
    kind: str,
    model: type[T],
    limit: int,
    offset: int,
    order: Any = None,
) -> tuple[int, Sequence[T]]:
    """:func:`page` of ``model``'s rows whose ``{kind}_id`` is ``parent_id``, in ``order``
    (default: the primary key); a 404 when there is no such ``kind`` (``parent``)."""
    get_or_404(session, parent, parent_id, kind)
    query = select(model).where(col(getattr(model, f"{kind}_id")) == parent_id)
    order = sa_inspect(model).primary_key[0] if order is None else order
    return page(session, query, order, limit, offset)
