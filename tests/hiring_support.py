"""Tiny roster problems for the hiring and attrition tests (built in code, no shared data)."""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.roster.problem import (
    ActivityRule,
    Agent,
    Contract,
    DemandData,
    RosterProblem,
    Rules,
)

INTERVAL_MIN = 60
OPEN = (8 * 60, 14 * 60)
NEVER = ActivityRule(15, True, 10**6, 60, 120, 60)


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
    full = []
    for row in requirement:
        day = [0] * 24
        for i, v in enumerate(row):
            day[8 + i] = int(v)
        full.append(tuple(day))
    demand = None
    if calls is not None:
        grid = []
        for row in calls:
            day_calls = [0.0] * 24
            for i, v in enumerate(row):
                day_calls[8 + i] = float(v)
            grid.append(tuple(day_calls))
        demand = DemandData(tuple(grid), 300.0, 0.8, 20.0)
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
