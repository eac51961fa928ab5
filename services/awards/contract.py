"""Awards' integration events (``cxzy.awards.<event>.…``, stream CXZY_AWARDS), version 1.

Each event's subject carries the org it is about: the opening org for campaign events, the nominee's
org for nomination events (so both hierarchies see honours in their subtrees, H4), the learner's org for
学先进. Personal data stays out: members are ids, the nominee's deeds 事迹 and objectors' words stay in the
write model (the deeds are shown on the 公示 page), and the facts behind eligibility are not repeated.
"""

from typing import Any

from shared.contract import BOOL, INT, STR, STRS, Contract, EventType, obj, without

from .campaign import Campaign
from .domain import KINDS, SUBJECTS
from .exemplars import LEARNERS, PROMOTIONS, STUDY_FORMS, Exemplar, Study
from .nomination import Nomination

SUBJECT = {"enum": list(SUBJECTS)}
TITLE = obj({"name": STR, "subject": SUBJECT, "quota": {"type": "integer", "minimum": 1}})
OVERRIDE = {"type": ["object", "null"], "properties": {"reason": STR, "by": STR}, "required": ["reason", "by"]}
ELIGIBILITY = obj({"eligible": BOOL, "reasons": STRS, "override": OVERRIDE})


def nominated_data(event: Any) -> dict:
    data = without("deeds")(event)
    data["eligibility"] = {k: data["eligibility"].get(k) for k in ("eligible", "reasons", "override")}
    return data


CONTRACT = Contract(
    "awards",
    [
        EventType(
            "campaign_opened",
            Campaign.Opened,
            obj(
                {
                    "name": STR,
                    "kind": {"enum": list(KINDS)},
                    "year": INT,
                    "scope": STR,
                    "opener_org_id": STR,
                    "titles": {"type": "array", "items": TITLE, "minItems": 1},
                    "nomination_until": STR,
                    "publicity_from": STR,
                    "publicity_until": STR,
                    "grant_on": STR,
                    "opened_by": STR,
                }
            ),
            "表彰活动发起",
        ),
        EventType(
            "eligibility_overridden",
            Campaign.OverrideRecorded,
            obj({"title": STR, "nominee_type": SUBJECT, "nominee_id": STR, "reason": STR, "by": STR}),
            "推荐资格特批",
        ),
        EventType(
            "campaign_granted", Campaign.Granted, obj({"on": STR, "by": STR, "granted": STRS}), "表彰活动授予完成"
        ),
        EventType(
            "nominated",
            Nomination.Nominated,
            obj(
                {
                    "campaign_id": STR,
                    "title": STR,
                    "nominee_type": SUBJECT,
                    "nominee_id": STR,
                    "year": INT,
                    "levels": {"type": "array", "items": STR, "minItems": 1},
                    "nominated_by": STR,
                    "eligibility": ELIGIBILITY,
                }
            ),
            "推荐申报",
            to_data=nominated_data,
        ),
        EventType(
            "recommended",
            Nomination.Passed,
            obj({"level": STR, "by": STR, "comment": STR, "next_level": STR}),
            "逐级推荐上报",
        ),
        EventType("held", Nomination.Held, obj({"level": STR, "by": STR, "reason": STR}), "暂缓推荐"),
        EventType("rejected", Nomination.Rejected, obj({"level": STR, "by": STR, "reason": STR}), "不予推荐"),
        EventType(
            "shortlisted",
            Nomination.Shortlisted,
            obj({"level": STR, "by": STR, "comment": STR, "quota": obj({"quota": INT, "used": INT})}),
            "确定拟表彰对象",
        ),
        EventType(
            "objection_raised",
            Nomination.ObjectionRaised,
            obj({"objection_id": STR}),
            "公示异议",
            to_data=without("text"),
        ),
        EventType(
            "objection_resolved",
            Nomination.ObjectionResolved,
            obj({"objection_id": STR, "upheld": BOOL, "reason": STR, "by": STR}),
            "公示异议处理",
        ),
        EventType("withdrawn", Nomination.Withdrawn, obj({"objection_id": STR, "reason": STR}), "异议成立撤回"),
        EventType(
            "granted",
            Nomination.Granted,
            obj(
                {
                    "campaign_id": STR,
                    "campaign_name": STR,
                    "title": STR,
                    "nominee_type": SUBJECT,
                    "nominee_id": STR,
                    "year": INT,
                    "on": STR,
                    "by": STR,
                }
            ),
            "表彰授予",
        ),
        EventType("revoked", Nomination.Revoked, obj({"reason": STR, "by": STR, "on": STR}), "撤销表彰"),
        EventType(
            "exemplar_selected",
            Exemplar.Selected,
            obj(
                {
                    "nomination_id": STR,
                    "campaign_id": STR,
                    "title": STR,
                    "nominee_type": SUBJECT,
                    "nominee_id": STR,
                    "year": INT,
                    "citation": STR,
                    "by": STR,
                }
            ),
            "选树先进典型",
        ),
        EventType(
            "exemplar_promoted",
            Exemplar.Promoted,
            obj({"kind": {"enum": list(PROMOTIONS)}, "headline": STR, "on": STR, "by": STR}),
            "宣传先进典型",
        ),
        EventType("exemplar_withdrawn", Exemplar.Withdrawn, obj({"reason": STR}), "先进典型撤销"),
        EventType(
            "studied",
            Study.Recorded,
            obj(
                {
                    "exemplar_id": STR,
                    "learner_type": {"enum": list(LEARNERS)},
                    "learner_id": STR,
                    "form": {"enum": list(STUDY_FORMS)},
                    "on": STR,
                    "by": STR,
                }
            ),
            "学习先进",
        ),
    ],
)
