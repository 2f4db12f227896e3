"""Schedule adherence: scheduled vs actual attendance per agent and day.

``scheduled``: the spans each agent was scheduled on the phone (a shift minus its breaks and
lunch); ``actual``: the spans each agent was logged in and available (the attendance import).
Both as frames ``agent``, ``start``, ``end`` (tz-aware instants). Per agent:

* ``scheduled_min``: minutes scheduled on the phone;
* ``actual_min``: minutes logged in and available within ``window`` (the day);
* ``adherent_min``: minutes both (available when scheduled to be);
* ``adherence`` = adherent / scheduled (the industry's "adherence": in the scheduled state
  at the scheduled time); ``conformance`` = actual / scheduled (the time, wherever it fell).

Agents present without a schedule count with ``scheduled_min`` 0 (adherence and conformance
undefined: NaN). Overlapping spans of one agent are merged first, so no minute counts twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ("agent", "scheduled_min", "actual_min", "adherent_min", "adherence", "conformance")


Spans = list[tuple[pd.Timestamp, pd.Timestamp]]


def merged(spans: pd.DataFrame) -> dict[str, Spans]:
    """Each agent's spans, sorted and with overlapping or touching ones merged."""
    out: dict[str, Spans] = {}
    for agent, group in spans.sort_values("start").groupby("agent", sort=True):
        joined: Spans = []
        for start, end in zip(group["start"], group["end"], strict=True):
            if joined and start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(joined[-1][1], end))
            else:
                joined.append((start, end))
        out[str(agent)] = joined
    return out


def _clip(spans: Spans, window: tuple[pd.Timestamp, pd.Timestamp]) -> Spans:
    lo, hi = window
    return [(max(a, lo), min(b, hi)) for a, b in spans if min(b, hi) > max(a, lo)]


def _minutes(spans: Spans) -> float:
    return sum((b - a).total_seconds() for a, b in spans) / 60.0


def _overlap(first: Spans, second: Spans) -> float:
    """Minutes in both (each list merged, so no double counting)."""
    total = 0.0
    for a, b in first:
        for c, d in second:
            total += max(0.0, (min(b, d) - max(a, c)).total_seconds())
    return total / 60.0


def adherence(scheduled: pd.DataFrame, actual: pd.DataFrame,
              window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.DataFrame:  # fmt: skip
    """One row per agent scheduled or present in ``window`` (``COLUMNS``), by agent."""
    plan = {a: _clip(s, window) for a, s in merged(scheduled).items()}
    seen = {a: _clip(s, window) for a, s in merged(actual).items()}
    rows = []
    for agent in sorted(set(plan) | set(seen)):
        mine, there = plan.get(agent, []), seen.get(agent, [])
        scheduled_min, actual_min = _minutes(mine), _minutes(there)
        adherent = _overlap(mine, there)
        scale = 1.0 / scheduled_min if scheduled_min > 0 else np.nan
        rows.append((agent, scheduled_min, actual_min, adherent, adherent * scale,
                     actual_min * scale))  # fmt: skip
    return pd.DataFrame(rows, columns=list(COLUMNS))


def totals(frame: pd.DataFrame) -> dict[str, float]:
    """Minutes summed over the agents and the team's adherence and conformance."""
    scheduled = float(frame["scheduled_min"].sum())
    out = {k: float(frame[k].sum()) for k in ("scheduled_min", "actual_min", "adherent_min")}
    out["adherence"] = out["adherent_min"] / scheduled if scheduled > 0 else float("nan")
    out["conformance"] = out["actual_min"] / scheduled if scheduled > 0 else float("nan")
    return out
