"""Request bodies and answer shapes of the pledges HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from shared.api import MAX_TEXT, Command

from ..domain import CHANNELS, FIVE_LEADS, Pledge

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
