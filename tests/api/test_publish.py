"""Publishing a roster week: the published version is frozen (later edits are drafts), a
re-publication carries its change list, invalid versions are refused; the published week as
CSV, as an iCalendar file per agent (RFC 5545, parsed back) and as one agent's read-only view
in the site's local time."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import ics
from tests.api.support import assert_problem, client_with, token_for
from tests.api.test_roster_edits import edit, first_shift, solved_roster

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def publish(client: TestClient, rid: int, version: int | None = None) -> Any:
    return client.post(f"/v1/rosters/{rid}/publications", json={"version": version})


def parse_ics(text: str) -> list[dict[str, str]]:
    """The VEVENTs of an iCalendar text (properties by name), checking RFC 5545's framing:
    CRLF lines of at most 75 octets, balanced BEGIN/END, the required properties."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    raw = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:  # unfold
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    events, current = [], None
    for line in lines[1:-1]:
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            assert current is not None and {"UID", "DTSTAMP", "DTSTART", "DTEND"} <= set(current)
            events.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    assert current is None
    return events


def utc(stamp: str) -> dt.datetime:
    return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


@SQLITE
def test_publish_freezes_the_version_and_republish_lists_the_changes(client: TestClient) -> None:
    site_id, rid = solved_roster(client)
    first = publish(client, rid)
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1 and first.json()["changes"] is None
    v1 = client.get(f"/v1/rosters/{rid}/versions/1").json()
    assert v1["published"]
    shift = first_shift(v1)
    v2 = edit(client, rid, 1, op="delete", agent=shift["agent"], day=shift["day"]).json()
    assert not v2["published"]  # a later change is a draft
    csv_url = f"/v1/published-schedules/{site_id}/export.csv"
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).text)))
    assert len(rows) == len(v1["shifts"])  # the schedule is still version 1
    # a version breaking a rule is not published
    longer = edit(client, rid, 2, op="resize", agent=v2["shifts"][0]["agent"],
                  day=v2["shifts"][0]["day"], end=v2["shifts"][0]["end"] + 30).json()  # fmt: skip
    assert not longer["valid"]
    refused = assert_problem(publish(client, rid), 409)
    assert refused["errors"] and refused["errors"][0]["field"] == "violations"
    again = publish(client, rid, 2)
    assert again.status_code == 201, again.text
    assert [(c["agent"], c["day"], c["change"]) for c in again.json()["changes"]] == [
        (shift["agent"], shift["day"], "removed")
    ]
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).text)))
    assert len(rows) == len(v1["shifts"]) - 1
    listed = client.get(f"/v1/rosters/{rid}/publications").json()
    assert [p["version"] for p in listed] == [1, 2]


@SQLITE
def test_the_agent_view_and_calendar_show_the_published_week_in_local_time(
    client: TestClient,
) -> None:
    site_id, rid = solved_roster(client)
    shifts = client.get(f"/v1/rosters/{rid}/versions/1").json()["shifts"]
    agent = shifts[0]["agent"]
    mine = [s for s in shifts if s["agent"] == agent]
    url = f"/v1/published-schedules/{site_id}/agents/{agent}"
    assert_problem(client.get(url), 404)  # nothing published yet
    assert publish(client, rid).status_code == 201
    viewer = client_with(client, token_for(client, "viewer", [site_id]))
    assert_problem(viewer.post(f"/v1/rosters/{rid}/publications", json={}), 403)
    view = viewer.get(url)
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["zone"] == "America/New_York" and len(body["shifts"]) == len(mine)
    got = body["shifts"][0]
    start = dt.datetime.fromisoformat(got["start"])
    assert start.utcoffset() == dt.timedelta(hours=-5)  # November: EST
    assert start.hour * 60 + start.minute == mine[0]["start"]
    assert {a["kind"] for a in got["activities"]} == {a["kind"] for a in mine[0]["activities"]}
    assert_problem(viewer.get(f"/v1/published-schedules/{site_id}/agents/NOBODY"), 404)
    text = viewer.get(f"{url}/calendar.ics")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/calendar")
    events = parse_ics(text.text)
    shift_events = [e for e in events if e["SUMMARY"].startswith("Shift")]
    assert len(shift_events) == len(mine)
    assert len(events) == len(mine) + sum(len(s["activities"]) for s in mine)
    assert utc(shift_events[0]["DTSTART"]) == start
    assert len({e["UID"] for e in events}) == len(events)


@SQLITE
def test_a_per_agent_link_shows_the_published_week_without_a_token_until_revoked(
    client: TestClient, anon_client: TestClient
) -> None:
    site_id, rid = solved_roster(client)
    assert publish(client, rid).status_code == 201
    agents = client.get(f"/v1/sites/{site_id}/agents").json()["items"]
    agent_id, code = agents[0]["id"], agents[0]["code"]
    created = client.post(f"/v1/agents/{agent_id}/schedule-links")
    assert created.status_code == 201, created.text
    link = created.json()
    assert link["secret"] not in str(client.get(f"/v1/agents/{agent_id}/schedule-links").json())
    view = anon_client.get(link["url"])
    assert view.status_code == 200, view.text
    assert view.json()["agent"] == code
    assert view.json() == client.get(f"/v1/published-schedules/{site_id}/agents/{code}").json()
    assert parse_ics(anon_client.get(link["calendar_url"]).text)
    assert_problem(anon_client.get("/v1/my-schedule/sl_not-a-link"), 404)
    revoked = client.delete(f"/v1/agents/{agent_id}/schedule-links/{link['id']}")
    assert revoked.status_code == 204
    assert_problem(anon_client.get(link["url"]), 404)


def test_ics_folds_long_lines_and_escapes_text() -> None:
    when = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)
    event = ics.Event("u@x", when, when, "a, b; c\\d", "x" * 200)
    text = ics.calendar("n", [event], when)
    (parsed,) = parse_ics(text)
    assert parsed["SUMMARY"] == "a\\, b\\; c\\\\d" and parsed["DESCRIPTION"] == "x" * 200
