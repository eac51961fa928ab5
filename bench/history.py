"""A province-sized pledge history on JetStream, generated once and reused (``var/bench/history-<n>/``).

Real envelopes: Pledge aggregates driven through 提诺 → 审诺 → 公开 → 履诺 → 践诺 (P4), each domain event
turned into a chained CloudEvent by the kernel's contract, published with raw ``js.publish_async``
(generating a million events through HTTP would take hours)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

from services.pledges.contract import CONTRACT
from services.pledges.domain import CHANNELS, Pledge
from shared.envelope import GENESIS, Envelope
from shared.nats_io import EmbeddedNats, connect, ensure_stream, stream_name
from shared.scope import Scope
from shared.settings import Settings

from .province import COUNTY_SCOPE, VERTICAL_SCOPE, BenchOrg, orgs

EVENTS_PER_PLEDGE = 5
STREAM = stream_name("pledges")
TODAY = dt.date(2026, 1, 5)


def pledge_events(org: BenchOrg, rng: random.Random) -> list:
    """The five domain events of one pledge's life."""
    o, trace = org.position.as_dict(), {"correlation_id": None, "causation_id": None}
    p = Pledge.propose(org=o, trace=trace, pledger_kind="individual", member_ids=[org.member_id], kind="annual",
                       year=2026, items=[{"text": "每月走访困难群众两次，帮助解决实际问题", "tags": ["带头服务群众"]}],
                       due=None, trigger=None, masses=None, post="网格员", host_org=None, leading=False,
                       exempt_members=[], supports=None, today=TODAY)
    p.approve(f"S-{org.org_id}", o, trace)
    p.publicise(rng.choice(CHANNELS), o, trace)
    p.report_progress("已走访5户", ["photo-1.jpg"], o, trace)
    p.complete("全年走访26次", o, trace)
    return p.collect_events()


def envelopes(total: int, seed: int = 7) -> Iterator[tuple[str, Envelope]]:
    """``total`` chained envelopes (subject, envelope) in stream order."""
    rng = random.Random(seed)
    province = orgs()
    last_hash, seq = GENESIS, 0
    while seq < total:
        for event in pledge_events(rng.choice(province), rng):
            seq += 1
            subject, env = CONTRACT.envelope(event, seq)  # type: ignore[misc]
            env = env.chained(last_hash)
            last_hash = env.hash
            yield subject, env
            if seq == total:
                return


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
            if self.meta_path.exists():
                info = await js.stream_info(STREAM)
                if info.state.messages == self.events:
                    return {**self.meta, "reused": True}
            await self._generate(js, settings)
        finally:
            await nc.drain()
        return {**self.meta, "reused": False}

    async def _generate(self, js, settings: Settings) -> None:
        try:
            await js.delete_stream(STREAM)
        except Exception:  # noqa: BLE001 — not there yet
            pass
        await ensure_stream(js, "pledges", settings)
        county, vertical = Scope.parse(COUNTY_SCOPE), Scope.parse(VERTICAL_SCOPE)
        shares = {COUNTY_SCOPE: 0, VERTICAL_SCOPE: 0}
        futures: list = []
        loop = asyncio.get_running_loop()
        started = loop.time()
        payload_bytes = 0
        for subject, env in envelopes(self.events):
            position = _position(env)
            shares[COUNTY_SCOPE] += county.contains(position)
            shares[VERTICAL_SCOPE] += vertical.contains(position)
            payload = env.payload()
            payload_bytes += len(payload)
            futures.append(await js.publish_async(subject, payload, headers=env.headers()))
            if len(futures) >= 4000:
                await asyncio.gather(*futures)
                futures = []
        await asyncio.gather(*futures)
        self.meta_path.write_text(json.dumps({
            "events": self.events, "shares": shares, "avg_payload_bytes": round(payload_bytes / self.events),
            "generated_in_s": round(loop.time() - started, 1),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}, indent=1))

    def stop(self) -> None:
        self.nats.stop()


def _position(env: Envelope):
    from shared.scope import Position

    return Position(env.orgid, tuple(p for p in env.localpath.split("/") if p),
                    tuple(p for p in env.verticalpath.split("/") if p))
