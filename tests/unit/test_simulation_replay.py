"""Replay of the Technion per-call log: simulated abandonment and waits near the observed ones.

Uses ``bench/simulation.py``'s replay (staffing inferred from the log, see its docstring).
Tolerances are stated from the full 60-day run (abandonment 8.22% observed vs 8.10% simulated,
mean wait 31.9 s vs 33.1 s, per day-hour MAE 0.028 and 10.4 s, below the noise of one
simulated day-hour: 0.033 and 14.3 s) with room for the 12-day subset used here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.simulation import TECHNION_FILE, load_technion, replay, replay_errors

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def technion_calls(shared_data_dir: Path) -> pd.DataFrame:
    path = shared_data_dir / TECHNION_FILE
    if not path.exists():
        pytest.skip(f"{path} not found")
    return load_technion(path)


def test_replay_lands_near_observed_abandonment_and_wait(technion_calls: pd.DataFrame) -> None:
    err = replay_errors(replay(technion_calls, "available", replications=10, days=12))
    assert err["days"] == 12
    assert abs(err["sim_abandon"] / err["obs_abandon"] - 1) < 0.15
    assert abs(err["sim_wait_s"] / err["obs_wait_s"] - 1) < 0.15
    assert err["mae_abandon"] < 0.04
    assert err["mae_wait_s"] < 15.0
    # the error is not larger than the spread of one simulated day-hour around its mean
    assert err["mae_abandon"] <= 1.2 * err["noise_abandon"]


def test_naive_staffing_inference_is_detected_as_wrong(technion_calls: pd.DataFrame) -> None:
    # counting every agent who served in the interval as fully available halves the waits
    err = replay_errors(replay(technion_calls, "distinct", replications=5, days=6))
    assert err["sim_wait_s"] < 0.6 * err["obs_wait_s"]
