"""Alembic environment: migrates ``api.tables`` metadata.

The service passes its open connection in ``config.attributes["connection"]``; the command line
(``alembic -c api/alembic.ini upgrade head``) uses ``STAFFWISE_DATABASE_URL`` instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from api.db import check_foreign_keys, foreign_keys_off, make_engine
from api.settings import Settings

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(Settings().database_url)
    with (
        engine.connect() as own,
        foreign_keys_off(own),
        own.begin(),
    ):
        _run(own)
        check_foreign_keys(own)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
