"""The polish's skill sets on two cores (:mod:`optimizer.roster.site.set_lanes`): every set's
roster comes back in order, valid and never costlier, half of them from the child process; a
child that fails or a stop request leaves its sets' shifts as they were."""

from __future__ import annotations

import time

import pytest

from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import objective_cost
from optimizer.roster.problem import Roster
from optimizer.roster.shifts import ShiftType, enumerate_shift_types
from optimizer.roster.site import set_lanes
from optimizer.roster.site.baseline import summed_problem
from optimizer.roster.site.io import load_site_instance
from optimizer.roster.site.model import skill_groups
from optimizer.roster.site.polish import _group_problem, live_needs
from optimizer.roster.site.set_lanes import SetJob, search_on_two_lanes
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.unit.test_site_roster_data import tiny_site


def _jobs() -> tuple[list[ShiftType], list[SetJob]]:
    """The tiny site's skill sets, each against its live need (a polish ``live`` round)."""
    site = load_site_instance(tiny_site())
    base = solve_roster(summed_problem(site), SolveOptions(time_limit_s=3.0, workers=1)).roster
    need = live_needs(site, base, site.core.agents)
    jobs: list[SetJob] = []
    for skills, members in skill_groups(site, site.core.agents):
        mine = {a.id for a in members}
        own = Roster(tuple(s for s in base.shifts if s.agent in mine))
        jobs.append((_group_problem(site, skills, members, need), own, None))
    return enumerate_shift_types(site.core), jobs


def test_two_lanes_search_every_set_half_of_them_in_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    types, jobs = _jobs()
    assert len(jobs) >= 2
    answers: list[list[Roster] | None] = []
    result = set_lanes._Child.result

    def spy(self: set_lanes._Child, *args: object) -> list[Roster] | None:
        answers.append(result(self, *args))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(set_lanes._Child, "result", spy)
    found = search_on_two_lanes(jobs, types, time.monotonic() + 6.0)
    assert len(answers) == 1 and answers[0] is not None  # the child answered its sets
    assert len(answers[0]) == len(jobs) // 2
    assert len(found) == len(jobs)
    for (problem, own, _), new in zip(jobs, found, strict=True):
        assert {s.agent for s in new.shifts} <= {a.id for a in problem.agents}
        assert check_roster(problem, new) == []
        before = objective_cost(problem, own, "deviation")
        assert objective_cost(problem, new, "deviation") <= before + 1e-9


def test_a_stop_request_or_a_failed_child_leaves_its_sets_as_they_were() -> None:
    types, jobs = _jobs()
    start = time.monotonic()
    found = search_on_two_lanes(jobs, types, start + 60.0, lambda: True)
    assert time.monotonic() - start < 10.0
    assert [set(r.shifts) for r in found] == [set(own.shifts) for _, own, _ in jobs]
    broken = set_lanes._Child(b"not a pickle")
    assert broken.result(time.monotonic() + 20.0, None) is None
    assert broken.process.poll() is not None  # it ended
