"""``staffwise token create | list | revoke``: access tokens of the service (see api.auth).

``create`` prints a summary and, on the last line of stdout, the token alone (shown once: only
its hash is stored), so ``TOKEN=$(staffwise token create --role planner --site 1 | tail -1)``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "token",
        help="create, list or revoke access tokens",
        description="Access tokens of the REST service: every /v1 route but /v1/health needs "
        "'Authorization: Bearer <token>'. Roles: admin, planner, hr, viewer.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: STAFFWISE_DATABASE_URL or sqlite:///./staffwise.db)",
    )
    actions = parser.add_subparsers(dest="token_action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create", parents=[common], help="create a token (printed once, last line)"
    )
    create.add_argument("--role", required=True, choices=("admin", "planner", "hr", "viewer"))
    create.add_argument(
        "--site", type=int, action="append", dest="sites", metavar="ID",
        help="a site the token may see (repeat; default every site; not for admin)",
    )  # fmt: skip
    create.add_argument("--name", default="", help="a label (who or what uses the token)")
    create.add_argument("--expires-days", type=int, default=None, help="lifetime in days")
    create.set_defaults(handler=create_token)
    listing = actions.add_parser("list", parents=[common], help="list tokens (never their secrets)")
    listing.set_defaults(handler=list_tokens)
    revoke = actions.add_parser("revoke", parents=[common], help="revoke a token by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=revoke_token)


def _engine(args: argparse.Namespace) -> Any:
    from api.db import make_engine, upgrade

    settings = Settings(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return engine


def create_token(args: argparse.Namespace) -> int:
    from api.auth import TokenRequestError, issue_token
    from api.db import write_session

    if args.expires_days is not None and not 1 <= args.expires_days <= 3650:
        print("error: --expires-days must be 1..3650", file=sys.stderr)
        return 2
    engine = _engine(args)
    try:
        with write_session(engine) as session:
            row, secret = issue_token(session, args.role, args.sites, args.name, args.expires_days)
            session.flush()
            summary = _line(row)
    except TokenRequestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"created {summary}")
    print("The token is shown once (only its hash is stored):")
    print(secret, flush=True)
    return 0


def _line(row: Any) -> str:
    sites = "all sites" if row.sites is None else "sites " + ",".join(map(str, row.sites))
    expires = "never expires" if row.expires_at is None else f"expires {row.expires_at:%Y-%m-%d}"
    state = "revoked" if row.revoked_at is not None else expires
    used = (
        "never used"
        if row.last_used_at is None
        else f"last used {row.last_used_at:%Y-%m-%d %H:%M}Z"
    )
    return f"token {row.id} {row.name!r} role={row.role} {sites} {state}, {used} ({row.hint}...)"


def list_tokens(args: argparse.Namespace) -> int:
    from sqlmodel import Session, col, select

    from api.tables import AccessToken

    engine = _engine(args)
    with Session(engine) as session:
        rows = session.exec(select(AccessToken).order_by(col(AccessToken.id))).all()
        for row in rows:
            print(_line(row))
    engine.dispose()
    return 0


def revoke_token(args: argparse.Namespace) -> int:
    from api.auth import forget_tokens
    from api.db import write_session
    from api.tables import AccessToken, utcnow

    engine = _engine(args)
    with write_session(engine) as session:
        row = session.get(AccessToken, args.id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)
    engine.dispose()
    forget_tokens()  # this process's memory; a running service forgets within CACHE_S
    if row is None:
        print(f"error: token {args.id} does not exist", file=sys.stderr)
        return 1
    print(f"token {args.id} revoked")
    return 0
