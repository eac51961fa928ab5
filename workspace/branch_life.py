"""支部制度与总结 — branch life in the workspace (B1, B2, B5): the branch's 创先争优 institutions (a secretary drafts,
opens them to the masses' opinions, answers, has them adopted and publishes; a member discusses a draft), the
calls for 活动总结 (a secretary submits the branch's, a member her own), and for officers the 汇总表 of a scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .web import Api, ApiAs, Form, Person, Refused, org_name, redirect, render

router = APIRouter()
STATES = {"drafting": "起草中", "adopted": "已通过，待公布", "published": "已公布"}
CHANNELS = {"notice_board": "党务公开栏", "intranet": "局域网", "activity_room": "党员活动室"}


def _lines(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


async def branch_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    account = request.state.session.account
    org = account.org
    if org is None:
        return render(
            request,
            "refused.html",
            status=403,
            refusal=Refused(403, {"title_zh": "此页面供党支部的书记和党员使用；上级党组织请查看汇总表"}),
        )
    focus = (await api.get("/api/branches/focus"))["focus"]
    domain = request.app.state.directory.org(org).domain
    drafts = (await api.get(f"/api/branches/orgs/{org}/drafts"))["items"]
    calls = (await api.get(f"/api/branches/orgs/{org}/summary-calls"))["items"]
    return render(
        request,
        "branch_life.html",
        status=status,
        org=org_name(request, org),
        org_id=org,
        institutions=drafts,
        states=STATES,
        channels=CHANNELS,
        focus=focus.get(domain, []),
        calls=calls,
        secretary=account.role == "secretary",
        today=dt.date.today().isoformat(),
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/branch", response_class=HTMLResponse)
async def branch(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await branch_page(request, api, notice=notice)


async def act(request: Request, api: Api, path: str, body: dict, done: str, typed: dict | None = None):
    try:
        await api.post(path, body)
    except Refused as exc:
        return await branch_page(request, api, exc.status, error=exc.zh, typed=typed or {})
    return redirect("/ws/branch", notice=done)


@router.post("/branch/institutions", response_class=HTMLResponse)
async def draft(request: Request, session: Person, api: ApiAs, form: Form):
    focus = form.get("focus") or []
    typed = {k: str(form.get(k) or "") for k in ("title", "goal", "content", "measures")}
    body = {
        "org_id": session.account.org,
        "title": typed["title"].strip(),
        "focus": focus if isinstance(focus, list) else [focus],
        "goal": typed["goal"].strip(),
        "content": typed["content"].strip(),
        "measures": _lines(typed["measures"]),
    }
    return await act(request, api, "/api/branches/institutions", body, "制度草案已保存，请组织党员讨论", typed)


STEPS = {  # form action → (API path under the institution, the body's fields, what the notice says)
    "discussion": ("discussion", ("opinion",), "讨论意见已记录"),
    "solicitation": ("solicitation", ("until",), "已开始向群众征求意见，请把公开链接发布出去"),
    "answers": ("answers", ("number", "answer"), "答复已记录"),
    "adoption": ("adoption", ("meeting_on", "attending", "members"), "支部党员大会已通过，请公布"),
    "publication": ("publication", ("channel",), "制度已公布在党务公开栏"),
}


@router.post("/branch/institutions/{institution_id}/{step}", response_class=HTMLResponse)
async def institution_step(request: Request, institution_id: str, step: str, session: Person, api: ApiAs, form: Form):
    if step not in STEPS:
        return await branch_page(request, api, 404, error="没有这个操作，请从页面上的按钮办理")
    path, fields, done = STEPS[step]
    body: dict[str, Any] = {f: str(form.get(f) or "").strip() for f in fields}
    for number in ("number", "attending", "members"):
        if number in body:
            body[number] = int(body[number]) if body[number].isdigit() else 0
    return await act(request, api, f"/api/branches/institutions/{institution_id}/{path}", body, done)


@router.post("/branch/summaries/{call_id}", response_class=HTMLResponse)
async def submit_summary(request: Request, call_id: str, session: Person, api: ApiAs, form: Form):
    account = session.account
    text = str(form.get("text") or "")
    body = {"author_kind": "org" if account.role == "secretary" else "member", "org_id": account.org, "text": text}
    return await act(
        request, api, f"/api/branches/summary-calls/{call_id}/summaries", body, "活动总结已提交", {"text": text}
    )


@router.get("/branch/table", response_class=HTMLResponse)
async def table(request: Request, session: Person, api: ApiAs, scope: str = "") -> HTMLResponse:
    scopes = list(session.account.scopes)
    chosen = scope or (scopes[0] if scopes else "")
    data = await api.get("/api/branches/institutions", scope=chosen)
    return render(request, "branch_table.html", data=data, scopes=scopes, chosen=chosen)


@router.get("/branch/table.xlsx")
async def table_xlsx(session: Person, api: ApiAs, scope: str) -> Response:
    response = await api.call("GET", "/api/branches/institutions.xlsx", params={"scope": scope})
    if response.status_code != 200:
        raise Refused(response.status_code, response.json())
    return Response(
        response.content,
        media_type=response.headers["content-type"],
        headers={"Content-Disposition": response.headers["content-disposition"]},
    )
