"""check_roster: one valid roster, and one failing mutation per hard-rule family."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Activity, Roster, Shift
from tests.roster_support import agent, tiny_instance


def _valid_shifts() -> list[Shift]:
    day0 = Shift("A1", 0, 480, 870, (Activity("break", 540, 555), Activity("lunch", 660, 690)))
    day2 = Shift("A1", 2, 600, 840, (Activity("break", 720, 735),))
    return [day0, day2]


def _violations(shifts: list[Shift], **overrides: Any) -> set[str]:
    problem = load_instance(tiny_instance(**overrides))
    return {v.rule for v in check_roster(problem, Roster(tuple(shifts)))}


def test_valid_roster_has_no_violation() -> None:
    assert _violations(_valid_shifts()) == set()


def _with_day0(**changes: Any) -> list[Shift]:
    shifts = _valid_shifts()
    shifts[0] = replace(shifts[0], **changes)
    return shifts


def _moved(shift: Shift, minutes: int) -> Shift:
    acts = tuple(
        replace(a, start_min=a.start_min + minutes, end_min=a.end_min + minutes)
        for a in shift.activities
    )
    return replace(
        shift, start_min=shift.start_min + minutes, end_min=shift.end_min + minutes, activities=acts
    )


@pytest.mark.parametrize(
    ("rule", "shifts", "overrides"),
    [
        ("grid", lambda s: [_moved(s[0], 5), s[1]], {}),
        ("start_granularity", lambda s: [_moved(s[0], 15), s[1]], {}),
        ("opening_hours", lambda s: s, {"opening_hours": [[540, 1260]] * 3}),
        (
            "availability",
            lambda s: s,
            {"agents": [agent("A1", availability=[[600, 1260], [420, 1260], [420, 1260]])]},
        ),
        ("shift_length", lambda s: [s[0], replace(s[1], end_min=870)], {}),
        ("break", lambda s: [replace(s[0], activities=s[0].activities[1:]), s[1]], {}),
        (
            "break",
            lambda s: [
                replace(s[0], activities=(Activity("break", 510, 525), s[0].activities[1])),
                s[1],
            ],
            {},
        ),
        (
            "lunch",
            lambda s: [
                replace(s[0], activities=(s[0].activities[0], Activity("lunch", 600, 630))),
                s[1],
            ],
            {},
        ),
        (
            "min_work_between_activities",
            lambda s: [
                replace(
                    s[0], activities=(Activity("break", 600, 615), Activity("lunch", 660, 690))
                ),
                s[1],
            ],
            {},
        ),
        (
            "overlap",
            lambda s: [
                replace(
                    s[0], activities=(Activity("break", 660, 675), Activity("lunch", 660, 690))
                ),
                s[1],
            ],
            {},
        ),
        ("one_shift_per_day", lambda s: [*s, _moved(s[1], 0)], {}),
        (
            "max_days",
            lambda s: [*s, _moved(replace(s[1], day=1), -120)],
            {"agents": [agent("A1", max_days=2, max_weekly_paid_minutes=2000)]},
        ),
        (
            "min_days_off",
            lambda s: s,
            {"rules": {**tiny_instance()["rules"], "min_days_off_per_week": 2}},
        ),
        ("weekly_minutes", lambda s: s, {"agents": [agent("A1", min_weekly_paid_minutes=700)]}),
        (
            "rest",
            lambda s: s,
            {
                "agents": [
                    agent(
                        "A1", history={"consecutive_days_worked": 1, "last_shift_end_minute": -120}
                    )
                ]
            },
        ),
        ("rest", lambda s: [_moved(s[0], 390), _moved(replace(s[1], day=1), -180)], {}),
        (
            "consecutive_days",
            lambda s: s,
            {
                "agents": [
                    agent(
                        "A1", history={"consecutive_days_worked": 5, "last_shift_end_minute": -600}
                    )
                ]
            },
        ),
        ("unknown_agent", lambda s: [*s, replace(s[1], agent="ZZ")], {}),
    ],
)
def test_each_rule_family_is_detected(rule: str, shifts: Any, overrides: dict[str, Any]) -> None:
    assert rule in _violations(shifts(_valid_shifts()), **overrides)


def test_optional_agent_may_stay_unused() -> None:
    assert _violations([], agents=[agent("A1", optional=True)]) == set()
    assert "weekly_minutes" in _violations([], agents=[agent("A1")])
