"""待审承诺 — the secretary's inbox (P4, P5): the org's pledges awaiting review, each with its pledgers' names,
to approve or return with reasons; approved ones to publicise on a channel (公开, P5: approved only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from shared.directory.people import shown

from .secretary_labels import CHANNELS, KINDS, PLEDGE, PLEDGE_TONE, PLEDGER_KINDS, secretary_org
from .web import Api, ApiAs, Form, Person, Refused, names_of, org_name, redirect, render

router = APIRouter()
INBOX = 200  # pledges per state on the inbox


def named_pledges(request: Request, rows: list[dict]) -> list[dict]:
    """Ledger rows with what people read: pledgers' names (or the org's), kind and state in Chinese."""
    names = names_of(request, {m for r in rows for m in r["member_ids"]})
    for r in rows:
        r["pledgers"] = "、".join(shown(m, names) for m in r["member_ids"]) or org_name(request, r["org_id"])
        r["kind_zh"] = f"{PLEDGER_KINDS.get(r['pledger_kind'], '')} · {KINDS.get(r['kind'], r['kind'])}"
        r["state_zh"], r["tone"] = PLEDGE.get(r["state"], r["state"]), PLEDGE_TONE.get(r["state"], "")
    return rows


async def inbox(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    org = secretary_org(request.state.session)
    path = f"/api/pledges/orgs/{org}/ledger"
    waiting = (await api.get(path, state="proposed", limit=INBOX))["items"]
    approved = (await api.get(path, state="approved", limit=INBOX))["items"]
    own = lambda rows: [r for r in rows if r["org_id"] == org]  # noqa: E731 — a host org does not review (P6)
    return render(
        request,
        "secretary_review.html",
        status=status,
        org=org_name(request, org),
        waiting=named_pledges(request, own(waiting)),
        approved=named_pledges(request, own(approved)),
        channels=CHANNELS,
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/review", response_class=HTMLResponse)
async def review(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await inbox(request, api, notice=notice)


@router.post("/review/{pledge_id}", response_class=HTMLResponse)
async def decide(request: Request, pledge_id: str, session: Person, api: ApiAs, form: Form):
    """``action`` = approve | return (with ``reasons``) | publicise (with ``channel``)."""
    secretary_org(session)
    action = str(form.get("action") or "")
    reasons, channel = str(form.get("reasons") or "").strip(), str(form.get("channel") or "")
    typed = {"pledge": pledge_id, "reasons": reasons, "channel": channel}
    if action == "return" and not reasons:
        return await inbox(request, api, 422, typed=typed, error="退回承诺须写明退回理由，请填写理由后再点“退回修改”")
    if action == "publicise" and channel not in CHANNELS:
        return await inbox(request, api, 422, typed=typed, error=f"请选择公开渠道：{'、'.join(CHANNELS)}")
    calls = {
        "approve": ("approve", None, "已审核通过，承诺已进入台账"),
        "return": ("return", {"reasons": reasons}, "已退回修改，承诺人将收到退回理由"),
        "publicise": ("publicise", {"channel": channel}, f"已通过“{channel}”公开承诺"),
    }
    if action not in calls:
        return await inbox(request, api, 422, typed=typed, error="请在下面的承诺上选择“审核通过”“退回修改”或“公开”")
    step, body, done = calls[action]
    try:
        await api.post(f"/api/pledges/pledges/{pledge_id}/{step}", body)
    except Refused as exc:
        return await inbox(request, api, exc.status, typed=typed, error=exc.zh)
    return redirect("/ws/review", notice=done)
