"""The shared steps of the resource endpoints: create (201 + ``Location``), delete (204) and
list the rows of one parent (a page, after a 404 for a missing parent); and the endpoints
every resource has the same way, registered by :func:`add_create` (a child of a parent),
:func:`add_get` and :func:`add_children_list` (grep their ``operation_id``, e.g.
``listAgents``, to find them)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, col, select

from api.deps import Limit, Offset, ReadSession, WriteSession, commit, get_or_404, page

T = TypeVar("T", bound=SQLModel)
M = TypeVar("M", bound=BaseModel)


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


K = TypeVar("K", bound=_Keyed)


def from_row(schema: type[M], row: SQLModel, **computed: Any) -> M:
    """``schema`` (validated) of ``row``: each of its fields from the row's attribute of the
    same name, but those given in ``computed`` (fields the row does not hold as they are
    answered); a field neither holds keeps its default."""
    names = [name for name in schema.model_fields if name not in computed and hasattr(row, name)]
    return schema(**{name: getattr(row, name) for name in names}, **computed)


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


def _endpoint(
    call: Callable[..., Any], operation_id: str, params: list[inspect.Parameter], answer: type
) -> Callable[..., Any]:
    """``call`` as FastAPI sees a route function: named after ``operation_id`` in snake case
    (``listAgents`` -> ``list_agents``, the OpenAPI summary "List Agents"), with ``params``."""
    call.__name__ = call.__qualname__ = re.sub(r"([A-Z])", r"_\1", operation_id).lower()
    signature = inspect.Signature(params, return_annotation=answer)
    call.__signature__ = signature  # type: ignore[attr-defined]
    return call


def _path_key(path: str) -> str:
    """The last path parameter of ``path`` (``/v1/sites/{site_id}/agents`` -> ``site_id``)."""
    return re.findall(r"{(\w+)}", path)[-1]


def add_create(
    router: APIRouter,
    path: str,
    operation_id: str,
    rows: tuple[type[SQLModel], type[K]],
    body_read: tuple[type[BaseModel], Callable[[K], Any]],
    conflict: str,
    build: Callable[[Session, int, Any], K] | None = None,
) -> None:
    """``POST path`` (201) with a ``body_read[0]`` body: a child of ``rows`` (parent, child)
    under the parent named by the path's ``{<kind>_id}`` (404 naming the kind when missing),
    made by ``build(session, parent_id, body)`` (which may answer 422; default: the child with
    the parent's id and the body's fields), inserted as :func:`created` does and answered as
    ``body_read[1]`` of it. ``Location``: ``/v1/<the path's last segment>/{id}``; a 409 says
    ``conflict`` formatted with the parent id and the body (``"site {site_id} already has a
    contract {body.code!r}"``)."""
    key = _path_key(path)
    parent, model = rows
    body_type, read = body_read
    answer = inspect.signature(read, eval_str=True).return_annotation
    location = "/v1/" + re.sub(r"{\w+}", "", path).rstrip("/").rsplit("/", 1)[-1]

    def create_child(session: Session, body: Any, response: Response, **ids: int) -> Any:
        get_or_404(session, parent, ids[key], key.removesuffix("_id"))
        if build is None:
            row = model(**{key: ids[key]}, **body.model_dump())
        else:
            row = build(session, ids[key], body)
        detail = conflict.format(body=body, **ids)
        return read(created(session, row, response, location, detail))

    params = [
        _path_param(key),
        inspect.Parameter("body", _KEYWORD, annotation=body_type),
        inspect.Parameter("session", _KEYWORD, annotation=WriteSession),
        inspect.Parameter("response", _KEYWORD, annotation=Response),
    ]
    endpoint = _endpoint(create_child, operation_id, params, answer)
    router.post(path, status_code=status.HTTP_201_CREATED, operation_id=operation_id)(endpoint)


def add_get(
    router: APIRouter, path: str, operation_id: str, model: type[T], read: Callable[[T], Any]
) -> None:
    """``GET path``: ``read`` of the ``model`` row named by the path's ``{<kind>_id}`` (404
    naming the kind when missing), answered as ``read``'s return type."""
    key = _path_key(path)
    answer = inspect.signature(read, eval_str=True).return_annotation

    def get_one(session: Session, **ids: int) -> Any:
        return read(get_or_404(session, model, ids[key], key.removesuffix("_id")))

    params = [_path_param(key), inspect.Parameter("session", _KEYWORD, annotation=ReadSession)]
    router.get(path, operation_id=operation_id)(_endpoint(get_one, operation_id, params, answer))


def add_children_list(
    router: APIRouter,
    path: str,
    operation_id: str,
    rows: tuple[type[SQLModel], type[T]],
    read: Callable[[T], Any],
    answer: type,
    order: Any = None,
) -> None:
    """``GET path`` with ``limit``/``offset``: ``answer`` (``total``, ``limit``, ``offset``,
    ``items``) holding ``read`` of a :func:`children_page` of ``rows`` (parent, child): the
    children of the parent named by the path's ``{<kind>_id}``."""
    key = _path_key(path)
    parent, model = rows

    def list_children(session: Session, limit: int, offset: int, **ids: int) -> Any:
        kind = key.removesuffix("_id")
        total, found = children_page(session, parent, ids[key], kind, model, limit, offset, order)
        return answer(total=total, limit=limit, offset=offset, items=[read(r) for r in found])

    params = [
        _path_param(key),
        inspect.Parameter("session", _KEYWORD, annotation=ReadSession),
        inspect.Parameter("limit", _KEYWORD, annotation=Limit, default=100),
        inspect.Parameter("offset", _KEYWORD, annotation=Offset, default=0),
    ]
    endpoint = _endpoint(list_children, operation_id, params, answer)
    router.get(path, operation_id=operation_id)(endpoint)


_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _path_param(key: str) -> inspect.Parameter:
    return inspect.Parameter(key, _KEYWORD, annotation=int)
