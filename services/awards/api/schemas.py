"""Request bodies and answer shapes of the awards HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import Field

from shared.api import MAX_TEXT, Command

from ..campaign import Campaign
from ..domain import KINDS, STATES
from ..exemplars import LEARNERS, PROMOTIONS, STUDY_FORMS, Exemplar
from ..nomination import Nomination

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
