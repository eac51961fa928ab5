"""The public 公示 page (A5): the candidates of a campaign, and a form anyone may use to object.

Mounted at ``/awards/…``; no token needed. Only what publicity requires is shown: the title, the nominee
(an org's name, a member's id and org) and the deeds 主要事迹 — and only from the first day of the publicity
period; after the grant the page shows who was honoured. Objectors stay anonymous. Whatever goes wrong is a
page people can read (shared.pages), never problem+json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.api import MAX_TEXT
from shared.errors import Problem, invalid, not_found, public_titles
from shared.pages import problem_page
from shared.ratelimit import limiter_for
from shared.service import ServiceRuntime

from .application import AwardsApp
from .campaign import Campaign
from .domain import PHASES
from .nomination import Nomination
from .queries import in_publicity

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
UNKNOWN_CAMPAIGN = (
    "campaign-not-found",
    "表彰活动不存在，请核对链接，或从公示列表（/awards/publicity）进入",
    "No such campaign: check the link, or start from the list of campaigns in publicity (/awards/publicity)",
)


def nominee_label(rt: ServiceRuntime[AwardsApp], n: Nomination) -> str:
    return rt.app.nominee_name(n.nominee_type, n.nominee_id, n.org_id)


def timetable_notice(campaign: Campaign, phase: str) -> tuple[str, str]:
    """What the page says about the publicity period, in Chinese and English."""
    start, end, grant = campaign.publicity_from, campaign.publicity_until, campaign.grant_on
    if phase in ("nominating", "recommending"):
        return f"公示尚未开始，将于 {start} 开始。", f"Publicity starts on {start}."
    if phase == "publicity":
        return (
            f"任何人对下列拟表彰对象有异议的，可在 {end} 前提出（无需署名）；异议处理完毕后方可表彰。",
            f"Anyone may object to a candidate until {end} (no name needed); every objection is resolved "
            "before the grant.",
        )
    if phase == "awaiting_grant":
        return (
            f"公示已于 {end} 结束，下列拟表彰对象待表彰（表彰日期 {grant}）。",
            f"Publicity ended on {end}; the candidates below await the grant on {grant}.",
        )
    return (
        f"公示已结束，已表彰以下对象（{campaign.granted_on}）：",
        f"Publicity is over; honoured on {campaign.granted_on}:",
    )


def pages(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    limiter = limiter_for(rt, "objection")  # A5: anyone may object, nobody may flood (per address)

    def load(campaign_id: str) -> Campaign:
        """The campaign of a public link; a mistyped or unknown one is a 404 people can read."""
        try:
            return app.campaign(UUID(campaign_id))
        except (ValueError, Problem):
            raise not_found(*UNKNOWN_CAMPAIGN) from None

    def render(campaign: Campaign, message: str = "", error: bool = False, status: int = 200) -> HTMLResponse:
        phase = campaign.phase(app.today())
        shows = {"publicity": "shortlisted", "awaiting_grant": "shortlisted", "granted": "granted"}.get(phase)
        nominations = [app.nomination(i) for i in campaign.candidates()] if shows else []
        notice_zh, notice_en = timetable_notice(campaign, phase)
        html = TEMPLATES.get_template("publicity.html").render(
            campaign=campaign,
            phase=phase,
            phase_zh=PHASES[phase],
            notice_zh=notice_zh,
            notice_en=notice_en,
            shown=shows is not None,
            open=phase == "publicity",
            empty_zh="暂无拟表彰对象。" if phase != "granted" else "无。",
            empty_en="No candidates." if phase != "granted" else "None.",
            message=message,
            error=error,
            action=f"/awards/campaigns/{campaign.id}/publicity",
            listed=[
                {"nomination_id": str(n.id), "title": n.title, "nominee": nominee_label(rt, n), "deeds": n.deeds}
                for n in nominations
                if n.state == shows
            ],
        )
        return HTMLResponse(html, status_code=status)

    @router.get("/publicity", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        listed = in_publicity(rt.db, app.today().isoformat())
        return HTMLResponse(TEMPLATES.get_template("index.html").render(campaigns=listed))

    @router.get("/campaigns/{campaign_id}/publicity", response_class=HTMLResponse)
    def publicity(campaign_id: str) -> HTMLResponse:
        try:
            return render(load(campaign_id))
        except Problem as problem:
            return problem_page(problem, back="/awards/publicity")

    @router.post("/campaigns/{campaign_id}/publicity", response_class=HTMLResponse)
    def object_(
        request: Request,
        campaign_id: str,
        nomination_id: Annotated[str, Form(max_length=64)],
        text: Annotated[str, Form(max_length=MAX_TEXT)],
    ) -> HTMLResponse:
        try:
            limiter.check_request(request)
            campaign = load(campaign_id)
        except Problem as problem:
            return problem_page(problem, back="/awards/publicity")
        try:
            if nomination_id not in campaign.candidates():
                raise invalid(
                    "not-candidate",
                    "所选对象不是本活动的拟表彰对象，请在本页列出的对象下提出异议",
                    "Not a candidate of this campaign; object under one of the candidates listed on this page",
                )
            app.raise_objection(UUID(nomination_id), text.strip())
        except Problem as problem:
            zh, en = public_titles(problem)
            return render(campaign, f"{zh} / {en}", error=True, status=problem.status)
        return render(
            campaign,
            "异议已收到，将在表彰前处理。/ Objection received; it will be resolved before the grant.",
            status=201,
        )

    return router
