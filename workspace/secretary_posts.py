"""设岗定责 (P6): the org's members with their current posts (the directory's fixed post, or the one the
secretary set), and a form to set a member's post and duties — members with no fixed post pledge by it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .secretary_labels import secretary_org
from .secretary_ledger import members
from .web import Api, ApiAs, Form, Person, Refused, org_name, redirect, render

router = APIRouter()


async def posts_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    org = secretary_org(request.state.session)
    assigned = {p["member_id"]: p["post"] for p in (await api.get(f"/api/pledges/orgs/{org}/posts"))["items"]}
    people = [m | {"assigned": assigned.get(m["id"])} for m in members(request, org)]
    return render(
        request,
        "secretary_posts.html",
        status=status,
        org=org_name(request, org),
        people=people,
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/posts", response_class=HTMLResponse)
async def posts(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await posts_page(request, api, notice=notice)


@router.post("/posts", response_class=HTMLResponse)
async def set_post(request: Request, session: Person, api: ApiAs, form: Form):
    org = secretary_org(session)
    typed = {k: str(form.get(k) or "").strip() for k in ("member", "post", "duties")}
    missing = [
        label for key, label in (("member", "党员"), ("post", "岗位名称"), ("duties", "岗位职责")) if not typed[key]
    ]
    if missing:
        return await posts_page(request, api, 422, typed=typed, error=f"请填写{'、'.join(missing)}后再保存")
    body = {"member_id": typed["member"], "post": typed["post"], "duties": typed["duties"]}
    try:
        await api.post(f"/api/pledges/orgs/{org}/posts", body)
    except Refused as exc:
        return await posts_page(request, api, exc.status, typed=typed, error=exc.zh)
    return redirect("/ws/posts", notice=f"已设定岗位“{typed['post']}”")
