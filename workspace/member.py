"""我的承诺 — the member's pledges (P1–P5): those the member makes or is among, with their state and review
result in Chinese, and 提诺 (propose) in the org of the account. One pledge's page (履诺 with evidence files,
践诺完成, 修改 after a return) is in member_pledge.py; 待我评议 and 我的结果 in member_ratings.py."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from . import files, member_pledge, member_ratings
from .member_forms import FORM_WORDS, date_typed, items_checked, items_typed, member_of, named, said
from .web import Api, ApiAs, Form, Person, Refused, org_name, redirect, render

router = APIRouter()
router.include_router(member_pledge.router)
router.include_router(member_ratings.router)
router.include_router(files.router)
MINE = 500  # a member's pledges on one page


async def my_pledges(request: Request, api: Api, me: str, org: str) -> list[dict]:
    ledger = await api.get(f"/api/pledges/orgs/{org}/ledger", member=me, limit=MINE)
    return sorted(named(request, ledger["items"]), key=lambda r: r["proposed_at"], reverse=True)


async def pledges_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    me, org = member_of(request.state.session)
    typed = context.pop("typed", None) or {"kind": "annual", "pledger_kind": "individual", "items": items_typed({})}
    return render(
        request,
        "member_pledges.html",
        status=status,
        org=org_name(request, org),
        pledges=await my_pledges(request, api, me, org),
        typed=typed,
        key=typed.get("key") or secrets.token_urlsafe(16),
        **FORM_WORDS,
        **context,
    )


@router.get("/pledges", response_class=HTMLResponse)
async def pledges(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await pledges_page(request, api, notice=notice)


@router.post("/pledges", response_class=HTMLResponse)
async def propose(request: Request, session: Person, api: ApiAs, form: Form):
    """提诺 (P1–P3): an individual pledge, or one with the masses (P1), in the member's org."""
    me, org = member_of(session)
    fields = ("kind", "pledger_kind", "due", "trigger", "masses", "key")
    typed = {k: str(form.get(k) or "").strip() for k in fields} | {"items": items_typed(form)}
    items, problem = items_checked(typed["items"])  # type: ignore[arg-type]
    due, bad_date = date_typed(typed["due"])
    if problem or bad_date:
        return await pledges_page(request, api, 422, typed=typed, error=problem or bad_date)
    body = {
        "org_id": org,
        "pledger_kind": typed["pledger_kind"] if typed["pledger_kind"] == "with_masses" else "individual",
        "member_ids": [me],
        "kind": typed["kind"],
        "items": items,
        "due": due,
        "trigger": typed["trigger"] or None,
        "masses": typed["masses"] or None,
    }
    headers = {"Idempotency-Key": typed["key"]} if typed["key"] else {}  # a double click makes one pledge
    try:
        made = await api.post("/api/pledges/pledges", body, headers=headers)
    except Refused as exc:
        return await pledges_page(request, api, exc.status, typed=typed, error=said(exc, me))
    return redirect(f"/ws/pledges/{made['pledge_id']}", notice="承诺已提交，请等待党组织书记审核")
