"""Service report: per queue and day / week / month, goal vs actual vs planned, met or missed,
and why (``actuals.attribution``).

Plan frame (one row per planned interval, ``interval_start`` tz-aware UTC): ``calls`` and
``aht_s`` (the forecast the roster was built on), ``required`` and ``rostered`` (agents
scheduled, i.e. before shrinkage: the requirement and the roster's coverage).
Agents on the phones are these times ``1 - shrinkage``; staffed agents from the actuals are
already on the phones. Where ``agents_staffed`` is not known the interval is taken as staffed
as rostered (its attendance part is 0) and ``attendance_known`` says how many were known.

Deferred queues (``QueueActuals.deferred``: e-mail, tickets) have no service level in seconds:
their figure is the share of items resolved within their deadline (``resolution_*`` columns,
``resolution_figures``); their rows count in no call figure, SL, attribution or plan. A report
of deferred queues only has null SL, ASA, abandonment and goal columns, and ``met`` is the
resolution verdict (None where no target judges it); beside live queues ``met`` stays theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from actuals.attribution import FACTORS, IntervalInputs, QueueModel, attribution_frame
from actuals.attribution import coalition_values as _values
from actuals.types import DEFERRED_COLUMNS, SlBasis

Grain = Literal["day", "week", "month"]
PLAN_COLUMNS = ("interval_start", "calls", "aht_s", "required", "rostered")
# optional plan columns: the forecast's prediction interval (bounds and nominal level) and its
# lead time (days from the forecast's making to the interval), for the accuracy figures
FORECAST_COLUMNS = ("calls_lo", "calls_hi", "pi_level", "lead_days")
SUMS = ("offered", "answered", "abandoned", "abandoned_short", "answered_within")


@dataclass(frozen=True, slots=True)
class Goal:
    """The queue's service goal (``service_level`` a fraction; ``None`` targets not checked)."""

    service_level: float
    answer_within_s: float
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None


@dataclass(frozen=True, slots=True)
class ServiceReport:
    """``periods``: one row per period (columns in ``docs/actuals.md``); ``missed``: one row
    per planned interval that missed the goal, with its attribution."""

    grain: Grain
    zone: str
    goal: Goal
    basis: SlBasis
    model: QueueModel
    periods: pd.DataFrame
    missed: pd.DataFrame


def period_labels(starts: pd.Series, zone: str, grain: Grain, week_start_day: int = 0) -> pd.Series:
    """The local first day (ISO date) of each interval's day, week or month."""
    local = pd.DatetimeIndex(starts).tz_convert(zone)
    days = pd.Series(local.normalize().tz_localize(None), index=starts.index)
    if grain == "week":
        days = days - pd.to_timedelta((days.dt.day_of_week - week_start_day) % 7, unit="D")
    elif grain == "month":
        days = days.dt.to_period("M").dt.start_time
    return days.dt.strftime("%Y-%m-%d")


def _actual_figures(actual: pd.DataFrame, labels: pd.Series, basis: SlBasis) -> pd.DataFrame:
    frame = actual[list(SUMS)].astype(float).fillna(0.0)
    frame["denominator"] = basis.denominator(
        frame["answered"].to_numpy(), frame["abandoned"].to_numpy(),
        frame["abandoned_short"].to_numpy(),
    )  # fmt: skip
    frame["handle_sum"] = (actual["aht_s"] * actual["answered"]).fillna(0.0)
    frame["wait_sum"] = (actual["asa_s"] * actual["answered"]).fillna(0.0)
    sums = frame.groupby(labels.to_numpy(), sort=True).sum()
    out = pd.DataFrame(index=sums.index)
    for name in ("offered", "answered", "abandoned"):
        out[name] = sums[name]
    answered = sums["answered"].where(sums["answered"] > 0)
    out["service_level"] = (sums["answered_within"] / sums["denominator"]).where(
        sums["denominator"] > 0, 1.0
    )
    out["asa_s"] = sums["wait_sum"] / answered
    out["abandon_rate"] = (sums["abandoned"] / sums["offered"]).where(sums["offered"] > 0, 0.0)
    out["aht_s"] = sums["handle_sum"] / answered
    return out


def _met(figures: pd.DataFrame, goal: Goal) -> pd.Series:
    met = figures["service_level"] >= goal.service_level - 1e-12
    if goal.max_asa_s is not None:
        met &= figures["asa_s"].fillna(0.0) <= goal.max_asa_s
    if goal.max_abandon_rate is not None:
        met &= figures["abandon_rate"] <= goal.max_abandon_rate
    return met


def interval_inputs(joined: pd.DataFrame, shrinkage: float) -> IntervalInputs:
    """Planned and actual inputs of the intervals present in both (``joined``)."""
    net = 1.0 - shrinkage
    rostered = joined["rostered"].to_numpy(float) * net
    staffed = joined["agents_staffed"].to_numpy(float)
    actual_aht = joined["aht_s"].to_numpy(float)
    planned_aht = joined["plan_aht_s"].to_numpy(float)
    return IntervalInputs(
        forecast_calls=joined["calls"].to_numpy(float),
        planned_aht_s=planned_aht,
        required_agents=joined["required"].to_numpy(float) * net,
        rostered_agents=rostered,
        actual_calls=joined["offered"].to_numpy(float),
        actual_aht_s=np.where(np.isfinite(actual_aht) & (actual_aht > 0), actual_aht, planned_aht),
        staffed_agents=np.where(np.isfinite(staffed), staffed, rostered),
    )


def _joined(actual: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in FORECAST_COLUMNS if c in plan.columns]
    plan = plan[[*PLAN_COLUMNS, *extra]].rename(columns={"aht_s": "plan_aht_s"})
    # an empty frame (no roster yet) has object columns: merge on the same dtype
    plan = plan.assign(interval_start=pd.to_datetime(plan["interval_start"], utc=True))
    actual = actual.assign(interval_start=pd.to_datetime(actual["interval_start"], utc=True))
    joined = actual.merge(plan, on="interval_start", how="inner")
    return joined[joined["plan_aht_s"] > 0].reset_index(drop=True)


def _planned(values: dict, labels: np.ndarray, offered: np.ndarray) -> pd.DataFrame:
    """Forecast calls, planned SL and the forecast's accuracy (WAPE, bias: (forecast -
    actual) / actual) per period."""
    calls, within = values[frozenset({"staffing"})]  # plan: forecast, planned AHT, roster
    frame = pd.DataFrame(
        {"forecast_calls": calls, "within": within, "offered": offered,
         "error": np.abs(calls - offered)}
    ).groupby(labels).sum()  # fmt: skip
    frame["planned_sl"] = (frame["within"] / frame["forecast_calls"]).where(
        frame["forecast_calls"] > 0, 1.0
    )
    actual = frame["offered"].where(frame["offered"] > 0)
    frame["forecast_wape"] = frame["error"] / actual
    frame["forecast_bias"] = (frame["forecast_calls"] - frame["offered"]) / actual
    return frame[["forecast_calls", "planned_sl", "forecast_wape", "forecast_bias"]]


def forecast_coverage(joined: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Per period: ``forecast_coverage``, the share of planned intervals (with bounds) whose
    offered calls fell inside the forecast's prediction interval; ``forecast_pi_level``, its
    nominal level (mean); ``forecast_lead_days``, the mean lead time."""
    names = ["forecast_coverage", "forecast_pi_level", "forecast_lead_days"]
    frame = pd.DataFrame(index=joined.index)
    if {"calls_lo", "calls_hi"} <= set(joined.columns):
        lo, hi = joined["calls_lo"].astype(float), joined["calls_hi"].astype(float)
        known = lo.notna() & hi.notna()
        offered = joined["offered"].astype(float)
        frame["forecast_coverage"] = ((offered >= lo - 1e-9) & (offered <= hi + 1e-9)).where(known)
    for source, name in (("pi_level", "forecast_pi_level"), ("lead_days", "forecast_lead_days")):
        if source in joined.columns:
            frame[name] = joined[source].astype(float)
    return frame.astype(float).groupby(labels).mean().reindex(columns=names)


def _interval_sl(joined: pd.DataFrame, basis: SlBasis) -> pd.Series:
    denominator = basis.denominator(
        joined["answered"].to_numpy(float), joined["abandoned"].to_numpy(float),
        joined["abandoned_short"].to_numpy(float),
    )  # fmt: skip
    within = joined["answered_within"].to_numpy(float)
    sl = np.divide(within, denominator, out=np.ones_like(within), where=denominator > 0)
    return pd.Series(sl, index=joined.index)


MISSED_COLUMNS = ["queue", "interval_start", "measured_sl", *FACTORS, "model_gap"]


def _missed(joined: pd.DataFrame, values: dict, basis: SlBasis, goal: Goal) -> pd.DataFrame:
    sl = _interval_sl(joined, basis)
    missed = sl < goal.service_level - 1e-12
    if not missed.any():
        return pd.DataFrame(columns=MISSED_COLUMNS)
    picked = {k: (c[missed.to_numpy()], w[missed.to_numpy()]) for k, (c, w) in values.items()}
    index = pd.Series(np.arange(int(missed.sum())))
    frame = attribution_frame(picked, index, pd.Series(sl[missed].to_numpy()))
    frame.insert(0, "interval_start", joined.loc[missed, "interval_start"].to_numpy())
    frame.insert(0, "queue", joined.loc[missed, "queue"].to_numpy())
    return frame.drop(columns=["group"])[MISSED_COLUMNS]


@dataclass(frozen=True, slots=True)
class QueueActuals:
    """One queue's interval actuals and plan, with its model and shrinkage."""

    actual: pd.DataFrame
    plan: pd.DataFrame
    model: QueueModel
    shrinkage: float = 0.0
    label: str = ""
    deferred: bool = False
    resolution_target: float | None = None


def _combined(queues: list[QueueActuals]) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """All queues' actuals, their planned intervals and the coalition values, concatenated."""
    actual = pd.concat([q.actual.assign(queue=q.label) for q in queues], ignore_index=True)
    joined, values = [], []
    for q in queues:
        part = _joined(q.actual, q.plan).assign(queue=q.label)
        if len(part):
            joined.append(part)
            values.append(_values(interval_inputs(part, q.shrinkage), q.model))
    if not joined:
        return actual, pd.DataFrame(), {}
    merged = {
        members: tuple(np.concatenate([v[members][i] for v in values]) for i in (0, 1))
        for members in values[0]
    }
    return actual, pd.concat(joined, ignore_index=True), merged


def service_report(
    actual: pd.DataFrame,
    plan: pd.DataFrame,
    *,
    goal: Goal,
    basis: SlBasis,
    model: QueueModel,
    shrinkage: float = 0.0,
    zone: str = "UTC",
    grain: Grain = "day",
    week_start_day: int = 0,
) -> ServiceReport:
    """The report of ``actual`` (interval actuals) against ``plan`` (see the module doc)."""
    queue = QueueActuals(actual, plan, model, shrinkage)
    return queues_report([queue], goal=goal, basis=basis, zone=zone, grain=grain,
                         week_start_day=week_start_day)  # fmt: skip


RESOLUTION_COLUMNS = (
    "items", "resolved", "resolved_within_deadline", "resolution_share", "resolution_target",
    "resolution_met", "resolution_trend", "backlog",
)  # fmt: skip
RESOLUTION_SUMS = ["offered", "resolved", "resolved_within_deadline"]


def _queue_resolution(queue: QueueActuals, zone: str, grain: Grain, week_start_day: int
                      ) -> pd.DataFrame:  # fmt: skip
    """One deferred queue's items arrived, resolved and resolved within the deadline per
    period, its backlog at the period's end (its last interval giving one) and its target."""
    actual = queue.actual.sort_values("interval_start")
    labels = period_labels(actual["interval_start"], zone, grain, week_start_day)
    frame = actual.reindex(columns=["offered", *DEFERRED_COLUMNS]).astype(float)
    groups = frame.groupby(labels.to_numpy(), sort=True)
    out = groups[RESOLUTION_SUMS].sum().rename(columns={"offered": "items"})
    out["backlog"] = groups["backlog"].last()  # the last non-NaN of the period
    target = queue.resolution_target
    out["target"] = np.nan if target is None else float(target)
    return out


def resolution_figures(
    queues: list[QueueActuals], zone: str, grain: Grain, week_start_day: int = 0
) -> pd.DataFrame:
    """Per period over the deferred ``queues`` (indexed by period): ``items`` (arrived),
    ``resolved``, ``resolved_within_deadline``, ``resolution_share`` (within / resolved, NaN
    without items resolved), ``resolution_target`` (the queues' targets weighted by their
    items resolved, equally in a period without any; NaN when a weighing queue has none),
    ``resolution_met`` (share >= target; None when either is NaN), ``resolution_trend``
    (change of the share from the previous period) and ``backlog`` (items open at the
    period's end, summed over the queues; NaN where none gave one)."""
    parts = [_queue_resolution(q, zone, grain, week_start_day) for q in queues]
    if not parts:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    frame = pd.concat(parts)
    any_resolved = frame.groupby(level=0)["resolved"].transform("sum") > 0
    weight = frame["resolved"].where(any_resolved, 1.0)
    frame = frame.assign(weight=weight, weighted=(frame["target"] * weight).fillna(0.0),
                         untargeted=frame["target"].isna() & (weight > 0))  # fmt: skip
    groups = frame.groupby(level=0, sort=True)
    out = groups[["items", "resolved", "resolved_within_deadline"]].sum()
    out["resolution_share"] = (out["resolved_within_deadline"] / out["resolved"]).where(
        out["resolved"] > 0
    )
    target = groups["weighted"].sum() / groups["weight"].sum()
    out["resolution_target"] = target.mask(groups["untargeted"].any())
    known = out["resolution_share"].notna() & out["resolution_target"].notna()
    met = out["resolution_share"] >= out["resolution_target"] - 1e-12
    out["resolution_met"] = [bool(m) if k else None for m, k in zip(met, known, strict=True)]
    out["resolution_trend"] = out["resolution_share"].diff()
    out["backlog"] = groups["backlog"].sum(min_count=1)
    return out[list(RESOLUTION_COLUMNS)]


def _verdict(periods: pd.DataFrame, goal: Goal, live: bool) -> pd.Series:
    """``met``: the live queues' goal (SL, ASA and abandonment ceilings; None in a period
    without calls), the deferred queues' verdict being ``resolution_met`` beside it; without
    live queues the resolution verdict (None: not judged)."""
    if not live:
        resolution = periods["resolution_met"]
        return resolution.astype(object).where(resolution.notna(), None)
    calls = _met(periods, goal)
    known = periods["service_level"].notna()
    return calls if known.all() else calls.astype(object).where(known, None)


def _live_report(
    queues: list[QueueActuals], goal: Goal, basis: SlBasis, zone: str, grain: Grain,
    week_start_day: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The call figures, plan and attribution per period of the live queues, and their
    missed intervals."""
    missed = pd.DataFrame(columns=MISSED_COLUMNS)
    if not queues:
        empty = pd.DataFrame(columns=["interval_start", *SUMS, "aht_s", "asa_s"], dtype=float)
        return _actual_figures(empty, pd.Series([], dtype=str), basis), missed
    actual, joined, values = _combined(queues)
    labels = period_labels(actual["interval_start"], zone, grain, week_start_day)
    periods = _actual_figures(actual, labels, basis)
    if len(joined):
        joined_labels = period_labels(joined["interval_start"], zone, grain, week_start_day)
        offered = joined["offered"].to_numpy(float)
        periods = periods.join(_planned(values, joined_labels.to_numpy(), offered))
        periods = periods.join(forecast_coverage(joined, joined_labels.to_numpy()))
        measured = _actual_figures(joined, joined_labels, basis)["service_level"]
        parts = attribution_frame(values, joined_labels, measured).set_index("group")
        periods = periods.join(parts.add_prefix("attr_"))
        known = joined["agents_staffed"].notna().groupby(joined_labels.to_numpy()).sum()
        periods["attendance_known"] = known
        missed = _missed(joined, values, basis, goal)
    return periods, missed


def queues_report(
    queues: list[QueueActuals],
    *,
    goal: Goal,
    basis: SlBasis,
    zone: str = "UTC",
    grain: Grain = "day",
    week_start_day: int = 0,
) -> ServiceReport:
    """One report over several queues sharing ``goal`` (a client's queues): calls and
    answers summed per period, the attribution over all their planned intervals (each queue's
    own model), missed intervals per queue (``queue`` = its label); the deferred queues'
    resolution within deadline beside (``resolution_figures``, module doc)."""
    live = [q for q in queues if not q.deferred]
    periods, missed = _live_report(live, goal, basis, zone, grain, week_start_day)
    deferred = [q for q in queues if q.deferred]
    if deferred:
        resolution = resolution_figures(deferred, zone, grain, week_start_day)
        periods = periods.join(resolution, how="outer")
        periods[["offered", "answered", "abandoned"]] = periods[
            ["offered", "answered", "abandoned"]
        ].fillna(0.0)
    periods["goal_sl"] = goal.service_level if live else np.nan
    periods["met"] = _verdict(periods, goal, bool(live))
    periods["sl_trend"] = periods["service_level"].diff()
    periods.index.name = "period"
    model = (live or queues)[0].model
    return ServiceReport(grain, zone, goal, basis, model, periods.reset_index(), missed)
