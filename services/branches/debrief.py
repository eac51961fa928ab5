"""述职评议 — 三级联评联述联考 (DOMAIN.md B6, G9): secretaries at county, township and village level report on
their party-building work 述职, with the grading results of the orgs they lead attached, and are evaluated by an
evaluation round (E6) that their superior opens in the evaluations service and links here. No I/O."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import broken_rule, invalid

NS = uuid.UUID("4c2e8a1b-6d3f-4a5e-9b7c-1d2e3f4a5b6c")
LEVELS = {"county": "县级党委书记", "township": "乡镇（街道）党委书记", "village": "村（社区）党组织书记"}


def debrief_id(org_id: str, year: int) -> uuid.UUID:
    return uuid.uuid5(NS, f"debrief:{org_id}:{year}")


def level_of(org_type: str, local_path: str) -> str:
    """B6's three levels, from where the org stands: a 党委 at county depth, a 党委 at township depth, a branch."""
    depth = len([p for p in local_path.split("/") if p])
    if org_type == "党委" and depth == 3:
        return "county"
    if org_type == "党委" and depth == 4:
        return "township"
    return "village"


class Debrief(Aggregate):
    class Reported(Aggregate.Created, Stamped):
        org_id: str
        year: int
        level: str
        text: str
        grading: dict  # the grades of the orgs it leads that year (G9), as the grading stream told this service
        by: str

    class EvaluationLinked(Stamped):
        round_id: str
        by: str

        def apply(self, d: Debrief) -> None:
            d.round_id = self.round_id

    def __init__(self, org_id: str, year: int, level: str, text: str, grading: dict, **_: Any):
        self.org_id, self.year, self.level, self.text, self.grading = org_id, year, level, text, grading
        self.round_id: str | None = None

    @classmethod
    def report(
        cls, *, org_id: str, year: int, level: str, text: str, grading: dict, by: str, org: dict, trace: dict
    ) -> Debrief:
        if len(text.strip()) < 100:
            raise invalid("debrief-text", "述职报告不少于 100 字", "A 述职 report has at least 100 characters")
        return cls._create(
            cls.Reported,
            id=debrief_id(org_id, year),
            org_id=org_id,
            year=year,
            level=level,
            text=text.strip(),
            grading=grading,
            by=by,
            org=org,
            trace=trace,
        )

    def link_evaluation(self, round_id: str, by: str, org: dict, trace: dict) -> None:
        if self.round_id is not None:
            raise broken_rule(
                "debrief-linked", "该述职已关联评议，不能重复关联", "This 述职 is linked to its evaluation already"
            )
        self.trigger_event(self.EvaluationLinked, round_id=round_id, by=by, org=org, trace=trace)
