"""schemathesis (every check, bounded examples, a fixed seed) against the service on uvicorn
with an admin token and the demo site loaded: no server error, no answer outside the
document. The schema-valid requests the service refuses on purpose (422 for a rule no JSON
Schema can state, such as a week_start on the site's week day) are listed in
``DOCUMENTED_REJECTIONS`` and in docs/api.md ("What schemathesis reports").
"""

from __future__ import annotations

import collections
import os
import re
import resource
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from api.db import make_engine, upgrade
from api.demo import load_demo
from tests.api.conftest import make_settings
from tests.api.support import ADMIN_TOKEN
from tests.api.test_edge import live_server

MAX_EXAMPLES = 5
SCOPE_ENV = "STAFFWISE_TEST_SCHEMATHESIS"  # "all": on PostgreSQL too (SQLite always)
SEED = 20261206
# The 422 problems (code, field pattern) a schema-valid request may get: rules on stored data
# or across fields that JSON Schema cannot state. Each is explained in docs/api.md ("What
# schemathesis reports"); anything else fails the test.
DOCUMENTED_REJECTIONS: dict[str, str] = {
    "unknown_contract": r"contract_id",  # the contract must belong to the agent's site
    "unknown_queue": r"queue_ids",  # so must its queues
    "required": r"patience_s",  # erlang_a needs the queue's patience
    "conflicting-goal": r"goal\..*|model|patience_s",  # goal members that exclude each other
    "unattainable-goal": r"goal\..*",  # e.g. service_level 1.0: no staffing reaches it
    "wrong_week_start_day": r"week_start",  # a week starts on the site's week_start_day
    "no_history": r"history",  # a forecast needs an imported history
    "empty_file": r".*",  # an upload without data rows
    "unreadable": r"",  # an actuals upload that is not CSV text (e.g. a PNG)
    # shift rules on the queue's grid (the two-breaks-and-lunch set: 15-min breaks)
    "off_grid": r"(break_rule|lunch_rule)\..*|shift_.*|two_breaks_and_lunch_from_paid_minutes|"
    r"break_rule_sets\..*",
    # a site's own break rule sets: bands ascending and apart, a window's latest not before its
    # earliest, a kind paid in every set or none, and not with the two-breaks shortcut
    "order": r"break_rule_sets\.\d+\..*",
    "overlap": r"break_rule_sets",
    "paid": r"break_rule_sets",
    "conflict": r"two_breaks_and_lunch_from_paid_minutes",
    "invalid": r"cursor",  # a history cursor is opaque: only one the service issued
    "invalid_token_request": r"sites|role",  # token sites must exist; admin tokens take none
    "bad_date_format": r"date_format",  # a strftime format that reads day, month and year
    "before_start": r"end",  # a report's end date not before its start
    "live_queue": r"changes\.deadline_minutes",  # a deadline is for e-mail queues' scenarios
    # model validators across fields: window end after start (also a vacancy's), contract
    # weekly minimum at most the maximum and reachable, capacity plans with need_hours,
    # requirement_id or queue_id, attrition as bands or one rate, costs per FTE-week or per
    # productive hour; a cross-training entry names agents by count or by code; and a zone
    # must be in the IANA tz database
    "value_error": r"(opening_hours|availability)\.\d+|vacancies\.\d+\.availability|"
    r"attrition|costs|hiring|cross_training\.\d+|body|zone|",
    "no_plan": r"day",  # the intraday view needs a roster covering the day (stored data)
    # a client's queues: at its answered-within threshold, one zone and week (stored data);
    # a service report names queues or a client, and a client's report needs its queues
    "threshold_mismatch": r"queue_ids",
    "mixed_sites": r"queue_ids|queue_id",
    "queue_or_client": r"queue_id",
    "no_queues": r"client_id",
    # a swap needs a shift on one side; a time-off request's impact or cover needs a day of
    # the roster's week (stored data)
    "no_shift": r"day",
    "outside_week": r"roster_id",
}


@dataclass
class Finding:
    check: str
    operation: str
    status: int | None
    problems: tuple[tuple[str, str], ...]  # (code, field) of a 422
    curl: str


def _config() -> Any:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "checks": {"enabled": True},  # --checks all
            "generation": {"max-examples": MAX_EXAMPLES},
            "phases": {"stateful": {"enabled": False}},
            "workers": 1,
            "headers": {"Authorization": f"Bearer {ADMIN_TOKEN}"},
            "request-timeout": 60,
        }
    )


def _problems(response: Any) -> tuple[tuple[str, str], ...]:
    try:
        body = response.json()
    except ValueError:
        return ()
    if not isinstance(body, dict):
        return ()
    errors = body.get("errors") or []
    return tuple(sorted({(str(e.get("code")), str(e.get("field") or "")) for e in errors}))


@dataclass
class Run:
    cases: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: collections.Counter[str] = field(default_factory=collections.Counter)


def run_schemathesis(base: str) -> Run:
    """Cases generated, every failed check and the seconds per operation of one run."""
    schema = schemathesis.openapi.from_url(base + "/openapi.json", config=_config())
    run = Run()
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            raise AssertionError(f"schemathesis stopped: {event.exception!r}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        run.cases += len(recorder.cases)
        run.seconds[recorder.label] += round(event.elapsed_time * 1000)  # ms
        for case_id, nodes in recorder.checks.items():
            for node in nodes:
                if node.failure_info is None:
                    continue
                response = recorder.find_response(case_id=case_id)
                run.findings.append(
                    Finding(
                        check=node.name,
                        operation=recorder.label,
                        status=None if response is None else response.status_code,
                        problems=() if response is None else _problems(response),
                        curl=node.failure_info.code_sample,
                    )
                )
    return run


def _documented(finding: Finding) -> bool:
    """A positive-data 422 whose every problem is a documented rule."""
    if finding.check != "positive_data_acceptance" or finding.status != 422:
        return False
    return bool(finding.problems) and all(
        code in DOCUMENTED_REJECTIONS and re.fullmatch(DOCUMENTED_REJECTIONS[code], field)
        for code, field in finding.problems
    )


def _cpu_s() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)[:400]


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if database_url.startswith("postgresql") and os.environ.get(SCOPE_ENV) != "all":
        pytest.skip(f"the PostgreSQL run takes another 2 minutes: set {SCOPE_ENV}=all for it")
    engine = make_engine(database_url)
    upgrade(engine)
    load_demo(engine)
    engine.dispose()
    # one job at a time: the jobs the run posts queue up instead of taking every core
    settings = make_settings(database_url, solver_time_limit_s=2.0, workers=1)
    started, cpu = time.monotonic(), _cpu_s()
    with live_server(settings) as base:
        run = run_schemathesis(base)
    seconds, cpu = time.monotonic() - started, _cpu_s() - cpu
    cases, findings = run.cases, run.findings
    bad = [f for f in findings if not _documented(f)]
    by_check = collections.Counter(f.check for f in findings)
    slowest = [(k, v / 1000) for k, v in run.seconds.most_common(3)]
    with capsys.disabled():
        print(
            f"\nschemathesis: {cases} cases in {seconds:.0f} s ({cpu:.0f} s CPU, client and "
            f"server); failed checks {dict(by_check)}, {len(findings) - len(bad)} of them "
            f"documented; slowest {slowest} (s)"
        )
    report = "\n".join(
        f"{f.check} {f.operation} -> {f.status} {f.problems}\n    {_one_line(f.curl)}" for f in bad
    )
    assert cases > 100
    assert not bad, f"{len(bad)} failures:\n{report}"
