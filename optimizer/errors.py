"""Exceptions raised by the optimizer package."""

from __future__ import annotations

from forecasting.errors import InvalidInput, Problem

__all__ = ["InputError", "OptimizerError", "Problem"]


class OptimizerError(Exception):
    """Base class of every error the optimizer package raises on purpose."""


class InputError(OptimizerError, InvalidInput):
    """Invalid input; each problem names the offending interval (``row``) and field."""

    row_label = "interval"
