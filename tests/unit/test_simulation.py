"""Discrete-event simulation: closed forms (Erlang C / A), hand-checked event traces, inputs."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.erlang import erlang_a_kpis, erlang_c_kpis
from optimizer.errors import InputError
from optimizer.simulation import (
    SimulationConfig,
    goal_met,
    kaplan_meier,
    patience_samples_from_waits,
    simulate_queue,
)
from optimizer.simulation import counters as k
from optimizer.simulation.engine import run_replication
from optimizer.simulation.sampling import (
    CallSample,
    draw_calls,
    drop_uniforms,
    replication_generators,
)

INTERVAL_S = 900.0
WARMUP = 2  # intervals discarded before comparing with a stationary formula


def _stationary(load_erl: float, aht_s: float, n_intervals: int) -> np.ndarray:
    return np.full(n_intervals, load_erl / aht_s * INTERVAL_S)


def _assert_within(estimate: object, expected: float, name: str) -> None:
    low, high = estimate.ci_low, estimate.ci_high  # type: ignore[attr-defined]
    slack = 1e-9
    assert low - slack <= expected <= high + slack, f"{name}: {expected} not in [{low}, {high}]"


# (offered load in Erlangs, agents, AHT seconds, intervals simulated): short AHT gives many
# regeneration cycles per simulated hour, so the intervals are tight at a modest cost.
# Time is scaled down tenfold from a typical queue (AHT 300 s, T 20 s, patience 180 s) to
# AHT 30 s, T 2 s, patience 18 s: ten times more calls per simulated interval, same queue.
ERLANG_C_CASES = [
    (10.0, 13, 30.0, 120, 2.0),
    (100.0, 106, 30.0, 30, 2.0),
    (1000.0, 1015, 30.0, 14, 2.0),
]
ERLANG_A_CASES = [
    (10.0, 11, 30.0, 120, 2.0, 18.0),
    (100.0, 98, 30.0, 30, 2.0, 18.0),
    (1000.0, 980, 30.0, 10, 2.0, 18.0),
]


@pytest.mark.parametrize(("load", "agents", "aht_s", "n", "within_s"), ERLANG_C_CASES)
def test_stationary_mmn_reproduces_erlang_c(
    load: float, agents: int, aht_s: float, n: int, within_s: float
) -> None:
    calls = _stationary(load, aht_s, n)
    config = SimulationConfig(replications=20, seed=11, confidence=0.99, answer_within_s=within_s)
    sim = simulate_queue(calls, aht_s, agents, config).summary(WARMUP)
    ref = erlang_c_kpis(calls[:1], aht_s, agents, interval_s=INTERVAL_S, answer_within_s=within_s)
    for name in ("service_level", "asa_s", "p_wait", "occupancy"):
        _assert_within(getattr(sim, name), float(getattr(ref, name)[0]), name)
    assert sim.abandon_rate.mean == 0.0
    # the interval is informative: a 10% error on the waiting probability would be detected
    assert (sim.p_wait.ci_high - sim.p_wait.ci_low) / 2 < 0.1 * float(ref.p_wait[0])


@pytest.mark.parametrize(("load", "agents", "aht_s", "n", "within_s", "patience_s"), ERLANG_A_CASES)
def test_stationary_mmn_m_reproduces_erlang_a(
    load: float, agents: int, aht_s: float, n: int, within_s: float, patience_s: float
) -> None:
    calls = _stationary(load, aht_s, n)
    config = SimulationConfig(
        replications=20,
        seed=5,
        confidence=0.99,
        patience="exponential",
        patience_s=patience_s,
        answer_within_s=within_s,
    )
    sim = simulate_queue(calls, aht_s, agents, config).summary(WARMUP)
    ref = erlang_a_kpis(
        calls[:1],
        aht_s,
        agents,
        interval_s=INTERVAL_S,
        answer_within_s=within_s,
        patience_s=patience_s,
    )
    names = ("service_level", "service_level_answered", "asa_s", "abandon_rate", "p_wait")
    for name in names:
        _assert_within(getattr(sim, name), float(getattr(ref, name)[0]), name)
    half_width = (sim.abandon_rate.ci_high - sim.abandon_rate.ci_low) / 2
    assert half_width < 0.15 * float(ref.abandon_rate[0])


def _trace(
    arrival_s: list[float],
    service_s: list[float],
    agents: list[int],
    *,
    patience_s: list[float] | None = None,
    drop: str = "finish_call",
    drop_u: list[float] | None = None,
) -> np.ndarray:
    sample = CallSample(
        np.asarray(arrival_s, dtype=np.float64),
        np.asarray(service_s, dtype=np.float64),
        np.asarray(patience_s or [np.inf] * len(arrival_s), dtype=np.float64),
    )
    config = SimulationConfig(interval_min=1, staffing_drop=drop)  # type: ignore[arg-type]
    plan = np.asarray(agents, dtype=np.int64)
    return run_replication(sample, plan, config, np.asarray(drop_u or [], dtype=np.float64))


# 60 s intervals, agents 2 then 1. Call A [0, 90) on one agent, B [10, 190) on the other; C
# arrives at 70. The uniform picks who leaves at t=60: 0.0 -> A's agent, 0.99 -> B's agent.
CUT = ([0.0, 10.0, 70.0], [90.0, 180.0, 5.0], [2, 1])


@pytest.mark.parametrize(
    ("drop", "u", "wait_c", "busy"),
    [
        # A's agent finishes A at 90 and leaves; C waits for B's agent, free at 190
        ("finish_call", 0.0, 120.0, [110.0, 90.0]),
        # B's agent finishes B at 190 and leaves; C takes A's agent at 90 (busy 90-95)
        ("finish_call", 0.99, 20.0, [110.0, 95.0]),
        # A cut at 60: its 30 s left resume on B's agent at 190, then C at 220
        ("strict_stop", 0.0, 150.0, [110.0, 60.0]),
        # B cut at 60: its 130 s left resume on A's agent at 90 (until 220), then C at 220
        ("strict_stop", 0.99, 150.0, [110.0, 60.0]),
    ],
)
def test_staffing_cut_by_hand(drop: str, u: float, wait_c: float, busy: list[float]) -> None:
    arrivals, services, agents = CUT
    out = _trace(arrivals, services, agents, drop=drop, drop_u=[u])
    assert out[1, k.WAIT_ANSWERED_S] == pytest.approx(wait_c)
    assert out[:, k.BUSY_S] == pytest.approx(busy)
    assert out[:, k.ANSWERED].sum() == 3


def test_cut_after_the_last_call_still_interrupts_it() -> None:
    # one call [50, 80); the only agent goes at t=60 and nobody calls afterwards
    finish = _trace([50.0], [30.0], [1, 0], drop="finish_call", drop_u=[0.5])
    strict = _trace([50.0], [30.0], [1, 0], drop="strict_stop", drop_u=[0.5])
    assert finish[:, k.BUSY_S] == pytest.approx([10.0, 20.0])
    assert strict[:, k.BUSY_S] == pytest.approx([10.0, 0.0])


def test_abandoned_call_never_takes_an_agent() -> None:
    # one agent busy with A until 100; B (t=10, patience 50) hangs up at 60; C waits until 100
    out = _trace([0.0, 10.0, 20.0], [100.0, 100.0, 10.0], [1, 1], patience_s=[1e9, 50.0, 1e9])
    assert out[:, k.ABANDONED].sum() == 1
    assert out[:, k.ABANDONED_WITHIN].sum() == 0  # waited 50 s > 20 s before hanging up
    assert out[:, k.WAIT_ANSWERED_S].sum() == pytest.approx(80.0)
    assert out[:, k.WAIT_ALL_S].sum() == pytest.approx(130.0)
    assert out[:, k.ANSWERED_WITHIN].sum() == 1  # only A


def test_agents_joining_start_at_the_boundary_and_no_agent_leaves_calls_unserved() -> None:
    out = _trace([10.0, 70.0], [5.0, 5.0], [0, 1])
    assert out[0, k.WAIT_ANSWERED_S] == pytest.approx(50.0)
    assert out[1, k.WAIT_ANSWERED_S] == pytest.approx(0.0)
    none = _trace([10.0, 70.0], [5.0, 5.0], [0, 0])
    assert none[:, k.UNSERVED].sum() == 2
    assert none[:, k.ANSWERED].sum() == 0


def test_sharp_cut_costs_tens_of_sl_points_under_strict_stop() -> None:
    # 110 Erlangs on 120 agents, then 27 Erlangs on 40 agents: the cut agents' calls in hand
    # (~80 x 240 s of work) either finish (finish_call) or land on the 40 left (strict_stop)
    calls = np.array([412.0, 412.0, 100.0, 100.0])
    agents = np.array([120, 120, 40, 40])
    base = {"replications": 10, "seed": 3}
    finish = simulate_queue(calls, 240.0, agents, SimulationConfig(**base))  # type: ignore[arg-type]
    strict = simulate_queue(
        calls,
        240.0,
        agents,
        SimulationConfig(**base, staffing_drop="strict_stop"),  # type: ignore[arg-type]
    )
    gap = finish.summary(2).service_level.mean - strict.summary(2).service_level.mean
    assert gap > 0.2
    assert finish.summary(2).service_level.ci_low > strict.summary(2).service_level.ci_high
    assert (strict.intervals.occupancy <= 1.0 + 1e-12).all()


def test_same_seed_same_result_and_seed_matters() -> None:
    calls, config = np.full(8, 200.0), SimulationConfig(replications=4, seed=42)
    first = simulate_queue(calls, 180.0, 45, config)
    again = simulate_queue(calls, 180.0, 45, config)
    other = simulate_queue(calls, 180.0, 45, SimulationConfig(replications=4, seed=43))
    np.testing.assert_array_equal(first.totals, again.totals)
    assert not np.array_equal(first.totals, other.totals)


def test_interval_frame_columns_and_conservation() -> None:
    config = SimulationConfig(replications=5, patience="exponential", patience_s=60.0)
    result = simulate_queue([50.0, 120.0, 0.0, 80.0], [200.0, 220.0, 200.0, 180.0], 10, config)
    frame = result.intervals
    for kpi in ("service_level", "service_level_answered", "asa_s", "abandon_rate", "occupancy"):
        assert {kpi, f"{kpi}_ci_low", f"{kpi}_ci_high"} <= set(frame.columns)
    assert np.isnan(frame.service_level[2])  # no calls, no service level
    t = result.totals
    done = t[..., k.ANSWERED] + t[..., k.ABANDONED] + t[..., k.UNSERVED]
    np.testing.assert_array_equal(done, t[..., k.ARRIVALS])
    assert result.calls_simulated == int(t[..., k.ARRIVALS].sum())
    has_calls = frame.arrivals > 0
    both = frame[has_calls]
    assert (both.service_level <= both.service_level_answered + 1e-12).all()


def test_within_interval_profile_places_arrivals() -> None:
    config = SimulationConfig(replications=1, within_interval_profile=np.array([0.0, 3.0, 1.0]))
    rng = replication_generators(config)[0].calls
    sample = draw_calls(rng, np.full(4, 3000.0), np.full(4, 100.0), config)
    offset = np.mod(sample.arrival_s, INTERVAL_S) / INTERVAL_S
    assert offset.min() >= 1 / 3
    share_middle = np.mean(offset < 2 / 3)
    assert share_middle == pytest.approx(0.75, abs=0.02)
    assert np.all(np.diff(sample.arrival_s) >= 0)


def test_lognormal_handle_times_have_the_requested_mean_and_cv() -> None:
    config = SimulationConfig(replications=1, service="lognormal", service_cv=1.3)
    rng = replication_generators(config)[0].calls
    sample = draw_calls(rng, np.full(4, 50_000.0), np.full(4, 240.0), config)
    assert sample.service_s.mean() == pytest.approx(240.0, rel=0.02)
    assert sample.service_s.std() / sample.service_s.mean() == pytest.approx(1.3, rel=0.05)


def test_bad_inputs_name_interval_and_field() -> None:
    with pytest.raises(InputError) as err:
        simulate_queue([10.0, -1.0, 5.0], 180.0, [3, 2.5, 1], SimulationConfig())
    found = {(p.row, p.field, p.code) for p in err.value.problems}
    assert found == {(1, "calls", "out_of_range"), (1, "agents", "out_of_range")}
    with pytest.raises(InputError) as err:
        simulate_queue([10.0, 5.0], [180.0], 3, SimulationConfig())
    assert err.value.problems[0].code == "length_mismatch"
    with pytest.raises(InputError) as err:
        simulate_queue([1e9, 5.0], 180.0, [10, 1e7], SimulationConfig())
    assert {(p.row, p.field) for p in err.value.problems} == {(1, "agents")}
    with pytest.raises(InputError) as err:
        simulate_queue([1e9, 5.0], 180.0, 10, SimulationConfig())
    assert err.value.problems[0].code == "too_large"
    with pytest.raises(InputError) as err:
        SimulationConfig(patience="exponential", replications=0)
    assert {p.field for p in err.value.problems} == {"replications", "patience_s"}
    with pytest.raises(InputError):
        SimulationConfig(patience="empirical", patience_samples_s=np.array([1.0, np.nan]))
    with pytest.raises(InputError):
        profile = np.ones((3, 4))
        simulate_queue([1.0, 2.0], 100.0, 1, SimulationConfig(within_interval_profile=profile))


def test_kaplan_meier_without_censoring_is_the_empirical_cdf() -> None:
    times, survival = kaplan_meier([3.0, 1.0, 2.0, 2.0], [True, True, True, True])
    np.testing.assert_allclose(times, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(survival, [0.75, 0.25, 0.0])


def test_kaplan_meier_textbook_censored_example() -> None:
    # waits 1 (event), 2 (censored), 3 (event), 4 (event), 5 (censored)
    times, survival = kaplan_meier([1, 2, 3, 4, 5], [True, False, True, True, False])
    np.testing.assert_allclose(times, [1, 3, 4])
    np.testing.assert_allclose(survival, [0.8, 0.8 * 2 / 3, 0.8 * 2 / 3 * 1 / 2])


def test_patience_samples_recover_exponential_patience_under_censoring() -> None:
    rng = np.random.default_rng(1)
    patience = rng.exponential(120.0, 200_000)
    wait = rng.exponential(60.0, patience.size)  # the wait offered by the queue
    samples = patience_samples_from_waits(np.minimum(wait, patience), patience < wait)
    assert np.median(samples) == pytest.approx(120.0 * np.log(2), rel=0.03)
    assert np.mean(samples <= 200.0) == pytest.approx(1 - np.exp(-200 / 120), abs=0.01)


def test_goal_met_uses_the_one_sided_bound() -> None:
    from optimizer.requirements import ServiceGoal

    result = simulate_queue(np.full(6, 400.0), 180.0, 90, SimulationConfig(replications=10))
    sl = result.intervals.service_level
    assert goal_met(result, ServiceGoal(service_level=float(sl.min()) - 0.2), 0.95).all()
    assert not goal_met(result, ServiceGoal(service_level=float(sl.max())), 0.95).any()


@pytest.mark.parametrize("drop", ["finish_call", "strict_stop"])
def test_pure_python_fallback_matches_the_compiled_loop(
    drop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util
    import sys

    from optimizer.simulation import kernel

    config = SimulationConfig(replications=1, seed=9, patience="exponential", patience_s=90.0)
    calls = np.array([80.0, 120.0, 150.0, 60.0, 90.0, 20.0])
    agents = np.array([10, 16, 9, 3, 12, 0], dtype=np.int64)
    streams = replication_generators(config)[0]
    sample = draw_calls(streams.calls, calls, np.full(6, 200.0), config)
    strict = drop == "strict_stop"
    compiled = np.zeros((6, k.N_COUNTERS))
    drop_u = drop_uniforms(streams.drops, agents)
    args = (sample.arrival_s, sample.service_s, sample.patience_s, agents, drop_u, 900.0, 20.0)
    args = (*args, strict)
    kernel.simulate_one(*args, compiled)

    monkeypatch.setitem(sys.modules, "numba", None)  # the import fails: plain-Python functions
    spec = importlib.util.spec_from_file_location("kernel_without_numba", kernel.__file__)
    assert spec is not None and spec.loader is not None
    pure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pure)
    assert not pure.COMPILED
    out = np.zeros_like(compiled)
    pure.simulate_one(*args, out)
    np.testing.assert_allclose(out, compiled, rtol=1e-12, atol=1e-9)
    assert compiled[:, k.ARRIVALS].sum() > 400
