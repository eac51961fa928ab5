"""HTTP routes of the awards service 评比表彰: thin — parse, call the application, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import Field

from shared.api import MAX_TEXT, Caller, Command, Paging
from shared.auth import Identity, require_scope, require_sees, withhold
from shared.ratelimit import limiter_for
from shared.scope import Scope, parse_scope
from shared.service import ServiceRuntime

from .application import DECIDERS, AwardsApp
from .campaign import Campaign
from .domain import KINDS, STATES
from .exemplars import LEARNERS, PROMOTIONS, STUDY_FORMS, Exemplar
from .nomination import Nomination
from .projections import campaigns, campaigns_open_to, exemplars, honours, nominations, study_report

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
ScopeText = Annotated[str, Query(max_length=200, examples=["local:13/1301"])]


class Title(Command):
    name: Name
    subject: Literal["org", "member"] | None = None
    quota: int = Field(ge=1, le=100_000)


class OpenCampaign(Command):
    opener_org_id: Id
    scope: Annotated[str, Field(min_length=1, max_length=200, examples=["local:13/1301"])]
    name: Name
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    year: int = Field(ge=2000, le=2100)
    titles: list[Title] = Field(min_length=1, max_length=20)
    nomination_until: dt.date
    publicity_from: dt.date
    publicity_until: dt.date
    grant_on: dt.date


class Override(Command):
    title: Name
    nominee_type: Literal["org", "member"]
    nominee_id: Id
    reason: Text


class Nominate(Command):
    title: Name
    nominee_type: Literal["org", "member"]
    nominee_id: Id
    deeds: Text


class Comment(Command):
    comment: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class Reason(Command):
    reason: Text


class Objection(Command):
    text: Text


class Resolution(Command):
    upheld: bool
    reason: Text


class SelectExemplar(Command):
    nomination_id: UUID
    citation: Text


class Promotion(Command):
    kind: Literal[tuple(PROMOTIONS)]  # type: ignore[valid-type]
    headline: Annotated[str, Field(min_length=1, max_length=300)]
    on: dt.date


class StudyIn(Command):
    learner_type: Literal[tuple(LEARNERS)]  # type: ignore[valid-type]
    learner_id: Id
    form: Literal[tuple(STUDY_FORMS)]  # type: ignore[valid-type]
    on: dt.date | None = None


def campaign_view(c: Campaign, today: dt.date) -> dict:
    return {
        "campaign_id": str(c.id),
        "name": c.name,
        "kind": c.kind,
        "kind_zh": KINDS[c.kind],
        "year": c.year,
        "scope": c.scope,
        "opener_org_id": c.opener_org_id,
        "titles": list(c.titles.values()),
        "nomination_until": c.nomination_until.isoformat(),
        "publicity_from": c.publicity_from.isoformat(),
        "publicity_until": c.publicity_until.isoformat(),
        "grant_on": c.grant_on.isoformat(),
        "phase": c.phase(today),
        "shortlist": c.shortlist,
        "overrides": c.overrides,
        "granted_on": c.granted_on,
        "version": c.version,
    }


def nomination_view(n: Nomination, objections_visible: bool = False) -> dict:
    """Objectors' words are shown only to the campaign's authority, who resolves them (A5)."""
    objections = [
        o if objections_visible else {k: v for k, v in o.items() if k != "text"} for o in n.objections.values()
    ]
    return {
        "nomination_id": str(n.id),
        "campaign_id": n.campaign_id,
        "title": n.title,
        "nominee_type": n.nominee_type,
        "nominee_id": n.nominee_id,
        "org_id": n.org_id,
        "year": n.year,
        "state": n.state,
        "state_zh": STATES[n.state],
        "level": n.level,
        "levels": n.levels,
        "deeds": n.deeds,
        "eligibility": n.eligibility,
        "objections": objections,
        "revoke_reason": n.revoke_reason,
        "version": n.version,
    }


def exemplar_view(e: Exemplar) -> dict:
    return {
        "exemplar_id": str(e.id),
        "nomination_id": e.nomination_id,
        "title": e.title,
        "nominee_type": e.nominee_type,
        "nominee_id": e.nominee_id,
        "org_id": e.org_id,
        "year": e.year,
        "citation": e.citation,
        "promotions": e.promotions,
        "active": e.active,
    }


def routes(rt: ServiceRuntime[AwardsApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    objections = limiter_for(rt, "objection")  # per client address, shared with the 公示 page's form

    def named(rows: list[dict]) -> list[dict]:
        return [r | {"nominee_name": app.nominee_name(r["nominee_type"], r["nominee_id"], r["org_id"])} for r in rows]

    def is_authority(who: Identity, n: Nomination) -> bool:
        scope = Scope.parse(app.campaign(n.campaign_id).scope)
        return who.role in DECIDERS and any(scope.within(s) for s in who.scopes)

    # 表彰活动 A1 ---------------------------------------------------------------------------------------
    @router.post("/campaigns", status_code=201, summary="发起表彰活动 open a campaign (A1)")
    def open_campaign(body: OpenCampaign, who: Caller) -> dict:
        campaign_id = app.open_campaign(
            who, **body.model_dump(exclude={"titles"}), titles=[t.model_dump() for t in body.titles]
        )
        return campaign_view(app.campaign(campaign_id), app.today())

    @router.get("/campaigns", summary="campaigns opened in a scope (A1)")
    def list_campaigns(
        who: Caller, scope: ScopeText, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
    ) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        return {"scope": str(parsed), "year": year, "items": campaigns(rt.db, parsed, year)}

    @router.get("/orgs/{org_id}/campaigns", summary="campaigns an org may be nominated in (A3, H3)")
    def open_to(org_id: str, who: Caller) -> dict:
        org = rt.directory.org(org_id)
        require_sees(who, org.position)
        path = org.position.local if org.leading_hierarchy == "local" else org.position.vertical
        return {"org_id": org_id, "items": campaigns_open_to(rt.db, org.leading_hierarchy, path)}

    @router.get("/campaigns/{campaign_id}", summary="one campaign, its phase and shortlist")
    def get_campaign(campaign_id: UUID, who: Caller) -> dict:
        c = app.campaign(campaign_id)
        app.require_sees_campaign(who, c)
        return campaign_view(c, app.today()) | {"overrides": app.overrides_seen_by(who, c)}

    @router.post("/campaigns/{campaign_id}/overrides", status_code=201, summary="资格特批 record an override (A4)")
    def override(campaign_id: UUID, body: Override, who: Caller) -> dict:
        c = app.record_override(who, campaign_id, **body.model_dump())
        return campaign_view(c, app.today())

    @router.post("/campaigns/{campaign_id}/nominations", status_code=201, summary="推荐申报 nominate (A3, A4)")
    def nominate(campaign_id: UUID, body: Nominate, who: Caller) -> dict:
        return nomination_view(app.nomination(app.nominate(who, campaign_id, **body.model_dump())))

    @router.post("/campaigns/{campaign_id}/grant", summary="表彰授予 grant every candidate (A5, A6)")
    def grant(campaign_id: UUID, who: Caller) -> dict:
        c = app.grant(who, campaign_id)
        return campaign_view(c, app.today())

    # 层层推荐 A3 ----------------------------------------------------------------------------------------
    @router.get("/nominations/{nomination_id}", summary="one nomination (write model: read-your-writes)")
    def get_nomination(nomination_id: UUID, who: Caller) -> dict:
        n = app.nomination(nomination_id)
        require_sees(who, rt.directory.position(n.org_id))
        view = nomination_view(n, objections_visible=is_authority(who, n))
        view["nominee_name"] = app.nominee_name(n.nominee_type, n.nominee_id, n.org_id)
        if not app.sees_nominee(who, n.nominee_type, n.nominee_id, n.org_id):
            return withhold(view, ("eligibility",))  # the facts it was judged on: 民主评议, pledge results (A4)
        return view

    @router.post("/nominations/{nomination_id}/pass", summary="推荐上报 pass to the next level / shortlist at the top")
    def pass_(nomination_id: UUID, body: Comment, who: Caller) -> dict:
        return nomination_view(app.pass_level(who, nomination_id, body.comment))

    @router.post("/nominations/{nomination_id}/hold", summary="暂缓 hold at this level, with a reason")
    def hold(nomination_id: UUID, body: Reason, who: Caller) -> dict:
        return nomination_view(app.hold(who, nomination_id, body.reason))

    @router.post("/nominations/{nomination_id}/reject", summary="不予推荐 reject, with a reason")
    def reject(nomination_id: UUID, body: Reason, who: Caller) -> dict:
        return nomination_view(app.reject(who, nomination_id, body.reason))

    @router.post("/nominations/{nomination_id}/objections", status_code=201, summary="公示异议 object (A5; anyone)")
    def object_(nomination_id: UUID, body: Objection, request: Request) -> dict:
        objections.check_request(request)
        objection_id = app.raise_objection(nomination_id, body.text)
        return {"objection_id": objection_id, "nomination_id": str(nomination_id)}

    @router.post(
        "/nominations/{nomination_id}/objections/{objection_id}/resolve",
        summary="异议处理 uphold (withdraws the nominee) or dismiss, with a reason (A5)",
    )
    def resolve(nomination_id: UUID, objection_id: UUID, body: Resolution, who: Caller) -> dict:
        return nomination_view(app.resolve_objection(who, nomination_id, str(objection_id), body.upheld, body.reason))

    @router.post("/nominations/{nomination_id}/revoke", summary="撤销表彰 revoke an honour, with a reason (A6)")
    def revoke(nomination_id: UUID, body: Reason, who: Caller) -> dict:
        return nomination_view(app.revoke(who, nomination_id, body.reason))

    @router.get("/nominations", summary="nominations in a scope; awaiting=<level> is a level's queue (A3)")
    def list_nominations(
        who: Caller,
        page: Paging,
        scope: ScopeText,
        campaign_id: UUID | None = None,
        state: Literal[tuple(STATES)] | None = None,  # type: ignore[valid-type]
        awaiting: Annotated[str | None, Query(max_length=200)] = None,
    ) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        found = nominations(
            rt.db,
            parsed,
            campaign_id=str(campaign_id) if campaign_id else None,
            state=state,
            awaiting=str(parse_scope(awaiting)) if awaiting else None,
            limit=page.limit,
            offset=page.offset,
        )
        return found | {"items": named(found["items"])}

    @router.get("/honours", summary="光荣榜 the roll of honour of a scope, per year (A6, H4)")
    def roll_of_honour(
        who: Caller,
        scope: ScopeText,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        include_revoked: bool = False,
    ) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        return {"scope": str(parsed), "year": year, "items": named(honours(rt.db, parsed, year, include_revoked))}

    # 先进典型 A7 ---------------------------------------------------------------------------------------
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
    def list_exemplars(who: Caller, scope: ScopeText) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        return {"scope": str(parsed), "items": exemplars(rt.db, parsed)}

    @router.get("/studies", summary="学先进 report: who in the scope learnt from whom (A7)")
    def studies(who: Caller, scope: ScopeText, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        return {"scope": str(parsed), "year": year, **study_report(rt.db, parsed, year)}

    return router
