"""Server-rendered pages (mounted at ``/evaluations``): a window's public page with its 三亮 (E2), 三比
(E3) and published results, and the mobile rating form service users reach through the QR link (E5).
People are named as the public reads them: a member by her name (the directory's people book, never an id),
the window by its name and its org as the issuing unit."""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from typing import Annotated
from uuid import UUID

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.directory.people import app_people, public_name
from shared.errors import Problem, broken_rule, invalid, not_found
from shared.pages import message_page, problem_page
from shared.ratelimit import limiter_for
from shared.service import ServiceRuntime

from . import ballots
from .application import EvaluationsApp
from .domain import CONTESTS, SHOWS
from .queries import result_row

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
MAX_COMMENT = 500


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status)


def pages(rt: ServiceRuntime[EvaluationsApp]) -> APIRouter:
    router = APIRouter()
    forms = limiter_for(rt, "ballot")  # per client address: see ballots.py for the policy
    votes = limiter_for(rt, "vote")  # per device

    def org_name(org_id: str) -> str:
        try:
            return rt.directory.org(org_id).name
        except Problem:  # an org the replica does not know (yet)
            return "党组织"

    def subject_name(request: Request, subject_type: str, subject_id: str) -> str:
        """What the rating form says is rated: the window's or org's name, or the member's."""
        if subject_type == "window":
            w = rt.db.one("SELECT name, org_id FROM ev_windows WHERE window_id = ?", [subject_id])
            return f"{w['name']}（{org_name(w['org_id'])}）" if w else "服务窗口"
        if subject_type == "member":
            return public_name(subject_id, app_people(request.app).names([subject_id]))
        if subject_type == "org":
            return org_name(subject_id)
        return "党员承诺"

    @router.get("/windows/{window_id}", response_class=HTMLResponse)
    def window_page(window_id: str, request: Request) -> HTMLResponse:
        w = rt.db.one("SELECT * FROM ev_windows WHERE window_id = ?", [window_id])
        if w is None:
            return problem_page(
                not_found(
                    "window-not-found",
                    f"窗口不存在：没有编号为 {window_id} 的窗口，请核对二维码或链接",
                    f"Unknown window: there is no window {window_id}; check the QR code or the link",
                )
            )
        disclosures = rt.db.query(
            "SELECT show_kind, title, content, disclosed_on FROM ev_disclosures "
            "WHERE window_id = ? ORDER BY disclosed_on DESC, event_id",
            [window_id],
        )
        rounds = [
            result_row(r)
            for r in rt.db.query(
                "SELECT * FROM ev_rounds WHERE subject_type = 'window' AND subject_id = ? ORDER BY end_on DESC",
                [window_id],
            )
        ]
        links = [
            {"end": r["end_on"], "path": f"/evaluations/rate/{ballots.period_token(rt.settings, r['round_id'])}"}
            for r in rounds
            if r["state"] == "open" and r["has_mass"]
        ]
        scores = rt.db.query(
            "SELECT contest, label, target_id, score FROM ev_contest_scores WHERE window_id = ? "
            "ORDER BY label DESC, contest, score DESC",
            [window_id],
        )
        names = app_people(request.app).names({s["target_id"] for s in scores if s["target_id"] != window_id})
        for s in scores:  # 三比 targets the window itself or one of its members (E3)
            s["target"] = w["name"] if s["target_id"] == window_id else public_name(s["target_id"], names)
        return render(
            "window.html",
            window=w,
            issuer=org_name(w["org_id"]),
            shows=SHOWS,
            contests=CONTESTS,
            links=links,
            scores=scores,
            disclosures=disclosures,
            results=[r for r in rounds if r["state"] == "completed" and r["publish"]],
        )

    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def open_round(token: str):
        round_id = ballots.round_of(rt.settings, token)
        r = rt.app.round(round_id)
        if r.state != "open" or "mass" not in r.modes:
            raise broken_rule(
                "round-closed",
                "本轮评议已结束或不接受群众评议，无需再评；感谢您的关注",
                "This round is over or takes no ratings from the public; there is nothing to rate",
            )
        return r

    @router.get("/rate/{token}/qr.svg", summary="二维码 the rating link as a QR code to print at the window (E5)")
    def qr_code(token: str, request: Request) -> Response:
        ballots.round_of(rt.settings, token)  # a forged token gets no QR code
        url = str(request.url_for("rating_form", token=token))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
        return Response(buffer.getvalue(), media_type="image/svg+xml")

    @router.get("/rate/{token}", response_class=HTMLResponse)
    def rating_form(token: str, request: Request) -> HTMLResponse:
        try:
            forms.check(client(request))
            r = open_round(token)
            ballot = ballots.issue_ballot(rt.db, r.id)
        except Problem as p:
            return problem_page(p)
        response = render(
            "rate.html",
            token=token,
            ballot=ballot,
            scale=list(r.scale),
            subject=subject_name(request, r.subject_type, r.subject_id),
            end=r.end,
            max_comment=MAX_COMMENT,
        )
        if not request.cookies.get(ballots.DEVICE_COOKIE):
            response.set_cookie(
                ballots.DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=400 * 86400, httponly=True, samesite="lax"
            )
        return response

    @router.post("/rate/{token}", response_class=HTMLResponse)
    def vote(
        token: str,
        request: Request,
        ballot: Annotated[str, Form(max_length=100)],
        satisfaction: Annotated[str, Form(max_length=10)],
        comment: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
    ) -> HTMLResponse:
        try:
            round_id: UUID = ballots.round_of(rt.settings, token)
            device = request.cookies.get(ballots.DEVICE_COOKIE)
            if not device:
                raise invalid(
                    "no-device",
                    "浏览器未启用 Cookie，无法确认一人一票：请允许本网站使用 Cookie 后重新扫码评议",
                    "Cookies are off, so one vote per person cannot be checked: allow cookies and scan the code again",
                )
            ballot_hash = ballots.check_ballot(rt.db, round_id, ballot)
            votes.check(device)  # only votes with a valid ballot are counted: unknown ones write nothing
            rt.app.vote_mass(round_id, ballot_hash, ballots.device_hash(rt.settings, round_id, device), satisfaction)
            ballots.record_vote(rt.db, round_id, ballot_hash, satisfaction, comment.strip() or None)
        except Problem as p:
            return problem_page(p, note_zh="您的投票未被计入。", note_en="Your vote was not counted.")
        return message_page("感谢您的评议！", "Thank you for your rating!", slug="voted")

    return router
