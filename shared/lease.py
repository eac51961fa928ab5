"""Who does what must be done by one process at a time (a service's relay, each projection, the
schedulers): a lease in a NATS KV bucket whose entries expire (docs/ARCHITECTURE.md "Production, one region").

A duty's key holds the holder's name. ``create`` succeeds only for a key that is absent, deleted or
expired; the holder renews with a compare-and-set on the revision it last wrote, every third of the
TTL. If the holder dies (kill -9), nobody renews, the entry ages out of the bucket after the TTL and
another process's ``create`` succeeds: failover within TTL + TTL/3. A holder that cannot renew stops
its duty at once. The duties themselves are safe to overlap for the instant a paused holder may take
to notice (the relay republishes identical messages that the stream's duplicate window drops; a
projection's checkpoint is read in the same transaction as its writes), so the lease decides who
works, and the stores keep it correct.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Coroutine
from typing import Any

from nats.js import api
from nats.js.errors import BucketNotFoundError, KeyWrongLastSequenceError, NotFoundError

from .logging import log

BUCKET = "cxzy_leases"
Duty = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def lease_bucket(js, ttl_s: float, replicas: int = 1):
    try:
        return await js.key_value(BUCKET)
    except (BucketNotFoundError, NotFoundError):
        config = api.KeyValueConfig(bucket=BUCKET, ttl=ttl_s, history=1, replicas=replicas)
        return await js.create_key_value(config=config)


class Lease:
    def __init__(self, kv, duty: str, holder: str | None = None):
        self.kv = kv
        self.key = duty.replace(":", "_")
        self.holder = holder or holder_name()
        self.revision: int | None = None

    async def acquire(self) -> bool:
        try:
            self.revision = await self.kv.create(self.key, self.holder.encode())
        except KeyWrongLastSequenceError:
            return False
        return True

    async def renew(self) -> bool:
        try:
            self.revision = await self.kv.update(self.key, self.holder.encode(), last=self.revision)
        except KeyWrongLastSequenceError:
            self.revision = None
            return False
        return True

    async def release(self) -> None:
        if self.revision is not None:
            try:
                await self.kv.delete(self.key, last=self.revision)
            except KeyWrongLastSequenceError:
                pass
            self.revision = None

    async def holder_now(self) -> str | None:
        try:
            entry = await self.kv.get(self.key)
        except Exception:  # noqa: BLE001 — absent, deleted or expired: nobody holds it
            return None
        return entry.value.decode() if entry.value else None


async def hold(kv, duty: str, run: Duty, stop: asyncio.Event, ttl_s: float) -> None:
    """Run ``run`` whenever this process holds ``duty``'s lease, until ``stop``; stop it when the lease is lost."""
    lease = Lease(kv, duty)
    beat = ttl_s / 3
    while not stop.is_set():
        try:
            won = await lease.acquire()
        except Exception as exc:  # noqa: BLE001 — NATS unreachable for now: try again
            log("lease").warning("lease unavailable", duty=duty, error=repr(exc))
            won = False
        if not won:
            await _sleep(stop, beat)
            continue
        log("lease").info("duty taken", duty=duty, holder=lease.holder)
        duty_stop = asyncio.Event()
        task = asyncio.create_task(run(duty_stop), name=duty)
        try:
            while not stop.is_set() and not task.done():
                await _sleep(stop, beat, task)
                if stop.is_set() or task.done():
                    break
                try:
                    kept = await lease.renew()
                except Exception as exc:  # noqa: BLE001
                    log("lease").warning("lease renewal failed", duty=duty, error=repr(exc))
                    kept = False
                if not kept:
                    log("lease").warning("duty lost", duty=duty, holder=lease.holder)
                    break
        finally:
            duty_stop.set()
            await asyncio.wait([task], timeout=5)
            if not task.done():
                task.cancel()
            elif not task.cancelled() and task.exception() is not None:
                log("lease").error("duty died", duty=duty, error=repr(task.exception()))
            try:
                await lease.release()
            except Exception:  # noqa: BLE001 — it expires anyway
                pass


async def _sleep(stop: asyncio.Event, seconds: float, task: asyncio.Task | None = None) -> None:
    waiters = [asyncio.ensure_future(stop.wait())] + ([task] if task else [])
    _, pending = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for w in pending:
        if w is not task:
            w.cancel()
