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
    refuse,
    require_leading,
    require_scope,
    require_secretary,
    require_sees,
    sees_result,
    withhold,
)
from shared.errors import Invalid, NotFound
from shared.scope import Scope

from .domain import EvaluationRound, PledgePolicy, Window, round_id_for
from .projections import pledge_row

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

    def require_organiser(self, actor: Identity, org_id: str) -> None:
        """A base org (its secretary) or its leading superior organises 评议 (H3)."""
        if actor.role == "secretary" and actor.org == org_id:
            return
        org = self._org(org_id)
        require_leading(actor, org.position, org.leading_hierarchy)

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
                raise Invalid(
                    f"pledge {subject_id} is not known here (yet)",
                    slug="round-subject",
                    title_zh="承诺不存在或尚未同步",
                    title_en="Unknown pledge",
                )
            return row["org_id"]
        raise Invalid(f"unknown subject type {subject_type}", slug="round-subject", title_zh="评议对象类型无效")

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
            self.require_organiser(actor, org_id)
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
        found = self.load(round_id, "round")
        if not isinstance(found, EvaluationRound):  # another aggregate's id
            raise NotFound(
                f"round {round_id} not found", slug="round-not-found", title_zh="评议不存在", title_en="Round not found"
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
            raise refuse(
                actor,
                "mass ratings are anonymous, through the round's QR link (E5)",
                "群众评议通过本轮二维码链接匿名参与 (E5)",
            )
        subjects = self.subject_members(r)
        if mode == "self":
            if subjects and actor.role == "member" and actor.sub in subjects:
                return
            if not subjects and actor.role == "secretary" and actor.org == r.org_id:  # an org, a window, an org pledge
                return
            raise refuse(actor, "only the subject rates itself (个人自评)", "只有被评对象本人可以自评")
        if mode == "peer":
            fellows = {m.member_id for m in self.directory.members_of(r.org_id)}
            if actor.role == "member" and actor.sub in fellows and actor.sub not in subjects:
                return
            raise refuse(
                actor,
                f"only fellow members of {r.org_id} rate each other (党员互评)",
                f"只有 {r.org_id} 的其他党员可以互评",
            )
        if actor.role == "secretary" and actor.org == r.org_id:
            return
        if actor.role in ("superior", "org_admin"):
            require_sees(actor, org.position)
            return
        raise refuse(actor, "领导点评 is given by the secretary or a superior", "领导点评由党组织书记或上级党组织作出")

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
                self.require_organiser(actor, r.org_id)

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
        self.require_organiser(actor, org_id)
        members = self.directory.members_of(org_id)
        if not members:
            raise Invalid(f"{org_id} has no members", slug="no-members", title_zh="该组织没有党员")
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
            raise Invalid(f"pledge {pledge_id} is not known here", slug="round-subject", title_zh="承诺不存在")
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
            raise refuse(
                actor,
                "only a superior or an organisation dept sets evaluation policy",
                "只有上级党组织或组织部门可以设定评议办法",
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
        found = self.load(Window.id_for(window_id), "window")
        assert isinstance(found, Window)  # the id is derived from the window id: nothing else can hold it
        return found

    def register_window(self, actor: Identity, window_id: str, org_id: str, name: str) -> Window:
        self.require_organiser(actor, org_id)
        if self.exists(Window.id_for(window_id)):
            raise Invalid(f"window {window_id} exists", slug="window-exists", title_zh="窗口编号已存在")
        w = Window.register(window_id, org_id, name, self.stamp(org_id), self.trace())
        self.save(w)
        return w

    def disclose(self, actor: Identity, window_id: str, show: str, title: str, content: str) -> Window:
        w = self.window(window_id)
        require_secretary(actor, w.org_id)
        w.disclose(show, title, content, self.today(), self.stamp(w.org_id), self.trace())
        self.save(w)
        return w

    def score_contest(
        self, actor: Identity, window_id: str, contest: str, label: str, target: str, score: float
    ) -> Window:
        w = self.window(window_id)
        self.require_organiser(actor, w.org_id)
        if target != window_id:
            member = self.directory.member(target)
            if member.org_id != w.org_id:
                raise Invalid(
                    f"{target} is neither the window nor one of its members",
                    slug="contest-target",
                    title_zh="比赛对象须为本窗口或其党员",
                )
        w.score_contest(contest, label, target, score, self.stamp(w.org_id), self.trace())
        self.save(w)
        return w


def pledge_round_id(pledge_id: str) -> UUID:
    return round_id_for(f"pledge:{pledge_id}")
