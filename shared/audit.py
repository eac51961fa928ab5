"""``cxzy verify``: walk a service's stream and check every link of its hash chain (DESIGN.md "Audit")."""

from __future__ import annotations

import asyncio

from nats.js import api

from .envelope import GENESIS, Envelope
from .nats_io import connect, stream_name
from .settings import Settings


def check_chain(envelopes) -> dict:
    """``envelopes``: (stream sequence, Envelope) in stream order. Reports the first broken link."""
    previous = GENESIS
    count = 0
    for seq, env in envelopes:
        if env.prevhash != previous:
            return {"ok": False, "checked": count, "broken_at": seq, "reason": "prevhash does not match the previous hash"}
        if not env.verify_link():
            return {"ok": False, "checked": count, "broken_at": seq, "reason": "hash does not match the envelope"}
        previous = env.hash
        count += 1
    return {"ok": True, "checked": count, "head": previous}


async def read_stream(settings: Settings, service: str) -> list[tuple[int, Envelope]]:
    nc = await connect(settings, name="cxzy-verify")
    js = nc.jetstream()
    info = await js.stream_info(stream_name(service))
    last = info.state.last_seq
    out: list[tuple[int, Envelope]] = []
    if last:
        sub = await js.subscribe(f"cxzy.{service}.>", stream=stream_name(service), ordered_consumer=True,
                                 deliver_policy=api.DeliverPolicy.ALL)
        while not out or out[-1][0] < last:
            msg = await sub.next_msg(timeout=10)
            out.append((msg.metadata.sequence.stream, Envelope.from_message(msg.headers, msg.data)))
        await sub.unsubscribe()
    await nc.close()
    return out


async def verify_stream(settings: Settings, service: str) -> dict:
    result = check_chain(await read_stream(settings, service))
    result["service"] = service
    await asyncio.sleep(0)
    return result
