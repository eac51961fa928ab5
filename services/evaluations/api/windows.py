"""HTTP of the evaluations service: windows."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from shared.api import Caller, CallerScope
from shared.auth import require_sees
from shared.service import ServiceRuntime

from ..application import EvaluationsApp
from ..domain import CONTESTS
from ..queries import contest_ranking, org_windows
from .schemas import ContestScore, Disclosure, RegisterWindow


def router(rt: ServiceRuntime[EvaluationsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/windows", status_code=201, summary="登记窗口单位 register a service window (E1)")
    def register_window(body: RegisterWindow, who: Caller) -> dict:
        w = app.register_window(who, body.window_id, body.org_id, body.name)
        return {
            "window_id": w.window_id,
            "org_id": w.org_id,
            "name": w.name,
            "page": f"/evaluations/windows/{w.window_id}",
        }

    @router.get("/orgs/{org_id}/windows", summary="an org's service windows (E1)")
    def windows_of(org_id: str, who: Caller) -> dict:
        require_sees(who, rt.directory.position(org_id))
        rows = org_windows(rt.db, org_id)
        return {"org_id": org_id, "items": [r | {"page": f"/evaluations/windows/{r['window_id']}"} for r in rows]}

    @router.post("/windows/{window_id}/disclosures", status_code=201, summary="三亮 a dated disclosure (E2)")
    def disclose(window_id: str, body: Disclosure, who: Caller) -> dict:
        w = app.disclose(who, window_id, body.show, body.title, body.content)
        return {"window_id": window_id, "disclosures": w.disclosures}

    @router.post("/windows/{window_id}/contests", status_code=201, summary="三比 record a contest score (E3)")
    def contest(window_id: str, body: ContestScore, who: Caller) -> dict:
        app.score_contest(who, window_id, body.contest, body.label, body.target, body.score)
        return body.model_dump() | {"window_id": window_id}

    @router.get("/contests/ranking", summary="三比排名 ranking of one contest round within a scope (E3)")
    def ranking(scope: CallerScope, contest: Literal[tuple(CONTESTS)], label: str) -> dict:  # type: ignore[valid-type]
        ranked = contest_ranking(rt.db, scope, contest, label)
        return {
            "scope": str(scope),
            "contest": contest,
            "contest_zh": CONTESTS[contest],
            "label": label,
            "items": ranked,
        }

    return router
