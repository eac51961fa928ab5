"""Figure 4 — rebuild/replay: the ledger 承诺台账 (P9) rebuilt from sequence 1 of a province-sized history
(``cxzy replay``), in a process of its own whose RSS is sampled throughout: memory must stay flat as the
history grows. Its baseline is the raw pull-consume rate of the whole stream (figure 6's 'whole')."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import psutil

from services.pledges.projections import Ledger
from shared.db import Database
from shared.logging import configure
from shared.nats_io import connect
from shared.projection import ProjectionRunner
from shared.settings import Settings

from .readmodel import run_until


async def _rebuild(settings: Settings, nats_url: str, events: int) -> dict:
    db = Database(settings, "pledges")
    nc = await connect(settings, nats_url, name="cxzy-bench-rebuild")
    runner = ProjectionRunner(Ledger(), db, nc.jetstream(), settings, "rebuild")
    await asyncio.to_thread(runner.reset)
    me = psutil.Process()
    samples: list[tuple[float, int, int]] = []  # (seconds, checkpoint, rss)
    started = time.monotonic()
    stop = threading.Event()

    def sample_rss() -> None:  # a thread: sampling must not wait on the loop the rebuild keeps busy
        while not stop.wait(0.2):
            samples.append((time.monotonic() - started, runner.checkpoint(), me.memory_info().rss))

    sampler = threading.Thread(target=sample_rss, daemon=True)
    cpu_before = _cpu_seconds()
    sampler.start()
    try:
        elapsed, events = await run_until(runner, events)
    finally:
        stop.set()
        sampler.join()
        await nc.drain()
    cpu = _cpu_seconds() - cpu_before
    samples.append((elapsed, events, me.memory_info().rss))
    rows = db.one("SELECT COUNT(*) AS n FROM pl_pledges")
    db.close()

    def rss_at(fraction: float) -> float:
        return next(rss for _, seq, rss in samples if seq >= fraction * events) / 2**20

    return {
        "seconds": elapsed,
        "events": events,
        "rate": events / elapsed,
        "cpu_seconds": cpu,
        "pledges": int(rows["n"]) if rows else 0,
        "rss_mb": {"10%": rss_at(0.1), "50%": rss_at(0.5), "100%": rss_at(1.0)},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "samples": [
            (round(t, 2), seq, round(rss / 2**20, 1)) for t, seq, rss in samples[:: max(1, len(samples) // 60)]
        ],
    }


def _cpu_seconds() -> float:
    """This process's CPU time (all threads): what the rebuild costs whatever else shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _in_child(settings_json: str, nats_url: str, events: int) -> dict:
    configure("json", "WARNING")
    return asyncio.run(_rebuild(Settings.model_validate_json(settings_json), nats_url, events))


async def rebuild(settings: Settings, nats_url: str, events: int, baseline: float, history_events: int) -> dict:
    """Rebuild from sequence 1 until ``events`` are applied (all of the history, or its first part)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        result = await asyncio.get_running_loop().run_in_executor(
            pool, _in_child, settings.model_dump_json(), nats_url, events
        )
    rss = result["rss_mb"]
    return {
        "value": result["rate"],
        "unit": "events/s",
        "baseline": baseline,
        "baseline_name": "raw pull fetch+ack",
        "ratio": result["rate"] / baseline,
        "events": result["events"],
        "history_events": history_events,
        "seconds": result["seconds"],
        "seconds_per_million": result["seconds"] * 1e6 / result["events"],
        "cpu_seconds_per_million": result["cpu_seconds"] * 1e6 / result["events"],
        "target_seconds_per_million": 60,
        "pledges": result["pledges"],
        "rss_mb": rss,
        "rss_growth_10_to_100_mb": rss["100%"] - rss["10%"],
        "peak_rss_mb": result["peak_rss_mb"],
        "rss_samples": result["samples"],
    }
