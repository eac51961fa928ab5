"""Mounting the workspace on an app that hosts the services' API (``cxzy up``; tests' stacks)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from . import branch_life, console, dashboard, directory, feed, member, messages, routes, secretary, sso
from .accounts import AccountBook
from .web import LoginRequired, Refused, render

VENDOR = Path(__file__).resolve().parents[1] / "tools" / "web" / "node_modules" / "echarts" / "dist"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def mount(app: FastAPI) -> None:
    """Add ``/ws/…`` to ``app``; the accounts and sessions live in the workspace's store."""
    settings = app.state.settings
    readers = [rt for rt in app.state.runtimes.values() if rt.spec.replicate_directory]
    if not readers:
        raise RuntimeError("the workspace needs an app hosting at least one service with a directory replica")
    app.state.directory = readers[0].directory
    app.state.accounts = AccountBook(settings, app.state.directory)
    app.state.people = app.state.accounts.people

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired):
        from urllib.parse import quote

        return RedirectResponse(f"/ws/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        return render(request, "refused.html", status=exc.status, refusal=exc)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        if request.url.path.startswith("/ws"):
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/ws/static", StaticFiles(directory=Path(__file__).parent / "static"), name="ws-static")
    if VENDOR.exists():  # Apache ECharts from the npm registry (make install), served here: no CDN
        app.mount("/ws/vendor/echarts", StaticFiles(directory=VENDOR), name="ws-echarts")
    for module in (routes, sso, member, secretary, messages, directory, dashboard, feed, branch_life):
        app.include_router(module.router, prefix="/ws", include_in_schema=False)
    app.include_router(console.router, prefix="/ws", include_in_schema=False)
