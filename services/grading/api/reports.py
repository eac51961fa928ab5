"""HTTP of the grading service: reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path

from shared.api import Caller, CallerScope
from shared.auth import require_reader
from shared.errors import NotFound
from shared.service import ServiceRuntime

from .. import queries as reports
from ..application import GradingApp
from .schemas import YearQuery


def router(rt: ServiceRuntime[GradingApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    def scoped(who, scope: str):
        return scope

    @router.get("/reports/distribution", summary="等次分布 of a scope and year (G5)")
    def distribution(who: Caller, scope: CallerScope, year: YearQuery) -> dict:
        return reports.distribution(rt.db, scope, year)

    @router.get("/reports/movements", summary="晋位升级 movements against the year before (G7)")
    def movements(who: Caller, scope: CallerScope, year: YearQuery) -> dict:
        return reports.movements(rt.db, scope, year)

    @router.get("/reports/ungraded", summary="base orgs in scope not yet graded this year")
    def ungraded(who: Caller, scope: CallerScope, year: YearQuery) -> dict:
        rows = app.ungraded(scope, year)
        return {"scope": str(scope), "year": year, "total": len(rows), "items": rows}

    @router.get("/reports/rectification-overdue", summary="整改逾期: plans past due, unfinished, unaccepted (G6)")
    def overdue(who: Caller, scope: CallerScope, today: dt.date | None = None) -> dict:
        on = (today or app.today()).isoformat()
        rows = reports.rectification_overdue(rt.db, scope, on)
        return {"scope": str(scope), "today": on, "total": len(rows), "items": rows}

    @router.get("/schemes/{scheme_hash}", summary="an indicator scheme by its content hash (G2: replays use it)")
    def scheme(scheme_hash: Annotated[str, Path(max_length=64)], who: Caller) -> dict:
        require_reader(who)  # an indicator scheme is policy, for every user (G2)
        found = reports.scheme(rt.db, scheme_hash)
        if found is None:
            raise NotFound(
                f"no scheme {scheme_hash}",
                slug="scheme-not-found",
                title_zh=f"指标体系 {scheme_hash} 不存在，请核对其内容哈希（见定级周期的 schemes）",
                title_en=f"No scheme {scheme_hash}; check its content hash (in the cycle's schemes)",
            )
        return found

    return router
