"""Job ``forecast``: forecast a queue's calls and AHT per interval from its stored history."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from api.convert.weeks import site_open_weekdays
from api.frames import frame_columns
from api.history import load_history
from api.job_context import JobContext, JobOutcome
from api.schemas import ForecastCreate
from api.tables import Forecast, Queue, Site
from forecasting.calendar import next_week_start
from forecasting.errors import InsufficientHistoryError, InvalidInput, Problem
from forecasting.forecast import forecast_history


def default_week_start(history: pd.DataFrame, zone: str, week_start_day: int = 0) -> dt.date:
    """The first ``week_start_day`` (0 = Monday .. 6 = Sunday: the site's first day of the
    week) after the last local day of ``history``."""
    last = pd.Timestamp(history["interval_start"].max()).tz_convert(zone).date()
    return next_week_start(last, week_start_day)


def outcome_message(result: Any, intervals: int, wape: dict[str, Any]) -> str:
    """The job's one-line outcome: method, intervals, backtest WAPE and any warnings."""
    message = f"{result.method}: {intervals} intervals" + (
        f", backtest WAPE {wape['wape']:.3f}" if wape else ""
    )
    if result.warnings:
        codes = ", ".join(w.code for w in result.warnings)
        message += f"; {len(result.warnings)} warning(s): {codes} (see warnings)"
    return message


def _accuracy(result: Any) -> dict[str, Any]:
    selection = [dataclasses.asdict(score) for score in result.selection]
    chosen = next((s for s in selection if s["method"] == result.method), None)
    return {
        "method": result.method,
        "coverage": result.coverage,
        "backtest": chosen,
        "candidates": frame_columns(pd.DataFrame(selection)) if selection else {},
        "excluded_days": [str(d.day if hasattr(d, "day") else d) for d in result.excluded_days],
        "closed_days": [d.isoformat() for d in result.closed_days],
    }


def run(ctx: JobContext) -> JobOutcome:
    body = ForecastCreate.model_validate(ctx.params["body"])
    queue_id = int(ctx.params["queue_id"])
    with Session(ctx.engine) as session:
        queue = session.get(Queue, queue_id)
        site = session.get(Site, queue.site_id) if queue is not None else None
        if queue is None or site is None:
            raise InvalidInput([Problem(None, "queue_id", "unknown", f"no queue {queue_id}")])
        history = load_history(session, queue_id)
    history["queue"] = queue.name
    start = body.week_start or default_week_start(history, site.zone, site.week_start_day)
    days = [start + dt.timedelta(days=i) for i in range(7 * body.weeks)]
    ctx.report(0.1, f"forecasting {len(days)} days from {len(history)} intervals", force=True)
    try:
        result = forecast_history(
            history, zone=site.zone, interval_min=queue.interval_min, days=days,
            horizon_days=7, method=body.method, coverage=body.coverage,
            open_weekdays=site_open_weekdays(site),
        )  # fmt: skip
    except InsufficientHistoryError as exc:
        raise InvalidInput([Problem(None, "history", "insufficient_history", str(exc))]) from exc
    frame = result.frame.copy()
    frame["aht_s"] = frame["aht_s"].fillna(queue.aht_s)  # no AHT in the history: planned AHT
    frame["calls"] = np.maximum(frame["calls"].to_numpy(dtype=float), 0.0)
    first = pd.Timestamp(dt.datetime.combine(start, dt.time()), tz=site.zone).tz_convert("UTC")
    row = Forecast(
        queue_id=queue_id, job_id=ctx.job_id, method=result.method,
        start=first.to_pydatetime(), weeks=body.weeks, accuracy=_accuracy(result),
        intervals=frame_columns(frame),
        warnings=[dataclasses.asdict(w) for w in result.warnings] or None,
    )  # fmt: skip
    wape = (row.accuracy or {}).get("backtest") or {}
    message = outcome_message(result, len(frame), wape)
    return JobOutcome(row=row, kind="forecast", message=message)
