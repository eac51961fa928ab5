"""``cxzy tail``: the live events of one scope, optionally from the beginning of history (H4)."""

from __future__ import annotations

import asyncio
import json

from nats.js import api

from .auth import verify_token
from .envelope import Envelope
from .errors import Problem
from .nats_io import connect, stream_name
from .scope import Scope
from .settings import Settings

EVENT_SERVICES = ("directory", "pledges", "evaluations", "grading", "awards")


def authorised_scope(settings: Settings, scope_text: str, token: str | None) -> Scope:
    scope = Scope.parse(scope_text)
    if token:
        who = verify_token(settings, token)
        if not any(scope.within(s) for s in who.scopes):
            raise Problem(f"scope {scope} is outside the token's scopes {[str(s) for s in who.scopes]}")
    return scope


def format_line(env: Envelope, seq: int) -> str:
    return (
        f"{env.service}#{seq} {env.event_name} org={env.orgid} local={env.localpath or '-'} "
        f"vertical={env.verticalpath or '-'} {env.time} {json.dumps(env.data, ensure_ascii=False)}"
    )


async def tail(
    settings: Settings,
    scope_text: str,
    service: str = "*",
    from_start: bool = False,
    token: str | None = None,
    limit: int = 0,
) -> None:
    scope = authorised_scope(settings, scope_text, token)
    nc = await connect(settings, name="cxzy-tail")
    js = nc.jetstream()
    queue: asyncio.Queue = asyncio.Queue()
    policy = api.DeliverPolicy.ALL if from_start else api.DeliverPolicy.NEW
    for svc in EVENT_SERVICES if service == "*" else (service,):
        try:
            await js.stream_info(stream_name(svc))
        except Exception:  # noqa: BLE001 — a service not deployed yet has no stream
            continue
        await js.subscribe(
            scope.filter_subject(svc),
            stream=stream_name(svc),
            ordered_consumer=True,
            deliver_policy=policy,
            cb=queue.put,
        )
    print(f"# tail {scope} ({'from the start' if from_start else 'live'}) — Ctrl-C to stop", flush=True)
    seen = 0
    try:
        while not limit or seen < limit:
            msg = await queue.get()
            print(format_line(Envelope.from_message(msg.headers, msg.data), msg.metadata.sequence.stream), flush=True)
            seen += 1
    finally:
        await nc.close()
