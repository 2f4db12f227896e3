"""Export the demo week as a roster instance (``staffwise-roster-instance/1``).

The demo site of ``staffwise serve --demo`` (:mod:`api.demo`, Staffwise's own synthetic data)
is loaded into a temporary SQLite database; its queue is forecast and turned into a requirement
through the API (the same routes a newcomer uses), and the roster problem of the week of
2026-11-09 is built by :func:`api.convert.roster.build_problem`, the conversion a roster job
uses. The problem is written in the interchange format (:func:`instance_json`), so the roster
bench can solve the demo week like the shared instances.

Usage: ``.venv/bin/python -m bench.demo_instance [-o bench/instances/demo-week.json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth import token_hash
from api.convert.roster import build_problem
from api.db import make_engine, upgrade, writer
from api.demo import load_demo
from api.main import create_app
from api.settings import Settings
from api.tables import AccessToken, Requirement
from bench import REPO
from optimizer.roster.problem import ActivityRule, Agent, RosterProblem

WEEK = dt.date(2026, 11, 9)  # the week after the demo's ten weeks of history
OUT = REPO / "bench" / "instances" / "demo-week.json"
TOKEN = "sw_bench-demo-export-token-of-a-temporary-database"
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


ACTIVITY_KEYS = (  # interchange key -> ActivityRule field
    ("duration_minutes", "duration_min"),
    ("paid", "paid"),
    ("required_if_paid_minutes_at_least", "required_if_paid_min_at_least"),
    ("earliest_start_after_shift_start_minutes", "earliest_start_after_shift_start_min"),
    ("latest_start_after_shift_start_minutes", "latest_start_after_shift_start_min"),
    ("min_minutes_before_shift_end", "min_min_before_shift_end"),
)


def _activity(rule: ActivityRule) -> dict[str, Any]:
    return {key: getattr(rule, name) for key, name in ACTIVITY_KEYS}


def _window(w: tuple[int, int] | None) -> list[int] | None:
    return None if w is None else [w[0], w[1]]


def _agent(a: Agent) -> dict[str, Any]:
    return {
        "id": a.id,
        "contract": a.contract,
        "availability": [_window(w) for w in a.availability],
        "min_weekly_paid_minutes": a.min_weekly_paid_min,
        "max_weekly_paid_minutes": a.max_weekly_paid_min,
        "max_days": a.max_days,
        "history": {
            "consecutive_days_worked": a.history.consecutive_days_worked,
            "last_shift_end_minute": a.history.last_shift_end_min,
        },
    }


def instance_json(problem: RosterProblem, name: str) -> dict[str, Any]:
    """``problem`` in the interchange format (agents' preferences are not written: the demo's
    agents have none)."""
    r, w = problem.rules, problem.weights
    out: dict[str, Any] = {
        "schema": "staffwise-roster-instance/1",
        "name": name,
        "generator": "bench/demo_instance.py (api.demo, forecast, requirement, build_problem)",
        "interval_minutes": problem.interval_min,
        "days": problem.days,
        "day_names": DAY_NAMES[: problem.days],
        "opening_hours": [_window(o) for o in problem.opening_hours],
        "requirement": [list(day) for day in problem.requirement],
        "rules": {
            "shift_start_granularity_minutes": r.start_granularity_min,
            "min_rest_between_shifts_minutes": r.min_rest_min,
            "max_consecutive_working_days": r.max_consecutive_days,
            "min_days_off_per_week": r.min_days_off,
            "min_work_between_activities_minutes": r.min_work_between_activities_min,
            "break": _activity(r.break_rule),
            "lunch": _activity(r.lunch_rule),
        },
        "contracts": [
            {
                "id": c.id,
                "label": c.label,
                "shift_paid_minutes": list(c.shift_paid_min),
                "min_weekly_paid_minutes": c.min_weekly_paid_min,
                "max_weekly_paid_minutes": c.max_weekly_paid_min,
                "max_days": c.max_days,
            }
            for c in problem.contracts
        ],
        "objective": {
            "under_per_agent_interval": w.under_per_agent_interval,
            "over_per_agent_interval": w.over_per_agent_interval,
            "paid_per_agent_interval": w.paid_per_agent_interval,
        },
        "agents": [_agent(a) for a in problem.agents],
    }
    return out


def _wait(client: TestClient, job_id: int, polls: int = 6000) -> dict[str, Any]:
    """The job once finished (polled every 0.1 s, at most ``polls`` times)."""
    done = ("succeeded", "failed", "cancelled", "interrupted")
    for _ in range(polls):
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in done:
            return job
        time.sleep(0.1)
    raise RuntimeError(f"job {job_id} did not finish after {polls} polls")


def demo_problem(folder: Path) -> RosterProblem:
    """The demo week's roster problem, built in a temporary database under ``folder``."""
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(writer(engine)) as session:
        session.add(AccessToken(name="bench", role="admin", token_sha256=token_hash(TOKEN)))
        session.commit()
    settings = Settings(database_url=url, executor="thread", workers=1)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings), headers=headers) as client:
        ids = load_demo(engine)
        forecast = client.post(f"/v1/queues/{ids.queue_id}/forecasts", json={}).json()
        job = _wait(client, forecast["id"])
        if job["status"] != "succeeded":
            raise RuntimeError(f"forecast job {job['status']}: {job.get('error')}")
        body = {"forecast_id": job["result_id"]}
        requirement_id = client.post("/v1/requirements", json=body).json()["id"]
    with Session(engine) as session:
        requirement = session.get(Requirement, requirement_id)
        assert requirement is not None
        problem = build_problem(session, requirement, WEEK).problem
    engine.dispose()
    return problem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        problem = demo_problem(Path(folder))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    data = instance_json(problem, "demo-week")
    args.output.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{args.output}: {len(problem.agents)} agents, week of {WEEK}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
