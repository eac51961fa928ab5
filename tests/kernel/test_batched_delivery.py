"""The relay and the projections move events in batches (issue 10's throughput): what batching must not change.

A projection batch's transaction sends runs of one statement together, yet every statement sees the ones before it
and a result read is its own statement's (docs/ARCHITECTURE.md service part 3: batch + checkpoint in one
transaction); a batch is acked by its last message; the relay reads its next batch while acks come, and its
one-pass envelope is the chained envelope, byte for byte (docs/ARCHITECTURE.md "The envelope")."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3

import psycopg
import pytest
from nats.js import api

from bench.outbox import record_pledges
from services.pledges.application import PledgesApp
from services.pledges.contract import CONTRACT
from shared.audit import check_chain, read_stream
from shared.db import Database
from shared.directory.replica import DirectoryView
from shared.envelope import GENESIS, Envelope
from shared.nats_io import EmbeddedNats, connect, ensure_stream, stream_name
from shared.projection import CATCH_UP_BATCH, Projection, ProjectionRunner, handles, next_fetch_size, stream_sequence
from shared.relay import OutboxRelay
from shared.settings import Settings
from tests.stack import FreshPostgres


@pytest.fixture
def settings(tmp_path, store):
    pg = FreshPostgres() if store == "postgres" else None
    yield Settings(var_dir=tmp_path / "var", store=store, postgres_dsn=pg.dsn if pg else "")
    if pg:
        pg.drop()


@pytest.fixture
def db(settings):
    database = Database(settings, "batching")
    yield database
    database.close()


def test_batch_transaction_keeps_order_and_each_statement_result(db):
    db.script("CREATE TABLE IF NOT EXISTS bt_rows (k TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    insert, bump = "INSERT INTO bt_rows (k, n) VALUES (?, ?)", "UPDATE bt_rows SET n = n + 1 WHERE k LIKE ?"
    with db.transaction(batch=True) as tx:
        for k in ("a1", "a2", "b1"):
            tx.execute(insert, [k, 0])  # one run of three
        tx.execute(bump, ["a%"])
        tx.execute(bump, ["%1"])  # a run of two: the rowcount read is the last one's own
        assert tx.rowcount == 2
        tx.execute("SELECT n FROM bt_rows WHERE k = ?", ["x"])
        tx.execute("SELECT n FROM bt_rows WHERE k = ?", ["a1"])  # an unread SELECT before it is no error
        assert tx.one() == {"n": 2}
        tx.execute(insert, ["c", 9])
    rows = {r["k"]: r["n"] for r in db.query("SELECT k, n FROM bt_rows")}
    assert rows == {"a1": 2, "a2": 1, "b1": 1, "c": 9}  # the insert held back at the end was sent before commit

    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        with db.transaction(batch=True) as tx:
            tx.execute(insert, ["d", 1])
            tx.execute(insert, ["a1", 1])  # a duplicate inside a run: the whole batch rolls back
    assert db.one("SELECT COUNT(*) AS n FROM bt_rows")["n"] == 4


def _envelope(**extra) -> Envelope:
    return Envelope(
        id="e-1", source="/cxzy/pledges", type="cn.cxzy.pledges.proposed.v1", subject="p 1",
        time="2026-01-01T08:00:00+08:00", dataschema="https://cxzy.example/schemas/events/pledges/proposed.v1.json",
        orgid="VIL1", localpath="13/1301/%zz", verticalpath="tax/13", correlationid="c-1", causationid="冀",
        sequence=42, data={"items": ["走访 \"困难\" 群众\\"], "b": {"z": None, "a": 1.5}, "year": 2026}, **extra,
    )  # fmt: skip


@pytest.mark.parametrize("extra", [{}, {"recordedtime": "2026-01-01T00:00:00Z"}, {"deprecated": "true"}])
def test_wire_is_the_chained_envelope_byte_for_byte(extra):
    env = _envelope(**extra)
    prev = "ab" * 32
    linked, payload, headers = env.wire(prev)
    attrs = {k: v for k, v in env.attributes().items() if k != "hash"} | {"prevhash": prev}
    canonical = json.dumps(attrs, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert linked.hash == hashlib.sha256(prev.encode() + canonical).hexdigest()
    assert linked == env.chained(prev) and linked.verify_link()
    assert (
        payload
        == linked.payload()
        == json.dumps(env.data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )
    assert list(headers.items()) == list(linked.headers().items())  # same headers in the same order
    assert Envelope.from_message(headers, payload) == linked
    shouted = {k.upper() if k.startswith("ce-") else k: v for k, v in headers.items()}
    assert Envelope.from_message(shouted, payload) == linked  # header names are case-insensitive
    for broken in ({**headers, "ce-data": "{}"}, {**headers, "ce-colour": "red"}, {"ce-id": "x"}):
        with pytest.raises(ValueError):
            Envelope.from_message(broken, payload)


def test_a_projection_behind_reads_bigger_batches():
    assert next_fetch_size(200, 200, 200) == 400
    assert next_fetch_size(1600, 1600, 200) == CATCH_UP_BATCH == next_fetch_size(CATCH_UP_BATCH, CATCH_UP_BATCH, 200)
    assert next_fetch_size(800, 13, 200) == 200  # caught up: back to the configured batch
    assert next_fetch_size(5000, 5000, 5000) == 5000  # a configured batch above the catch-up size stays


class Killed(BaseException):
    """The process dies (not an error a handler could be retried for)."""


def die_at_sequence(seq: int):
    def fault(env: Envelope) -> None:
        if env.sequence == seq:
            raise Killed()

    return fault


class Seen(Projection):
    name = "seen"
    source = "pledges"
    tables = ("bt_seen",)
    ddl = "CREATE TABLE IF NOT EXISTS bt_seen (seq BIGINT PRIMARY KEY, pledge TEXT NOT NULL)"

    @handles("proposed")
    def proposed(self, tx, env: Envelope) -> None:
        tx.insert("bt_seen", {"seq": env.sequence, "pledge": env.subject})


async def test_relay_in_read_ahead_batches_then_projection_acked_by_last_message(tmp_path, settings):
    nats = EmbeddedNats(tmp_path / "nats").start()
    settings = settings.model_copy(update={"nats_url": nats.url, "relay_batch": 7, "projection_batch": 5})
    db = Database(settings, "pledges")  # first: it creates the PostgreSQL schema the event store uses
    app = PledgesApp("pledges", settings, DirectoryView(db))
    nc = await connect(settings, nats.url, name="test-batching")
    try:
        js = nc.jetstream()
        await ensure_stream(js, "pledges", settings)
        await asyncio.to_thread(record_pledges, app, 30)
        relay = OutboxRelay(app, CONTRACT, db, js, settings)
        assert await relay.relay_once() == 30  # one round, five batches, the next read while acks come
        events = await read_stream(settings, "pledges")
        assert [e.sequence for _, e in events] == list(range(1, 31)) and check_chain(events)["ok"]
        assert relay.checkpoint() == (30, events[-1][1].hash) and events[0][1].prevhash == GENESIS

        sub = await js.pull_subscribe("cxzy.pledges.>", stream=stream_name("pledges"))
        msgs = await sub.fetch(3, timeout=2)
        assert [stream_sequence(m) for m in msgs] == [m.metadata.sequence.stream for m in msgs] == [1, 2, 3]
        await sub.unsubscribe()

        runner = ProjectionRunner(Seen(), db, js, settings, "test")
        stop = asyncio.Event()
        await runner.open()
        task = asyncio.create_task(runner.run(stop))
        for _ in range(100):  # applied (the checkpoint), then acked
            info = await js.consumer_info(stream_name("pledges"), runner.durable)
            if runner.checkpoint() == 30 and info.ack_floor.stream_seq == 30:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await task
        assert [r["seq"] for r in db.query("SELECT seq FROM bt_seen ORDER BY seq")] == list(range(1, 31))
        assert info.config.ack_policy == api.AckPolicy.ALL
        assert info.ack_floor.stream_seq == 30 and info.num_ack_pending == 0  # each batch acked by its last message

        # far behind (a rebuild): it catches up through a push consumer of its own, then binds its durable one
        await asyncio.to_thread(runner.reset)
        assert not db.query("SELECT seq FROM bt_seen")
        crashing = ProjectionRunner(Seen(), db, js, settings, "test")
        crashing.catch_up_lag = 10
        crashing.fault = die_at_sequence(17)
        with pytest.raises(Killed):
            await crashing.catch_up(asyncio.Event())
        kept = crashing.checkpoint()  # the batch with 17 rolled back: what is kept is exactly what the checkpoint says
        assert kept < 17
        assert [r["seq"] for r in db.query("SELECT seq FROM bt_seen ORDER BY seq")] == list(range(1, kept + 1))

        rebuilt = ProjectionRunner(Seen(), db, js, settings, "test")
        rebuilt.catch_up_lag = 10
        stop = asyncio.Event()
        assert await rebuilt.catch_up(stop) and rebuilt.checkpoint() == 30
        assert [r["seq"] for r in db.query("SELECT seq FROM bt_seen ORDER BY seq")] == list(range(1, 31))
        assert not await rebuilt.catch_up(stop)  # no longer behind
        task = asyncio.create_task(rebuilt.run(stop))
        await asyncio.to_thread(record_pledges, app, 4)
        assert await relay.relay_once() == 4
        for _ in range(100):
            if rebuilt.checkpoint() == 34:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await task
        assert [r["seq"] for r in db.query("SELECT seq FROM bt_seen ORDER BY seq")] == list(range(1, 35))
    finally:
        await nc.drain()
        app.close()
        db.close()
        nats.stop()
