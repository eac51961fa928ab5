"""实时动态 — the live event feed of an officer's scope in the browser (issue 14, H4).

The browser holds a session cookie, not a token, so ``/ws/feed/stream?service=&scope=`` relays the service's
own SSE feed ``GET /api/<service>/events?scope=…`` called in-process as the logged-in person: the feed's scope
check (H4) is the API's. httpx's ASGI transport waits for a response to finish, which a live feed never does, so
:func:`asgi_stream` runs the app itself and hands the body on chunk by chunk. Each event goes out with its
Chinese title from the service's contract and its org's name; ``static/feed.js`` shows them newest first."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

import services

from .web import Person, Refused, org_name, render

router = APIRouter()


class Upstream:
    """One GET on the ASGI app, its body read as the app sends it (a live feed never ends)."""

    def __init__(self, app, path: str, query: dict, headers: dict[str, str]):
        self._sent: asyncio.Queue = asyncio.Queue()
        self._gone = asyncio.Event()
        self._requested = False
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(query).encode(),
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "server": ("workspace", 80),
            "client": ("127.0.0.1", 0),
        }
        self._task = asyncio.create_task(self._run(app, scope))
        self.status = 0

    async def _receive(self) -> dict:
        if not self._requested:
            self._requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _run(self, app, scope) -> None:
        try:
            await app(scope, self._receive, self._sent.put)
        finally:
            await self._sent.put(None)

    async def start(self) -> int:
        message = await self._sent.get()
        self.status = message["status"] if message else 500
        return self.status

    async def chunks(self) -> AsyncIterator[bytes]:
        while (message := await self._sent.get()) is not None:
            if message.get("body"):
                yield message["body"]
            if not message.get("more_body"):
                return

    async def body(self) -> bytes:
        return b"".join([c async for c in self.chunks()])

    async def close(self) -> None:
        self._gone.set()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


def titles(service: str) -> dict[str, str]:
    """``cn.cxzy.pledges.proposed.v1`` → 承诺提出, from the service's contract."""
    contract = services.spec(service).contract
    return {t.type_for(service): t.title for t in contract.types}


def in_chinese(request: Request, frame: str, named: dict[str, str], service: str) -> str:
    """An SSE frame of the API with the event's Chinese title and its org's name added to its data; unnamed, so
    the page's one ``onmessage`` gets every type (the type stays in the data)."""
    lines = [line for line in frame.split("\n") if not line.startswith("event: ")]
    for i, line in enumerate(lines):
        if line.startswith("data: "):
            event = json.loads(line[6:])
            event["title_zh"] = named.get(event.get("type", ""), event.get("type", ""))
            event["org_name"] = org_name(request, event.get("orgid"))
            event["service"] = service
            lines[i] = "data: " + json.dumps(event, ensure_ascii=False)
    return "\n".join(lines)


async def open_feed(request: Request, session: Person, service: str, scope: str) -> Upstream:
    """The service's feed as the person; a refusal (unknown service, a scope they do not hold) is :class:`Refused`."""
    if service not in request.app.state.runtimes:
        hosted = "、".join(request.app.state.runtimes)
        raise Refused(404, {"type": "feed", "title_zh": f"没有“{service}”这项服务的动态，请从 {hosted} 中选择"})
    token = session.account.token(request.app.state.settings, ttl_s=60)
    headers = {"authorization": f"Bearer {token}", "accept": "text/event-stream"}
    last = request.headers.get("last-event-id")
    if last:
        headers["last-event-id"] = last
    upstream = Upstream(request.app, f"/api/{service}/events", {"scope": scope}, headers)
    if await upstream.start() != 200:
        body = await upstream.body()
        await upstream.close()
        try:
            problem = json.loads(body)
        except ValueError:
            problem = {"title_zh": "实时动态暂时不可用，请稍后刷新页面"}
        raise Refused(upstream.status, problem)
    return upstream


@router.get("/feed/stream")
async def stream(request: Request, session: Person, service: str = "", scope: str = ""):
    upstream = await open_feed(request, session, service, scope)
    named = titles(service)

    async def relay() -> AsyncIterator[str]:
        pending = ""
        try:
            async for chunk in upstream.chunks():
                pending += chunk.decode()
                *frames, pending = pending.split("\n\n")
                for frame in frames:
                    yield in_chinese(request, frame, named, service) + "\n\n"
        finally:
            await upstream.close()

    return StreamingResponse(relay(), media_type="text/event-stream", headers={"cache-control": "no-cache"})


@router.get("/feed")
async def feed(request: Request, session: Person, scope: str = "", service: str = ""):
    held = list(session.account.scopes)
    if not held:
        raise Refused(
            403, {"type": "feed", "title_zh": "实时动态供上级党组织、组织部门和审计人员使用；您的账号没有管辖范围"}
        )
    scope = scope or held[0]
    hosted = [name for name in request.app.state.runtimes if name in services.SERVICES]
    chosen = [service] if service else hosted
    for name in chosen[:1]:  # ask the API once before the page opens its streams: a refusal is a sentence here
        await (await open_feed(request, session, name, scope)).close()
    streams = ["/ws/feed/stream?" + urlencode({"service": name, "scope": scope}) for name in chosen]
    return render(
        request,
        "feed.html",
        scope=scope,
        service=service,
        held=held,
        hosted=[(name, services.spec(name).title) for name in hosted],
        streams=streams,
    )
