"""Schedule adherence: hand-counted minutes per agent (actuals.adherence)."""

from __future__ import annotations

import math

import pandas as pd

from actuals.adherence import adherence, totals


def _spans(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["agent", "start", "end"])
    for name in ("start", "end"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


def test_adherence_and_conformance_count_each_minute_once() -> None:
    scheduled = _spans(
        [
            ("A", "2026-10-26 08:00", "2026-10-26 09:30"),  # 90 on the phone,
            ("A", "2026-10-26 09:45", "2026-10-26 12:00"),
        ]
    )  # break, 135 more
    actual = _spans([("A", "2026-10-26 07:55", "2026-10-26 09:00"),
                     ("A", "2026-10-26 08:30", "2026-10-26 08:50"),  # inside the first: merged
                     ("A", "2026-10-26 09:40", "2026-10-26 11:30"),
                     ("B", "2026-10-26 08:00", "2026-10-26 09:00")])  # fmt: skip
    window = (pd.Timestamp("2026-10-26 08:00", tz="UTC"), pd.Timestamp("2026-10-27", tz="UTC"))
    frame = adherence(scheduled, actual, window).set_index("agent")
    a = frame.loc["A"]
    assert (a.scheduled_min, a.actual_min, a.adherent_min) == (225, 60 + 110, 60 + 105)
    assert a.adherence == 165 / 225 and a.conformance == 170 / 225
    b = frame.loc["B"]  # present, not scheduled
    assert (b.scheduled_min, b.actual_min) == (0, 60) and math.isnan(b.adherence)
    team = totals(frame.reset_index())
    assert team["adherence"] == 165 / 225 and team["actual_min"] == 230


def test_a_schedule_kept_exactly_is_full_adherence() -> None:
    scheduled = _spans([("A", "2026-10-26 08:00", "2026-10-26 12:00")])
    window = (pd.Timestamp("2026-10-26", tz="UTC"), pd.Timestamp("2026-10-27", tz="UTC"))
    row = adherence(scheduled, scheduled, window).iloc[0]
    assert (row.adherence, row.conformance) == (1.0, 1.0)
