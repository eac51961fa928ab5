"""HTTP of the grading service: one router per resource, under /api/grading."""

from __future__ import annotations

from fastapi import APIRouter

from shared.service import ServiceRuntime

from ..application import GradingApp
from . import cycles, reports


def routes(rt: ServiceRuntime[GradingApp]) -> APIRouter:
    router = APIRouter()
    router.include_router(cycles.router(rt))
    router.include_router(reports.router(rt))
    return router
