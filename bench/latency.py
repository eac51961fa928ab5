"""Figure 5 — end-to-end latency at a fixed moderate load: from the HTTP 201 of a 提诺 to the pledge being
visible in another service's read model — a replica of the ledger 承诺台账 (P9) kept by a second projection
runner with its own store, reading CXZY_PLEDGES as any consuming service would."""

from __future__ import annotations

import asyncio
import time

from services.pledges.projections import Ledger
from shared.db import Database
from shared.nats_io import wait_until
from shared.projection import ProjectionRunner

from .harness import Env, ServedPledges
from .load import in_child


class LedgerReplica(Ledger):
    """The ledger as another service would keep it."""

    name = "ledger_replica"


class VisibilityProbe(ProjectionRunner):
    """Notes the wall-clock time each 承诺提出 became visible: right after its batch committed."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.visible: dict[str, float] = {}

    def _apply_batch(self, batch) -> None:
        super()._apply_batch(batch)
        now = time.time()
        for _, env in batch:
            if env.event_name == "proposed":
                self.visible.setdefault(env.subject, now)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": ordered[-1] * 1000}


async def _one_load(served: ServedPledges, probe: VisibilityProbe, rate: float, duration: float) -> dict:
    load = await in_child("open", served.url, served.proposers(), rate, duration)
    answers = load["answers"]
    await wait_until(lambda: all(pid in probe.visible for pid, _, _ in answers), timeout=600)
    after_201 = [probe.visible[pid] - answered for pid, _, answered in answers]
    after_send = [probe.visible[pid] - sent for pid, sent, _ in answers]
    command = [answered - sent for _, sent, answered in answers]
    return {
        **percentiles(after_201),
        "rate": rate,
        "offered_rate": load["offered_rate"],
        "duration_s": duration,
        "commands": len(answers),
        "errors": load["errors"],
        "visible_before_201": sum(1 for x in after_201 if x < 0),
        "send_to_visible": percentiles(after_send),
        "send_to_201": percentiles(command),
    }


async def end_to_end_latency(
    env: Env, rate: float, duration: float, sustainable_rate: float, sustainable_s: float
) -> dict:
    """At the issue's fixed rate, and at a rate this machine sustains (half the measured command
    throughput): beyond saturation the 201 itself waits in the queue, so 201 → visible stops meaning much
    and send → visible (queueing included) is the figure to read."""
    served = await ServedPledges(env).start()
    db = Database(env.settings, "benchprobe")
    probe = VisibilityProbe(LedgerReplica(), db, served.pledges.js, env.settings, "benchprobe")
    stop = asyncio.Event()
    await probe.open()
    task = asyncio.create_task(probe.run(stop))
    try:
        sustained = await _one_load(served, probe, sustainable_rate, sustainable_s)
        fixed = await _one_load(served, probe, rate, duration)
    finally:
        stop.set()
        await task
        await served.stop()
        db.close()
    return {
        "value": fixed["p99_ms"],
        "unit": "ms (p99, 201 → visible)",
        **fixed,
        "target_p99_ms": 50,
        "sustainable": sustained,
    }
