"""A province-sized pledge history on JetStream, generated once and reused (``var/bench/history-<n>/``).

Real envelopes: Pledge aggregates driven through 提诺 → 审诺 → 公开 → 履诺 → 践诺 (P4), each domain event
turned into a CloudEvent by the kernel's contract and chained (docs/ARCHITECTURE.md "The envelope"), then pipelined
onto the NATS protocol into ``CXZY_PLEDGES`` (a million events through HTTP would take hours; through
nats-py's ``publish_async``, half an hour)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import multiprocessing
import random
from collections.abc import Iterator
from pathlib import Path

from nats.js.errors import NotFoundError

from services.pledges.contract import CONTRACT
from services.pledges.domain import CHANNELS
from shared.envelope import GENESIS, Envelope, canonical_json
from shared.nats_io import EmbeddedNats, connect, ensure_stream, stream_name
from shared.scope import Scope
from shared.settings import Settings

from .province import COUNTY_SCOPE, VERTICAL_SCOPE, BenchOrg, orgs, proposed

EVENTS_PER_PLEDGE = 5
STREAM = stream_name("pledges")


def pledge_events(org: BenchOrg, rng: random.Random) -> list:
    """The five domain events of one pledge's life."""
    o, trace = org.position.as_dict(), {"correlation_id": None, "causation_id": None}
    p = proposed(org, "每月走访困难群众两次，帮助解决实际问题")
    p.approve(f"S-{org.org_id}", o, trace)
    p.publicise(rng.choice(CHANNELS), o, trace)
    p.report_progress("已走访5户", ["photo-1.jpg"], o, trace)
    p.complete("全年走访26次", o, trace)
    return list(p.collect_events())


def data_fields() -> list[list]:
    """Each event type's published data fields: a stored history made by another contract is made again."""
    events = pledge_events(orgs()[0], random.Random(0))
    return [[env.type, sorted(env.data)] for _, env in (CONTRACT.envelope(e, 1) for e in events)]  # type: ignore[misc]


CHUNK_PLEDGES = 1000


def _chunk(args: tuple[int, int, int]) -> tuple[list[tuple[str, dict, dict, bytes]], dict[str, int]]:
    """Unchained envelopes of one chunk of pledges (in a worker process): subject, the attributes that
    are hashed, the headers but the two hash ones, the payload; and how many fall in each fan-out scope."""
    chunk, total, seed = args
    rng = random.Random(seed * 1_000_003 + chunk)
    province = orgs()
    scopes = {s: Scope.parse(s) for s in (COUNTY_SCOPE, VERTICAL_SCOPE)}
    shares = dict.fromkeys(scopes, 0)
    seq = chunk * CHUNK_PLEDGES * EVENTS_PER_PLEDGE
    out: list[tuple[str, dict, dict, bytes]] = []
    for _ in range(CHUNK_PLEDGES):
        org = rng.choice(province)
        for event in pledge_events(org, rng):
            seq += 1
            if seq > total:
                return out, shares
            subject, env = CONTRACT.envelope(event, seq)  # type: ignore[misc]
            attrs = env.attributes()
            attrs.pop("hash")
            headers = env.headers()
            del headers["ce-prevhash"], headers["ce-hash"]  # set when the chain is linked, in ``frames``
            out.append((subject, attrs, headers, env.payload()))
            for name, scope in scopes.items():
                shares[name] += scope.contains(org.position)
    return out, shares


def link(attrs: dict, prevhash: str) -> str:
    """The chain link of :meth:`Envelope.chained`, without its deep copies (checked equal in ``frames``)."""
    attrs["prevhash"] = prevhash
    return hashlib.sha256(prevhash.encode() + canonical_json(attrs)).hexdigest()


def frames(total: int, shares: dict[str, int], seed: int = 7, workers: int = 2) -> Iterator[bytes]:
    """``total`` chained events as NATS ``HPUB`` frames, in stream order; counts each scope's share."""
    last_hash = GENESIS
    chunks = [(c, total, seed) for c in range(-(-total // (CHUNK_PLEDGES * EVENTS_PER_PLEDGE)))]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for events, chunk_shares in pool.imap(_chunk, chunks):
            for name, n in chunk_shares.items():
                shares[name] = shares.get(name, 0) + n
            for subject, attrs, headers, payload in events:
                digest = link(attrs, last_hash)
                headers["ce-prevhash"], headers["ce-hash"] = last_hash, digest
                if attrs["sequence"] <= 3:  # the shortcut must agree with the kernel's envelope
                    env = Envelope(**{**attrs, "hash": ""}).chained(last_hash)
                    assert env.hash == digest and env.headers() == headers, "differs from the kernel's envelope"
                last_hash = digest
                block = ("NATS/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
                yield b"HPUB %s %d %d\r\n%s%s\r\n" % (
                    subject.encode(),
                    len(block),
                    len(block) + len(payload),
                    block,
                    payload,
                )


async def publish_raw(url: str, frames_: Iterator[bytes]) -> None:
    """Pipeline frames straight onto the NATS protocol (nats-py's per-message header encoding would make
    a million events take half an hour); a PING every 20 000 frames keeps the buffers bounded."""
    host, port = url.removeprefix("nats://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    await reader.readline()  # INFO
    writer.write(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n')
    for n, frame in enumerate(frames_, 1):
        writer.write(frame)
        if n % 20_000 == 0:
            await _ping(reader, writer)
    await _ping(reader, writer)
    writer.close()


async def _ping(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"PING\r\n")
    await writer.drain()
    while (line := await reader.readline()) != b"PONG\r\n":
        if line.startswith(b"-ERR") or not line:
            raise RuntimeError(f"nats-server refused the history: {line!r}")


class History:
    """The persisted history: its own nats-server store, and what each subscriber's share is."""

    def __init__(self, var_dir: Path, events: int):
        self.events = events
        self.dir = var_dir / "bench" / f"history-{events}"
        self.meta_path = self.dir / "meta.json"
        self.nats = EmbeddedNats(self.dir / "nats")

    @property
    def meta(self) -> dict:
        return json.loads(self.meta_path.read_text())

    async def ensure(self, settings: Settings) -> dict:
        """Start the server; generate the history unless a complete one is already there."""
        self.nats.start()
        nc = await connect(settings, self.nats.url, name="cxzy-bench-history")
        try:
            js = nc.jetstream(publish_async_max_pending=8000)
            fresh = self.meta_path.exists() and self.meta.get("data_fields") == data_fields()
            if fresh and await self._stored(js) == self.events:
                return {**self.meta, "reused": True}
            await self._generate(js, settings)
        finally:
            await nc.drain()
        return {**self.meta, "reused": False}

    @staticmethod
    async def _stored(js) -> int:
        try:
            return (await js.stream_info(STREAM)).state.messages
        except NotFoundError:
            return 0

    async def _generate(self, js, settings: Settings) -> None:
        if await self._stored(js):
            await js.delete_stream(STREAM)
        await ensure_stream(js, "pledges", settings)
        shares: dict[str, int] = {}
        loop = asyncio.get_running_loop()
        started = loop.time()
        await publish_raw(self.nats.url, frames(self.events, shares))
        for _ in range(600):  # JetStream stores asynchronously behind core publishes
            if await self._stored(js) >= self.events:
                break
            await asyncio.sleep(0.1)
        stored = await self._stored(js)
        if stored != self.events:
            raise RuntimeError(f"history has {stored} of {self.events} events")
        samples = [await js.get_msg(STREAM, seq) for seq in range(1, 11)]
        self.meta_path.write_text(
            json.dumps(
                {
                    "events": self.events,
                    "shares": shares,
                    "data_fields": data_fields(),
                    "payload_bytes_first_10": round(sum(len(m.data or b"") for m in samples) / 10),
                    "generated_in_s": round(loop.time() - started, 1),
                    "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                },
                indent=1,
            )
        )

    def stop(self) -> None:
        self.nats.stop()
