"""HTTP load from a separate process (so the client does not steal the server's event loop):
closed loop (N workers as fast as answers come) for throughput, open loop (a fixed rate) for latency."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import httpx

PATH = "/api/pledges/pledges"


async def _closed(url: str, proposers: list[tuple[str, dict]], concurrency: int, duration: float) -> dict:
    ok, errors = 0, 0
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

        async def worker(k: int) -> None:
            nonlocal ok, errors
            i = k
            while time.monotonic() < deadline:
                token, body = proposers[i % len(proposers)]
                i += concurrency
                t0 = time.monotonic()
                try:
                    r = await http.post(PATH, json=body, headers={"Authorization": f"Bearer {token}"})
                except httpx.HTTPError as exc:
                    errors += 1
                    statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                    continue
                if r.status_code == 201:
                    ok += 1
                    latencies.append(time.monotonic() - t0)
                else:
                    errors += 1
                    statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1

        started = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "ok": ok,
        "errors": errors,
        "statuses": statuses,
        "elapsed_s": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
    }


async def _open(url: str, proposers: list[tuple[str, dict]], rate: float, duration: float) -> dict:
    """Send at ``rate``/s regardless of answers; record (pledge id, sent, answered) in wall-clock time."""
    sent: list[tuple[str, float, float]] = []
    errors = 0
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=256)) as http:

        async def one(i: int) -> None:
            nonlocal errors
            token, body = proposers[i % len(proposers)]
            t_sent = time.time()
            try:
                r = await http.post(PATH, json=body, headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError:
                errors += 1
                return
            if r.status_code == 201:
                sent.append((r.json()["pledge_id"], t_sent, time.time()))
            else:
                errors += 1

        tasks, start = [], time.monotonic()
        for i in range(int(rate * duration)):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        achieved = len(tasks) / max(time.monotonic() - start, 1e-9) if tasks else 0.0
        await asyncio.gather(*tasks)
    return {"answers": sent, "errors": errors, "offered_rate": achieved}


def _run(kind: str, *args: Any) -> dict:
    return asyncio.run({"closed": _closed, "open": _open}[kind](*args))


async def in_child(kind: str, *args: Any) -> dict:
    """Run one load pattern in a fresh (spawned) process while this loop keeps serving."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, _run, kind, *args)
