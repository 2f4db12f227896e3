"""SCIP rounds on the site model (:mod:`optimizer.roster.site.mip_rounds`): the plans, the
model's price of a roster against the exact cost LP, continuous values kept, rounds that never
lose, and the named roster at the price of its counts."""

from __future__ import annotations

import time

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.roster.backend import LpBackend
from optimizer.roster.explain import rosterable
from optimizer.roster.mip_days import MipDays, MipModel
from optimizer.roster.model import SCALE
from optimizer.roster.scip_pool import Answer
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.site import solve as site_solve
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import site_cost
from optimizer.roster.site.io import load_site_instance
from optimizer.roster.site.mip_rounds import (
    MipSolution,
    build_site_mip,
    by_idle,
    roster_hint,
    site_tiers,
)
from optimizer.roster.site.neighbourhood import neighbour_types
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.solve import SiteSolveOptions
from tests.unit.test_site_roster_data import tiny_site


def test_tiers_free_each_groups_week_then_each_day_then_day_pairs() -> None:
    first, second = site_tiers([0, 1], [0, 2, 3])
    assert first[:2] == [((0, 0), (0, 2), (0, 3)), ((1, 0), (1, 2), (1, 3))]
    assert first[2:] == [((0, 0), (1, 0)), ((0, 2), (1, 2)), ((0, 3), (1, 3))]
    whole, *pairs = second
    assert set(whole) == {(g, d) for g in (0, 1) for d in (0, 2, 3)}
    assert len(pairs) == 3 and set(pairs[0]) == {(0, 0), (1, 0), (0, 2), (1, 2)}


def test_continuous_values_are_not_rounded() -> None:
    backend = LpBackend("SCIP", integer=True)
    backend.int_var(0, 5, "x")
    backend.solver.NumVar(0.0, 1.0, "y")
    proto = backend.proto()
    model = MipModel(proto, ("x", "y"), ((0, 0),), frozenset({0}), {0: 5.0})
    values = MipDays(model)._values(Answer(0, 1.0, np.array([2.0000001, 0.25])))
    assert values == {"x": 2, "y": 0.25} and isinstance(values["x"], int)


def _site() -> tuple[SiteProblem, list, tuple]:
    site = load_site_instance(tiny_site())
    types = enumerate_shift_types(site.core)
    return site, types, rosterable(site.core, types)[0]


def test_the_model_prices_a_roster_at_its_exact_cost_and_rounds_never_lose() -> None:
    site, types, agents = _site()
    opts = SiteSolveOptions(time_limit_s=5.0, workers=1)
    baseline = site_solve._baseline(site, 5.0, opts, site_solve.never)
    assert baseline is not None
    smip = build_site_mip(site, types, agents, neighbour_types(site, types, agents, baseline))
    cells = {cell for _, cell in smip.mip.counts}
    assert {g for g, _ in cells} == set(range(len(smip.model.groups)))
    rounds = MipDays(smip.mip, tiers=site_tiers(range(len(smip.model.groups)), [0, 1]))
    try:
        hint = roster_hint(site, smip.model, baseline)
        settled = rounds.settle(hint, set(), 30.0)
        assert settled is not None
        exact = site_cost(site, SiteRoster(baseline)).cost
        assert abs(settled[1] / SCALE + smip.model.constant - exact) < 1e-6
        values, objective = rounds.run(*settled, [], time.monotonic() + 5.0, 2.0)
    finally:
        rounds.close()
    assert objective <= settled[1]
    counts = [smip.mip.names[i] for i, _ in smip.mip.counts]
    assert all(isinstance(values[n], int) for n in counts)


def test_the_named_roster_costs_what_its_counts_cost() -> None:
    """No class deviated, so the roster named from SCIP's counts has the model's objective
    as its exact cost (breaks and lunches from the aggregate's activity counts)."""
    site, types, agents = _site()
    opts = SiteSolveOptions(time_limit_s=10.0, workers=1)
    baseline = site_solve._baseline(site, 5.0, opts, site_solve.never)
    assert baseline is not None
    deadline = time.monotonic() + 10.0
    roster, status, aggregate, deviated = site_solve._site_candidate(
        site, types, agents, baseline, site_solve._Pass(deadline), opts
    )
    assert roster is not None and status == "FEASIBLE" and aggregate is not None
    assert deviated == 0
    assert check_site_roster(site, SiteRoster(roster)) == []
    assert abs(site_cost(site, SiteRoster(roster)).cost - aggregate) < 1e-6
    assert aggregate <= site_cost(site, SiteRoster(baseline)).cost + 1e-9


def test_a_solution_reads_counts_by_variable_name() -> None:
    solver = pywraplp.Solver.CreateSolver("SCIP")
    x = solver.IntVar(0, 3, "g0:x[0,1]")
    assert MipSolution({"g0:x[0,1]": 2.0000001}).value(x) == 2


def test_the_second_pass_searches_near_the_first_pass_best(monkeypatch) -> None:
    """Two passes when the second has room: each pass's rounds start from the best roster so
    far (the first from the baseline), and the result is never dearer than the baseline."""
    site, types, agents = _site()
    opts = SiteSolveOptions(time_limit_s=10.0, workers=1)
    baseline = site_solve._baseline(site, 5.0, opts, site_solve.never)
    assert baseline is not None
    starts = []
    real = site_solve._site_candidate

    def spy(site_, types_, agents_, roster, *rest):  # type: ignore[no-untyped-def]
        starts.append(site_cost(site_, SiteRoster(roster)).cost)
        return real(site_, types_, agents_, roster, *rest)

    monkeypatch.setattr(site_solve, "_site_candidate", spy)
    monkeypatch.setattr(site_solve, "PASS_MIN_S", 1.0)
    deadline = time.monotonic() + 8.0
    search = site_solve._passes(site, types, agents, baseline, deadline, opts, site_solve.never)
    first_best = starts[0]
    assert len(starts) == 2 and first_best == site_cost(site, SiteRoster(baseline)).cost
    assert starts[1] <= first_best + 1e-9
    assert search.best[2] == [] and search.best[1].cost <= starts[1] + 1e-9


def test_groups_are_searched_most_idle_first() -> None:
    """The groups' weeks are ordered by their idle agent-intervals in the start's allocation
    (ties keep the group order); allocation names of other skill sets (a block's) are not
    a group's."""
    site, types, agents = _site()
    smip = build_site_mip(site, types, agents)
    groups = smip.model.groups
    assert len(groups) >= 2
    last = groups[-1].skills
    values = {
        f"idle[{sorted(last)},0,3]": 2.0,
        f"idle[{sorted(last)},1,4]": 1.5,
        f"idle[{sorted(groups[0].skills)},0,3]": 0.5,
        "idle[['nobody'],0,3]": 9.0,
        f"a[{sorted(last)},x,0,3]": 7.0,
    }
    order = by_idle(smip.model, values)
    assert order[:2] == [len(groups) - 1, 0] and sorted(order) == list(range(len(groups)))
    assert order[2:] == list(range(1, len(groups) - 1))
    week, *_ = site_tiers(order, [0, 1])
    assert week[0] == ((len(groups) - 1, 0), (len(groups) - 1, 1))
