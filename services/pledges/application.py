"""The pledges write model: commands check the actor (shared.auth), the directory replica and the
aggregate, then record events — or refuse and record nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from uuid import UUID, uuid5

from shared.application import ServiceApplication
from shared.auth import Identity, require_member_or_secretary, require_secretary, sees_result, withhold
from shared.errors import Invalid, Refused, broken_rule, invalid

from .domain import OrgPledgeBook, Pledge, check_pledgers

IDEMPOTENCY_NS = UUID("9a4c1d2e-7b3f-4e5a-8c6d-1f2e3d4c5b6a")


class PledgesApp(ServiceApplication):
    # 提诺 ------------------------------------------------------------------------------------
    def propose(
        self,
        actor: Identity,
        *,
        org_id: str,
        pledger_kind: str,
        member_ids: list[str],
        kind: str,
        items: list[dict],
        year: int | None = None,
        due: dt.date | None = None,
        trigger: str | None = None,
        masses: str | None = None,
        supports: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """提诺. With an ``idempotency_key`` a retried request returns the pledge it already made."""
        pledge_id = uuid5(IDEMPOTENCY_NS, f"{actor.sub}:{idempotency_key}") if idempotency_key else None
        if pledge_id and self.exists(pledge_id):
            return pledge_id
        check_pledgers(pledger_kind, member_ids, masses)
        org = self.directory.org(org_id)
        if pledger_kind == "org":
            require_secretary(actor, org_id, ("以党组织名义承诺", "pledge in the org's name"))  # P1 党组织承诺
        else:
            require_member_or_secretary(actor, org_id, member_ids, doing=("提出承诺", "make this pledge"))
        members = [self.directory.member(m) for m in dict.fromkeys(member_ids)]
        for m in members:
            if m.org_id != org_id:
                raise not_in_org(m.member_id, m.org_id, org_id)
        post = None
        host_org = None
        if pledger_kind == "individual":
            m = members[0]
            post = m.post or self._assigned_post(org_id, m.member_id)
            if not post:  # P6 设岗定责: members with no fixed post get one first and pledge by it
                raise refuse_no_post(m.member_id)
            host_org = m.location_org_id if m.status == "mobile" else None  # P6 流动党员
        if supports:
            self._check_supports(UUID(supports), org_id)
        today = self.today()
        pledge = Pledge.propose(
            org=org.position.as_dict(),
            trace=self.trace(),
            pledger_kind=pledger_kind,
            member_ids=[m.member_id for m in members],
            kind=kind,
            year=year or today.year,
            items=items,
            due=due,
            trigger=trigger,
            masses=masses,
            post=post,
            host_org=host_org,
            leading=pledger_kind == "org" or any(m.leading_cadre for m in members),  # P12
            exempt_members=[m.member_id for m in members if m.status == "exempt"],
            supports=supports,
            today=today,
            pledge_id=pledge_id,
        )
        self.save(pledge)
        return pledge.id

    def _check_supports(self, org_pledge_id: UUID, org_id: str) -> None:
        """P1/P12: a member's pledge may back an org pledge of the same org."""
        target: Pledge = self.load(org_pledge_id, "pledge", "承诺")
        if target.pledger_kind != "org" or target.org_id != org_id:
            raise invalid(
                "supports",
                f"supports 须为本组织（{org_id}）的党组织承诺编号",
                f"supports names an org pledge of the same org ({org_id})",
            )

    def _assigned_post(self, org_id: str, member_id: str) -> str | None:
        return self.posts_of(org_id).get(member_id)

    def posts_of(self, org_id: str) -> dict[str, str]:
        """设岗定责 (P6): ``{member id: post}`` set for the org's members."""
        book = self._book(org_id)
        return dict(book.posts) if book else {}

    def _book(self, org_id: str) -> OrgPledgeBook | None:
        return self.repository.get(OrgPledgeBook.id_for(org_id)) if self.exists(OrgPledgeBook.id_for(org_id)) else None

    def assign_post(self, actor: Identity, org_id: str, member_id: str, post: str, duties: str) -> None:
        """设岗定责 (P6)."""
        require_secretary(actor, org_id, ("设岗定责", "set posts"))
        member = self.directory.member(member_id)
        if member.org_id != org_id:
            raise not_in_org(member_id, member.org_id, org_id)
        stamp = self.stamp(org_id)
        book = self._book(org_id) or OrgPledgeBook.open(org_id, stamp, self.trace())
        book.assign_post(member_id, post, duties, stamp, self.trace())
        self.save(book)

    # the rest of the lifecycle -----------------------------------------------------------------
    def get(self, pledge_id: UUID) -> Pledge:
        return self.load(pledge_id, "pledge", "承诺")

    def ledger_as_seen_by(self, who: Identity, ledger: dict) -> dict:
        """E6 on the ledger: a pledge's unpublished evaluation is for its pledgers, the org's secretary and
        whoever oversees the org; the org's other members see the pledge with its score and grade withheld."""
        for row in ledger["items"]:
            ev = row["evaluation"]
            if ev and not sees_result(who, self.directory.position(row["org_id"]), row["member_ids"], ev["published"]):
                row["evaluation"] = withhold(ev, ("score", "grade"))
        return ledger

    def _act(
        self, pledge_id: UUID, check: Callable[[Pledge], None], do: Callable[[Pledge, dict, dict], None]
    ) -> Pledge:
        pledge = self.get(pledge_id)
        check(pledge)
        do(pledge, self.stamp(pledge.org_id), self.trace())
        self.save(pledge)
        return pledge

    def approve(self, actor: Identity, pledge_id: UUID) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_secretary(actor, p.org_id, ("审核承诺", "review pledges")),
            lambda p, o, t: p.approve(actor.sub, o, t),
        )

    def return_for_revision(self, actor: Identity, pledge_id: UUID, reasons: str) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_secretary(actor, p.org_id, ("审核承诺", "review pledges")),
            lambda p, o, t: p.return_for_revision(reasons, o, t),
        )

    def revise(self, actor: Identity, pledge_id: UUID, items: list[dict], due: dt.date | None) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_member_or_secretary(actor, p.org_id, p.member_ids, doing=("修改承诺", "revise it")),
            lambda p, o, t: p.revise(items, due, o, t),
        )

    def publicise(self, actor: Identity, pledge_id: UUID, channel: str) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_secretary(actor, p.org_id, ("公开承诺", "publicise pledges")),
            lambda p, o, t: p.publicise(channel, o, t),
        )

    def report_progress(self, actor: Identity, pledge_id: UUID, text: str, evidence: list[str]) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_member_or_secretary(
                actor, p.org_id, p.member_ids, doing=("报告践诺进展", "report progress")
            ),
            lambda p, o, t: p.report_progress(text, evidence, o, t),
        )

    def complete(self, actor: Identity, pledge_id: UUID, summary: str) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_member_or_secretary(actor, p.org_id, p.member_ids, doing=("报告践诺完成", "complete it")),
            lambda p, o, t: p.complete(summary, o, t),
        )

    def mark_unfulfilled(self, actor: Identity, pledge_id: UUID, reason: str) -> Pledge:
        return self._act(
            pledge_id,
            lambda p: require_secretary(actor, p.org_id, ("认定承诺未兑现", "mark pledges unfulfilled")),
            lambda p, o, t: p.mark_unfulfilled(reason, o, t),
        )

    def remind(self, pledge_id: UUID) -> Pledge:
        """督促, as the scheduler does it (no actor: the system reminds)."""
        today = self.today()
        return self._act(
            pledge_id, lambda p: None, lambda p, o, t: p.remind(today, self.settings.reminder_interval_days, o, t)
        )


def refuse_no_post(member_id: str) -> Refused:
    return broken_rule(
        "no-post",
        f"党员 {member_id} 没有固定岗位，尚未设岗定责：请党组织书记先为其设岗定责，再按岗位承诺 (P6)",
        f"Member {member_id} has no fixed post: the org's secretary sets one first (设岗定责), then the member "
        "pledges by it (P6)",
    )


def not_in_org(member_id: str, member_org: str, org_id: str) -> Invalid:
    return invalid(
        "member-org",
        f"党员 {member_id} 属于 {member_org}，不属于 {org_id}：请只填写 {org_id} 的党员",
        f"Member {member_id} belongs to {member_org}, not {org_id}: name members of {org_id} only",
    )
