"""The planner's one job-polling loop (client.js ``jobEnd``), used by the roster, forecast,
what-if and capacity jobs (app.js), the site roster (site.js) and the re-optimisation of a
hand-edited roster (schedule.js): it stops at every finished state of the service, including
``interrupted`` (a job whose worker died), which the re-optimisation loop once polled forever."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e import planner_fixtures as fx
from tests.e2e.planner_fake import FakeApi, open_page

pytestmark = pytest.mark.browser

RUN = """async ([first, pollMs]) => {
  const client = await import("/static/planner/client.js");
  const seen = [];
  const last = await client.jobEnd(first, (job) => seen.push(job.status), pollMs);
  return { last: last.status, seen, ends: client.JOB_ENDS };
}"""


class Ends:
    """``GET /v1/jobs/7``: queued, running twice, then ``final`` for good."""

    def __init__(self, final: str) -> None:
        self.final = final
        self.reads = 0

    def __call__(self, _path: str, _query: Any, _body: Any) -> tuple[int, Any]:
        self.reads += 1
        status = ["running", "running"][self.reads - 1] if self.reads <= 2 else self.final
        return 200, fx.job(status)


@pytest.fixture()
def api_page(chromium: Any) -> Iterator[tuple[Any, FakeApi]]:
    api = FakeApi()
    page, errors = open_page(chromium, api, ready=False, path="/harness")
    yield page, api
    page.close()
    assert errors == []


@pytest.mark.parametrize("final", ["succeeded", "failed", "cancelled", "interrupted"])
def test_polling_stops_at_every_finished_state(api_page: tuple[Any, FakeApi], final: str) -> None:
    page, api = api_page
    ends = Ends(final)
    api.on("GET", "/v1/jobs/7", ends)
    out = page.evaluate(RUN, [fx.job("queued"), 5])
    assert out["last"] == final
    assert out["seen"] == ["queued", "running", "running", final]
    assert ends.reads == 3  # not read again once it ended
    assert out["ends"] == ["succeeded", "failed", "cancelled", "interrupted"]


def test_the_loop_knows_the_services_finished_states() -> None:
    from api.jobs import FINISHED

    ends = ["succeeded", "failed", "cancelled", "interrupted"]
    assert set(ends) == FINISHED  # RUN's expectation above is the service's set


def test_a_job_that_already_ended_is_not_read_again(api_page: tuple[Any, FakeApi]) -> None:
    page, api = api_page
    ends = Ends("succeeded")
    api.on("GET", "/v1/jobs/7", ends)
    out = page.evaluate(RUN, [fx.job("interrupted"), 5])
    assert out == {"last": "interrupted", "seen": ["interrupted"], "ends": out["ends"]}
    assert ends.reads == 0
