"""The executor seam (``make_executor``) and a process pool in which a dead worker fails only
its own call.

``concurrent.futures.ProcessPoolExecutor`` turns one dead worker (kill -9, the kernel's
out-of-memory killer) into a broken pool: it terminates every other worker, fails every pending
future and refuses all later submissions ("the process pool is not usable anymore"). Here each
of ``max_workers`` slots owns one long-lived ``spawn`` process and feeds it one call at a time
over a pipe; when the process dies, only the call it was running fails (``WorkerDied``, naming
the pid and the signal) and the slot starts a fresh process for its next call.

Workers notice when the process that started them is gone (checked every second): the running
call is asked to stop (``orphaned()``, polled by a job's ``should_stop``) and the worker exits
``ORPHAN_GRACE_S`` later, so a worker left over from a killed service does not go on solving.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from api.settings import Settings

_ORPHAN_CHECK_S = 1.0
ORPHAN_GRACE_S = 10.0
WORKER_NICE = 10  # added to the workers' nice value: requests first, solves on the rest


class WorkerDied(RuntimeError):
    """The worker process running a call ended without answering."""

    def __init__(self, pid: int | None, exitcode: int | None) -> None:
        self.pid, self.exitcode = pid, exitcode
        super().__init__(f"worker process {pid} died ({describe_exit(exitcode)})")


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit code"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = ": killed, e.g. by the out-of-memory killer" if name == "SIGKILL" else ""
        return f"{name}{hint}"
    return f"exit code {exitcode}"


_ORPHANED = threading.Event()


def orphaned() -> bool:
    """True in a worker whose service process is gone (its running call should stop now)."""
    return _ORPHANED.is_set()


def _exit_with_parent(parent_pid: int) -> None:
    while True:
        time.sleep(_ORPHAN_CHECK_S)
        if os.getppid() != parent_pid:
            _ORPHANED.set()  # the running job stops and keeps its best result as a checkpoint
            time.sleep(ORPHAN_GRACE_S)
            os._exit(70)


def _worker_main(conn: Connection, parent_pid: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    with contextlib.suppress(OSError):  # solves yield the CPU to the service's requests
        os.nice(WORKER_NICE)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        fn, args, kwargs = item
        try:
            answer: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except BaseException as exc:
            answer = ("error", exc)
        try:
            conn.send(answer)
        except OSError:  # the service is gone (broken pipe): nobody to answer
            return
        except Exception as exc:  # an unpicklable result or exception
            conn.send(("error", RuntimeError(f"worker could not send its answer: {exc!r}")))


@dataclass
class _Call:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool(Executor):
    """``max_workers`` slots, one process each; see the module docstring."""

    def __init__(self, max_workers: int, mp_context: Any = None) -> None:
        self._context = mp_context or multiprocessing.get_context("spawn")
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers: dict[int, _Worker] = {}
        self._busy: set[int] = set()
        self._shutdown = False
        self.max_workers = max_workers
        self.deaths = 0
        self._threads = [
            threading.Thread(target=self._serve, args=(slot,), daemon=True, name=f"pool-{slot}")
            for slot in range(max_workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future: Future[Any] = Future()
            self._calls.put(_Call(future, fn, args, kwargs))
            return future

    def state(self) -> dict[str, Any]:
        """Slots, live worker processes, busy slots, waiting calls and worker deaths so far."""
        with self._lock:
            alive = sum(w.process.is_alive() for w in self._workers.values())
            return {"workers": self.max_workers, "alive": alive, "busy": len(self._busy),
                    "queued": self._calls.qsize(), "worker_deaths": self.deaths,
                    "accepting": not self._shutdown}  # fmt: skip

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers.values() if w.process.pid is not None]

    def _spawn(self, slot: int) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(theirs, os.getpid()), daemon=True,
            name=f"staffwise-worker-{slot}",
        )  # fmt: skip
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _serve(self, slot: int) -> None:
        while (call := self._calls.get()) is not None:
            if not call.future.set_running_or_notify_cancel():
                continue
            with self._lock:
                worker = self._workers.get(slot)
                if worker is None or not worker.process.is_alive():
                    worker = self._workers[slot] = self._spawn(slot)
                self._busy.add(slot)
            try:
                self._call(slot, worker, call)
            finally:
                with self._lock:
                    self._busy.discard(slot)
        self._stop_worker(slot)

    def _call(self, slot: int, worker: _Worker, call: _Call) -> None:
        try:
            worker.conn.send((call.fn, call.args, call.kwargs))
        except Exception as exc:  # unpicklable call, or the worker is gone
            call.future.set_exception(exc)
            return
        ready = wait([worker.conn, worker.process.sentinel])
        if worker.conn in ready:
            try:
                kind, value = worker.conn.recv()
            except (EOFError, OSError):
                kind, value = "died", None
            if kind == "ok":
                call.future.set_result(value)
                return
            if kind == "error":
                call.future.set_exception(value)
                return
        worker.process.join(5)
        with self._lock:
            self.deaths += 1
            self._workers.pop(slot, None)
        call.future.set_exception(WorkerDied(worker.process.pid, worker.process.exitcode))

    def _stop_worker(self, slot: int) -> None:
        with self._lock:
            worker = self._workers.pop(slot, None)
        if worker is None:
            return
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.process.join(2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(2)

    def kill(self) -> None:
        """Kill every worker process now (the calls they run fail with ``WorkerDied``)."""
        with self._lock:
            processes = [w.process for w in self._workers.values()]
        for process in processes:
            if process.is_alive():
                process.kill()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
        if cancel_futures:
            while True:
                try:
                    call = self._calls.get_nowait()
                except queue.Empty:
                    break
                if call is not None:
                    call.future.cancel()
        for _ in self._threads:
            self._calls.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


# ---- the executor seam -------------------------------------------------------------------


@dataclass
class JobExecutor:
    """The one executor of a service instance, how to read its state and how to close it."""

    executor: Executor
    kind: str
    close: Callable[[], None]
    state: Callable[[], dict[str, Any]] = dict
    kill: Callable[[], None] = lambda: None


def make_executor(settings: Settings) -> JobExecutor:
    """The executor named by ``settings`` (Dask when a scheduler address is configured)."""
    kind = settings.executor_kind
    if kind == "dask":
        from dask.distributed import Client

        client = Client(settings.dask_scheduler, set_as_default=False)
        executor = client.get_executor(pure=False)

        def close_dask() -> None:
            executor.shutdown(wait=False)
            client.close()

        def dask_state() -> dict[str, Any]:
            workers = len(client.scheduler_info().get("workers", {}))
            return {"workers": workers, "accepting": client.status == "running" and workers > 0}

        return JobExecutor(executor, "dask", close_dask, dask_state)
    if kind == "thread":
        threads = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="job")
        return JobExecutor(threads, "thread", lambda: threads.shutdown(wait=True),
                           lambda: {"workers": settings.workers, "accepting": True})  # fmt: skip
    pool = WorkerPool(settings.workers)
    return JobExecutor(pool, "process", lambda: pool.shutdown(wait=True, cancel_futures=True),
                       pool.state, pool.kill)  # fmt: skip
