"""The Staffwise service: ``create_app(settings)`` builds the FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request, Response

from api import edge, errors
from api.audit import AuditMiddleware
from api.auth import require_access
from api.db import make_engine, upgrade
from api.fast_reads import HotReads
from api.jobs import JobRunner
from api.routes import (
    actuals,
    agents,
    audit,
    capacity,
    clients,
    contracts,
    forecasts,
    hiring,
    imports,
    jobs,
    publish,
    queues,
    reports,
    requirements,
    roster_edits,
    roster_locks,
    rosters,
    scenarios,
    shift_rules,
    site_rosters,
    sites,
    time_off,
    tokens,
)
from api.settings import Settings
from api.web.routes import include_planner

API_VERSION = "v1"


ROUTERS = (sites, queues, imports, forecasts, requirements, rosters, scenarios, contracts,
           agents, shift_rules, capacity, hiring, jobs, tokens, audit, actuals,
           reports, site_rosters, roster_edits, publish, clients, roster_locks,
           time_off)  # fmt: skip


def create_app(settings: Settings | None = None) -> FastAPI:
    """A configured application; the database is migrated and the executor started on startup."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        if settings.run_migrations:
            upgrade(engine)
        app.state.engine = engine
        app.state.runner = JobRunner(settings, engine)
        app.state.runner.start()  # takes over jobs whose lease lapsed or was handed back
        try:
            yield
        finally:
            app.state.runner.close()
            engine.dispose()

    app = FastAPI(
        title="Staffwise",
        version="0.1.0",
        summary="Forecasts, Erlang requirements, CP-SAT rosters, scenarios and capacity plans.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(AuditMiddleware)  # writes the audit event of every change (api.audit)
    app.add_middleware(HotReads)  # repeated roster reads answered before routing (api.fast_reads)
    for module in ROUTERS:  # one access check for every /v1 route but /v1/health (api.auth)
        app.include_router(module.router, dependencies=[Depends(require_access)])
    app.include_router(publish.public_router)  # agents' schedule links: the secret is the key
    include_planner(app)  # the planner page (api/web), a thin client of the routes above
    edge.install(app, settings)  # added last: outermost (host, origin, rate, body size)

    @app.get("/v1/health", operation_id="getHealth", tags=["service"])
    async def health(request: Request, response: Response) -> dict[str, Any]:
        """``ok`` while the job executor accepts work; 503 ``unavailable`` while it does not
        (shutting down, no Dask worker). Answered on the event loop, without the database."""
        runner: JobRunner | None = getattr(request.app.state, "runner", None)
        executor = runner.state() if runner is not None else {"accepting": False}
        ok = bool(executor.get("accepting"))
        if not ok:
            response.status_code = 503
        return {"status": "ok" if ok else "unavailable", "api_version": API_VERSION,
                "executor": executor}  # fmt: skip

    return app
