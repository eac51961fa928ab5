"""Audit (docs/ARCHITECTURE.md "Audit"): the per-service hash chain, signed Merkle checkpoints on
``cxzy.audit.<service>`` (stream CXZY_AUDIT), and ``cxzy verify`` which checks both and reports the
first broken link."""

from __future__ import annotations

import json

from nats.js import api
from nats.js.errors import NotFoundError

from .envelope import GENESIS, Envelope
from .logging import log
from .merkle import checkpoint_body, merkle_root, public_key_hex, sign, signing_key, verify_signature
from .nats_io import connect, ensure_stream, stream_name
from .scope import audit_subject, service_subjects
from .settings import Settings

AUDIT = "audit"


def check_chain(envelopes) -> dict:
    """``envelopes``: (stream sequence, Envelope) in stream order. Reports the first broken link."""
    previous = GENESIS
    count = 0
    for seq, env in envelopes:
        if env.prevhash != previous:
            return {
                "ok": False,
                "checked": count,
                "broken_at": seq,
                "reason": "prevhash does not match the previous hash",
            }
        if not env.verify_link():
            return {"ok": False, "checked": count, "broken_at": seq, "reason": "hash does not match the envelope"}
        previous = env.hash
        count += 1
    return {"ok": True, "checked": count, "head": previous}


async def read_range(js, service: str, first: int = 1, last: int | None = None) -> list[tuple[int, Envelope]]:
    """The service's events with stream sequence in [first, last] (all if ``last`` is None)."""
    if last is None:
        last = (await js.stream_info(stream_name(service))).state.last_seq
    out: list[tuple[int, Envelope]] = []
    if not last or first > last:
        return out
    config = api.ConsumerConfig(deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=first)
    sub = await js.subscribe(
        service_subjects(service), stream=stream_name(service), ordered_consumer=True, config=config
    )
    try:
        while not out or out[-1][0] < last:
            msg = await sub.next_msg(timeout=10)
            out.append((msg.metadata.sequence.stream, Envelope.from_message(msg.headers, msg.data)))
    finally:
        await sub.unsubscribe()
    return out


async def read_stream(settings: Settings, service: str) -> list[tuple[int, Envelope]]:
    nc = await connect(settings, name="cxzy-verify", one_shot=True)
    try:
        return await read_range(nc.jetstream(), service)
    finally:
        await nc.close()


async def checkpoints(js, service: str) -> list[dict]:
    try:
        info = await js.stream_info(stream_name(AUDIT), subjects_filter=audit_subject(service))
    except NotFoundError:
        return []
    if not info.state.messages:
        return []
    out = []
    sub = await js.subscribe(audit_subject(service), stream=stream_name(AUDIT), ordered_consumer=True)
    try:
        while True:
            msg = await sub.next_msg(timeout=0.5)
            out.append(json.loads(msg.data))
    except Exception:  # noqa: BLE001 — no more checkpoints
        pass
    finally:
        await sub.unsubscribe()
    return out


class Auditor:
    """Publishes a signed checkpoint each time ``audit_every`` new events are on the service's stream."""

    def __init__(self, js, service: str, settings: Settings):
        self.js = js
        self.service = service
        self.settings = settings
        self.key = signing_key(settings.audit_signing_key)

    async def last_checkpointed(self) -> int:
        try:
            msg = await self.js.get_last_msg(stream_name(AUDIT), audit_subject(self.service))
        except NotFoundError:
            return 0
        return int(json.loads(msg.data)["last_sequence"])

    async def maybe_checkpoint(self, force: bool = False) -> dict | None:
        await ensure_stream(self.js, AUDIT, self.settings)
        done = await self.last_checkpointed()
        last = (await self.js.stream_info(stream_name(self.service))).state.last_seq
        if last <= done or (not force and last - done < self.settings.audit_every):
            return None
        events = await read_range(self.js, self.service, done + 1, last)
        root = merkle_root([bytes.fromhex(env.hash) for _, env in events])
        body = sign(checkpoint_body(self.service, done + 1, last, root, events[-1][1].hash), self.key)
        await self.js.publish(
            audit_subject(self.service),
            json.dumps(body).encode(),
            headers={"Nats-Msg-Id": f"{self.service}:{done + 1}:{last}"},
        )
        log("audit").info("checkpoint published", service=self.service, first=done + 1, last=last)
        return body


async def verify_stream(settings: Settings, service: str) -> dict:
    """Check the chain, then every checkpoint: signed by our key, root equal to the events' Merkle root."""
    nc = await connect(settings, name="cxzy-verify", one_shot=True)
    try:
        js = nc.jetstream()
        events = await read_range(js, service)
        result = check_chain(events)
        result["service"] = service
        by_seq = {seq: env for seq, env in events}
        expected_key = public_key_hex(signing_key(settings.audit_signing_key))
        cps = await checkpoints(js, service)
        for cp in cps:
            covered = [by_seq[s].hash for s in range(cp["first_sequence"], cp["last_sequence"] + 1) if s in by_seq]
            if not verify_signature(cp, expected_key):
                return {
                    **result,
                    "ok": False,
                    "checkpoint": cp["last_sequence"],
                    "reason": "checkpoint signature invalid",
                }
            if merkle_root([bytes.fromhex(h) for h in covered]).hex() != cp["root"]:
                return {
                    **result,
                    "ok": False,
                    "checkpoint": cp["last_sequence"],
                    "reason": "events differ from the signed checkpoint",
                }
        result["checkpoints"] = len(cps)
        return result
    finally:
        await nc.close()
