"""Pledges' integration events (``cxzy.pledges.<event>.…``, stream CXZY_PLEDGES), version 1.

Member ids, not names, identify pledgers: personal data stays out of the bus."""

from shared.contract import BOOL, INT, NULLSTR, STR, STRS, Contract, EventType, obj

from .domain import CHANNELS, FIVE_LEADS, KINDS, PLEDGER_KINDS, OrgPledgeBook, Pledge

ITEM = obj({"text": STR, "tags": {"type": "array", "items": {"enum": list(FIVE_LEADS)}, "minItems": 1}})

CONTRACT = Contract(
    "pledges",
    [
        EventType(
            "proposed",
            Pledge.Proposed,
            obj(
                {
                    "pledger_kind": {"enum": list(PLEDGER_KINDS)},
                    "member_ids": STRS,
                    "kind": {"enum": list(KINDS)},
                    "year": INT,
                    "items": {"type": "array", "items": ITEM, "minItems": 1},
                    "due": STR,
                    "trigger": NULLSTR,
                    "masses": NULLSTR,
                    "post": NULLSTR,
                    "host_org": NULLSTR,
                    "leading": BOOL,
                    "exempt_members": STRS,
                    "supports": NULLSTR,
                }
            ),
            "承诺提出",
        ),
        EventType("returned", Pledge.Returned, obj({"reasons": STR}), "承诺退回修改"),
        EventType("revised", Pledge.Revised, obj({"items": {"type": "array", "items": ITEM}, "due": STR}), "承诺修改"),
        EventType("approved", Pledge.Approved, obj({"reviewer": STR}), "承诺审核通过"),
        EventType("publicised", Pledge.Publicised, obj({"channel": {"enum": list(CHANNELS)}}), "承诺公开"),
        EventType("progress_reported", Pledge.ProgressReported, obj({"text": STR, "evidence": STRS}), "践诺进展"),
        EventType("reminded", Pledge.Reminded, obj({"on": STR, "days_overdue": INT}), "承诺督促"),
        EventType("completed", Pledge.Completed, obj({"summary": STR}), "承诺践诺完成"),
        EventType("unfulfilled", Pledge.MarkedUnfulfilled, obj({"reason": STR}), "承诺未兑现"),
        EventType(
            "post_assigned", OrgPledgeBook.PostAssigned, obj({"member_id": STR, "post": STR, "duties": STR}), "设岗定责"
        ),
    ],
)
