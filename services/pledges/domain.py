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
from shared.errors import broken_rule, invalid

PLEDGER_KINDS = {
    "individual": "个人承诺",
    "collective": "集体承诺",
    "with_masses": "带领群众共同承诺",
    "org": "党组织承诺",
}
PLEDGERS_NEEDED = {  # P1: how many members each kind of pledge names
    "individual": (
        1,
        1,
        "个人承诺须在 member_ids 中写明且只写明 1 名承诺党员",
        "An individual pledge names exactly one member in member_ids",
    ),
    "collective": (
        2,
        500,
        "集体承诺须在 member_ids 中写明至少 2 名承诺党员",
        "A collective pledge names at least two members in member_ids",
    ),
    "with_masses": (
        1,
        500,
        "带领群众共同承诺须在 member_ids 中写明至少 1 名带头党员",
        "A pledge with the masses names at least one leading member in member_ids",
    ),
    "org": (
        0,
        0,
        "党组织承诺以组织名义作出，请不要在 member_ids 中列出党员",
        "An org pledge is made by the org: leave member_ids empty",
    ),
}


def check_pledgers(pledger_kind: str, member_ids: list[str], masses: str | None) -> None:
    """P1: who pledges — checked before anything is looked up."""
    if pledger_kind not in PLEDGER_KINDS:
        raise invalid(
            "pledger-kind",
            f"承诺主体类型无效，请选择 {'、'.join(PLEDGER_KINDS)} 之一",
            f"Unknown pledger kind; choose one of {', '.join(PLEDGER_KINDS)} (P1)",
        )
    low, high, zh, en = PLEDGERS_NEEDED[pledger_kind]
    if not low <= len(member_ids) <= high:
        raise invalid("pledge-members", f"{zh}（现为 {len(member_ids)} 名）", f"{en} (got {len(member_ids)}) (P1)")
    if pledger_kind == "with_masses" and not masses:
        raise invalid(
            "pledge-masses",
            "带领群众共同承诺须在 masses 字段中写明参与的群众",
            "A pledge with the masses says in masses which masses join it (P1)",
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
STAGE = {"proposed": 0, "returned": 0, "approved": 1, "publicised": 2, "completed": 3, "unfulfilled": 3}


def next_step(current: str, needed: tuple[str, ...]) -> tuple[str, str]:
    """What a refusal in state ``current`` (the act needs one of ``needed``) tells the user to do (zh, en)."""
    if STAGE[current] == 3:
        return "该承诺已办结，无需再办理", "the pledge is closed; nothing more to do"
    if current == "returned":
        return "请先由承诺人按退回意见修改承诺", "first the pledgers revise it as the return asks"
    if current == "proposed":
        if needed == ("returned",):
            return "该承诺正待审核、未被退回，无需修改", "it awaits review and was not returned; nothing to revise"
        return "请先由党组织书记审核通过", "first the secretary approves it"
    if STAGE[current] < min(STAGE[s] for s in needed):
        return "请先由党组织书记公开承诺", "first the secretary publicises it"
    return "该承诺已过这一环节，无需再办理", "it is past that step; nothing more to do"


OPEN_STATES = ("approved", "publicised")
MAX_ITEMS = 20


refuse = broken_rule


def check_items(items: list[dict]) -> list[dict]:
    """P3: 1–20 items, each with text and at least one of the 五带头 tags."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise invalid(
            "pledge-items",
            f"一份承诺须有 1 到 {MAX_ITEMS} 项承诺事项（现为 {len(items)} 项）",
            f"A pledge has 1–{MAX_ITEMS} items (got {len(items)})",
        )
    clean = []
    for item in items:
        text = str(item.get("text", "")).strip()
        tags = list(dict.fromkeys(item.get("tags") or []))
        if not text:
            raise invalid("pledge-items", "每项承诺事项都须写明内容（text）", "Every item needs its text")
        if not tags or any(t not in FIVE_LEADS for t in tags):
            raise invalid(
                "pledge-tags",
                f"每项承诺事项须标注“五带头”中的一项或几项：{'、'.join(FIVE_LEADS)}",
                f"Tag every item with one or more of the five leads 五带头: {', '.join(FIVE_LEADS)} (P3)",
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
            raise invalid(
                "pledge-kind",
                f"承诺类型无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in KINDS.items())} 之一",
                f"Unknown pledge kind; choose one of {', '.join(KINDS)} (P2)",
            )
        if kind == "adhoc" and not trigger:
            raise invalid(
                "pledge-trigger",
                "即时承诺须在 trigger 中写明因何而诺：阶段性重点工作、专项任务或突发事件",
                "An ad-hoc pledge says in trigger what it answers: the phase's key work, a task or an emergency (P2)",
            )
        if kind == "annual":
            due = due or dt.date(year, 12, 31)
            if due.year != year:
                raise invalid(
                    "pledge-due",
                    f"年度承诺须在当年内完成，请把完成期限（due）定在 {year} 年内",
                    f"An annual pledge is due within its year: set due within {year} (P2)",
                )
        if due is None:
            raise invalid(
                "pledge-due",
                "即时承诺和长远承诺须写明完成期限（due）",
                "An ad-hoc or long-term pledge needs a due date",
            )
        if due < today:
            raise invalid(
                "pledge-due",
                f"完成期限 {due} 已过，请定在今天（{today}）或以后",
                f"The due date {due} is past; set it to today ({today}) or later",
            )
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
    def _expect(self, *states: str, action: str, action_en: str) -> None:
        """P5: ``action`` (zh; ``action_en`` completes "… can be ___") only in ``states``; else say what comes first."""
        if self.state not in states:
            allowed = "、".join(STATES[s] for s in states)
            step_zh, step_en = next_step(self.state, states)
            raise refuse(
                "pledge-state",
                f"承诺当前为「{STATES[self.state]}」，只有「{allowed}」的承诺才能{action}；{step_zh}",
                f"The pledge is {self.state}; only a {' or '.join(states)} pledge can be {action_en}: {step_en} (P5)",
                state=self.state,
            )

    def approve(self, reviewer: str, org: dict, trace: dict) -> None:
        self._expect("proposed", action="审核通过", action_en="approved")
        self.trigger_event(self.Approved, reviewer=reviewer, org=org, trace=trace)

    def return_for_revision(self, reasons: str, org: dict, trace: dict) -> None:
        self._expect("proposed", action="退回修改", action_en="returned")
        if not reasons:
            raise invalid("return-reasons", "退回承诺须写明理由", "A returned pledge says why (P4)")
        self.trigger_event(self.Returned, reasons=reasons, org=org, trace=trace)

    def revise(self, items: list[dict], due: dt.date | None, org: dict, trace: dict) -> None:
        self._expect("returned", action="修改", action_en="revised")
        new_due = due.isoformat() if due else self.due
        self.trigger_event(self.Revised, items=check_items(items), due=new_due, org=org, trace=trace)

    def publicise(self, channel: str, org: dict, trace: dict) -> None:
        self._expect("approved", action="公开", action_en="publicised")  # P5: only approved pledges are publicised
        if channel not in CHANNELS:
            raise invalid(
                "pledge-channel",
                f"公开渠道无效，请选择 {'、'.join(CHANNELS)} 之一",
                f"Unknown channel; choose one of {', '.join(CHANNELS)} (P4)",
            )
        self.trigger_event(self.Publicised, channel=channel, org=org, trace=trace)

    # 履诺 ------------------------------------------------------------------------------------
    def report_progress(self, text: str, evidence: list[str], org: dict, trace: dict) -> None:
        # P5: only publicised pledges are fulfilled
        self._expect("publicised", action="报告践诺进展", action_en="reported on")
        if not text:
            raise invalid("progress-text", "践诺进展须写明内容", "A progress report has text")
        self.trigger_event(self.ProgressReported, text=text, evidence=evidence, org=org, trace=trace)

    def complete(self, summary: str, org: dict, trace: dict) -> None:
        self._expect("publicised", action="报告践诺完成", action_en="completed")
        self.trigger_event(self.Completed, summary=summary, org=org, trace=trace)

    def mark_unfulfilled(self, reason: str, org: dict, trace: dict) -> None:
        self._expect("publicised", action="认定为未兑现", action_en="marked unfulfilled")
        if not reason:
            raise invalid("unfulfilled-reason", "认定承诺未兑现须写明理由", "An unfulfilled pledge says why")
        self.trigger_event(self.MarkedUnfulfilled, reason=reason, org=org, trace=trace)

    # 督诺 ------------------------------------------------------------------------------------
    def days_overdue(self, today: dt.date) -> int:
        return (today - dt.date.fromisoformat(self.due)).days

    def remind(self, today: dt.date, interval_days: int, org: dict, trace: dict) -> None:
        """P4 督促: an overdue open pledge is reminded, at most once per interval."""
        self._expect(*OPEN_STATES, action="督促", action_en="reminded")
        overdue = self.days_overdue(today)
        if overdue <= 0:
            raise refuse(
                "not-overdue",
                f"承诺尚未逾期（期限 {self.due}），无需督促",
                f"The pledge is not overdue (due {self.due}); no reminder needed",
            )
        if self.last_reminded and (today - dt.date.fromisoformat(self.last_reminded)).days < interval_days:
            raise refuse(
                "reminded-recently",
                f"已于 {self.last_reminded} 督促过，{interval_days} 天内无需再次督促",
                f"Reminded on {self.last_reminded}; no new reminder within {interval_days} days",
            )
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
            raise invalid("post-missing", "设岗定责须写明岗位名称", "Name the post (设岗定责)")
        self.trigger_event(self.PostAssigned, member_id=member_id, post=post, duties=duties, org=org, trace=trace)
