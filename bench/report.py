"""Service report for October 1999 from the Israeli bank's public per-call log (issue #24).

Actuals: the Technion "Anonymous Bank" per-call file (``/work/shared/data``, see its README),
aggregated by Staffwise (``actuals.calls``: agent requests at VRU exit, 30-minute intervals,
answered within 20 s, short abandons under 5 s left out of the SL denominator) with agents
staffed counted from the spans the log proves (service starts to ends, pauses over 60 min end a
span). Plan, built by Staffwise from data before October only: the forecast of October's VRU
arrivals from the 1999 arrival counts of January-September (``forecasting``, method chosen by
backtest), times the January share of VRU arrivals that asked for an agent; planned handle
time and patience (abandons / total wait of the agent requests) from the January calls; agents
required per interval by Erlang A for the goal (80 % in 20 s; an assumption: the bank's own
goal is not in the data). No roster is solved: the plan staffs exactly the requirement, so the
staffing part is 0 and the attendance part compares the agents the log shows with it.
Reports the per-day table and the seconds to build it.

Run: ``.venv/bin/python -m bench.report``
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from actuals.attribution import FACTORS, QueueModel
from actuals.calls import (
    agent_attendance,
    interval_actuals,
    staffed_per_interval,
    technion_calls,
)
from actuals.report import Goal, service_report
from actuals.types import SlBasis
from bench import shared_dir
from forecasting.forecast import forecast_history
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents

ZONE = "Asia/Jerusalem"
GOAL = Goal(service_level=0.8, answer_within_s=20.0)
BASIS = SlBasis(answer_within_s=20.0, short_abandon_s=5.0)


def data_dir() -> Path:
    return shared_dir() / "data"


def actuals() -> tuple[pd.DataFrame, pd.DataFrame]:
    log = pd.read_csv(data_dir() / "technion_calls_1999_jan_oct.csv", dtype={"server": str})
    calls = technion_calls(log)
    frame = interval_actuals(calls, interval_min=30, basis=BASIS, zone=ZONE)
    spans = agent_attendance(calls, zone=ZONE, gap_min=60)
    frame["agents_staffed"] = staffed_per_interval(spans, frame["interval_start"], interval_min=30)
    return frame, calls


def january_inputs(frame: pd.DataFrame, calls: pd.DataFrame) -> dict[str, float]:
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(ZONE)
    january = frame[local.month == 1]
    arrivals = pd.read_csv(data_dir() / "technion_arrivals_30min_1999.csv", parse_dates=[0])
    vru_january = arrivals.loc[arrivals["timestamp"].dt.month == 1, "calls"].sum()
    jan_calls = calls[pd.to_datetime(calls["arrival"]).dt.month == 1]
    return {
        "agent_share": float(january["offered"].sum() / vru_january),
        "aht_s": float((january["aht_s"] * january["answered"]).sum() / january["answered"].sum()),
        "patience_s": float(jan_calls["wait_s"].sum() / (~jan_calls["answered"]).sum()),
    }


def plan(inputs: dict[str, float]) -> pd.DataFrame:
    arrivals = pd.read_csv(data_dir() / "technion_arrivals_30min_1999.csv", parse_dates=[0])
    before = arrivals[arrivals["timestamp"] < "1999-10-01"]
    starts = before["timestamp"].dt.tz_localize(ZONE, nonexistent="shift_forward", ambiguous=True)
    history = pd.DataFrame({"queue": "default", "interval_start": starts.dt.tz_convert("UTC"),
                            "offered": before["calls"].astype(float)})  # fmt: skip
    days = [dt.date(1999, 10, d) for d in range(1, 32)]
    forecast = forecast_history(history, zone=ZONE, interval_min=30, days=days)
    calls = forecast.frame["calls"].to_numpy(float) * inputs["agent_share"]
    need = required_agents(
        calls, inputs["aht_s"], interval_min=30, goal=ServiceGoal(0.8, 20.0),
        model=StaffingModel("erlang_a", patience_s=inputs["patience_s"]),
    )  # fmt: skip
    print(f"forecast method {forecast.method}; {len(calls)} intervals", file=sys.stderr)
    starts = pd.to_datetime(forecast.frame["interval_start"], utc=True)
    made = pd.Timestamp("1999-10-01", tz=ZONE)  # the data end on September 30
    share = inputs["agent_share"]  # the arrivals' interval times it (its own variation left out)
    return pd.DataFrame({"interval_start": starts, "calls": calls,
                         "aht_s": inputs["aht_s"], "required": need.agents.astype(float),
                         "rostered": need.agents.astype(float),
                         "calls_lo": forecast.frame["calls_lo"].to_numpy(float) * share,
                         "calls_hi": forecast.frame["calls_hi"].to_numpy(float) * share,
                         "pi_level": forecast.coverage,
                         "lead_days": (starts - made) / pd.Timedelta(days=1)})  # fmt: skip


def main() -> int:
    started = time.perf_counter()
    frame, calls = actuals()
    inputs = january_inputs(frame, calls)
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(ZONE)
    october = frame[local.month == 10].reset_index(drop=True)
    planned = plan(inputs)
    built = time.perf_counter()
    model = QueueModel("erlang_a", 30, 20.0, inputs["patience_s"], BASIS.model_measure)
    report = service_report(october, planned, goal=GOAL, basis=BASIS, model=model, zone=ZONE)
    done = time.perf_counter()
    print(f"inputs from January: {inputs}")
    print(f"SL basis: {BASIS.describe()}; goal 80 % in 20 s; Erlang A")
    columns = ["period", "offered", "service_level", "planned_sl", "asa_s", "abandon_rate",
               "aht_s", "met", *(f"attr_{f}" for f in (*FACTORS, "model_gap"))]  # fmt: skip
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(report.periods[columns].round(3).to_string(index=False))
    days = report.periods
    print(
        f"{int((~days['met']).sum())} of {len(days)} days missed; "
        f"{len(report.missed)} missed intervals"
    )
    mean_parts = days[[f"attr_{f}" for f in FACTORS]].mean().round(4).to_dict()
    print(f"mean attribution per day (SL points): {mean_parts}")
    month = service_report(october, planned, goal=GOAL, basis=BASIS, model=model, zone=ZONE,
                           grain="month").periods.iloc[0]  # fmt: skip
    print(f"October forecast of agent requests: WAPE {month['forecast_wape']:.3f}, bias "
          f"{month['forecast_bias']:+.3f}, inside the {month['forecast_pi_level']:.0%} "
          f"prediction interval {month['forecast_coverage']:.1%} of planned intervals "
          f"(mean lead {month['forecast_lead_days']:.1f} days)")  # fmt: skip
    print(f"actuals + plan {built - started:.1f} s, report {done - built:.2f} s")
    return 0 if np.isfinite(days["service_level"]).all() else 1


if __name__ == "__main__":
    sys.exit(main())
