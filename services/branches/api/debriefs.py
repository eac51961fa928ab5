"""HTTP of branch life: 述职评议 (B6, G9)."""

from __future__ import annotations

from fastapi import APIRouter

from shared.api import Caller
from shared.auth import Identity, forbidden, oversees, require_sees
from shared.service import ServiceRuntime

from ..application import BranchesApp
from ..debrief import LEVELS, Debrief, debrief_id
from ..queries import debrief_result
from .schemas import DebriefBody, EvaluationLink


def debrief_view(rt: ServiceRuntime[BranchesApp], d: Debrief) -> dict:
    return {
        "org_id": d.org_id,
        "year": d.year,
        "level": d.level,
        "level_name": LEVELS[d.level],
        "text": d.text,
        "grading": d.grading,
        "round_id": d.round_id,
        "result": debrief_result(rt.db, d.round_id),
    }


def router(rt: ServiceRuntime[BranchesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    base = "/orgs/{org_id}/debriefs/{year}"

    def readable(who: Identity, org_id: str) -> None:
        """A 述职 is for the org's secretary and the superiors overseeing it (and the org's members, H4)."""
        position = app.directory.position(org_id)
        require_sees(who, position)
        if who.role == "member" and who.org != org_id and not oversees(who, position):
            raise forbidden(who, "只能查看本组织书记的述职", "only the org's own 述职 is readable", org=org_id)

    @router.post(base, status_code=201, summary="述职 the secretary reports, grading results attached (B6, G9)")
    def report(org_id: str, year: int, body: DebriefBody, who: Caller) -> dict:
        return debrief_view(rt, app.debrief(who, org_id, year, body.text))

    @router.post(f"{base}/evaluation", summary="述职评议 link the evaluation round the superior opened (B6, E6)")
    def link(org_id: str, year: int, body: EvaluationLink, who: Caller) -> dict:
        return debrief_view(rt, app.link_evaluation(who, org_id, year, body.round_id))

    @router.get(base, summary="one 述职 with its grading results and its evaluation's result (B6)")
    def get(org_id: str, year: int, who: Caller) -> dict:
        readable(who, org_id)
        return debrief_view(rt, app.load(debrief_id(org_id, year), "debrief", "述职"))

    return router
