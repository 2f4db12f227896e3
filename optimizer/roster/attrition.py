"""Attrition scenarios: remove agents, re-roster, and measure the loss against the base.

Agents to remove are chosen by name (:func:`select_named`), as a seeded random share of each
contract (:func:`select_random_share`) or by a rule on the agent or an HR attribute such as
tenure (:func:`select_by_rule`, :func:`select_by_tenure`). :func:`attrition_scenario` rosters
the base (or takes a given base result), removes the agents and reports per day:

* ``kept``: the base roster minus the leavers' shifts (no re-rostering; coverage can only drop);
* ``rerostered``: a new roster of the remaining agents (:func:`solve_roster`).

Predicted service level per interval is Erlang C (:func:`optimizer.erlang.erlang_c_kpis`) on the
instance's ``demand`` (calls per interval, AHT, answer-within threshold) with the roster's
agents on the phone; daily and weekly figures are call-weighted means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import erlang_c_kpis
from optimizer.errors import InputError, Problem
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.solve import RosterResult, SolveOptions, solve_roster

__all__ = [
    "AttritionOutcome",
    "DayLoss",
    "attrition_scenario",
    "compare_coverage",
    "predicted_service_level",
    "select_by_rule",
    "select_by_tenure",
    "select_named",
    "select_random_share",
    "week_service_level",
    "without_agents",
]

FloatMatrix = NDArray[np.float64]
DEFAULT_SOLVE = SolveOptions()


def predicted_service_level(
    problem: RosterProblem, coverage: Sequence[Sequence[float]] | NDArray[np.int64]
) -> FloatMatrix | None:
    """Erlang C service level per day and interval for ``coverage`` agents on the phone.

    ``None`` when the instance carries no demand data (calls and AHT).
    """
    demand = problem.demand
    if demand is None:
        return None
    calls = np.asarray(demand.calls, dtype=np.float64)
    agents = np.asarray(coverage, dtype=np.float64)
    if calls.shape != agents.shape:
        raise InputError(
            [Problem(None, "demand.calls", "shape", f"{calls.shape} != coverage {agents.shape}")]
        )
    kpis = erlang_c_kpis(
        calls.ravel(),
        demand.aht_s,
        agents.ravel(),
        interval_s=problem.interval_min * 60.0,
        answer_within_s=demand.answer_within_s,
    )
    return np.asarray(kpis.service_level, dtype=np.float64).reshape(calls.shape)


def _weighted(sl: FloatMatrix, calls: FloatMatrix) -> float:
    total = float(calls.sum())
    return float((sl * calls).sum() / total) if total > 0 else 1.0


def week_service_level(problem: RosterProblem, coverage: Sequence[Sequence[float]]) -> float | None:
    """Call-weighted predicted service level of the week (``None`` without demand data)."""
    sl = predicted_service_level(problem, coverage)
    if sl is None or problem.demand is None:
        return None
    return _weighted(sl, np.asarray(problem.demand.calls, dtype=np.float64))


@dataclass(frozen=True, slots=True)
class DayLoss:
    """One day of a scenario against its base (agent-hours; SL as a fraction, call-weighted).

    ``lost_covered_agent_hours``: requirement hours the base covered and the scenario does not
    (``scenario_under - base_under``); positive means worse. SL fields are ``None`` without
    demand data.
    """

    day: int
    required_agent_hours: float
    base_under_agent_hours: float
    scenario_under_agent_hours: float
    lost_covered_agent_hours: float
    base_service_level: float | None
    scenario_service_level: float | None
    service_level_loss: float | None


def _day_loss(
    problem: RosterProblem, d: int, base: NDArray[np.int64], scen: NDArray[np.int64]
) -> DayLoss:
    hours = problem.interval_min / 60.0
    req = np.asarray(problem.requirement[d], dtype=np.int64)
    base_under = float(np.maximum(req - base[d], 0).sum()) * hours
    scen_under = float(np.maximum(req - scen[d], 0).sum()) * hours
    sl_base = sl_scen = loss = None
    if problem.demand is not None:
        calls = np.asarray(problem.demand.calls[d], dtype=np.float64)
        sl_b = _row_sl(problem, d, base[d])
        sl_s = _row_sl(problem, d, scen[d])
        sl_base, sl_scen = _weighted(sl_b, calls), _weighted(sl_s, calls)
        loss = sl_base - sl_scen
    return DayLoss(
        d,
        float(req.sum()) * hours,
        base_under,
        scen_under,
        scen_under - base_under,
        sl_base,
        sl_scen,
        loss,
    )


def _row_sl(problem: RosterProblem, d: int, row: NDArray[np.int64]) -> FloatMatrix:
    demand = problem.demand
    assert demand is not None
    kpis = erlang_c_kpis(
        np.asarray(demand.calls[d], dtype=np.float64),
        demand.aht_s,
        row.astype(np.float64),
        interval_s=problem.interval_min * 60.0,
        answer_within_s=demand.answer_within_s,
    )
    return np.asarray(kpis.service_level, dtype=np.float64)


def compare_coverage(
    problem: RosterProblem,
    base_coverage: Sequence[Sequence[int]] | NDArray[np.int64],
    scenario_coverage: Sequence[Sequence[int]] | NDArray[np.int64],
) -> tuple[DayLoss, ...]:
    """Per-day loss of ``scenario_coverage`` against ``base_coverage`` (days x intervals)."""
    base = np.asarray(base_coverage, dtype=np.int64)
    scen = np.asarray(scenario_coverage, dtype=np.int64)
    return tuple(_day_loss(problem, d, base, scen) for d in range(problem.days))


def _check_ids(problem: RosterProblem, ids: Sequence[str]) -> None:
    known = {a.id for a in problem.agents}
    bad = [
        Problem(i, "agent_ids", "unknown", f"no agent {aid!r}")
        for i, aid in enumerate(ids)
        if aid not in known
    ]
    if bad:
        raise InputError(bad)


def select_named(problem: RosterProblem, ids: Sequence[str]) -> tuple[str, ...]:
    """The named agents (checked to exist), sorted and without duplicates."""
    _check_ids(problem, ids)
    return tuple(sorted(set(ids)))


def select_random_share(
    problem: RosterProblem, share: float | Mapping[str, float], *, seed: int
) -> tuple[str, ...]:
    """``round(share * n)`` agents of every contract (``n`` its head count), drawn with ``seed``.

    ``share`` is one fraction for every contract or a fraction per contract id.
    """
    shares = share if isinstance(share, Mapping) else {c.id: share for c in problem.contracts}
    problems = [
        Problem(None, f"share[{cid}]", "out_of_range", "share must lie in [0, 1]")
        for cid, s in shares.items()
        if not 0.0 <= s <= 1.0
    ]
    known = {c.id for c in problem.contracts}
    problems += [
        Problem(None, f"share[{cid}]", "unknown", f"no contract {cid!r}")
        for cid in shares
        if cid not in known
    ]
    if problems:
        raise InputError(problems)
    rng = np.random.default_rng(seed)
    chosen: list[str] = []
    for cid in sorted(shares):
        ids = sorted(a.id for a in problem.agents if a.contract == cid)
        k = round(shares[cid] * len(ids))
        chosen += [ids[i] for i in sorted(rng.choice(len(ids), size=k, replace=False))]
    return tuple(sorted(chosen))


def select_by_rule(problem: RosterProblem, rule: Callable[[Agent], bool]) -> tuple[str, ...]:
    """Agents for whom ``rule(agent)`` is true."""
    return tuple(sorted(a.id for a in problem.agents if rule(a)))


def select_by_tenure(
    problem: RosterProblem, tenure_weeks: Mapping[str, int], *, below_weeks: int
) -> tuple[str, ...]:
    """Agents whose tenure (weeks, from HR data keyed by agent id) is below ``below_weeks``.

    Every agent needs a tenure; a missing or negative one is an input error naming the agent.
    """
    problems = [
        Problem(i, f"tenure_weeks[{a.id}]", "missing", "no tenure for this agent")
        for i, a in enumerate(problem.agents)
        if a.id not in tenure_weeks
    ]
    problems += [
        Problem(None, f"tenure_weeks[{aid}]", "out_of_range", "tenure must be >= 0")
        for aid, w in tenure_weeks.items()
        if w < 0
    ]
    if problems:
        raise InputError(problems)
    return tuple(sorted(a.id for a in problem.agents if tenure_weeks[a.id] < below_weeks))


def without_agents(problem: RosterProblem, ids: Sequence[str]) -> RosterProblem:
    """The problem without the agents ``ids`` (which must exist)."""
    _check_ids(problem, ids)
    gone = set(ids)
    return replace(problem, agents=tuple(a for a in problem.agents if a.id not in gone))


def without_shifts(roster: Roster, ids: Sequence[str]) -> Roster:
    """``roster`` minus the shifts of the agents ``ids``."""
    gone = set(ids)
    return Roster(tuple(s for s in roster.shifts if s.agent not in gone))


@dataclass(frozen=True, slots=True)
class AttritionOutcome:
    """Leavers, base and re-rostered results, and per-day losses of both scenario views.

    ``kept_days``: loss when the leavers' shifts simply disappear from the base roster;
    ``rerostered_days``: loss after re-rostering the remaining agents.
    """

    removed: tuple[str, ...]
    base: RosterResult
    rerostered: RosterResult
    kept_days: tuple[DayLoss, ...]
    rerostered_days: tuple[DayLoss, ...]
    base_week_service_level: float | None
    rerostered_week_service_level: float | None


def attrition_scenario(
    problem: RosterProblem,
    removed: Sequence[str],
    options: SolveOptions = DEFAULT_SOLVE,
    *,
    base: RosterResult | None = None,
) -> AttritionOutcome:
    """Remove ``removed`` agents, re-roster the rest and compare with ``base``.

    ``base`` (a result of ``solve_roster(problem, ...)``) is solved with ``options`` if absent.
    """
    ids = select_named(problem, removed)
    base_result = base if base is not None else solve_roster(problem, options)
    reduced = without_agents(problem, ids)
    result = solve_roster(reduced, options)
    kept = staffed_matrix(problem, without_shifts(base_result.roster, ids))
    return AttritionOutcome(
        ids,
        base_result,
        result,
        compare_coverage(problem, base_result.coverage, kept),
        compare_coverage(problem, base_result.coverage, result.coverage),
        week_service_level(problem, base_result.coverage),
        week_service_level(problem, result.coverage),
    )
