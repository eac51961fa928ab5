"""The public 公示 page (A5): the candidates of a campaign, and a form anyone may use to object.

Mounted at ``/awards/…``; no token needed. Only what publicity requires is shown: the title, the nominee
(an org's name, a member's name — from the directory's people book, never an id — and org) and the deeds 主要事迹 — and only from the first day of the publicity
period; after the grant the page shows who was honoured, and the public 光荣榜 (``/awards/honours``, A6) lists
every honour granted and not revoked, with the issuing unit 表彰单位. Objectors stay anonymous. Whatever goes wrong is a
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
from shared.directory.people import app_people, public_name
from shared.errors import Problem, invalid, not_found, public_titles
from shared.pages import problem_page
from shared.ratelimit import limiter_for
from shared.service import ServiceRuntime

from .application import AwardsApp
from .campaign import Campaign
from .domain import PHASES
from .queries import in_publicity

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
UNKNOWN_CAMPAIGN = (
    "campaign-not-found",
    "表彰活动不存在，请核对链接，或从公示列表（/awards/publicity）进入",
    "No such campaign: check the link, or start from the list of campaigns in publicity (/awards/publicity)",
)


def org_name(rt: ServiceRuntime[AwardsApp], org_id: str) -> str:
    try:
        return rt.directory.org(org_id).name
    except Problem:  # an org the replica does not know (yet)
        return "党组织"


def nominee_label(rt: ServiceRuntime[AwardsApp], nominee_type: str, nominee_id: str, org_id: str, names: dict) -> str:
    """An org by its name; a member by her name and org: 张伟（一村党支部）."""
    if nominee_type == "org":
        return org_name(rt, org_id)
    return f"{public_name(nominee_id, names)}（{org_name(rt, org_id)}）"


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

    def labels(request: Request, rows: list[tuple[str, str, str]]) -> list[str]:
        """The public names of ``(nominee_type, nominee_id, org_id)`` nominees."""
        names = app_people(request.app).names({i for kind, i, _ in rows if kind == "member"})
        return [nominee_label(rt, kind, i, org, names) for kind, i, org in rows]

    def load(campaign_id: str) -> Campaign:
        """The campaign of a public link; a mistyped or unknown one is a 404 people can read."""
        try:
            return app.campaign(UUID(campaign_id))
        except (ValueError, Problem):
            raise not_found(*UNKNOWN_CAMPAIGN) from None

    def render(
        request: Request, campaign: Campaign, message: str = "", error: bool = False, status: int = 200
    ) -> HTMLResponse:
        phase = campaign.phase(app.today())
        shows = {"publicity": "shortlisted", "awaiting_grant": "shortlisted", "granted": "granted"}.get(phase)
        nominations = [app.nomination(i) for i in campaign.candidates()] if shows else []
        notice_zh, notice_en = timetable_notice(campaign, phase)
        listed = [n for n in nominations if n.state == shows]
        nominees = labels(request, [(n.nominee_type, n.nominee_id, n.org_id) for n in listed])
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
            issuer=org_name(rt, campaign.opener_org_id),
            listed=[
                {"nomination_id": str(n.id), "title": n.title, "nominee": nominee, "deeds": n.deeds}
                for n, nominee in zip(listed, nominees, strict=True)
            ],
        )
        return HTMLResponse(html, status_code=status)

    @router.get("/publicity", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        listed = in_publicity(rt.db, app.today().isoformat())
        return HTMLResponse(TEMPLATES.get_template("index.html").render(campaigns=listed))

    @router.get("/honours", response_class=HTMLResponse)
    def roll_of_honour(request: Request) -> HTMLResponse:
        """光荣榜 (A6): every honour granted and not revoked, newest first, with its issuing unit."""
        rows = rt.db.query(
            "SELECT h.title, h.nominee_type, h.nominee_id, h.org_id, h.year, h.granted_on, h.campaign_name, "
            "c.opener_org_id FROM aw_honours h JOIN aw_campaigns c ON c.campaign_id = h.campaign_id "
            "WHERE h.revoked_on IS NULL ORDER BY h.year DESC, h.granted_on DESC, h.title, h.nominee_id LIMIT 1000"
        )
        nominees = labels(request, [(r["nominee_type"], r["nominee_id"], r["org_id"]) for r in rows])
        honours = [
            {**r, "nominee": nominee, "issuer": org_name(rt, r["opener_org_id"])}
            for r, nominee in zip(rows, nominees, strict=True)
        ]
        return HTMLResponse(TEMPLATES.get_template("honours.html").render(honours=honours))

    @router.get("/campaigns/{campaign_id}/publicity", response_class=HTMLResponse)
    def publicity(request: Request, campaign_id: str) -> HTMLResponse:
        try:
            return render(request, load(campaign_id))
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
            return render(request, campaign, f"{zh} / {en}", error=True, status=problem.status)
        return render(
            request,
            campaign,
            "异议已收到，将在表彰前处理。/ Objection received; it will be resolved before the grant.",
            status=201,
        )

    return router
