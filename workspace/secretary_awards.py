"""推荐表彰 (A3): the campaigns the org may nominate in, a nomination form (a member by name, or the org
itself) per open campaign, and the org's nominations with where each stands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .secretary_labels import CAMPAIGN_KINDS, NOMINATION, NOMINATION_TONE, secretary_org
from .secretary_ledger import members
from .web import Api, ApiAs, Form, Person, Refused, names_of, org_name, redirect, render

router = APIRouter()


async def nominations_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    org = secretary_org(request.state.session)
    today = dt.date.today().isoformat()
    campaigns = (await api.get(f"/api/awards/orgs/{org}/campaigns"))["items"]
    for c in campaigns:
        c["open"] = today <= c["nomination_until"] and not c.get("granted_on")
        c["kind_zh"] = CAMPAIGN_KINDS.get(c["kind"], c["kind"])
    names = {c["campaign_id"]: c["name"] for c in campaigns}
    rows = (await api.get(f"/api/awards/orgs/{org}/nominations"))["items"]
    people = names_of(request, {r["nominee_id"] for r in rows if r["nominee_type"] == "member"})
    for r in rows:
        r["nominee"] = (
            people.get(r["nominee_id"], r["nominee_id"]) if r["nominee_type"] == "member" else org_name(request, org)
        )
        r["campaign"] = names.get(r["campaign_id"], "")
        r["state_zh"], r["tone"] = NOMINATION.get(r["state"], r["state"]), NOMINATION_TONE.get(r["state"], "warn")
    return render(
        request,
        "secretary_nominations.html",
        status=status,
        org_id=org,
        org=org_name(request, org),
        campaigns=campaigns,
        people=members(request, org),
        nominations=rows,
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/nominations", response_class=HTMLResponse)
async def nominations(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await nominations_page(request, api, notice=notice)


@router.post("/nominations", response_class=HTMLResponse)
async def nominate(request: Request, session: Person, api: ApiAs, form: Form):
    """Fields: ``campaign``, ``title``, ``nominee`` (``org`` or a member id), ``deeds``."""
    org = secretary_org(session)
    typed = {k: str(form.get(k) or "").strip() for k in ("campaign", "title", "nominee", "deeds")}
    labels = (("title", "表彰称号"), ("nominee", "推荐对象"), ("deeds", "主要事迹"))
    missing = [label for key, label in labels if not typed[key]]
    if missing or not typed["campaign"]:
        what = "、".join(missing) or "表彰活动"
        return await nominations_page(request, api, 422, typed=typed, error=f"请填写{what}后再提交推荐")
    nominee = (
        {"nominee_type": "org", "nominee_id": org}
        if typed["nominee"] == "org"
        else {
            "nominee_type": "member",
            "nominee_id": typed["nominee"],
        }
    )
    try:
        await api.post(
            f"/api/awards/campaigns/{typed['campaign']}/nominations",
            {"title": typed["title"], "deeds": typed["deeds"], **nominee},
        )
    except Refused as exc:
        return await nominations_page(request, api, exc.status, typed=typed, error=exc.zh)
    return redirect("/ws/nominations", notice="推荐已提交，将逐级审核")
