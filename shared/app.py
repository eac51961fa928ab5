"""The FastAPI app factory: hosts one or more services (``cxzy serve pledges`` or all of them in
``cxzy up``), with problem+json errors, correlation ids, a body-size limit and the AsyncAPI document."""

from __future__ import annotations

import json
import os
import traceback
from contextlib import asynccontextmanager
from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api import Caller
from .asyncapi import asyncapi_document
from .errors import Invalid, Problem
from .feed import feed_response
from .logging import bind_correlation, configure, correlation_id, log
from .service import Role, ServiceRuntime
from .settings import Settings

MAX_BODY = 1 << 20
PROBLEM = "application/problem+json"


def problem_response(problem: Problem, request: Request | None = None, path: str = "") -> JSONResponse:
    body = problem.body()
    body["instance"] = str(request.url.path) if request is not None else path
    body["correlation_id"] = correlation_id.get()
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM)


class CorrelationAndLimits:
    """Pure ASGI (no BaseHTTPMiddleware on the hot path): binds the request's correlation id (the
    ``X-Correlation-ID`` header or a new one), echoes it, and refuses bodies over 1 MiB before reading them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        cid = bind_correlation(headers.get(b"x-correlation-id", b"").decode("latin-1")[:128] or None)
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > MAX_BODY:
            too_large = Problem(
                f"request body over {MAX_BODY} bytes",
                slug="too-large",
                title_zh="请求体过大",
                title_en="Request too large",
            )
            too_large.status = 413
            await problem_response(too_large, path=scope["path"])(scope, receive, send)
            return

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-correlation-id", cid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 — the one place an unexpected error becomes an answer
            log("api").error(
                "unexpected error",
                correlation_id=cid,
                method=scope["method"],
                path=scope["path"],
                error=repr(exc),
                at=_where(exc),
            )
            if not started:
                await problem_response(Unexpected(), path=scope["path"])(scope, receive, send_with_id)


class Unexpected(Problem):
    status = 500
    slug = "unexpected"
    title_zh = "服务器内部错误，操作可能未完成；请稍后重试，如仍失败请把关联号告知管理员"
    title_en = (
        "Internal error; the operation may not have completed. Retry later, or give the correlation id to an operator"
    )


def _where(exc: BaseException) -> str:
    """The innermost frame of the traceback, on one line (the log stays one event)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"


def served() -> FastAPI:
    """The app of ``cxzy serve <service> --role …`` (an import string, so uvicorn can run several processes)."""
    from services import spec

    from .settings import get_settings

    service, _, role = os.environ["CXZY_SERVE"].partition(":")
    settings = get_settings()
    configure(settings.log_format, settings.log_level)
    return create_app([ServiceRuntime(spec(service), settings)], settings, role=cast(Role, role or "all"))


def create_app(
    runtimes: list[ServiceRuntime], settings: Settings, nats_url: str | None = None, role: Role = "all"
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        for rt in runtimes:
            await rt.start(nats_url, role=role)
        try:
            yield
        finally:
            for rt in reversed(runtimes):
                await rt.stop()

    app = FastAPI(
        title="cxzy 创先争优",
        version="0.1.0",
        lifespan=lifespan,
        description="创先争优长效机制 — pledges, evaluations, grading, awards",
    )
    app.state.settings = settings
    app.state.runtimes = {rt.name: rt for rt in runtimes}

    app.add_middleware(CorrelationAndLimits)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        if exc.status >= 500:
            log("api").error("server problem", path=request.url.path, detail=exc.detail)
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem_response(Invalid(detail, errors=errors), request)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        p = Problem(str(exc.detail), slug=f"http-{exc.status_code}", title_zh="请求无法处理", title_en="HTTP error")
        p.status = exc.status_code
        return problem_response(p, request)

    for rt in runtimes:
        _add_feed(app, rt)
        if rt.spec.routes:
            app.include_router(rt.spec.routes(rt), prefix=f"/api/{rt.name}", tags=[f"{rt.name} {rt.spec.title}"])
        if rt.spec.pages:
            app.include_router(rt.spec.pages(rt), prefix=f"/{rt.name}", include_in_schema=False)

    @app.get("/healthz", tags=["platform"])
    async def healthz():
        """``ready`` once every service's events are on the bus and its projections have caught up."""
        connected = {rt.name: (rt.nc is not None and rt.nc.is_connected) for rt in runtimes}
        ready = all(connected.values())
        for rt in runtimes:
            if ready:
                try:
                    ready = await rt.settled()
                except Exception:  # noqa: BLE001 — a consumer not bound yet: not ready
                    ready = False
        return {"status": "ok" if all(connected.values()) else "degraded", "ready": ready, "services": connected}

    @app.get("/asyncapi.json", tags=["platform"])
    async def asyncapi():
        return JSONResponse(json.loads(asyncapi_document([rt.spec for rt in runtimes])))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index():
        public = "".join(
            f'<p>公开页面 public page: <a href="/{rt.name}{path}">{label}</a></p>'
            for rt in runtimes
            for path, label in rt.spec.public_pages
        )
        items = "".join(
            f'<li><b>{rt.spec.title}</b> {rt.name}: <a href="/docs#/{rt.name}%20{rt.spec.title}">API</a></li>'
            for rt in runtimes
            if rt.spec.routes
        )
        return f"""<!doctype html><html lang="zh"><meta charset="utf-8"><title>创先争优 cxzy</title>
<body><h1>创先争优长效机制 cxzy</h1><ul>{items}</ul>
<p><a href="/docs">OpenAPI</a> · <a href="/asyncapi.json">AsyncAPI</a> · <a href="/healthz">healthz</a></p>
{public}</body></html>"""

    return app


def _add_feed(app: FastAPI, rt: ServiceRuntime) -> None:
    @app.get(f"/api/{rt.name}/events", tags=["oversight 监督"], summary=f"live SSE feed of {rt.name} events in a scope")
    async def events(request: Request, who: Caller, scope: str, from_start: bool = False):
        return feed_response(request, rt.js, rt.name, who, scope, from_start)
