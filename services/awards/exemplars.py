"""先进典型 Exemplar and 学先进 Study aggregates (DOMAIN.md A7). No I/O.

An exemplar is selected 选树 from the honoured (a granted, unrevoked nomination), promoted 宣传 through
reports, tours and media, and others record that they learnt from it 学先进. A study is its own small
aggregate, stamped with the *learner's* org, so that a scope's report of who learnt from whom follows
the learners' subtrees (H4) and a popular exemplar never becomes a hot aggregate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import Invalid

from .domain import NAMESPACE, refuse

PROMOTIONS = {"report": "事迹报告会", "tour": "巡回宣讲", "media": "媒体宣传"}
STUDY_FORMS = {
    "专题学习": "topic study",
    "座谈交流": "discussion",
    "参观学习": "visit",
    "观看宣讲": "attended a talk",
    "对标实践": "benchmarked practice",
}
LEARNERS = {"org": "党组织", "member": "党员"}


def exemplar_id(nomination_id: uuid.UUID | str) -> uuid.UUID:
    """One exemplar per honour: selecting the same honour twice is refused by the store."""
    return uuid.uuid5(NAMESPACE, f"exemplar|{nomination_id}")


class Exemplar(Aggregate):
    class Selected(Aggregate.Created, Stamped):
        nomination_id: str
        campaign_id: str
        title: str
        nominee_type: str
        nominee_id: str
        year: int
        citation: str
        by: str

    class Promoted(Stamped):
        kind: str
        headline: str
        on: str
        by: str

        def apply(self, e: Exemplar) -> None:
            e.promotions += 1

    class Withdrawn(Stamped):
        reason: str

        def apply(self, e: Exemplar) -> None:
            e.active = False

    def __init__(
        self,
        *,
        nomination_id: str,
        title: str,
        nominee_type: str,
        nominee_id: str,
        year: int,
        citation: str,
        org: dict,
        **_: Any,
    ):
        self.nomination_id = nomination_id
        self.title = title
        self.nominee_type = nominee_type
        self.nominee_id = nominee_id
        self.org_id = org["id"]
        self.year = year
        self.citation = citation
        self.promotions = 0
        self.active = True

    @classmethod
    def select(cls, *, honour: Any, citation: str, by: str, org: dict, trace: dict) -> Exemplar:
        """选树: only from the honoured (A7 ← A6)."""
        if honour.state != "granted":
            raise refuse(
                "not-honoured",
                "先进典型只能从已受表彰且未撤销的对象中选树 (A7)",
                "Exemplars are selected from the honoured only (A7)",
                state=honour.state,
            )
        if not citation:
            raise Invalid("an exemplar has a citation 推荐理由", slug="exemplar-citation")
        return cls._create(
            cls.Selected,
            id=exemplar_id(honour.id),
            org=org,
            trace=trace,
            nomination_id=str(honour.id),
            campaign_id=honour.campaign_id,
            title=honour.title,
            nominee_type=honour.nominee_type,
            nominee_id=honour.nominee_id,
            year=honour.year,
            citation=citation,
            by=by,
        )

    def expect_active(self) -> None:
        if not self.active:
            raise refuse("exemplar-withdrawn", "该先进典型已撤销", "This exemplar was withdrawn")

    def promote(self, kind: str, headline: str, on: dt.date, by: str, org: dict, trace: dict) -> None:
        """宣传 (A7): a report, a tour or a media item, dated."""
        self.expect_active()
        if kind not in PROMOTIONS:
            raise Invalid(f"promotion kind must be one of {list(PROMOTIONS)} (A7)", slug="promotion-kind")
        if not headline:
            raise Invalid("a promotion item has a headline", slug="promotion-headline")
        self.trigger_event(self.Promoted, kind=kind, headline=headline, on=on.isoformat(), by=by, org=org, trace=trace)

    def withdraw(self, reason: str, org: dict, trace: dict) -> None:
        """The honour was revoked (A6): the exemplar goes with it."""
        if self.active:
            self.trigger_event(self.Withdrawn, reason=reason, org=org, trace=trace)


class Study(Aggregate):
    """学先进: org or member X learnt from exemplar Y."""

    class Recorded(Aggregate.Created, Stamped):
        exemplar_id: str
        learner_type: str
        learner_id: str
        form: str
        on: str
        by: str

    def __init__(self, *, exemplar_id: str, learner_type: str, learner_id: str, **_: Any):
        self.exemplar_id = exemplar_id
        self.learner_type = learner_type
        self.learner_id = learner_id

    @classmethod
    def record(
        cls,
        *,
        exemplar: Exemplar,
        learner_type: str,
        learner_id: str,
        form: str,
        on: dt.date,
        today: dt.date,
        by: str,
        org: dict,
        trace: dict,
    ) -> Study:
        exemplar.expect_active()
        if learner_type not in LEARNERS:
            raise Invalid(f"learner_type must be one of {list(LEARNERS)}", slug="learner-type")
        if form not in STUDY_FORMS:
            raise Invalid(f"form must be one of {', '.join(STUDY_FORMS)} (A7)", slug="study-form")
        if on > today:
            raise Invalid("a study is recorded after it happened", slug="study-date")
        if learner_type == exemplar.nominee_type and learner_id == exemplar.nominee_id:
            raise Invalid("an exemplar does not learn from itself", slug="study-self")
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            org=org,
            trace=trace,
            exemplar_id=str(exemplar.id),
            learner_type=learner_type,
            learner_id=learner_id,
            form=form,
            on=on.isoformat(),
            by=by,
        )
