"""HTTP of the evaluations service: rounds."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from shared.api import Caller, CallerScope, Page, Paging, YearFilter
from shared.auth import forbidden, require_sees
from shared.errors import invalid
from shared.service import ServiceRuntime

from .. import queries
from ..application import EvaluationsApp
from ..ballots import period_token
from ..queries import result_row
from .schemas import ROUND_RESULT, Democratic, OpenRound, Rating, round_view


def router(rt: ServiceRuntime[EvaluationsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/rounds", status_code=201, summary="开展评议 open a round (E6)")
    def open_round(body: OpenRound, who: Caller) -> dict:
        return round_view(app.open_round(who, **body.model_dump()))

    @router.get("/rounds/{round_id}", summary="one round with its live tallies or result (write model)")
    def get_round(round_id: UUID, who: Caller) -> dict:
        r = app.round(round_id)
        if not (who.role == "member" and who.sub in app.subject_members(r)):
            require_sees(who, rt.directory.position(r.org_id))  # the subject gets its result fed back (E6)
        return app.as_seen_by(who, round_view(r), ROUND_RESULT)

    @router.post("/rounds/{round_id}/ratings", summary="评议打分 rate in one mode (P7, E4; one vote, E5)")
    def rate(round_id: UUID, body: Rating, who: Caller) -> dict:
        return round_view(app.rate(who, round_id, body.mode, body.score))

    @router.post("/rounds/{round_id}/close", summary="结束评议 close (before the end date only once 参与面 is met)")
    def close(round_id: UUID, who: Caller) -> dict:
        return round_view(app.close_round(who, round_id))

    @router.get("/rounds/{round_id}/link", summary="群众评议二维码链接 the round's QR link for service users (E5)")
    def link(round_id: UUID, who: Caller) -> dict:
        r = app.round(round_id)
        app.require_organiser(who, r.org_id, ("获取群众评议链接", "get the rating link"))
        if "mass" not in r.modes:
            raise invalid(
                "no-mass-mode",
                "本轮评议不含群众评议，没有二维码链接；如需群众评议，请开展含 mass 方式的评议",
                "This round has no mass mode, so no QR link; open a round with the mass mode for one",
            )
        token = period_token(rt.settings, r.id)
        return {"round_id": str(r.id), "path": f"/evaluations/rate/{token}", "period_token": token}

    @router.post("/orgs/{org_id}/democratic", status_code=201, summary="民主评议党员 every member's annual round (E7)")
    def democratic(org_id: str, body: Democratic, who: Caller) -> dict:
        rounds = app.open_democratic(who, org_id, **body.model_dump())
        return {"org_id": org_id, "year": body.year, "rounds": [round_view(r) for r in rounds]}

    @router.get("/results", summary="评议结果 rounds and results under a scope (H4)")
    def results(
        who: Caller,
        page: Paging,
        scope: CallerScope,
        purpose: str | None = None,
        year: YearFilter = None,
        state: str | None = None,
        subject_id: str | None = None,
    ) -> dict:
        where, params = scope.sql_filter()
        filters = {"purpose": purpose, "year": year, "state": state, "subject_id": subject_id}
        total, rows = queries.rounds(rt.db, where, params, filters, page)
        return {"total": total, "items": [app.as_seen_by(who, result_row(r)) for r in rows]}

    @router.get("/orgs/{org_id}/rounds", summary="an org's rounds: what its members can rate now, and results")
    def org_rounds(
        org_id: str, who: Caller, page: Paging, state: str | None = None, purpose: str | None = None
    ) -> dict:
        require_sees(who, rt.directory.position(org_id))  # its members, its secretary, superiors (H4)
        _, rows = queries.rounds(rt.db, "org_id = ?", [org_id], {"state": state, "purpose": purpose}, page)
        return {"org_id": org_id, "items": [app.as_seen_by(who, result_row(r)) for r in rows]}

    @router.get("/members/{member_id}/results", summary="a member's own results fed back (E6, E7; A4 reads them)")
    def member_results(member_id: str, who: Caller) -> dict:
        member = rt.directory.member(member_id)
        if not (who.role == "member" and who.sub == member_id):
            require_sees(who, rt.directory.position(member.org_id))
        rows = queries.member_results(rt.db, member_id)
        return {"member_id": member_id, "items": [app.as_seen_by(who, result_row(r)) for r in rows]}

    @router.get("/members/{member_id}/to-rate", summary="待我评议 the rounds a member can rate today, by mode (P7, E4)")
    def to_rate(member_id: str, who: Caller) -> dict:
        if not (who.role == "member" and who.sub == member_id):
            raise forbidden(
                who,
                "只有党员本人可以查看自己的待评议事项，请登录本人的账号",
                "only the member reads what is open for them to rate",
            )
        org_id = rt.directory.member(member_id).org_id
        _, rows = queries.rounds(rt.db, "org_id = ?", [org_id], {"state": "open"}, Page(limit=500, offset=0))
        found = app.to_rate(member_id, org_id, [row["round_id"] for row in rows])
        keys = ("round_id", "org_id", "subject_type", "subject_id", "purpose", "year", "start", "end")
        return {
            "member_id": member_id,
            "items": [{k: round_view(r)[k] for k in keys} | {"mode": mode, "rated": rated} for r, mode, rated in found],
        }

    return router
