"""Pledge 承诺 and OrgPledgeBook 组织承诺簿 aggregates (DOMAIN.md P1–P12). No I/O.

Lifecycle (P4, seed 004 提诺、审诺、履诺、督诺、评诺):

    proposed ──approve──▶ approved ──publicise──▶ publicised ──complete──▶ completed
       │  ▲                                        │  ▲   │
    return revise                      report_progress  remind (督促)   └─mark_unfulfilled─▶ unfulfilled
       ▼  │
    returned

Every public method checks the rule first and raises :class:`Refused` (recording nothing) when the
transition is illegal (P5).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import Invalid, broken_rule, invalid

PLEDGER_KINDS = {
    "individual": "个人承诺",
    "collective": "集体承诺",
    "with_masses": "带领群众共同承诺",
    "org": "党组织承诺",
}
PLEDGERS_NEEDED = {  # P1: how many members each kind of pledge names
    "individual": (1, 1, "个人承诺须且只须写明 1 名承诺党员", "an individual pledge names exactly one member"),
    "collective": (2, 500, "集体承诺须写明至少 2 名承诺党员", "a collective pledge names at least two members"),
    "with_masses": (
        1,
        500,
        "带领群众共同承诺须写明至少 1 名带头党员",
        "a pledge with the masses names at least one member",
    ),
    "org": (0, 0, "党组织承诺以组织名义作出，不应列出党员", "an org pledge is made by the org and names no members"),
}


def check_pledgers(pledger_kind: str, member_ids: list[str], masses: str | None) -> None:
    """P1: who pledges — checked before anything is looked up."""
    if pledger_kind not in PLEDGER_KINDS:
        raise invalid(
            "pledger-kind",
            f"承诺主体类型须为 {'、'.join(PLEDGER_KINDS)} 之一",
            f"pledger kind must be one of {list(PLEDGER_KINDS)} (P1)",
        )
    low, high, zh, en = PLEDGERS_NEEDED[pledger_kind]
    if not low <= len(member_ids) <= high:
        raise invalid("pledge-members", f"{zh}（现有 {len(member_ids)} 名）", f"{en} (got {len(member_ids)}) (P1)")
    if pledger_kind == "with_masses" and not masses:
        raise invalid(
            "pledge-masses", "带领群众共同承诺须写明参与的群众（masses 字段）", "say which masses join (masses) (P1)"
        )


KINDS = {"annual": "年度承诺", "adhoc": "即时承诺", "longterm": "长远承诺"}
FIVE_LEADS = ("带头学习提高", "带头争创佳绩", "带头服务群众", "带头遵纪守法", "带头弘扬正气")  # P3 五带头
CHANNELS = ("党小组会", "支部党员大会", "公示栏", "电子显示屏", "网络平台")  # P4 公开 channels
STATES = {
    "proposed": "已提出",
    "returned": "退回修改",
    "approved": "已审核(入台账)",
    "publicised": "已公开",
    "completed": "已践诺",
    "unfulfilled": "未兑现",
}
OPEN_STATES = ("approved", "publicised")
MAX_ITEMS = 20


refuse = broken_rule


def check_items(items: list[dict]) -> list[dict]:
    """P3: 1–20 items, each with text and at least one of the 五带头 tags."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise Invalid(f"a pledge has 1–{MAX_ITEMS} items", slug="pledge-items")
    clean = []
    for item in items:
        text = str(item.get("text", "")).strip()
        tags = list(dict.fromkeys(item.get("tags") or []))
        if not text:
            raise Invalid("every item needs its text", slug="pledge-items")
        if not tags or any(t not in FIVE_LEADS for t in tags):
            raise Invalid(
                f"every item is tagged with one or more of the 五带头: {', '.join(FIVE_LEADS)} (P3)", slug="pledge-tags"
            )
        clean.append({"text": text, "tags": tags})
    return clean


class Pledge(Aggregate):
    class Proposed(Aggregate.Created, Stamped):
        pledger_kind: str
        member_ids: list
        kind: str
        year: int
        items: list
        due: str
        trigger: str | None
        masses: str | None
        post: str | None
        host_org: str | None
        leading: bool
        exempt_members: list
        supports: str | None

    class Returned(Stamped):
        reasons: str

        def apply(self, p: Pledge) -> None:
            p.state, p.return_reasons = "returned", self.reasons

    class Revised(Stamped):
        items: list
        due: str

        def apply(self, p: Pledge) -> None:
            p.state, p.items, p.due = "proposed", self.items, self.due

    class Approved(Stamped):
        reviewer: str

        def apply(self, p: Pledge) -> None:
            p.state = "approved"

    class Publicised(Stamped):
        channel: str

        def apply(self, p: Pledge) -> None:
            p.state, p.channel = "publicised", self.channel

    class ProgressReported(Stamped):
        text: str
        evidence: list

        def apply(self, p: Pledge) -> None:
            p.progress_count += 1

    class Reminded(Stamped):
        on: str
        days_overdue: int

        def apply(self, p: Pledge) -> None:
            p.last_reminded = self.on

    class Completed(Stamped):
        summary: str

        def apply(self, p: Pledge) -> None:
            p.state = "completed"

    class MarkedUnfulfilled(Stamped):
        reason: str

        def apply(self, p: Pledge) -> None:
            p.state = "unfulfilled"

    def __init__(
        self,
        *,
        org: dict,
        pledger_kind: str,
        member_ids: list,
        kind: str,
        year: int,
        items: list,
        due: str,
        trigger: str | None,
        masses: str | None,
        post: str | None,
        host_org: str | None,
        leading: bool,
        exempt_members: list,
        supports: str | None,
        **_: Any,
    ):
        self.org_id = org["id"]
        self.pledger_kind = pledger_kind
        self.member_ids = member_ids
        self.kind = kind
        self.year = year
        self.items = items
        self.due = due
        self.host_org = host_org
        self.state = "proposed"
        self.channel: str | None = None
        self.return_reasons: str | None = None
        self.progress_count = 0
        self.last_reminded: str | None = None

    # 提诺 ------------------------------------------------------------------------------------
    @classmethod
    def propose(
        cls,
        *,
        org: dict,
        trace: dict,
        pledger_kind: str,
        member_ids: list[str],
        kind: str,
        year: int,
        items: list[dict],
        due: dt.date | None,
        trigger: str | None,
        masses: str | None,
        post: str | None,
        host_org: str | None,
        leading: bool,
        exempt_members: list[str],
        supports: str | None,
        today: dt.date,
        pledge_id: uuid.UUID | None = None,
    ) -> Pledge:
        check_pledgers(pledger_kind, member_ids, masses)
        if kind not in KINDS:
            raise Invalid(f"kind must be one of {list(KINDS)} (P2)", slug="pledge-kind")
        if kind == "adhoc" and not trigger:
            raise Invalid(
                "即时承诺 carries its trigger: the phase's key work, task or emergency (P2)", slug="pledge-trigger"
            )
        if kind == "annual":
            due = due or dt.date(year, 12, 31)
            if due.year != year:
                raise Invalid("an annual pledge is due within its year (P2)", slug="pledge-due")
        if due is None:
            raise Invalid("an ad-hoc or long-term pledge needs a due date", slug="pledge-due")
        if due < today:
            raise Invalid("the due date is in the past", slug="pledge-due")
        return cls._create(
            cls.Proposed,
            id=pledge_id or uuid.uuid4(),
            org=org,
            trace=trace,
            pledger_kind=pledger_kind,
            member_ids=member_ids,
            kind=kind,
            year=year,
            items=check_items(items),
            due=due.isoformat(),
            trigger=trigger,
            masses=masses,
            post=post,
            host_org=host_org,
            leading=leading,
            exempt_members=exempt_members,
            supports=supports,
        )

    # 审诺 ------------------------------------------------------------------------------------
    def _expect(self, *states: str, action: str) -> None:
        if self.state not in states:
            allowed = "、".join(STATES[s] for s in states)
            raise refuse(
                "pledge-state",
                f"承诺当前为「{STATES[self.state]}」，只有「{allowed}」的承诺才能{action}",
                f"Pledge is {self.state}; only {'/'.join(states)} pledges can be {action}ed (P5)",
                state=self.state,
            )

    def approve(self, reviewer: str, org: dict, trace: dict) -> None:
        self._expect("proposed", action="审核通过")
        self.trigger_event(self.Approved, reviewer=reviewer, org=org, trace=trace)

    def return_for_revision(self, reasons: str, org: dict, trace: dict) -> None:
        self._expect("proposed", action="退回")
        if not reasons:
            raise Invalid("a returned pledge says why (P4)", slug="return-reasons")
        self.trigger_event(self.Returned, reasons=reasons, org=org, trace=trace)

    def revise(self, items: list[dict], due: dt.date | None, org: dict, trace: dict) -> None:
        self._expect("returned", action="修改")
        new_due = due.isoformat() if due else self.due
        self.trigger_event(self.Revised, items=check_items(items), due=new_due, org=org, trace=trace)

    def publicise(self, channel: str, org: dict, trace: dict) -> None:
        self._expect("approved", action="公开")  # P5: only approved pledges are publicised
        if channel not in CHANNELS:
            raise Invalid(f"channel must be one of {', '.join(CHANNELS)} (P4)", slug="pledge-channel")
        self.trigger_event(self.Publicised, channel=channel, org=org, trace=trace)

    # 履诺 ------------------------------------------------------------------------------------
    def report_progress(self, text: str, evidence: list[str], org: dict, trace: dict) -> None:
        self._expect("publicised", action="报告进展")  # P5: only publicised pledges are fulfilled
        if not text:
            raise Invalid("a progress report has text", slug="progress-text")
        self.trigger_event(self.ProgressReported, text=text, evidence=evidence, org=org, trace=trace)

    def complete(self, summary: str, org: dict, trace: dict) -> None:
        self._expect("publicised", action="践诺完成")
        self.trigger_event(self.Completed, summary=summary, org=org, trace=trace)

    def mark_unfulfilled(self, reason: str, org: dict, trace: dict) -> None:
        self._expect("publicised", action="标记未兑现")
        if not reason:
            raise Invalid("an unfulfilled pledge says why", slug="unfulfilled-reason")
        self.trigger_event(self.MarkedUnfulfilled, reason=reason, org=org, trace=trace)

    # 督诺 ------------------------------------------------------------------------------------
    def days_overdue(self, today: dt.date) -> int:
        return (today - dt.date.fromisoformat(self.due)).days

    def remind(self, today: dt.date, interval_days: int, org: dict, trace: dict) -> None:
        """P4 督促: an overdue open pledge is reminded, at most once per interval."""
        self._expect(*OPEN_STATES, action="督促")
        overdue = self.days_overdue(today)
        if overdue <= 0:
            raise refuse("not-overdue", "承诺未逾期，无需督促", "Pledge is not overdue")
        if self.last_reminded and (today - dt.date.fromisoformat(self.last_reminded)).days < interval_days:
            raise refuse("reminded-recently", "近期已督促", f"Already reminded within {interval_days} days")
        self.trigger_event(self.Reminded, on=today.isoformat(), days_overdue=overdue, org=org, trace=trace)


class OrgPledgeBook(Aggregate):
    """An org's book of 设岗定责 (P6): posts set for members with no fixed post, who pledge by them."""

    class Opened(Aggregate.Created, Stamped):
        org_id: str

    class PostAssigned(Stamped):
        member_id: str
        post: str
        duties: str

        def apply(self, book: OrgPledgeBook) -> None:
            book.posts[self.member_id] = self.post

    def __init__(self, org_id: str, **_: Any):
        self.org_id = org_id
        self.posts: dict[str, str] = {}

    @staticmethod
    def id_for(org_id: str) -> uuid.UUID:
        return uuid.uuid5(uuid.UUID("2d0a3d39-5f0e-4bd0-9d0e-6a1f1e8a7c00"), f"book:{org_id}")

    @classmethod
    def open(cls, org_id: str, org: dict, trace: dict) -> OrgPledgeBook:
        return cls._create(cls.Opened, id=cls.id_for(org_id), org_id=org_id, org=org, trace=trace)

    def assign_post(self, member_id: str, post: str, duties: str, org: dict, trace: dict) -> None:
        if not post:
            raise Invalid("设岗定责 names the post", slug="post-missing")
        self.trigger_event(self.PostAssigned, member_id=member_id, post=post, duties=duties, org=org, trace=trace)
