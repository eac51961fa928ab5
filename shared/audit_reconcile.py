"""``cxzy audit reconcile SERVICE`` (issue 12): the service's event store against its stream. Each stored event the
relay has passed is rebuilt into its messages through the service's contract (as the relay builds them) and must
be on the stream exactly once, in store order, with identical subject, attributes and payload bytes; the stream's
own chain must hold. An edited, deleted or inserted store row is reported with its notification id and event id.

Chain attributes (``ce-prevhash``, ``ce-hash``) are left out of the comparison and checked by the chain instead, so
one edited row is reported once, not with every event after it. Memory: a digest per stored event."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from .audit import raw_messages
from .envelope import GENESIS, Envelope
from .nats_io import connect
from .relay import relay_position

CHAIN = ("ce-prevhash", "ce-hash")


def content_digest(subject: str, headers: dict[str, str], payload: bytes) -> bytes:
    kept = sorted((k, v) for k, v in headers.items() if k not in CHAIN)
    return hashlib.sha256(json.dumps([subject, kept]).encode() + b"\n" + payload).digest()


def expected_messages(rt: Any) -> tuple[dict[str, tuple[int, bytes]], int]:
    """event id → (notification id, content digest) of every published message the store gives; the relay position."""
    app, contract = rt.app, rt.spec.contract
    expected: dict[str, tuple[int, bytes]] = {}
    after = 0
    while True:
        batch = app.recorder.select_notifications(start=after, limit=1000, inclusive_of_start=False)
        if not batch:
            break
        for n in batch:
            for subject, env in contract.envelopes(app.mapper.to_domain_event(n), n.id):
                expected[env.id] = (n.id, content_digest(subject, env.headers(), env.payload()))
        after = batch[-1].id
    return expected, relay_position(rt.db, rt.name)[0]


async def reconcile(rt: Any) -> dict:
    expected, position = await asyncio.to_thread(expected_messages, rt)
    problems: list[str] = []
    seen: set[str] = set()
    previous_hash, previous_nid, count = GENESIS, 0, 0
    nc = await connect(rt.settings, name="cxzy-audit-reconcile", one_shot=True)
    try:
        async for m in raw_messages(nc.jetstream(), rt.name):
            count += 1
            eid = m.headers.get("ce-id", "?")
            env = Envelope.from_message(m.headers, m.data)
            if env.prevhash != previous_hash or not env.verify_link():
                problems.append(f"stream sequence {m.seq} ({eid}): the stream's hash chain breaks here")
            previous_hash = env.hash
            if eid in seen:
                problems.append(f"stream sequence {m.seq} ({eid}): published twice")
                continue
            seen.add(eid)
            row = expected.pop(eid, None)
            if row is None:
                problems.append(f"stream sequence {m.seq} ({eid}): no store row gives this event (a deleted row)")
                continue
            nid, digest = row
            if digest != content_digest(m.subject, m.headers, m.data):
                problems.append(
                    f"stream sequence {m.seq} ({eid}): store row {nid} differs from the stream (an edited row)"
                )
            if nid < previous_nid:
                problems.append(f"stream sequence {m.seq} ({eid}): store row {nid} is out of order")
            previous_nid = max(previous_nid, nid)
    finally:
        await nc.close()
    pending = 0
    for eid, (nid, _) in sorted(expected.items(), key=lambda item: item[1][0]):
        if nid <= position:
            problems.append(f"store row {nid} ({eid}): never published though the relay passed it (an inserted row)")
        else:
            pending += 1
    return {"ok": not problems, "service": rt.name, "stream": count, "pending": pending, "problems": problems}
