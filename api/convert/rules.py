"""Shift rules: the API body <-> the stored row (rules and objective apart), and the core's
:class:`~optimizer.roster.problem.Rules` and objective weights of a body."""

from __future__ import annotations

from typing import Any

from api.schemas import BreakRule, ShiftRulesBody
from api.tables import ShiftRules
from optimizer.roster import problem as rp
from optimizer.roster.break_rules import two_breaks_and_lunch

OBJECTIVE_FIELDS = (
    "under_per_agent_interval",
    "over_per_agent_interval",
    "paid_per_agent_interval",
)


def split_rules(body: ShiftRulesBody) -> tuple[dict[str, Any], dict[str, Any]]:
    rules = body.model_dump()
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


def core_rules(body: ShiftRulesBody) -> rp.Rules:
    """The shift rules as the core's :class:`~optimizer.roster.problem.Rules` (with the
    two-breaks-and-lunch rule set for long shifts when the body asks for it)."""
    rules = rp.Rules(
        body.shift_start_granularity_minutes, body.min_rest_between_shifts_minutes,
        body.max_consecutive_working_days, body.min_days_off_per_week,
        body.min_work_between_activities_minutes, core_activity(body.break_rule),
        core_activity(body.lunch_rule),
    )  # fmt: skip
    start = body.two_breaks_and_lunch_from_paid_minutes
    if start is None:
        return rules
    return two_breaks_and_lunch(rules, start, body.min_work_between_activities_minutes)


def core_weights(body: ShiftRulesBody) -> rp.ObjectiveWeights:
    """The objective weights of the shift rules as the core's."""
    return rp.ObjectiveWeights(
        under_per_agent_interval=body.under_per_agent_interval,
        over_per_agent_interval=body.over_per_agent_interval,
        paid_per_agent_interval=body.paid_per_agent_interval,
    )


def api_field(field: str) -> str:
    """A :func:`grid_conflicts` field as the shift rules name it (``rules.break.x`` ->
    ``break_rule.x``); contract fields stay as they are."""
    name = field.removeprefix("rules.")
    if name.startswith("break_rule_sets"):  # only the two-breaks-and-lunch set comes from here
        return "two_breaks_and_lunch_from_paid_minutes"
    for kind in ("break", "lunch"):
        if name.startswith(f"{kind}."):
            name = f"{kind}_rule." + name.removeprefix(f"{kind}.")
    return name
