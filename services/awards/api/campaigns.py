"""HTTP of the awards service: campaigns."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from shared.api import Caller, CallerScope
from shared.auth import require_sees
from shared.service import ServiceRuntime

from ..application import AwardsApp
from ..queries import campaigns, campaigns_open_to
from .schemas import Nominate, OpenCampaign, Override, campaign_view, nomination_view


def router(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/campaigns", status_code=201, summary="发起表彰活动 open a campaign (A1)")
    def open_campaign(body: OpenCampaign, who: Caller) -> dict:
        campaign_id = app.open_campaign(
            who, **body.model_dump(exclude={"titles"}), titles=[t.model_dump() for t in body.titles]
        )
        return campaign_view(app.campaign(campaign_id), app.today())

    @router.get("/campaigns", summary="campaigns opened in a scope (A1)")
    def list_campaigns(
        who: Caller, scope: CallerScope, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
    ) -> dict:
        return {"scope": str(scope), "year": year, "items": campaigns(rt.db, scope, year)}

    @router.get("/orgs/{org_id}/campaigns", summary="campaigns an org may be nominated in (A3, H3)")
    def open_to(org_id: str, who: Caller) -> dict:
        org = rt.directory.org(org_id)
        require_sees(who, org.position)
        path = org.position.local if org.leading_hierarchy == "local" else org.position.vertical
        return {"org_id": org_id, "items": campaigns_open_to(rt.db, org.leading_hierarchy, path)}

    @router.get("/campaigns/{campaign_id}", summary="one campaign, its phase and shortlist")
    def get_campaign(campaign_id: UUID, who: Caller) -> dict:
        c = app.campaign(campaign_id)
        app.require_sees_campaign(who, c)
        return campaign_view(c, app.today()) | {"overrides": app.overrides_seen_by(who, c)}

    @router.post("/campaigns/{campaign_id}/overrides", status_code=201, summary="资格特批 record an override (A4)")
    def override(campaign_id: UUID, body: Override, who: Caller) -> dict:
        c = app.record_override(who, campaign_id, **body.model_dump())
        return campaign_view(c, app.today())

    @router.post("/campaigns/{campaign_id}/nominations", status_code=201, summary="推荐申报 nominate (A3, A4)")
    def nominate(campaign_id: UUID, body: Nominate, who: Caller) -> dict:
        return nomination_view(app.nomination(app.nominate(who, campaign_id, **body.model_dump())))

    @router.post("/campaigns/{campaign_id}/grant", summary="表彰授予 grant every candidate (A5, A6)")
    def grant(campaign_id: UUID, who: Caller) -> dict:
        c = app.grant(who, campaign_id)
        return campaign_view(c, app.today())

    return router
