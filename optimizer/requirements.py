"""Required agents per interval from a forecast and service targets (Erlang C or Erlang A).

The integer requirement of an interval is the smallest whole number of agents meeting every
target (the targets are monotone in agents), found for all intervals at once: Erlang C by one
incomplete-gamma Erlang B at ``floor(A) + 1`` and then the forward Erlang B recursion one agent
at a time; Erlang A by a vectorised galloping search (probe, steps 1, 2, 4, ..., bisection).
Erlang A is floored at the offered load unless ``StaffingModel.allow_below_offered_load``.
The fractional requirement interpolates each target's curve
linearly between ``N - 1`` and ``N`` agents (the point where the curve crosses the target) and
takes the largest over targets, so ``agents - 1 < agents_fractional <= agents``. Summing
fractional requirements over intervals or queues does not carry the round-up of each one.

For Erlang C the curve below ``N`` starts at the offered load ``A`` when ``N - 1 < A`` (SL 0,
answer speed 1/ASA 0, occupancy 1 there), so the fractional requirement is at least ``A``
(exactly ``A / max_occupancy`` where the occupancy cap binds). At an integer load that
nothing but stability binds (no other target, no occupancy cap below 1) Erlang C needs
``A + 1`` agents and the fractional requirement is ``A`` itself, the one case of
``agents_fractional = agents - 1``.
Where the ASA at ``N - 1`` is infinite the interpolation runs on ``1 / ASA``.

Shrinkage: ``scheduled_fractional = agents_fractional / (1 - shrinkage)`` and
``scheduled = ceil(agents / (1 - shrinkage))`` (integer agents first, as planners do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from optimizer.erlang import (
    MAX_PROBLEMS,
    FloatArray,
    QueueKpis,
    _as_array,
    _broadcast,
    _check_values,
    _erlang_a_kpis,
    _erlang_b,
    _erlang_b_next,
    _erlang_c_kpis,
    _raise_if,
)
from optimizer.errors import InputError, OptimizerError, Problem

__all__ = [
    "REQUIREMENT_COLUMNS",
    "Requirement",
    "ServiceGoal",
    "StaffingModel",
    "UnreachableTargetError",
    "required_agents",
    "requirements_from_forecast",
]

IntArray = NDArray[np.int64]
_OCCUPANCY_SLACK = 1e-12
_MAX_PROBES = 200
_MAX_WALK = 1_000_000

REQUIREMENT_COLUMNS: dict[str, str] = {
    "interval_start": "start of the interval (only when given)",
    "calls": "forecast calls in the interval",
    "aht_s": "average handle time, seconds",
    "traffic_erl": "offered load in Erlangs (calls * aht_s / interval seconds)",
    "agents_fractional": "fractional agents on the phones (before shrinkage)",
    "agents": "integer agents on the phones: smallest whole number meeting every target",
    "scheduled_fractional": "agents_fractional / (1 - shrinkage)",
    "scheduled": "ceil(agents / (1 - shrinkage)): agents to schedule",
    "service_level": "predicted share answered within T over all arrivals, at `agents`",
    "service_level_answered": "answered within T over arrivals not abandoned before T",
    "asa_s": "predicted mean wait of answered calls, seconds",
    "abandon_rate": "predicted share of arrivals that abandon (0 for erlang_c)",
    "occupancy": "predicted share of agent time handling calls",
    "p_wait": "predicted probability that a call waits",
    "model": "queue model used: erlang_c or erlang_a",
}


class UnreachableTargetError(OptimizerError):
    """No number of agents within a very wide search range meets the targets."""


@dataclass(frozen=True, slots=True)
class ServiceGoal:
    """Service targets; every target that is not ``None`` must be met in every interval.

    ``service_level``: share of calls answered within ``answer_within_s`` seconds, in (0, 1).
    ``service_level_basis``: ``"all_arrivals"`` (answered within T / all arrivals) or
    ``"not_abandoned"`` (over arrivals that did not abandon before T); the same for Erlang C.
    ``max_asa_s``: ceiling on the mean wait of answered calls, seconds (> 0).
    ``max_abandon_rate``: ceiling on the abandoned share, in (0, 1); needs ``erlang_a``.
    ``max_occupancy``: ceiling on the predicted occupancy, in (0, 1].
    """

    service_level: float | None = 0.8
    answer_within_s: float = 20.0
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None
    service_level_basis: Literal["all_arrivals", "not_abandoned"] = "all_arrivals"


@dataclass(frozen=True, slots=True)
class StaffingModel:
    """Queue model: ``erlang_c`` (no abandonment) or ``erlang_a`` (exponential patience with
    mean ``patience_s`` seconds, required for ``erlang_a``).

    ``allow_below_offered_load`` (Erlang A only): by default the requirement is at least the
    offered load (``agents >= ceil(A)``, ``agents_fractional >= A``), as planners expect and as
    pyworkforce does. With impatient callers Erlang A can meet a target with fewer agents than
    Erlangs, planning for the abandonment that follows; set ``True`` to take that optimum.
    Erlang C always needs more agents than the offered load."""

    kind: Literal["erlang_c", "erlang_a"] = "erlang_c"
    patience_s: float | None = None
    allow_below_offered_load: bool = False


@dataclass(frozen=True, slots=True)
class Requirement:
    """Required agents and predicted figures, arrays with one entry per interval.

    KPIs are predicted at the integer ``agents``. See :data:`REQUIREMENT_COLUMNS`.
    """

    agents_fractional: FloatArray
    agents: IntArray
    scheduled_fractional: FloatArray
    scheduled: IntArray
    service_level: FloatArray
    service_level_answered: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    p_wait: FloatArray
    model: str
    calls: FloatArray = field(default_factory=lambda: np.zeros(0))
    aht_s: FloatArray = field(default_factory=lambda: np.zeros(0))
    traffic_erl: FloatArray = field(default_factory=lambda: np.zeros(0))

    def to_frame(self, interval_start: ArrayLike | None = None) -> pd.DataFrame:
        """One row per interval with the columns of :data:`REQUIREMENT_COLUMNS`."""
        data: dict[str, object] = {}
        if interval_start is not None:
            starts = pd.Series(np.asarray(interval_start))
            if len(starts) != len(self.agents):
                msg = f"interval_start has {len(starts)} entries for {len(self.agents)} intervals"
                raise InputError([Problem(None, "interval_start", "length_mismatch", msg)])
            data["interval_start"] = starts.to_numpy()
        for name in REQUIREMENT_COLUMNS:
            if name not in ("interval_start", "model"):
                data[name] = getattr(self, name)
        data["model"] = self.model
        return pd.DataFrame(data)


# --------------------------------------------------------------------------------------------
# validation


def _validate_goal(goal: ServiceGoal, problems: list[Problem]) -> None:
    def bad(name: str, message: str) -> None:
        problems.append(Problem(None, name, "out_of_range", message))

    def in_open_unit(value: float | None) -> bool:
        return value is None or (np.isfinite(value) and 0.0 < value < 1.0)

    if not in_open_unit(goal.service_level):
        bad("service_level", "service_level must be a share in (0, 1)")
    if not np.isfinite(goal.answer_within_s) or goal.answer_within_s < 0:
        bad("answer_within_s", "answer_within_s must be >= 0 seconds")
    if goal.max_asa_s is not None and not (np.isfinite(goal.max_asa_s) and goal.max_asa_s > 0):
        bad("max_asa_s", "max_asa_s must be > 0 seconds")
    if not in_open_unit(goal.max_abandon_rate):
        bad("max_abandon_rate", "max_abandon_rate must be a share in (0, 1)")
    occ = goal.max_occupancy
    if occ is not None and not (np.isfinite(occ) and 0.0 < occ <= 1.0):
        bad("max_occupancy", "max_occupancy must be in (0, 1]")
    if goal.service_level_basis not in ("all_arrivals", "not_abandoned"):
        bad("service_level_basis", "service_level_basis must be all_arrivals or not_abandoned")
    targets = (goal.service_level, goal.max_asa_s, goal.max_abandon_rate, goal.max_occupancy)
    if all(target is None for target in targets):
        problems.append(Problem(None, "goal", "required", "the goal sets no target"))


def _validate_model(
    model: StaffingModel, goal: ServiceGoal, shrinkage: float, problems: list[Problem]
) -> None:
    if model.kind not in ("erlang_c", "erlang_a"):
        msg = f"unknown model {model.kind!r}: use erlang_c or erlang_a"
        problems.append(Problem(None, "model", "unknown", msg))
    if model.kind == "erlang_a":
        patience = model.patience_s
        if patience is None:
            msg = "erlang_a needs patience_s (mean patience, seconds)"
            problems.append(Problem(None, "patience_s", "required", msg))
        elif not (np.isfinite(patience) and patience > 0):
            problems.append(Problem(None, "patience_s", "out_of_range", "patience_s must be > 0"))
    if model.kind == "erlang_c" and goal.max_abandon_rate is not None:
        msg = "erlang_c predicts no abandonment: use model erlang_a for max_abandon_rate"
        problems.append(Problem(None, "max_abandon_rate", "needs_erlang_a", msg))
    if not (np.isfinite(shrinkage) and 0.0 <= shrinkage < 1.0):
        problems.append(Problem(None, "shrinkage", "out_of_range", "shrinkage must be in [0, 1)"))


def _validated_inputs(
    calls: ArrayLike,
    aht_s: ArrayLike,
    interval_min: int,
    goal: ServiceGoal,
    model: StaffingModel,
    shrinkage: float,
) -> tuple[FloatArray, FloatArray]:
    c, h = _broadcast({"calls": _as_array(calls), "aht_s": _as_array(aht_s)})
    problems: list[Problem] = []
    _check_values(problems, c, "calls", allow_zero=True)
    _check_values(problems, h, "aht_s", allow_zero=False)
    if not (isinstance(interval_min, int | np.integer) and interval_min > 0):
        msg = "interval_min must be a positive whole number of minutes"
        problems.append(Problem(None, "interval_min", "out_of_range", msg))
    _validate_goal(goal, problems)
    _validate_model(model, goal, shrinkage, problems)
    _raise_if(problems[: MAX_PROBLEMS + 1])
    return c, h


# --------------------------------------------------------------------------------------------
# targets as monotone curves in the number of agents

KpiFn = Callable[[NDArray[np.intp], FloatArray], QueueKpis]


@dataclass(frozen=True, slots=True)
class _Target:
    """One target: ``value(kpis)`` must be ``>= bound`` (``rising``) or ``<= bound``."""

    name: str
    bound: float
    rising: bool
    value: Callable[[QueueKpis], FloatArray]

    def met_by(self, v: FloatArray) -> NDArray[np.bool_]:
        if self.rising:
            return v >= self.bound
        return v <= self.bound * (1.0 + _OCCUPANCY_SLACK)


def _targets(goal: ServiceGoal) -> list[_Target]:
    out: list[_Target] = []
    if goal.service_level is not None:
        if goal.service_level_basis == "not_abandoned":
            out.append(_Target("sl", goal.service_level, True, _sl_answered))
        else:
            out.append(_Target("sl", goal.service_level, True, _sl_all))
    if goal.max_asa_s is not None:
        out.append(_Target("asa", goal.max_asa_s, False, _asa))
    if goal.max_abandon_rate is not None:
        out.append(_Target("abandon", goal.max_abandon_rate, False, _abandon))
    if goal.max_occupancy is not None:
        out.append(_Target("occupancy", goal.max_occupancy, False, _occupancy))
    return out


def _sl_all(k: QueueKpis) -> FloatArray:
    return k.service_level


def _sl_answered(k: QueueKpis) -> FloatArray:
    return k.service_level_answered


def _asa(k: QueueKpis) -> FloatArray:
    return k.asa_s


def _abandon(k: QueueKpis) -> FloatArray:
    return k.abandon_rate


def _occupancy(k: QueueKpis) -> FloatArray:
    return k.occupancy


# --------------------------------------------------------------------------------------------
# search


def _kpi_function(
    model: StaffingModel, traffic: FloatArray, aht_s: FloatArray, interval_s: float, t_s: float
) -> KpiFn:
    """KPIs of the intervals ``idx`` at ``agents`` (fractional allowed)."""
    if model.kind == "erlang_a":
        patience = float(model.patience_s or 0.0)
        lam = traffic / aht_s

        def erlang_a(idx: NDArray[np.intp], agents: FloatArray) -> QueueKpis:
            return _erlang_a_kpis(lam[idx], aht_s[idx], agents, t_s, patience)

        return erlang_a

    def erlang_c(idx: NDArray[np.intp], agents: FloatArray) -> QueueKpis:
        return _erlang_c_kpis(traffic[idx], aht_s[idx], agents, t_s)

    return erlang_c


Probe = Callable[[NDArray[np.intp], FloatArray], tuple[NDArray[np.bool_], FloatArray]]


@dataclass(frozen=True, slots=True)
class _Search:
    """Outcome of the search for one target: smallest whole ``agents`` meeting it, the target's
    value there, and its value one agent below (NaN where that point was never probed)."""

    agents: FloatArray
    value_at: FloatArray
    value_below: FloatArray


def _next_probe(
    lo: FloatArray, hi: FloatArray, step: FloatArray, probed_lo: NDArray[np.bool_]
) -> FloatArray:
    """Gallop up from ``lo`` until a probe meets the target, gallop down from ``hi`` until one
    misses it, then bisect."""
    mid = np.floor((lo + hi) / 2.0)
    down = np.where(~probed_lo & (hi - step > lo), hi - step, mid)
    return np.where(np.isinf(hi), lo + step, down)


def _search(probe: Probe, known_miss: FloatArray, guess: FloatArray, name: str) -> _Search:
    """Smallest whole number of agents meeting a target that is monotone in agents, for all
    intervals at once: probe ``guess``, gallop (steps 1, 2, 4, ...) to bracket the answer, then
    bisect. ``known_miss`` is a number of agents known to miss the target."""
    size = known_miss.size
    lo, hi = known_miss.copy(), np.full(size, np.inf)
    value_lo, value_hi = np.full(size, np.nan), np.full(size, np.nan)
    x, step = np.maximum(guess, lo + 1.0), np.ones(size)
    todo = np.arange(size)
    for _ in range(_MAX_PROBES):
        met, value = probe(todo, x)
        hi[todo] = np.where(met, x, hi[todo])
        value_hi[todo] = np.where(met, value, value_hi[todo])
        lo[todo] = np.where(met, lo[todo], x)
        value_lo[todo] = np.where(met, value_lo[todo], value)
        step[todo] *= 2.0
        todo = todo[hi[todo] - lo[todo] > 1]
        if todo.size == 0:
            return _Search(hi, value_hi, np.where(hi - lo == 1, value_lo, np.nan))
        x = _next_probe(lo[todo], hi[todo], step[todo], ~np.isnan(value_lo[todo]))
    msg = f"no staffing up to {lo[todo[0]]:.0f} agents meets the {name} target"
    raise UnreachableTargetError(f"interval {int(todo[0])}: {msg}")


def _fraction(target: _Target, low_value: FloatArray, high_value: FloatArray) -> FloatArray:
    """Share of the way from the low (missing) to the high (meeting) point where the target's
    line is crossed; an infinite ASA at the low point interpolates the speed 1 / ASA."""
    if target.rising:
        return _linear_share(low_value, high_value, target.bound)
    share = _linear_share(-low_value, -high_value, -target.bound)
    infinite = ~np.isfinite(low_value)
    if np.any(infinite):
        speed_share = high_value[infinite] / target.bound  # (1 / bound) / (1 / value_hi)
        share[infinite] = np.clip(speed_share, 0.0, 1.0)
    return share


def _linear_share(lo: FloatArray, hi: FloatArray, bound: float) -> FloatArray:
    span = hi - lo
    flat = ~(span > 0)
    with np.errstate(invalid="ignore"):  # an infinite ASA below: the caller handles those
        share = (bound - lo) / np.where(flat, 1.0, span)
    share[flat] = 1.0
    return np.clip(share, 0.0, 1.0)


def _erlang_a_target(
    kpis: KpiFn, target: _Target, traffic: FloatArray, floor: bool
) -> tuple[FloatArray, FloatArray]:
    """Integer and fractional Erlang A requirement of one target (intervals with traffic > 0).

    With ``floor`` (requirement at least the offered load) the search starts just below
    ``ceil(A)``: treating that staffing as a miss yields ``max(ceil(A), requirement)`` directly,
    and the caller lifts the fractional requirement to at least ``A``."""

    def probe(sub: NDArray[np.intp], agents: FloatArray) -> tuple[NDArray[np.bool_], FloatArray]:
        value = target.value(kpis(sub, agents))
        return target.met_by(value) & (agents >= 1), value

    known_miss = np.maximum(np.ceil(traffic) - 1.0, 0.0) if floor else np.zeros_like(traffic)
    found = _search(probe, known_miss, np.ceil(traffic + 0.5 * np.sqrt(traffic)), target.name)
    whole = found.agents
    value_below = found.value_below.copy()
    missing = np.flatnonzero(np.isnan(value_below))
    if missing.size:
        value_below[missing] = target.value(kpis(missing, whole[missing] - 1.0))
    share = _fraction(target, value_below, found.value_at)
    return whole, whole - 1.0 + share


def _scheduled(agents: FloatArray, shrinkage: float) -> FloatArray:
    """``ceil(agents / (1 - shrinkage))`` without float noise (14 / 0.7 is 20.000000000000004)."""
    raw = agents / (1.0 - shrinkage)
    return np.ceil(raw - 1e-9 * np.maximum(raw, 1.0))


@dataclass(slots=True)
class _Walk:
    """Working arrays of the Erlang C walk, compacted to the intervals still walking."""

    pos: NDArray[np.intp]  # which interval (index into the active intervals)
    a: FloatArray  # offered load
    h: FloatArray  # handle time, s
    n: FloatArray  # agents at this step
    b: FloatArray  # Erlang B at n
    decay: FloatArray  # exp(-(n - A) T / aht): the SL tail factor at n
    step_decay: FloatArray  # exp(-T / aht): one agent more multiplies ``decay`` by this
    previous: list[FloatArray]  # each target's value one step down (at A before the first)
    pending: list[NDArray[np.bool_]]  # each target not met yet

    def keep(self, mask: NDArray[np.bool_]) -> None:
        for name in ("pos", "a", "h", "n", "b", "decay", "step_decay"):
            setattr(self, name, getattr(self, name)[mask])
        self.previous = [value[mask] for value in self.previous]
        self.pending = [flag[mask] for flag in self.pending]

    def value(self, target: _Target, p_wait: FloatArray) -> FloatArray:
        """The target's figure at ``n`` (Erlang C, n > A): SL, ASA or occupancy."""
        if target.name == "sl":
            return 1.0 - p_wait * self.decay
        if target.name == "asa":
            return p_wait * self.h / (self.n - self.a)
        return self.a / self.n


def _start_walk(
    targets: list[_Target], traffic: FloatArray, aht_s: FloatArray, t_s: float
) -> _Walk:
    """First stable staffing ``floor(A) + 1`` with one incomplete-gamma Erlang B."""
    n0 = np.floor(traffic) + 1.0
    at_load = {"sl": 0.0, "asa": np.inf, "occupancy": 1.0}  # the curves at n = A
    return _Walk(
        pos=np.arange(traffic.size),
        a=traffic,
        h=aht_s,
        n=n0,
        b=_erlang_b(traffic, n0),
        decay=np.exp(-(n0 - traffic) * t_s / aht_s),
        step_decay=np.exp(-t_s / aht_s),
        previous=[np.full(traffic.size, at_load[t.name]) for t in targets],
        pending=[np.ones(traffic.size, dtype=bool) for _ in targets],
    )


def _walk_erlang_c(
    targets: list[_Target], traffic: FloatArray, aht_s: FloatArray, t_s: float
) -> tuple[FloatArray, FloatArray, QueueKpis]:
    """Erlang C requirement for intervals with traffic > 0: one incomplete-gamma Erlang B at the
    first stable staffing ``floor(A) + 1``, then the forward recursion one agent at a time
    (a dozen flops per interval and step) until every target is met.

    Returns the integer and fractional requirement and the figures at the integer one."""
    size = traffic.size
    walk = _start_walk(targets, traffic, aht_s, t_s)
    whole, fractional, p_wait_at = np.zeros(size), np.zeros(size), np.zeros(size)
    for _ in range(_MAX_WALK):
        p_wait = walk.n * walk.b / (walk.n - walk.a * (1.0 - walk.b))
        done = np.ones(walk.pos.size, dtype=bool)
        for j, target in enumerate(targets):
            value = walk.value(target, p_wait)
            met = target.met_by(value)
            new = met & walk.pending[j]
            if np.any(new):
                where = walk.pos[new]
                fractional[where] = np.maximum(
                    fractional[where], _crossing(target, walk, j, new, value)
                )
                walk.pending[j] &= ~new
            walk.previous[j] = value
            done &= met
        if np.any(done):
            whole[walk.pos[done]], p_wait_at[walk.pos[done]] = walk.n[done], p_wait[done]
            walk.keep(~done)
            if walk.pos.size == 0:
                p_wait_at = np.clip(p_wait_at, 0.0, 1.0)
                return whole, fractional, _erlang_c_kpis(traffic, aht_s, whole, t_s, p_wait_at)
        walk.b = _erlang_b_next(walk.a, walk.n, walk.b)
        walk.n = walk.n + 1.0
        walk.decay = walk.decay * walk.step_decay
    msg = f"no staffing up to {walk.n[0]:.0f} agents meets the goal"
    raise UnreachableTargetError(f"interval {int(walk.pos[0])}: {msg}")


def _crossing(
    target: _Target, walk: _Walk, j: int, new: NDArray[np.bool_], value: FloatArray
) -> FloatArray:
    """Fractional requirement of target ``j`` first met at ``walk.n``: the crossing of the
    target's line between the staffing one step down (or the offered load) and ``n``."""
    n, a = walk.n[new], walk.a[new]
    if target.name == "occupancy":
        return np.minimum(a / target.bound, n)
    low = np.maximum(n - 1.0, a)
    return low + _fraction(target, walk.previous[j][new], value[new]) * (n - low)


def _search_erlang_a(
    targets: list[_Target], kpis: KpiFn, traffic: FloatArray, model: StaffingModel
) -> tuple[FloatArray, FloatArray, QueueKpis]:
    """Erlang A requirement (intervals with traffic > 0): a galloping search per target."""
    whole, fractional = np.zeros(traffic.size), np.zeros(traffic.size)
    for target in targets:
        floor = not model.allow_below_offered_load
        n_t, f_t = _erlang_a_target(kpis, target, traffic, floor)
        whole, fractional = np.maximum(whole, n_t), np.maximum(fractional, f_t)
    if not model.allow_below_offered_load:
        whole, fractional = np.maximum(whole, np.ceil(traffic)), np.maximum(fractional, traffic)
    return whole, fractional, kpis(np.arange(traffic.size), whole)


def _no_kpis() -> QueueKpis:
    return QueueKpis(**{name: np.zeros(0) for name in QueueKpis.__slots__})


def _merge(size: int, active: NDArray[np.intp], kpis: QueueKpis) -> QueueKpis:
    """Figures for every interval: ``kpis`` where there is traffic, the idle values elsewhere
    (no wait, SL 1, ASA 0, no abandonment, occupancy 0)."""
    idle = {"p_wait": 0.0, "service_level": 1.0, "service_level_answered": 1.0}
    out = {}
    for name in QueueKpis.__slots__:
        column = np.full(size, idle.get(name, 0.0))
        column[active] = getattr(kpis, name)
        out[name] = column
    return QueueKpis(**out)


def required_agents(
    calls: ArrayLike,
    aht_s: ArrayLike,
    *,
    interval_min: int = 15,
    goal: ServiceGoal = ServiceGoal(),
    model: StaffingModel = StaffingModel(),
    shrinkage: float = 0.0,
) -> Requirement:
    """Agents needed per interval to meet every target of ``goal`` under ``model``.

    ``calls`` and ``aht_s`` hold one entry per interval of ``interval_min`` minutes (a scalar
    ``aht_s`` applies to all). Zero calls need zero agents. Raises :class:`InputError` listing
    every bad interval/field, :class:`UnreachableTargetError` if no staffing meets the goal.
    """
    c, h = _validated_inputs(calls, aht_s, interval_min, goal, model, shrinkage)
    interval_s = float(interval_min) * 60.0
    traffic = c * h / interval_s
    active = np.flatnonzero(traffic > 0)
    targets = _targets(goal)
    if active.size == 0:
        found: tuple[FloatArray, FloatArray, QueueKpis] = (
            np.zeros(0),
            np.zeros(0),
            _merge(0, active, _no_kpis()),
        )
    elif model.kind == "erlang_c":
        found = _walk_erlang_c(targets, traffic[active], h[active], goal.answer_within_s)
    else:
        kpis = _kpi_function(model, traffic[active], h[active], interval_s, goal.answer_within_s)
        found = _search_erlang_a(targets, kpis, traffic[active], model)
    whole, fractional = np.zeros(c.size), np.zeros(c.size)
    whole[active], fractional[active] = found[0], found[1]
    at = _merge(c.size, active, found[2])
    return Requirement(
        agents_fractional=fractional,
        agents=whole.astype(np.int64),
        scheduled_fractional=fractional / (1.0 - shrinkage),
        scheduled=_scheduled(whole, shrinkage).astype(np.int64),
        service_level=at.service_level,
        service_level_answered=at.service_level_answered,
        asa_s=at.asa_s,
        abandon_rate=at.abandon_rate,
        occupancy=at.occupancy,
        p_wait=at.p_wait,
        model=model.kind,
        calls=c,
        aht_s=h,
        traffic_erl=traffic,
    )


def requirements_from_forecast(
    forecast: pd.DataFrame,
    *,
    interval_min: int = 15,
    goal: ServiceGoal = ServiceGoal(),
    model: StaffingModel = StaffingModel(),
    shrinkage: float = 0.0,
) -> pd.DataFrame:
    """:func:`required_agents` on a forecast frame (``interval_start``, ``calls``, ``aht_s``);
    returns :meth:`Requirement.to_frame` with ``interval_start``."""
    missing = [col for col in ("interval_start", "calls", "aht_s") if col not in forecast]
    if missing:
        problems = [
            Problem(None, col, "missing_column", f"column {col} is missing") for col in missing
        ]
        raise InputError(problems)
    requirement = required_agents(
        forecast["calls"].to_numpy(dtype=np.float64),
        forecast["aht_s"].to_numpy(dtype=np.float64),
        interval_min=interval_min,
        goal=goal,
        model=model,
        shrinkage=shrinkage,
    )
    return requirement.to_frame(forecast["interval_start"].to_numpy())
