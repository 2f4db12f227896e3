"""Invariants of the simulation on random plans (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.simulation import SimulationConfig, simulate_queue
from optimizer.simulation import counters as k

N_INTERVALS = 6

plans = st.tuples(
    st.lists(st.floats(0.0, 120.0), min_size=N_INTERVALS, max_size=N_INTERVALS),
    st.lists(st.integers(0, 20), min_size=N_INTERVALS, max_size=N_INTERVALS),
    st.floats(30.0, 600.0),
    st.integers(0, 2**31),
)
SETTINGS = settings(max_examples=40, deadline=None)


def _config(seed: int, **extra: object) -> SimulationConfig:
    return SimulationConfig(interval_min=15, replications=3, seed=seed, **extra)  # type: ignore[arg-type]


@SETTINGS
@given(plans, st.sampled_from(["finish_call", "strict_stop"]), st.floats(5.0, 600.0))
def test_every_call_ends_once_and_ratios_are_shares(
    plan: tuple[list[float], list[int], float, int], drop: str, patience_s: float
) -> None:
    calls, agents, aht_s, seed = plan
    config = _config(seed, staffing_drop=drop, patience="exponential", patience_s=patience_s)
    result = simulate_queue(calls, aht_s, agents, config)
    t = result.totals
    ended = t[..., k.ANSWERED] + t[..., k.ABANDONED] + t[..., k.UNSERVED]
    np.testing.assert_array_equal(ended, t[..., k.ARRIVALS])
    assert (t[..., k.ANSWERED_WITHIN] <= t[..., k.ANSWERED]).all()
    assert (t[..., k.WAIT_ANSWERED_S] >= 0).all()
    frame = result.intervals.dropna(subset=["service_level", "service_level_answered"])
    assert (frame.service_level <= frame.service_level_answered + 1e-12).all()
    assert ((frame.abandon_rate >= 0) & (frame.abandon_rate <= 1)).all()


@SETTINGS
@given(plans)
def test_strict_stop_never_uses_more_agent_time_than_staffed(
    plan: tuple[list[float], list[int], float, int],
) -> None:
    calls, agents, aht_s, seed = plan
    result = simulate_queue(calls, aht_s, agents, _config(seed, staffing_drop="strict_stop"))
    staffed = np.asarray(agents) * 900.0
    assert (result.totals[..., k.BUSY_S] <= staffed + 1e-6).all()


@SETTINGS
@given(plans)
def test_drop_modes_agree_when_staffing_never_drops(
    plan: tuple[list[float], list[int], float, int],
) -> None:
    calls, agents, aht_s, seed = plan
    rising = np.maximum.accumulate(np.asarray(agents))
    finish = simulate_queue(calls, aht_s, rising, _config(seed))
    strict = simulate_queue(calls, aht_s, rising, _config(seed, staffing_drop="strict_stop"))
    np.testing.assert_array_equal(finish.totals, strict.totals)


@SETTINGS
@given(plans, st.integers(1, 5))
def test_more_agents_never_lengthen_waits_without_abandonment(
    plan: tuple[list[float], list[int], float, int], extra: int
) -> None:
    # FCFS multi-server queues are monotone in the number of servers on each sample path
    # (same callers through common random numbers): every wait shrinks or stays. Staffing
    # never drops here: at a cut the random choice of leavers depends on the headcount.
    calls, agents, aht_s, seed = plan
    rising = np.maximum.accumulate(np.asarray(agents))
    base = simulate_queue(calls, aht_s, rising, _config(seed))
    more = simulate_queue(calls, aht_s, rising + extra, _config(seed))
    served_base = base.totals[..., k.ANSWERED].sum(axis=1)
    served_more = more.totals[..., k.ANSWERED].sum(axis=1)
    assert (served_more >= served_base).all()
    within_base = base.totals[..., k.ANSWERED_WITHIN].sum(axis=1)
    within_more = more.totals[..., k.ANSWERED_WITHIN].sum(axis=1)
    assert (within_more >= within_base).all()
