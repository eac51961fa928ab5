"""The outbox relay (docs/ARCHITECTURE.md, service part 2): the write model's notification log → JetStream.

It reads after its checkpoint, turns each listed domain event into a chained CloudEvent, publishes
with ``Nats-Msg-Id`` = event id, waits for every ack, and only then moves the checkpoint. A crash
between publish and checkpoint republishes identical messages (same ids, same hashes) that the
stream's duplicate window drops; at start it also reconciles with the last message on the stream,
so even a lost checkpoint or an expired duplicate window cannot duplicate or fork the chain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from eventsourcing.application import Application

from .contract import Contract
from .db import Database
from .envelope import GENESIS, Envelope
from .logging import log
from .nats_io import stream_name
from .settings import Settings


def relay_position(db: Database, service: str) -> tuple[int, str]:
    """The last notification the relay published, and its hash (the chain continues from it)."""
    row = db.one("SELECT position, last_hash FROM cxzy_relay WHERE service = ?", [service])
    return (int(row["position"]), row["last_hash"]) if row else (0, GENESIS)


class OutboxRelay:
    def __init__(self, app: Application, contract: Contract, db: Database, js, settings: Settings):
        self.app = app
        self.contract = contract
        self.db = db
        self.js = js
        self.settings = settings
        self.service = contract.service
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.crash_after_publish: Callable[[], None] | None = None  # fault injection for tests

    # checkpoint -------------------------------------------------------------------------------
    def checkpoint(self) -> tuple[int, str]:
        return relay_position(self.db, self.service)

    def _save(self, position: int, last_hash: str) -> None:
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO cxzy_relay (service, position, last_hash) VALUES (?, ?, ?) "
                "ON CONFLICT (service) DO UPDATE SET position = excluded.position, last_hash = excluded.last_hash",
                [self.service, position, last_hash],
            )

    async def reconcile(self) -> None:
        """Adopt the stream's last event if it is ahead of the checkpoint."""
        info = await self.js.stream_info(stream_name(self.service))
        if not info.state.last_seq:
            return
        msg = await self.js.get_msg(stream_name(self.service), info.state.last_seq)
        env = Envelope.from_message(msg.headers, msg.data or b"")
        position, _ = await asyncio.to_thread(self.checkpoint)
        if env.sequence > position:
            log("relay").warning("checkpoint behind stream; adopting", service=self.service, position=env.sequence)
            await asyncio.to_thread(self._save, env.sequence, env.hash)

    # publishing -------------------------------------------------------------------------------
    def nudge(self) -> None:
        """Wake the relay now (callable from any thread, e.g. right after a command)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def _pending(self, after: int) -> list[tuple[int, list[tuple[str, Envelope]]]]:
        """(notification id, its messages): none for an internal event, two for one published in two versions."""
        return [
            (n.id, self.contract.envelopes(self.app.mapper.to_domain_event(n), n.id))
            for n in self.app.recorder.select_notifications(
                start=after, limit=self.settings.relay_batch, inclusive_of_start=False
            )
        ]

    async def relay_once(self) -> int:
        """One round: everything pending, batch after batch; returns how many notifications it moved past
        (published or internal). Each batch's checkpoint moves only after all its acks; the next batch is
        read from the store meanwhile (a full batch says more may be waiting)."""
        position, last_hash = await asyncio.to_thread(self.checkpoint)
        batch = await asyncio.to_thread(self._pending, position)
        moved = 0
        while batch:
            upto = batch[-1][0]
            following = (
                asyncio.ensure_future(asyncio.to_thread(self._pending, upto))
                if len(batch) >= self.settings.relay_batch
                else None
            )
            try:
                last_hash = await self._publish(batch, last_hash)
                if self.crash_after_publish:
                    self.crash_after_publish()
                await asyncio.to_thread(self._save, upto, last_hash)
            except BaseException:
                if following is not None:
                    following.cancel()
                    await asyncio.gather(following, return_exceptions=True)
                raise
            moved += len(batch)
            batch = await following if following is not None else []
        return moved

    async def _publish(self, batch: list[tuple[int, list[tuple[str, Envelope]]]], last_hash: str) -> str:
        """Publish a batch's messages chained after ``last_hash`` and wait for every ack; returns the new last hash."""
        futures = []
        for _, messages in batch:
            for subj, env in messages:
                env, payload, headers = env.wire(last_hash)
                last_hash = env.hash
                futures.append(await self.js.publish_async(subj, payload, headers=headers))
        if futures:
            await asyncio.wait_for(asyncio.gather(*futures), timeout=30)
            log("relay").debug("published", service=self.service, count=len(futures))
        return last_hash

    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        await self.reconcile()
        backoff = 0.5
        while not stop.is_set():
            try:
                if await self.relay_once():
                    backoff = 0.5
                    continue
            except Exception as exc:  # noqa: BLE001 — keep relaying; the log line is the alarm
                log("relay").error("relay round failed; retrying", service=self.service, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.relay_poll_s)
            except TimeoutError:
                pass

    async def drain(self) -> int:
        """Publish everything pending now (CLI commands and tests)."""
        total = 0
        while moved := await self.relay_once():
            total += moved
        return total
