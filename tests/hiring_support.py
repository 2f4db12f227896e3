"""Tiny roster problems for the hiring and attrition tests (built in code, no shared data)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from optimizer.roster.problem import (
    ActivityRule,
    Agent,
    Contract,
    DemandData,
    RosterProblem,
    Rules,
)

T = TypeVar("T", int, float)

INTERVAL_MIN = 60
OPEN = (8 * 60, 14 * 60)
NEVER = ActivityRule(15, True, 10**6, 60, 120, 60)
REQ = [[1, 2, 3, 3, 2, 1], [2, 2, 1, 1, 2, 2]]  # agents per hour, two days of six hours


def tiny_rules(min_rest_min: int = 0) -> Rules:
    """No breaks or lunches (shifts are short), no rest or day-off limits that bind."""
    return Rules(60, min_rest_min, 7, 0, 60, NEVER, NEVER)


def tiny_contracts() -> tuple[Contract, ...]:
    """``S2``: one 2-hour shift per day, 2..4 h a week; ``L3``: 3-hour shifts, 3..6 h a week."""
    return (
        Contract("S2", (120,), 120, 240, 2),
        Contract("L3", (180,), 180, 360, 2),
    )


def tiny_agent(aid: str, contract: str, days: int, window: tuple[int, int] = OPEN) -> Agent:
    c = {x.id: x for x in tiny_contracts()}[contract]
    return Agent(
        aid, contract, (window,) * days, c.min_weekly_paid_min, c.max_weekly_paid_min, c.max_days
    )


def tiny_problem(
    requirement: Sequence[Sequence[int]],
    agents: Sequence[Agent],
    *,
    calls: Sequence[Sequence[float]] | None = None,
) -> RosterProblem:
    """Days x 24 hourly intervals; open 08-14 every day. ``requirement`` rows give 08..14."""
    full = tuple(_opening_day(row, int) for row in requirement)
    demand = None
    if calls is not None:
        grid = tuple(_opening_day(row, float) for row in calls)
        demand = DemandData(grid, 300.0, 0.8, 20.0)
    return RosterProblem(
        name="tiny",
        interval_min=INTERVAL_MIN,
        opening_hours=(OPEN,) * len(full),
        requirement=tuple(full),
        rules=tiny_rules(),
        contracts=tiny_contracts(),
        agents=tuple(agents),
        demand=demand,
    )


def _opening_day(row: Sequence[float], kind: type[T]) -> tuple[T, ...]:
    """24 hourly values of a day: ``row`` from 08:00, zero outside."""
    day = [kind(0)] * 24
    for i, v in enumerate(row):
        day[8 + i] = kind(v)
    return tuple(day)


def valid_weeks(problem: RosterProblem, contract: str) -> list[np.ndarray]:
    """Every valid week (staffed 0/1 per day x interval) of an agent on ``contract``,
    enumerated directly from the contract: one shift per day, paid minutes and day limits."""
    c = {x.id: x for x in tiny_contracts()}[contract]
    opening = problem.opening_hours[0]
    assert opening is not None
    grid = problem.interval_min
    options: list[tuple[int, int] | None] = [None]
    for length in c.shift_paid_min:
        for start in range(opening[0], opening[1] - length + 1, grid):
            options.append((start, length))
    weeks = []
    for choice in itertools.product(options, repeat=problem.days):
        worked = [x for x in choice if x is not None]
        paid = sum(x[1] for x in worked)
        if len(worked) > c.max_days or not c.min_weekly_paid_min <= paid <= c.max_weekly_paid_min:
            continue
        staffed = np.zeros((problem.days, problem.intervals_per_day), dtype=np.int64)
        for d, x in enumerate(choice):
            if x is not None:
                staffed[d, x[0] // grid : (x[0] + x[1]) // grid] = 1
        weeks.append(staffed)
    return weeks


def reachable(problem: RosterProblem, contracts: Sequence[str], need: np.ndarray) -> set[bytes]:
    """Capped coverage vectors (min(staffed, need)) reachable by agents on ``contracts``."""
    states = {np.zeros_like(need).tobytes()}
    weeks = {c: valid_weeks(problem, c) for c in set(contracts)}
    for contract in contracts:
        nxt = set()
        for raw in states:
            cov = np.frombuffer(raw, dtype=np.int64).reshape(need.shape)
            for week in weeks[contract]:
                nxt.add(np.minimum(cov + week, need).tobytes())
        states = nxt
    return states


def least_under(problem: RosterProblem, contracts: Sequence[str], need: np.ndarray) -> int:
    total = int(need.sum())
    return min(
        total - int(np.frombuffer(s, dtype=np.int64).sum())
        for s in reachable(problem, contracts, need)
    )


def brute_min_hires(
    problem: RosterProblem,
    base: Sequence[str],
    max_hires: dict[str, int],
    max_under: int,
    cost: dict[str, float],
) -> tuple[float, dict[str, int]]:
    """Cheapest hire vector (by ``cost``) whose best roster has under <= ``max_under``."""
    need = np.asarray(problem.requirement, dtype=np.int64)
    best: tuple[float, dict[str, int]] | None = None
    names = sorted(max_hires)
    for counts in itertools.product(*(range(max_hires[n] + 1) for n in names)):
        hires = dict(zip(names, counts, strict=True))
        price = sum(cost[n] * k for n, k in hires.items())
        if best is not None and price >= best[0]:
            continue
        contracts = list(base) + [n for n in names for _ in range(hires[n])]
        if least_under(problem, contracts, need) <= max_under:
            best = (price, hires)
    assert best is not None
    return best
