"""Read models from JetStream, exactly once and in order (docs/ARCHITECTURE.md, service part 3).

A :class:`Projection` names the stream it reads, its tables and a handler per event name.
The :class:`ProjectionRunner` feeds it through a durable pull consumer: a fetched batch is
applied sequentially in one transaction together with the checkpoint (the stream sequence),
then acked by acking its last message (``AckPolicy.ALL``); the next batch is fetched while one is
applied. An event whose handler keeps failing is retried in place (order is kept: later events
wait), then parked in ``cxzy_parked`` where an operator sees it. At start the consumer is
(re)created from checkpoint + 1, so the checkpoint in the view store is the only truth. A runner
far behind (a rebuild) first catches up through a push consumer of its own, in big batches,
each in one transaction with the checkpoint as well, and acked by its last message only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from nats.js import api
from nats.js.errors import NotFoundError

from . import checkpoints
from .db import Database, Tx
from .envelope import Envelope
from .logging import correlation_id, log
from .nats_io import stream_name
from .scope import service_subjects
from .settings import Settings

Handler = Callable[[Any, Tx, Envelope], None]


def handles(*event_names: str) -> Callable[[Handler], Handler]:
    def mark(fn: Handler) -> Handler:
        fn._cxzy_handles = event_names  # type: ignore[attr-defined]
        return fn

    return mark


class Projection:
    name: ClassVar[str]
    source: ClassVar[str]  # the service whose stream this reads
    ddl: ClassVar[str] = ""
    tables: ClassVar[tuple[str, ...]] = ()
    _handlers: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._handlers = {}
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                for event_name in getattr(attr, "_cxzy_handles", ()):
                    cls._handlers[event_name] = attr

    def filter_subject(self) -> str:
        return service_subjects(self.source)

    def apply(self, tx: Tx, env: Envelope) -> None:
        handler = self._handlers.get(env.handled_as)
        if handler is not None:
            handler(self, tx, env)

    def reset(self, tx: Tx) -> None:
        for table in self.tables:
            tx.execute(f"DELETE FROM {table}")


CATCH_UP_BATCH = 2000
"""The largest fetch of a projection that is behind (a rebuild from sequence 1): each full fetch doubles the
next one up to this, a partial one goes back to ``projection_batch``. Memory stays bounded by a few of them
(the batch being applied, the one read ahead)."""


CATCH_UP_LAG = 2 * CATCH_UP_BATCH
"""Events behind the stream's end at start that make a runner catch up first (a rebuild, a long outage): with a
push consumer of its own, ``AckPolicy.ALL`` — no fetch per batch, no ack per message, only the last of each
applied batch — at most two batches unacked, so memory stays flat. Creating that consumer and binding the
durable one again afterwards costs a few round trips: worth it from a couple of batches on."""


def stream_sequence(msg: Any) -> int:
    """``msg.metadata.sequence.stream`` without building the rest of the metadata (a timestamp, a dataclass per
    message): the stream sequence is a token of the ack subject (``$JS.ACK.<stream>.<consumer>.<delivered>.<seq>…``,
    with a domain and an account hash after ``$JS.ACK`` in the newer form)."""
    tokens = (msg.reply or "").split(".")
    if len(tokens) == 9 and tokens[0] == "$JS" and tokens[1] == "ACK":
        return int(tokens[5])
    return msg.metadata.sequence.stream


def next_fetch_size(size: int, fetched: int, base: int) -> int:
    """How many messages to ask for next, after ``fetched`` of ``size`` came."""
    return min(size * 2, max(base, CATCH_UP_BATCH)) if fetched >= size else base


class ProjectionRunner:
    def __init__(self, projection: Projection, db: Database, js, settings: Settings, service: str):
        self.projection = projection
        self.db = db
        self.js = js
        self.settings = settings
        self.durable = f"{service}__{projection.name}"
        self.stream = stream_name(projection.source)
        self.fault: Callable[[Envelope], None] | None = None  # fault injection for tests
        self.catch_up_lag = CATCH_UP_LAG
        if projection.ddl:
            db.script(projection.ddl)  # the one place a projection's tables are created

    def checkpoint(self) -> int:
        return checkpoints.position(self.db, self.durable)

    async def _subscribe(self):
        start = await asyncio.to_thread(self.checkpoint) + 1
        try:
            await self.js.delete_consumer(self.stream, self.durable)
        except NotFoundError:
            pass
        config = api.ConsumerConfig(
            durable_name=self.durable,
            filter_subject=self.projection.filter_subject(),
            # acking a batch's last message acks the batch: applied in order, it is all applied (or parked)
            ack_policy=api.AckPolicy.ALL,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start,
            ack_wait=60,
            max_ack_pending=max(self.settings.projection_batch, CATCH_UP_BATCH) * 3,  # one applied, one read ahead
        )
        return await self.js.pull_subscribe(
            self.projection.filter_subject(), durable=self.durable, stream=self.stream, config=config
        )

    # applying ---------------------------------------------------------------------------------
    def _apply_batch(self, batch: list[tuple[int, Envelope]]) -> None:
        with self.db.transaction(batch=len(batch) > 1) as tx:
            done = checkpoints.position(tx, self.durable)
            for seq, env in batch:
                if seq <= done:
                    continue  # already applied: a redelivery after a crash before ack
                if self.fault:
                    self.fault(env)
                self.projection.apply(tx, env)
                done = seq
            checkpoints.advance(tx, self.durable, done)

    def _park(self, seq: int, subject: str, env: Envelope | None, error: str) -> None:
        with self.db.transaction() as tx:
            checkpoints.park(tx, self.durable, seq, subject, env.id if env else None, error)

    async def _process(self, msgs: list) -> None:
        batch: list[tuple[int, Envelope]] = []
        undecodable: dict[int, str] = {}
        for msg in msgs:
            seq = stream_sequence(msg)
            try:
                batch.append((seq, Envelope.from_message(msg.headers, msg.data)))
            except ValueError as exc:
                undecodable[seq] = str(exc)
        if undecodable:
            batch = []  # apply one by one below, parking the undecodable ones in order
        try:
            if batch:
                await asyncio.to_thread(self._apply_batch, batch)
                await msgs[-1].ack()  # AckPolicy.ALL: acks the whole batch
                return
        except Exception:  # noqa: BLE001 — fall back to one by one to find the culprit
            pass
        for msg in msgs:
            seq = stream_sequence(msg)
            if seq in undecodable:
                await asyncio.to_thread(self._park, seq, msg.subject, None, undecodable[seq])
                await msg.ack()
                continue
            env = Envelope.from_message(msg.headers, msg.data)
            await self._apply_with_retries(msg, seq, env)

    async def _apply_with_retries(self, msg, seq: int, env: Envelope) -> None:
        delay = 0.2
        for attempt in range(1, self.settings.projection_max_deliver + 1):
            try:
                await asyncio.to_thread(self._apply_batch, [(seq, env)])
                await msg.ack()
                return
            except Exception as exc:  # noqa: BLE001
                correlation_id.set(env.correlationid)
                log("projection").warning(
                    "event failed", projection=self.durable, seq=seq, type=env.type, attempt=attempt, error=repr(exc)
                )
                if attempt == self.settings.projection_max_deliver:
                    await asyncio.to_thread(self._park, seq, msg.subject, env, repr(exc))
                    log("projection").error("event parked", projection=self.durable, seq=seq, type=env.type)
                    await msg.ack()
                    return
                await msg.in_progress()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)

    async def catch_up(self, stop: asyncio.Event) -> bool:
        """If far behind, apply everything there is now (then the durable consumer is bound again, from the new
        checkpoint); False if not behind enough to bother."""
        start = await asyncio.to_thread(self.checkpoint) + 1
        try:
            end = (await self.js.stream_info(self.stream)).state.last_seq
        except NotFoundError:
            return False  # no stream yet: binding the durable consumer says so
        if end - start < self.catch_up_lag:
            return False
        arrived: list = []
        batch_ready = asyncio.Event()

        async def receive(msg) -> None:
            arrived.append(msg)
            if len(arrived) >= CATCH_UP_BATCH:
                batch_ready.set()

        config = api.ConsumerConfig(
            ack_policy=api.AckPolicy.ALL,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start,
            ack_wait=60,
            max_ack_pending=CATCH_UP_BATCH * 2,  # one batch applied while the next arrives
            inactive_threshold=30,
        )
        sub = await self.js.subscribe(
            self.projection.filter_subject(), stream=self.stream, cb=receive, manual_ack=True, config=config
        )
        log("projection").info("catching up", projection=self.durable, start=start, end=end)
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(batch_ready.wait(), timeout=0.2)
                except TimeoutError:
                    pass
                batch_ready.clear()
                msgs = arrived[:]
                del arrived[:]
                if msgs:
                    await self._process(msgs)
                    if msgs[-1].metadata.num_pending == 0:  # nothing after it when it came: caught up
                        break
                elif (await sub.consumer_info()).num_pending == 0:  # its filter leaves nothing more
                    break
        finally:
            await sub.unsubscribe()
        return True

    async def open(self) -> None:
        """Bind the durable consumer (from checkpoint + 1) before the run loop starts."""
        self._sub = await self._subscribe()

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, apply, ack until ``stop``. When the bus fails under it (a cluster node died, its
        consumer's leader is being elected), bind again from the checkpoint and go on."""
        backoff = 0.2
        while not stop.is_set():
            try:
                if await self.catch_up(stop) and getattr(self, "_sub", None) is not None:
                    await self._sub.unsubscribe()  # bound before catching up: bind again from the checkpoint
                    self._sub = None
                if getattr(self, "_sub", None) is None:
                    await self.open()
                sub, self._sub = self._sub, None
            except Exception as exc:  # noqa: BLE001
                log("projection").warning("cannot bind; retrying", projection=self.durable, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5)
                continue
            ahead: asyncio.Future | None = None  # the next fetch, read while a batch is applied
            try:
                base = size = self.settings.projection_batch
                while not stop.is_set():
                    msgs, ahead = await (ahead or self._fetch(sub, size)), None
                    if not msgs:
                        continue
                    size = next_fetch_size(size, len(msgs), base)
                    ahead = asyncio.ensure_future(self._fetch(sub, size))
                    await self._process(msgs)
                    backoff = 0.2
            except Exception as exc:  # noqa: BLE001 — the checkpoint is the truth: rebind from it
                log("projection").warning("consumer lost; rebinding", projection=self.durable, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5)
            finally:
                if ahead is not None:  # what it read is never applied: the next bind starts from the checkpoint
                    ahead.cancel()
                    await asyncio.gather(ahead, return_exceptions=True)
                try:
                    await sub.unsubscribe()
                except Exception:  # noqa: BLE001
                    pass

    @staticmethod
    async def _fetch(sub, size: int) -> list:
        try:
            return await sub.fetch(size, timeout=0.5)
        except TimeoutError:
            return []

    def reset(self) -> None:
        """Forget the view and its checkpoint: the next start rebuilds from sequence 1 (replay)."""
        with self.db.transaction() as tx:
            self.projection.reset(tx)
            checkpoints.forget(tx, self.durable)
