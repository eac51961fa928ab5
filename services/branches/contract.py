"""Branch life's integration events (``cxzy.branches.<event>.…``, stream CXZY_BRANCHES), version 1.

An institution's drafts, the members' discussion and the masses' opinions stay in the write model; what is
published is what the branch adopted and made public (制度建立 / 制度修订), and the superiors' inspections and
assessments. Summaries are published without their text (a member's summary is personal); grading reads
``institution_published`` for G10. Of the 专题组织生活会 the steps, who attended, who was commented on and each
member's measures are published; self-criticisms, comments and the opinions fed back stay in the write model."""

from typing import Any

from shared.contract import BOOL, INT, STR, STRS, Contract, EventType, event_fields, obj, without

from .debrief import LEVELS, Debrief
from .domain import AUTHOR_KINDS, CHANNELS, Institution, Summary, SummaryCall
from .meeting import STEPS, Meeting


def debriefed_data(event: Any) -> dict:
    """A 述职 without its text (the report stays in the service; superiors read it there), with its length."""
    data = event_fields(event)
    data["length"] = len(data.pop("text"))
    return data


def held_data(event: Any) -> dict:
    """Who attended and which leading cadres were excused — not their reasons (personal)."""
    data = event_fields(event)
    data["excused"] = sorted(data["excused"])
    return data


DATE = {"type": "string", "format": "date"}
BODY: dict[str, dict] = {"title": STR, "focus": STRS, "goal": STR, "content": STR, "measures": STRS}

CONTRACT = Contract(
    "branches",
    [
        EventType(
            "institution_adopted",
            Institution.Adopted,
            obj({"version": INT, "meeting_on": DATE, "attending": INT, "members": INT, "by": STR}),
            "制度通过",
        ),
        EventType(
            "institution_published",
            Institution.Published,
            obj(
                {
                    "number": INT,
                    "version": {"type": "integer", "minimum": 1},
                    **BODY,
                    "channel": {"enum": list(CHANNELS)},
                    "adopted_on": DATE,
                    "published_on": DATE,
                    "discussed_by": INT,
                    "opinions_answered": INT,
                }
            ),
            "制度建立（修订）",
        ),
        EventType(
            "institution_inspected",
            Institution.Inspected,
            obj({"org_id": STR, "note": STR, "by": STR, "on": DATE}),
            "督查指导",
        ),
        EventType(
            "institution_evaluation_linked",
            Institution.EvaluationLinked,
            obj({"round_id": STR, "by": STR}),
            "制度群众评议",
        ),
        EventType(
            "institution_assessed",
            Institution.Assessed,
            obj({"org_id": STR, "period": STR, "grade": STR, "note": STR, "by": STR}),
            "制度实施考核",
        ),
        EventType(
            "summary_call_issued",
            SummaryCall.Issued,
            obj({"scope": STR, "year": INT, "deadline": DATE, "min_length": INT, "issuer_org_id": STR, "by": STR}),
            "活动总结部署",
        ),
        EventType(
            "summary_submitted",
            Summary.Submitted,
            obj(
                {
                    "call_id": STR,
                    "year": INT,
                    "author_kind": {"enum": list(AUTHOR_KINDS)},
                    "author_id": STR,
                    "org_id": STR,
                    "length": INT,
                    "on_time": BOOL,
                    "by": STR,
                }
            ),
            "活动总结提交",
            to_data=without("text"),
        ),
        EventType(
            "meeting_step_recorded",
            Meeting.StepRecorded,
            obj({"step": {"enum": list(STEPS)}, "on": DATE, "note": STR}),
            "组织生活会会前准备",
        ),
        EventType(
            "meeting_opinions_fed_back",
            Meeting.OpinionsFedBack,
            obj({"member_id": STR}),
            "评议意见反馈本人",
            to_data=without("opinions"),
        ),
        EventType(
            "meeting_held",
            Meeting.Held,
            obj({"year": INT, "held_on": DATE, "attending": STRS, "leading_cadres": STRS, "excused": STRS}),
            "专题组织生活会召开",
            to_data=held_data,
        ),
        EventType(
            "member_commented", Meeting.Commented, obj({"member_id": STR}), "书记点评", to_data=without("comment")
        ),
        EventType("measures_set", Meeting.MeasuresSet, obj({"member_id": STR, "measures": STRS}), "党员整改措施"),
        EventType(
            "meeting_concluded",
            Meeting.Concluded,
            obj({"year": INT, "attending": INT, "measures": INT}),
            "专题组织生活会结束",
        ),
        EventType(
            "debriefed",
            Debrief.Reported,
            obj(
                {
                    "org_id": STR,
                    "year": INT,
                    "level": {"enum": list(LEVELS)},
                    "grading": obj(
                        {"year": INT, "graded": INT, "grades": {"type": "object", "additionalProperties": INT}}
                    ),
                    "by": STR,
                    "length": INT,
                }
            ),
            "述职",
            to_data=debriefed_data,
        ),
        EventType("debrief_evaluation_linked", Debrief.EvaluationLinked, obj({"round_id": STR, "by": STR}), "述职评议"),
        EventType("summary_returned", Summary.Returned, obj({"reason": STR, "by": STR}), "活动总结退回"),
        EventType(
            "summary_resubmitted",
            Summary.Resubmitted,
            obj({"length": INT, "on_time": BOOL, "by": STR}),
            "活动总结重新提交",
            to_data=without("text"),
        ),
    ],
)
