"""One broken hard rule of a roster, as the rule families' pure checks report it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Violation"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken hard rule: which agent and day (``None`` for week-level rules)."""

    agent: str
    day: int | None
    rule: str
    message: str
