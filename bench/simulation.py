"""Simulation benchmark: throughput, a general-purpose DES library on the same callers, and a
replay of the Technion "Anonymous Bank" per-call log (Brown et al. 2005, JASA 100(469)).

1. Throughput: a week of 15-minute intervals (672), peak 2,000 calls per half hour, Erlang A
   staffing, lognormal handle times (CV 1.3), exponential patience, 20 replications.
   Goal: >= 1 million calls simulated per second.
2. Library comparison: the same sampled callers (arrivals, handle times, patience) run through
   Staffwise's compiled loop and through SimPy (``simpy`` installed in .venv for the bench only),
   a stationary M/M/N+M queue; counters must agree, speed is the ratio.
3. Replay: every day of the per-call log (January and October 1999). Per 15-minute interval
   the observed agent requests, the observed mean talk time and staffing inferred from the log
   are simulated (Poisson arrivals, lognormal service with the log's CV, patience resampled from
   the Kaplan-Meier estimate on censored waits); simulated abandonment and mean wait per hour
   are compared with the observed ones. Staffing inference, two ways:
   ``distinct``: agents who served any call overlapping the interval;
   ``available``: per second, agents busy, or idle between two calls less than 30 minutes
   apart while nobody waited (an idle agent while callers wait was not available to this
   queue: wrap-up, which the log does not record, other work, breaks), averaged and rounded.

Run: ``.venv/bin/python -m bench.simulation [--days N] [--replications R]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from bench import shared_dir
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents
from optimizer.simulation import (
    SimulationConfig,
    patience_samples_from_waits,
    simulate_queue,
)
from optimizer.simulation import counters as k
from optimizer.simulation.engine import run_replication
from optimizer.simulation.sampling import CallSample, draw_calls, replication_generators

INTERVAL_S = 900
DAY_INTERVALS = 96
TECHNION_FILE = "technion_calls_1999_jan_oct.csv"
GAP_MAX_S = 1800  # an agent idle longer than this between two calls was off shift
MIN_HOUR_CALLS = 20  # hours with fewer observed calls are too noisy to compare


def data_dir() -> Path:
    return shared_dir() / "data"


# ------------------------------------------------------------------------------------------
# 1. throughput


def week_profile(peak_per_half_hour: float = 2000.0) -> NDArray[np.float64]:
    """Calls per 15 minutes for a week: open 07:00-23:00, morning and afternoon peaks,
    Saturday at 60% and Sunday at 35% of a weekday."""
    t = np.arange(DAY_INTERVALS) / 4.0  # hour of day
    shape = np.exp(-(((t - 10.5) / 2.0) ** 2)) + 0.85 * np.exp(-(((t - 15.5) / 2.5) ** 2))
    shape = np.where((t >= 7) & (t < 23), 0.15 + shape, 0.0)
    day = peak_per_half_hour / 2.0 * shape / shape.max()
    return np.concatenate([day * f for f in (1, 1, 1, 1, 1, 0.6, 0.35)])


def throughput(replications: int = 20) -> dict[str, Any]:
    calls = week_profile()
    goal = ServiceGoal(service_level=0.8, answer_within_s=20.0)
    model = StaffingModel(kind="erlang_a", patience_s=180.0)
    agents = required_agents(calls, 300.0, interval_min=15, goal=goal, model=model).agents
    config = SimulationConfig(
        replications=replications,
        service="lognormal",
        service_cv=1.3,
        patience="exponential",
        patience_s=180.0,
    )
    t0 = time.perf_counter()
    simulate_queue(calls[:8], 300.0, agents[:8], SimulationConfig(replications=1))
    warm_s = time.perf_counter() - t0  # numba compile (or cache load) and imports
    t0 = time.perf_counter()
    result = simulate_queue(calls, 300.0, agents, config)
    seconds = time.perf_counter() - t0
    return {
        "calls_per_week": float(calls.sum()),
        "calls_simulated": result.calls_simulated,
        "seconds": seconds,
        "calls_per_s": result.calls_simulated / seconds,
        "first_call_s": warm_s,
        "service_level": result.overall.service_level.mean,
        "abandon_rate": result.overall.abandon_rate.mean,
    }


# ------------------------------------------------------------------------------------------
# 2. SimPy on the same callers


def simpy_run(sample: CallSample, agents: int, answer_within_s: float) -> dict[str, float]:
    """FCFS M/M/N+M in SimPy (Resource + reneging), fed the same sampled callers."""
    import simpy

    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    tally = {"answered": 0.0, "within": 0.0, "abandoned": 0.0, "wait_answered_s": 0.0}

    def caller(arrival: float, service: float, patience: float) -> Any:
        with desk.request() as req:
            got = yield req | env.timeout(patience)
            if req not in got:
                tally["abandoned"] += 1
                return
            wait = env.now - arrival
            tally["answered"] += 1
            tally["wait_answered_s"] += wait
            tally["within"] += wait <= answer_within_s
            yield env.timeout(service)

    def source() -> Any:
        for a, s, p in zip(sample.arrival_s, sample.service_s, sample.patience_s, strict=True):
            yield env.timeout(a - env.now)
            env.process(caller(a, s, p))

    env.process(source())
    env.run()
    return tally


def library_comparison(n_intervals: int = 32) -> dict[str, Any]:
    calls = np.full(n_intervals, 200.0)  # 200 calls / 15 min, AHT 180 s: 40 Erlangs
    config = SimulationConfig(replications=1, patience="exponential", patience_s=120.0)
    sample = draw_calls(
        replication_generators(config)[0].calls, calls, np.full(n_intervals, 180.0), config
    )
    agents = 40
    t0 = time.perf_counter()
    ours = run_replication(sample, np.full(n_intervals, agents, dtype=np.int64), config).sum(axis=0)
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = simpy_run(sample, agents, config.answer_within_s)
    simpy_s = time.perf_counter() - t0
    same = (
        ours[k.ANSWERED] == theirs["answered"]
        and ours[k.ABANDONED] == theirs["abandoned"]
        and ours[k.ANSWERED_WITHIN] == theirs["within"]
        and abs(ours[k.WAIT_ANSWERED_S] - theirs["wait_answered_s"])
        < 1e-6 * max(1.0, ours[k.WAIT_ANSWERED_S])
    )
    calls_n = sample.arrival_s.shape[0]
    return {
        "calls": calls_n,
        "staffwise_s": ours_s,
        "simpy_s": simpy_s,
        "staffwise_calls_per_s": calls_n / ours_s,
        "simpy_calls_per_s": calls_n / simpy_s,
        "speedup": simpy_s / ours_s,
        "identical": bool(same),
        "abandoned": (int(ours[k.ABANDONED]), int(theirs["abandoned"])),
    }


# ------------------------------------------------------------------------------------------
# 3. Technion replay


def load_technion(path: Path) -> pd.DataFrame:
    """Agent requests with the day, arrival second of the day, wait, talk time and server."""
    raw = pd.read_csv(path, parse_dates=["vru_exit", "ser_start", "ser_exit"])
    calls = raw[raw["agent_request"]].copy()
    calls["day"] = calls["vru_exit"].dt.normalize()
    calls["t_s"] = (calls["vru_exit"] - calls["day"]).dt.total_seconds()
    calls["interval"] = np.minimum(calls["t_s"] // INTERVAL_S, DAY_INTERVALS - 1).astype(int)
    served = calls["served"] & calls["ser_start"].notna()
    calls["s0_s"] = np.where(served, (calls["ser_start"] - calls["day"]).dt.total_seconds(), np.nan)
    calls["s1_s"] = np.where(served, (calls["ser_exit"] - calls["day"]).dt.total_seconds(), np.nan)
    return calls


def _mark(length: int, start: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Seconds covered by the half-open spans [start, end)."""
    edges = np.zeros(length + 1)
    np.add.at(edges, np.clip(start, 0, length), 1)
    np.add.at(edges, np.clip(end, 0, length), -1)
    return np.cumsum(edges)[:length] > 0


def distinct_servers(day: pd.DataFrame) -> NDArray[np.int64]:
    """Agents who served a call overlapping each interval."""
    served = day.dropna(subset=["s0_s"])
    out = np.zeros(DAY_INTERVALS, dtype=np.int64)
    for j in range(DAY_INTERVALS):
        overlap = (served["s0_s"] < (j + 1) * INTERVAL_S) & (served["s1_s"] > j * INTERVAL_S)
        out[j] = served.loc[overlap, "server"].nunique()
    return out


def available_agents(day: pd.DataFrame) -> NDArray[np.int64]:
    """Agents available to the queue per interval (busy, or idle while nobody waited)."""
    length = DAY_INTERVALS * INTERVAL_S
    queued = day[day["q_time"] > 0]
    q_start = queued["t_s"].to_numpy().astype(np.int64)
    waiting = _mark(length, q_start, q_start + queued["q_time"].to_numpy().astype(np.int64))
    available = np.zeros(length)
    served = day.dropna(subset=["s0_s"]).sort_values("s0_s")
    for _, agent in served.groupby("server"):
        s0 = agent["s0_s"].to_numpy().astype(np.int64)
        s1 = np.maximum(agent["s1_s"].to_numpy().astype(np.int64), s0 + 1)
        busy = _mark(length, s0, s1)
        gap_end, gap_start = s0[1:], s1[:-1]
        short = (gap_end > gap_start) & (gap_end - gap_start < GAP_MAX_S)
        idle = _mark(length, gap_start[short], gap_end[short])
        available += busy | (idle & ~waiting)
    per_interval = available.reshape(DAY_INTERVALS, INTERVAL_S).mean(axis=1)
    return np.round(per_interval).astype(np.int64)


def _hourly(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return values.reshape(*values.shape[:-2], 24, 4, values.shape[-1]).sum(axis=-2)


def replay_day(
    day: pd.DataFrame, staffing: str, patience: NDArray[np.float64], cv: float, replications: int
) -> pd.DataFrame:
    calls = np.bincount(day["interval"], minlength=DAY_INTERVALS).astype(np.float64)
    served = day[day["served"]]
    aht = np.full(DAY_INTERVALS, served["ser_time"].mean())
    by_interval = served.groupby("interval")["ser_time"].mean()
    aht[by_interval.index.to_numpy()] = np.maximum(by_interval.to_numpy(), 1.0)
    agents = available_agents(day) if staffing == "available" else distinct_servers(day)
    config = SimulationConfig(
        replications=replications,
        service="lognormal",
        service_cv=cv,
        patience="empirical",
        patience_samples_s=patience,
        seed=int(day["day"].iloc[0].strftime("%Y%m%d")),
    )
    totals = _hourly(simulate_queue(calls, aht, agents, config).totals)  # (R, 24, counters)
    arrivals = totals[..., k.ARRIVALS]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # hours without calls: NaN, dropped
        sim_abandon = totals[..., k.ABANDONED] / arrivals
        sim_wait = totals[..., k.WAIT_ALL_S] / (arrivals - totals[..., k.UNSERVED])
        mean_abandon, mean_wait = np.nanmean(sim_abandon, 0), np.nanmean(sim_wait, 0)
        noise_abandon = np.nanmean(np.abs(sim_abandon - mean_abandon), 0)
        noise_wait = np.nanmean(np.abs(sim_wait - mean_wait), 0)
    hour = day["interval"] // 4
    observed = day.groupby(hour).agg(
        n=("t_s", "size"), obs_abandon=("abandoned_queue", "mean"), obs_wait_s=("q_time", "mean")
    )
    frame = pd.DataFrame(
        {
            "sim_abandon": mean_abandon,
            "sim_wait_s": mean_wait,
            # spread of a single simulated day-hour around the mean: the noise floor of the MAE
            "noise_abandon": noise_abandon,
            "noise_wait_s": noise_wait,
            "agents": agents.reshape(24, 4).mean(axis=1),
        }
    )
    frame = observed.join(frame, how="inner")
    frame = frame[frame["n"] >= MIN_HOUR_CALLS]
    frame.insert(0, "day", day["day"].iloc[0])
    frame.index.name = "hour"
    return frame.reset_index()


def replay(
    calls: pd.DataFrame, staffing: str, replications: int, days: int | None = None
) -> pd.DataFrame:
    """Day-hour rows of observed vs simulated abandonment and mean wait."""
    patience = patience_samples_from_waits(
        calls["q_time"].to_numpy(np.float64), calls["abandoned_queue"].to_numpy()
    )
    served = calls.loc[calls["served"], "ser_time"]
    cv = float(served.std() / served.mean())
    all_days = sorted(calls["day"].unique())
    chosen = all_days if days is None else all_days[:: max(1, len(all_days) // days)][:days]
    frames = [
        replay_day(calls[calls["day"] == d], staffing, patience, cv, replications) for d in chosen
    ]
    return pd.concat(frames, ignore_index=True)


def _weighted_mae(profile: pd.DataFrame, name: str) -> float:
    gap = (profile[f"sim_{name}"] - profile[f"obs_{name}"]).abs()
    return float((gap * profile["calls"]).sum() / profile["calls"].sum())


def hour_profile(rows: pd.DataFrame) -> pd.DataFrame:
    """Call-weighted observed and simulated figures per hour of the day."""
    cols = ["obs_abandon", "sim_abandon", "obs_wait_s", "sim_wait_s"]
    weighted = rows[cols].mul(rows["n"], axis=0).assign(hour=rows["hour"], n=rows["n"])
    sums = weighted.groupby("hour").sum()
    out = sums[cols].div(sums["n"], axis=0)
    out.insert(0, "calls", sums["n"])
    out.insert(1, "day_hours", rows.groupby("hour").size())
    return out


def replay_errors(rows: pd.DataFrame) -> dict[str, float]:
    """MAE per day-hour, call-weighted totals and the call-weighted MAE of the hour profile."""
    w = rows["n"]
    prof = hour_profile(rows)
    return {
        "day_hours": float(len(rows)),
        "days": float(rows["day"].nunique()),
        "mae_abandon": float((rows["sim_abandon"] - rows["obs_abandon"]).abs().mean()),
        "noise_abandon": float(rows["noise_abandon"].mean()),
        "mae_wait_s": float((rows["sim_wait_s"] - rows["obs_wait_s"]).abs().mean()),
        "noise_wait_s": float(rows["noise_wait_s"].mean()),
        "obs_abandon": float((rows["obs_abandon"] * w).sum() / w.sum()),
        "sim_abandon": float((rows["sim_abandon"] * w).sum() / w.sum()),
        "obs_wait_s": float((rows["obs_wait_s"] * w).sum() / w.sum()),
        "sim_wait_s": float((rows["sim_wait_s"] * w).sum() / w.sum()),
        "profile_mae_abandon": _weighted_mae(prof, "abandon"),
        "profile_mae_wait_s": _weighted_mae(prof, "wait_s"),
    }


# ------------------------------------------------------------------------------------------


def _print_table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=None, help="replay only N days (default all)")
    parser.add_argument("--replications", type=int, default=20)
    args = parser.parse_args()

    tp = throughput(args.replications)
    _print_table(
        "1. Throughput: week of 15-min intervals, peak 2,000 calls per half hour "
        "(goal >= 1e6 calls/s)",
        [
            ("expected calls per week", f"{tp['calls_per_week']:,.0f}"),
            ("replications", str(args.replications)),
            ("calls simulated", f"{tp['calls_simulated']:,}"),
            ("seconds", f"{tp['seconds']:.2f}"),
            ("calls simulated per second", f"{tp['calls_per_s']:,.0f}"),
            ("first call (compile/cache load) s", f"{tp['first_call_s']:.2f}"),
            ("simulated SL / abandon", f"{tp['service_level']:.3f} / {tp['abandon_rate']:.3f}"),
        ],
    )
    try:
        import simpy  # noqa: F401  (bench-only peer: pip install "simpy>=4.1,<5")
    except ImportError:
        print("\n2. Library comparison skipped: simpy is not installed (pip install simpy)")
    else:
        _print_library(library_comparison())
    _replay_tables(args.replications, args.days)
    return 0


def _print_library(lib: dict[str, Any]) -> None:
    _print_table(
        "2. Same callers, M/M/40+M, 32 x 15 min: Staffwise loop vs SimPy 4 (baseline)",
        [
            ("calls", f"{lib['calls']:,}"),
            (
                "Staffwise s / calls per s",
                f"{lib['staffwise_s']:.4f} / {lib['staffwise_calls_per_s']:,.0f}",
            ),
            ("SimPy s / calls per s", f"{lib['simpy_s']:.3f} / {lib['simpy_calls_per_s']:,.0f}"),
            ("speed ratio (SimPy time / Staffwise time)", f"{lib['speedup']:,.0f}x"),
            ("identical counters (answered, abandoned, within T, waits)", str(lib["identical"])),
        ],
    )


def _replay_tables(replications: int, days: int | None) -> None:
    path = data_dir() / TECHNION_FILE
    if not path.exists():
        print(f"\n3. Replay skipped: {path} not found (set STAFFWISE_SHARED_DIR)")
        return
    calls = load_technion(path)
    for staffing in ("available", "distinct"):
        t0 = time.perf_counter()
        rows = replay(calls, staffing, replications, days)
        err = replay_errors(rows)
        _print_table(
            f"3. Technion replay, staffing '{staffing}' ({err['days']:.0f} days, "
            f"{err['day_hours']:.0f} day-hours, {time.perf_counter() - t0:.1f} s)",
            [
                (
                    "abandon rate observed / simulated",
                    f"{err['obs_abandon']:.4f} / {err['sim_abandon']:.4f}",
                ),
                (
                    "mean wait s observed / simulated",
                    f"{err['obs_wait_s']:.1f} / {err['sim_wait_s']:.1f}",
                ),
                (
                    "MAE per day-hour: abandon (noise floor)",
                    f"{err['mae_abandon']:.4f} ({err['noise_abandon']:.4f})",
                ),
                (
                    "MAE per day-hour: wait s (noise floor)",
                    f"{err['mae_wait_s']:.1f} ({err['noise_wait_s']:.1f})",
                ),
                ("MAE hour-of-day profile: abandon", f"{err['profile_mae_abandon']:.4f}"),
                ("MAE hour-of-day profile: wait s", f"{err['profile_mae_wait_s']:.1f}"),
            ],
        )
        if staffing == "available":
            print("\n  hour-of-day profile (call-weighted over the days replayed)")
            print(hour_profile(rows).round(3).to_string())


if __name__ == "__main__":
    raise SystemExit(main())
