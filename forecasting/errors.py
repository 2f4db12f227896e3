"""Exceptions raised by the forecasting package.

``Problem`` and ``InvalidInput`` are the one shape of "bad input" across the core: forecasting
is the lowest layer, so ``optimizer.errors`` and ``scenarios.errors`` build on these, and the API
maps every ``InvalidInput`` to a 422 problem+json with ``errors: [{row, field, code, message}]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: where it is (row, field), a stable code and a readable message.

    ``row`` is the 1-based data row of a CSV (header excluded), the 0-based interval index of an
    array input, or ``None`` when the problem concerns the whole input.
    """

    row: int | None
    field: str | None
    code: str
    message: str


class InvalidInput(ValueError):
    """Input rejected; ``problems`` lists every problem found (possibly capped)."""

    row_label = "row"

    def __init__(self, problems: list[Problem], *, truncated: bool = False) -> None:
        self.problems = list(problems)
        self.truncated = truncated
        first = self.problems[0] if self.problems else None
        if first is None:
            head = "invalid input"
        elif first.row is None:
            head = f"{first.field}: {first.message}"
        else:
            head = f"{first.field} ({self.row_label} {first.row}): {first.message}"
        more = f" and {len(self.problems) - 1} more problem(s)" if len(self.problems) > 1 else ""
        super().__init__(head + more)


class ForecastingError(Exception):
    """Base class of every error the forecasting package raises on purpose."""


class ValidationError(ForecastingError, InvalidInput):
    """History or forecast input rejected (CSV rows, parameters)."""


class InsufficientHistoryError(ForecastingError, ValueError):
    """Not enough clean history to fit the requested method."""
