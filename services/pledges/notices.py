"""Which pledge events notify whom 消息 (issue 13): 督促 (P4), a return for revision and an approval (P2) go
to the pledgers — the members a pledge names, or the org's secretary for an org pledge (P1)."""

from __future__ import annotations

from shared.envelope import Envelope
from shared.notices import Facts, Notice, NoticeRules, member, org


def pledgers(env: Envelope) -> list[str]:
    """``proposed``: who the pledge's later notices go to."""
    return [member(m) for m in env.data["member_ids"]] or [org(env.orgid)]


def to_pledgers(env: Envelope, facts: Facts, text: str) -> list[Notice]:
    return [
        Notice(to, text, "/ws/pledges" if to.startswith("member:") else "/ws/ledger")
        for to in facts.parties(env.subject)
    ]


def reminded(env: Envelope, facts: Facts) -> list[Notice]:
    days = env.data["days_overdue"]
    return to_pledgers(env, facts, f"督促：您的承诺已超过践诺期限 {days} 天，请尽快报告践诺进展或办理完成")


def returned(env: Envelope, facts: Facts) -> list[Notice]:
    reasons = env.data["reasons"]
    return to_pledgers(env, facts, f"您的承诺被退回修改，退回意见：{reasons}。请按意见修改后重新提交")


def approved(env: Envelope, facts: Facts) -> list[Notice]:
    return to_pledgers(env, facts, "您的承诺已审核通过，请按期践诺并及时报告进展")


def rules() -> NoticeRules:
    return NoticeRules(
        notify={"reminded": reminded, "returned": returned, "approved": approved},
        parties={"proposed": pledgers},
    )
