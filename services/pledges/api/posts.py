"""HTTP of the pledges service: posts."""

from __future__ import annotations

from fastapi import APIRouter

from shared.api import Caller
from shared.service import ServiceRuntime

from ..application import PledgesApp
from .schemas import AssignPost


def router(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/orgs/{org_id}/posts", status_code=201, summary="设岗定责 set a member's post (P6)")
    def assign_post(org_id: str, body: AssignPost, who: Caller) -> dict:
        app.assign_post(who, org_id, body.member_id, body.post, body.duties)
        return {"org_id": org_id, "member_id": body.member_id, "post": body.post}

    return router
