"""HTTP of the evaluations service: one router per resource, under /api/evaluations."""

from __future__ import annotations

from fastapi import APIRouter

from shared.service import ServiceRuntime

from ..application import EvaluationsApp
from . import policies, rounds, windows


def routes(rt: ServiceRuntime[EvaluationsApp]) -> APIRouter:
    router = APIRouter()
    router.include_router(rounds.router(rt))
    router.include_router(policies.router(rt))
    router.include_router(windows.router(rt))
    return router
