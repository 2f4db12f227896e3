"""A per-call log (ACD call detail records) into interval actuals and agent attendance.

Call-log frame (one row per call that reached the queue; instants tz-aware or naive local):

* ``arrival``: when the call joined the queue (for an IVR front end: when it left the IVR).
* ``answered``: bool, an agent took the call; otherwise the caller abandoned.
* ``wait_s``: seconds in queue (until answered or abandoned).
* ``handle_s``: seconds with the agent (answered calls; 0 otherwise).
* optional ``agent``, ``service_start``, ``service_end``: who took the call and when.

Each call counts in the interval of its ``arrival``. Naive instants are local wall-clock time
in ``zone`` (DST gaps shift forward, repeated hours take the first reading).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from actuals.types import ACTUAL_COLUMNS, ATTENDANCE_COLUMNS, SlBasis
from forecasting.errors import InvalidInput, Problem

CALL_COLUMNS = ("arrival", "answered", "wait_s", "handle_s")


def _utc(values: pd.Series, zone: str) -> pd.Series:
    stamps = pd.to_datetime(values)
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize(zone, nonexistent="shift_forward", ambiguous=True)
    return stamps.dt.tz_convert("UTC")


def _check_calls(calls: pd.DataFrame) -> None:
    missing = [c for c in CALL_COLUMNS if c not in calls.columns]
    problems = [Problem(None, c, "missing_column", f"the call log needs {c}") for c in missing]
    if not problems:
        for name in ("wait_s", "handle_s"):
            bad = ~(pd.to_numeric(calls[name], errors="coerce") >= 0)
            problems += [
                Problem(int(i) + 1, name, "out_of_range", f"{name} must be a number >= 0")
                for i in np.flatnonzero(bad.to_numpy())[:20]
            ]
    if problems:
        raise InvalidInput(problems)


def interval_actuals(
    calls: pd.DataFrame, *, interval_min: int, basis: SlBasis, zone: str = "UTC"
) -> pd.DataFrame:
    """Interval actuals (``actuals.types.ACTUAL_COLUMNS``; ``agents_staffed`` NaN) of a log.

    ``answered_within`` counts answered calls with ``wait_s <= basis.answer_within_s``;
    ``abandoned_short`` counts abandons with ``wait_s < basis.short_abandon_s``. Intervals
    without calls are not listed.
    """
    _check_calls(calls)
    answered = calls["answered"].astype(bool).to_numpy()
    wait = calls["wait_s"].astype(float).to_numpy()
    handle = calls["handle_s"].astype(float).to_numpy()
    frame = pd.DataFrame(
        {
            "interval_start": _utc(calls["arrival"], zone).dt.floor(f"{interval_min}min"),
            "offered": 1.0,
            "answered": answered.astype(float),
            "abandoned": (~answered).astype(float),
            "abandoned_short": (~answered & (wait < basis.short_abandon_s)).astype(float),
            "answered_within": (answered & (wait <= basis.answer_within_s)).astype(float),
            "handle_sum": np.where(answered, handle, 0.0),
            "wait_sum": np.where(answered, wait, 0.0),
        }
    )
    sums = frame.groupby("interval_start", sort=True).sum().reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        sums["aht_s"] = np.where(
            sums["answered"] > 0, sums["handle_sum"] / sums["answered"], np.nan
        )
        sums["asa_s"] = np.where(sums["answered"] > 0, sums["wait_sum"] / sums["answered"], np.nan)
    sums["agents_staffed"] = np.nan
    return sums[list(ACTUAL_COLUMNS)]


def agent_attendance(
    calls: pd.DataFrame, *, zone: str = "UTC", gap_min: float = 60.0
) -> pd.DataFrame:
    """Per agent: spans of work, each from a service start to the last service end before a
    pause longer than ``gap_min`` minutes.

    A call log shows when an agent was busy, not when they signed in or out, so these spans are
    the attendance the log can prove (a lower bound on time logged in). Columns
    ``ATTENDANCE_COLUMNS`` plus ``day`` (local date of the span's start), ``calls`` and
    ``handle_s`` (busy seconds).
    """
    needed = ("agent", "service_start", "service_end")
    missing = [c for c in needed if c not in calls.columns]
    if missing:
        raise InvalidInput([Problem(None, c, "missing_column", f"needs {c}") for c in missing])
    served = calls.dropna(subset=list(needed))
    frame = pd.DataFrame(
        {
            "agent": served["agent"].astype(str).to_numpy(),
            "start": _utc(served["service_start"], zone).to_numpy(),
            "end": _utc(served["service_end"], zone).to_numpy(),
        }
    ).sort_values(["agent", "start"], kind="stable")
    frame["handle_s"] = (frame["end"] - frame["start"]).dt.total_seconds()
    reach = frame.groupby("agent")["end"].cummax().groupby(frame["agent"]).shift()
    pause = frame["start"] - reach > pd.Timedelta(minutes=gap_min)
    new_agent = frame["agent"].ne(frame["agent"].shift())
    frame["span"] = (new_agent | pause).cumsum()
    out = frame.groupby("span", sort=True).agg(
        agent=("agent", "first"), start=("start", "min"), end=("end", "max"),
        calls=("start", "size"), handle_s=("handle_s", "sum"),
    ).reset_index(drop=True)  # fmt: skip
    for name in ("start", "end"):
        out[name] = pd.to_datetime(out[name], utc=True)
    out["day"] = out["start"].dt.tz_convert(zone).dt.date
    return out[[*ATTENDANCE_COLUMNS, "day", "calls", "handle_s"]]


def _ns(instants: pd.Series) -> np.ndarray:
    return pd.DatetimeIndex(instants).tz_convert("UTC").as_unit("ns").asi8


def staffed_per_interval(
    attendance: pd.DataFrame, starts: pd.Series, *, interval_min: int
) -> np.ndarray:
    """Agents staffed per interval: each span's overlap with the interval over its length."""
    begin = _ns(starts)
    length_ns = interval_min * 60 * 10**9
    staffed = np.zeros(begin.size)
    a, b = _ns(attendance["start"]), _ns(attendance["end"])
    for lo, hi in zip(a, b, strict=True):
        overlap = np.minimum(begin + length_ns, hi) - np.maximum(begin, lo)
        staffed += np.clip(overlap, 0, None) / length_ns
    return staffed


def technion_calls(log: pd.DataFrame) -> pd.DataFrame:
    """The Technion "Anonymous Bank" per-call file as a call-log frame (see
    ``shared/data/README.md``): the agent requests (served or abandoned from the queue), arrival
    at VRU exit, ``wait_s = q_time``, ``handle_s = ser_time``, ``agent = server``."""
    keep = log[log["agent_request"].astype(bool)]
    return pd.DataFrame(
        {
            "arrival": keep["vru_exit"],
            "answered": keep["served"].astype(bool),
            "wait_s": keep["q_time"].astype(float),
            "handle_s": keep["ser_time"].astype(float),
            "agent": keep["server"].astype(str).where(keep["server"] != "NO_SERVER"),
            "service_start": keep["ser_start"],
            "service_end": keep["ser_exit"],
        }
    ).reset_index(drop=True)
