"""AHT per interval: handled-weighted mean of recent history by weekday and local interval.

Falls back to the interval's mean over all weekdays, then to the overall mean. NaN when the
history has no AHT at all (the forecast then says so rather than inventing a value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.calendar import local_frame


def _weighted(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    sums = frame.assign(wa=frame["aht_s"] * frame["w"]).groupby(keys)[["wa", "w"]].sum()
    return (sums["wa"] / sums["w"]).where(sums["w"] > 0)


def forecast_aht(
    history: pd.DataFrame,
    zone: str,
    weekdays: np.ndarray,
    minutes: np.ndarray,
    recent_days: int = 40,
) -> np.ndarray:
    """AHT (seconds) for each (weekday, local minute) pair requested."""
    if "aht_s" not in history or history["aht_s"].isna().all():
        return np.full(len(weekdays), np.nan)
    local = local_frame(history["interval_start"], zone)
    weight = history["handled"] if "handled" in history else history["offered"]
    frame = local.assign(aht_s=history["aht_s"], w=weight.astype(float))
    frame = frame[frame["aht_s"].notna()]
    keep = sorted(frame["local_date"].unique())[-recent_days:]
    frame = frame[frame["local_date"].isin(keep)]
    by_slot = _weighted(frame, ["weekday", "minute"])
    by_minute = _weighted(frame, ["minute"])
    overall = float((frame["aht_s"] * frame["w"]).sum() / max(frame["w"].sum(), 1e-9))
    wanted = pd.MultiIndex.from_arrays([weekdays, minutes], names=["weekday", "minute"])
    out = by_slot.reindex(wanted).to_numpy()
    fallback = by_minute.reindex(pd.Index(minutes)).to_numpy()
    out = np.where(np.isnan(out), fallback, out)
    return np.where(np.isnan(out), overall, out)
