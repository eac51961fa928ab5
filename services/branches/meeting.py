"""专题组织生活会 — the branch's special organisational-life meeting (DOMAIN.md B3, B4; seed 003 一). No I/O.

    preparing ──record the five preparation steps──▶ hold (the meeting, its attendance) ──▶ each attending member:
    self-criticism, the secretary's 点评, rectification measures ──▶ concluded

B3: the five preparation steps are recorded (a study session, the 回头看, hearing members', the masses' and service
users' opinions — published in a suitable circle and fed back to each member —, establishing an institution,
writing a summary) before the meeting is held. B4: leading cadres of the branch attend as ordinary members
(双重组织生活): the meeting is held only when each of them attends or has a recorded reason; at the meeting every
attending member makes a self-criticism, the secretary comments on each (点评) and helps set each member's
rectification measures, and the meeting concludes only when every attending member has all three.

Members' self-criticisms and the secretary's comments are words about a person: they stay in the write model
(the member sees her own); the published events carry who and when, and the measures (which may become pledges).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import broken_rule, invalid

NS = uuid.UUID("7e0b1c2d-3f4a-4b5c-8d6e-9f0a1b2c3d4e")
STEPS = {  # B3, seed 003 一(一)
    "study": "组织一次学习",
    "look_back": "开展一次“回头看”",
    "hearing": "听取一次党员群众评议意见",
    "institution": "研究建立一项管用制度",
    "summary": "撰写一篇活动总结",
}
refuse = broken_rule


def meeting_id(org_id: str, year: int) -> uuid.UUID:
    return uuid.uuid5(NS, f"meeting:{org_id}:{year}")


class Meeting(Aggregate):
    class Opened(Aggregate.Created, Stamped):  # internal
        org_id: str
        year: int

    class StepRecorded(Stamped):
        step: str
        on: str
        note: str

        def apply(self, m: Meeting) -> None:
            m.steps[self.step] = self.on

    class OpinionsFedBack(Stamped):  # B3: the opinions heard about one member, returned to her (text internal)
        member_id: str
        opinions: str

        def apply(self, m: Meeting) -> None:
            m.fed_back.add(self.member_id)
            m.words.setdefault(self.member_id, {})["opinions"] = self.opinions

    class Held(Stamped):
        year: int
        held_on: str
        attending: list
        leading_cadres: list
        excused: dict

        def apply(self, m: Meeting) -> None:
            m.attending = list(self.attending)

    class SelfCriticised(Stamped):  # internal: the member's own words
        member_id: str
        text: str

        def apply(self, m: Meeting) -> None:
            m.criticised.add(self.member_id)
            m.words.setdefault(self.member_id, {})["self_criticism"] = self.text

    class Commented(Stamped):  # internal: the secretary's 点评 of one member
        member_id: str
        comment: str

        def apply(self, m: Meeting) -> None:
            m.commented.add(self.member_id)
            m.words.setdefault(self.member_id, {})["comment"] = self.comment

    class MeasuresSet(Stamped):
        member_id: str
        measures: list

        def apply(self, m: Meeting) -> None:
            m.measures[self.member_id] = list(self.measures)

    class Concluded(Stamped):
        year: int
        attending: int
        measures: int

        def apply(self, m: Meeting) -> None:
            m.concluded = True

    def __init__(self, org_id: str, year: int, **_: Any):
        self.org_id, self.year = org_id, year
        self.steps: dict[str, str] = {}
        self.fed_back: set[str] = set()
        self.attending: list[str] | None = None
        self.criticised: set[str] = set()
        self.commented: set[str] = set()
        self.measures: dict[str, list] = {}
        self.words: dict[str, dict[str, str]] = {}  # per member: self-criticism, 点评, opinions fed back
        self.concluded = False

    @property
    def state(self) -> str:
        return "concluded" if self.concluded else "held" if self.attending is not None else "preparing"

    @classmethod
    def open(cls, org_id: str, year: int, org: dict, trace: dict) -> Meeting:
        return cls._create(cls.Opened, id=meeting_id(org_id, year), org_id=org_id, year=year, org=org, trace=trace)

    def _preparing(self) -> None:
        if self.state != "preparing":
            raise refuse(
                "meeting-state", "组织生活会已召开，会前准备不能再补记", "The meeting was held", state=self.state
            )

    def record_step(self, step: str, on: dt.date, note: str, org: dict, trace: dict) -> None:
        """B3: one of the five preparation steps, done on a day."""
        self._preparing()
        if step not in STEPS:
            raise invalid(
                "meeting-step",
                f"会前准备须为：{'、'.join(STEPS.values())}",
                f"A preparation step is one of {', '.join(STEPS)}",
            )
        self.trigger_event(self.StepRecorded, step=step, on=on.isoformat(), note=note.strip(), org=org, trace=trace)

    def feed_back(self, member_id: str, opinions: str, org: dict, trace: dict) -> None:
        """B3: the opinions heard about a member are returned to her."""
        if not opinions.strip():
            raise invalid("meeting-feedback", "反馈的评议意见不能为空", "The opinions fed back are not empty")
        self.trigger_event(self.OpinionsFedBack, member_id=member_id, opinions=opinions.strip(), org=org, trace=trace)

    def hold(
        self,
        held_on: dt.date,
        attending: list[str],
        members: list[str],
        leading_cadres: list[str],
        excused: dict[str, str],
        org: dict,
        trace: dict,
    ) -> None:
        """B3/B4: held after the five steps; every leading cadre of the branch attends or is excused with a reason."""
        self._preparing()
        missing = [label for step, label in STEPS.items() if step not in self.steps]
        if missing:
            raise refuse(
                "meeting-not-prepared",
                f"会前准备尚未完成：{'、'.join(missing)}；请先完成并记录，再召开组织生活会 (B3)",
                f"Preparation incomplete: {', '.join(s for s in STEPS if s not in self.steps)} (B3)",
                state=self.state,
            )
        strangers = sorted(set(attending) - set(members))
        if not attending or strangers:
            raise invalid(
                "meeting-attendance",
                f"到会人员须为本支部党员{('：' + '、'.join(strangers) + ' 不是本支部党员') if strangers else ''}",
                f"Attendance lists members of the branch (not {strangers})",
            )
        absent = [c for c in leading_cadres if c not in attending and not (excused.get(c) or "").strip()]
        if absent:
            raise refuse(
                "meeting-dual-life",
                f"党员领导干部 {'、'.join(absent)} 须以普通党员身份参加本支部组织生活会，或写明请假事由 (B4 双重组织生活)",
                f"Leading cadres {absent} attend as ordinary members or are excused with a reason (B4)",
                state=self.state,
            )
        self.trigger_event(
            self.Held,
            year=self.year,
            held_on=held_on.isoformat(),
            attending=sorted(set(attending)),
            leading_cadres=sorted(c for c in leading_cadres if c in attending),
            excused={c: r.strip() for c, r in excused.items() if c in leading_cadres},
            org=org,
            trace=trace,
        )

    def _at_meeting(self, member_id: str) -> None:
        if self.state != "held":
            raise refuse(
                "meeting-state",
                "组织生活会尚未召开或已结束" if self.state == "preparing" else "组织生活会已结束",
                "The meeting is not in session",
                state=self.state,
            )
        if member_id not in (self.attending or []):
            raise invalid("meeting-attendance", f"{member_id} 没有参加本次组织生活会", f"{member_id} did not attend")

    def self_criticise(self, member_id: str, text: str, org: dict, trace: dict) -> None:
        self._at_meeting(member_id)
        if not text.strip():
            raise invalid("meeting-text", "对照检查和自我批评不能为空", "The self-criticism is not empty")
        self.trigger_event(self.SelfCriticised, member_id=member_id, text=text.strip(), org=org, trace=trace)

    def comment(self, member_id: str, comment: str, org: dict, trace: dict) -> None:
        """B4 点评: the secretary's comment on one member."""
        self._at_meeting(member_id)
        if not comment.strip():
            raise invalid("meeting-text", "点评不能为空", "The comment is not empty")
        self.trigger_event(self.Commented, member_id=member_id, comment=comment.strip(), org=org, trace=trace)

    def set_measures(self, member_id: str, measures: list[str], org: dict, trace: dict) -> None:
        self._at_meeting(member_id)
        clean = [m.strip() for m in measures if m.strip()]
        if not clean:
            raise invalid("meeting-measures", "请至少列出一条整改措施", "List at least one measure")
        self.trigger_event(self.MeasuresSet, member_id=member_id, measures=clean, org=org, trace=trace)

    def conclude(self, org: dict, trace: dict) -> None:
        """B4: concluded when every attending member has made a self-criticism, been commented on and has measures."""
        if self.state != "held":
            raise refuse(
                "meeting-state", "组织生活会尚未召开或已结束", "The meeting is not in session", state=self.state
            )
        attending = self.attending or []
        lacking = [
            m for m in attending if m not in self.criticised or m not in self.commented or m not in self.measures
        ]
        if lacking:
            raise refuse(
                "meeting-incomplete",
                f"{'、'.join(lacking)} 尚未完成自我批评、书记点评或整改措施，会议不能结束 (B4)",
                f"{lacking} lack a self-criticism, a comment or measures (B4)",
                state=self.state,
            )
        self.trigger_event(
            self.Concluded,
            year=self.year,
            attending=len(attending),
            measures=sum(len(v) for v in self.measures.values()),
            org=org,
            trace=trace,
        )
