"""HTTP of the awards service: nominations."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from shared.api import Caller, CallerScope, Paging
from shared.auth import Identity, require_sees, withhold
from shared.ratelimit import limiter_for
from shared.scope import Scope, parse_scope
from shared.service import ServiceRuntime

from ..application import DECIDERS, AwardsApp
from ..domain import STATES
from ..nomination import Nomination
from ..queries import honours, nominations, org_nominations
from .schemas import Comment, Objection, Reason, Resolution, nomination_view


def router(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    objections = limiter_for(rt, "objection")  # per client address, shared with the 公示 page's form

    def named(rows: list[dict]) -> list[dict]:
        return [r | {"nominee_name": app.nominee_name(r["nominee_type"], r["nominee_id"], r["org_id"])} for r in rows]

    def is_authority(who: Identity, n: Nomination) -> bool:
        scope = Scope.parse(app.campaign(n.campaign_id).scope)
        return who.role in DECIDERS and any(scope.within(s) for s in who.scopes)

    @router.get("/nominations/{nomination_id}", summary="one nomination (write model: read-your-writes)")
    def get_nomination(nomination_id: UUID, who: Caller) -> dict:
        n = app.nomination(nomination_id)
        require_sees(who, rt.directory.position(n.org_id))
        view = nomination_view(n, objections_visible=is_authority(who, n))
        view["nominee_name"] = app.nominee_name(n.nominee_type, n.nominee_id, n.org_id)
        if not app.sees_nominee(who, n.nominee_type, n.nominee_id, n.org_id):
            return withhold(view, ("eligibility",))  # the facts it was judged on: 民主评议, pledge results (A4)
        return view

    @router.post("/nominations/{nomination_id}/pass", summary="推荐上报 pass to the next level / shortlist at the top")
    def pass_(nomination_id: UUID, body: Comment, who: Caller) -> dict:
        return nomination_view(app.pass_level(who, nomination_id, body.comment))

    @router.post("/nominations/{nomination_id}/hold", summary="暂缓 hold at this level, with a reason")
    def hold(nomination_id: UUID, body: Reason, who: Caller) -> dict:
        return nomination_view(app.hold(who, nomination_id, body.reason))

    @router.post("/nominations/{nomination_id}/reject", summary="不予推荐 reject, with a reason")
    def reject(nomination_id: UUID, body: Reason, who: Caller) -> dict:
        return nomination_view(app.reject(who, nomination_id, body.reason))

    @router.post("/nominations/{nomination_id}/objections", status_code=201, summary="公示异议 object (A5; anyone)")
    def object_(nomination_id: UUID, body: Objection, request: Request) -> dict:
        objections.check_request(request)
        objection_id = app.raise_objection(nomination_id, body.text)
        return {"objection_id": objection_id, "nomination_id": str(nomination_id)}

    @router.post(
        "/nominations/{nomination_id}/objections/{objection_id}/resolve",
        summary="异议处理 uphold (withdraws the nominee) or dismiss, with a reason (A5)",
    )
    def resolve(nomination_id: UUID, objection_id: UUID, body: Resolution, who: Caller) -> dict:
        return nomination_view(app.resolve_objection(who, nomination_id, str(objection_id), body.upheld, body.reason))

    @router.post("/nominations/{nomination_id}/revoke", summary="撤销表彰 revoke an honour, with a reason (A6)")
    def revoke(nomination_id: UUID, body: Reason, who: Caller) -> dict:
        return nomination_view(app.revoke(who, nomination_id, body.reason))

    @router.get("/nominations", summary="nominations in a scope; awaiting=<level> is a level's queue (A3)")
    def list_nominations(
        who: Caller,
        page: Paging,
        scope: CallerScope,
        campaign_id: UUID | None = None,
        state: Literal[tuple(STATES)] | None = None,  # type: ignore[valid-type]
        awaiting: Annotated[str | None, Query(max_length=200)] = None,
    ) -> dict:
        found = nominations(
            rt.db,
            scope,
            campaign_id=str(campaign_id) if campaign_id else None,
            state=state,
            awaiting=str(parse_scope(awaiting)) if awaiting else None,
            limit=page.limit,
            offset=page.offset,
        )
        return found | {"items": named(found["items"])}

    @router.get("/orgs/{org_id}/nominations", summary="an org's nominations and where each stands (A3)")
    def of_org(org_id: str, who: Caller) -> dict:
        require_sees(who, rt.directory.position(org_id))
        rows = named(org_nominations(rt.db, org_id))
        return {
            "org_id": org_id,
            "items": [
                r
                if app.sees_nominee(who, r["nominee_type"], r["nominee_id"], org_id)
                else withhold(r, ("eligible", "overridden", "last_reason"))
                for r in rows
            ],
        }

    @router.get("/honours", summary="光荣榜 the roll of honour of a scope, per year (A6, H4)")
    def roll_of_honour(
        who: Caller,
        scope: CallerScope,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        include_revoked: bool = False,
    ) -> dict:
        return {"scope": str(scope), "year": year, "items": named(honours(rt.db, scope, year, include_revoked))}

    return router
