"""HTTP of the grading service: cycles."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from shared.api import Caller
from shared.auth import require_sees
from shared.service import ServiceRuntime

from ..application import GradingApp
from ..queries import mass_result
from .schemas import (
    Acceptance,
    Correction,
    DeployCycle,
    Determination,
    Override,
    Plan,
    Progress,
    SelfAssessment,
    SuperiorAssessment,
    cycle_view,
    grading_view,
)


def router(rt: ServiceRuntime[GradingApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    base = "/cycles/{cycle_id}/orgs/{org_id}"

    @router.post("/cycles", status_code=201, summary="安排部署 deploy a yearly grading cycle (G1, G2, G5)")
    def deploy(body: DeployCycle, who: Caller) -> dict:
        cycle = app.deploy(
            who,
            year=body.year,
            scope=body.scope,
            issuer_org_id=body.issuer_org_id,
            schemes=body.schemes,
            ratio=body.ratio.model_dump(),
        )
        return cycle_view(cycle)

    @router.get("/cycles", summary="the cycles the caller may read (H4), newest first, with their schemes' versions")
    def list_cycles(who: Caller) -> dict:
        return {
            "items": [cycle_view(c) | {"overrides": app.overrides_seen_by(who, c)} for c in app.cycles_seen_by(who)]
        }

    @router.get(
        "/cycles/{cycle_id}/orgs", summary="分类定级 queue: the covered orgs the caller sees, led or guided (H3)"
    )
    def queue(cycle_id: UUID, who: Caller) -> dict:
        cycle = app.cycle(cycle_id)
        app.require_sees_cycle(who, cycle)
        return {"cycle_id": str(cycle_id), "items": app.queue(who, cycle)}

    @router.get("/cycles/{cycle_id}", summary="one cycle: schemes, ratio rules and its G5 tally")
    def get_cycle(cycle_id: UUID, who: Caller) -> dict:
        cycle = app.cycle(cycle_id)
        app.require_sees_cycle(who, cycle)
        return cycle_view(cycle) | {"overrides": app.overrides_seen_by(who, cycle)}

    @router.post("/cycles/{cycle_id}/overrides", status_code=201, summary="G5 例外批准 by the issuing authority")
    def override(cycle_id: UUID, body: Override, who: Caller) -> dict:
        return cycle_view(app.record_override(who, cycle_id, body.org_id, body.grade, body.reason))

    @router.get("/orgs/{org_id}/cycles", summary="the cycles an org is graded in, with its scheme (自评, G2, G3)")
    def org_cycles(org_id: str, who: Caller) -> dict:
        require_sees(who, rt.directory.position(org_id))
        return {"org_id": org_id, "items": app.cycles_covering(org_id)}

    @router.get(base, summary="one org's grading in a cycle (write model: read-your-writes)")
    def get_grading(cycle_id: UUID, org_id: str, who: Caller) -> dict:
        grading = app.visible_grading(who, cycle_id, org_id)
        return grading_view(grading) | {"mass": mass_result(rt.db, org_id, grading.year)}

    @router.post(
        f"{base}/self-assessment", summary="自评 by the org's secretary, points per sub-item with evidence (G3)"
    )
    def self_assess(cycle_id: UUID, org_id: str, body: SelfAssessment, who: Caller) -> dict:
        return grading_view(app.self_assess(who, cycle_id, org_id, body.items, body.evidence))

    @router.post(f"{base}/superior-assessment", summary="上级评定 by the leading superior (G3, H3)")
    def superior_assess(cycle_id: UUID, org_id: str, body: SuperiorAssessment, who: Caller) -> dict:
        return grading_view(app.superior_assess(who, cycle_id, org_id, body.items, body.comment))

    @router.post(f"{base}/determination", summary="定级确定 by the leading superior (G4, G5, H3)")
    def determine(cycle_id: UUID, org_id: str, body: Determination, who: Caller) -> dict:
        return grading_view(app.determine(who, cycle_id, org_id, body.grade, body.reason))

    @router.post(f"{base}/correction", summary="定级更正 a determination made in error, with a reason (G4, G5, H3)")
    def correct(cycle_id: UUID, org_id: str, body: Correction, who: Caller) -> dict:
        return grading_view(app.correct(who, cycle_id, org_id, body.grade, body.reason))

    @router.post(f"{base}/rectification", summary="整改方案 by grade: 巩固/推动/整顿 (G6)")
    def plan(cycle_id: UUID, org_id: str, body: Plan, who: Caller) -> dict:
        return grading_view(app.plan_rectification(who, cycle_id, org_id, body.problems, body.measures, body.due))

    @router.post(f"{base}/rectification/progress", summary="整改进展 (G6)")
    def progress(cycle_id: UUID, org_id: str, body: Progress, who: Caller) -> dict:
        return grading_view(app.report_progress(who, cycle_id, org_id, body.text, body.evidence, body.done))

    @router.post(f"{base}/acceptance", summary="考核验收 of last year's rectification, in this cycle (G8)")
    def accept(cycle_id: UUID, org_id: str, body: Acceptance, who: Caller) -> dict:
        return grading_view(app.accept(who, cycle_id, org_id, body.passed, body.comment))

    return router
