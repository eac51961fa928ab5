"""``cxzy tail``: the live events of one scope, optionally from the beginning of history (H4)."""

from __future__ import annotations

import asyncio
import json

from nats.js import api
from nats.js.errors import NotFoundError

from services import EVENT_SOURCES

from .auth import verify_token
from .envelope import Envelope
from .errors import Forbidden
from .nats_io import CommandFailed, NatsUnreachable, connect, stream_name
from .scope import Scope, parse_scope
from .settings import Settings


def authorised_scope(settings: Settings, scope_text: str, token: str | None) -> Scope:
    scope = parse_scope(scope_text)
    if token:
        who = verify_token(settings, token)
        if not any(scope.within(s) for s in who.scopes):
            held = ", ".join(str(s) for s in who.scopes) or "无 / none"
            raise Forbidden(
                f"scope {scope} is outside the token's scopes ({held}); tail a scope within them",
                title_zh=f"范围 {scope} 超出该令牌的管辖范围（{held}），请改为其范围之内的范围",
                title_en="Scope outside the token's scopes",
            )
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
    queue: asyncio.Queue = asyncio.Queue()

    async def closed() -> None:
        await queue.put(None)

    nc = await connect(settings, name="cxzy-tail", one_shot=True, closed_cb=closed)
    js = nc.jetstream()
    policy = api.DeliverPolicy.ALL if from_start else api.DeliverPolicy.NEW
    streams = 0
    for svc in EVENT_SOURCES if service == "*" else (service,):
        try:
            await js.stream_info(stream_name(svc))
        except NotFoundError:  # a service not deployed yet has no stream
            continue
        streams += 1
        await js.subscribe(
            scope.filter_subject(svc),
            stream=stream_name(svc),
            ordered_consumer=True,
            deliver_policy=policy,
            cb=queue.put,
        )
    if not streams:
        await nc.close()
        which = "cxzy" if service == "*" else stream_name(service)
        raise CommandFailed(
            f"{settings.nats_url} 上没有 {which} 的事件流：这不是 cxzy 的服务器，或尚无事件；请先运行 make run，或检查 CXZY_NATS_URL",
            f"no {which} event stream at {settings.nats_url}: not cxzy's server, or nothing published yet; "
            "run make run or check CXZY_NATS_URL",
        )
    mode = "from the start" if from_start else "live"
    print(f"# tail {scope} ({mode}) on {settings.nats_url} — Ctrl-C to stop", flush=True)
    seen = 0
    try:
        while not limit or seen < limit:
            msg = await queue.get()
            if msg is None:
                raise NatsUnreachable(settings.nats_url, lost=True)
            print(format_line(Envelope.from_message(msg.headers, msg.data), msg.metadata.sequence.stream), flush=True)
            seen += 1
    finally:
        await nc.close()
