"""HTTP of the evaluations service: policies."""

from __future__ import annotations

from fastapi import APIRouter

from shared.api import Caller
from shared.auth import require_sees
from shared.scope import parse_scope
from shared.service import ServiceRuntime

from ..application import PLEDGE_MIN_PARTICIPATION, PLEDGE_PERIOD_DAYS, PLEDGE_WEIGHTS, EvaluationsApp
from ..projections import queue_annual
from .schemas import AnnualBatch, PledgePolicyBody


def router(rt: ServiceRuntime[EvaluationsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post(
        "/orgs/{org_id}/pledge-rounds",
        status_code=202,
        summary="年度承诺评议 queue the annual pledges of a year for evaluation (P7)",
    )
    def annual_pledges(org_id: str, body: AnnualBatch, who: Caller) -> dict:
        app.require_organiser(who, org_id, ("开展年度承诺评议", "queue annual pledge rounds"))
        queued = queue_annual(rt.db, "org_id = ? AND year = ?", [org_id, body.year])
        return {"org_id": org_id, "year": body.year, "queued": queued}

    @router.put("/pledge-policies", summary="评诺办法 set how pledges under a scope are evaluated (P7, versioned)")
    def set_policy(body: PledgePolicyBody, who: Caller) -> dict:
        modes = {str(mode): weight for mode, weight in body.modes.items()}
        p = app.set_pledge_policy(who, parse_scope(body.scope), modes, body.period_days, body.min_participation)
        return {
            "scope": p.scope,
            "policy": p.reference,
            "modes": p.modes,
            "period_days": p.period_days,
            "min_participation": p.min_participation,
        }

    @router.get("/orgs/{org_id}/pledge-policy", summary="the pledge evaluation policy that applies to an org (P7)")
    def get_policy(org_id: str, who: Caller) -> dict:
        require_sees(who, rt.directory.position(org_id))
        p = app.policy_for(org_id)
        if p is None:
            return {
                "policy": None,
                "modes": PLEDGE_WEIGHTS,
                "period_days": PLEDGE_PERIOD_DAYS,
                "min_participation": PLEDGE_MIN_PARTICIPATION,
            }
        return {
            "policy": p.reference,
            "modes": p.modes,
            "period_days": p.period_days,
            "min_participation": p.min_participation,
        }

    return router
