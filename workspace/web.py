"""What every workspace page uses: the logged-in person (:data:`Person`), the CSRF check of a form
(:func:`checked_form`), the services' API called as that person (:class:`Api`), and :func:`render`.

A page never reads a service's tables: it asks the API, with a token minted for the session's account
(5 minutes), through the same ASGI app in-process — the API's access rules (H3, H4, E6 …) and its
refusals hold for the page too. A refusal comes back as :class:`Refused`, whose Chinese sentence the page
shows above the form it re-renders with what was typed.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.errors import without_rule_codes

from .accounts import AccountBook, Session

COOKIE = "cxzy_session"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())

# The menu of each role: (path, label). The pages behind them live in member.py, secretary.py, messages.py and
# directory.py; the officers' console (issue 14) adds theirs.
MENUS: dict[str, list[tuple[str, str]]] = {
    "member": [
        ("/ws/", "首页"),
        ("/ws/pledges", "我的承诺"),
        ("/ws/ratings", "待我评议"),
        ("/ws/results", "我的结果"),
        ("/ws/branch", "支部制度"),
        ("/ws/messages", "消息"),
        ("/ws/directory", "组织目录"),
    ],
    "secretary": [
        ("/ws/", "首页"),
        ("/ws/review", "待审承诺"),
        ("/ws/ledger", "承诺台账"),
        ("/ws/posts", "设岗定责"),
        ("/ws/rounds", "评议"),
        ("/ws/assessment", "自评"),
        ("/ws/nominations", "推荐表彰"),
        ("/ws/branch", "制度与总结"),
        ("/ws/messages", "消息"),
        ("/ws/directory", "组织目录"),
    ],
}
OFFICER_MENU = [  # committees, org departments and auditors: the officers' console (issue 14)
    ("/ws/", "首页"),
    ("/ws/dashboard", "统计分析"),
    ("/ws/cycles", "分类定级"),
    ("/ws/campaigns", "评比表彰"),
    ("/ws/branch/table", "制度汇总表"),
    ("/ws/feed", "实时动态"),
    ("/ws/messages", "消息"),
    ("/ws/directory", "组织目录"),
]


class LoginRequired(Exception):
    """Raised by :data:`Person` when nobody is logged in; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


class Refused(Exception):
    """The API refused (a problem+json): ``zh`` is what the page shows, without rule codes."""

    def __init__(self, status: int, body: dict):
        self.status = status
        self.body = body
        self.slug = str(body.get("type", "")).rsplit("/", 1)[-1]
        self.zh = without_rule_codes(str(body.get("title_zh") or "操作未完成，请稍后重试"))
        self.en = without_rule_codes(str(body.get("title_en") or ""))
        super().__init__(self.zh)


def book(request: Request) -> AccountBook:
    return request.app.state.accounts


def current(request: Request) -> Session | None:
    sid = request.cookies.get(COOKIE)
    return book(request).session(sid) if sid else None


def _person(request: Request) -> Session:
    session = current(request)
    if session is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    request.state.session = session
    return session


Person = Annotated[Session, Depends(_person)]


def menu(session: Session) -> list[tuple[str, str]]:
    return MENUS.get(session.account.role, OFFICER_MENU)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the workspace's layout; ``session``, ``menu`` and ``csrf`` are there for every template."""
    session: Session | None = getattr(request.state, "session", None) or current(request)
    html = TEMPLATES.get_template(template).render(
        request=request,
        session=session,
        menu=menu(session) if session else [],
        csrf=session.csrf if session else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


async def checked_form(request: Request, session: Person) -> dict[str, Any]:
    """The posted form (fields and files), refused unless it carries the session's CSRF token."""
    form = await request.form()
    if not secrets.compare_digest(str(form.get("csrf") or ""), session.csrf):
        raise Refused(
            403,
            {
                "type": "csrf",
                "title_zh": "页面已过期或来源不明，请刷新页面后重新提交",
                "title_en": "The form expired or did not come from this site; reload and submit again",
            },
        )
    return {k: (form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k)) for k in form.keys()}


Form = Annotated[dict, Depends(checked_form)]


def redirect(path: str, notice: str = "") -> RedirectResponse:
    """After a successful POST: see the result (303), with a one-line notice shown on the next page."""
    from urllib.parse import quote

    target = f"{path}{'&' if '?' in path else '?'}notice={quote(notice)}" if notice else path
    return RedirectResponse(target, status_code=303)


class Api:
    """The services' HTTP API, called in-process as the logged-in person."""

    def __init__(self, request: Request, session: Session):
        self._app = request.app
        self._session = session
        self._correlation = request.headers.get("x-correlation-id")

    @property
    def app(self) -> Any:
        """The application the API is called on (its ``state``: the services it hosts)."""
        return self._app

    def _client(self) -> httpx.AsyncClient:
        token = self._session.account.token(self._app.state.settings)
        headers = {"Authorization": f"Bearer {token}"}
        if self._correlation:
            headers["X-Correlation-ID"] = self._correlation
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self._app), base_url="http://workspace", headers=headers, timeout=30
        )

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async with self._client() as client:
            return await client.request(method, path, **kwargs)

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.call(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"title_zh": f"服务暂时不可用（{response.status_code}），请稍后重试"}
            raise Refused(response.status_code, body)
        return response.json() if response.content else None

    async def get(self, path: str, **params: Any) -> Any:
        return await self._json("GET", path, params={k: v for k, v in params.items() if v not in (None, "")})

    async def post(self, path: str, body: dict | None = None, **kwargs: Any) -> Any:
        return await self._json("POST", path, json=body or {}, **kwargs)

    async def put(self, path: str, body: dict | None = None) -> Any:
        return await self._json("PUT", path, json=body or {})


def api(request: Request, session: Person) -> Api:
    return Api(request, session)


ApiAs = Annotated[Api, Depends(api)]


def names_of(request: Request, member_ids: list[str] | set[str]) -> dict[str, str]:
    """``{member id: 姓名}`` from the directory's people book (personal data never rides on events)."""
    return request.app.state.people.names(member_ids)


def org_name(request: Request, org_id: str | None) -> str:
    if not org_id:
        return ""
    try:
        return request.app.state.directory.org(org_id).name
    except Exception:  # noqa: BLE001 — an org the replica does not know (yet): show its id
        return org_id
