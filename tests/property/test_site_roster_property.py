"""Properties of the exact site cost on random rosters of tiny sites (issue 28)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Activity, Roster, Shift
from optimizer.roster.site.cost import on_phone, site_cost
from optimizer.roster.site.io import load_site_instance, one_queue_site
from optimizer.roster.site.problem import SiteRoster
from tests.roster_support import agent, tiny_instance
from tests.unit.test_site_roster_data import tiny_site

AGENTS = ("A1", "A2", "A3", "A4")


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    """Up to one shift per agent and day inside 07:00-21:00, sometimes with a break."""
    shifts = []
    for aid in AGENTS:
        for day in range(2):
            if not draw(st.booleans()):
                continue
            start = draw(st.integers(28, 70)) * 15
            end = min(1260, start + draw(st.integers(4, 40)) * 15)
            acts = ()
            if end - start >= 90 and draw(st.booleans()):
                at = start + 15 * draw(st.integers(1, (end - start) // 15 - 2))
                acts = (Activity("break", at, at + 15),)
            shifts.append(Shift(aid, day, start, end, acts))
    return Roster(tuple(shifts))


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rosters(), st.integers(0, 4))
def test_one_queue_site_costs_the_v1_cost(roster: Roster, level: int) -> None:
    doc = tiny_instance([agent(a, days=2) for a in AGENTS], days=2)
    for row in doc["requirement"]:
        row[40:60] = [level + 1] * 20
    problem = load_instance(doc)
    expected = evaluate_roster(problem, roster).cost
    got = site_cost(one_queue_site(problem), SiteRoster(roster)).cost
    assert got == pytest.approx(expected, abs=1e-6)


@SETTINGS
@given(rosters())
def test_time_is_never_counted_twice(roster: Roster) -> None:
    site = load_site_instance(tiny_site())
    cost = site_cost(site, SiteRoster(roster))
    phones = on_phone(site, SiteRoster(roster))
    for d in range(2):
        for t in range(96):
            used = sum(cost.coverage[q.id][d][t] for q in site.queues)
            assert used <= sum(n for (_, dd, tt), n in phones.items() if (dd, tt) == (d, t)) + 1e-6
            for q in site.queues:  # and a queue only gets agents skilled on it
                skilled = sum(
                    n for (g, dd, tt), n in phones.items() if (dd, tt) == (d, t) and q.id in g
                )
                assert cost.coverage[q.id][d][t] <= skilled + 1e-6
