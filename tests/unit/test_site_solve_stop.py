"""solve_site: one live queue is today's engine inside it; a stop request ends it early."""

from __future__ import annotations

import time

import pytest

from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.io import load_site_instance, one_queue_site
from optimizer.roster.site.solve import SiteSolveOptions, solve_site
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import tiny_instance
from tests.unit.test_site_roster_data import tiny_site


def test_one_live_queue_is_solved_by_todays_engine() -> None:
    """The single-queue special case lives in solve_site: the same roster cost and LP bound
    as today's engine, scored by the exact site cost (the /1 cost there)."""
    problem = load_instance(tiny_instance())
    result = solve_site(one_queue_site(problem), SiteSolveOptions(time_limit_s=5.0, workers=1))
    today = solve_roster(problem, SolveOptions(time_limit_s=5.0, workers=1)).report
    report = result.report
    assert report.source == "roster_engine" and report.lp_status == "ROSTER_ENGINE"
    assert report.objective == pytest.approx(evaluate_roster(problem, result.roster.roster).cost)
    assert report.bound == pytest.approx(today.best_bound)
    assert report.objective == pytest.approx(today.objective)  # both optimal on the tiny week


def test_a_stop_request_ends_the_solve_early_with_a_valid_roster() -> None:
    site = load_site_instance(tiny_site())
    start = time.monotonic()
    polled: list[float] = []

    def stop() -> bool:
        polled.append(time.monotonic() - start)
        return polled[-1] > 1.0

    result = solve_site(site, SiteSolveOptions(time_limit_s=60.0, workers=1), stop)
    assert time.monotonic() - start < 20.0  # the whole solve takes ~5 s; a minute allowed
    assert result.report.stopped_early and polled
    assert result.violations == () and check_site_roster(site, result.roster) == []
    assert result.report.objective == pytest.approx(result.cost.cost)
