"""Chat requirement: agents holding several sessions at once, each slower when more are held.

Model (an M/M/N·k birth-death approximation). An agent holds up to ``concurrency`` = k
sessions; a session held alone needs ``aht_s`` seconds, and while the agent holds ``m`` sessions
each one progresses ``f(m)`` times slower (``f(1) = 1``, ``handle_factors`` or
``1 + slowdown_per_session * (m - 1)``). Sessions arrive as a Poisson stream; a new one goes
to the agent holding fewest (if it holds fewer than k), else waits FIFO, leaving after an
exponential patience (``patience_s``; ``None``: never). The state is the number ``n`` of sessions
in the system; the ``s = min(n, N k)`` in service are assumed spread evenly over the N agents
(``s = q N + r``: r agents hold q + 1, the others q), so they end at rate
``mu(s) = (r (q + 1) / f(q + 1) + (N - r) q / f(q)) / aht_s`` and waiting ones abandon at rate
``(n - N k) / patience_s``. With ``f = 1`` this is exactly M/M/(N k)+M (Erlang C / A on N k
session servers); with a slowdown the even spread is the approximation (the simulation in
:mod:`optimizer.simulation.multiskill_chat` checks it).

An arrival sees the stationary distribution (PASTA). When all ``N k`` slots are taken it
waits at position ``p``; it moves forward at rate ``mu(N k) + (p - 1) / patience_s`` (ends
and abandonments ahead of it) and leaves at rate ``1 / patience_s``. Its probability to be
answered within T is computed by uniformisation of that pure-death chain. Figures:
``service_level`` (answered within T / arrivals), ``service_level_answered`` (over arrivals
not abandoned within T), ``abandon_rate = E[(n - N k)+] / (patience_s lambda)``, ``asa_s``
(mean wait of answered sessions; without patience only, ``E[position] / mu(N k)``),
``occupancy`` (session slots in use / N k) and ``sessions_per_agent``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from optimizer.errors import InputError, Problem
from optimizer.requirements import (
    ServiceGoal,
    StaffingModel,
    UnreachableTargetError,
    required_agents,
)
from optimizer.requirements.results import scheduled

FloatArray = NDArray[np.float64]
MAX_AGENTS = 100_000
_TAIL_LOG = 36.0  # states whose probability is below exp(-36) of the peak are dropped
_DEFAULT_GOAL = ServiceGoal(service_level=0.8, answer_within_s=60.0)


@dataclass(frozen=True, slots=True)
class ChatModel:
    """Concurrency and slowdown of a chat queue.

    ``concurrency``: sessions an agent may hold (k >= 1). ``handle_factors``: ``f(1..k)``,
    how many times longer a session takes while the agent holds m sessions (``f(1)`` = 1,
    non-decreasing); when empty, ``f(m) = 1 + slowdown_per_session * (m - 1)``.
    ``patience_s``: mean (exponential) patience of waiting sessions; ``None``: nobody leaves.
    """

    concurrency: int = 2
    slowdown_per_session: float = 0.0
    handle_factors: tuple[float, ...] = field(default=())
    patience_s: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.concurrency, int) or not 1 <= self.concurrency <= 50:
            problems.append(Problem(None, "concurrency", "out_of_range", "must be in 1..50"))
        if not math.isfinite(self.slowdown_per_session) or self.slowdown_per_session < 0:
            problems.append(Problem(None, "slowdown_per_session", "out_of_range", "must be >= 0"))
        if self.handle_factors:
            f = np.asarray(self.handle_factors, dtype=np.float64)
            ok = f.shape == (self.concurrency,) and np.isfinite(f).all() and f[0] == 1.0
            if not ok or (np.diff(f) < 0).any():
                msg = "one factor per level 1..concurrency, f(1) = 1, non-decreasing"
                problems.append(Problem(None, "handle_factors", "invalid", msg))
        p = self.patience_s
        if p is not None and not (math.isfinite(p) and p > 0):
            problems.append(Problem(None, "patience_s", "out_of_range", "must be > 0 seconds"))
        if problems:
            raise InputError(problems)

    def factors(self) -> FloatArray:
        """``f(m)`` for m = 1..concurrency."""
        if self.handle_factors:
            return np.asarray(self.handle_factors, dtype=np.float64)
        return 1.0 + self.slowdown_per_session * np.arange(self.concurrency, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class ChatKpis:
    """Predicted figures of one interval (see the module docstring)."""

    service_level: float
    service_level_answered: float
    asa_s: float
    abandon_rate: float
    occupancy: float
    sessions_per_agent: float


def service_rates(agents: int, aht_s: float, model: ChatModel) -> FloatArray:
    """``mu(s)`` per second for s = 0..agents * concurrency sessions in service, spread evenly."""
    k, f = model.concurrency, model.factors()
    s = np.arange(agents * k + 1)
    q, r = np.divmod(s, max(agents, 1))
    per_agent = np.concatenate([[0.0], np.arange(1, k + 1) / f])  # m / f(m), m = 0..k
    high = per_agent[np.minimum(q + 1, k)]
    return (r * high + (agents - r) * per_agent[q]) / aht_s


def _stationary(rate_in: float, mu: FloatArray, theta: float) -> FloatArray | None:
    """P(n sessions in system), n = 0..; ``None`` when the queue grows without bound."""
    slots, full = mu.shape[0] - 1, float(mu[-1])
    if theta == 0.0 and rate_in >= full:
        return None
    if theta == 0.0:
        extra = int(min(_TAIL_LOG / max(-math.log(rate_in / full), 1e-12) + 1, 200_000))
    else:
        extra = int(max(rate_in - full, 0.0) / theta + 12.0 * math.sqrt(rate_in / theta) + 20)
    waiting = np.arange(1, extra + 1, dtype=np.float64)
    down = np.concatenate([mu[1:], full + theta * waiting])
    with np.errstate(divide="ignore"):
        log_ratio = math.log(rate_in) - np.log(down)
    log_p = np.concatenate([[0.0], np.cumsum(log_ratio)])
    log_p -= log_p.max()
    keep = max(slots + 1, int(np.flatnonzero(log_p > -_TAIL_LOG).max()) + 1)
    p = np.exp(log_p[:keep])
    return np.asarray(p / p.sum(), dtype=np.float64)


def _answered_within(
    positions: int, full: float, theta: float, within_s: float
) -> tuple[FloatArray, FloatArray]:
    """Per queue position p = 1..positions: P(answered within T), P(abandoned within T)."""
    fwd_rate = full + theta * np.arange(positions, dtype=np.float64)
    top = float(fwd_rate[-1]) + theta
    steps_mean = top * within_s
    steps = int(steps_mean + 10.0 * math.sqrt(steps_mean) + 20)
    weights = stats.poisson.pmf(np.arange(steps + 1), steps_mean)
    fwd, kill = fwd_rate / top, theta / top
    stay = 1.0 - fwd - kill
    served, left = np.zeros(positions + 1), np.zeros(positions + 1)
    served[0] = 1.0
    served_t, left_t = weights[0] * served, weights[0] * left
    for weight in weights[1:]:
        served[1:] = fwd * served[:-1] + stay * served[1:]
        left[1:] = kill + fwd * left[:-1] + stay * left[1:]
        served_t += weight * served
        left_t += weight * left
    return served_t[1:], left_t[1:]


def chat_kpis(
    sessions: float,
    aht_s: float,
    agents: int,
    *,
    interval_min: int = 15,
    answer_within_s: float = 60.0,
    model: ChatModel = ChatModel(),
) -> ChatKpis:
    """Predicted figures of one stationary interval with ``sessions`` expected arrivals."""
    rate_in = sessions / (interval_min * 60.0)
    if rate_in <= 0:
        return ChatKpis(1.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    if agents <= 0:
        return ChatKpis(0.0, 0.0, math.inf, 1.0 if model.patience_s else 0.0, 1.0, 0.0)
    theta = 1.0 / model.patience_s if model.patience_s else 0.0
    mu = service_rates(agents, aht_s, model)
    p = _stationary(rate_in, mu, theta)
    slots = mu.shape[0] - 1
    if p is None:
        return ChatKpis(0.0, 0.0, math.inf, 0.0, 1.0, float(model.concurrency))
    queue_p = p[slots:]  # position p = n - slots + 1 for n >= slots
    served, left = _answered_within(queue_p.shape[0], float(mu[-1]), theta, answer_within_s)
    sl = float(p[:slots].sum() + queue_p @ served)
    abandoned_within = float(queue_p @ left)
    waiting = np.arange(queue_p.shape[0], dtype=np.float64)  # (n - slots)+
    abandon = float(theta * (queue_p @ waiting) / rate_in)
    asa = float(queue_p @ (waiting + 1.0)) / float(mu[-1]) if theta == 0.0 else math.nan
    in_service = float(p @ np.minimum(np.arange(p.shape[0]), slots))
    return ChatKpis(
        service_level=sl,
        service_level_answered=sl / max(1.0 - abandoned_within, 1e-300),
        asa_s=asa,
        abandon_rate=abandon,
        occupancy=in_service / slots,
        sessions_per_agent=in_service / agents,
    )


def _meets(kpis: ChatKpis, goal: ServiceGoal) -> bool:
    sl = (
        kpis.service_level
        if goal.service_level_basis == "all_arrivals"
        else (kpis.service_level_answered)
    )
    checks = (
        goal.service_level is None or sl >= goal.service_level,
        goal.max_asa_s is None or kpis.asa_s <= goal.max_asa_s,
        goal.max_abandon_rate is None or kpis.abandon_rate <= goal.max_abandon_rate,
        goal.max_occupancy is None or kpis.occupancy <= goal.max_occupancy,
    )
    return all(checks)


def start_guess(sessions: FloatArray, aht_s: FloatArray, interval_min: int, goal: ServiceGoal,
                model: ChatModel) -> NDArray[np.int64]:  # fmt: skip
    """Where the search starts: Erlang C (A with patience) on session slots, each slot serving
    at the full-concurrency pace ``aht_s f(k)``, divided by ``k``; 1 where that fails."""
    slow = aht_s * float(model.factors()[-1])
    staffing = StaffingModel("erlang_a", model.patience_s) if model.patience_s else StaffingModel()
    target = ServiceGoal(goal.service_level, goal.answer_within_s,
                         service_level_basis=goal.service_level_basis)  # fmt: skip
    try:
        slots = required_agents(
            sessions, slow, interval_min=interval_min, goal=target, model=staffing
        )
    except (InputError, UnreachableTargetError):
        return np.ones(sessions.shape[0], dtype=np.int64)
    return np.maximum(np.ceil(slots.agents / model.concurrency), 1).astype(np.int64)


def _smallest_agents(sessions: float, aht_s: float, interval_min: int, goal: ServiceGoal,
                     model: ChatModel, guess: int) -> int:  # fmt: skip
    """Smallest N meeting ``goal``: galloping from ``guess`` (steps 1, 2, 4, ...) to a
    bracket, then bisection (the figures improve with N)."""
    if sessions <= 0:
        return 0

    def ok(agents: int) -> bool:
        kpis = chat_kpis(sessions, aht_s, agents, interval_min=interval_min,
                         answer_within_s=goal.answer_within_s, model=model)  # fmt: skip
        return agents > 0 and _meets(kpis, goal)

    step, low, high = 1, guess, guess
    if ok(guess):
        while low > 0 and ok(low):
            high, low, step = low, max(low - step, 0), 2 * step
    else:
        while not ok(high):
            low, high, step = high, high + step, 2 * step
            if high > MAX_AGENTS:
                raise UnreachableTargetError(
                    f"no staffing up to {MAX_AGENTS} agents meets the goal"
                )
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if ok(mid) else (mid, high)
    return high


@dataclass(frozen=True, slots=True)
class ChatRequirement:
    """Agents per interval for a chat queue, with the figures predicted at those agents.

    ``agents``: on the queue (whole agents, each with up to ``concurrency`` sessions);
    ``scheduled``: ``ceil(agents / (1 - shrinkage))``; KPI arrays as in :class:`ChatKpis`.
    """

    agents: NDArray[np.int64]
    scheduled: NDArray[np.int64]
    service_level: FloatArray
    service_level_answered: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    sessions_per_agent: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """One row per interval, one column per field."""
        frame = pd.DataFrame({name: getattr(self, name) for name in self.__slots__})
        frame.index.name = "interval"
        return frame


def _validated(sessions: ArrayLike, aht_s: ArrayLike, interval_min: int, shrinkage: float,
               goal: ServiceGoal, model: ChatModel) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    problems: list[Problem] = []
    c = np.atleast_1d(np.asarray(sessions, dtype=np.float64))
    h = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), c.shape).copy()
    for row in np.flatnonzero(~np.isfinite(c) | (c < 0))[:50]:
        problems.append(Problem(int(row), "sessions", "out_of_range", "must be finite, >= 0"))
    for row in np.flatnonzero(~np.isfinite(h) | (h <= 0))[:50]:
        problems.append(Problem(int(row), "aht_s", "out_of_range", "must be finite, > 0"))
    if not isinstance(interval_min, int) or not 1 <= interval_min <= 1440:
        problems.append(Problem(None, "interval_min", "out_of_range", "must be in 1..1440"))
    if not 0.0 <= shrinkage < 1.0:
        problems.append(Problem(None, "shrinkage", "out_of_range", "must be in [0, 1)"))
    if goal.max_asa_s is not None and model.patience_s is not None:
        msg = "max_asa_s is computed without patience only: use service_level or abandonment"
        problems.append(Problem(None, "max_asa_s", "not_supported", msg))
    if goal.max_abandon_rate is not None and model.patience_s is None:
        msg = "max_abandon_rate needs the model's patience_s"
        problems.append(Problem(None, "max_abandon_rate", "not_applicable", msg))
    if problems:
        raise InputError(problems)
    return c, h


def chat_required_agents(
    sessions: ArrayLike,
    aht_s: ArrayLike,
    *,
    interval_min: int = 15,
    goal: ServiceGoal = _DEFAULT_GOAL,
    model: ChatModel = ChatModel(),
    shrinkage: float = 0.0,
) -> ChatRequirement:
    """Agents per interval so that every target of ``goal`` holds under the chat ``model``.

    ``sessions``: expected chat sessions arriving per interval; ``aht_s``: handle time of a
    session held alone (scalar allowed). Targets: ``service_level`` (either basis),
    ``max_asa_s`` (without patience), ``max_abandon_rate`` (with patience), ``max_occupancy``
    (share of session slots in use). Raises :class:`InputError`, :class:`UnreachableTargetError`.
    """
    c, h = _validated(sessions, aht_s, interval_min, shrinkage, goal, model)
    guesses = start_guess(c, h, interval_min, goal, model)
    agents = np.array(
        [
            _smallest_agents(float(ci), float(hi), interval_min, goal, model, int(n0))
            for ci, hi, n0 in zip(c, h, guesses, strict=True)
        ],
        dtype=np.int64,
    )
    kpis = [
        chat_kpis(float(ci), float(hi), int(n), interval_min=interval_min,
                  answer_within_s=goal.answer_within_s, model=model)
        for ci, hi, n in zip(c, h, agents, strict=True)
    ]  # fmt: skip

    def column(name: str) -> FloatArray:
        return np.array([getattr(k, name) for k in kpis], dtype=np.float64)

    return ChatRequirement(
        agents=agents,
        scheduled=scheduled(agents.astype(np.float64), shrinkage).astype(np.int64),
        service_level=column("service_level"),
        service_level_answered=column("service_level_answered"),
        asa_s=column("asa_s"),
        abandon_rate=column("abandon_rate"),
        occupancy=column("occupancy"),
        sessions_per_agent=column("sessions_per_agent"),
    )
