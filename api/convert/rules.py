"""Shift rules: the API body <-> the stored row (rules and objective apart), and the core's
:class:`~optimizer.roster.problem.Rules` and objective weights of a body."""

from __future__ import annotations

import re
from typing import Any

from api.schemas import BreakRule, ShiftRulesBody
from api.tables import ShiftRules
from forecasting.errors import InvalidInput, Problem
from optimizer.roster import problem as rp
from optimizer.roster.break_rules import parse_rule_sets, two_breaks_and_lunch
from optimizer.roster.diagnose import grid_conflicts

OBJECTIVE_FIELDS = (
    "under_per_agent_interval",
    "over_per_agent_interval",
    "paid_per_agent_interval",
)


def split_rules(body: ShiftRulesBody) -> tuple[dict[str, Any], dict[str, Any]]:
    rules = body.model_dump(by_alias=True)  # a window's "from", as the interchange format
    objective = {name: rules.pop(name) for name in OBJECTIVE_FIELDS}
    return rules, objective


def rules_body(row: ShiftRules | None) -> ShiftRulesBody:
    if row is None:
        return ShiftRulesBody()
    return ShiftRulesBody.model_validate({**row.rules, **row.objective})


def core_activity(rule: BreakRule | None) -> rp.ActivityRule:
    """A break or lunch rule as the core's; ``None`` (no such activity) is never required."""
    if rule is None:
        return rp.ActivityRule(15, True, 10**6, 0, 1440, 0)
    return rp.ActivityRule(
        rule.duration_minutes, rule.paid, rule.required_if_paid_minutes_at_least,
        rule.earliest_start_after_shift_start_minutes,
        rule.latest_start_after_shift_start_minutes, rule.min_minutes_before_shift_end,
    )  # fmt: skip


def _rule_sets(body: ShiftRulesBody) -> tuple[tuple[rp.BreakRuleSet, ...] | None, list[Problem]]:
    """The body's ``break_rule_sets`` as the core's (``None`` when absent) and the problems
    found: the core's checks (window order, overlapping bands, a kind paid in one set and
    unpaid in another), bands out of ascending order, and the two-breaks shortcut set too."""
    if body.break_rule_sets is None:
        return None, []
    problems: list[Problem] = []

    def fail(field: str, code: str, message: str) -> None:
        problems.append(Problem(None, dotted(field), code, message))

    if body.two_breaks_and_lunch_from_paid_minutes is not None:
        fail(
            "two_breaks_and_lunch_from_paid_minutes",
            "conflict",
            "null when break_rule_sets is given",
        )
    lows = [b.min_paid_minutes for b in body.break_rule_sets]
    for i in range(1, len(lows)):
        if lows[i] <= lows[i - 1]:
            fail(f"break_rule_sets.{i}.min_paid_minutes", "order", "bands in ascending order")
    raw = [b.model_dump(by_alias=True) for b in body.break_rule_sets]
    sets = parse_rule_sets(raw, "break_rule_sets", 1, fail)
    return sets, problems


def dotted(field: str) -> str:
    """A core field path as the request body's validation errors name it
    (``break_rule_sets[1].activities[0]`` -> ``break_rule_sets.1.activities.0``)."""
    return re.sub(r"\[(\d+)\]", r".\1", field)


def rule_set_problems(body: ShiftRulesBody) -> list[Problem]:
    """What is wrong with the body's ``break_rule_sets`` (empty: nothing, or none given)."""
    return _rule_sets(body)[1]


def core_rules(body: ShiftRulesBody) -> rp.Rules:
    """The shift rules as the core's :class:`~optimizer.roster.problem.Rules`: the body's
    break rule sets when given (a body with :func:`rule_set_problems` is refused before),
    else its break and lunch, with the two-breaks-and-lunch set for long shifts when asked."""
    sets, problems = _rule_sets(body)
    if problems:
        raise ValueError(f"invalid break_rule_sets: {problems[0].message}")
    legacy = sets is None
    rules = rp.Rules(
        body.shift_start_granularity_minutes, body.min_rest_between_shifts_minutes,
        body.max_consecutive_working_days, body.min_days_off_per_week,
        body.min_work_between_activities_minutes,
        core_activity(body.break_rule if legacy else None),
        core_activity(body.lunch_rule if legacy else None), sets,
    )  # fmt: skip
    start = body.two_breaks_and_lunch_from_paid_minutes
    if start is None:
        return rules
    return two_breaks_and_lunch(rules, start, body.min_work_between_activities_minutes)


def own_rule_sets(rules: rp.Rules) -> bool:
    """True when ``rules`` came from a body's own ``break_rule_sets`` (its break and lunch
    are then never required), not from the two-breaks-and-lunch shortcut."""
    never = core_activity(None)
    return rules.rule_sets is not None and rules.break_rule == rules.lunch_rule == never


def core_weights(body: ShiftRulesBody) -> rp.ObjectiveWeights:
    """The objective weights of the shift rules as the core's."""
    return rp.ObjectiveWeights(
        under_per_agent_interval=body.under_per_agent_interval,
        over_per_agent_interval=body.over_per_agent_interval,
        paid_per_agent_interval=body.paid_per_agent_interval,
    )


def api_field(field: str, own_sets: bool = False) -> str:
    """A :func:`grid_conflicts` field as the shift rules name it (``rules.break.x`` ->
    ``break_rule.x``; a rule set's field as the body's own ``break_rule_sets`` when
    ``own_sets``, else the two-breaks-and-lunch shortcut that made it); contract fields stay
    as they are."""
    name = field.removeprefix("rules.")
    if name.startswith("break_rule_sets"):
        return dotted(name) if own_sets else "two_breaks_and_lunch_from_paid_minutes"
    for kind in ("break", "lunch"):
        if name.startswith(f"{kind}."):
            name = f"{kind}_rule." + name.removeprefix(f"{kind}.")
    return name


def check_grid(problem: rp.RosterProblem) -> None:
    """A 422 naming the fields when the queue's interval and the site's shift rules or the
    agents' contracts cannot give a valid roster (e.g. a 15-min break on a 30-min queue):
    ``shift_rules.break_rule.duration_minutes``, ``contracts[PT].shift_paid_minutes``."""
    own = own_rule_sets(problem.rules)
    problems = []
    for c in grid_conflicts(problem.interval_min, problem.rules, problem.contracts):
        field = c.field
        if field.startswith("rules."):
            field = "shift_rules." + api_field(field, own)
        message = f"queue interval {problem.interval_min} min: {c.message}"
        problems.append(Problem(None, field, c.code, message))
    if problems:
        raise InvalidInput(problems)
