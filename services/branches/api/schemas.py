"""Request bodies of the branch-life HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from shared.api import MAX_TEXT, Command

from ..domain import ASSESSMENT_GRADES, CHANNELS
from ..meeting import STEPS

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
LongText = Annotated[str, Field(min_length=1, max_length=20000)]  # a 活动总结 runs to thousands of characters
OrgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Short = Annotated[str, Field(min_length=1, max_length=100)]


class InstitutionBody(Command):
    title: Short
    focus: list[Short] = Field(min_length=1, max_length=10)
    goal: Text
    content: LongText
    measures: list[Text] = Field(min_length=1, max_length=30)


class Draft(InstitutionBody):
    org_id: OrgId


class Revision(InstitutionBody):
    reason: Text


class Opinion(Command):
    opinion: Text


class Solicit(Command):
    until: dt.date


class Answer(Command):
    number: int = Field(ge=1)
    answer: Text


class Adoption(Command):
    meeting_on: dt.date
    attending: int = Field(ge=1, le=100000)
    members: int = Field(ge=1, le=100000)


class Publication(Command):
    channel: Literal[tuple(CHANNELS)] = "notice_board"  # type: ignore[valid-type]


class Inspection(Command):
    note: Text


class Assessment(Command):
    period: Short
    grade: Literal[ASSESSMENT_GRADES]  # type: ignore[valid-type]
    note: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class SummaryCallBody(Command):
    scope: Short
    year: int = Field(ge=2000, le=2100)
    deadline: dt.date
    min_length: int = Field(1000, ge=0, le=20000)
    issuer_org_id: OrgId


class SummaryBody(Command):
    author_kind: Literal["org", "member"]
    org_id: OrgId
    text: LongText


class Resubmission(Command):
    text: LongText


class Return(Command):
    reason: Text


class Step(Command):
    step: Literal[tuple(STEPS)]  # type: ignore[valid-type]
    on: dt.date
    note: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class Feedback(Command):
    member_id: OrgId
    opinions: Text


class Holding(Command):
    held_on: dt.date
    attending: list[OrgId] = Field(min_length=1, max_length=2000)
    excused: dict[OrgId, Text] = Field(default_factory=dict, max_length=200)


class SelfCriticism(Command):
    text: LongText


class Comment(Command):
    comment: Text


class Measures(Command):
    measures: list[Text] = Field(min_length=1, max_length=20)


class DebriefBody(Command):
    text: LongText


class EvaluationLink(Command):
    round_id: Annotated[str, Field(min_length=1, max_length=64)]
