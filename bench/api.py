"""Load check of the Staffwise service on loopback (a real uvicorn, ``staffwise serve --demo``).

1. 200 concurrent read requests against an idle service (baseline);
2. 20 concurrent roster jobs (``POST /v1/roster-jobs``, each with its own Idempotency-Key),
   then the same 200 reads while the solves run, then polling until every job is finished;
3. the 20 keys posted again: every answer must name the job created the first time.

Checks: no error responses, no lost or duplicated jobs, every job succeeded. Prints a table with
the read latencies (p50 / p95 / max) idle and under load, and their ratio (load vs idle).
Run: ``.venv/bin/python bench/api.py [--jobs 20] [--reads 200] [--time-limit 10]``.
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

ROOT = Path(__file__).resolve().parents[1]
WEEK = "2026-11-09"  # the week after the demo history


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [str(ROOT / ".venv/bin/staffwise"), "serve", "--demo", "--port", str(port),
           "--database-url", f"sqlite:///{db}", "--workers", str(workers),
           "--log-level", "warning"]  # fmt: skip
    env = {**os.environ, "STAFFWISE_SOLVER_WORKERS": "1"}
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


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


async def run(args: argparse.Namespace, base_url: str) -> int:
    limits = httpx.Limits(max_connections=args.reads, max_keepalive_connections=args.reads)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        await wait_healthy(client)
        ids = await prepare(client)
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
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':<{width}} | value")
    print(f"{'-' * width}-|------")
    for name, value in rows:
        print(f"{name:<{width}} | {value}")
    good = errors == 0 and ok_jobs == args.jobs and not (lost or duplicated or extra)
    print("PASS" if good else "FAIL")
    return 0 if good else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=10.0, help="per roster job (s)")
    parser.add_argument("--workers", type=int, default=2, help="job executor processes")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "bench.db", port, args.workers)
        try:
            return asyncio.run(run(args, f"http://127.0.0.1:{port}"))
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
