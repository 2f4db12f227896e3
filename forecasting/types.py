"""Typed results shared across the forecasting package."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from forecasting.errors import Problem


@dataclass(frozen=True, slots=True)
class HistoryImport:
    """A fully validated interval history read from one CSV file.

    ``frame`` has the DESIGN "interval history" columns: ``interval_start`` (tz-aware UTC start
    of a half-open interval), ``offered`` (int64), ``handled`` and ``abandoned`` (int64, only
    when the file has them), ``aht_s`` (float seconds, NaN where the file leaves it empty; only
    when the file has it) and ``queue`` (str); one row per interval present in the file, sorted
    by queue then time. Closed hours and missing days have no row (never zeros);
    ``missing_days`` lists, per queue, the days inside the span whose weekday is normally open
    but which have no row. ``warnings`` are non-fatal findings (e.g. a missing day, rows of
    other queues skipped). ``file_sha256`` is the hash of the raw bytes, for idempotent imports.
    """

    frame: pd.DataFrame
    interval_min: int
    zone: str
    file_sha256: str
    queues: tuple[str, ...]
    missing_days: tuple[tuple[str, dt.date], ...] = ()
    warnings: tuple[Problem, ...] = field(default=())
