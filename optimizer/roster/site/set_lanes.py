"""The polish's skill sets searched on two cores: half of them here, half in a child process.

A polish round (:mod:`optimizer.roster.site.polish`, :mod:`optimizer.roster.site.trade`) runs
today's agent-level local search on each skill set against the set's own table; the sets do
not interact within a round, and the search (annealing until its share of the time, then
descent) uses all the time it is given. Searched one after the other, a site's sets share one
core while the other idles (the SCIP rounds' lanes are closed by then). Here the sets, largest
first, go in turn to this process and to one child process (``python -m`` this module, not
``multiprocessing``: the API's job workers are daemonic processes, which may not have
``multiprocessing`` children), so each set gets about twice the time.

The child receives its sets pickled on its stdin (problem, own shifts, gain table), the shift
types and the round's deadline (``time.monotonic()`` is the system's monotonic clock, the
same in both processes), and answers the sets' rosters pickled on its stdout. A stop request
kills it; a child that dies or does not answer leaves its sets' shifts as they were (every
move keeps an agent's rules, so the roster stays valid either way).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.local_search import local_search
from optimizer.roster.problem import Roster, RosterProblem
from optimizer.roster.shifts import ShiftType

__all__ = ["SetJob", "search_lane", "search_on_two_lanes"]

GRACE_S = 5.0  # past the deadline: a child not answered by then is killed
MIN_LANE_S = 4.0  # rounds shorter than this stay in this process (a child starts in ~1 s)

SetJob = tuple[RosterProblem, Roster, NDArray[np.float64] | None]  # problem, own shifts, table


def search_lane(
    jobs: Sequence[SetJob],
    types: list[ShiftType],
    deadline: float,
    should_stop: Callable[[], bool] | None = None,
) -> list[Roster]:
    """Each set's shifts after today's local search against its problem (or its gain table),
    the sets in turn, each an equal share of the time left to ``deadline``; a set with a
    shift that is not an enumerated type keeps its shifts."""
    out: list[Roster] = []
    for i, (problem, own, table) in enumerate(jobs):
        end = time.monotonic() + max(0.2, (deadline - time.monotonic()) / (len(jobs) - i))
        with contextlib.suppress(ValueError):
            own, _ = local_search(problem, types, problem.agents, own, end,
                                  should_stop=should_stop, table=table)  # fmt: skip
        out.append(own)
    return out


class _Child:
    """One child process searching a lane's sets; its answer is read by a thread."""

    def __init__(self, payload: bytes) -> None:
        root = str(Path(__file__).resolve().parents[3])  # the folder holding ``optimizer``
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "optimizer.roster.site.set_lanes"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.answer: bytes | None = None
        self._thread = threading.Thread(target=self._talk, args=(payload,), daemon=True)
        self._thread.start()

    def _talk(self, payload: bytes) -> None:
        with contextlib.suppress(OSError, ValueError):  # the process was killed
            out, _ = self.process.communicate(payload)
            if self.process.returncode == 0:
                self.answer = out

    def result(self, until: float, should_stop: Callable[[], bool] | None) -> list[Roster] | None:
        """The child's rosters, ``None`` when it failed, was stopped or passed ``until``."""
        while self._thread.is_alive() and time.monotonic() < until:
            if should_stop is not None and should_stop():
                break
            self._thread.join(0.1)
        if self._thread.is_alive():
            self.process.kill()
            self._thread.join()
            return None
        return None if self.answer is None else pickle.loads(self.answer)


def search_on_two_lanes(
    jobs: Sequence[SetJob],
    types: list[ShiftType],
    deadline: float,
    should_stop: Callable[[], bool] | None = None,
) -> list[Roster]:
    """:func:`search_lane` over ``jobs`` with the sets, largest first, alternately here and in
    a child process (module docstring); in this process alone when there is one set or less
    than :data:`MIN_LANE_S` left. The rosters come back in ``jobs``' order."""
    if len(jobs) < 2 or deadline - time.monotonic() < MIN_LANE_S:
        return search_lane(jobs, types, deadline, should_stop)
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][0].agents))
    mine, theirs = order[0::2], order[1::2]
    child = _Child(pickle.dumps(([jobs[i] for i in theirs], types, deadline)))
    here = search_lane([jobs[i] for i in mine], types, deadline, should_stop)
    out: dict[int, Roster] = dict(zip(mine, here, strict=True))
    answered = child.result(deadline + GRACE_S, should_stop)
    kept = [jobs[i][1] for i in theirs] if answered is None else answered
    out.update(zip(theirs, kept, strict=True))
    return [out[i] for i in range(len(jobs))]


def _main() -> int:
    """The child: one lane's sets from stdin, their rosters to stdout."""
    jobs, types, deadline = pickle.load(sys.stdin.buffer)
    answer = pickle.dumps(search_lane(jobs, types, deadline))
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
