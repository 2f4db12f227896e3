"""Forecasting methods on the day x interval matrix (one file per method).

Every method follows ``forecasting.models.base.PointMethod``; prediction intervals, outlier
days, AHT and the choice of method are added around them by ``forecasting.forecast``.
"""

from __future__ import annotations

from forecasting.errors import Problem, ValidationError
from forecasting.models.base import PointMethod
from forecasting.models.benchmarks import SameWeekdayMean, SeasonalNaive
from forecasting.models.profile_volume import ProfileVolume
from forecasting.models.svd import SvdScores

#: The default Staffwise method: the best on the bank data's tuning weeks (docs/forecasting.md).
DEFAULT_METHOD = "svd_scores"


def benchmark_methods() -> tuple[PointMethod, ...]:
    """The benchmarks every Staffwise method must beat."""
    return (SeasonalNaive(), SameWeekdayMean(weeks=4))


def staffwise_methods() -> tuple[PointMethod, ...]:
    """Staffwise's own methods, the default first."""
    return (SvdScores(), ProfileVolume())


def method_by_name(name: str) -> PointMethod:
    """A method by its ``name`` (``ValidationError`` listing the known names otherwise)."""
    known = {m.name: m for m in (*staffwise_methods(), *benchmark_methods())}
    if name not in known:
        names = ", ".join(sorted([*known, "auto"]))
        raise ValidationError([Problem(None, "method", "unknown_method", f"{name!r}; use {names}")])
    return known[name]


def is_benchmark(method: PointMethod) -> bool:
    return method.name in {m.name for m in benchmark_methods()}


def default_method() -> PointMethod:
    return method_by_name(DEFAULT_METHOD)
