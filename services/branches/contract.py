"""Branch life's integration events (``cxzy.branches.<event>.…``, stream CXZY_BRANCHES), version 1.

An institution's drafts, the members' discussion and the masses' opinions stay in the write model; what is
published is what the branch adopted and made public (制度建立 / 制度修订), and the superiors' inspections and
assessments. Summaries are published without their text (a member's summary is personal); grading reads
``institution_published`` for G10."""

from shared.contract import BOOL, INT, STR, STRS, Contract, EventType, obj, without

from .domain import AUTHOR_KINDS, CHANNELS, Institution, Summary, SummaryCall

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
