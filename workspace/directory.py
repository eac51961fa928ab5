"""组织目录 — the directory browser of the workspace (issue 13).

``/ws/directory``: the org tree of one's scope in either hierarchy (属地 / 垂直 tabs; an officer's scopes, a
member's or secretary's own org, H4), and a search by name or code. ``/ws/directory/orgs/{id}``: one org, its
parent and children in both hierarchies (following the links expands the tree, no script needed) and, for
those who may see them, its members' names and posts. Everything comes from the directory's query API
(``/api/directory``, shared/directory/api.py) called as the logged-in person, so its access rules hold here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from shared.scope import Scope

from .web import ApiAs, Person, render

router = APIRouter()
HIERARCHIES = {"local": "属地", "vertical": "垂直"}
LEADS = {"local": "属地领导", "vertical": "垂直领导"}
STATUSES = {"normal": "正常", "exempt": "免于承诺", "mobile": "流动党员"}


def held(scopes: tuple[str, ...], hierarchy: str) -> list[str]:
    """The caller's scopes in one hierarchy."""
    return [s for s in scopes if Scope.parse(s).hierarchy == hierarchy]


@router.get("/directory", response_class=HTMLResponse)
async def directory(request: Request, session: Person, api: ApiAs, h: str = "local", q: str = "") -> HTMLResponse:
    account, q = session.account, q.strip()[:50]
    hierarchy = h if h in HIERARCHIES else "local"
    sections = []
    if account.scopes:
        for scope in held(account.scopes, hierarchy):
            found = await api.get("/api/directory/orgs", scope=scope, q=q or None)
            sections.append({"scope": scope, "orgs": found["items"], "truncated": found["truncated"]})
    elif account.org:
        found = await api.get("/api/directory/orgs", q=q or None)
        sections.append({"scope": None, "orgs": found["items"], "truncated": False})
    return render(
        request,
        "directory.html",
        hierarchies=HIERARCHIES if account.scopes else {},
        hierarchy=hierarchy,
        sections=sections,
        q=q,
        leads=LEADS,
    )


@router.get("/directory/orgs/{org_id}", response_class=HTMLResponse)
async def org_page(request: Request, session: Person, api: ApiAs, org_id: str) -> HTMLResponse:
    org = await api.get(f"/api/directory/orgs/{org_id}")
    members = (await api.get(f"/api/directory/orgs/{org_id}/members"))["items"] if org["members_visible"] else None
    return render(
        request,
        "directory_org.html",
        org=org,
        members=members,
        hierarchies=HIERARCHIES,
        leads=LEADS,
        statuses=STATUSES,
    )
