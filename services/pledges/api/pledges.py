"""HTTP of the pledges service: pledges."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header

from shared.api import Caller
from shared.auth import require_sees
from shared.service import ServiceRuntime

from ..application import PledgesApp
from ..domain import Pledge
from .schemas import Progress, Propose, Publicise, Reason, Review, Revise, Summary, pledge_view


def router(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/pledges", status_code=201, summary="提诺 propose a pledge (send Idempotency-Key to retry safely)")
    def propose(
        body: Propose, who: Caller, idempotency_key: Annotated[str | None, Header(max_length=128)] = None
    ) -> dict:
        pledge_id = app.propose(
            who,
            **body.model_dump(exclude={"items", "supports"}),
            items=[i.model_dump() for i in body.items],
            supports=str(body.supports) if body.supports else None,
            idempotency_key=idempotency_key,
        )
        return pledge_view(app.get(pledge_id))

    @router.get("/pledges/{pledge_id}", summary="one pledge (from the write model: read-your-writes)")
    def get(pledge_id: UUID, who: Caller) -> dict:
        p = app.get(pledge_id)
        host = [rt.directory.position(p.host_org)] if p.host_org else []  # listed in the host's ledger too (P6)
        require_sees(who, rt.directory.position(p.org_id), *host)
        return pledge_view(p)

    @router.get("/pledges/{pledge_id}/progress", summary="履诺 the progress reports of one pledge (write model)")
    def progress_reports(pledge_id: UUID, who: Caller) -> dict:
        get(pledge_id, who)  # whoever may read the pledge reads its reports (H4)
        events = app.repository.event_store.get(pledge_id)
        reports = [e for e in events if isinstance(e, Pledge.ProgressReported)]
        return {
            "pledge_id": str(pledge_id),
            "items": [{"at": e.timestamp.isoformat(), "text": e.text, "evidence": e.evidence} for e in reports],
        }

    @router.post("/pledges/{pledge_id}/approve", summary="审诺 approve into the ledger")
    def approve(pledge_id: UUID, who: Caller) -> dict:
        return pledge_view(app.approve(who, pledge_id))

    @router.post("/pledges/{pledge_id}/return", summary="审诺 return for revision with reasons")
    def return_(pledge_id: UUID, body: Review, who: Caller) -> dict:
        return pledge_view(app.return_for_revision(who, pledge_id, body.reasons))

    @router.post("/pledges/{pledge_id}/revise", summary="revise a returned pledge")
    def revise(pledge_id: UUID, body: Revise, who: Caller) -> dict:
        return pledge_view(app.revise(who, pledge_id, [i.model_dump() for i in body.items], body.due))

    @router.post("/pledges/{pledge_id}/publicise", summary="公开 publicise on a channel (P5: approved only)")
    def publicise(pledge_id: UUID, body: Publicise, who: Caller) -> dict:
        return pledge_view(app.publicise(who, pledge_id, body.channel))

    @router.post("/pledges/{pledge_id}/progress", summary="履诺 report progress with evidence")
    def progress(pledge_id: UUID, body: Progress, who: Caller) -> dict:
        return pledge_view(app.report_progress(who, pledge_id, body.text, body.evidence))

    @router.post("/pledges/{pledge_id}/complete", summary="践诺完成")
    def complete(pledge_id: UUID, body: Summary, who: Caller) -> dict:
        return pledge_view(app.complete(who, pledge_id, body.summary))

    @router.post("/pledges/{pledge_id}/unfulfilled", summary="未兑现")
    def unfulfilled(pledge_id: UUID, body: Reason, who: Caller) -> dict:
        return pledge_view(app.mark_unfulfilled(who, pledge_id, body.reason))

    return router
