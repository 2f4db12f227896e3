"""A hiring scenario's problem is built once, by its worker: POST /v1/hiring-scenarios checks
the inputs (the same 422s) without building the week's problem."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.convert.hiring as convert
from api.convert.roster import RosterInput
from tests.api.support import assert_problem, wait_job
from tests.api.test_hiring_scenarios import _post, _week

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def test_the_hiring_problem_is_built_once_by_the_worker(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    week = _week(client, agents=2)
    builds = []
    build = convert.build_problem

    def counted(*args: Any, **kwargs: Any) -> RosterInput:
        builds.append(args[2])
        return build(*args, **kwargs)

    monkeypatch.setattr(convert, "build_problem", counted)
    posted = _post(client, week, kind="hire", vacancies=[{"contract": "FT", "count": 1}])
    assert posted.status_code == 202, posted.text
    job = wait_job(client, posted.json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    assert len(builds) == 1  # the route built it too before (2)

    def errors(**body: Any) -> set[tuple[int | None, str, str]]:
        problem = assert_problem(_post(client, week, **body), 422)
        return {(e["row"], e["field"], e["code"]) for e in problem["errors"]}

    # the up-front 422s stay: they need the site's contracts and the week's agents
    unknown = {"contract": "XX", "count": 1}
    assert errors(kind="hire", vacancies=[unknown]) == {(0, "vacancies.0.contract", "unknown")}
    tenure = {"tenure_weeks": {"A00": 3}, "below_weeks": 4}
    assert errors(kind="attrition", remove=tenure) == {(1, "remove.tenure_weeks[A01]", "missing")}
    assert errors(kind="attrition", remove={"share": 1.0}) == {(None, "remove", "no_agents_left")}
    assert len(builds) == 1
