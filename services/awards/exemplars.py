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
from shared.errors import Invalid, invalid

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
                "先进典型只能从已受表彰且未撤销的对象中选树，该对象尚未受表彰或已被撤销 (A7)",
                "Exemplars are selected from the honoured only; this nominee is not (or no longer) honoured (A7)",
                state=honour.state,
            )
        if not citation:
            raise invalid("exemplar-citation", "选树先进典型须写明推荐理由（citation）", "An exemplar has a citation")
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
            raise refuse(
                "exemplar-withdrawn",
                "该先进典型已随表彰撤销而撤销，不能再宣传或学习",
                "This exemplar was withdrawn with its honour: no more promotion or study",
            )

    def promote(self, kind: str, headline: str, on: dt.date, by: str, org: dict, trace: dict) -> None:
        """宣传 (A7): a report, a tour or a media item, dated."""
        self.expect_active()
        if kind not in PROMOTIONS:
            raise invalid(
                "promotion-kind",
                f"宣传形式无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in PROMOTIONS.items())} 之一",
                f"Unknown promotion kind; choose one of {', '.join(PROMOTIONS)} (A7)",
            )
        if not headline:
            raise invalid("promotion-headline", "宣传条目须有标题（headline）", "A promotion item has a headline")
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
            raise unknown_learner()
        if form not in STUDY_FORMS:
            raise invalid(
                "study-form",
                f"学习形式无效，请选择 {'、'.join(STUDY_FORMS)} 之一",
                f"Unknown form; choose one of {', '.join(STUDY_FORMS)} (A7)",
            )
        if on > today:
            raise invalid(
                "study-date",
                f"学习日期 {on} 晚于今天，请在学习之后再登记",
                f"The study date {on} is in the future; record a study after it happened",
            )
        if learner_type == exemplar.nominee_type and learner_id == exemplar.nominee_id:
            raise invalid("study-self", "先进典型本身无需登记向自己学习", "An exemplar does not learn from itself")
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


def unknown_learner() -> Invalid:
    return invalid(
        "learner-type",
        f"学习者类型无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in LEARNERS.items())} 之一",
        f"Unknown learner_type; choose one of {', '.join(LEARNERS)}",
    )
