"""HTTP of the awards service: exemplars."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from shared.api import Caller, CallerScope
from shared.service import ServiceRuntime

from ..application import AwardsApp
from ..queries import exemplars, study_report
from .schemas import Promotion, SelectExemplar, StudyIn, exemplar_view


def router(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/exemplars", status_code=201, summary="选树先进典型 select an exemplar from the honoured (A7)")
    def select(body: SelectExemplar, who: Caller) -> dict:
        exemplar_id = app.select_exemplar(who, body.nomination_id, body.citation)
        return exemplar_view(app.exemplar(exemplar_id))

    @router.post("/exemplars/{exemplar_id}/promotions", status_code=201, summary="宣传 a report, tour or media item")
    def promote(exemplar_id: UUID, body: Promotion, who: Caller) -> dict:
        e = app.promote(who, exemplar_id, body.kind, body.headline, body.on)
        return exemplar_view(e)

    @router.post("/exemplars/{exemplar_id}/studies", status_code=201, summary="学先进 record that X learnt from it")
    def study(exemplar_id: UUID, body: StudyIn, who: Caller) -> dict:
        study_id = app.record_study(who, exemplar_id, **body.model_dump())
        return {"study_id": str(study_id), "exemplar_id": str(exemplar_id), **body.model_dump(mode="json")}

    @router.get("/exemplars", summary="exemplars in a scope with their promotion items (A7)")
    def list_exemplars(who: Caller, scope: CallerScope) -> dict:
        return {"scope": str(scope), "items": exemplars(rt.db, scope)}

    @router.get("/studies", summary="学先进 report: who in the scope learnt from whom (A7)")
    def studies(who: Caller, scope: CallerScope, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict:
        return {"scope": str(scope), "year": year, **study_report(rt.db, scope, year)}

    return router
