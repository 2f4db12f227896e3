"""Run a few blocking calls side by side in threads (solver calls that release the GIL or
wait on a worker process), results in order, the first error raised in the caller."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

__all__ = ["side_by_side"]

T = TypeVar("T")


def side_by_side(
    calls: Sequence[Callable[[], T]], on_error: Callable[[], object] | None = None
) -> list[T]:
    """Each of ``calls`` in its own thread; their results in order. ``on_error`` runs as soon
    as one raises (e.g. to ask the others to stop); the first error is raised here once all
    have ended."""
    results: list[T | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except BaseException as error:  # raised again below, in the caller's thread
            errors.append(error)
            if on_error is not None:
                on_error()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return cast(list[T], results)  # every call returned (no error)
