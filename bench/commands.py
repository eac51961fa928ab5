"""Figure 1 — command throughput: 提诺 (propose, P1–P3) over HTTP under concurrent load, against the raw
eventsourcing ``Application.save`` rate of the same Pledge aggregate on the same store."""

from __future__ import annotations

import asyncio
import threading
import time

from services.pledges.application import PledgesApp
from services.pledges.domain import Pledge
from shared.db import Database
from shared.directory.replica import DirectoryView

from .harness import DIRECTORY_ORGS, Env, ServedPledges
from .load import in_child
from .province import orgs, proposed

BENCH_ORGS = orgs(DIRECTORY_ORGS)


def new_pledge(i: int) -> Pledge:
    """The aggregate the HTTP command creates, built directly (no HTTP, no directory, no auth)."""
    return proposed(BENCH_ORGS[i % len(BENCH_ORGS)], f"每月走访困难群众两次（第{i}号）")


def raw_save_rate(env: Env, threads: int, duration: float) -> float:
    """Aggregates saved per second by ``threads`` threads calling ``Application.save`` in a loop."""
    views = Database(env.settings, "pledges")  # creates the PostgreSQL schema, as a runtime does first
    app = PledgesApp("pledges", env.settings, DirectoryView(views))
    counts = [0] * threads
    deadline = time.monotonic() + duration

    def loop(k: int) -> None:
        i = k
        while time.monotonic() < deadline:
            app.save(new_pledge(i))
            counts[k] += 1
            i += threads

    workers = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    app.close()
    views.close()
    return sum(counts) / elapsed


async def command_throughput(env: Env, duration: float, raw_duration: float, concurrency: int = 32) -> dict:
    raw = {f"{n}_threads": await asyncio.to_thread(raw_save_rate, env, n, raw_duration) for n in (1, 8)}
    served = await ServedPledges(env).start()
    try:
        load = await in_child("closed", served.url, served.proposers(), concurrency, duration)
        await served.settle()
    finally:
        await served.stop()
    rate = load["ok"] / load["elapsed_s"]
    baseline = max(raw.values())
    return {
        "value": rate,
        "unit": "commands/s",
        "baseline": baseline,
        "baseline_name": "raw Application.save",
        "ratio": rate / baseline,
        "target_ratio": 1.0,
        "duration_s": load["elapsed_s"],
        "concurrency": concurrency,
        "errors": load["errors"],
        "error_statuses": load["statuses"],
        "p50_ms": load["p50_ms"],
        "raw_save_per_s": raw,
    }
