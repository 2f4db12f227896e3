"""Site rosters (``staffwise-roster-instance/2``) read the break rule sets of ``/3`` and its
overnight shifts (the part after midnight counts on the next day's intervals)."""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.generate_night import generate_247
from optimizer.roster.io import load_instance
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import site_cost
from optimizer.roster.site.io import SITE_SCHEMA, load_site_instance, one_queue_site
from optimizer.roster.site.problem import SiteRoster
from optimizer.roster.site.solve import SiteSolveOptions, solve_site
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.unit.test_site_roster_data import tiny_site


def _two_short_breaks() -> list[dict[str, object]]:
    """Shifts of 6 h and more: two paid 15-min breaks, no lunch (shorter: nothing)."""
    brk = {"kind": "break", "minutes": 15, "paid": True}
    return [
        {
            "min_paid_minutes": 360,
            "min_work_between_activities_minutes": 60,
            "activities": [
                {**brk, "window": {"from": "start", "earliest": 60, "latest": 120}},
                {**brk, "window": {"from": "end", "earliest": 60, "latest": 120}},
            ],
        }
    ]


def test_a_site_reads_its_break_rule_sets_and_its_roster_keeps_them() -> None:
    doc = tiny_site()
    doc["rules"]["break_rule_sets"] = _two_short_breaks()
    site = load_site_instance(doc)
    band = site.core.rules.band(360)
    assert band is not None and [a.anchor for a in band.activities] == ["start", "end"]
    result = solve_site(site, SiteSolveOptions(time_limit_s=8.0, workers=1))
    assert check_site_roster(site, result.roster) == []
    shifts = result.roster.roster.shifts
    assert shifts
    for s in shifts:
        paid = s.end_min - s.start_min
        kinds = [a.kind for a in s.activities]
        assert kinds == (["break", "break"] if paid >= 360 else [])
        if kinds:
            assert 60 <= s.activities[0].start_min - s.start_min <= 120
            assert 60 <= s.end_min - s.activities[1].end_min <= 120


def _night_site(agents: int, seed: int) -> dict[str, Any]:
    """A generated 24/7 ``/3`` instance as a ``/2`` site: its requirement split between two
    voice queues (A the larger half), agents skilled on A, B or both in turn."""
    doc = generate_247(agents, seed=seed, granularity=120)
    need = doc.pop("requirement")
    doc["schema"] = SITE_SCHEMA
    doc["queues"] = [
        {"id": "A", "channel": "voice", "weight": 1.0,
         "requirement": [[(v + 1) // 2 for v in row] for row in need]},
        {"id": "B", "channel": "voice", "weight": 1.0,
         "requirement": [[v // 2 for v in row] for row in need]},
    ]  # fmt: skip
    for i, agent in enumerate(doc["agents"]):
        agent["skills"] = [["A"], ["B"], ["A", "B"]][i % 3]
    return doc


def test_an_overnight_shift_costs_the_same_on_a_one_queue_site() -> None:
    """The site cost LP counts the hours after midnight on the next day, as the single-queue
    cost does (it raised IndexError before): equal costs on a 24/7 instance."""
    problem = load_instance(generate_247(12, seed=3, granularity=120))
    roster = solve_roster(problem, SolveOptions(time_limit_s=5.0, workers=1)).roster
    assert any(s.end_min > 1440 for s in roster.shifts)
    site = one_queue_site(problem)
    assert site_cost(site, SiteRoster(roster)).cost == pytest.approx(
        evaluate_roster(problem, roster).cost, abs=1e-6
    )


def test_a_24_7_site_of_two_queues_is_rostered_with_overnight_shifts() -> None:
    site = load_site_instance(_night_site(12, seed=3))
    assert site.core.overnight_shifts
    result = solve_site(site, SiteSolveOptions(time_limit_s=12.0, workers=1))
    assert check_site_roster(site, result.roster) == []
    assert any(s.end_min > 1440 for s in result.roster.roster.shifts)
    assert result.cost.cost == pytest.approx(site_cost(site, result.roster).cost, abs=1e-6)
