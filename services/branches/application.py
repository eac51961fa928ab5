"""Branch life's write model (B1, B2, B5): commands check the actor (shared.auth), the directory replica and
the aggregate, then record events — or refuse and record nothing."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from shared.application import ServiceApplication, retried
from shared.auth import Identity, forbidden, oversees, require_authority, require_leading, require_secretary
from shared.errors import broken_rule
from shared.scope import Scope, parse_scope

from .debrief import Debrief, debrief_id, level_of
from .domain import Institution, Summary, SummaryCall, call_id, institution_id, summary_id
from .meeting import Meeting, meeting_id
from .queries import grades_led

SECRETARY_ACTS = ("办理本支部的创先争优制度", "handle the branch's institutions")


class BranchesApp(ServiceApplication):
    # 制度 (B1) -------------------------------------------------------------------------------------
    @retried()
    def draft(
        self, actor: Identity, org_id: str, title: str, focus: list[str], goal: str, content: str, measures: list[str]
    ) -> Institution:
        """起草: the branch's next institution (numbered 1, 2, … per org)."""
        org = self.directory.org(org_id)
        require_secretary(actor, org_id, SECRETARY_ACTS)
        number = 1
        while self.exists(institution_id(org_id, number)):
            number += 1
        institution = Institution.draft(
            org_id=org_id,
            number=number,
            domain=org.domain,
            title=title,
            focus=focus,
            goal=goal,
            content=content,
            measures=measures,
            by=actor.sub,
            org=org.position.as_dict(),
            trace=self.trace(),
        )
        self.save(institution)
        return institution

    def institutions_of(self, org_id: str) -> list[Institution]:
        """Every institution of the org, drafts included (write model; numbered 1, 2, …)."""
        found, number = [], 1
        while self.exists(institution_id(org_id, number)):
            found.append(self.institution(institution_id(org_id, number)))
            number += 1
        return found

    def institution(self, institution_id_: UUID) -> Institution:
        return self.load(institution_id_, "institution", "制度")

    def discuss(self, actor: Identity, institution_id_: UUID, opinion: str) -> Institution:
        """B1: a member of the branch (or its secretary) gives an opinion on the draft."""
        i = self.institution(institution_id_)
        if actor.org != i.org_id or actor.role not in ("member", "secretary"):
            raise forbidden(
                actor,
                f"只有 {i.org_id} 的党员可以讨论本支部的制度草案",
                f"only members of {i.org_id} discuss its draft",
                org=i.org_id,
            )
        i.discuss(actor.sub, opinion, self.stamp(i.org_id), self.trace())
        self.save(i)
        return i

    def _secretary_act(self, actor: Identity, institution_id_: UUID, act) -> Institution:
        i = self.institution(institution_id_)
        require_secretary(actor, i.org_id, SECRETARY_ACTS)
        act(i, self.stamp(i.org_id), self.trace())
        self.save(i)
        return i

    def solicit(self, actor: Identity, institution_id_: UUID, until: dt.date) -> Institution:
        return self._secretary_act(actor, institution_id_, lambda i, o, t: i.solicit(until, self.today(), o, t))

    def receive_opinion(self, institution_id_: UUID, text: str) -> int:
        """The masses' opinion through the public link: anonymous, kept in the write model only."""
        i = self.institution(institution_id_)
        number = i.receive(text, self.today())
        self.save(i)
        return number

    def answer(self, actor: Identity, institution_id_: UUID, number: int, answer: str) -> Institution:
        return self._secretary_act(actor, institution_id_, lambda i, o, t: i.answer(number, answer, o, t))

    def adopt(
        self, actor: Identity, institution_id_: UUID, meeting_on: dt.date, attending: int, members: int
    ) -> Institution:
        return self._secretary_act(
            actor, institution_id_, lambda i, o, t: i.adopt(meeting_on, attending, members, actor.sub, o, t)
        )

    def publish(self, actor: Identity, institution_id_: UUID, channel: str) -> Institution:
        def act(i: Institution, o: dict, t: dict) -> None:
            adopted = next(e for e in reversed(self._adoptions(i.id)) if e.version == i.edition)
            i.publish(channel, adopted.meeting_on, self.today(), o, t)

        return self._secretary_act(actor, institution_id_, act)

    def _adoptions(self, institution_id_: UUID) -> list[Institution.Adopted]:
        return [e for e in self.repository.event_store.get(institution_id_) if isinstance(e, Institution.Adopted)]

    def revise(
        self,
        actor: Identity,
        institution_id_: UUID,
        title: str,
        focus: list[str],
        goal: str,
        content: str,
        measures: list[str],
        reason: str,
    ) -> Institution:
        def act(i: Institution, o: dict, t: dict) -> None:
            domain = self.directory.org(i.org_id).domain
            i.revise(domain, title, focus, goal, content, measures, reason, actor.sub, o, t)

        return self._secretary_act(actor, institution_id_, act)

    # 督查指导, 定期考核 (B2) --------------------------------------------------------------------------
    def inspect(self, actor: Identity, institution_id_: UUID, note: str) -> Institution:
        """督查指导: any superior or org dept whose scope holds the branch (leading or guiding, H3)."""
        i = self.institution(institution_id_)
        position = self.directory.position(i.org_id)
        if actor.role not in ("superior", "org_admin") or not oversees(actor, position):
            raise forbidden(
                actor,
                f"只有管辖 {i.org_id} 的上级党组织或组织部门可以督查指导",
                f"only a superior whose scope holds {i.org_id} inspects it",
                org=i.org_id,
            )
        i.inspect(note, actor.sub, self.today(), position.as_dict(), self.trace())
        self.save(i)
        return i

    def link_institution_evaluation(self, actor: Identity, institution_id_: UUID, round_id: str) -> Institution:
        """B2: the branch (its secretary) or its leading superior links the masses' evaluation round of it."""
        i = self.institution(institution_id_)
        org = self.directory.org(i.org_id)
        if not (actor.role == "secretary" and actor.org == i.org_id):
            require_leading(actor, org.position, org.leading_hierarchy, ("组织群众评议制度", "have it evaluated"))
        i.link_evaluation(round_id, actor.sub, org.position.as_dict(), self.trace())
        self.save(i)
        return i

    def assess(self, actor: Identity, institution_id_: UUID, period: str, grade: str, note: str) -> Institution:
        """定期考核实施情况: the leading superior (H3)."""
        i = self.institution(institution_id_)
        org = self.directory.org(i.org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("考核制度实施情况", "assess its institution"))
        i.assess(period, grade, note, actor.sub, org.position.as_dict(), self.trace())
        self.save(i)
        return i

    # 活动总结 (B5) ----------------------------------------------------------------------------------
    def issue_call(
        self, actor: Identity, scope: str, year: int, deadline: dt.date, min_length: int, issuer_org_id: str
    ) -> SummaryCall:
        parsed = parse_scope(scope)
        require_authority(
            actor, parsed, "只有上级党组织或组织部门可以部署活动总结", "only a superior or org dept calls for summaries"
        )
        issuer = self.directory.org(issuer_org_id)
        if self.exists(call_id(str(parsed), year)):
            raise broken_rule(
                "summary-call-exists",
                f"{parsed} 的 {year} 年度活动总结已部署，不能重复部署",
                f"Summaries of {year} were already called for in {parsed}",
            )
        call = SummaryCall.issue(
            scope=str(parsed),
            year=year,
            deadline=deadline,
            min_length=min_length,
            issuer_org_id=issuer_org_id,
            by=actor.sub,
            today=self.today(),
            org=issuer.position.as_dict(),
            trace=self.trace(),
        )
        self.save(call)
        return call

    def call(self, call_id_: UUID) -> SummaryCall:
        return self.load(call_id_, "summary-call", "活动总结通知")

    def submit(self, actor: Identity, call_id_: UUID, author_kind: str, org_id: str, text: str) -> Summary:
        """活动总结: a branch's by its secretary, a member's by the member."""
        call = self.call(call_id_)
        org = self.directory.org(org_id)
        if not Scope.parse(call.scope).contains(org.position):
            raise broken_rule(
                "summary-scope",
                f"{org_id} 不在该活动总结通知的范围 {call.scope} 内",
                f"{org_id} is outside the call's scope {call.scope}",
            )
        if author_kind == "org":
            require_secretary(actor, org_id, ("提交党支部活动总结", "submit the branch's summary"))
            author_id = org_id
        else:
            if actor.role != "member" or actor.org != org_id:
                raise forbidden(actor, "党员本人提交自己的活动总结", "a member submits her own summary", org=org_id)
            author_id = actor.sub
        if self.exists(summary_id(call.id, author_kind, author_id)):
            raise broken_rule(
                "summary-exists",
                "已提交过本年度活动总结；如被退回，请重新提交",
                "Already submitted; resubmit only when it was returned",
            )
        summary = Summary.submit(
            call=call,
            author_kind=author_kind,
            author_id=author_id,
            org_id=org_id,
            text=text,
            by=actor.sub,
            today=self.today(),
            org=org.position.as_dict(),
            trace=self.trace(),
        )
        self.save(summary)
        return summary

    def summary(self, summary_id_: UUID) -> Summary:
        return self.load(summary_id_, "summary", "活动总结")

    def send_back(self, actor: Identity, summary_id_: UUID, reason: str) -> Summary:
        s = self.summary(summary_id_)
        org = self.directory.org(s.org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("退回活动总结", "return the summary"))
        s.send_back(reason, actor.sub, org.position.as_dict(), self.trace())
        self.save(s)
        return s

    def resubmit(self, actor: Identity, summary_id_: UUID, text: str) -> Summary:
        s = self.summary(summary_id_)
        if (s.author_kind == "org" and not (actor.role == "secretary" and actor.org == s.org_id)) or (
            s.author_kind == "member" and actor.sub != s.author_id
        ):
            raise forbidden(actor, "只有原提交人可以重新提交", "only its author resubmits it", org=s.org_id)
        s.resubmit(self.call(UUID(s.call_id)), text, actor.sub, self.today(), self.stamp(s.org_id), self.trace())
        self.save(s)
        return s

    # 专题组织生活会 (B3, B4) ------------------------------------------------------------------------------
    def meeting(self, org_id: str, year: int) -> Meeting:
        return self.load(meeting_id(org_id, year), "meeting", "组织生活会")

    def _meeting_act(self, actor: Identity, org_id: str, year: int, act, member_id: str | None = None) -> Meeting:
        """The secretary records the meeting; a member may record her own self-criticism and measures."""
        org = self.directory.org(org_id)
        if not (member_id and actor.role == "member" and actor.org == org_id and actor.sub == member_id):
            require_secretary(actor, org_id, ("记录本支部的组织生活会", "record the branch's meeting"))
        mid = meeting_id(org_id, year)
        m = (
            self.repository.get(mid)
            if self.exists(mid)
            else Meeting.open(org_id, year, org.position.as_dict(), self.trace())
        )
        act(m, org.position.as_dict(), self.trace())
        self.save(m)
        return m

    def record_step(self, actor: Identity, org_id: str, year: int, step: str, on: dt.date, note: str) -> Meeting:
        return self._meeting_act(actor, org_id, year, lambda m, o, t: m.record_step(step, on, note, o, t))

    def feed_back(self, actor: Identity, org_id: str, year: int, member_id: str, opinions: str) -> Meeting:
        self._member_of(org_id, member_id)
        return self._meeting_act(actor, org_id, year, lambda m, o, t: m.feed_back(member_id, opinions, o, t))

    def hold(
        self, actor: Identity, org_id: str, year: int, held_on: dt.date, attending: list[str], excused: dict[str, str]
    ) -> Meeting:
        members = self.directory.members_of(org_id)
        ids = [m.member_id for m in members]
        cadres = [m.member_id for m in members if m.leading_cadre]
        return self._meeting_act(
            actor, org_id, year, lambda m, o, t: m.hold(held_on, attending, ids, cadres, excused, o, t)
        )

    def self_criticise(self, actor: Identity, org_id: str, year: int, member_id: str, text: str) -> Meeting:
        return self._meeting_act(
            actor, org_id, year, lambda m, o, t: m.self_criticise(member_id, text, o, t), member_id=member_id
        )

    def comment(self, actor: Identity, org_id: str, year: int, member_id: str, comment: str) -> Meeting:
        return self._meeting_act(actor, org_id, year, lambda m, o, t: m.comment(member_id, comment, o, t))

    def set_measures(self, actor: Identity, org_id: str, year: int, member_id: str, measures: list[str]) -> Meeting:
        return self._meeting_act(
            actor, org_id, year, lambda m, o, t: m.set_measures(member_id, measures, o, t), member_id=member_id
        )

    def conclude(self, actor: Identity, org_id: str, year: int) -> Meeting:
        return self._meeting_act(actor, org_id, year, lambda m, o, t: m.conclude(o, t))

    def _member_of(self, org_id: str, member_id: str) -> None:
        if self.directory.member(member_id).org_id != org_id:
            raise broken_rule(
                "meeting-member", f"{member_id} 不是 {org_id} 的党员", f"{member_id} is not a member of {org_id}"
            )

    # 述职评议 (B6, G9) --------------------------------------------------------------------------------
    def debrief(self, actor: Identity, org_id: str, year: int, text: str) -> Debrief:
        """The secretary's 述职, with the grading results of the orgs the org leads attached (G9)."""
        org = self.directory.org(org_id)
        require_secretary(actor, org_id, ("述职", "report (述职)"))
        if self.exists(debrief_id(org_id, year)):
            raise broken_rule("debrief-exists", f"{org_id} 已完成 {year} 年度述职", f"{org_id} has reported for {year}")
        d = Debrief.report(
            org_id=org_id,
            year=year,
            level=level_of(org.org_type, org.local_path),
            text=text,
            grading=grades_led(self.views, org, year),
            by=actor.sub,
            org=org.position.as_dict(),
            trace=self.trace(),
        )
        self.save(d)
        return d

    def link_evaluation(self, actor: Identity, org_id: str, year: int, round_id: str) -> Debrief:
        """The leading superior links the 述职评议 round it opened in the evaluations service (E6)."""
        d: Debrief = self.load(debrief_id(org_id, year), "debrief", "述职")
        org = self.directory.org(org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("组织述职评议", "evaluate the 述职"))
        d.link_evaluation(round_id, actor.sub, org.position.as_dict(), self.trace())
        self.save(d)
        return d
