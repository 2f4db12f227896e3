"""One linear-model seam for the site families: GLOP (continuous, float bounds) or CP-SAT
(integers: bounds rounded, coefficients must be whole).

The allocation and backlog families (:mod:`optimizer.roster.constraints.allocation`,
:mod:`optimizer.roster.constraints.backlog`) write to a :class:`Sink`; the exact cost of a
roster (:mod:`optimizer.roster.site.cost`), the LP bound and the CP-SAT site model
(:mod:`optimizer.roster.site.model`) share them. Objective terms are returned in cost units
(floats); :func:`scaled` turns them into the integer terms of the aggregate model.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

__all__ = ["CostTerms", "CpSink", "LinTerms", "LpSink", "Sink", "scaled"]

LinTerms = list[tuple[Any, float]]
CostTerms = list[tuple[Any, float]]


class Sink(Protocol):
    def var(self, lb: float, ub: float, name: str) -> Any: ...

    def add(self, terms: LinTerms, lb: float, ub: float, name: str) -> None: ...


class LpSink:
    """Continuous variables and constraints in a ``pywraplp`` (GLOP) solver."""

    def __init__(self, solver: pywraplp.Solver) -> None:
        self.solver = solver

    def var(self, lb: float, ub: float, name: str) -> pywraplp.Variable:
        inf = self.solver.infinity()
        return self.solver.NumVar(lb, ub if math.isfinite(ub) else inf, name)

    def add(self, terms: LinTerms, lb: float, ub: float, name: str) -> None:
        inf = self.solver.infinity()
        ct = self.solver.Constraint(
            lb if math.isfinite(lb) else -inf, ub if math.isfinite(ub) else inf, name
        )
        for var, coef in terms:
            ct.SetCoefficient(var, ct.GetCoefficient(var) + coef)


CP_BIG = 10**9


class CpSink:
    """Integer variables in a CP-SAT model (bounds rounded inwards, whole coefficients);
    ``variables`` collects every variable created (for hints by name)."""

    def __init__(self, model: cp_model.CpModel, variables: list[cp_model.IntVar]) -> None:
        self.model = model
        self.variables = variables

    def var(self, lb: float, ub: float, name: str) -> cp_model.IntVar:
        lo = math.ceil(lb - 1e-9) if math.isfinite(lb) else -CP_BIG
        hi = math.floor(ub + 1e-9) if math.isfinite(ub) else CP_BIG
        var = self.model.new_int_var(lo, max(lo, hi), name)
        self.variables.append(var)
        return var

    def add(self, terms: LinTerms, lb: float, ub: float, name: str) -> None:
        coefs = [round(c) for _, c in terms]
        if any(abs(c - r) > 1e-9 for (_, c), r in zip(terms, coefs, strict=True)):
            raise ValueError(f"{name}: CP-SAT constraints need whole coefficients")
        expr = cp_model.LinearExpr.weighted_sum([v for v, _ in terms], coefs)
        lo = math.ceil(lb - 1e-9) if math.isfinite(lb) else -CP_BIG
        hi = math.floor(ub + 1e-9) if math.isfinite(ub) else CP_BIG
        self.model.add_linear_constraint(expr, lo, hi).with_name(name)


def scaled(terms: CostTerms, scale: int) -> list[tuple[Any, int]]:
    """Cost terms as the aggregate model's integer objective terms (``scale`` per cost unit)."""
    return [(v, round(c * scale)) for v, c in terms if round(c * scale) != 0]
