"""Figure 2 — relay throughput: events/s the outbox relay moves from the pledges notification log onto
JetStream (docs/ARCHITECTURE.md service part 2), against raw nats-py ``publish_async`` of the same subjects, headers
and payloads to the same server, acknowledged in the same batches."""

from __future__ import annotations

import asyncio
import time

from services.pledges.application import PledgesApp
from services.pledges.contract import CONTRACT
from shared.db import Database
from shared.directory.replica import DirectoryView
from shared.nats_io import ensure_stream
from shared.relay import OutboxRelay

from .commands import new_pledge
from .harness import Env, jetstream


def record_pledges(app: PledgesApp, count: int) -> None:
    for start in range(0, count, 100):
        app.save(*(new_pledge(i) for i in range(start, min(start + 100, count))))


def same_messages(app: PledgesApp, count: int) -> list[tuple[str, bytes, dict]]:
    """What the relay will publish, built the same way but outside the timing."""
    out, last_hash = [], "0" * 64
    for n in app.recorder.select_notifications(start=1, limit=count):
        subject, env = CONTRACT.envelope(app.mapper.to_domain_event(n), n.id)  # type: ignore[misc]
        env = env.chained(last_hash)
        last_hash = env.hash
        out.append((f"bench.{subject}", env.payload(), env.headers()))
    return out


async def raw_publish_rate(js, messages: list[tuple[str, bytes, dict]], window: int) -> float:
    from nats.js import api

    await js.add_stream(
        api.StreamConfig(name="BENCH_RAW", subjects=["bench.>"], storage=api.StorageType.FILE, duplicate_window=86400)
    )
    started = time.monotonic()
    for start in range(0, len(messages), window):
        futures = [await js.publish_async(s, p, headers=h) for s, p, h in messages[start : start + window]]
        await asyncio.gather(*futures)
    return len(messages) / (time.monotonic() - started)


async def relay_throughput(env: Env, events: int) -> dict:
    db = Database(env.settings, "pledges")  # first: it creates the PostgreSQL schema the event store uses
    app = PledgesApp("pledges", env.settings, DirectoryView(db))
    nc, js = await jetstream(env)
    try:
        await asyncio.to_thread(record_pledges, app, events)
        messages = await asyncio.to_thread(same_messages, app, events)
        await ensure_stream(js, "pledges", env.settings)
        relay = OutboxRelay(app, CONTRACT, db, js, env.settings)
        started = time.monotonic()
        moved = await relay.drain()
        rate = moved / (time.monotonic() - started)
        baseline = await raw_publish_rate(js, messages, env.settings.relay_batch)
        assert (await js.stream_info("CXZY_PLEDGES")).state.messages == events
    finally:
        await nc.drain()
        db.close()
        app.close()
    return {
        "value": rate,
        "unit": "events/s",
        "baseline": baseline,
        "baseline_name": "raw js.publish_async",
        "ratio": rate / baseline,
        "target_ratio": 0.8,
        "events": events,
        "payload_bytes": round(sum(len(p) for _, p, _ in messages) / len(messages)),
        "batch": env.settings.relay_batch,
    }
