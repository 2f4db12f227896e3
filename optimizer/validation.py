"""Per-interval input checks shared by :mod:`optimizer.erlang` and :mod:`optimizer.requirements`.

Every problem is collected (up to :data:`MAX_PROBLEMS`) into one :class:`InputError` whose
``problems`` name the interval (``row``), the field and the reason.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.errors import InputError, Problem

__all__ = [
    "MAX_PROBLEMS",
    "FloatArray",
    "as_array",
    "broadcast",
    "check_values",
    "raise_if",
    "validate_positive_scalar",
]

FloatArray = NDArray[np.float64]

MAX_PROBLEMS = 50


def as_array(value: ArrayLike) -> FloatArray:
    """``value`` as a 1-D float64 array (a scalar becomes one entry)."""
    return np.atleast_1d(np.asarray(value, dtype=np.float64))


def _check(
    problems: list[Problem], bad: NDArray[np.bool_], field: str, code: str, message: str
) -> None:
    for index in np.flatnonzero(bad)[: MAX_PROBLEMS - len(problems)]:
        problems.append(Problem(row=int(index), field=field, code=code, message=message))


def check_values(
    problems: list[Problem], values: FloatArray, field: str, *, allow_zero: bool
) -> None:
    """Record non-finite and out-of-range entries of a per-interval input."""
    finite = np.isfinite(values)
    _check(problems, ~finite, field, "not_finite", f"{field} must be a finite number")
    low = values < 0 if allow_zero else values <= 0
    bound = ">= 0" if allow_zero else "> 0"
    _check(problems, finite & low, field, "out_of_range", f"{field} must be {bound}")


def raise_if(problems: list[Problem]) -> None:
    """Raise one :class:`InputError` with the problems ordered by interval (whole-input last)."""
    if problems:
        ordered = sorted(problems, key=lambda p: (p.row is None, p.row or 0))
        raise InputError(ordered[:MAX_PROBLEMS], truncated=len(problems) >= MAX_PROBLEMS)


def broadcast(fields: dict[str, FloatArray]) -> list[FloatArray]:
    """Broadcast per-interval arrays to one length (scalars repeat); report mismatches."""
    sizes = {name: arr.size for name, arr in fields.items() if arr.size != 1}
    lengths = set(sizes.values())
    if len(lengths) > 1:
        detail = ", ".join(f"{name}={size}" for name, size in sizes.items())
        problem = Problem(None, None, "length_mismatch", f"inputs differ in length: {detail}")
        raise InputError([problem])
    n = lengths.pop() if lengths else 1
    return [np.broadcast_to(arr, (n,)).astype(np.float64) for arr in fields.values()]


def validate_positive_scalar(problems: list[Problem], value: float, field: str) -> None:
    """Record ``field`` unless it is a finite number > 0."""
    if not np.isfinite(value) or value <= 0:
        problems.append(Problem(None, field, "out_of_range", f"{field} must be > 0"))
