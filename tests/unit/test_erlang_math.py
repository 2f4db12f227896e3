"""Erlang B / C / A against independent references (integer recursion, numerically solved CTMC)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.erlang import (
    erlang_a_kpis,
    erlang_b,
    erlang_c,
    erlang_c_kpis,
    offered_load,
    queue_kpis,
)
from optimizer.errors import InputError
from tests.erlang_support import (
    ctmc_erlang_a,
    erlang_b_recursion,
    erlang_c_recursion,
    erlang_c_service_level,
)

TRAFFIC = [0.01, 0.5, 3.0, 10.0, 48.0, 123.0, 500.0, 2000.0, 5000.0, 20000.0]


def _agent_grid(traffic: float) -> list[int]:
    root = math.sqrt(traffic)
    grid = {1, 2, int(traffic * 0.3) or 1, int(traffic * 0.6) or 1, int(traffic) + 1}
    grid |= {int(traffic + root) + 1, int(traffic + 3 * root) + 1, int(traffic + 6 * root) + 2}
    return sorted(grid)


@pytest.mark.parametrize("traffic", TRAFFIC)
def test_erlang_b_and_c_match_the_integer_recursion(traffic: float) -> None:
    agents = _agent_grid(traffic)
    b = erlang_b(np.full(len(agents), traffic), agents)
    c = erlang_c(traffic, agents)  # scalar traffic broadcasts
    for n, b_n, c_n in zip(agents, b, c, strict=True):
        assert b_n == pytest.approx(erlang_b_recursion(traffic, n), rel=1e-9, abs=1e-300)
        assert c_n == pytest.approx(erlang_c_recursion(traffic, n), rel=1e-9, abs=1e-300)


def test_erlang_b_far_below_the_traffic_uses_the_series_without_underflow() -> None:
    # Poisson cdf P(X <= 1000; 5000) underflows double precision: the series branch applies.
    for traffic, agents in ((5000.0, 1000), (20000.0, 3000), (1000.0, 1)):
        value = float(erlang_b(traffic, agents)[0])
        assert 0.0 < value < 1.0
        assert value == pytest.approx(erlang_b_recursion(traffic, agents), rel=1e-9)


def test_fractional_agents_interpolate_between_integers() -> None:
    agents = np.linspace(10.0, 16.0, 61)
    b = erlang_b(10.0, agents)
    c = erlang_c(10.0, agents)
    assert np.all(np.diff(b) < 0) and np.all(np.diff(c[1:]) < 0)
    whole = agents == np.round(agents)
    expected = [erlang_b_recursion(10.0, int(n)) for n in agents[whole]]
    assert b[whole] == pytest.approx(expected, rel=1e-12)


def test_conventions_for_zero_traffic_and_zero_agents() -> None:
    assert erlang_b([0.0, 0.0, 4.0], [0.0, 3.0, 0.0]).tolist() == [1.0, 0.0, 1.0]
    assert erlang_c([0.0, 4.0, 4.0], [3.0, 4.0, 3.5]).tolist() == [0.0, 1.0, 1.0]
    k = erlang_c_kpis([0.0, 10.0], 180.0, [0.0, 1.0], interval_s=900, answer_within_s=20)
    assert k.service_level.tolist() == [1.0, 0.0]
    assert k.asa_s[0] == 0.0 and math.isinf(k.asa_s[1])
    assert k.occupancy.tolist() == [0.0, 1.0]


def test_erlang_c_service_level_and_asa() -> None:
    calls, aht, interval = np.array([100.0, 360.0, 3000.0]), np.array([180.0, 240.0, 420.0]), 1800
    agents = np.array([14.0, 55.0, 720.0])
    k = erlang_c_kpis(calls, aht, agents, interval_s=interval, answer_within_s=20)
    traffic = offered_load(calls, aht, interval)
    for i in range(3):
        sl = erlang_c_service_level(calls[i], aht[i], int(agents[i]), interval, 20)
        c = erlang_c_recursion(traffic[i], int(agents[i]))
        assert k.service_level[i] == pytest.approx(sl, rel=1e-10)
        assert k.asa_s[i] == pytest.approx(c * aht[i] / (agents[i] - traffic[i]), rel=1e-10)
        assert k.occupancy[i] == pytest.approx(traffic[i] / agents[i])
    assert np.array_equal(k.service_level, k.service_level_answered)
    assert np.all(k.abandon_rate == 0) and np.array_equal(k.asa_s, k.mean_wait_all_s)


# (calls, aht_s, agents, interval_s, answer_within_s, patience_s, extra CTMC states)
CTMC_CASES = [
    (100, 180, 14, 1800, 20, 300, 200),
    (100, 180, 8, 1800, 20, 300, 200),  # overloaded: fewer agents than Erlangs
    (100, 180, 14, 1800, 0, 300, 200),  # T = 0: SL = P(no wait)
    (50, 300, 3, 900, 30, 5, 200),  # impatient callers
    (5, 600, 1, 900, 60, 1, 100),  # patience far below handle time
    (400, 200, 30, 900, 20, 60, 300),
    (400, 200, 100, 900, 20, 60, 200),
    (300, 240, 40, 900, 20, 1000, 400),
    (50, 300, 3, 900, 30, 10_000, 1000),  # heavy overload, very patient callers
]


@pytest.mark.parametrize("case", CTMC_CASES)
def test_erlang_a_matches_a_numerically_solved_ctmc(case: tuple[float, ...]) -> None:
    calls, aht, agents, interval, t_s, patience, extra = case
    ref = ctmc_erlang_a(calls, aht, int(agents), interval, t_s, patience, int(extra))
    k = erlang_a_kpis(
        calls, aht, agents, interval_s=interval, answer_within_s=t_s, patience_s=patience
    )
    for field in ("p_wait", "abandon_rate", "occupancy", "service_level", "service_level_answered"):
        assert getattr(k, field)[0] == pytest.approx(getattr(ref, field), abs=1e-9), field
    assert k.mean_wait_all_s[0] == pytest.approx(ref.mean_wait_all_s, rel=1e-8)
    assert k.asa_s[0] == pytest.approx(ref.asa_s, rel=1e-8)


def test_erlang_a_conventions() -> None:
    k = erlang_a_kpis(
        [100, 100, 0], 180, [14, 0, 5], interval_s=1800, answer_within_s=20, patience_s=60
    )
    # Answered-within-T over all arrivals <= over arrivals that did not abandon before T.
    assert k.service_level[0] < k.service_level_answered[0] < 1
    assert k.mean_wait_all_s[0] == pytest.approx(k.abandon_rate[0] * 60)
    # No agents: every caller abandons; no calls: nothing waits.
    assert (k.p_wait[1], k.abandon_rate[1], k.service_level[1], k.occupancy[1]) == (1, 1, 0, 1)
    assert math.isinf(k.asa_s[1])
    assert (k.p_wait[2], k.service_level[2], k.abandon_rate[2], k.occupancy[2]) == (0, 1, 0, 0)


def test_erlang_a_with_endless_patience_is_erlang_c_and_without_patience_all_waiters_leave() -> (
    None
):
    args = ([100.0, 3000.0], [180.0, 420.0], [14.0, 720.0])
    c = erlang_c_kpis(*args, interval_s=1800, answer_within_s=20)
    a = erlang_a_kpis(*args, interval_s=1800, answer_within_s=20, patience_s=1e9)
    for field in ("p_wait", "service_level", "occupancy"):
        assert getattr(a, field) == pytest.approx(getattr(c, field), abs=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-5)
    quick = erlang_a_kpis(*args, interval_s=1800, answer_within_s=20, patience_s=1e-6)
    assert quick.abandon_rate == pytest.approx(quick.p_wait, rel=1e-4)
    assert quick.service_level == pytest.approx(1 - quick.p_wait, rel=1e-4)


def test_large_traffic_stays_finite_and_ordered() -> None:
    agents = np.array([5000.0, 5050.0, 5100.0, 5200.0])
    for k in (
        erlang_c_kpis(15000, 600, agents, interval_s=1800, answer_within_s=20),
        erlang_a_kpis(15000, 600, agents, interval_s=1800, answer_within_s=20, patience_s=120),
    ):
        assert np.all(np.isfinite(k.p_wait[1:])) and np.all(np.diff(k.service_level) >= 0)
        assert np.all((k.p_wait >= 0) & (k.p_wait <= 1))


def test_queue_kpis_dispatch() -> None:
    kwargs = {"interval_s": 1800.0, "answer_within_s": 20.0}
    c = queue_kpis("erlang_c", 100, 180, 14, **kwargs)
    a = queue_kpis("erlang_a", 100, 180, 14, patience_s=300, **kwargs)
    assert c.p_wait[0] == pytest.approx(0.1741319, abs=5e-8)
    assert a.p_wait[0] == pytest.approx(0.14526, abs=5e-6)
    with pytest.raises(InputError) as err:
        queue_kpis("erlang_a", 100, 180, 14, **kwargs)
    assert err.value.problems[0].field == "patience_s"
    with pytest.raises(InputError):
        queue_kpis("erlang_x", 100, 180, 14, **kwargs)  # type: ignore[arg-type]


def test_bad_inputs_name_every_interval_and_field() -> None:
    with pytest.raises(InputError) as err:
        erlang_c_kpis(
            [10, -1, float("nan"), 5],
            [180, 180, 180, 0],
            [3, 3, 3, 3],
            interval_s=900,
            answer_within_s=-1,
        )
    found = {(p.row, p.field, p.code) for p in err.value.problems}
    assert found == {
        (1, "calls", "out_of_range"),
        (2, "calls", "not_finite"),
        (3, "aht_s", "out_of_range"),
        (None, "answer_within_s", "out_of_range"),
    }
    assert "interval 1" in str(err.value)
    with pytest.raises(InputError) as err:
        erlang_b([1.0, 2.0], [1.0, 2.0, 3.0])
    assert err.value.problems[0].code == "length_mismatch"
    with pytest.raises(InputError):
        erlang_a_kpis(10, 180, 3, interval_s=900, answer_within_s=20, patience_s=0)
