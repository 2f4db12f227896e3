"""``staffwise serve``: run the REST service (uvicorn), optionally with the demo site."""

from __future__ import annotations

import argparse
import threading
from typing import Any

from api.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the Staffwise REST service",
        description="Run the Staffwise REST service (FastAPI on uvicorn). The database is "
        "created and migrated on start; unfinished jobs of a previous run are taken over once "
        "their lease lapses. SIGTERM drains: new jobs 503, running solves stop with their best "
        "roster, exit within about 10 s.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: STAFFWISE_DATABASE_URL or sqlite:///./staffwise.db)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="load the demo site (once) before serving"
    )
    parser.add_argument("--workers", type=int, default=None, help="job executor worker count")
    parser.add_argument("--log-level", default="info", help="uvicorn log level")
    parser.set_defaults(handler=serve)


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.workers:
        overrides["workers"] = args.workers
    return Settings(**overrides)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.db import make_engine, upgrade
    from api.main import create_app

    settings = _settings(args)
    if args.demo:
        from api.demo import demo_planner_token, demo_state, load_demo

        engine = make_engine(settings.database_url)
        upgrade(engine)
        ids = load_demo(engine)
        token = demo_planner_token(engine, ids.site_id)
        engine.dispose()
        print(f"demo site {ids.site_id} / queue {ids.queue_id} {demo_state(ids)}")
        print(f"Planner token (shown once): {token}", flush=True)
    app = create_app(settings)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                            timeout_graceful_shutdown=GRACEFUL_REQUESTS_S)  # fmt: skip
    DrainingServer(config).run()
    return 0


# SIGTERM: requests in flight get GRACEFUL_REQUESTS_S, running jobs drain_grace_s from the
# signal (in parallel); the process exits within about max of the two plus a second.
GRACEFUL_REQUESTS_S = 3


def _draining_server_class() -> type:
    import uvicorn

    class _DrainingServer(uvicorn.Server):
        """On SIGTERM/SIGINT the job runner starts draining at once (new jobs: 503; running
        solves asked to stop with their best roster), while uvicorn finishes open requests."""

        def handle_exit(self, sig: int, frame: Any) -> None:
            runner = getattr(getattr(self.config.app, "state", None), "runner", None)
            if runner is not None:
                threading.Thread(target=runner.begin_drain, daemon=True).start()
            super().handle_exit(sig, frame)

    return _DrainingServer


def DrainingServer(config: Any) -> Any:
    return _draining_server_class()(config)
