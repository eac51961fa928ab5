"""HTTP of branch life: 创先争优制度 (B1, B2)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from shared.api import Caller, CallerScope
from shared.auth import require_reader, require_sees
from shared.service import ServiceRuntime

from ..application import BranchesApp
from ..domain import CHANNELS, FOCUS, Institution
from ..queries import board, debrief_result, summary_table, summary_workbook
from .schemas import (
    Adoption,
    Answer,
    Assessment,
    Draft,
    EvaluationLink,
    Inspection,
    Opinion,
    Publication,
    Revision,
    Solicit,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def institution_view(i: Institution) -> dict:
    return {
        "institution_id": str(i.id),
        "org_id": i.org_id,
        "number": i.number,
        "version": i.edition,
        "state": i.state,
        "title": i.title,
        "focus": i.focus,
        "goal": i.goal,
        "content": i.content,
        "measures": i.measures,
        "discussed_by": len(i.discussed_by),
        "soliciting_until": i.soliciting_until,
        "opinions": [{"number": n, **o} for n, o in sorted(i.opinions.items())],
        "published_version": i.published_version,
        "evaluations": i.rounds,
    }


def router(rt: ServiceRuntime[BranchesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.get("/focus", summary="各领域制度重点 the focus list per domain (seed 003)")
    def focus() -> dict:
        return {"focus": FOCUS, "channels": CHANNELS}

    @router.post("/institutions", status_code=201, summary="起草创先争优制度 draft the branch's institution (B1)")
    def draft(body: Draft, who: Caller) -> dict:
        i = app.draft(who, body.org_id, body.title, body.focus, body.goal, body.content, body.measures)
        return institution_view(i)

    @router.get("/institutions/{institution_id}", summary="one institution with its draft (write model)")
    def get(institution_id: UUID, who: Caller) -> dict:
        i = app.institution(institution_id)
        require_sees(who, app.directory.position(i.org_id))
        view = institution_view(i) | {"results": [r for r in (debrief_result(rt.db, x) for x in i.rounds) if r]}
        if not (who.role == "secretary" and who.org == i.org_id):
            view["opinions"] = [{"number": o["number"], "answer": o["answer"]} for o in view["opinions"]]
        return view

    @router.post("/institutions/{institution_id}/discussion", summary="党员讨论 a member's opinion on the draft (B1)")
    def discuss(institution_id: UUID, body: Opinion, who: Caller) -> dict:
        return institution_view(app.discuss(who, institution_id, body.opinion))

    @router.post("/institutions/{institution_id}/solicitation", summary="征求群众意见 open the public link (B1)")
    def solicit(institution_id: UUID, body: Solicit, who: Caller) -> dict:
        i = app.solicit(who, institution_id, body.until)
        return institution_view(i) | {"public_link": f"/branches/institutions/{i.id}/opinions"}

    @router.post("/institutions/{institution_id}/answers", summary="答复群众意见 answer an opinion (B1)")
    def answer(institution_id: UUID, body: Answer, who: Caller) -> dict:
        return institution_view(app.answer(who, institution_id, body.number, body.answer))

    @router.post("/institutions/{institution_id}/adoption", summary="支部党员大会通过 adopt (B1 发扬民主)")
    def adopt(institution_id: UUID, body: Adoption, who: Caller) -> dict:
        return institution_view(app.adopt(who, institution_id, body.meeting_on, body.attending, body.members))

    @router.post("/institutions/{institution_id}/publication", summary="公之于众 publish the adopted version (B1)")
    def publish(institution_id: UUID, body: Publication, who: Caller) -> dict:
        i = app.publish(who, institution_id, body.channel)
        return institution_view(i) | {"board": f"/branches/orgs/{i.org_id}/board"}

    @router.post("/institutions/{institution_id}/revision", summary="修订 a published institution (new version)")
    def revise(institution_id: UUID, body: Revision, who: Caller) -> dict:
        i = app.revise(who, institution_id, body.title, body.focus, body.goal, body.content, body.measures, body.reason)
        return institution_view(i)

    @router.post("/institutions/{institution_id}/inspections", status_code=201, summary="督查指导 (B2)")
    def inspect(institution_id: UUID, body: Inspection, who: Caller) -> dict:
        return institution_view(app.inspect(who, institution_id, body.note))

    @router.post(
        "/institutions/{institution_id}/evaluations", summary="群众评议制度 link the masses' evaluation round (B2, E6)"
    )
    def evaluate(institution_id: UUID, body: EvaluationLink, who: Caller) -> dict:
        i = app.link_institution_evaluation(who, institution_id, body.round_id)
        return institution_view(i) | {"results": [debrief_result(rt.db, r) for r in i.rounds]}

    @router.post("/institutions/{institution_id}/assessments", status_code=201, summary="定期考核实施情况 (B2)")
    def assess(institution_id: UUID, body: Assessment, who: Caller) -> dict:
        return institution_view(app.assess(who, institution_id, body.period, body.grade, body.note))

    @router.get("/orgs/{org_id}/drafts", summary="an org's institutions in every state, drafts included (B1)")
    def drafts(org_id: str, who: Caller) -> dict:
        require_sees(who, app.directory.position(org_id))
        return {"org_id": org_id, "items": [institution_view(i) for i in app.institutions_of(org_id)]}

    @router.get("/orgs/{org_id}/institutions", summary="an org's published institutions (its 党务公开栏)")
    def org_board(org_id: str, who: Caller) -> dict:
        require_reader(who)
        app.directory.org(org_id)
        return {"org_id": org_id, "institutions": board(rt.db, org_id)}

    @router.get("/institutions", summary="汇总表 branches of a scope and their institutions; those without one (B2)")
    def table(scope: CallerScope, who: Caller) -> dict:
        return summary_table(rt.db, app.directory, scope)

    @router.get(
        "/institutions.xlsx",
        summary="汇总表 as an Excel file (seed 003 附件二)",
        response_class=Response,
        responses={200: {"content": {XLSX: {}}}},
    )
    def table_xlsx(scope: CallerScope, who: Caller) -> Response:
        data = summary_table(rt.db, app.directory, scope)
        return Response(
            summary_workbook(data),
            media_type=XLSX,
            headers={"Content-Disposition": "attachment; filename*=UTF-8''%E6%B1%87%E6%80%BB%E8%A1%A8.xlsx"},
        )

    return router
