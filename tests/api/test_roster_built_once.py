"""A roster job's problem is built once, by its worker: POST /v1/roster-jobs checks the inputs
(422s) without building the problem."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.convert.roster as convert
from tests.api.support import assert_problem, wait_job
from tests.api.test_roster_honest import FOUR_HOURS, WEEK, _setup

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def test_the_roster_problem_is_built_once_by_the_worker(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hours: list[Any] = [FOUR_HOURS] * 5 + [None, None]
    _, requirement_id, _ = _setup(client, hours, agents=3)
    builds = []
    build = convert.build_problem

    def counted(*args: Any, **kwargs: Any) -> convert.RosterInput:
        builds.append(args[2])
        return build(*args, **kwargs)

    monkeypatch.setattr(convert, "build_problem", counted)
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 2}
    posted = client.post("/v1/roster-jobs", json=body)
    assert posted.status_code == 202, posted.text
    job = wait_job(client, posted.json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    assert len(builds) == 1  # the route built it too before (2)

    # the up-front 422s stay: a week outside the requirement, objective without calls
    later = {**body, "week_start": "2027-11-01"}  # a Monday the requirement does not cover
    outside = assert_problem(client.post("/v1/roster-jobs", json=later), 422)
    assert [e["code"] for e in outside["errors"]] == ["outside_requirement"]
    assert len(builds) == 1
