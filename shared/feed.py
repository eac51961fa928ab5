"""Live oversight (H4): Server-Sent Events of one service's events inside the caller's scope.

``GET /api/<service>/events?scope=local:13/1301`` streams from now; ``?from_start=true`` from the
beginning; a reconnecting client sends ``Last-Event-ID`` (the stream sequence of the last event it
got) and resumes right after it, losing and duplicating nothing. The filter subject comes from the
same scope function as everything else, so the feed can never show more than the API.
"""

from __future__ import annotations

import asyncio
import json

from fastapi import Request
from fastapi.responses import StreamingResponse
from nats.js import api

from .auth import Identity, forbidden, outside_scope
from .envelope import Envelope
from .nats_io import stream_name
from .scope import Scope, parse_scope

HEARTBEAT_S = 15.0


def feed_scope(who: Identity, scope_text: str) -> Scope:
    scope = parse_scope(scope_text)
    if not any(scope.within(s) for s in who.scopes):  # downstream systems may watch; members have no scopes
        raise forbidden(who, *outside_scope(who, scope), scope=str(scope))
    return scope


def sse_frame(seq: int, env: Envelope) -> str:
    body = {
        "sequence": seq,
        "type": env.type,
        "id": env.id,
        "subject": env.subject,
        "time": env.time,
        "orgid": env.orgid,
        "localpath": env.localpath,
        "verticalpath": env.verticalpath,
        "data": env.data,
    }
    return f"id: {seq}\nevent: {env.type}\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"


async def event_stream(request: Request, js, service: str, scope: Scope, after: int | None, from_start: bool):
    if after is not None:
        config = api.ConsumerConfig(deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
    else:
        config = api.ConsumerConfig(deliver_policy=api.DeliverPolicy.ALL if from_start else api.DeliverPolicy.NEW)
    queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
    sub = await js.subscribe(
        scope.filter_subject(service), stream=stream_name(service), ordered_consumer=True, cb=queue.put, config=config
    )
    try:
        yield ": cxzy live feed\n\n"
        while not await request.is_disconnected():
            try:
                msg = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_S)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            yield sse_frame(msg.metadata.sequence.stream, Envelope.from_message(msg.headers, msg.data))
    finally:
        await sub.unsubscribe()


def feed_response(
    request: Request, js, service: str, who: Identity, scope_text: str, from_start: bool
) -> StreamingResponse:
    scope = feed_scope(who, scope_text)
    last = request.headers.get("last-event-id")
    after = int(last) if last and last.isdigit() else None
    return StreamingResponse(
        event_stream(request, js, service, scope, after, from_start),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache"},
    )
