"""Public pages of branch life (mounted at ``/branches``; no token): the org's 党务公开栏 with its published
institutions (B1 公之于众) and the form where the masses give their opinion on a draft (B1 发扬民主). Everything
shown is escaped (Jinja autoescape); the masses' words are kept in the write model and never published."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.errors import Problem
from shared.pages import message_page, problem_page
from shared.ratelimit import limiter_for
from shared.service import ServiceRuntime

from .application import BranchesApp
from .domain import CHANNELS
from .queries import board

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
MAX_OPINION = 1000


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status)


def pages(rt: ServiceRuntime[BranchesApp]) -> APIRouter:
    router = APIRouter()
    limiter = limiter_for(rt, "objection")  # the masses' free-text input, per client address (as 公示 objections)

    @router.get("/orgs/{org_id}/board", response_class=HTMLResponse)
    def notice_board(org_id: str) -> HTMLResponse:
        try:
            org = rt.app.directory.org(org_id)
        except Problem as p:
            return problem_page(p)
        return render("board.html", org=org, institutions=board(rt.db, org_id), channels=CHANNELS)

    @router.get("/institutions/{institution_id}/opinions", response_class=HTMLResponse)
    def opinion_form(institution_id: UUID) -> HTMLResponse:
        try:
            i = rt.app.institution(institution_id)
            org = rt.app.directory.org(i.org_id)
        except Problem as p:
            return problem_page(p)
        return render("opinion.html", i=i, org=org, open=i.state == "drafting" and i.solicited, max=MAX_OPINION)

    @router.post("/institutions/{institution_id}/opinions", response_class=HTMLResponse)
    def give_opinion(institution_id: UUID, request: Request, text: Annotated[str, Form()] = "") -> HTMLResponse:
        try:
            limiter.check_request(request)
            if len(text) > MAX_OPINION:
                raise Problem(
                    "too long",
                    slug="opinion-too-long",
                    title_zh=f"意见请不超过 {MAX_OPINION} 字",
                    title_en=f"At most {MAX_OPINION} characters",
                )
            number = rt.app.receive_opinion(institution_id, text)
        except Problem as p:
            return problem_page(p, back=f"/branches/institutions/{institution_id}/opinions")
        return message_page(
            f"感谢您的意见（第 {number} 条），党支部将逐条答复",
            f"Thank you: your opinion (no. {number}) will be answered",
            slug="opinion-received",
            status=201,
        )

    return router
