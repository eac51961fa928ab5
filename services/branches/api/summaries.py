"""HTTP of branch life: 活动总结 (B5)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from shared.api import Caller
from shared.auth import forbidden, require_scope, require_sees
from shared.errors import not_found
from shared.scope import Scope
from shared.service import ServiceRuntime

from ..application import BranchesApp
from ..domain import Summary
from ..queries import submissions
from .schemas import Resubmission, Return, SummaryBody, SummaryCallBody


def summary_view(s: Summary, with_text: bool) -> dict:
    return {
        "summary_id": str(s.id),
        "call_id": s.call_id,
        "author_kind": s.author_kind,
        "author_id": s.author_id,
        "org_id": s.org_id,
        "returned": s.returned,
        "length": len(s.text),
        "text": s.text if with_text else None,
    }


def router(rt: ServiceRuntime[BranchesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/summary-calls", status_code=201, summary="部署活动总结 call for the year's summaries (B5)")
    def issue(body: SummaryCallBody, who: Caller) -> dict:
        c = app.issue_call(who, body.scope, body.year, body.deadline, body.min_length, body.issuer_org_id)
        return {
            "call_id": str(c.id),
            "scope": c.scope,
            "year": c.year,
            "deadline": c.deadline,
            "min_length": c.min_length,
        }

    @router.get("/summary-calls/{call_id}", summary="谁已提交、谁未提交 who has and has not submitted (B5)")
    def progress(call_id: UUID, who: Caller) -> dict:
        call = rt.db.one("SELECT * FROM br_calls WHERE call_id = ?", [str(call_id)])
        if call is None:
            raise not_found("summary-call-not-found", "没有这份活动总结通知，请核对编号", "No such call; check the id")
        require_scope(who, Scope.parse(call["scope"]))
        return submissions(rt.db, app.directory, call)

    @router.get(
        "/orgs/{org_id}/summary-calls", summary="the calls for 活动总结 that cover an org, with its submissions"
    )
    def calls_of(org_id: str, who: Caller) -> dict:
        position = app.directory.position(org_id)
        require_sees(who, position)
        calls = [
            c
            for c in rt.db.query("SELECT * FROM br_calls ORDER BY year DESC")
            if Scope.parse(c["scope"]).contains(position)
        ]
        mine = {
            (s["call_id"], s["author_kind"], s["author_id"]): s
            for s in rt.db.query("SELECT * FROM br_summaries WHERE org_id = ?", [org_id])
        }
        return {
            "org_id": org_id,
            "items": [
                c
                | {
                    "branch_summary": mine.get((c["call_id"], "org", org_id)),
                    "own_summary": mine.get((c["call_id"], "member", who.sub)),
                }
                for c in calls
            ],
        }

    @router.post("/summary-calls/{call_id}/summaries", status_code=201, summary="提交活动总结 submit (B5)")
    def submit(call_id: UUID, body: SummaryBody, who: Caller) -> dict:
        return summary_view(app.submit(who, call_id, body.author_kind, body.org_id, body.text), with_text=True)

    @router.get("/summaries/{summary_id}", summary="one summary; its text for its author, the secretary and superiors")
    def get(summary_id: UUID, who: Caller) -> dict:
        s = app.summary(summary_id)
        position = app.directory.position(s.org_id)
        require_sees(who, position)
        mine = who.sub == s.author_id or (who.role == "secretary" and who.org == s.org_id)
        if who.role == "member" and not mine:
            raise forbidden(who, "党员只能查看自己的活动总结", "a member reads her own summary only", org=s.org_id)
        return summary_view(s, with_text=True)

    @router.post("/summaries/{summary_id}/return", summary="退回重写 return for rework, with a reason (B5)")
    def send_back(summary_id: UUID, body: Return, who: Caller) -> dict:
        return summary_view(app.send_back(who, summary_id, body.reason), with_text=False)

    @router.post("/summaries/{summary_id}/resubmission", summary="重新提交 resubmit a returned summary (B5)")
    def resubmit(summary_id: UUID, body: Resubmission, who: Caller) -> dict:
        return summary_view(app.resubmit(who, summary_id, body.text), with_text=True)

    return router
