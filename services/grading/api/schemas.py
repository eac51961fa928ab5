"""Request bodies and answer shapes of the grading HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from pydantic import Field

from shared.api import MAX_TEXT, Command

from ..domain import GradingCycle, OrgGrading
from ..scheme import bottom_needed, top_limit

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


Code = Annotated[str, Field(min_length=1, max_length=20)]


OrgId = Annotated[str, Field(min_length=1, max_length=64)]


Grade = Annotated[str, Field(min_length=1, max_length=20)]


Evidence = list[Annotated[str, Field(min_length=1, max_length=500)]]


ScopeQuery = Annotated[str, Query(examples=["local:13/1301/130102", "vertical:tax/13"])]


YearQuery = Annotated[int, Query(ge=2000, le=2100)]


class Ratio(Command):
    max_top: float | None = Field(None, ge=0, le=1, description="先进比例上限 (G5)")
    min_bottom: float | None = Field(None, ge=0, le=1, description="后进比例下限 (G5)")


class DeployCycle(Command):
    year: int = Field(ge=2000, le=2100)
    scope: Annotated[str, Field(min_length=1, max_length=100)]
    issuer_org_id: OrgId
    schemes: dict[Annotated[str, Field(max_length=20)], dict[str, Any]] = Field(min_length=1, max_length=10)
    ratio: Ratio = Field(default_factory=lambda: Ratio(max_top=None, min_bottom=None))


class SelfAssessment(Command):
    items: dict[Code, float] = Field(min_length=1, max_length=200)
    evidence: dict[Code, Evidence] = Field(default_factory=dict, max_length=200)


class SuperiorAssessment(Command):
    items: dict[Code, float] = Field(min_length=1, max_length=200)
    comment: Text | None = None


class Override(Command):
    org_id: OrgId
    grade: Grade
    reason: Text


class Determination(Command):
    grade: Grade | None = None
    reason: Text | None = None


class Correction(Command):
    grade: Grade
    reason: Text


class Plan(Command):
    problems: list[Text] = Field(min_length=1, max_length=20)
    measures: list[Text] = Field(min_length=1, max_length=20)
    due: dt.date


class Progress(Command):
    text: Text
    evidence: Evidence = Field(default_factory=list, max_length=20)
    done: bool = False


class Acceptance(Command):
    passed: bool
    comment: Text


def cycle_view(c: GradingCycle) -> dict:
    top, bottom, determined = c.counts()
    return {
        "cycle_id": str(c.id),
        "year": c.year,
        "scope": c.scope,
        "issuer_org_id": c.issuer_org_id,
        "orgs_in_scope": c.orgs_in_scope,
        "ratio": c.ratio,
        "overrides": c.overrides,
        "schemes": {
            d: {"scheme_hash": s["hash"], "version": s["scheme"]["version"], "ladder": s["scheme"]["ladder"]}
            for d, s in c.schemes.items()
        },
        "tally": {"top": top, "bottom": bottom, "determined": determined},
        "limits": {  # G5 in numbers: at most top_limit on the top rung, at least bottom_needed on the bottom one
            "top_limit": top_limit(c.ratio, c.orgs_in_scope),
            "bottom_needed": bottom_needed(c.ratio, c.orgs_in_scope),
        },
        "version": c.version,
    }


def grading_view(g: OrgGrading) -> dict:
    return {
        "cycle_id": g.cycle_id,
        "org_id": g.org_id,
        "year": g.year,
        "domain": g.domain,
        "scheme_hash": g.scheme_hash,
        "state": g.state,
        "self_points": g.self_points,
        "evidence": g.evidence,
        "superior_points": g.superior_points,
        "grade": g.grade,
        "rank": g.rank,
        "score": g.score,
        "plan": g.plan,
        "progress_count": g.progress_count,
        "rectified": g.rectified,
        "accepted": g.accepted,
        "version": g.version,
    }
