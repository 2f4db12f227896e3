"""Trades between skill sets in the site polish (optimizer.roster.site.trade and .targets)."""

from __future__ import annotations

import time
from typing import Any

from optimizer.roster.problem import Activity, Roster, Shift
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.site import polish
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import site_cost
from optimizer.roster.site.io import load_site_instance
from optimizer.roster.site.marginal import marginals
from optimizer.roster.site.polish import polish_site
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.trade import RoundRun, trade_round
from tests.roster_support import agent, requirement, tiny_instance


def _site() -> SiteProblem:
    """One day: V1 needs one agent 08:00-12:00 (but 10:00-10:15); e-mail E1 has 10 hours of
    work waiting, not due this week (carried over at 0.05 per 15 work-minutes). X serves V1
    only, Y V1 and E1; both work four hours."""
    four_hours = {"max_days": 1, "max_weekly_paid_minutes": 240}
    people = [
        agent(a, days=1, skills=s, **four_hours) for a, s in (("X", ["V1"]), ("Y", ["V1", "E1"]))
    ]
    v1 = requirement(1, 1, 480, 720)
    v1[0][40] = 0  # 10:00, Y's break
    doc: dict[str, Any] = tiny_instance(people, days=1)
    doc["rules"]["min_days_off_per_week"] = 0
    doc["schema"] = "staffwise-roster-instance/2"
    del doc["requirement"]
    doc["queues"] = [
        {"id": "V1", "channel": "voice", "weight": 1.0, "requirement": v1},
        {
            "id": "E1",
            "channel": "deferred",
            "weight": 1.0,
            "arrivals": [[0] * 96],
            "work_minutes": 15,
            "deadline_minutes": 6000,
            "initial_backlog": [{"items": 40, "age_minutes": 0}],
        },
    ]
    doc["objective"]["carry_over_per_15_work_minutes"] = 0.05
    return load_site_instance(doc)


def _roster() -> Roster:
    """Y covers V1 08:00-12:00; X works 12:00-16:00, when V1 needs no one: X idles while Y,
    who could work e-mail, answers V1."""
    return Roster(
        (
            Shift("Y", 0, 480, 720, (Activity("break", 600, 615),)),
            Shift("X", 0, 720, 960, (Activity("break", 840, 855),)),
        )
    )


def test_cover_duals_price_taking_the_email_agents_cover_over() -> None:
    """Where Y answers V1 with e-mail waiting, one more agent on V1 frees Y for the work
    (0.05 per 15 work-minutes carried over; the dual lies between that and the under weight,
    one more agent needed); Y's live cover is the relief there."""
    m = marginals(_site(), SiteRoster(_roster()))
    morning = [t for t in range(32, 48) if t != 40]
    assert all(0.05 - 1e-6 <= m.gain["V1"][0, t] <= 1.0 + 1e-6 for t in morning)
    assert all(m.relief[0, t] == 1.0 for t in morning)
    assert not m.relief[0, 48:].any() and not m.gain["V1"][0, 48:].any()


def test_a_trade_round_lowers_the_cost_where_the_per_set_polish_cannot() -> None:
    """The per-set round sees X's need as its own cover (none): every shift of X idles the
    same, so it keeps the roster; the trade round moves X to 08:00-12:00 (Y to e-mail)."""
    site, roster = _site(), _roster()
    before = site_cost(site, SiteRoster(roster))
    types = enumerate_shift_types(site.core)
    agents = site.core.agents
    need = polish.live_needs(site, roster, agents)
    same = polish._round(site, roster, RoundRun(types, agents, time.monotonic() + 1.0), need)
    assert site_cost(site, SiteRoster(same)).cost >= before.cost - 1e-9
    traded = trade_round(site, roster, RoundRun(types, agents, time.monotonic() + 1.0))
    after = site_cost(site, SiteRoster(traded))
    assert check_site_roster(site, SiteRoster(traded)) == []
    assert after.over_idle < before.over_idle - 10
    assert after.carry_over_work_min < before.carry_over_work_min - 150
    assert after.cost < before.cost - 1.5
    assert after.paid_agent_intervals == before.paid_agent_intervals  # paid time capped


def test_polish_alternates_to_the_trade_round_and_keeps_the_roster_valid() -> None:
    site, roster = _site(), _roster()
    before = site_cost(site, SiteRoster(roster)).cost
    types = enumerate_shift_types(site.core)
    polished, cost = polish_site(site, roster, types, site.core.agents, time.monotonic() + 4.0)
    assert check_site_roster(site, SiteRoster(polished)) == []
    assert cost == site_cost(site, SiteRoster(polished)).cost
    assert cost < before - 1.5
