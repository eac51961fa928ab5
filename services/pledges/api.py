"""HTTP routes of the pledges service: thin — parse, call the application, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query
from pydantic import Field

from shared.api import MAX_TEXT, Caller, Command, Paging, YearFilter
from shared.auth import require_scope, require_sees
from shared.scope import parse_scope
from shared.service import ServiceRuntime

from .application import PledgesApp
from .domain import CHANNELS, FIVE_LEADS, Pledge
from .projections import ledger_rows

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class Item(Command):
    text: Text
    tags: list[Literal[FIVE_LEADS]] = Field(min_length=1, max_length=5)  # type: ignore[valid-type]


class Propose(Command):
    org_id: Annotated[str, Field(min_length=1, max_length=64)]
    pledger_kind: Literal["individual", "collective", "with_masses", "org"]
    member_ids: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=500)
    kind: Literal["annual", "adhoc", "longterm"]
    items: list[Item] = Field(min_length=1, max_length=20)
    year: int | None = Field(None, ge=2000, le=2100)
    due: dt.date | None = None
    trigger: Text | None = None
    masses: Text | None = None
    supports: UUID | None = None


class Review(Command):
    reasons: Text


class Revise(Command):
    items: list[Item] = Field(min_length=1, max_length=20)
    due: dt.date | None = None


class Publicise(Command):
    channel: Literal[CHANNELS]  # type: ignore[valid-type]


class Progress(Command):
    text: Text
    evidence: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=20)


class Summary(Command):
    summary: Text


class Reason(Command):
    reason: Text


class AssignPost(Command):
    member_id: Annotated[str, Field(min_length=1, max_length=64)]
    post: Annotated[str, Field(min_length=1, max_length=100)]
    duties: Text


def pledge_view(p: Pledge) -> dict:
    return {
        "pledge_id": str(p.id),
        "org_id": p.org_id,
        "state": p.state,
        "pledger_kind": p.pledger_kind,
        "member_ids": p.member_ids,
        "kind": p.kind,
        "year": p.year,
        "items": p.items,
        "due": p.due,
        "host_org_id": p.host_org,
        "channel": p.channel,
        "return_reasons": p.return_reasons,
        "progress_count": p.progress_count,
        "last_reminded": p.last_reminded,
        "version": p.version,
    }


def routes(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/pledges", status_code=201, summary="提诺 propose a pledge (send Idempotency-Key to retry safely)")
    def propose(
        body: Propose, who: Caller, idempotency_key: Annotated[str | None, Header(max_length=128)] = None
    ) -> dict:
        pledge_id = app.propose(
            who,
            **body.model_dump(exclude={"items", "supports"}),
            items=[i.model_dump() for i in body.items],
            supports=str(body.supports) if body.supports else None,
            idempotency_key=idempotency_key,
        )
        return pledge_view(app.get(pledge_id))

    @router.get("/pledges/{pledge_id}", summary="one pledge (from the write model: read-your-writes)")
    def get(pledge_id: UUID, who: Caller) -> dict:
        p = app.get(pledge_id)
        host = [rt.directory.position(p.host_org)] if p.host_org else []  # listed in the host's ledger too (P6)
        require_sees(who, rt.directory.position(p.org_id), *host)
        return pledge_view(p)

    @router.post("/pledges/{pledge_id}/approve", summary="审诺 approve into the ledger")
    def approve(pledge_id: UUID, who: Caller) -> dict:
        return pledge_view(app.approve(who, pledge_id))

    @router.post("/pledges/{pledge_id}/return", summary="审诺 return for revision with reasons")
    def return_(pledge_id: UUID, body: Review, who: Caller) -> dict:
        return pledge_view(app.return_for_revision(who, pledge_id, body.reasons))

    @router.post("/pledges/{pledge_id}/revise", summary="revise a returned pledge")
    def revise(pledge_id: UUID, body: Revise, who: Caller) -> dict:
        return pledge_view(app.revise(who, pledge_id, [i.model_dump() for i in body.items], body.due))

    @router.post("/pledges/{pledge_id}/publicise", summary="公开 publicise on a channel (P5: approved only)")
    def publicise(pledge_id: UUID, body: Publicise, who: Caller) -> dict:
        return pledge_view(app.publicise(who, pledge_id, body.channel))

    @router.post("/pledges/{pledge_id}/progress", summary="履诺 report progress with evidence")
    def progress(pledge_id: UUID, body: Progress, who: Caller) -> dict:
        return pledge_view(app.report_progress(who, pledge_id, body.text, body.evidence))

    @router.post("/pledges/{pledge_id}/complete", summary="践诺完成")
    def complete(pledge_id: UUID, body: Summary, who: Caller) -> dict:
        return pledge_view(app.complete(who, pledge_id, body.summary))

    @router.post("/pledges/{pledge_id}/unfulfilled", summary="未兑现")
    def unfulfilled(pledge_id: UUID, body: Reason, who: Caller) -> dict:
        return pledge_view(app.mark_unfulfilled(who, pledge_id, body.reason))

    @router.post("/orgs/{org_id}/posts", status_code=201, summary="设岗定责 set a member's post (P6)")
    def assign_post(org_id: str, body: AssignPost, who: Caller) -> dict:
        app.assign_post(who, org_id, body.member_id, body.post, body.duties)
        return {"org_id": org_id, "member_id": body.member_id, "post": body.post}

    def filters(
        state: str | None, kind: str | None, member: str | None, overdue: bool | None, year: int | None, page
    ) -> dict:
        return {
            "state": state,
            "kind": kind,
            "member": member,
            "overdue": overdue,
            "year": year,
            "today": app.today().isoformat(),
            "limit": page.limit,
            "offset": page.offset,
        }

    @router.get("/orgs/{org_id}/ledger", summary="承诺台账 of one org (incl. 流动党员 pledging here, P6)")
    def org_ledger(
        org_id: str,
        who: Caller,
        page: Paging,
        state: str | None = None,
        kind: str | None = None,
        member: str | None = None,
        overdue: bool | None = None,
        year: YearFilter = None,
    ) -> dict:
        require_sees(who, rt.directory.position(org_id))
        rows = ledger_rows(
            rt.db,
            "(org_id = ? OR host_org_id = ?)",
            [org_id, org_id],
            **filters(state, kind, member, overdue, year, page),
        )
        return app.ledger_as_seen_by(who, rows)

    @router.get("/ledger", summary="ledgers of every org under a scope (superiors)")
    def scope_ledger(
        who: Caller,
        page: Paging,
        scope: Annotated[str, Query(examples=["local:13/1301"])],
        state: str | None = None,
        kind: str | None = None,
        member: str | None = None,
        overdue: bool | None = None,
        year: YearFilter = None,
    ) -> dict:
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        where, params = parsed.sql_filter()
        return app.ledger_as_seen_by(
            who, ledger_rows(rt.db, where, params, **filters(state, kind, member, overdue, year, page))
        )

    return router
