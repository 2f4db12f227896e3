"""Helpers for the scenarios tests and bench: a seeded synthetic forecast and a small base."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.requirements import ServiceGoal, StaffingModel
from scenarios.whatif import Base
from scenarios.whatif_model import PlanSettings


def synthetic_forecast(
    *, days: int = 7, interval_min: int = 15, zone: str = "Europe/Paris", seed: int = 3
) -> pd.DataFrame:
    """Forecast frame (interval_start UTC, calls, calls_lo, calls_hi, aht_s), open 08:00-20:00
    local every day, a two-peak day, lower weekends; seeded, so the same arguments give the same
    frame."""
    rng = np.random.default_rng(seed)
    local_days = pd.date_range("2026-03-23", periods=days, freq="D", tz=zone)
    per_day = (20 - 8) * 60 // interval_min
    starts = [
        day + pd.Timedelta(hours=8) + pd.Timedelta(minutes=interval_min * i)
        for day in local_days
        for i in range(per_day)
    ]
    index = pd.DatetimeIndex(starts)
    hour = index.hour + index.minute / 60.0
    shape = np.exp(-((hour - 10.5) ** 2) / 3.0) + 0.8 * np.exp(-((hour - 15.0) ** 2) / 4.0)
    weekday = np.where(index.day_of_week >= 5, 0.55, 1.0)
    calls = (
        (60.0 * interval_min / 15.0) * (0.2 + shape) * weekday * rng.uniform(0.9, 1.1, len(index))
    )
    aht = 280.0 + 40.0 * np.sin(hour / 3.0)
    return pd.DataFrame(
        {
            "interval_start": index.tz_convert("UTC"),
            "calls": calls,
            "calls_lo": calls * 0.85,
            "calls_hi": calls * 1.15,
            "aht_s": aht,
        }
    )


def small_base(*, days: int = 7, model: StaffingModel | None = None, **settings: object) -> Base:
    plan = PlanSettings(
        goal=ServiceGoal(service_level=0.8, answer_within_s=20.0),
        model=model or StaffingModel(),
        shrinkage=0.3,
        absenteeism=0.05,
        cost_per_paid_hour=25.0,
    )
    if settings:
        import dataclasses

        plan = dataclasses.replace(plan, **settings)  # type: ignore[arg-type]
    return Base(synthetic_forecast(days=days), zone="Europe/Paris", interval_min=15, settings=plan)
