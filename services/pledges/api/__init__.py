"""HTTP of the pledges service: one router per resource, under /api/pledges."""

from __future__ import annotations

from fastapi import APIRouter

from shared.service import ServiceRuntime

from ..application import PledgesApp
from . import ledger, pledges, posts


def routes(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    router = APIRouter()
    router.include_router(pledges.router(rt))
    router.include_router(posts.router(rt))
    router.include_router(ledger.router(rt))
    return router
