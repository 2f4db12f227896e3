"""SCIP rounds in worker processes: parallel on several cores, and stoppable mid-round.

``pywraplp.Solver.SolveWithProto`` holds the GIL for the whole solve (measured: two threads
take twice the time of one), and SCIP behind ``MPSolver`` cannot be interrupted (the
model-builder helper refuses it: "underlying solver that doesn't support interruption"). So
each lane of a :class:`ScipPool` is a child process (``python -m optimizer.roster.scip_pool``,
not ``multiprocessing``: the API's job workers are daemonic processes, which may not have
``multiprocessing`` children) that receives the model once, then solves rounds: new bounds
for some variables, a hint, a time limit. A round is stopped by killing its process (the lane
starts a fresh one for its next round). A child reads its parent's end of the pipe: when the
parent dies, the child ends after its round.

Messages on the pipes: an 8-byte little-endian length, then the payload (a serialized
``MPModelProto`` first; then a round: limit, bound triples, hint pairs as packed arrays; the
answer: status, objective and the values in proto order).
"""

from __future__ import annotations

import contextlib
import os
import queue
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

__all__ = ["Answer", "Round", "ScipPool"]

_LENGTH = struct.Struct("<Q")
_HEAD = struct.Struct("<dII")  # limit, bounds, hints
_ANSWER = struct.Struct("<idI")  # status, objective, values
GRACE_S = 10.0  # past a round's limit before its lane is killed (SCIP keeps its limits)
FOUND = (linear_solver_pb2.MPSOLVER_OPTIMAL, linear_solver_pb2.MPSOLVER_FEASIBLE)


@dataclass(frozen=True)
class Round:
    """One solve: variables (proto indices) with new ``lower``/``upper`` bounds (the rest as
    in the previous round of the lane or as built), a complete hint, a time limit."""

    index: np.ndarray  # int32
    lower: np.ndarray  # float64
    upper: np.ndarray  # float64
    hint_index: np.ndarray  # int32
    hint_value: np.ndarray  # float64
    limit_s: float

    def encode(self) -> bytes:
        head = _HEAD.pack(self.limit_s, len(self.index), len(self.hint_index))
        parts = (self.index, self.lower, self.upper, self.hint_index, self.hint_value)
        return head + b"".join(np.ascontiguousarray(p).tobytes() for p in parts)

    @staticmethod
    def decode(data: bytes) -> Round:
        limit, n, m = _HEAD.unpack_from(data)
        at = _HEAD.size
        arrays = []
        for count, dtype in ((n, np.int32), (n, np.float64), (n, np.float64), (m, np.int32),
                             (m, np.float64)):  # fmt: skip
            size = count * np.dtype(dtype).itemsize
            arrays.append(np.frombuffer(data, dtype=dtype, count=count, offset=at))
            at += size
        index, lower, upper, hint_index, hint_value = arrays
        return Round(index, lower, upper, hint_index, hint_value, limit)


@dataclass(frozen=True)
class Answer:
    """A round's outcome: the ``MPSolverResponseStatus``, the objective and the values in
    proto order (empty without a solution); ``status`` -1: the lane was stopped or died."""

    status: int
    objective: float
    values: np.ndarray

    @property
    def found(self) -> bool:
        return self.status in FOUND

    @property
    def optimal(self) -> bool:
        return self.status == linear_solver_pb2.MPSOLVER_OPTIMAL

    def encode(self) -> bytes:
        values = np.ascontiguousarray(self.values, dtype=np.float64)
        return _ANSWER.pack(self.status, self.objective, len(values)) + values.tobytes()

    @staticmethod
    def decode(data: bytes) -> Answer:
        status, objective, n = _ANSWER.unpack_from(data)
        values = np.frombuffer(data, dtype=np.float64, count=n, offset=_ANSWER.size)
        return Answer(status, objective, values)


STOPPED = Answer(-1, float("nan"), np.zeros(0))


def _write(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def solve_round(request: linear_solver_pb2.MPModelRequest, task: Round) -> Answer:
    """``task`` applied to ``request``'s model (edited in place) and solved by SCIP."""
    variables = request.model.variable
    for i, lo, hi in zip(task.index.tolist(), task.lower.tolist(), task.upper.tolist(),
                         strict=True):  # fmt: skip
        variables[i].lower_bound, variables[i].upper_bound = lo, hi
    hint = request.model.solution_hint
    hint.Clear()
    hint.var_index.extend(task.hint_index.tolist())
    hint.var_value.extend(task.hint_value.tolist())
    request.solver_time_limit_seconds = max(0.5, task.limit_s)
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(request, response)
    if response.status not in FOUND:
        return Answer(response.status, float("nan"), np.zeros(0))
    return Answer(response.status, response.objective_value, np.array(response.variable_value))


def request_for(model: linear_solver_pb2.MPModelProto) -> linear_solver_pb2.MPModelRequest:
    """A SCIP request for ``model`` (a copy: rounds edit its bounds)."""
    return linear_solver_pb2.MPModelRequest(
        model=model,
        solver_type=linear_solver_pb2.MPModelRequest.SCIP_MIXED_INTEGER_PROGRAMMING,
    )


def worker_main() -> int:
    """A lane's process: the model, then rounds until the parent closes the pipe."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # solver output must not reach the pipe
    tasks = sys.stdin.buffer
    model = _read(tasks)
    if model is None:
        return 0
    request = request_for(linear_solver_pb2.MPModelProto.FromString(model))
    while (data := _read(tasks)) is not None:
        _write(answers, solve_round(request, Round.decode(data)).encode())
    return 0


class _Lane:
    """One child process, the thread writing the model and the rounds to it (so that lanes
    start side by side: a model of megabytes waits in the pipe until the child has imported
    OR-Tools) and the thread reading its answers into the pool's queue."""

    def __init__(
        self, number: int, model: bytes, answers: queue.Queue[tuple[_Lane, Answer]]
    ) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the folder holding ``optimizer``
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "optimizer.roster.scip_pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin = self.process.stdin
        self.number = number
        self.busy_until: float | None = None
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._outbox.put(model)
        for target, args in ((self._read, (self.process.stdout, answers)), (self._send, ())):
            threading.Thread(target=target, args=args, daemon=True,
                             name=f"scip-lane-{number}").start()  # fmt: skip

    def _send(self) -> None:
        while (payload := self._outbox.get()) is not None:
            try:
                _write(self._stdin, payload)
            except OSError:  # the process died: its reader answers STOPPED
                return

    def _read(self, stream: IO[bytes], answers: queue.Queue[tuple[_Lane, Answer]]) -> None:
        while (data := _read(stream)) is not None:
            answers.put((self, Answer.decode(data)))
        answers.put((self, STOPPED))

    def submit(self, task: Round) -> None:
        self.busy_until = time.monotonic() + task.limit_s + GRACE_S
        self._outbox.put(task.encode())

    def kill(self) -> None:
        self._outbox.put(None)
        self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):  # the pipe broke with the process
            self._stdin.close()


class ScipPool:
    """``size`` lanes solving rounds of one model (:class:`Round`), started on first use."""

    def __init__(self, model: linear_solver_pb2.MPModelProto, size: int) -> None:
        self._model = model.SerializeToString()
        self.size = max(1, size)
        self._lanes: dict[int, _Lane] = {}
        self._answers: queue.Queue[tuple[_Lane, Answer]] = queue.Queue()
        weakref.finalize(self, _kill_all, self._lanes)  # no child outlives a lost pool

    def submit(self, lane: int, task: Round) -> None:
        """Start ``task`` on ``lane`` (which must be idle)."""
        if lane not in self._lanes:
            self._lanes[lane] = _Lane(lane, self._model, self._answers)
        self._lanes[lane].submit(task)  # a process that died answers STOPPED

    def busy(self) -> set[int]:
        return {n for n, lane in self._lanes.items() if lane.busy_until is not None}

    def next(self, timeout_s: float) -> tuple[int, Answer] | None:
        """The next answer ``(lane, answer)`` within ``timeout_s``, else ``None``; a lane past
        its round's limit by :data:`GRACE_S` is killed and answers :data:`STOPPED`."""
        try:
            while True:
                lane, answer = self._answers.get(timeout=timeout_s)
                if self._lanes.get(lane.number) is lane and lane.busy_until is not None:
                    break  # else the end of the pipe of a lane killed before
        except queue.Empty:
            now = time.monotonic()
            for number, lane in list(self._lanes.items()):
                if lane.busy_until is not None and now > lane.busy_until:
                    self._drop(number)
                    return number, STOPPED
            return None
        lane.busy_until = None
        if answer is STOPPED:
            self._drop(lane.number)
        return lane.number, answer

    def solve(self, task: Round, should_stop: Callable[[], bool] | None = None) -> Answer:
        """``task`` on lane 0, waiting for its answer (no lane may be busy); a stop request
        (``should_stop``, polled every 0.2 s) kills the round: it answers :data:`STOPPED`."""
        assert not self.busy(), "solve() while rounds run would lose their answers"
        self.submit(0, task)
        while (got := self.next(0.2)) is None:
            if should_stop is not None and should_stop():
                self.stop()
                return STOPPED
        return got[1]

    def stop(self) -> None:
        """Kill every busy lane (their rounds answer nothing); idle lanes stay."""
        for number in sorted(self.busy()):
            self._drop(number)

    def close(self) -> None:
        for number in list(self._lanes):
            self._drop(number)

    def _drop(self, number: int) -> None:
        lane = self._lanes.pop(number, None)
        if lane is not None:
            lane.kill()

    def __enter__(self) -> ScipPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill_all(lanes: dict[int, _Lane]) -> None:
    for lane in lanes.values():
        lane.kill()
    lanes.clear()


if __name__ == "__main__":
    raise SystemExit(worker_main())
