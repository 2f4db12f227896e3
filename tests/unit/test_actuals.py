"""Actuals: per-call log aggregation (hand-counted), attendance, import validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuals.calls import agent_attendance, interval_actuals, staffed_per_interval
from actuals.io import parse_attendance, parse_interval_actuals
from actuals.types import SlBasis
from forecasting.errors import InvalidInput

# Two 15-minute intervals, local time Asia/Jerusalem (UTC+2 in January).
LOG = pd.DataFrame(
    {
        "arrival": [
            "1999-01-03 09:00:05", "1999-01-03 09:01:00", "1999-01-03 09:05:00",
            "1999-01-03 09:10:00", "1999-01-03 09:14:59", "1999-01-03 09:15:00",
            "1999-01-03 09:20:00", "1999-01-03 09:29:00",
        ],
        "answered": [True, True, False, True, False, True, False, True],
        "wait_s": [0.0, 30.0, 3.0, 10.0, 45.0, 31.0, 2.0, 5.0],
        "handle_s": [100.0, 200.0, 0.0, 300.0, 0.0, 60.0, 0.0, 120.0],
        "agent": ["A", "B", None, "A", None, "B", None, "A"],
        "service_start": ["1999-01-03 09:00:05", "1999-01-03 09:01:30", None,
                          "1999-01-03 09:10:10", None, "1999-01-03 09:15:31", None,
                          "1999-01-03 09:29:05"],
        "service_end": ["1999-01-03 09:01:45", "1999-01-03 09:04:50", None,
                        "1999-01-03 09:15:10", None, "1999-01-03 09:16:31", None,
                        "1999-01-03 09:31:05"],
    }
)  # fmt: skip
ZONE = "Asia/Jerusalem"


def test_a_call_log_aggregates_to_the_hand_counted_intervals() -> None:
    basis = SlBasis(answer_within_s=30.0, short_abandon_s=5.0)
    frame = interval_actuals(LOG, interval_min=15, basis=basis, zone=ZONE)
    assert list(frame["interval_start"]) == [
        pd.Timestamp("1999-01-03 07:00", tz="UTC"),
        pd.Timestamp("1999-01-03 07:15", tz="UTC"),
    ]
    first, second = frame.iloc[0], frame.iloc[1]
    # 09:00-09:15: 5 calls, 3 answered (waits 0, 30, 10: all within 30 s), 2 abandoned (3 s short)
    assert (first.offered, first.answered, first.abandoned) == (5, 3, 2)
    assert (first.answered_within, first.abandoned_short) == (3, 1)
    assert first.aht_s == pytest.approx(200.0) and first.asa_s == pytest.approx(40 / 3)
    # 09:15-09:30: 3 calls, 2 answered (31 s late, 5 s in time), 1 abandoned after 2 s (short)
    assert (second.offered, second.answered, second.abandoned) == (3, 2, 1)
    assert (second.answered_within, second.abandoned_short) == (1, 1)
    assert second.aht_s == pytest.approx(90.0) and second.asa_s == pytest.approx(18.0)
    # SL bases: first interval 3 / (3 + 2 - 1) with short abandons out; 3 / 5 with all in
    sums = (first.answered, first.abandoned, first.abandoned_short)
    assert basis.denominator(*map(np.asarray, sums)) == pytest.approx(4.0)
    everyone = SlBasis(answer_within_s=30.0)
    recount = interval_actuals(LOG, interval_min=15, basis=everyone, zone=ZONE).iloc[0]
    assert everyone.denominator(
        *map(np.asarray, (recount.answered, recount.abandoned, recount.abandoned_short))
    ) == pytest.approx(5.0)
    answered_only = SlBasis(answer_within_s=30.0, abandoned_in_denominator=False)
    assert answered_only.denominator(*map(np.asarray, sums)) == pytest.approx(3.0)
    assert "left out" in basis.describe() and answered_only.model_measure != "service_level"


def test_attendance_spans_and_staffed_agents_per_interval() -> None:
    spans = agent_attendance(LOG, zone=ZONE, gap_min=60)
    assert list(spans["agent"]) == ["A", "B"]
    a = spans.iloc[0]
    assert a.start == pd.Timestamp("1999-01-03 07:00:05", tz="UTC")
    assert a.end == pd.Timestamp("1999-01-03 07:31:05", tz="UTC")
    assert a.calls == 3 and a.handle_s == pytest.approx(100 + 300 + 120)
    # A pauses 13.9 min before 09:29:05, B 10.7 min before 09:15:31
    split = agent_attendance(LOG, zone=ZONE, gap_min=10)
    assert list(split["agent"]) == ["A", "A", "B", "B"]
    starts = pd.Series(pd.to_datetime(["1999-01-03 07:00", "1999-01-03 07:15"], utc=True))
    staffed = staffed_per_interval(spans, starts, interval_min=15)
    b_first = (900 - 90) / 900  # B from 09:01:30 to 09:16:31
    assert staffed[0] == pytest.approx((900 - 5) / 900 + b_first)
    assert staffed[1] == pytest.approx(1.0 + 91 / 900)


CSV = b"""interval_start,offered,answered,abandoned,answered_within,aht_s,asa_s,agents_staffed
2026-03-02T09:00:00+01:00,10,9,1,8,180,12,3.5
2026-03-02 09:30,12,12,0,12,170,,
"""


def test_interval_actuals_import_reads_offsets_and_local_times() -> None:
    frame = parse_interval_actuals(CSV, zone="Europe/Berlin", interval_min=30)
    assert list(frame["interval_start"]) == list(
        pd.to_datetime(["2026-03-02 08:00", "2026-03-02 08:30"], utc=True)
    )
    assert frame["abandoned_short"].tolist() == [0.0, 0.0]
    assert np.isnan(frame["asa_s"][1]) and frame["agents_staffed"][0] == 3.5
    same = parse_interval_actuals(
        [{"interval_start": "2026-03-02T08:00:00Z", "offered": 10, "answered": 9,
          "abandoned": 1, "answered_within": 8}],
        zone="Europe/Berlin", interval_min=30,
    )  # fmt: skip
    assert same["offered"].tolist() == [10.0]


def test_interval_actuals_import_names_every_bad_row_and_field() -> None:
    bad = b"""interval_start,offered,answered,abandoned,answered_within
2026-03-02 09:00,10,11,0,5
2026-03-02 09:10,10,5,1,5
yesterday,-1,0,0,0
2026-03-02 09:00,10,5,1,6
"""
    with pytest.raises(InvalidInput) as caught:
        parse_interval_actuals(bad, zone="Europe/Berlin", interval_min=30)
    found = {(p.row, p.field, p.code) for p in caught.value.problems}
    assert found == {
        (1, "answered", "inconsistent"),
        (2, "interval_start", "off_grid"),
        (3, "interval_start", "invalid"),
        (3, "offered", "invalid"),
        (4, "interval_start", "duplicate"),
        (4, "answered_within", "inconsistent"),
    }
    with pytest.raises(InvalidInput) as missing:
        parse_interval_actuals(b"interval_start,offered\n", zone="UTC", interval_min=30)
    assert {p.field for p in missing.value.problems} == {"answered", "abandoned", "answered_within"}


def test_attendance_import_checks_spans() -> None:
    good = parse_attendance(
        b"agent,start,end\nB,2026-03-02 08:00,2026-03-02 12:00\n"
        b"A,2026-03-02 08:00,2026-03-02 09:00\n",
        zone="UTC",
    )
    assert list(good["agent"]) == ["A", "B"]
    with pytest.raises(InvalidInput) as caught:
        parse_attendance(b"agent,start,end\n,2026-03-02 08:00,2026-03-02 07:00\n", zone="UTC")
    assert {(p.row, p.field) for p in caught.value.problems} == {(1, "agent"), (1, "end")}


def test_the_cli_writes_the_import_csvs_of_a_call_log(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from api.cli import main

    log = tmp_path / "log.csv"
    LOG.to_csv(log, index=False)
    out, spans = tmp_path / "actuals.csv", tmp_path / "attendance.csv"
    argv = ["actuals", "from-calls", str(log), "--zone", ZONE, "--interval-min", "15",
            "--answer-within-s", "30", "--short-abandon-s", "5", "--out", str(out),
            "--attendance-out", str(spans)]  # fmt: skip
    assert main(argv) == 0
    assert "2 intervals, 8 calls" in capsys.readouterr().out
    frame = parse_interval_actuals(out.read_bytes(), zone="UTC", interval_min=15)
    assert frame["answered_within"].tolist() == [3.0, 1.0]
    assert frame["abandoned_short"].tolist() == [1.0, 1.0]
    assert list(parse_attendance(spans.read_bytes(), zone="UTC")["agent"]) == ["A", "B"]
