"""HTTP routes of the evaluations service: thin — parse, call the application, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import Field

from shared.api import MAX_TEXT, Caller, Command, Paging, YearFilter
from shared.auth import require_scope, require_sees
from shared.errors import invalid
from shared.scope import parse_scope
from shared.service import ServiceRuntime

from .application import PLEDGE_MIN_PARTICIPATION, PLEDGE_PERIOD_DAYS, PLEDGE_WEIGHTS, EvaluationsApp
from .ballots import period_token
from .domain import CONTESTS, MODES, PURPOSES, SHOWS, SUBJECT_TYPES, EvaluationRound
from .projections import queue_annual, result_row

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
ModeName = Literal["self", "peer", "mass", "leader"]
assert set(get_args(ModeName)) == set(MODES)
Weights = dict[ModeName, Annotated[float, Field(gt=0, le=100)]]
Rate = Annotated[float, Field(ge=0, le=1)]
ROUND_RESULT = ("score", "grade")  # in a round's view "modes" are the weights, not the result


class Period(Command):
    modes: Weights = Field(min_length=1)
    start: dt.date
    end: dt.date
    min_participation: Rate = 0.5
    publish: bool = False


class OpenRound(Period):
    scale: dict[Annotated[str, Field(min_length=1, max_length=10)], float] | None = Field(
        None,
        examples=[{"满意": 100, "基本满意": 60, "不满意": 0}],
        description="E5 satisfaction scale (default 4 levels)",
    )
    subject_type: Literal[tuple(SUBJECT_TYPES)]  # type: ignore[valid-type]
    subject_id: Annotated[str, Field(min_length=1, max_length=64)]
    purpose: Literal[tuple(PURPOSES)]  # type: ignore[valid-type]
    year: int = Field(ge=2000, le=2100)
    eligible: int = Field(ge=1, le=1_000_000)


class Democratic(Period):
    year: int = Field(ge=2000, le=2100)


class Rating(Command):
    mode: ModeName
    score: float = Field(ge=0, le=100)


class PledgePolicyBody(Command):
    scope: Annotated[str, Field(examples=["local:13/1301"], max_length=100)]
    modes: Weights = Field(min_length=1)
    period_days: int = Field(ge=1, le=366)
    min_participation: Rate


class AnnualBatch(Command):
    year: int = Field(ge=2000, le=2100)


class RegisterWindow(Command):
    window_id: Id
    org_id: Id
    name: Annotated[str, Field(min_length=1, max_length=100)]


class Disclosure(Command):
    show: Literal[tuple(SHOWS)]  # type: ignore[valid-type]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    content: Text


class ContestScore(Command):
    contest: Literal[tuple(CONTESTS)]  # type: ignore[valid-type]
    label: Annotated[str, Field(min_length=1, max_length=64)]
    target: Id
    score: float = Field(ge=0, le=100)


def round_view(r: EvaluationRound) -> dict:
    return {
        "round_id": str(r.id),
        "org_id": r.org_id,
        "subject_type": r.subject_type,
        "subject_id": r.subject_id,
        "purpose": r.purpose,
        "year": r.year,
        "modes": r.modes,
        "start": r.start,
        "end": r.end,
        "min_participation": r.min_participation,
        "eligible": r.eligible,
        "policy": r.policy,
        "state": r.state,
        "publish": r.publish,
        "participation": r.participation(),
        "counts": {m: len(r.ratings.get(m, [])) for m in r.modes},
        "score": r.score,
        "grade": r.grade,
        "version": r.version,
    }


def routes(rt: ServiceRuntime[EvaluationsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    # rounds (E6) --------------------------------------------------------------------------------
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

    @router.get("/results", summary="评议结果 rounds and results under a scope (H4)")
    def results(
        who: Caller,
        page: Paging,
        scope: Annotated[str, Query(examples=["local:13/1301"])],
        purpose: str | None = None,
        year: YearFilter = None,
        state: str | None = None,
        subject_id: str | None = None,
    ) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        where, filter_params = parsed.sql_filter()
        params: list[Any] = list(filter_params)
        for column, value in (("purpose", purpose), ("year", year), ("state", state), ("subject_id", subject_id)):
            if value is not None:
                where += f" AND {column} = ?"
                params.append(value)
        total = rt.db.one(f"SELECT COUNT(*) AS n FROM ev_rounds WHERE {where}", params)
        rows = rt.db.query(
            f"SELECT * FROM ev_rounds WHERE {where} ORDER BY end_on, round_id LIMIT {page.limit} OFFSET {page.offset}",
            params,
        )
        return {"total": int(total["n"]) if total else 0, "items": [app.as_seen_by(who, result_row(r)) for r in rows]}

    @router.get("/orgs/{org_id}/rounds", summary="an org's rounds: what its members can rate now, and results")
    def org_rounds(
        org_id: str, who: Caller, page: Paging, state: str | None = None, purpose: str | None = None
    ) -> dict:
        require_sees(who, rt.directory.position(org_id))  # its members, its secretary, superiors (H4)
        where, params = "org_id = ?", [org_id]
        for column, value in (("state", state), ("purpose", purpose)):
            if value is not None:
                where += f" AND {column} = ?"
                params.append(value)
        rows = rt.db.query(
            f"SELECT * FROM ev_rounds WHERE {where} ORDER BY end_on, round_id LIMIT {page.limit} OFFSET {page.offset}",
            params,
        )
        return {"org_id": org_id, "items": [app.as_seen_by(who, result_row(r)) for r in rows]}

    @router.get("/members/{member_id}/results", summary="a member's own results fed back (E6, E7; A4 reads them)")
    def member_results(member_id: str, who: Caller) -> dict:
        member = rt.directory.member(member_id)
        if not (who.role == "member" and who.sub == member_id):
            require_sees(who, rt.directory.position(member.org_id))
        rows = rt.db.query(
            "SELECT * FROM ev_rounds WHERE subject_type = 'member' AND subject_id = ? "
            "AND state <> 'open' ORDER BY year DESC, end_on DESC",
            [member_id],
        )
        return {"member_id": member_id, "items": [app.as_seen_by(who, result_row(r)) for r in rows]}

    # windows (E1–E3) ----------------------------------------------------------------------------
    @router.post("/windows", status_code=201, summary="登记窗口单位 register a service window (E1)")
    def register_window(body: RegisterWindow, who: Caller) -> dict:
        w = app.register_window(who, body.window_id, body.org_id, body.name)
        return {
            "window_id": w.window_id,
            "org_id": w.org_id,
            "name": w.name,
            "page": f"/evaluations/windows/{w.window_id}",
        }

    @router.post("/windows/{window_id}/disclosures", status_code=201, summary="三亮 a dated disclosure (E2)")
    def disclose(window_id: str, body: Disclosure, who: Caller) -> dict:
        w = app.disclose(who, window_id, body.show, body.title, body.content)
        return {"window_id": window_id, "disclosures": w.disclosures}

    @router.post("/windows/{window_id}/contests", status_code=201, summary="三比 record a contest score (E3)")
    def contest(window_id: str, body: ContestScore, who: Caller) -> dict:
        app.score_contest(who, window_id, body.contest, body.label, body.target, body.score)
        return body.model_dump() | {"window_id": window_id}

    @router.get("/contests/ranking", summary="三比排名 ranking of one contest round within a scope (E3)")
    def ranking(who: Caller, scope: str, contest: Literal[tuple(CONTESTS)], label: str) -> dict:  # type: ignore[valid-type]
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        where, params = parsed.sql_filter()
        rows = rt.db.query(
            f"SELECT window_id, org_id, target_id, score FROM ev_contest_scores WHERE {where} "
            "AND contest = ? AND label = ? ORDER BY score DESC, target_id",
            [*params, contest, label],
        )
        ranked: list[dict] = []
        previous = None
        for i, r in enumerate(rows, start=1):  # equal scores share a rank (1, 2, 2, 4)
            rank = ranked[-1]["rank"] if previous == r["score"] else i
            ranked.append({"rank": rank, **r})
            previous = r["score"]
        return {
            "scope": str(parsed),
            "contest": contest,
            "contest_zh": CONTESTS[contest],
            "label": label,
            "items": ranked,
        }

    return router
