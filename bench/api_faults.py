"""Fault and load figures of the Staffwise service (run through ``bench/api.py``).

* ``import``: ``/v1/health`` latency (10 probes a second) while a 1,000,000-row history CSV is
  uploaded and imported (a ``history_import`` job), and the time of one history page;
* ``roster-reads``: 200 concurrent ``GET /v1/rosters/{id}`` while 5 roster jobs run (gzip
  accepted, as browsers and httpx do), and the same with ``If-None-Match`` (304): sent by a
  bare HTTP/1.1 client (:func:`lean_reads`, 200 open connections) so the figure is the
  service's; the same reads through httpx are shown beside it (httpx's own CPU, 5-8 ms a
  request, shares the 2 cores with the service);
* ``kill-server``: roster jobs running, the server killed with SIGKILL and started again on the
  same database: jobs that never succeed are lost;
* ``kill-worker``: a worker process running a roster job killed with SIGKILL: that job fails
  with a message, the others and later ones succeed, and re-posting its Idempotency-Key runs it
  again; jobs that never succeed are lost.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

IMPORT_ROWS = 1_000_000
Row = tuple[str, str]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: list[float], q: float) -> str:
    return f"{1000 * pct(values, q):.1f}" if values else "-"


def big_csv(rows: int) -> bytes:
    """``rows`` 15-minute intervals (UTC, from 1998) in the ACD export format."""
    from forecasting.synthetic import to_acd_csv

    rng = np.random.default_rng(7)
    starts = pd.date_range("1998-01-01", periods=rows, freq="15min", tz="UTC")
    offered = rng.poisson(20, rows).astype(float)
    handled = np.minimum(offered, rng.poisson(19, rows)).astype(float)
    frame = pd.DataFrame({"interval_start": starts, "offered": offered, "handled": handled,
                          "abandoned": offered - handled,
                          "aht_s": rng.normal(300, 20, rows).round(1)})  # fmt: skip
    return to_acd_csv(frame, "UTC").encode()


async def probe_health(client: httpx.AsyncClient, stop: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    while not stop.is_set():
        started = time.perf_counter()
        try:
            await client.get("/v1/health", timeout=30)
            latencies.append(time.perf_counter() - started)
        except httpx.TimeoutException:
            latencies.append(30.0)
        await asyncio.sleep(0.1)
    return latencies


async def while_probing(
    client: httpx.AsyncClient, work: Callable[[], Awaitable[Any]]
) -> tuple[Any, list[float]]:
    stop = asyncio.Event()
    probes = asyncio.create_task(probe_health(client, stop))
    try:
        result = await work()
    finally:
        stop.set()
    return result, await probes


async def wait_job(client: httpx.AsyncClient, job_id: int, timeout_s: float = 1800) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        if job["status"] not in ("queued", "running"):
            return job
        await asyncio.sleep(0.5)
    raise SystemExit(f"job {job_id} did not finish")


async def import_phase(client: httpx.AsyncClient, rows: int) -> list[Row]:
    data = big_csv(rows)
    hours = [{"start": "00:00", "end": "24:00"}] * 7
    site = await client.post("/v1/sites", json={"name": "Bench import", "zone": "UTC",
                                                "opening_hours": hours})  # fmt: skip
    goal = {"service_level": 0.8, "answer_within_s": 20, "max_occupancy": 0.9}
    queue_body = {"name": "bulk", "channel": "voice", "interval_min": 15, "aht_s": 300,
                  "model": "erlang_c", "shrinkage": 0.0, "goal": goal}  # fmt: skip
    queue = await client.post(f"/v1/sites/{site.json()['id']}/queues", json=queue_body)
    queue_id = queue.json()["id"]
    idle = (await while_probing(client, lambda: asyncio.sleep(5)))[1]
    started = time.monotonic()

    async def upload_and_import() -> Any:
        files = {"file": ("bulk.csv", data, "text/csv")}
        answer = await client.post(f"/v1/queues/{queue_id}/history-imports", files=files,
                                   timeout=600)  # fmt: skip
        if answer.status_code in (200, 201):  # small enough to be imported in the request
            return {"status": "imported in the request", "result_url": answer.headers["location"]}
        assert answer.status_code == 202, answer.text[:2000]
        return await wait_job(client, answer.json()["id"])

    job, during = await while_probing(client, upload_and_import)
    took = time.monotonic() - started
    report = (await client.get(job["result_url"])).json() if job.get("result_url") else {}
    paged = time.perf_counter()
    page = await client.get(f"/v1/queues/{queue_id}/history", params={"limit": 50000})
    page_s = time.perf_counter() - paged
    return [
        ("import: rows / bytes", f"{rows} / {len(data)}"),
        ("import: job status, rows inserted", f"{job['status']}, {report.get('inserted')}"),
        ("import: upload + job (s)", f"{took:.1f}"),
        ("health p50 / p95 / max idle (ms)", f"{ms(idle, .5)} / {ms(idle, .95)} / {ms(idle, 1)}"),
        ("health p50 / p95 / max during import (ms)",
         f"{ms(during, .5)} / {ms(during, .95)} / {ms(during, 1)} ({len(during)} probes)"),
        ("history page of 50,000 rows (s, MB)",
         f"{page_s:.2f}, {len(page.content) / 1e6:.1f}"),
    ]  # fmt: skip


async def post_rosters(
    client: httpx.AsyncClient, requirement_id: int, week: str, count: int, limit_s: float,
    prefix: str,
) -> list[int]:  # fmt: skip
    ids = []
    for i in range(count):
        body = {"requirement_id": requirement_id, "week_start": week, "time_limit_s": limit_s,
                "seed": i, "workers": 1}  # fmt: skip
        answer = await client.post("/v1/roster-jobs", json=body,
                                   headers={"Idempotency-Key": f"{prefix}-{i}"})  # fmt: skip
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    return ids


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length (what the service sends for a roster)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = int(next((v for k, v in fields.items() if k.lower() == "content-length"), "0"))
    return int(lines[0].split()[1]), await reader.readexactly(length)


async def lean_reads(
    base_url: str, path: str, headers: dict[str, str], count: int
) -> list[tuple[float, int, int]]:
    """``count`` clients, each on its own open keep-alive connection, send one GET at the same
    moment: (seconds from send to the last body byte, status, body bytes) each. A bare client,
    so that its own CPU (httpx spends about 5-8 ms per request) does not stand in for the
    service's latency on a 2-core machine where both share the cores."""
    host, port = httpx.URL(base_url).host, httpx.URL(base_url).port
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    request += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    conns = [await asyncio.open_connection(host, port) for _ in range(count)]
    start = asyncio.Event()

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Any:
        await start.wait()
        started = time.perf_counter()
        writer.write(request.encode("latin-1"))
        status, body = await _read_response(reader)
        return time.perf_counter() - started, status, len(body)

    tasks = [asyncio.create_task(one(r, w)) for r, w in conns]
    await asyncio.sleep(0)
    start.set()
    results = await asyncio.gather(*tasks)
    for _reader, writer in conns:
        writer.close()
    return results


async def roster_reads_phase(
    client: httpx.AsyncClient, requirement_id: int, week: str, reads: int
) -> list[Row]:
    first = (await post_rosters(client, requirement_id, week, 1, 10.0, "reads-seed"))[0]
    seed = await wait_job(client, first)
    assert seed["result_url"], seed
    roster_url = seed["result_url"]
    jobs = await post_rosters(client, requirement_id, week, 5, 30.0, "reads-load")
    await asyncio.sleep(3)  # the solves are running

    async def one(headers: dict[str, str]) -> tuple[float, int, int]:
        started = time.perf_counter()
        answer = await client.get(roster_url, headers=headers)
        return time.perf_counter() - started, answer.status_code, len(answer.content)

    auth = {k: v for k, v in client.headers.items() if k.lower() == "authorization"}
    base, path = str(client.base_url), httpx.URL(roster_url).path

    async def lean(headers: dict[str, str]) -> list[tuple[float, int, int]]:
        return await lean_reads(base, path, {**auth, **headers}, reads)

    by_httpx = await asyncio.gather(*(one({}) for _ in range(reads)))
    plain = await lean({"Accept-Encoding": "gzip"})
    identity = await lean({})
    sample = await client.get(roster_url)
    etag, sizes = sample.headers.get("etag", ""), (len(sample.content), sample.num_bytes_downloaded)
    cached = await lean({"If-None-Match": etag})
    states = [(await client.get(f"/v1/jobs/{j}")).json()["status"] for j in jobs]
    running = states.count("running")
    for job_id in jobs:
        await wait_job(client, job_id)
    times, codes = [p[0] for p in plain], [p[1] for p in plain] + [b[1] for b in by_httpx]
    return [
        ("roster GET: concurrent reads / jobs running", f"{reads} / {running}"),
        ("roster GET p50 / p95 / max (ms)",
         f"{ms(times, .5)} / {ms(times, .95)} / {ms(times, 1)}"),
        ("same through httpx clients p50 / p95 (ms)",
         f"{ms([b[0] for b in by_httpx], .5)} / {ms([b[0] for b in by_httpx], .95)}"),
        ("roster body: JSON / gzip bytes", f"{sizes[0]} / {sizes[1]}"),
        ("roster GET without gzip p50 / p95 (ms)",
         f"{ms([i[0] for i in identity], .5)} / {ms([i[0] for i in identity], .95)}"),
        ("roster GET with If-None-Match p95 (ms), 304s",
         f"{ms([c[0] for c in cached], .95)}, {sum(c[1] == 304 for c in cached)}"),
        ("roster GET errors", str(sum(c >= 400 for c in codes))),
    ]  # fmt: skip


def worker_pid(db: Path, job_id: int) -> int | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT worker_pid, status FROM job WHERE id = ?", (job_id,)).fetchone()
    return int(row[0]) if row and row[0] and row[1] == "running" else None


async def wait_running(db: Path, job_ids: list[int], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(worker_pid(db, j) for j in job_ids):
            return
        await asyncio.sleep(0.2)
    raise SystemExit("no job started")


async def kill_worker_phase(
    client: httpx.AsyncClient, db: Path, requirement_id: int, week: str, jobs: int
) -> list[Row]:
    ids = await post_rosters(client, requirement_id, week, jobs, 10.0, "kill-worker")
    await wait_running(db, ids)
    victim = next(j for j in ids if worker_pid(db, j))
    pid = worker_pid(db, victim)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    finished = {j: await wait_job(client, j) for j in ids}
    message = finished[victim].get("error") or ""
    later = await post_rosters(client, requirement_id, week, 1, 10.0, "kill-worker-later")
    later_ok = (await wait_job(client, later[0]))["status"] == "succeeded"
    again = await post_rosters(client, requirement_id, week, jobs, 10.0, "kill-worker")
    final = [await wait_job(client, j) for j in again]
    lost = sum(j["status"] != "succeeded" for j in final)
    health = (await client.get("/v1/health")).json()
    return [
        ("kill -9 worker: jobs / killed job's status", f"{jobs} / {finished[victim]['status']}"),
        ("kill -9 worker: others succeeded",
         f"{sum(f['status'] == 'succeeded' for j, f in finished.items() if j != victim)}"
         f" of {jobs - 1}"),
        ("kill -9 worker: its message", message[:90]),
        ("kill -9 worker: later job / health", f"{'succeeded' if later_ok else 'FAILED'} / "
         f"{health['status']}, {health['executor'].get('worker_deaths')} worker death(s)"),
        ("kill -9 worker: jobs lost (after re-posting keys)", str(lost)),
    ]  # fmt: skip


async def kill_server_phase(
    start: Callable[[], Awaitable[tuple[httpx.AsyncClient, Any]]],
    client: httpx.AsyncClient, server: Any, db: Path, requirement_id: int, week: str, jobs: int,
) -> tuple[list[Row], httpx.AsyncClient, Any]:  # fmt: skip
    ids = await post_rosters(client, requirement_id, week, jobs, 10.0, "kill-server")
    await wait_running(db, ids)
    server.send_signal(signal.SIGKILL)
    server.wait(30)
    killed = time.monotonic()
    await client.aclose()
    client, server = await start()
    finished = [await wait_job(client, j) for j in ids]
    took = time.monotonic() - killed
    lost = sum(j["status"] != "succeeded" for j in finished)
    attempts = statistics.mean(j.get("attempt", 0) for j in finished)
    return (
        [
            ("kill -9 server: jobs / lost", f"{jobs} / {lost}"),
            (
                "kill -9 server: mean attempt, all done after restart (s)",
                f"{attempts:.1f}, {took:.1f}",
            ),
        ],
        client,
        server,
    )
