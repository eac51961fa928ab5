"""Logging in and out, the home page (首页) and changing one's password."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.errors import Problem
from shared.ratelimit import RateLimiter, limits_secret

from . import messages
from .web import COOKIE, ApiAs, Person, Refused, book, checked_form, current, org_name, redirect, render

router = APIRouter()
LOGIN_CSRF = "cxzy_login_csrf"  # double-submit token of the login form (there is no session yet)


def _safe_next(target: str | None) -> str:
    """Only a path of this workspace (no other site, no scheme-relative ``//host``)."""
    return target if target and target.startswith("/ws") and not target.startswith("//") else "/ws/"


def login_page(request: Request, status: int = 200, **context) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(24)
    from .sso import enabled

    sso = enabled(request.app.state.settings)
    response = render(request, "login.html", status=status, login_csrf=token, sso=sso, **context)
    response.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=request.app.state.settings.cookie_secure
    )
    return response


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if not hasattr(state, "login_limiter"):
        limit, window_s = state.settings.rate_limit("login")
        state.login_limiter = RateLimiter(book(request).db, "login", limit, window_s, limits_secret(state.settings))
    return state.login_limiter


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    if current(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return login_page(request, next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/ws/",
):
    expected = request.cookies.get(LOGIN_CSRF) or ""
    if not expected or not secrets.compare_digest(csrf, expected):
        return login_page(request, 403, error="页面已过期，请重新输入用户名和密码后登录", username=username, next=next)
    try:
        _limiter(request).check_request(request)
    except Problem as exc:
        return login_page(request, 429, error=exc.title_zh, username=username, next=next)
    account = book(request).verify(username, password)
    if account is None:
        return login_page(
            request,
            401,
            error="用户名或密码不正确，请重新输入；忘记密码请联系本单位组织部门重置",
            username=username,
            next=next,
        )
    sid, _ = book(request).open_session(account)
    response = RedirectResponse(_safe_next(next), status_code=303)
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE, sid, httponly=True, samesite="lax", secure=settings.cookie_secure, max_age=settings.session_ttl_s
    )
    response.delete_cookie(LOGIN_CSRF)
    return response


@router.post("/logout")
async def logout(request: Request, session: Person, form: Annotated[dict, Depends(checked_form)]):
    book(request).close_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/ws/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    try:
        items = await messages.home_items(api)
    except Refused:
        items = []
    return render(request, "home.html", items=items, org=org_name(request, session.account.org), notice=notice)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, session: Person, notice: str = "") -> HTMLResponse:
    return render(request, "account.html", notice=notice)


@router.post("/account", response_class=HTMLResponse)
def change_password(request: Request, session: Person, form: Annotated[dict, Depends(checked_form)]):
    account = session.account
    if book(request).verify(account.username, str(form.get("old") or "")) is None:
        return render(request, "account.html", status=422, error="原密码不正确，请重新输入")
    new = str(form.get("new") or "")
    if new != str(form.get("again") or ""):
        return render(request, "account.html", status=422, error="两次输入的新密码不一致，请重新输入")
    try:
        book(request).set_password(account.username, new)
    except Problem as exc:
        return render(request, "account.html", status=422, error=exc.title_zh)
    return redirect("/ws/account", "密码已修改")
