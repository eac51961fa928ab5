"""HTTP of the awards service: one router per resource, under /api/awards."""

from __future__ import annotations

from fastapi import APIRouter

from shared.service import ServiceRuntime

from ..application import AwardsApp
from . import campaigns, exemplars, nominations


def routes(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    router = APIRouter()
    router.include_router(campaigns.router(rt))
    router.include_router(nominations.router(rt))
    router.include_router(exemplars.router(rt))
    return router
