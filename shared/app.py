"""The FastAPI app factory: hosts one or more services (``cxzy serve pledges`` or all of them in
``cxzy up``), with problem+json errors, correlation ids and request limits (shared.middleware), offline
API docs (shared.docs) and the AsyncAPI document."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .api import Caller
from .asyncapi_page import add_asyncapi
from .directory.api import directory_routes
from .docs import add_docs
from .errors import Problem, validation_problem
from .feed import feed_response
from .logging import configure, log
from .middleware import CorrelationAndLimits, problem_response
from .notices import notices_routes
from .pages import problem_page
from .schemas import add_schemas
from .service import Role, ServiceRuntime
from .settings import Settings

INDEX_STYLE = (
    'body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:40rem;'
    "padding:1rem;line-height:1.6}h1{color:#b0191e;font-size:1.5rem}h2{font-size:1.1rem}.en{color:#666;font-size:.9em}"
)


HTTP_TITLES = {
    404: ("页面或接口不存在，请核对地址", "No such page or endpoint; check the address"),
    405: ("该地址不支持此请求方法，请核对接口文档 /docs", "Method not allowed here; see /docs"),
}


def served() -> FastAPI:
    """The app of ``cxzy serve <service> --role …`` (an import string, so uvicorn can run several processes)."""
    from services import spec

    from .settings import get_settings

    service, _, role = os.environ["CXZY_SERVE"].partition(":")
    settings = get_settings()
    configure(settings.log_format, settings.log_level)
    return create_app([ServiceRuntime(spec(service), settings)], settings, role=cast(Role, role or "all"))


def create_app(
    runtimes: list[ServiceRuntime],
    settings: Settings,
    nats_url: str | None = None,
    role: Role = "all",
    mounts: Sequence[Callable[[FastAPI], None]] = (),
) -> FastAPI:
    """The services' API and pages; ``mounts`` add what sits on top of them (the workspace, ``workspace.mount``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        for rt in runtimes:
            await rt.start(nats_url, role=role)
        try:
            yield
        finally:
            for rt in reversed(runtimes):
                await rt.stop()
            if getattr(app.state, "people", None) is not None:  # the people book (shared.directory.people)
                app.state.people.close()
                app.state.people = None

    app = FastAPI(
        title="cxzy 创先争优",
        version="0.1.0",
        lifespan=lifespan,
        description="创先争优长效机制 — pledges, evaluations, grading, awards",
        docs_url=None,  # shared.docs serves /docs from local assets; no ReDoc (it needs a CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.runtimes = {rt.name: rt for rt in runtimes}

    app.add_middleware(CorrelationAndLimits)
    add_docs(app)
    add_schemas(app, [rt.spec for rt in runtimes])

    pages = tuple(f"/{rt.name}/" for rt in runtimes if rt.spec.pages)

    def answer(request: Request, problem: Problem):
        """People on a public page get a page (a phone shows it), programs get problem+json."""
        if request.url.path.startswith(pages):
            return problem_page(problem)
        return problem_response(problem, request)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        if exc.status >= 500:
            log("api").error("server problem", path=request.url.path, detail=exc.detail)
        return answer(request, exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        return answer(request, validation_problem(exc.errors()))  # a sentence per field, zh and en

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        zh, en = HTTP_TITLES.get(exc.status_code, ("请求无法处理，请核对地址和请求方法", "Request cannot be handled"))
        p = Problem(str(exc.detail), slug=f"http-{exc.status_code}", title_zh=zh, title_en=en)
        p.status = exc.status_code
        return answer(request, p)

    for rt in runtimes:
        _add_feed(app, rt)
        if rt.spec.notices:
            app.include_router(notices_routes(rt.db), prefix=f"/api/{rt.name}/notices", tags=["notices 消息"])
        if rt.spec.routes:
            app.include_router(rt.spec.routes(rt), prefix=f"/api/{rt.name}", tags=[f"{rt.name} {rt.spec.title}"])
        if rt.spec.pages:
            app.include_router(rt.spec.pages(rt), prefix=f"/{rt.name}", include_in_schema=False)

    replicas = [rt for rt in runtimes if rt.spec.replicate_directory]
    if replicas:  # the directory's queries, answered from one replica (every replica holds the same directory)
        app.include_router(directory_routes(replicas[0]), prefix="/api/directory", tags=["directory 组织目录"])

    for add in mounts:
        add(app)

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

    add_asyncapi(app, [rt.spec for rt in runtimes])

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index():
        public = "".join(
            f'<li><a href="/{rt.name}{path}">{label}</a></li>'
            for rt in runtimes
            for path, label in rt.spec.public_pages
        )
        items = "".join(
            f'<li>{rt.spec.title} <span class="en">{rt.name}</span>：'
            f'<a href="/docs#/{rt.name}%20{rt.spec.title}">接口说明 API</a></li>'
            for rt in runtimes
            if rt.spec.routes
        )
        public_list = f'<h2>公开页面 <span class="en">Public pages</span></h2><ul>{public}</ul>' if public else ""
        return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>创先争优长效机制 cxzy</title><style>{INDEX_STYLE}</style></head>
<body><h1>创先争优长效机制</h1><p class="en">cxzy — pledges, evaluations, grading and awards of party organisations</p>
{public_list}
<h2>服务 <span class="en">Services</span></h2><ul>{items}</ul>
<p><a href="/docs">接口文档 OpenAPI</a> · <a href="/asyncapi">事件文档 AsyncAPI</a> ·
<a href="/healthz">运行状态 healthz</a></p></body></html>"""

    return app


class EventStream(StreamingResponse):
    media_type = "text/event-stream"  # what the OpenAPI document declares for the feeds


def _add_feed(app: FastAPI, rt: ServiceRuntime) -> None:
    @app.get(
        f"/api/{rt.name}/events",
        tags=["oversight 监督"],
        summary=f"live SSE feed of {rt.name} events in a scope",
        response_class=EventStream,
    )
    async def events(request: Request, who: Caller, scope: str, from_start: bool = False):
        return feed_response(request, rt.js, rt.name, who, scope, from_start)
