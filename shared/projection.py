"""Read models from JetStream, exactly once and in order (docs/ARCHITECTURE.md, service part 3).

A :class:`Projection` names the stream it reads, its tables and a handler per event name.
The :class:`ProjectionRunner` feeds it through a durable pull consumer: a fetched batch is
applied sequentially in one transaction together with the checkpoint (the stream sequence),
then acked. An event whose handler keeps failing is retried in place (order is kept: later events
wait), then parked in ``cxzy_parked`` where an operator sees it. At start the consumer is
(re)created from checkpoint + 1, so the checkpoint in the view store is the only truth.
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


class ProjectionRunner:
    def __init__(self, projection: Projection, db: Database, js, settings: Settings, service: str):
        self.projection = projection
        self.db = db
        self.js = js
        self.settings = settings
        self.durable = f"{service}__{projection.name}"
        self.stream = stream_name(projection.source)
        self.fault: Callable[[Envelope], None] | None = None  # fault injection for tests
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
            ack_policy=api.AckPolicy.EXPLICIT,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start,
            ack_wait=60,
            max_ack_pending=self.settings.projection_batch * 2,
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
            seq = msg.metadata.sequence.stream
            try:
                batch.append((seq, Envelope.from_message(msg.headers, msg.data)))
            except ValueError as exc:
                undecodable[seq] = str(exc)
        if undecodable:
            batch = []  # apply one by one below, parking the undecodable ones in order
        try:
            if batch:
                await asyncio.to_thread(self._apply_batch, batch)
                for msg in msgs:
                    await msg.ack()
                return
        except Exception:  # noqa: BLE001 — fall back to one by one to find the culprit
            pass
        for msg in msgs:
            seq = msg.metadata.sequence.stream
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

    async def open(self) -> None:
        """Bind the durable consumer (from checkpoint + 1) before the run loop starts."""
        self._sub = await self._subscribe()

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, apply, ack until ``stop``. When the bus fails under it (a cluster node died, its
        consumer's leader is being elected), bind again from the checkpoint and go on."""
        backoff = 0.2
        while not stop.is_set():
            try:
                if getattr(self, "_sub", None) is None:
                    await self.open()
                sub, self._sub = self._sub, None
            except Exception as exc:  # noqa: BLE001
                log("projection").warning("cannot bind; retrying", projection=self.durable, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5)
                continue
            try:
                while not stop.is_set():
                    try:
                        msgs = await sub.fetch(self.settings.projection_batch, timeout=0.5)
                    except TimeoutError:
                        continue
                    await self._process(msgs)
                    backoff = 0.2
            except Exception as exc:  # noqa: BLE001 — the checkpoint is the truth: rebind from it
                log("projection").warning("consumer lost; rebinding", projection=self.durable, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5)
            finally:
                try:
                    await sub.unsubscribe()
                except Exception:  # noqa: BLE001
                    pass

    def reset(self) -> None:
        """Forget the view and its checkpoint: the next start rebuilds from sequence 1 (replay)."""
        with self.db.transaction() as tx:
            self.projection.reset(tx)
            checkpoints.forget(tx, self.durable)
