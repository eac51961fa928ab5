"""Branch life 党支部创先争优 (DOMAIN.md B1, B2, B5; seed 003): the branch's 创先争优 institution 制度 and the
year's 活动总结. No I/O.

An institution (B1) is made democratically and then made public::

    drafting ──discuss / solicit masses' opinions / answer them──▶ adopt (branch meeting) ──▶ published
       ▲                                                                                     │
       └──────────────────────────────── revise (a new version) ◀────────────────────────────┘

It is adopted only once members have discussed it, the masses' opinions were asked for and every opinion
received has an answer (发扬民主); what is published is exactly the adopted version (公之于众), and a revision
keeps every earlier version in the history. Superiors inspect it (督查指导) and assess how it is carried out
(定期考核, B2).

A 活动总结 (B5) answers a call a superior issues for its scope and year, with a deadline and a minimum length;
a superior may return it for rework, and the author submits it again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import broken_rule, invalid

NS = uuid.UUID("2d6f0c4e-8b1a-4c7d-9e3f-5a6b7c8d9e01")
FOCUS = {  # seed 003 二: what each domain's branches focus their institutions on
    "农村": (
        "发展现代农业",
        "培养新型农民",
        "带领群众致富",
        "壮大集体经济",
        "维护农村稳定",
        "农民专业合作社党建",
        "村民自治",
    ),
    "社区": ("服务群众", "凝聚人心", "优化管理", "维护稳定", "城市基层区域化党建"),
    "国企": ("参与决策", "带头执行", "有效监督", "党员先锋岗", "劳动竞赛", "合理化建议", "联系和服务群众"),
    "机关事业": ("服务中心", "建设队伍", "直接联系和服务群众", "协助和监督", "思想政治工作", "促进事业发展"),
    "高校": ("推进教育改革", "教书育人", "青年教师队伍建设", "提高大学生党员质量"),
    "非公": ("创新活动载体", "凝聚职工群众", "促进科学发展", "探索党组织发挥作用的渠道和方式"),
    "社会组织": ("创新活动载体", "凝聚职工群众", "促进科学发展", "探索党组织发挥作用的渠道和方式"),
    "窗口单位": ("增强服务意识", "改进服务作风", "提升服务能力", "提高服务效能"),
}
CHANNELS = {"notice_board": "党务公开栏", "intranet": "局域网", "activity_room": "党员活动室"}  # B1 公之于众
ASSESSMENT_GRADES = ("好", "较好", "一般", "差")  # B2 定期考核实施情况
refuse = broken_rule


def institution_id(org_id: str, number: int) -> uuid.UUID:
    """A branch's institutions are numbered 1, 2, …: the id follows, so a retried draft is the same one."""
    return uuid.uuid5(NS, f"institution:{org_id}:{number}")


def check_body(title: str, goal: str, content: str, measures: list[str], focus: list[str], domain: str) -> None:
    """B1 简便易行: a clear goal, concrete content, measures; the focus is one of the domain's (seed 003)."""
    if not title.strip() or not goal.strip() or not content.strip():
        raise invalid(
            "institution-body",
            "制度须写明名称（title）、目标（goal）和具体内容（content）(B1 简便易行)",
            "An institution states its title, goal and content (B1)",
        )
    if not measures or not all(m.strip() for m in measures):
        raise invalid(
            "institution-body", "制度须列出具体措施（measures）(B1)", "An institution lists its measures (B1)"
        )
    offered = FOCUS.get(domain, ())
    unknown = [f for f in focus if f not in offered]
    if not focus or unknown:
        raise invalid(
            "institution-focus",
            f"制度重点（focus）须从本领域「{domain or '未设领域'}」的重点中选择：{'、'.join(offered) or '（无）'}",
            f"The focus must be chosen from the domain's list ({domain or 'no domain'}) (B1, seed 003)",
        )


class Institution(Aggregate):
    class Drafted(Aggregate.Created, Stamped):  # internal until published
        org_id: str
        number: int
        title: str
        focus: list
        goal: str
        content: str
        measures: list
        by: str

    class Discussed(Stamped):  # internal: a member's words stay in the service
        member_id: str
        opinion: str

        def apply(self, i: Institution) -> None:
            i.discussed_by.add(self.member_id)

    class OpinionsSolicited(Stamped):  # internal: the public link is open for the masses
        until: str

        def apply(self, i: Institution) -> None:
            i.soliciting_until = self.until
            i.solicited = True

    class OpinionReceived(Aggregate.Event):  # internal: the masses' words never leave the service
        number: int
        text: str

        def apply(self, i: Institution) -> None:
            i.opinions[self.number] = {"text": self.text, "answer": None}

    class OpinionAnswered(Stamped):  # internal
        number: int
        answer: str

        def apply(self, i: Institution) -> None:
            i.opinions[self.number]["answer"] = self.answer

    class Adopted(Stamped):
        version: int
        meeting_on: str
        attending: int
        members: int
        by: str

        def apply(self, i: Institution) -> None:
            i.adopted_version = self.version

    class Published(Stamped):
        """制度建立 (version 1) or 制度修订 (later versions): what the branch adopted, made public."""

        number: int
        version: int
        title: str
        focus: list
        goal: str
        content: str
        measures: list
        channel: str
        adopted_on: str
        published_on: str
        discussed_by: int
        opinions_answered: int

        def apply(self, i: Institution) -> None:
            i.published_version = self.version

    class Revised(Stamped):  # internal: a new draft version; published once adopted again
        version: int
        title: str
        focus: list
        goal: str
        content: str
        measures: list
        reason: str
        by: str

        def apply(self, i: Institution) -> None:
            i.edition = self.version
            i.title, i.focus, i.goal, i.content, i.measures = (
                self.title,
                self.focus,
                self.goal,
                self.content,
                self.measures,
            )
            i.discussed_by, i.solicited, i.opinions, i.soliciting_until = set(), False, {}, None

    class Inspected(Stamped):
        """督查指导 (B2): a superior's inspection note."""

        org_id: str
        note: str
        by: str
        on: str

    class EvaluationLinked(Stamped):
        """B2: the masses evaluate the institution in an evaluation round (E6) the branch or its superior opened."""

        round_id: str
        by: str

        def apply(self, i: Institution) -> None:
            i.rounds.append(self.round_id)

    class Assessed(Stamped):
        """定期考核实施情况 (B2): how the institution is carried out, for a period."""

        org_id: str
        period: str
        grade: str
        note: str
        by: str

    def __init__(
        self,
        org_id: str,
        number: int,
        title: str,
        focus: list,
        goal: str,
        content: str,
        measures: list,
        by: str,
        **_: Any,
    ):
        self.org_id, self.number = org_id, number
        self.edition = 1  # the institution's version 版本 (``version`` is the aggregate's own event count)
        self.title, self.focus, self.goal, self.content, self.measures = title, focus, goal, content, measures
        self.created_by = by
        self.discussed_by: set[str] = set()
        self.solicited = False
        self.soliciting_until: str | None = None
        self.opinions: dict[int, dict] = {}
        self.adopted_version: int | None = None
        self.published_version: int | None = None
        self.rounds: list[str] = []  # the masses' evaluations of it (B2, E6)

    @property
    def state(self) -> str:
        if self.published_version == self.edition:
            return "published"
        if self.adopted_version == self.edition:
            return "adopted"
        return "drafting"

    @classmethod
    def draft(
        cls,
        *,
        org_id: str,
        number: int,
        domain: str,
        title: str,
        focus: list[str],
        goal: str,
        content: str,
        measures: list[str],
        by: str,
        org: dict,
        trace: dict,
    ) -> Institution:
        check_body(title, goal, content, measures, focus, domain)
        return cls._create(
            cls.Drafted,
            id=institution_id(org_id, number),
            org_id=org_id,
            number=number,
            title=title.strip(),
            focus=list(focus),
            goal=goal.strip(),
            content=content.strip(),
            measures=[m.strip() for m in measures],
            by=by,
            org=org,
            trace=trace,
        )

    def _drafting(self, doing_zh: str) -> None:
        if self.state != "drafting":
            raise refuse(
                "institution-state",
                f"制度第 {self.edition} 版已{'公布' if self.state == 'published' else '通过'}，不能再{doing_zh}；"
                "如需修改，请提出修订（新版本）",
                f"Version {self.edition} is {self.state}: revise the institution to change it",
                state=self.state,
            )

    def discuss(self, member_id: str, opinion: str, org: dict, trace: dict) -> None:
        """B1 发扬民主: a member of the branch gives an opinion on the draft."""
        self._drafting("讨论")
        if not opinion.strip():
            raise invalid("institution-opinion", "讨论意见不能为空", "An opinion is not empty")
        self.trigger_event(self.Discussed, member_id=member_id, opinion=opinion.strip(), org=org, trace=trace)

    def solicit(self, until: dt.date, today: dt.date, org: dict, trace: dict) -> None:
        """B1: open the public link where the masses give their opinions, until a date."""
        self._drafting("征求意见")
        if until < today:
            raise invalid("institution-solicit", "征求意见截止日期不能早于今天", "The end date is not in the past")
        self.trigger_event(self.OpinionsSolicited, until=until.isoformat(), org=org, trace=trace)

    def receive(self, text: str, today: dt.date) -> int:
        """A person of the masses gives an opinion through the public link (no account, no name)."""
        if self.state != "drafting" or not self.solicited or (self.soliciting_until or "") < today.isoformat():
            raise refuse(
                "institution-closed",
                "该制度目前没有在征求群众意见，感谢您的关注",
                "This institution is not asking for opinions now",
            )
        if not text.strip():
            raise invalid("institution-opinion", "请填写您的意见后再提交", "Write your opinion first")
        number = len(self.opinions) + 1
        self.trigger_event(self.OpinionReceived, number=number, text=text.strip())
        return number

    def answer(self, number: int, answer: str, org: dict, trace: dict) -> None:
        """B1 得到群众认可: every opinion of the masses is answered before adoption."""
        self._drafting("答复意见")
        if number not in self.opinions:
            raise invalid("institution-opinion", f"没有第 {number} 条群众意见", f"No opinion number {number}")
        if not answer.strip():
            raise invalid("institution-opinion", "答复不能为空", "An answer is not empty")
        self.trigger_event(self.OpinionAnswered, number=number, answer=answer.strip(), org=org, trace=trace)

    def adopt(self, meeting_on: dt.date, attending: int, members: int, by: str, org: dict, trace: dict) -> None:
        """B1: the branch meeting adopts the draft — only after members discussed it, the masses were asked and
        every opinion they gave was answered (发扬民主)."""
        self._drafting("通过")
        missing = []
        if not self.discussed_by:
            missing.append(("党员讨论", "discussion by members"))
        if not self.solicited:
            missing.append(("征求群众意见", "asking the masses"))
        unanswered = [n for n, o in self.opinions.items() if o["answer"] is None]
        if unanswered:
            missing.append(
                (f"答复第 {'、'.join(map(str, unanswered))} 条群众意见", f"answers to opinions {unanswered}")
            )
        if missing:
            raise refuse(
                "institution-not-democratic",
                f"制度尚未经过{'、'.join(z for z, _ in missing)}，不能提交支部党员大会通过 (B1 发扬民主)",
                f"Not yet: {', '.join(e for _, e in missing)} (B1)",
                state=self.state,
            )
        if not 0 < attending <= members:
            raise invalid(
                "institution-meeting",
                "到会人数须大于 0 且不超过应到党员人数",
                "Attendance is more than 0 and at most the members",
            )
        self.trigger_event(
            self.Adopted,
            version=self.edition,
            meeting_on=meeting_on.isoformat(),
            attending=attending,
            members=members,
            by=by,
            org=org,
            trace=trace,
        )

    def publish(self, channel: str, adopted_on: str, today: dt.date, org: dict, trace: dict) -> None:
        """B1 公之于众: publish exactly the adopted version on a channel."""
        if self.state != "adopted":
            raise refuse(
                "institution-state",
                "只有经支部党员大会通过的制度才能公布，请先通过" if self.state == "drafting" else "该版本已公布",
                "Only an adopted version is published" if self.state == "drafting" else "This version is published",
                state=self.state,
            )
        if channel not in CHANNELS:
            raise invalid(
                "institution-channel",
                f"公布渠道须为 {'、'.join(CHANNELS.values())} 之一",
                f"Channel must be one of {', '.join(CHANNELS)}",
            )
        self.trigger_event(
            self.Published,
            number=self.number,
            version=self.edition,
            title=self.title,
            focus=list(self.focus),
            goal=self.goal,
            content=self.content,
            measures=list(self.measures),
            channel=channel,
            adopted_on=adopted_on,
            published_on=today.isoformat(),
            discussed_by=len(self.discussed_by),
            opinions_answered=len(self.opinions),
            org=org,
            trace=trace,
        )

    def revise(
        self,
        domain: str,
        title: str,
        focus: list[str],
        goal: str,
        content: str,
        measures: list[str],
        reason: str,
        by: str,
        org: dict,
        trace: dict,
    ) -> None:
        """B1/B2: a published institution is revised (e.g. from the masses' evaluation) as a new version."""
        if self.state != "published":
            raise refuse(
                "institution-state",
                "只有已公布的制度才能修订；草稿请直接修改后提交通过",
                "Only a published institution is revised",
                state=self.state,
            )
        check_body(title, goal, content, measures, focus, domain)
        if not reason.strip():
            raise invalid("institution-revise", "修订须写明理由（reason）", "A revision gives its reason")
        self.trigger_event(
            self.Revised,
            version=self.edition + 1,
            title=title.strip(),
            focus=list(focus),
            goal=goal.strip(),
            content=content.strip(),
            measures=[m.strip() for m in measures],
            reason=reason.strip(),
            by=by,
            org=org,
            trace=trace,
        )

    def inspect(self, note: str, by: str, on: dt.date, org: dict, trace: dict) -> None:
        if not note.strip():
            raise invalid("institution-inspect", "督查指导意见不能为空", "An inspection note is not empty")
        self.trigger_event(
            self.Inspected, org_id=self.org_id, note=note.strip(), by=by, on=on.isoformat(), org=org, trace=trace
        )

    def link_evaluation(self, round_id: str, by: str, org: dict, trace: dict) -> None:
        """B2: a mass evaluation round (E6) of this published institution; its result comes back to the branch."""
        if self.published_version is None:
            raise refuse(
                "institution-state",
                "制度尚未公布实施，暂不能组织群众评议",
                "An institution not yet published is not evaluated",
                state=self.state,
            )
        if round_id in self.rounds:
            raise refuse("institution-evaluation", "该评议已关联本制度", "This round is linked already")
        self.trigger_event(self.EvaluationLinked, round_id=round_id, by=by, org=org, trace=trace)

    def assess(self, period: str, grade: str, note: str, by: str, org: dict, trace: dict) -> None:
        if self.published_version is None:
            raise refuse(
                "institution-state",
                "制度尚未公布实施，暂不能考核实施情况",
                "An institution not yet published cannot be assessed",
                state=self.state,
            )
        if grade not in ASSESSMENT_GRADES:
            raise invalid(
                "institution-assess",
                f"考核等次须为 {'、'.join(ASSESSMENT_GRADES)} 之一",
                f"The grade is one of {', '.join(ASSESSMENT_GRADES)}",
            )
        if not period.strip():
            raise invalid("institution-assess", "请写明考核期间（period），如 2026 上半年", "Name the period")
        self.trigger_event(
            self.Assessed,
            org_id=self.org_id,
            period=period.strip(),
            grade=grade,
            note=note.strip(),
            by=by,
            org=org,
            trace=trace,
        )


def call_id(scope: str, year: int) -> uuid.UUID:
    return uuid.uuid5(NS, f"summary-call:{scope}:{year}")


def summary_id(call: uuid.UUID, author_kind: str, author_id: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"summary:{call}:{author_kind}:{author_id}")


AUTHOR_KINDS = {"org": "党支部", "member": "党员"}


class SummaryCall(Aggregate):
    """活动总结的通知 (B5): a superior asks the branches and members of its scope for the year's summaries."""

    class Issued(Aggregate.Created, Stamped):
        scope: str
        year: int
        deadline: str
        min_length: int
        issuer_org_id: str
        by: str

    def __init__(self, scope: str, year: int, deadline: str, min_length: int, issuer_org_id: str, **_: Any):
        self.scope, self.year, self.deadline, self.min_length = scope, year, deadline, min_length
        self.issuer_org_id = issuer_org_id

    @classmethod
    def issue(
        cls,
        *,
        scope: str,
        year: int,
        deadline: dt.date,
        min_length: int,
        issuer_org_id: str,
        by: str,
        today: dt.date,
        org: dict,
        trace: dict,
    ) -> SummaryCall:
        if deadline < today:
            raise invalid("summary-deadline", "截止日期不能早于今天", "The deadline is not in the past")
        if not 0 <= min_length <= 20000:
            raise invalid("summary-length", "最少字数须在 0–20000 之间", "The minimum length is 0–20000")
        return cls._create(
            cls.Issued,
            id=call_id(scope, year),
            scope=scope,
            year=year,
            deadline=deadline.isoformat(),
            min_length=min_length,
            issuer_org_id=issuer_org_id,
            by=by,
            org=org,
            trace=trace,
        )


class Summary(Aggregate):
    """One 活动总结 (B5) of a branch or a member, in answer to a call."""

    class Submitted(Aggregate.Created, Stamped):
        call_id: str
        year: int
        author_kind: str
        author_id: str
        org_id: str
        text: str
        length: int
        on_time: bool
        by: str

    class Returned(Stamped):
        reason: str
        by: str

        def apply(self, s: Summary) -> None:
            s.returned = True

    class Resubmitted(Stamped):
        text: str
        length: int
        on_time: bool
        by: str

        def apply(self, s: Summary) -> None:
            s.text, s.returned = self.text, False

    def __init__(self, call_id: str, author_kind: str, author_id: str, org_id: str, text: str, **_: Any):
        self.call_id, self.author_kind, self.author_id, self.org_id = call_id, author_kind, author_id, org_id
        self.text = text
        self.returned = False

    @classmethod
    def submit(
        cls,
        *,
        call: SummaryCall,
        author_kind: str,
        author_id: str,
        org_id: str,
        text: str,
        by: str,
        today: dt.date,
        org: dict,
        trace: dict,
    ) -> Summary:
        check_summary(call, author_kind, text)
        return cls._create(
            cls.Submitted,
            id=summary_id(call.id, author_kind, author_id),
            call_id=str(call.id),
            year=call.year,
            author_kind=author_kind,
            author_id=author_id,
            org_id=org_id,
            text=text.strip(),
            length=len(text.strip()),
            on_time=today.isoformat() <= call.deadline,
            by=by,
            org=org,
            trace=trace,
        )

    def send_back(self, reason: str, by: str, org: dict, trace: dict) -> None:
        """A superior returns the summary for rework, saying why."""
        if self.returned:
            raise refuse("summary-state", "该总结已退回，等待重新提交", "Already returned; awaiting the rework")
        if not reason.strip():
            raise invalid("summary-return", "退回须写明理由（reason）", "A return gives its reason")
        self.trigger_event(self.Returned, reason=reason.strip(), by=by, org=org, trace=trace)

    def resubmit(self, call: SummaryCall, text: str, by: str, today: dt.date, org: dict, trace: dict) -> None:
        if not self.returned:
            raise refuse(
                "summary-state",
                "总结已提交，未被退回时不能重新提交",
                "The summary was not returned: nothing to resubmit",
            )
        check_summary(call, self.author_kind, text)
        self.trigger_event(
            self.Resubmitted,
            text=text.strip(),
            length=len(text.strip()),
            on_time=today.isoformat() <= call.deadline,
            by=by,
            org=org,
            trace=trace,
        )


def check_summary(call: SummaryCall, author_kind: str, text: str) -> None:
    if author_kind not in AUTHOR_KINDS:
        raise invalid("summary-author", "总结作者须为党支部（org）或党员（member）", "The author is an org or a member")
    length = len(text.strip())
    if length < call.min_length:
        raise invalid(
            "summary-length",
            f"总结不少于 {call.min_length} 字，现为 {length} 字，请补充后再提交 (B5)",
            f"A summary has at least {call.min_length} characters; this one has {length} (B5)",
        )
