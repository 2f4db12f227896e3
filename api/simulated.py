"""Simulated KPIs of a staffing plan (requirement or roster) by the discrete-event simulator.

Each local day is simulated on its own (the queue starts empty at opening and drains after
closing), then the per-interval tables are concatenated and the overall figures pooled over
all days with confidence intervals over replications.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.deps import get_or_404
from api.frames import frame_columns
from api.schemas import SimulatedKpisRead
from api.tables import Queue, Site
from optimizer.simulation import SimulationConfig, simulate_queue
from optimizer.simulation.results import summarise


class SimulationParams(BaseModel):
    """The query's :class:`SimulationConfig` fields (the queue gives the others)."""

    replications: int = Field(default=10, ge=2, le=100)
    seed: int = Field(default=0, ge=0)
    service: Literal["exponential", "lognormal"] = "exponential"
    service_cv: float = Field(default=1.0, gt=0.0, le=5.0)
    staffing_drop: Literal["finish_call", "strict_stop"] = "finish_call"


def _config(queue: Queue, params: SimulationParams) -> SimulationConfig:
    patience = "exponential" if queue.model == "erlang_a" and queue.patience_s else "none"
    return SimulationConfig(
        **params.model_dump(),
        interval_min=queue.interval_min,
        patience=patience,  # type: ignore[arg-type]
        patience_s=queue.patience_s if patience == "exponential" else None,
        answer_within_s=queue.answer_within_s,
    )


def simulated_kpis(
    columns: Mapping[str, Any],
    agents_column: str,
    zone: str,
    queue: Queue,
    params: SimulationParams,
) -> dict[str, Any]:
    """Per-interval and overall simulated KPIs of a stored plan's per-interval ``columns``:
    ``interval_start`` (UTC), ``calls``, ``aht_s`` and the agents in ``agents_column``."""
    starts = pd.Series(columns["interval_start"])
    calls = np.asarray(columns["calls"], dtype=float)
    aht_s = np.asarray(columns["aht_s"], dtype=float)
    agents = np.asarray(columns[agents_column], dtype=np.int64)
    config = _config(queue, params)
    local_day = pd.DatetimeIndex(pd.to_datetime(starts, utc=True)).tz_convert(zone).date
    frames, totals, staffed = [], [], []
    for day in sorted(set(local_day)):
        rows = np.flatnonzero(local_day == day)
        result = simulate_queue(calls[rows], aht_s[rows], agents[rows].astype(np.int64), config)
        frame = result.intervals.reset_index(drop=True)
        frame.insert(0, "interval_start", pd.to_datetime(starts.iloc[rows], utc=True).to_numpy())
        frames.append(frame)
        totals.append(result.totals)
        staffed.append(result.staffed_s)
    overall = summarise(np.concatenate(totals, axis=1), np.concatenate(staffed), config.confidence)
    return {
        "config": {
            **params.model_dump(),
            "patience": config.patience,
            "answer_within_s": config.answer_within_s,
        },
        "overall": dataclasses.asdict(overall),
        "intervals": frame_columns(pd.concat(frames, ignore_index=True)),
    }


def simulated_read(
    session: Session,
    columns: Mapping[str, Any],
    agents_column: str,
    queue_id: int,
    params: SimulationParams,
    site_id: int | None = None,
) -> SimulatedKpisRead:
    """:func:`simulated_kpis` of a stored plan's ``columns`` and ``agents_column`` for the queue
    ``queue_id`` in the zone of ``site_id`` (default: the queue's site); 404 naming the queue
    or the site when missing."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    site = get_or_404(session, Site, queue.site_id if site_id is None else site_id, "site")
    return SimulatedKpisRead(**simulated_kpis(columns, agents_column, site.zone, queue, params))
