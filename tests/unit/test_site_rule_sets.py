"""Site rosters (``staffwise-roster-instance/2``) read the break rule sets of ``/3``; overnight
shifts are refused there with a reason, not silently dropped."""

from __future__ import annotations

import pytest

from optimizer.errors import InputError
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.io import load_site_instance
from optimizer.roster.site.solve import SiteSolveOptions, solve_site
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


def test_overnight_shifts_on_a_site_are_refused_naming_the_field() -> None:
    doc = tiny_site()
    doc["overnight_shifts"] = True
    with pytest.raises(InputError) as caught:
        load_site_instance(doc)
    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("overnight_shifts", "unsupported")
    ]
