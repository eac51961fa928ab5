"""HTTP routes of the grading service 晋位升级: thin — parse, call the application, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import Field

from shared.api import MAX_TEXT, Caller, Command
from shared.auth import require_reader, require_scope
from shared.errors import NotFound
from shared.scope import parse_scope
from shared.service import ServiceRuntime

from . import projections as reports
from .application import GradingApp
from .domain import GradingCycle, OrgGrading

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


def routes(rt: ServiceRuntime[GradingApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.post("/cycles", status_code=201, summary="安排部署 deploy a yearly grading cycle (G1, G2, G5)")
    def deploy(body: DeployCycle, who: Caller) -> dict:
        cycle = app.deploy(
            who,
            year=body.year,
            scope=body.scope,
            issuer_org_id=body.issuer_org_id,
            schemes=body.schemes,
            ratio=body.ratio.model_dump(),
        )
        return cycle_view(cycle)

    @router.get("/cycles/{cycle_id}", summary="one cycle: schemes, ratio rules and its G5 tally")
    def get_cycle(cycle_id: UUID, who: Caller) -> dict:
        cycle = app.cycle(cycle_id)
        app.require_sees_cycle(who, cycle)
        return cycle_view(cycle) | {"overrides": app.overrides_seen_by(who, cycle)}

    @router.post("/cycles/{cycle_id}/overrides", status_code=201, summary="G5 例外批准 by the issuing authority")
    def override(cycle_id: UUID, body: Override, who: Caller) -> dict:
        return cycle_view(app.record_override(who, cycle_id, body.org_id, body.grade, body.reason))

    base = "/cycles/{cycle_id}/orgs/{org_id}"

    @router.get(base, summary="one org's grading in a cycle (write model: read-your-writes)")
    def get_grading(cycle_id: UUID, org_id: str, who: Caller) -> dict:
        return grading_view(app.visible_grading(who, cycle_id, org_id))

    @router.post(
        f"{base}/self-assessment", summary="自评 by the org's secretary, points per sub-item with evidence (G3)"
    )
    def self_assess(cycle_id: UUID, org_id: str, body: SelfAssessment, who: Caller) -> dict:
        return grading_view(app.self_assess(who, cycle_id, org_id, body.items, body.evidence))

    @router.post(f"{base}/superior-assessment", summary="上级评定 by the leading superior (G3, H3)")
    def superior_assess(cycle_id: UUID, org_id: str, body: SuperiorAssessment, who: Caller) -> dict:
        return grading_view(app.superior_assess(who, cycle_id, org_id, body.items, body.comment))

    @router.post(f"{base}/determination", summary="定级确定 by the leading superior (G4, G5, H3)")
    def determine(cycle_id: UUID, org_id: str, body: Determination, who: Caller) -> dict:
        return grading_view(app.determine(who, cycle_id, org_id, body.grade, body.reason))

    @router.post(f"{base}/rectification", summary="整改方案 by grade: 巩固/推动/整顿 (G6)")
    def plan(cycle_id: UUID, org_id: str, body: Plan, who: Caller) -> dict:
        return grading_view(app.plan_rectification(who, cycle_id, org_id, body.problems, body.measures, body.due))

    @router.post(f"{base}/rectification/progress", summary="整改进展 (G6)")
    def progress(cycle_id: UUID, org_id: str, body: Progress, who: Caller) -> dict:
        return grading_view(app.report_progress(who, cycle_id, org_id, body.text, body.evidence, body.done))

    @router.post(f"{base}/acceptance", summary="考核验收 of last year's rectification, in this cycle (G8)")
    def accept(cycle_id: UUID, org_id: str, body: Acceptance, who: Caller) -> dict:
        return grading_view(app.accept(who, cycle_id, org_id, body.passed, body.comment))

    # reports (H4: any scope within the caller's) ---------------------------------------------------------
    def scoped(who, scope: str):
        parsed = parse_scope(scope)
        require_scope(who, parsed)
        return parsed

    @router.get("/reports/distribution", summary="等次分布 of a scope and year (G5)")
    def distribution(who: Caller, scope: ScopeQuery, year: YearQuery) -> dict:
        return reports.distribution(rt.db, scoped(who, scope), year)

    @router.get("/reports/movements", summary="晋位升级 movements against the year before (G7)")
    def movements(who: Caller, scope: ScopeQuery, year: YearQuery) -> dict:
        return reports.movements(rt.db, scoped(who, scope), year)

    @router.get("/reports/ungraded", summary="base orgs in scope not yet graded this year")
    def ungraded(who: Caller, scope: ScopeQuery, year: YearQuery) -> dict:
        rows = app.ungraded(scoped(who, scope), year)
        return {"scope": scope, "year": year, "total": len(rows), "items": rows}

    @router.get("/reports/rectification-overdue", summary="整改逾期: plans past due, unfinished, unaccepted (G6)")
    def overdue(who: Caller, scope: ScopeQuery, today: dt.date | None = None) -> dict:
        on = (today or app.today()).isoformat()
        rows = reports.rectification_overdue(rt.db, scoped(who, scope), on)
        return {"scope": scope, "today": on, "total": len(rows), "items": rows}

    @router.get("/schemes/{scheme_hash}", summary="an indicator scheme by its content hash (G2: replays use it)")
    def scheme(scheme_hash: Annotated[str, Path(max_length=64)], who: Caller) -> dict:
        require_reader(who)  # an indicator scheme is policy, for every user (G2)
        found = reports.scheme(rt.db, scheme_hash)
        if found is None:
            raise NotFound(
                f"no scheme {scheme_hash}",
                slug="scheme-not-found",
                title_zh=f"指标体系 {scheme_hash} 不存在，请核对其内容哈希（见定级周期的 schemes）",
                title_en=f"No scheme {scheme_hash}; check its content hash (in the cycle's schemes)",
            )
        return found

    return router
