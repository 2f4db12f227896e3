"""Load and fault check of the Staffwise service on loopback (a real uvicorn, ``staffwise serve
--demo``, on a temporary SQLite database; admin token from ``staffwise token create``).

Phases (``--phases``, default all):

1. ``baseline``: 200 concurrent read requests against an idle service; 20 concurrent roster
   jobs (each with its own Idempotency-Key), the same 200 reads while the solves run, polling
   until every job is finished; the 20 keys posted again: every answer must name the job
   created the first time. Checks: no error responses, no lost or duplicated jobs, every job
   succeeded.
2. ``roster-reads``, ``kill-worker``, ``kill-server``, ``import``: the fault and load figures of
   ``bench/api_faults.py`` (roster GET p95 under 5 roster jobs, jobs lost after kill -9 of a
   worker and of the server, ``/v1/health`` p95 during a 1,000,000-row history import).

The server runs with a 5 s job lease (a killed server's jobs are taken over sooner), a 200 MB
upload limit (the 1M-row CSV is about 45 MB) and no per-token rate limit (the bench's bursts).
Prints one table. Run: ``.venv/bin/python -m bench.api [--phases import,kill-server]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import REPO
from bench import api_faults as faults

WEEK = "2026-11-09"  # the week after the demo history


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [str(REPO / ".venv/bin/staffwise"), "serve", "--demo", "--port", str(port),
           "--database-url", f"sqlite:///{db}", "--workers", str(workers),
           "--log-level", "warning"]  # fmt: skip
    env = {**os.environ, "STAFFWISE_SOLVER_WORKERS": "1", "STAFFWISE_JOB_LEASE_S": "5",
           "STAFFWISE_MAX_UPLOAD_BYTES": str(200 * 1024 * 1024),
           "STAFFWISE_RATE_LIMIT_PER_S": "0"}  # fmt: skip
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL)


def admin_token(db: Path) -> dict[str, str]:
    """An admin bearer token (``staffwise token create``), or no header without sign-in."""
    cmd = [str(REPO / ".venv/bin/staffwise"), "token", "create", "--role", "admin",
           "--name", "bench", "--database-url", f"sqlite:///{db}"]  # fmt: skip
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    return {"Authorization": f"Bearer {lines[-1]}"} if done.returncode == 0 and lines else {}


async def wait_healthy(client: httpx.AsyncClient, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if (await client.get("/v1/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("service did not start")


async def wait_job(
    client: httpx.AsyncClient, job_id: int, timeout_s: float = 900
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = (await client.get(f"/v1/jobs/{job_id}")).json()
        if job["status"] not in ("queued", "running"):
            return job
        await asyncio.sleep(0.5)
    raise SystemExit(f"job {job_id} did not finish")


async def prepare(client: httpx.AsyncClient) -> dict[str, int]:
    site = (await client.get("/v1/sites")).json()["items"][0]
    queue = (await client.get(f"/v1/sites/{site['id']}/queues")).json()["items"][0]
    job = (await client.post(f"/v1/queues/{queue['id']}/forecasts", json={})).json()
    done = await wait_job(client, job["id"])
    assert done["status"] == "succeeded", done
    requirement = (await client.post("/v1/requirements",
                                     json={"forecast_id": done["result_id"]})).json()  # fmt: skip
    return {"site": site["id"], "queue": queue["id"], "requirement": requirement["id"]}


def read_paths(ids: dict[str, int]) -> list[str]:
    return [
        "/v1/sites",
        f"/v1/sites/{ids['site']}/agents",
        f"/v1/queues/{ids['queue']}",
        f"/v1/requirements/{ids['requirement']}",
        "/v1/jobs?kind=roster",
    ]


async def reads(
    client: httpx.AsyncClient, paths: list[str], count: int
) -> tuple[list[float], list[int]]:
    async def one(i: int) -> tuple[float, int]:
        started = time.perf_counter()
        response = await client.get(paths[i % len(paths)])
        return time.perf_counter() - started, response.status_code

    results = await asyncio.gather(*(one(i) for i in range(count)))
    return [r[0] for r in results], [r[1] for r in results]


async def post_jobs(client: httpx.AsyncClient, ids: dict[str, int], count: int,
                    limit_s: float) -> list[httpx.Response]:  # fmt: skip
    async def one(i: int) -> httpx.Response:
        body = {"requirement_id": ids["requirement"], "week_start": WEEK,
                "time_limit_s": limit_s, "seed": i, "workers": 1}  # fmt: skip
        return await client.post("/v1/roster-jobs", json=body,
                                 headers={"Idempotency-Key": f"bench-{i}"})  # fmt: skip

    return list(await asyncio.gather(*(one(i) for i in range(count))))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def baseline(args: argparse.Namespace, client: httpx.AsyncClient,
                   ids: dict[str, int]) -> tuple[list[tuple[str, str]], bool]:  # fmt: skip
    """The original check: reads idle and under 20 roster jobs, no lost or duplicated job."""
    paths = read_paths(ids)
    idle, idle_codes = await reads(client, paths, args.reads)
    started = time.monotonic()
    posted = await post_jobs(client, ids, args.jobs, args.time_limit)
    loaded, load_codes = await reads(client, paths, args.reads)
    job_ids = [r.json()["id"] for r in posted]
    finished = [await wait_job(client, job_id) for job_id in job_ids]
    jobs_s = time.monotonic() - started
    reposted = await post_jobs(client, ids, args.jobs, args.time_limit)
    listed = (await client.get("/v1/jobs", params={"kind": "roster", "limit": 1000})).json()
    errors = sum(c >= 400 for c in idle_codes + load_codes)
    errors += sum(r.status_code != 202 for r in posted + reposted)
    statuses = [j["status"] for j in finished]
    ok_jobs = statuses.count("succeeded")
    duplicated = (
        len(job_ids)
        - len(set(job_ids))
        + sum(r.json()["id"] != j for r, j in zip(reposted, job_ids, strict=True))
    )
    lost = args.jobs - listed["total"] if listed["total"] <= args.jobs else 0
    extra = max(0, listed["total"] - args.jobs)
    objectives = [j["objective"] for j in finished if j["objective"] is not None]
    rows = [
        ("read requests (idle / under load)", f"{args.reads} / {args.reads}"),
        ("read p50 idle (ms)", f"{1000 * statistics.median(idle):.1f}"),
        ("read p95 idle (ms)", f"{1000 * pct(idle, 0.95):.1f}"),
        ("read max idle (ms)", f"{1000 * max(idle):.1f}"),
        ("read p50 under solve load (ms)", f"{1000 * statistics.median(loaded):.1f}"),
        ("read p95 under solve load (ms)", f"{1000 * pct(loaded, 0.95):.1f}"),
        ("read max under solve load (ms)", f"{1000 * max(loaded):.1f}"),
        ("p95 ratio load / idle", f"{pct(loaded, 0.95) / pct(idle, 0.95):.2f}x"),
        ("roster jobs posted / succeeded", f"{args.jobs} / {ok_jobs}"),
        ("jobs lost / duplicated / extra", f"{lost} / {duplicated} / {extra}"),
        ("all jobs finished after (s)", f"{jobs_s:.1f}"),
        (
            "objective min / max",
            f"{min(objectives):.2f} / {max(objectives):.2f}" if objectives else "-",
        ),
        ("error responses", str(errors)),
    ]
    good = errors == 0 and ok_jobs == args.jobs and not (lost or duplicated or extra)
    return rows, good


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':<{width}} | value")
    print(f"{'-' * width}-|------")
    for name, value in rows:
        print(f"{name:<{width}} | {value}")


PHASES = ("baseline", "roster-reads", "kill-worker", "kill-server", "import")


async def run(args: argparse.Namespace, db: Path) -> int:
    limits = httpx.Limits(max_connections=args.reads, max_keepalive_connections=args.reads)
    servers: list[subprocess.Popen[bytes]] = []

    async def start() -> tuple[httpx.AsyncClient, subprocess.Popen[bytes]]:
        port = free_port()
        server = start_server(db, port, args.workers)
        servers.append(server)
        client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120,
                                   limits=limits)  # fmt: skip
        await wait_healthy(client)
        client.headers.update(admin_token(db))
        return client, server

    client, server = await start()
    rows: list[tuple[str, str]] = []
    good = True
    try:
        ids = await prepare(client)
        phases = args.phases.split(",")
        if "baseline" in phases:
            found, good = await baseline(args, client, ids)
            rows += found
        if "roster-reads" in phases:
            rows += await faults.roster_reads_phase(client, ids["requirement"], WEEK, args.reads)
        if "kill-worker" in phases:
            rows += await faults.kill_worker_phase(client, db, ids["requirement"], WEEK, 4)
        if "kill-server" in phases:
            found, client, server = await faults.kill_server_phase(
                start, client, server, db, ids["requirement"], WEEK, 4)  # fmt: skip
            rows += found
        if "import" in phases:
            rows += await faults.import_phase(client, args.import_rows)
    finally:
        await client.aclose()
        for process in servers:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
    print_table(rows)
    print("PASS" if good else "FAIL")
    return 0 if good else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=10.0, help="per roster job (s)")
    parser.add_argument("--workers", type=int, default=2, help="job executor processes")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"of {', '.join(PHASES)}")
    parser.add_argument("--import-rows", type=int, default=faults.IMPORT_ROWS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(run(args, Path(tmp) / "bench.db"))


if __name__ == "__main__":
    sys.exit(main())
