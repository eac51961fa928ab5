"""HTTP of the branch-life service: one router per resource, under /api/branches."""

from __future__ import annotations

from fastapi import APIRouter

from shared.service import ServiceRuntime

from ..application import BranchesApp
from . import debriefs, institutions, meetings, summaries


def routes(rt: ServiceRuntime[BranchesApp]) -> APIRouter:
    router = APIRouter()
    router.include_router(institutions.router(rt))
    router.include_router(summaries.router(rt))
    router.include_router(meetings.router(rt))
    router.include_router(debriefs.router(rt))
    return router
