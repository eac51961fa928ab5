"""The public 公示 page (A5): the candidates of a campaign, and a form anyone may use to object.

Mounted at ``/awards/…``; no token needed. Only what publicity requires is shown: the title, the nominee
(an org's name, a member's id and org) and the deeds 主要事迹. Objectors stay anonymous.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.api import MAX_TEXT
from shared.errors import Invalid, Problem
from shared.ratelimit import limiter_for
from shared.service import ServiceRuntime

from .application import AwardsApp
from .campaign import Campaign
from .domain import PHASES
from .nomination import Nomination
from .projections import in_publicity

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())


def nominee_label(rt: ServiceRuntime[AwardsApp], n: Nomination) -> str:
    return rt.app.nominee_name(n.nominee_type, n.nominee_id, n.org_id)


def pages(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    limiter = limiter_for(rt, "objections", limit=20)  # A5: anyone may object, nobody may flood

    def render(campaign: Campaign, message: str = "", error: bool = False, status: int = 200) -> HTMLResponse:
        today = app.today()
        candidates = [app.nomination(i) for i in campaign.candidates()]
        html = TEMPLATES.get_template("publicity.html").render(
            campaign=campaign,
            phase=campaign.phase(today),
            phase_zh=PHASES[campaign.phase(today)],
            open=campaign.phase(today) == "publicity",
            message=message,
            error=error,
            action=f"/awards/campaigns/{campaign.id}/publicity",
            candidates=[
                {"nomination_id": str(n.id), "title": n.title, "nominee": nominee_label(rt, n), "deeds": n.deeds}
                for n in candidates
                if n.state == "shortlisted"
            ],
        )
        return HTMLResponse(html, status_code=status)

    @router.get("/publicity", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        listed = in_publicity(rt.db, app.today().isoformat())
        return HTMLResponse(TEMPLATES.get_template("index.html").render(campaigns=listed))

    @router.get("/campaigns/{campaign_id}/publicity", response_class=HTMLResponse)
    def publicity(campaign_id: UUID) -> HTMLResponse:
        return render(app.campaign(campaign_id))

    @router.post("/campaigns/{campaign_id}/publicity", response_class=HTMLResponse)
    def object_(
        request: Request,
        campaign_id: UUID,
        nomination_id: Annotated[str, Form(max_length=64)],
        text: Annotated[str, Form(max_length=MAX_TEXT)],
    ) -> HTMLResponse:
        limiter.check_request(request)
        campaign = app.campaign(campaign_id)
        try:
            if nomination_id not in campaign.candidates():
                raise Invalid(
                    "not a candidate of this campaign",
                    slug="not-candidate",
                    title_zh="不是本活动的拟表彰对象",
                    title_en="Not a candidate of this campaign",
                )
            app.raise_objection(UUID(nomination_id), text.strip())
        except Problem as problem:
            return render(campaign, f"{problem.title_zh} / {problem.title_en}", error=True, status=problem.status)
        return render(
            campaign,
            "异议已收到，将在表彰前处理。/ Objection received; it will be resolved before the grant.",
            status=201,
        )

    return router
