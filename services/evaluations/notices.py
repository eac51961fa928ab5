"""Which evaluation events notify whom 消息 (issue 13): a round opened goes to everyone who may rate in it
(E4, P7: the subject for 自评, the org's other members for 互评, the secretary for 点评 — so for 民主评议党员,
E7, every member of the org); a result goes back to the member(s) evaluated, or the org's secretary (E6)."""

from __future__ import annotations

import json

from shared.envelope import Envelope
from shared.errors import without_rule_codes
from shared.notices import Facts, Notice, NoticeRules, member, org

from .domain import PURPOSES


def purpose(env: Envelope) -> str:
    return without_rule_codes(PURPOSES.get(env.data["purpose"], "评议"))


def members_evaluated(env: Envelope, facts: Facts) -> list[str]:
    """The evaluated member, or a pledge's pledgers (from the pledges this service projects)."""
    kind, subject_id = env.data["subject_type"], env.data["subject_id"]
    if kind == "member":
        return [subject_id]
    if kind == "pledge":
        row = facts.tx.execute("SELECT member_ids FROM ev_pledges WHERE pledge_id = ?", [subject_id]).one()
        return json.loads(row["member_ids"]) if row else []
    return []


def opened(env: Envelope, facts: Facts) -> list[Notice]:
    modes, what, until = env.data["modes"], purpose(env), env.data["end"]
    subjects = members_evaluated(env, facts)
    about = subjects[0] if subjects else None
    notices: list[Notice] = []
    if "self" in modes:
        notices += [Notice(member(m), f"{what}已开始，请在 {until} 前完成个人自评", "/ws/ratings", m) for m in subjects]
    if "peer" in modes:
        notices += [
            Notice(member(m), f"{what}已开始，请在 {until} 前参加党员互评", "/ws/ratings", about)
            for m in facts.members_of(env.orgid)
            if m not in subjects
        ]
    if "leader" in modes or ("self" in modes and not subjects):
        notices.append(Notice(org(env.orgid), f"{what}已开始，请在 {until} 前作出点评或自评", "/ws/rounds", about))
    return notices


def completed(env: Envelope, facts: Facts) -> list[Notice]:
    d = env.data
    text = f"{purpose(env)}结果已反馈：{d['grade']}（{d['score']:.1f} 分），请到“我的结果”查看"
    subjects = members_evaluated(env, facts)
    if subjects:
        return [Notice(member(m), text, "/ws/results", m) for m in subjects]
    return [Notice(org(d["subject_id"] if d["subject_type"] == "org" else env.orgid), text, "/ws/rounds")]


def rules() -> NoticeRules:
    return NoticeRules(notify={"opened": opened, "completed": completed})
