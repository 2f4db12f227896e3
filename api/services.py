"""Translation between stored rows and the core's inputs (no algorithms live here)."""

from __future__ import annotations

from api.tables import Queue
from forecasting.errors import Problem


def goal_problems(queue: Queue) -> list[Problem]:
    """Service goals that contradict each other or the staffing model of ``queue``."""
    problems: list[Problem] = []

    def add(field: str, code: str, message: str) -> None:
        problems.append(Problem(row=None, field=field, code=code, message=message))

    if queue.model == "erlang_a" and queue.patience_s is None:
        add("patience_s", "required", "the erlang_a model needs the callers' mean patience_s")
    if queue.model == "erlang_c" and queue.max_abandon_rate is not None:
        add(
            "goal.max_abandon_rate",
            "conflicting-goal",
            "erlang_c assumes no caller abandons; use model erlang_a with patience_s "
            "to target an abandonment ceiling",
        )
    if queue.service_level >= 1.0:
        add(
            "goal.service_level",
            "unattainable-goal",
            "a service level of 100% cannot be guaranteed by a queue with random arrivals",
        )
    return problems
