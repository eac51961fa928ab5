"""消息与待办 — the workspace's messages and tasks (issue 13).

The services' notices (shared.notices: 督促, a returned or approved pledge, a round open for rating, a result
fed back, a nomination waiting at one's level, an honour granted) as one list, newest first: unread ones on
the home page, all of them on ``/ws/messages`` where they are marked read. Read through each service's
``GET /api/<svc>/notices`` as the logged-in person, so nobody sees another's; names come from the people book.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from shared.directory.people import shown

from .web import Api, ApiAs, Form, Person, Refused, redirect, render

router = APIRouter()
PAGE = 50  # notices per service on the messages page
HOME = 10  # unread notices on the home page


def notice_services(app: Any) -> dict[str, str]:
    """``{service: title}`` of the services hosted here that send notices."""
    return {name: rt.spec.title for name, rt in app.state.runtimes.items() if rt.spec.notices}


def day(iso: str) -> str:
    """2026-11-25, in China's time (events are stamped in UTC)."""
    china = dt.timezone(dt.timedelta(hours=8))
    return dt.datetime.fromisoformat(iso).astimezone(china).date().isoformat()


async def collect(api: Api, limit: int, unread: bool = False) -> list[dict]:
    """The caller's notices of every service, newest first, each with ``service``, ``title`` and ``when``."""
    found: list[dict] = []
    for service, title in notice_services(api.app).items():
        page = await api.get(f"/api/{service}/notices", limit=limit, unread="true" if unread else None)
        found += [{**n, "service": service, "title": title, "when": day(n["created_at"])} for n in page["items"]]
    found.sort(key=lambda n: (n["created_at"], n["id"]), reverse=True)
    return found


def others(notice: dict) -> str | None:
    """The member a notice is about, unless it is about its own recipient."""
    about = notice.get("about")
    return about if about and notice["recipient"] != f"member:{about}" else None


def with_names(app: Any, notices: list[dict]) -> list[dict]:
    """A notice about someone else names her: "…（对象：张伟（M1））" — notices carry ids, the people book names."""
    about = {m for m in map(others, notices) if m}
    names = app.state.people.names(about) if about else {}
    for n in notices:
        subject = others(n)
        n["line"] = n["text"] + (f"（对象：{shown(subject, names)}）" if subject else "")
    return notices


async def home_items(api: Api) -> list[dict]:
    """What the home page lists for the logged-in person: ``{"text", "href", "when"}`` items, newest first."""
    unread = with_names(api.app, (await collect(api, HOME, unread=True))[:HOME])
    return [{"text": n["line"], "href": n["href"] or "/ws/messages", "when": n["when"]} for n in unread]


async def page(request: Request, session: Person, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    notices = with_names(request.app, await collect(api, PAGE))
    unread = sum(1 for n in notices if not n["read_at"])
    return render(request, "messages.html", status=status, notices=notices, unread=unread, **context)


@router.get("/messages", response_class=HTMLResponse)
async def messages(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await page(request, session, api, notice=notice)


@router.post("/messages/read", response_class=HTMLResponse)
async def mark_read(request: Request, session: Person, api: ApiAs, form: Form):
    """One notice (fields ``service`` and ``id``) or, with ``all``, every unread one."""
    services = notice_services(request.app)
    if form.get("all"):
        targets = [(n["service"], n["id"]) for n in await collect(api, PAGE, unread=True)]
    elif form.get("service") in services and form.get("id"):
        targets = [(str(form["service"]), str(form["id"]))]
    else:
        return await page(request, session, api, 422, error="没有找到这条消息，请从下面的列表中选择")
    try:
        for service, notice_id in targets:
            await api.post(f"/api/{service}/notices/{notice_id}/read")
    except Refused as exc:
        return await page(request, session, api, exc.status, error=exc.zh)
    return redirect("/ws/messages", notice="已全部标为已读" if form.get("all") else "已标为已读")
