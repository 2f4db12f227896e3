"""Write the demo queue's history plus the week after it, as an ACD export (CSV on stdout).

The demo (``make run``) stores ten weeks of synthetic history, 2026-08-31 .. 2026-11-08. This
script asks Staffwise's own generator for the same series one week longer (same seed and
shape, so the first ten weeks are exactly the stored ones: ``tests/unit/test_first_run.py``
checks it) inside the demo's opening hours: 2,992 intervals up to Sat 2026-11-14. Uploading
it to the demo's queue inserts the 272 intervals of the new week and leaves the 2,720 stored
ones unchanged; the next forecast then covers the week of 2026-11-16.

Run: ``.venv/bin/python docs/examples/next_week_history.py > history.csv``
"""

from __future__ import annotations

import datetime as dt
import sys

import pandas as pd

from api.demo import (
    DEMO_HISTORY_START,
    DEMO_HISTORY_WEEKS,
    DEMO_SEED,
    DEMO_ZONE,
    OPENING_HOURS,
)
from forecasting.calendar import local_frame
from forecasting.synthetic import synthetic_history, to_acd_csv


def demo_weeks_csv(weeks: int, skip: int = 0) -> str:
    """The demo queue's series generated over ``weeks`` weeks from the demo's start, as an
    ACD export of the weeks after the first ``skip``, restricted to the opening hours."""
    history = synthetic_history(
        start=DEMO_HISTORY_START,
        weeks=weeks,
        interval_min=15,
        zone=DEMO_ZONE,
        seed=DEMO_SEED,
        open_minute=480,
        close_minute=1200,
        mean_daily_calls=1500.0,
        mean_aht_s=300.0,
        queue="voice",
    )
    local = local_frame(history["interval_start"], DEMO_ZONE)
    first = DEMO_HISTORY_START + dt.timedelta(weeks=skip)
    hours = pd.Series([OPENING_HOURS[d] for d in local["weekday"]], index=history.index)
    keep = [
        h is not None and h[0] <= m < h[1] and day >= first
        for h, m, day in zip(hours, local["minute"], local["local_date"], strict=True)
    ]
    return to_acd_csv(history[keep].reset_index(drop=True), DEMO_ZONE)


if __name__ == "__main__":
    sys.stdout.write(demo_weeks_csv(DEMO_HISTORY_WEEKS + 1))
