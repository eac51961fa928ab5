"""The evaluations write model: commands check the actor (shared.auth), the directory replica and the
aggregate, then record events — or refuse and record nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from shared.application import ServiceApplication, retried
from shared.auth import (
    Identity,
    forbidden,
    require_leading,
    require_scope,
    require_secretary,
    require_sees,
    sees_result,
    withhold,
)
from shared.errors import Invalid, invalid, not_found
from shared.scope import Scope

from .domain import SUBJECT_TYPES, EvaluationRound, PledgePolicy, Window, round_id_for
from .queries import pledge_row

if TYPE_CHECKING:
    pass

PLEDGE_WEIGHTS = {"self": 0.2, "peer": 0.3, "mass": 0.2, "leader": 0.3}  # P7 default mix, when no policy applies
PLEDGE_PERIOD_DAYS = 14
PLEDGE_MIN_PARTICIPATION = 0.5
ROW_RESULT = ("score", "grade", "modes")  # a read-model row's result: mode scores are under "modes"


class EvaluationsApp(ServiceApplication):
    # who may ---------------------------------------------------------------------------------
    def _org(self, org_id: str):
        return self.directory.org(org_id)

    def require_organiser(self, actor: Identity, org_id: str, doing: tuple[str, str]) -> None:
        """A base org (its secretary) or its leading superior organises 评议 (H3); ``doing`` names the act."""
        if actor.role == "secretary" and actor.org == org_id:
            return
        org = self._org(org_id)
        if actor.role in ("superior", "org_admin"):
            require_leading(actor, org.position, org.leading_hierarchy, doing)
            return
        raise forbidden(
            actor,
            f"只有 {org_id} 的党组织书记或领导该组织的上级党组织可以{doing[0]}",
            f"only the secretary of {org_id} or a superior leading it may {doing[1]}",
            org=org_id,
        )

    def subject_org(self, subject_type: str, subject_id: str) -> str:
        if subject_type == "member":
            return self.directory.member(subject_id).org_id
        if subject_type == "org":
            return self._org(subject_id).org_id
        if subject_type == "window":
            return self.window(subject_id).org_id
        if subject_type == "pledge":
            row = pledge_row(self.views, subject_id)
            if row is None:
                raise unknown_pledge(subject_id)
            return row["org_id"]
        raise invalid(
            "round-subject",
            f"评议对象类型 {subject_type} 无效，请选择 {'、'.join(SUBJECT_TYPES)} 之一",
            f"Unknown subject type {subject_type}; choose one of {', '.join(SUBJECT_TYPES)}",
        )

    # rounds ----------------------------------------------------------------------------------
    def open_round(
        self,
        actor: Identity | None,
        *,
        subject_type: str,
        subject_id: str,
        purpose: str,
        year: int,
        modes: dict[str, float],
        start: dt.date,
        end: dt.date,
        min_participation: float,
        eligible: int,
        publish: bool,
        round_id: UUID | None = None,
        policy: str | None = None,
        scale: dict[str, float] | None = None,
    ) -> EvaluationRound:
        """E6; with a deterministic ``round_id`` opening an existing round is a no-op (P7, E7)."""
        org_id = self.subject_org(subject_type, subject_id)
        if actor is not None:
            self.require_organiser(actor, org_id, ("开展评议", "open an evaluation round"))
        if round_id is not None and self.exists(round_id):
            return self.round(round_id)
        r = EvaluationRound.open(
            round_id=round_id or uuid4(),
            org=self.stamp(org_id),
            trace=self.trace(),
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose,
            year=year,
            modes=modes,
            start=start,
            end=end,
            min_participation=min_participation,
            eligible=eligible,
            publish=publish,
            policy=policy,
            scale=scale,
        )
        self.save(r)
        return r

    def round(self, round_id: UUID) -> EvaluationRound:
        found = self.load(round_id, "round", "评议")
        if not isinstance(found, EvaluationRound):  # another aggregate's id
            raise not_found(
                "round-not-found",
                f"评议不存在：没有编号为 {round_id} 的评议，请核对编号",
                f"Round not found: there is no round {round_id}; check the id",
            )
        return found

    @retried()  # a concurrent vote on the same round: reload and let the aggregate judge again
    def _act(
        self,
        round_id: UUID,
        check: Callable[[EvaluationRound], None],
        do: Callable[[EvaluationRound, dict, dict], None],
    ) -> EvaluationRound:
        r = self.round(round_id)
        check(r)
        do(r, self.stamp(r.org_id), self.trace())
        self.save(r)
        return r

    def require_rater(self, actor: Identity, r: EvaluationRound, mode: str) -> None:
        """Who rates in which mode (P7, E4): 自评 the subject, 互评 fellow members, 点评 the secretary or a
        superior (leading or guiding: H3 lets guiding superiors comment), 群众评议 only anonymously (E5)."""
        org = self._org(r.org_id)
        if mode == "mass":
            raise forbidden(
                actor,
                "群众评议只能通过本轮的二维码链接匿名参与 (E5)，不能用账号评分；请按您的身份参加其他评议方式",
                "mass ratings are anonymous, through the round's QR link (E5); rate in your own mode here",
            )
        subjects = self.subject_members(r)
        if mode == "self":
            if actor.role == "member" and "self" in self.member_modes(actor.sub, r):
                return
            if not subjects and actor.role == "secretary" and actor.org == r.org_id:  # an org, a window, an org pledge
                return
            raise forbidden(
                actor,
                "只有被评对象本人可以自评（个人自评），请选择其他评议方式",
                "only the subject rates itself (个人自评); rate in another mode",
            )
        if mode == "peer":
            if actor.role == "member" and "peer" in self.member_modes(actor.sub, r):
                return
            raise forbidden(
                actor,
                f"只有 {r.org_id} 的其他党员（被评对象本人除外）可以参加党员互评",
                f"only fellow members of {r.org_id}, not the subject, rate each other (党员互评)",
            )
        if actor.role == "secretary" and actor.org == r.org_id:
            return
        if actor.role in ("superior", "org_admin"):
            require_sees(actor, org.position)
            return
        raise forbidden(
            actor,
            f"领导点评只能由 {r.org_id} 的党组织书记或上级党组织作出，请选择其他评议方式",
            f"the leader's comment (领导点评) is given by the secretary of {r.org_id} or a superior",
        )

    def member_modes(self, member_id: str, r: EvaluationRound, fellows: set[str] | None = None) -> list[str]:
        """How a member may rate a round with an account (P7, E4): 自评 their own round (or their pledge's),
        互评 a fellow member's of the round's org; nothing otherwise (mass only anonymously, E5)."""
        if member_id in self.subject_members(r):
            return ["self"]
        if fellows is None:
            fellows = {m.member_id for m in self.directory.members_of(r.org_id)}
        return ["peer"] if member_id in fellows else []

    def to_rate(self, member_id: str, org_id: str, round_ids: list[str]) -> list[tuple[EvaluationRound, str, bool]]:
        """待我评议: of the org's rounds listed open, those open today (write model) with each mode the member
        rates them in and whether the member already did (E5: one vote per mode)."""
        today, fellows = self.today(), {m.member_id for m in self.directory.members_of(org_id)}
        found = []
        for round_id in round_ids:
            r = self.round(UUID(round_id))
            if r.state != "open" or not dt.date.fromisoformat(r.start) <= today <= dt.date.fromisoformat(r.end):
                continue
            for mode in self.member_modes(member_id, r, fellows):
                if mode in r.modes:
                    found.append((r, mode, member_id in r.raters.get(mode, [])))
        return found

    def subject_members(self, r: EvaluationRound) -> list[str]:
        return self.members_evaluated(r.subject_type, r.subject_id)

    def members_evaluated(self, subject_type: str, subject_id: str) -> list[str]:
        """The members a result is fed back to (E6): the evaluated member, or a pledge's pledgers."""
        if subject_type == "member":
            return [subject_id]
        if subject_type == "pledge":
            row = pledge_row(self.views, subject_id)
            return row["member_ids"] if row else []
        return []

    def as_seen_by(self, who: Identity, round_: dict, result: tuple[str, ...] = ROW_RESULT) -> dict:
        """E6: a round (its view or read-model row) as ``who`` may read it — an unpublished result only for the
        member(s) evaluated, the org's secretary and whoever oversees the org; others see the round without it."""
        subjects = self.members_evaluated(round_["subject_type"], round_["subject_id"])
        if sees_result(who, self.directory.position(round_["org_id"]), subjects, bool(round_["publish"])):
            return round_
        return withhold(round_, result)

    def rate(self, actor: Identity, round_id: UUID, mode: str, score: float) -> EvaluationRound:
        today = self.today()
        return self._act(
            round_id,
            lambda r: self.require_rater(actor, r, mode),
            lambda r, o, t: r.rate(mode, actor.sub, score, today, o, t),
        )

    def vote_mass(self, round_id: UUID, ballot_hash: str, device_hash: str, satisfaction: str) -> EvaluationRound:
        """E5: an anonymous vote on the round's satisfaction scale; the ballot and the device are each one vote."""
        today = self.today()
        return self._act(
            round_id,
            lambda r: None,
            lambda r, o, t: r.rate(
                "mass", f"ballot:{ballot_hash}", r.scale_score(satisfaction), today, o, t, device=device_hash
            ),
        )

    def close_round(self, actor: Identity | None, round_id: UUID) -> EvaluationRound:
        """By hand (organiser; only once 参与面 is met before the end date) or by the scheduler (actor None)."""
        today = self.today()

        def check(r: EvaluationRound) -> None:
            if actor is not None:
                self.require_organiser(actor, r.org_id, ("结束评议", "close the round"))

        return self._act(round_id, check, lambda r, o, t: r.close(today, o, t))

    def open_democratic(
        self,
        actor: Identity,
        org_id: str,
        *,
        year: int,
        modes: dict[str, float],
        start: dt.date,
        end: dt.date,
        min_participation: float,
        publish: bool,
    ) -> list[EvaluationRound]:
        """E7 民主评议党员: one round per member of the org, idempotent per (org, member, year)."""
        self.require_organiser(actor, org_id, ("开展民主评议党员", "open 民主评议"))
        members = self.directory.members_of(org_id)
        if not members:
            raise invalid(
                "no-members",
                f"{org_id} 在组织目录中没有党员，无从开展民主评议；请先在目录中登记党员",
                f"{org_id} has no members in the directory; import its members first",
            )
        # the first round validates the shared parameters, so a bad request records nothing at all
        return [
            self.open_round(
                None,
                subject_type="member",
                subject_id=m.member_id,
                purpose="democratic",
                year=year,
                modes=modes,
                start=start,
                end=end,
                min_participation=min_participation,
                eligible=len(members),
                publish=publish,
                round_id=round_id_for(f"democratic:{org_id}:{m.member_id}:{year}"),
            )
            for m in members
        ]

    def open_pledge_round(self, pledge_id: str) -> EvaluationRound:
        """P7: the round a pledge needs, opened by the system; idempotent (uuid5 of the pledge id)."""
        row = pledge_row(self.views, pledge_id)
        if row is None:
            raise unknown_pledge(pledge_id)
        today = self.today()
        eligible = max(1, len(self.directory.members_of(row["org_id"])))
        policy = self.policy_for(row["org_id"])
        modes, days, minimum = (
            (policy.modes, policy.period_days, policy.min_participation)
            if policy
            else (PLEDGE_WEIGHTS, PLEDGE_PERIOD_DAYS, PLEDGE_MIN_PARTICIPATION)
        )
        return self.open_round(
            None,
            subject_type="pledge",
            subject_id=pledge_id,
            purpose="pledge",
            year=row["year"],
            modes=modes,
            start=today,
            end=today + dt.timedelta(days=days),
            min_participation=minimum,
            eligible=eligible,
            publish=True,
            round_id=pledge_round_id(pledge_id),
            policy=policy.reference if policy else None,
        )

    # pledge evaluation policy (P7) -------------------------------------------------------------
    def set_pledge_policy(
        self, actor: Identity, scope: Scope, modes: dict[str, float], period_days: int, min_participation: float
    ) -> PledgePolicy:
        """A superior or organisation dept sets how pledges under its scope are evaluated (P7)."""
        if actor.role not in ("superior", "org_admin"):
            raise forbidden(
                actor,
                "只有上级党组织或组织部门可以设定评诺办法",
                "only a superior or an organisation dept sets the pledge evaluation policy",
            )
        require_scope(actor, scope)
        key = str(scope)
        policy = (
            self.repository.get(PledgePolicy.id_for(key))
            if self.exists(PledgePolicy.id_for(key))
            else PledgePolicy.create(key)
        )
        policy.set(modes, period_days, min_participation)
        self.save(policy)
        return policy

    def policy_for(self, org_id: str) -> PledgePolicy | None:
        """The most specific policy of the org's *leading* hierarchy (H3) whose scope contains the org."""
        org = self._org(org_id)
        hierarchy = org.leading_hierarchy
        path = org.position.local if hierarchy == "local" else org.position.vertical
        for depth in range(len(path), -1 if hierarchy == "local" else 0, -1):
            key = str(Scope(hierarchy, tuple(path[:depth])))  # type: ignore[arg-type]
            if self.exists(PledgePolicy.id_for(key)):
                return self.repository.get(PledgePolicy.id_for(key))
        return None

    # windows (E1–E3) -------------------------------------------------------------------------
    def window(self, window_id: str) -> Window:
        found = self.load(Window.id_for(window_id), "window", "窗口")
        assert isinstance(found, Window)  # the id is derived from the window id: nothing else can hold it
        return found

    def register_window(self, actor: Identity, window_id: str, org_id: str, name: str) -> Window:
        self.require_organiser(actor, org_id, ("登记窗口单位", "register a window"))
        if self.exists(Window.id_for(window_id)):
            raise invalid(
                "window-exists",
                f"窗口编号 {window_id} 已被登记，请换一个编号",
                f"Window {window_id} is registered already; choose another id",
            )
        w = Window.register(window_id, org_id, name, self.stamp(org_id), self.trace())
        self.save(w)
        return w

    def disclose(self, actor: Identity, window_id: str, show: str, title: str, content: str) -> Window:
        w = self.window(window_id)
        require_secretary(actor, w.org_id, ("发布三亮内容", "publish disclosures"))
        w.disclose(show, title, content, self.today(), self.stamp(w.org_id), self.trace())
        self.save(w)
        return w

    def score_contest(
        self, actor: Identity, window_id: str, contest: str, label: str, target: str, score: float
    ) -> Window:
        w = self.window(window_id)
        self.require_organiser(actor, w.org_id, ("登记三比成绩", "record contest scores"))
        if target != window_id:
            member = self.directory.member(target)
            if member.org_id != w.org_id:
                raise invalid(
                    "contest-target",
                    f"三比对象须为窗口 {window_id} 本身或 {w.org_id} 的党员，{target} 属于 {member.org_id}",
                    f"The target is the window {window_id} or a member of {w.org_id}; {target} belongs to "
                    f"{member.org_id}",
                )
        w.score_contest(contest, label, target, score, self.stamp(w.org_id), self.trace())
        self.save(w)
        return w


def unknown_pledge(pledge_id: str) -> Invalid:
    return invalid(
        "round-subject",
        f"承诺 {pledge_id} 不存在或尚未同步到评议服务，请核对编号，或稍后再试",
        f"Pledge {pledge_id} is unknown here (or not synchronised yet); check the id or retry shortly",
    )


def pledge_round_id(pledge_id: str) -> UUID:
    return round_id_for(f"pledge:{pledge_id}")
