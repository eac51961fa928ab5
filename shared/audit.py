"""Audit (docs/ARCHITECTURE.md "Audit", issue 12): each service's stream is a transparency log (shared.tlog) whose
checkpoints are C2SP signed notes (shared.audit_note) on ``cxzy.audit.<service>`` (stream CXZY_AUDIT).

The checkpointer (:class:`Auditor`, the service's audit duty) signs a new checkpoint when ``audit_every`` events
have been added, only after checking the consistency proof from its previous checkpoint, so it never signs two
inconsistent checkpoints. Each checkpoint message is a c2sp.org/tlog-witness add-checkpoint body —
``old <size>``, the consistency proof lines, a blank line, the signed checkpoint — so a witness
(shared.audit_witness) can check it as it comes. ``cxzy verify`` checks the hash chain and every checkpoint.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.js.errors import NotFoundError

from . import tlog
from .audit_keys import log_signer, origin
from .audit_note import Checkpoint, NoteError, Verifier, open_checkpoint
from .envelope import GENESIS, Envelope
from .logging import log
from .nats_io import connect, ensure_stream, stream_name
from .scope import audit_subject
from .settings import Settings

AUDIT = "audit"
FRONTIER = "Cxzy-Tlog-Frontier"  # header of a checkpoint message: the tree's frontier hashes (base64, comma-separated)
WINDOW = 128  # stream messages fetched at once
BAD_HASH = "hash does not match the envelope"


@dataclass(frozen=True)
class RawMessage:
    """A stream message as JetStream stored it: the exact header block and payload bytes."""

    seq: int
    subject: str
    header_block: bytes
    data: bytes
    headers: dict[str, str]

    @property
    def leaf_hash(self) -> bytes:
        return tlog.message_leaf_hash(self.subject, self.header_block, self.data)


async def raw_messages(js, service: str, first: int = 1, last: int | None = None) -> AsyncIterator[RawMessage]:
    """The service's messages with stream sequence in [first, last] (to the end if ``last`` is None), in order, each
    fetched by sequence (STREAM.MSG.GET keeps the raw header block); a missing sequence raises NotFoundError."""
    stream = stream_name(service)
    if last is None:
        last = (await js.stream_info(stream)).state.last_seq
    for start in range(first, last + 1, WINDOW):
        batch = await asyncio.gather(*(js.get_msg(stream, seq) for seq in range(start, min(start + WINDOW, last + 1))))
        for msg in batch:
            block = base64.b64decode(msg.hdrs) if msg.hdrs else b""
            yield RawMessage(msg.seq, msg.subject, block, msg.data or b"", msg.headers or {})


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
            return {"ok": False, "checked": count, "broken_at": seq, "reason": BAD_HASH}
        previous = env.hash
        count += 1
    return {"ok": True, "checked": count, "head": previous}


async def read_range(js, service: str, first: int = 1, last: int | None = None) -> list[tuple[int, Envelope]]:
    """The service's events with stream sequence in [first, last] (all if ``last`` is None)."""
    return [(m.seq, Envelope.from_message(m.headers, m.data)) async for m in raw_messages(js, service, first, last)]


async def read_stream(settings: Settings, service: str) -> list[tuple[int, Envelope]]:
    nc = await connect(settings, name="cxzy-verify", one_shot=True)
    try:
        return await read_range(nc.jetstream(), service)
    finally:
        await nc.close()


def add_checkpoint_body(old: int, proof: list[bytes], note: str) -> bytes:
    """The c2sp.org/tlog-witness add-checkpoint request body."""
    lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
    return f"old {old}\n{lines}\n{note}".encode()


def parse_add_checkpoint(body: bytes) -> tuple[int, list[bytes], str]:
    text = body.decode()
    head, sep, note = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old "):
        raise NoteError("checkpoint message: expected 'old <size>', proof lines, a blank line and a checkpoint")
    return int(lines[0][4:]), [base64.b64decode(x, validate=True) for x in lines[1:]], note


async def checkpoint_messages(js, subject: str, after: int = 0) -> AsyncIterator[tuple[int, bytes, dict]]:
    """(audit stream sequence, data, headers) of every message on an audit subject after ``after``, oldest first."""
    stream = stream_name(AUDIT)
    try:
        info = await js.stream_info(stream, subjects_filter=subject)
    except NotFoundError:
        return
    if not info.state.messages:
        return
    seq = after
    while True:
        try:
            msg = await js.get_msg(stream, seq + 1, subject=subject, next=True)
        except NotFoundError:
            return
        seq = msg.seq
        yield seq, msg.data or b"", msg.headers or {}


class ForkRefused(RuntimeError):
    """The stream no longer gives the tree the previous checkpoint signed: nothing is signed."""


class Auditor:
    """The checkpointer of one service's log."""

    def __init__(self, js, service: str, settings: Settings):
        self.js = js
        self.service = service
        self.settings = settings
        self.signer = log_signer(settings)
        self.origin = origin(self.signer, service)

    @property
    def verifier(self) -> Verifier:
        return self.signer.verifier

    async def previous(self) -> tuple[Checkpoint, tlog.CompactRange | None]:
        """The last checkpoint this log signed (size 0 if none) and the frontier it was published with."""
        empty = Checkpoint(self.origin, 0, tlog.EMPTY_ROOT)
        try:
            msg = await self.js.get_last_msg(stream_name(AUDIT), audit_subject(self.service))
        except NotFoundError:
            return empty, tlog.CompactRange()
        if (msg.data or b"").startswith(b"{"):
            return empty, tlog.CompactRange()  # a checkpoint of the old JSON format: the tree starts afresh
        _, _, note = parse_add_checkpoint(msg.data)
        cp, _ = open_checkpoint(note, self.verifier)
        try:
            hashes = [base64.b64decode(h) for h in (msg.headers or {}).get(FRONTIER, "").split(",") if h]
            frontier = tlog.CompactRange(hashes, cp.size)
        except ValueError:
            frontier = None
        return cp, frontier if frontier is not None and frontier.root() == cp.root else None

    async def maybe_checkpoint(self, force: bool = False) -> str | None:
        """Sign and publish a checkpoint of the whole stream if ``audit_every`` events (any, if ``force``) were added
        since the last one; returns the signed note, or None."""
        await ensure_stream(self.js, AUDIT, self.settings)
        prev, frontier = await self.previous()
        info = (await self.js.stream_info(stream_name(self.service))).state
        size = info.last_seq
        if size <= prev.size or (not force and size - prev.size < self.settings.audit_every):
            return None
        if frontier is None:  # lost or wrong frontier: rebuild it from the stream, which must give the signed root
            frontier = tlog.CompactRange()
            async for m in raw_messages(self.js, self.service, 1, prev.size):
                frontier.append(m.leaf_hash)
        if frontier.root() != prev.root:
            raise ForkRefused(f"{self.service}: the stream's first {prev.size} events differ from the last checkpoint")
        new = [m.leaf_hash async for m in raw_messages(self.js, self.service, prev.size + 1, size)]
        tree = tlog.CompactRange(frontier.hashes, prev.size)
        for h in new:
            tree.append(h)
        proof = tlog.consistency_proof(prev.size, size, _extension(frontier, new))
        if not tlog.verify_consistency(prev.size, size, prev.root, tree.root(), proof):
            raise ForkRefused(f"{self.service}: checkpoint {size} would not be consistent with {prev.size}")
        text = Checkpoint(self.origin, size, tree.root()).text
        note = f"{text}\n{self.signer.signature_line(text)}"
        await self.js.publish(
            audit_subject(self.service),
            add_checkpoint_body(prev.size, proof, note),
            headers={
                "Nats-Msg-Id": f"{self.origin}:{size}",
                FRONTIER: ",".join(base64.b64encode(h).decode() for h in tree.hashes),
            },
        )
        log("audit").info("checkpoint signed", service=self.service, size=size, previous=prev.size)
        return note


def _extension(frontier: tlog.CompactRange, new: list[bytes]) -> tlog.Subtree:
    """MTH(D[a:b]) of the tree ``frontier`` + ``new`` leaves, for the ranges a consistency proof from the frontier's
    size needs: whole frontier subtrees, or ranges of new leaves."""
    known = {(s, s + n): h for (s, n), h in zip(tlog.decomposition(0, frontier.size), frontier.hashes, strict=True)}

    def subtree(a: int, b: int) -> bytes:
        if (a, b) in known:
            return known[(a, b)]
        if a < frontier.size:
            raise ValueError(f"range [{a}, {b}) is not a subtree of the frontier")
        return tlog.root(new[a - frontier.size : b - frontier.size])

    return subtree


async def verify_stream(settings: Settings, service: str, key: Verifier | None = None) -> dict:
    """Check the chain of the whole stream, then every checkpoint: signed by the log key (the public part of the
    configured key unless ``key`` is given) and equal to the tree of the stream at its size."""
    key = key or log_signer(settings).verifier
    nc = await connect(settings, name="cxzy-verify", one_shot=True)
    try:
        js = nc.jetstream()
        sizes: dict[int, Checkpoint] = {}
        async for _, data, _ in checkpoint_messages(js, audit_subject(service)):
            if data.startswith(b"{"):
                continue  # the old JSON format
            try:
                cp, _ = open_checkpoint(parse_add_checkpoint(data)[2], key)
            except (NoteError, ValueError) as exc:
                return {"ok": False, "service": service, "reason": f"checkpoint: {exc}"}
            sizes[cp.size] = cp
        tree = tlog.CompactRange()
        previous, count = GENESIS, 0
        async for m in raw_messages(js, service):
            env = Envelope.from_message(m.headers, m.data)
            if env.prevhash != previous or not env.verify_link():
                reason = "prevhash does not match the previous hash" if env.prevhash != previous else BAD_HASH
                return {"ok": False, "service": service, "checked": count, "broken_at": m.seq, "reason": reason}
            previous, count = env.hash, count + 1
            tree.append(m.leaf_hash)
            at = sizes.get(tree.size)
            if at is not None and at.root != tree.root():
                return {"ok": False, "service": service, "checked": count, "checkpoint": at.size,
                        "reason": "events differ from the signed checkpoint"}  # fmt: skip
        beyond = [s for s in sizes if s > tree.size]
        if beyond:
            return {"ok": False, "service": service, "checked": count, "checkpoint": min(beyond),
                    "reason": "a checkpoint covers events the stream does not have"}  # fmt: skip
        return {"ok": True, "service": service, "checked": count, "head": previous, "checkpoints": len(sizes)}
    finally:
        await nc.close()
