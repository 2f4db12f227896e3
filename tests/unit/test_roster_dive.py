"""Price and dive (:mod:`optimizer.roster.dive`): pinned weeks are valid and held, the pinned
master never falls below the column bound, and the stored best known rosters
(``bench.best_known``) are valid at their stated cost and above their instance's bound."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

from optimizer.roster.check import check_roster
from optimizer.roster.dive import pin_weeks, price_and_dive
from optimizer.roster.evaluate import objective_cost
from optimizer.roster.explain import rosterable
from optimizer.roster.io import load_instance, load_roster
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import agent, peak_site

INSTANCES = Path(__file__).resolve().parents[2] / "bench" / "instances"


def _site() -> RosterProblem:
    """Six part-timers over four days, two of them with their own hours (:func:`peak_site`)."""
    team = [agent(f"P{i}", days=4) for i in range(4)]
    team.append(agent("Q", days=4, availability=[[480, 900]] * 4))
    team.append(agent("R", days=4, availability=[[720, 1260]] * 4))
    return load_instance(peak_site(team, 4))


def test_the_dive_pins_valid_weeks_and_stays_above_the_column_bound() -> None:
    problem = _site()
    types = enumerate_shift_types(problem)
    agents, _ = rosterable(problem, types)
    dive = price_and_dive(problem, agents, types, time.monotonic() + 30, pin_share=0.5)
    assert dive.bound.converged
    assert len(dive.weeks) >= math.ceil(0.5 * len(agents))
    assert dive.master >= dive.bound.bound - 1e-6  # pinning only restricts the master
    pinned = pin_weeks(problem, types, dive.weeks)
    kept, explanations = rosterable(pinned, enumerate_shift_types(pinned))
    assert explanations == [] and len(kept) == len(agents)  # each pinned week is valid


def test_a_pinned_agent_works_exactly_its_week_even_a_costly_one() -> None:
    """P0 held to a 4-hour shift closing day 0 and a 6-hour one closing the quiet day 3:
    no solve would pick that week, and a 4-hour shift inside the 6-hour window would leave
    its minutes short."""
    problem = _site()
    types = enumerate_shift_types(problem)

    def latest(day: int, paid: int) -> int:
        fits = [st for st in types if st.day == day and st.paid_min == paid
                and st.start_min + st.span_min <= 1260]  # fmt: skip
        return max(fits, key=lambda st: st.start_min).index

    week = tuple(sorted((latest(0, 240), latest(3, 360))))
    pinned = pin_weeks(problem, types, {"P0": week})
    result = solve_roster(pinned, SolveOptions(time_limit_s=4, workers=1))
    assert check_roster(problem, result.roster) == []  # a roster of the original problem too
    want = sorted((types[k].day, types[k].start_min, types[k].end_min) for k in week)
    got = sorted((s.day, s.start_min, s.end_min) for s in result.roster.by_agent()["P0"])
    assert got == want


def _stored() -> dict[str, dict]:
    path = INSTANCES / "best_known.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.mark.parametrize("name", sorted(_stored()) or ["none"])
def test_a_stored_best_known_roster_is_valid_at_its_cost_and_above_the_bound(name: str) -> None:
    if name == "none":
        pytest.skip("no best known roster stored (python -m bench.best_known)")
    entry = _stored()[name]
    problem = load_instance(INSTANCES / f"{name}.json")
    roster = load_roster(INSTANCES / "best" / f"{name}.json")
    assert check_roster(problem, roster) == []
    cost = objective_cost(problem, roster, "deviation")
    assert cost == pytest.approx(entry["cost"], abs=1e-6)
    bounds = json.loads((INSTANCES / "bounds.json").read_text())
    assert bounds[name]["bound"] <= cost  # the stored lower bound is below a real roster
