"""FastAPI dependencies: settings, engine, sessions, the job runner, paging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, func, select
from sqlmodel.sql.expression import SelectOfScalar

from api.db import writer
from api.errors import ID_MAX, ID_MIN, conflict, not_found
from api.jobs import JobRunner
from api.settings import Settings

T = TypeVar("T", bound=SQLModel)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.runner
    return runner


async def read_session(engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Session]:
    """A session per request, closed on the event loop (no threadpool slot needed to close)."""
    with Session(engine) as session:
        yield session


async def write_session(engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Session]:
    """A session whose transactions take the write lock up front (SQLite ``BEGIN IMMEDIATE``).

    Handlers commit explicitly (``commit``) so constraint violations become a 409 before the
    response is sent; anything not committed is rolled back when the request ends.
    """
    with Session(writer(engine), expire_on_commit=False) as session:
        yield session


def commit(session: Session, conflict_detail: str = "conflicts with an existing resource") -> None:
    """Commit, turning a unique/foreign-key violation into a 409 problem."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise conflict(conflict_detail) from exc


# At most READ_SESSIONS + WRITE_SESSIONS request sessions exist at once (waiting for a slot
# does not take a worker thread), fewer than the pool's connections. Without the cap, under a
# burst of requests finished handlers keep their connection until their response is serialised
# in the threadpool while every thread waits for a connection: the pool times out (found by
# bench/api.py with 200 concurrent reads).
READ_SESSIONS = 30
WRITE_SESSIONS = 15
ReadSession = Annotated[
    Session, Depends(read_session, scope="function", max_concurrency=READ_SESSIONS)
]
WriteSession = Annotated[
    Session, Depends(write_session, scope="function", max_concurrency=WRITE_SESSIONS)
]
EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]


def get_or_404(session: Session, model: type[T], ident: int, kind: str) -> T:
    """The row, or a 404; an id beyond the 32-bit keys (a body's reference) exists nowhere and
    never reaches PostgreSQL, which would refuse the query."""
    row = session.get(model, ident) if ID_MIN <= ident <= ID_MAX else None
    if row is None:
        raise not_found(kind, ident)
    return row


def page(
    session: Session,
    query: SelectOfScalar[T],
    order: Any,
    limit: int,
    offset: int,
    given: Sequence[tuple[Any, Any]] = (),
) -> tuple[int, Sequence[T]]:
    """Row count of ``query`` and its rows ``offset`` .. ``offset + limit`` in ``order``: the
    one paging rule of every list endpoint (``total`` counts the filtered rows, not the page).
    ``given``: the endpoint's optional filters, ``(column, value)`` pairs narrowing the query
    to ``column == value`` where the value is given (not None)."""
    for column, value in given:
        if value is not None:
            query = query.where(column == value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(order).offset(offset).limit(limit)).all()
    return total, rows
