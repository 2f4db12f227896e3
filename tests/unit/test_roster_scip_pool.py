"""SCIP rounds in worker processes (:mod:`optimizer.roster.scip_pool`): the same answers as
SCIP in this process, rounds on several lanes at once, a stop that ends a round at once, and a
lane whose process died answering its next round from a fresh one."""

from __future__ import annotations

import random
import time

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from ortools.linear_solver import linear_solver_pb2, pywraplp

from optimizer.roster.mip_days import MipDays, MipModel
from optimizer.roster.scip_pool import Answer, Round, ScipPool, request_for, solve_round


def _knapsack(values: list[int], weights: list[int], capacity: int) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver("SCIP")
    xs = [solver.IntVar(0, 1, f"x{i}") for i in range(len(values))]
    solver.Add(sum(w * x for w, x in zip(weights, xs, strict=True)) <= capacity, "capacity")
    solver.Maximize(sum(v * x for v, x in zip(values, xs, strict=True)))
    return solver


def _proto(solver: pywraplp.Solver) -> linear_solver_pb2.MPModelProto:
    proto = linear_solver_pb2.MPModelProto()
    solver.ExportModelToProto(proto)
    return proto


def _market_split(
    seed: int = 3, rows: int = 5, columns: int = 40
) -> linear_solver_pb2.MPModelProto:
    """Cornuéjols-Dawande market split: equality rows of random weights with right-hand side
    half their sum. A handful of rows and a few dozen binaries keep branch-and-bound busy for
    minutes (the LP is no help), which is what a test of stopping needs."""
    rng = random.Random(seed)
    solver = pywraplp.Solver.CreateSolver("SCIP")
    xs = [solver.IntVar(0, 1, f"x{j}") for j in range(columns)]
    slack = [solver.NumVar(-solver.infinity(), solver.infinity(), f"s{i}") for i in range(rows)]
    dev = [solver.NumVar(0, solver.infinity(), f"d{i}") for i in range(rows)]
    for i in range(rows):
        weights = [rng.randint(0, 99) for _ in range(columns)]
        solver.Add(sum(w * x for w, x in zip(weights, xs, strict=True)) + slack[i]
                   == sum(weights) // 2)  # fmt: skip
        solver.Add(dev[i] >= slack[i])
        solver.Add(dev[i] >= -slack[i])
    solver.Minimize(sum(dev))
    return _proto(solver)


def _task(proto: linear_solver_pb2.MPModelProto, limit_s: float, fix: dict[int, float]) -> Round:
    index = np.array(sorted(fix), dtype=np.int32)
    values = np.array([fix[i] for i in sorted(fix)], dtype=np.float64)
    empty = np.zeros(0)
    return Round(index, values, values, np.zeros(0, dtype=np.int32), empty, limit_s)


def test_a_round_in_a_lane_answers_as_scip_in_this_process() -> None:
    values, weights = [10, 13, 7, 8, 9, 4], [5, 6, 4, 3, 5, 2]
    direct = _knapsack(values, weights, 12)
    assert direct.Solve() == pywraplp.Solver.OPTIMAL
    proto = _proto(direct)
    with ScipPool(proto, 1) as pool:
        answer = pool.solve(_task(proto, 5.0, {}))
        assert answer.optimal and answer.objective == direct.Objective().Value()
        assert (
            np.dot(weights, answer.values) <= 12
            and np.dot(values, answer.values) == answer.objective
        )
        fixed = pool.solve(_task(proto, 5.0, {0: 0.0, 1: 0.0}))  # bounds of this round only
        assert fixed.optimal and fixed.values[0] == fixed.values[1] == 0
        assert fixed.objective < answer.objective
    here = solve_round(request_for(proto), _task(proto, 5.0, {0: 0.0, 1: 0.0}))
    assert here.objective == fixed.objective


def test_two_lanes_solve_at_once_and_a_stop_ends_their_rounds_at_once() -> None:
    hard = _market_split()
    with ScipPool(hard, 2) as pool:
        started = time.monotonic()
        pool.submit(0, _task(hard, 60.0, {}))
        pool.submit(1, _task(hard, 60.0, {}))
        assert pool.busy() == {0, 1}
        assert pool.next(1.0) is None  # minutes of branch and bound: nothing yet
        pool.stop()
        assert pool.busy() == set()
        assert time.monotonic() - started < 10.0
        easy = pool.solve(_task(hard, 60.0, {j: 0.0 for j in range(40)}))  # a fresh process
        assert easy.optimal


def test_a_lane_whose_process_died_answers_stopped_then_serves_again() -> None:
    hard = _market_split()
    with ScipPool(hard, 1) as pool:
        pool.submit(0, _task(hard, 60.0, {}))
        pool._lanes[0].process.kill()  # e.g. the out-of-memory killer
        got = pool.next(10.0)
        assert got is not None and got[0] == 0 and got[1].status == -1 and not got[1].found
        assert pool.solve(_task(hard, 30.0, {j: 1.0 for j in range(40)})).found


@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.floats(-1e9, 1e9), st.floats(-1e9, 1e9))),
    st.lists(st.tuples(st.integers(0, 10**6), st.floats(-1e9, 1e9))),
    st.floats(0.0, 1e4),
)
def test_a_round_travels_intact(
    bounds: list[tuple[int, float, float]], hint: list[tuple[int, float]], limit: float
) -> None:
    task = Round(
        np.array([b[0] for b in bounds], dtype=np.int32),
        np.array([b[1] for b in bounds], dtype=np.float64),
        np.array([b[2] for b in bounds], dtype=np.float64),
        np.array([h[0] for h in hint], dtype=np.int32),
        np.array([h[1] for h in hint], dtype=np.float64),
        limit,
    )
    back = Round.decode(task.encode())
    assert back.limit_s == limit
    for name in ("index", "lower", "upper", "hint_index", "hint_value"):
        assert getattr(back, name).tolist() == getattr(task, name).tolist()
    answer = Answer(1, 2.5, task.lower)
    again = Answer.decode(answer.encode())
    assert (again.status, again.objective, again.values.tolist()) == (1, 2.5, task.lower.tolist())


def test_a_stop_request_ends_the_day_rounds_mid_round() -> None:
    """A cancelled roster solve does not wait for SCIP's round to end (it did before the
    rounds ran in their own processes: up to a round's limit)."""
    hard = _market_split()
    names = tuple(v.name for v in hard.variable)
    binaries = tuple(i for i, v in enumerate(hard.variable) if v.is_integer)
    model = MipModel(hard, names, tuple((i, 0) for i in binaries), frozenset(binaries),
                     {i: 1.0 for i in binaries})  # fmt: skip
    rounds = MipDays(model, radius=1, lanes=2)
    start = {name: 0 for name in names}
    started = time.monotonic()
    stop_at = started + 1.0
    rounds.run(
        start, 10**9, [0], started + 60.0, 60.0, should_stop=lambda: time.monotonic() > stop_at
    )
    assert time.monotonic() - started < 5.0
    assert rounds._pool is not None and rounds._pool.busy() == set()  # its rounds were ended
    rounds.close()


def test_a_stop_request_ends_a_settle_mid_round() -> None:
    """``MipDays.settle`` (the start of every pass of rounds) ends at a stop request too: its
    round is killed and it answers ``None``; the lane then serves again."""
    hard = _market_split()
    names = tuple(v.name for v in hard.variable)
    binaries = tuple(i for i, v in enumerate(hard.variable) if v.is_integer)
    model = MipModel(
        hard, names, tuple((i, 0) for i in binaries), frozenset(), {i: 1.0 for i in binaries}
    )  # no class counts: settle frees every binary
    rounds = MipDays(model, lanes=1)
    start = {name: 0 for name in names}
    started = time.monotonic()
    stop_at = started + 1.0
    settled = rounds.settle(
        start, {0}, 60.0, should_stop=lambda: time.monotonic() > stop_at
    )  # every binary free: minutes of branch and bound
    assert settled is None and time.monotonic() - started < 5.0
    assert rounds._pool is not None and rounds._pool.busy() == set()
    assert rounds._pool.solve(_task(hard, 30.0, {j: 0.0 for j in range(40)})).optimal
    rounds.close()
