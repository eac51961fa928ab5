"""评比表彰 in the officers' console (A1–A6): the campaigns of one's scope with their phase, opening a campaign
(titles, quotas, a timetable — in a trial installation the dates can be days apart), the recommendation queue
waiting at the officer's own level with each nominee's eligibility and its reasons, passing, holding or rejecting
with a reason, objections of the 公示 resolved, and the grant. Decisions are the awards API's (A3 level by level)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.awards.domain import KINDS, STATES

from ..web import Api, ApiAs, Form, Person, Refused, names_of, org_name, redirect, render
from .grading import issuers

router = APIRouter()
PHASES = {
    "nominating": "推荐申报中",
    "recommending": "层层推荐中",
    "publicity": "公示中",
    "awaiting_grant": "待表彰",
    "granted": "已表彰",
}
TITLES = ("先进基层党组织", "优秀共产党员", "优秀党务工作者")
SUBJECTS = {"先进基层党组织": "org", "优秀共产党员": "member", "优秀党务工作者": "member"}


def timetable(today: dt.date) -> dict[str, str]:
    """Defaults a trial can run through in a week: nominate 2 days, recommend, 公示 from day 4 to day 5, grant day 6."""
    return {
        "nomination_until": (today + dt.timedelta(days=2)).isoformat(),
        "publicity_from": (today + dt.timedelta(days=4)).isoformat(),
        "publicity_until": (today + dt.timedelta(days=5)).isoformat(),
        "grant_on": (today + dt.timedelta(days=6)).isoformat(),
    }


async def list_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    account = request.state.session.account
    year = dt.date.today().year
    campaigns = []
    for scope in account.scopes:
        campaigns += (await api.get("/api/awards/campaigns", scope=scope, year=year))["items"]
    typed = context.pop("typed", None) or {
        "year": str(year),
        "name": f"{year}年度“七一”表彰",
        **timetable(dt.date.today()),
    }
    return render(
        request,
        "console_awards_list.html",
        status=status,
        campaigns=campaigns,
        phases=PHASES,
        kinds=KINDS,
        titles=TITLES,
        issuers=issuers(request, account.scopes),
        typed=typed,
        **context,
    )


@router.get("/campaigns", response_class=HTMLResponse)
async def campaigns(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await list_page(request, api, notice=notice)


@router.post("/campaigns", response_class=HTMLResponse)
async def open_campaign(request: Request, session: Person, api: ApiAs, form: Form):
    typed = {k: str(v) for k, v in form.items() if k != "csrf" and isinstance(v, str)}
    scope, _, opener = typed.get("issuer", "").partition("|")
    titles = []
    for name in TITLES:
        quota = typed.get(f"quota.{name}", "").strip()
        if quota:
            if not quota.isdigit() or int(quota) < 1:
                return await list_page(request, api, 422, typed=typed, error=f"「{name}」的名额须为正整数")
            titles.append({"name": name, "subject": SUBJECTS[name], "quota": int(quota)})
    if not titles:
        return await list_page(request, api, 422, typed=typed, error="请至少为一项表彰填写名额")
    body = {
        "opener_org_id": opener,
        "scope": scope,
        "name": typed.get("name", "").strip(),
        "kind": typed.get("kind", "qiyi"),
        "year": int(typed["year"]) if typed.get("year", "").isdigit() else 0,
        "titles": titles,
        **{k: typed.get(k, "") for k in ("nomination_until", "publicity_from", "publicity_until", "grant_on")},
    }
    try:
        opened = await api.post("/api/awards/campaigns", body)
    except Refused as exc:
        return await list_page(request, api, exc.status, typed=typed, error=exc.zh)
    return redirect(f"/ws/campaigns/{opened['campaign_id']}", notice="表彰活动已发起，基层可以推荐申报")


async def campaign_page(
    request: Request, api: Api, campaign_id: str, status: int = 200, **context: Any
) -> HTMLResponse:
    account = request.state.session.account
    campaign = await api.get(f"/api/awards/campaigns/{campaign_id}")
    queue: list[dict] = []
    for scope in account.scopes:
        found = await api.get("/api/awards/nominations", scope=scope, campaign_id=campaign_id, limit=200)
        queue += found["items"]
    names = names_of(request, {n["nominee_id"] for n in queue if n["nominee_type"] == "member"})
    for n in queue:
        n["nominee_name"] = (
            names.get(n["nominee_id"]) if n["nominee_type"] == "member" else org_name(request, n["nominee_id"])
        )
        n["org_name"] = org_name(request, n["org_id"])
        n["mine"] = n["state"] == "pending" and n.get("level") in account.scopes
        n["state_zh"] = STATES.get(n["state"], n["state"])
    return render(
        request,
        "console_awards_campaign.html",
        status=status,
        campaign=campaign,
        phase=PHASES.get(campaign["phase"], campaign["phase"]),
        queue=queue,
        **context,
    )


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
async def campaign(request: Request, campaign_id: str, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await campaign_page(request, api, campaign_id, notice=notice)


DECISIONS = {"pass": ("comment", "已推荐上报"), "hold": ("reason", "已暂缓"), "reject": ("reason", "已不予推荐")}


@router.post("/campaigns/{campaign_id}/nominations/{nomination_id}/{decision}", response_class=HTMLResponse)
async def decide(
    request: Request, campaign_id: str, nomination_id: str, decision: str, session: Person, api: ApiAs, form: Form
):
    if decision not in DECISIONS:
        return await campaign_page(request, api, campaign_id, 404, error="没有这个操作，请从页面上的按钮办理")
    field, done = DECISIONS[decision]
    text = str(form.get("text") or "").strip()
    if field == "reason" and not text:
        return await campaign_page(request, api, campaign_id, 422, error="暂缓或不予推荐须写明理由")
    try:
        await api.post(f"/api/awards/nominations/{nomination_id}/{decision}", {field: text})
    except Refused as exc:
        return await campaign_page(request, api, campaign_id, exc.status, error=exc.zh)
    return redirect(f"/ws/campaigns/{campaign_id}", notice=done)


@router.post("/campaigns/{campaign_id}/grant", response_class=HTMLResponse)
async def grant(request: Request, campaign_id: str, session: Person, api: ApiAs, form: Form):
    try:
        await api.post(f"/api/awards/campaigns/{campaign_id}/grant")
    except Refused as exc:
        return await campaign_page(request, api, campaign_id, exc.status, error=exc.zh)
    return redirect(f"/ws/campaigns/{campaign_id}", notice="已表彰授予，光荣榜已更新")
