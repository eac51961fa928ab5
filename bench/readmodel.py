"""Figure 3 — projection throughput: events/s the ledger 承诺台账 (P9) applies from JetStream, exactly once
(docs/ARCHITECTURE.md service part 3), against raw nats-py pull fetch+ack of the same stream, with a raw INSERT of the
same rows (sqlite3 / psycopg, no kernel) beside it."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import psycopg
from nats.js import api

from services.pledges.projections import Ledger, proposed_row
from shared.db import Database, schema_name
from shared.envelope import Envelope
from shared.projection import ProjectionRunner

from .harness import Env, jetstream

RAW_DDL = Ledger.ddl.split(";")[0].replace("pl_pledges", "raw_pledges")


async def raw_consume_rate(js, stream: str, subject: str, expected: int, batch: int) -> float:
    """Pull fetch + ack, nothing else: the bus's own speed for this reader."""
    sub = await js.pull_subscribe(subject, stream=stream)
    seen, started = 0, time.monotonic()
    while seen < expected:
        msgs = await sub.fetch(batch, timeout=5)
        for m in msgs:
            await m.ack()
        seen += len(msgs)
    rate = seen / (time.monotonic() - started)
    await sub.unsubscribe()
    return rate


row_of = proposed_row  # the raw baseline inserts exactly the ledger's rows


def raw_insert_rate(env: Env, rows: list[dict], batch: int) -> float:
    """The same rows, batch by batch in one transaction each, straight through the driver."""
    columns = list(rows[0])
    raw_insert = f"INSERT INTO raw_pledges ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    values = [tuple(r[c] for c in columns) for r in rows]
    batches = [values[start : start + batch] for start in range(0, len(values), batch)]
    started = time.monotonic()
    if env.store == "postgres":
        schema = schema_name("bench")
        with psycopg.connect(env.settings.postgres_dsn, autocommit=True, options=f"-c search_path={schema}") as pg:
            pg.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            pg.execute(RAW_DDL)
            started = time.monotonic()
            for chunk in batches:
                with pg.transaction(), pg.cursor() as cur:
                    cur.executemany(raw_insert.replace("?", "%s"), chunk)
    else:
        lite = sqlite3.connect(env.settings.sqlite_path("bench", "raw"), isolation_level=None)
        lite.execute("PRAGMA journal_mode=WAL")
        lite.execute("PRAGMA synchronous=NORMAL")
        lite.execute(RAW_DDL)
        started = time.monotonic()
        for chunk in batches:
            lite.execute("BEGIN")
            lite.executemany(raw_insert, chunk)
            lite.execute("COMMIT")
        lite.close()
    return len(rows) / (time.monotonic() - started)


async def run_until(runner: ProjectionRunner, last_seq: int) -> tuple[float, int]:
    """Run the runner from its checkpoint until it has applied ``last_seq``: (seconds, checkpoint reached)."""
    stop = asyncio.Event()
    await runner.open()
    started = time.monotonic()
    task = asyncio.create_task(runner.run(stop))
    try:
        while (done := await asyncio.to_thread(runner.checkpoint)) < last_seq:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        await task
    return elapsed, done


async def projection_throughput(env: Env, events: int) -> dict:
    """Reads the stream the relay figure left behind (``events`` 承诺提出)."""
    db = Database(env.settings, "pledges")
    nc, js = await jetstream(env)
    batch = env.settings.projection_batch
    try:
        consume = await raw_consume_rate(js, "CXZY_PLEDGES", "cxzy.pledges.>", events, batch)
        sub = await js.pull_subscribe(
            "cxzy.pledges.>", stream="CXZY_PLEDGES", config=api.ConsumerConfig(ack_policy=api.AckPolicy.NONE)
        )
        rows: list[dict] = []
        while len(rows) < events:
            rows += [row_of(Envelope.from_message(m.headers, m.data)) for m in await sub.fetch(batch, timeout=5)]
        await sub.unsubscribe()
        insert = await asyncio.to_thread(raw_insert_rate, env, rows, batch)
        runner = ProjectionRunner(Ledger(), db, js, env.settings, "bench")
        seconds, _ = await run_until(runner, events)
        rate = events / seconds
        applied = db.one("SELECT COUNT(*) AS n FROM pl_pledges")
        assert applied and int(applied["n"]) == events, applied
    finally:
        await nc.drain()
        db.close()
    return {
        "value": rate,
        "unit": "events/s",
        "baseline": consume,
        "baseline_name": "raw pull fetch+ack",
        "ratio": rate / consume,
        "target_ratio": 0.5,
        "events": events,
        "batch": batch,
        "raw_insert_per_s": insert,
        "ratio_vs_raw_insert": rate / insert,
    }
