"""GET /v1/queues/{id}/intraday tunes its level penalty on the queue's own earlier weeks."""

from __future__ import annotations

import pandas as pd
from fastapi.testclient import TestClient

from tests.api import test_actuals_intraday as intraday
from tests.api.test_actuals_intraday import DAY, PLANNED, STARTS, _rows

today = intraday.today  # the fixture: 4 earlier Mondays stored, 3 intervals of today


def test_the_level_penalty_is_tuned_once_five_earlier_weeks_are_stored(
    client: TestClient, today: int
) -> None:
    params = {"day": DAY.isoformat()}
    before = client.get(f"/v1/queues/{today}/intraday", params=params).json()
    assert (before["level_penalty"], before["tuned_on_days"]) == (1.0, 0)  # 4 weeks: default
    rows = []
    for week in (5, 6):  # two more summer-time Mondays: 2 of 6 days can be replayed
        earlier = STARTS - pd.Timedelta(days=7 * week, hours=1)
        rows += _rows(earlier, [p * (1 + 0.05 * week) for p in PLANNED])
    assert client.post(f"/v1/queues/{today}/actual-imports", json={"rows": rows}).status_code == 201
    after = client.get(f"/v1/queues/{today}/intraday", params=params).json()
    # each earlier Monday keeps one level all day: following the morning fully is best
    assert (after["tuned_on_days"], after["level_penalty"]) == (2, 0.0)
