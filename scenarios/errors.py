"""Exceptions raised by the scenarios package."""

from __future__ import annotations

from forecasting.errors import InvalidInput, Problem

__all__ = ["InputError", "Problem", "ScenarioError"]


class ScenarioError(Exception):
    """Base class of every error the scenarios package raises on purpose."""


class InputError(ScenarioError, InvalidInput):
    """Invalid or nonsensical scenario / capacity-plan input (``row`` is e.g. a week index)."""

    row_label = "week"
