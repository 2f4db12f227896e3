"""``staffwise report service``: the service report of a queue from the stored data, as JSON,
CSV, print-ready HTML or PDF (the same document as ``GET /v1/reports/service``, with the
deferred queues' resolution within deadline)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from api.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help="client reports from the stored data")
    kinds = parser.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    service = kinds.add_parser(
        "service",
        help="actual vs goal vs planned service, and why; deferred (e-mail) queues: the share "
        "resolved within deadline vs their target",
    )
    service.add_argument("--queue-id", type=int, action="append", default=[],
                         help="repeat for several queues (one report)")  # fmt: skip
    service.add_argument("--client-id", type=int, default=None,
                         help="a client's queues against its targets")  # fmt: skip
    service.add_argument("--start", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    service.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        required=True,
        help="YYYY-MM-DD, last local day (inclusive)",
    )
    service.add_argument("--grain", choices=("day", "week", "month"), default="day")
    service.add_argument("--format", choices=("json", "csv", "html", "pdf"), default="csv")
    service.add_argument(
        "--answered-only",
        action="store_true",
        help="leave abandoned calls out of the SL denominator",
    )
    service.add_argument(
        "--short-abandon-s",
        type=float,
        default=0.0,
        help="leave the imported short abandons out (their threshold, s)",
    )
    service.add_argument("--output", type=Path, default=None, help="file (default stdout)")
    service.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: STAFFWISE_DATABASE_URL or sqlite)",
    )
    service.set_defaults(handler=service_report)


def service_report(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from actuals.types import SlBasis
    from api.convert.actuals import lead_queue, service_report_read
    from api.convert.actuals_html import report_csv, report_html
    from api.convert.clients import report_subject
    from api.convert.report_pdf import report_pdf
    from api.db import make_engine, upgrade
    from api.errors import ApiError

    settings = Settings(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with Session(engine) as session:
        try:
            found, client = report_subject(session, args.queue_id, args.client_id)
            lead = lead_queue(found)  # the first live queue (deferred ones have no SL)
            basis = SlBasis(lead.answer_within_s, not args.answered_only, args.short_abandon_s)
            days = (args.start, args.end)
            report = service_report_read(session, found, days, args.grain, basis, client)
        except ApiError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.format == "json":
        text = report.model_dump_json(indent=2)
    else:
        text = report_csv(report) if args.format == "csv" else report_html(report)
    data = report_pdf(report) if args.format == "pdf" else text.encode("utf-8")
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"{len(report.periods)} periods -> {args.output}", file=sys.stderr)
    return 0
