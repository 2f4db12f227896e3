"""Overnight shifts through the API (issue 25): the shift rules' ``overnight_shifts`` reaches
the roster job, an agent available until 24:00 and from 00:00 the next day works through the
night, coverage counts the hours after midnight on the next day, the published times read
``HH:MM+1``, and site rosters refuse the flag naming it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.convert.roster import build_problem
from api.schemas import minute_to_hhmm
from api.tables import Requirement
from forecasting.calendar import local_instant
from optimizer.roster.problem import History
from tests.api.support import create_queue, store_requirement, wait_job

ZONE = "Europe/Berlin"
WEEK = dt.date(2026, 11, 2)  # a Monday
ALL_DAY: list[Any] = [{"start": "00:00", "end": "24:00"}] * 7
# Evenings on Mon, Wed, Fri and the following mornings: the only 8-hour shifts that fit are
# 20:00-04:00 starting Mon, Wed and Fri (with overnight shifts; none without).
NIGHTS: list[Any] = [
    {"start": "20:00", "end": "24:00"}, {"start": "00:00", "end": "04:00"},
    {"start": "20:00", "end": "24:00"}, {"start": "00:00", "end": "04:00"},
    {"start": "20:00", "end": "24:00"}, {"start": "00:00", "end": "04:00"}, None,
]  # fmt: skip


def _site_24_7(
    client: TestClient, overnight: bool, days: int, agents: dict[str, list[Any]]
) -> tuple[int, int]:
    """A site open 24/7 with a 30-min queue, no breaks, starts on the hour, overnight shifts
    as asked, and ``agents`` (code -> availability) on a contract of 8-hour shifts, ``days``
    of them a week exactly; returns (site id, queue id)."""
    site = client.post("/v1/sites", json={"name": "Nights", "zone": ZONE, "opening_hours": ALL_DAY})
    assert site.status_code == 201, site.text
    site_id = int(site.json()["id"])
    queue_id = create_queue(client, site_id, interval_min=30)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, shift_start_granularity_minutes=60,
                 overnight_shifts=overnight)  # fmt: skip
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 200
    contract = {"code": "EIGHT", "shift_paid_minutes": [480], "min_weekly_paid_minutes": 480 * days,
                "max_weekly_paid_minutes": 480 * days, "max_days": days}  # fmt: skip
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    for code, availability in agents.items():
        body = {"code": code, "contract_id": contract_id, "availability": availability,
                "queue_ids": [queue_id]}  # fmt: skip
        assert client.post(f"/v1/sites/{site_id}/agents", json=body).status_code == 201
    return site_id, queue_id


def _night_site(client: TestClient, overnight: bool) -> tuple[int, int]:
    """A 24/7 site with two night agents (three 8-hour shifts a week) and a requirement of 2
    agents every evening and night hour; returns (site id, requirement id)."""
    site_id, queue_id = _site_24_7(client, overnight, 3, {"N0": NIGHTS, "N1": NIGHTS})
    starts = [
        local_instant(WEEK + dt.timedelta(days=d), m, ZONE).isoformat()
        for d in range(7)
        for m in [*range(0, 240, 30), *range(1200, 1440, 30)]
    ]
    return site_id, store_requirement(client, queue_id, starts)[1]


# Mon, Wed and Fri 20:00-04:00 for both night agents: (agent, day, start, end)
NIGHT_SHIFTS = [(f"N{i}", day, 1200, 1680) for i in range(2) for day in (0, 2, 4)]


def _shifts(roster: dict[str, Any]) -> list[tuple[str, int, int, int]]:
    """(agent, day, start, end) of every shift of a roster or site roster, sorted."""
    return sorted(
        (item["agent"], s["day"], s["start"], s["end"])
        for item in roster["schedule"]
        for s in item["shifts"]
    )


def _roster(client: TestClient, requirement_id: int) -> dict[str, Any]:
    body = {"requirement_id": requirement_id, "week_start": WEEK.isoformat(), "time_limit_s": 10}
    posted = client.post("/v1/roster-jobs", json=body)
    assert posted.status_code == 202, posted.text
    return wait_job(client, posted.json()["id"])


def test_overnight_shifts_run_through_the_night(client: TestClient) -> None:
    site_id, requirement_id = _night_site(client, overnight=True)
    assert client.get(f"/v1/sites/{site_id}/shift-rules").json()["overnight_shifts"] is True
    job = _roster(client, requirement_id)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    assert roster["report"]["violations"] == []
    assert _shifts(roster) == NIGHT_SHIFTS, "every shift 20:00 to 04:00 the next morning"
    staffed = dict(zip(roster["coverage"]["interval_start"], roster["coverage"]["staffed"],
                       strict=True))  # fmt: skip
    for day in (0, 2, 4):  # the evening on the shift's day, the night on the next day
        for minute in (1200, 1410, 1440, 1650):
            instant = local_instant(WEEK + dt.timedelta(days=day), minute, ZONE)
            assert staffed[instant.isoformat()] == 2, (day, minute)
    assert sum(roster["coverage"]["staffed"]) == 6 * 16  # every 30-min interval of 6 shifts


def test_without_the_flag_the_night_agents_have_no_valid_week(client: TestClient) -> None:
    """The same site with overnight shifts off: no 8-hour shift fits a 4-hour evening, so the
    roster is empty and says why, agent by agent (it does not invent a night shift)."""
    _, requirement_id = _night_site(client, overnight=False)
    job = _roster(client, requirement_id)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    assert roster["schedule"] == []
    assert roster["report"]["status"] == "INVALID"
    assert [(e["agent"], e["rules"]) for e in roster["explanations"]] == [
        (f"N{i}", ["availability", "weekly_minutes"]) for i in range(2)
    ]


def test_a_site_roster_job_takes_overnight_shifts(client: TestClient) -> None:
    """The site roster job reads the flag and the agents' nights as the roster job does."""
    site_id, _ = _night_site(client, overnight=True)
    body = {"site_id": site_id, "week_start": WEEK.isoformat(), "time_limit_s": 10}
    posted = client.post("/v1/site-roster-jobs", json=body)
    assert posted.status_code == 202, posted.text
    job = wait_job(client, posted.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    assert roster["report"]["violations"] == []
    assert _shifts(roster) == NIGHT_SHIFTS


def test_times_past_midnight_read_as_the_next_day() -> None:
    assert minute_to_hhmm(1440) == "24:00"  # a closing time stays as it was
    assert minute_to_hhmm(1200) == "20:00"
    assert minute_to_hhmm(1680) == "04:00+1"


def _sunday_night_published(client: TestClient) -> int:
    """A 24/7 site with one agent whose published week ends with a Sunday-night shift
    22:00-06:00 (a hand edit of the solved roster), and a requirement of 2 agents on that
    Sunday evening and on the next Monday 08:00-16:00; returns the requirement's id."""
    _, queue_id = _site_24_7(client, True, 1, {"N0": ALL_DAY})
    sunday, monday = WEEK + dt.timedelta(days=6), WEEK + dt.timedelta(days=7)
    starts = [local_instant(sunday, m, ZONE).isoformat() for m in range(1320, 1440, 30)]
    starts += [local_instant(monday, m, ZONE).isoformat() for m in range(480, 960, 30)]
    requirement_id = store_requirement(client, queue_id, starts)[1]
    job = _roster(client, requirement_id)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster_id = client.get(job["result_url"]).json()["id"]
    version = 1
    for s in [s for a in client.get(job["result_url"]).json()["schedule"] for s in a["shifts"]]:
        edit = {"op": "delete", "agent": "N0", "day": s["day"]}
        deleted = client.post(f"/v1/rosters/{roster_id}/edits",
                              json={"version": version, "edit": edit})  # fmt: skip
        assert deleted.status_code == 201, deleted.text
        version += 1
    edit = {"op": "add", "agent": "N0", "day": 6, "start": 1320, "end": 1800}
    added = client.post(f"/v1/rosters/{roster_id}/edits", json={"version": version, "edit": edit})
    assert added.status_code == 201 and added.json()["valid"], added.text
    published = client.post(f"/v1/rosters/{roster_id}/publications", json={})
    assert published.status_code == 201, published.text
    return requirement_id


def test_last_weeks_sunday_night_shift_rests_into_this_monday(client: TestClient) -> None:
    """The published week before is this week's history: a Sunday-night shift ending 06:00
    on Monday allows no Monday start before 17:00 (11 h rest), though Monday's requirement
    is 08:00-16:00; without that week the agent would take Monday 08:00-16:00."""
    requirement_id = _sunday_night_published(client)
    next_week = (WEEK + dt.timedelta(days=7)).isoformat()
    body = {"requirement_id": requirement_id, "week_start": next_week, "time_limit_s": 10}
    posted = client.post("/v1/roster-jobs", json=body)
    assert posted.status_code == 202, posted.text
    job = wait_job(client, posted.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    assert roster["report"]["violations"] == []
    (shift,) = [s for a in roster["schedule"] for s in a["shifts"]]
    assert shift["day"] > 0 or shift["start"] >= 1020, shift  # 06:00 + 11 h
    app: Any = client.app
    with Session(app.state.engine) as session:
        requirement = session.get(Requirement, requirement_id)
        assert requirement is not None
        problem = build_problem(session, requirement, WEEK + dt.timedelta(days=7)).problem
    assert problem.agents[0].history == History(1, 360)  # worked Sunday; ended 06:00 Monday
