"""HTTP of the pledges service: posts."""

from __future__ import annotations

from fastapi import APIRouter

from shared.api import Caller
from shared.auth import require_sees
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

    @router.get("/orgs/{org_id}/posts", summary="设岗定责 the posts set for the org's members (P6; write model)")
    def posts(org_id: str, who: Caller) -> dict:
        require_sees(who, rt.directory.position(org_id))
        found = app.posts_of(org_id)
        return {"org_id": org_id, "items": [{"member_id": m, "post": p} for m, p in sorted(found.items())]}

    return router
