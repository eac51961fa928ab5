"""The awards write model 评比表彰: commands check the actor (shared.auth, H3), the directory replica, the
facts projected from other services (A4) and the aggregates, then record events — or refuse, recording nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from shared.application import ServiceApplication
from shared.auth import (
    Identity,
    refuse,
    require_authority,
    require_leading,
    require_member_or_secretary,
    require_scope,
    require_secretary,
    require_sees,
    sees_private,
    sees_subtree,
)
from shared.directory.replica import OrgRecord
from shared.errors import Invalid, Refused, broken_rule
from shared.scope import Scope, parse_scope

from .campaign import Campaign
from .domain import SUBJECTS, leading_chain
from .eligibility import assess
from .exemplars import LEARNERS, Exemplar, Study, exemplar_id
from .facts import Facts
from .nomination import Nomination

DECIDERS = ("superior", "org_admin")


class AwardsApp(ServiceApplication):
    @property
    def facts(self) -> Facts:
        return Facts(self.views)  # the facts live beside the directory replica, in this service's store

    # 表彰活动 A1 --------------------------------------------------------------------------------------
    def open_campaign(
        self,
        actor: Identity,
        *,
        opener_org_id: str,
        scope: str,
        name: str,
        kind: str,
        year: int,
        titles: list[dict],
        nomination_until: dt.date,
        publicity_from: dt.date,
        publicity_until: dt.date,
        grant_on: dt.date,
    ) -> UUID:
        """An org dept or superior opens a campaign for a subtree it holds, in the opener's leading hierarchy."""
        parsed = parse_scope(scope)
        self._require_decider(actor)
        require_scope(actor, parsed)
        opener = self._org(opener_org_id)
        if opener.leading_hierarchy != parsed.hierarchy or not parsed.contains(opener.position):
            raise Invalid(
                f"{opener_org_id} is not an org of the {parsed} subtree in its leading hierarchy (H3)",
                slug="campaign-opener",
            )
        campaign = Campaign.open(
            org=opener.position.as_dict(),
            trace=self.trace(),
            name=name,
            kind=kind,
            year=year,
            scope=str(parsed),
            opener_org_id=opener_org_id,
            titles=titles,
            nomination_until=nomination_until,
            publicity_from=publicity_from,
            publicity_until=publicity_until,
            grant_on=grant_on,
            opened_by=actor.sub,
            today=self.today(),
        )
        self.save(campaign)
        return campaign.id

    def campaign(self, campaign_id: UUID | str) -> Campaign:
        return self.load(UUID(str(campaign_id)), "campaign")

    # reading (H4, E6) -------------------------------------------------------------------------------
    def require_sees_campaign(self, who: Identity, campaign: Campaign) -> None:
        """A campaign is read from a scope at, above or inside its own, or from an org inside it (which may be
        nominated in it); a downstream system only subscribes."""
        scope = Scope.parse(campaign.scope)
        if sees_subtree(who, scope):
            return
        if who.role != "downstream" and who.org is not None and scope.contains(self.directory.position(who.org)):
            return
        require_sees(who, self.directory.position(campaign.opener_org_id))

    def overrides_seen_by(self, who: Identity, campaign: Campaign) -> dict:
        """An override says a nominee fell short (A4): it is the nominee's record — for a member, private to the
        member, the org's secretary and whoever oversees the org; for an org, for who sees the org."""
        seen = {}
        for key, override in campaign.overrides.items():
            _, nominee_type, nominee_id = key.rsplit("|", 2)
            org = self._nominee_org(nominee_type, nominee_id)
            if self.sees_nominee(who, nominee_type, nominee_id, org.org_id):
                seen[key] = override
        return seen

    def sees_nominee(self, who: Identity, nominee_type: str, nominee_id: str, org_id: str) -> bool:
        """Whether ``who`` reads what a nominee's record says about it (its eligibility, an override)."""
        position = self.directory.position(org_id)
        if nominee_type == "member":
            return sees_private(who, position, [nominee_id])
        return who.role != "downstream" and who.sees(position)

    def nominee_name(self, nominee_type: str, nominee_id: str, org_id: str) -> str:
        """How a nominee is named to people (A5): an org by its name; a member — until the directory holds
        members' names — by id and org."""
        org_name = self._org(org_id).name
        return org_name if nominee_type == "org" else f"党员 {nominee_id}（{org_name}）"

    def _require_decider(self, actor: Identity) -> None:
        if actor.role not in DECIDERS:
            raise refuse(
                actor, "only a superior or an organisation department may do this", "只有上级党组织或组织部门可以操作"
            )

    def _require_authority(self, actor: Identity, campaign: Campaign) -> None:
        """The campaign's opening authority: a decider holding the campaign's scope (or a wider one)."""
        require_authority(
            actor,
            Scope.parse(campaign.scope),
            "only the campaign's opening authority may do this",
            "只有开展表彰活动的党组织可以操作",
        )

    def record_override(
        self, actor: Identity, campaign_id: UUID, *, title: str, nominee_type: str, nominee_id: str, reason: str
    ) -> Campaign:
        """A4: a recorded override lets an ineligible nominee be nominated."""
        campaign = self.campaign(campaign_id)
        self._require_authority(actor, campaign)
        self._nominee_org(nominee_type, nominee_id)
        campaign.record_override(
            title,
            nominee_type,
            nominee_id,
            reason,
            actor.sub,
            self.today(),
            self.stamp(campaign.opener_org_id),
            self.trace(),
        )
        self.save(campaign)
        return campaign

    # 推荐申报与层层推荐 A3, A4 --------------------------------------------------------------------------
    def _org(self, org_id: str) -> OrgRecord:
        return self.directory.org(org_id)

    def _nominee_org(self, nominee_type: str, nominee_id: str) -> OrgRecord:
        if nominee_type not in SUBJECTS:
            raise Invalid(f"nominee_type must be one of {list(SUBJECTS)}", slug="nominee-type")
        if nominee_type == "org":
            return self._org(nominee_id)
        return self._org(self.directory.member(nominee_id).org_id)

    def leading_levels(self, org: OrgRecord, scope: Scope) -> list[str]:
        """H3, A3: the levels a nomination climbs — every level of the nominee's *leading* hierarchy between
        the nominee and the campaign's scope where the directory has a leading org — ending at the campaign."""
        hierarchy = org.leading_hierarchy
        if scope.hierarchy != hierarchy or not scope.contains(org.position):
            raise Refused(
                f"{org.org_id} is led by the {hierarchy} hierarchy and is outside this campaign's {scope} (H3)",
                slug="outside-campaign",
                title_zh=f"{org.org_id} 不在本表彰活动的领导体系范围内 (H3)",
                title_en="Nominee outside the campaign's leading hierarchy (H3)",
            )
        path = org.position.local if hierarchy == "local" else org.position.vertical
        return leading_chain(
            hierarchy, path, scope.path, lambda level: self._leading_org_at(hierarchy, level, besides=org.org_id)
        )

    def _leading_org_at(self, hierarchy: str, path: str, besides: str) -> bool:
        return bool(self.directory.leading_orgs_at(hierarchy, path, besides))

    def eligibility(self, campaign: Campaign, title: str, nominee_type: str, nominee_id: str, org_id: str) -> dict:
        facts = self.facts.about(org_id, nominee_id if nominee_type == "member" else None, campaign.year)
        return assess(nominee_type, facts, campaign.year, campaign.override_for(title, nominee_type, nominee_id))

    def nominate(
        self, actor: Identity, campaign_id: UUID, *, title: str, nominee_type: str, nominee_id: str, deeds: str
    ) -> UUID:
        """The base org's secretary puts forward the org itself or one of its members (A3)."""
        campaign = self.campaign(campaign_id)
        org = self._nominee_org(nominee_type, nominee_id)
        require_secretary(actor, org.org_id)
        nomination = Nomination.nominate(
            campaign=campaign,
            org=org.position.as_dict(),
            trace=self.trace(),
            title=title,
            nominee_type=nominee_type,
            nominee_id=nominee_id,
            levels=self.leading_levels(org, Scope.parse(campaign.scope)),
            deeds=deeds,
            nominated_by=actor.sub,
            eligibility=self.eligibility(campaign, title, nominee_type, nominee_id, org.org_id),
            today=self.today(),
        )
        self.save_new(
            nomination,
            broken_rule(
                "already-nominated",
                "该对象已在本活动中被推荐过此称号，无需重复推荐",
                "Already nominated for this title in this campaign",
            ),
        )
        return nomination.id

    def nomination(self, nomination_id: UUID | str) -> Nomination:
        return self.load(UUID(str(nomination_id)), "nomination")

    def _require_level(self, actor: Identity, n: Nomination) -> None:
        """H3: a leading superior of the nominee, acting at the level the nomination is waiting at."""
        org = self._org(n.org_id)
        level = Scope.parse(n.level or n.levels[-1])
        require_leading(actor, org.position, level.hierarchy)
        if n.level is not None and level not in actor.scopes:
            raise refuse(
                actor,
                f"the nomination is waiting at {level}, not at your level",
                f"该推荐对象正待 {level} 层级审议，不在您的层级",
                nomination=str(n.id),
            )

    def pass_level(self, actor: Identity, nomination_id: UUID, comment: str) -> Nomination:
        """推荐上报: on to the next level; at the campaign's own level it becomes a candidate (quota, A4 again)."""
        n = self.nomination(nomination_id)
        self._require_level(actor, n)
        stamp, trace = self.stamp(n.org_id), self.trace()
        if not (n.at_top and n.state in ("pending", "held")):
            n.pass_level(actor.sub, comment, stamp, trace)
            self.save(n)
            return n
        campaign = self.campaign(n.campaign_id)
        verdict = self.eligibility(campaign, n.title, n.nominee_type, n.nominee_id, n.org_id)
        if not verdict["eligible"] and not verdict["override"]:
            reasons = "；".join(verdict["reasons"])
            raise Refused(
                f"Not eligible any more (A4): {reasons}",
                slug="ineligible",
                title_zh=f"已不符合推荐条件 (A4)：{reasons}",
                title_en="Not eligible (A4)",
                reasons=verdict["reasons"],
            )
        n.shortlist(campaign, actor.sub, comment, self.today(), stamp, trace)
        self.save(n, campaign)
        return n

    def hold(self, actor: Identity, nomination_id: UUID, reason: str) -> Nomination:
        return self._decide(actor, nomination_id, lambda n, o, t: n.hold(actor.sub, reason, o, t))

    def reject(self, actor: Identity, nomination_id: UUID, reason: str) -> Nomination:
        return self._decide(actor, nomination_id, lambda n, o, t: n.reject(actor.sub, reason, o, t))

    def _decide(self, actor: Identity, nomination_id: UUID, do: Callable[[Nomination, dict, dict], None]) -> Nomination:
        n = self.nomination(nomination_id)
        self._require_level(actor, n)
        do(n, self.stamp(n.org_id), self.trace())
        self.save(n)
        return n

    # 公示 A5 ------------------------------------------------------------------------------------------
    def raise_objection(self, nomination_id: UUID, text: str) -> str:
        """Anyone may object during the publicity period; the objector is not identified."""
        n = self.nomination(nomination_id)
        campaign = self.campaign(n.campaign_id)
        objection_id = n.raise_objection(campaign, text, self.today(), self.stamp(n.org_id), self.trace())
        self.save(n)
        return objection_id

    def resolve_objection(
        self, actor: Identity, nomination_id: UUID, objection_id: str, upheld: bool, reason: str
    ) -> Nomination:
        n = self.nomination(nomination_id)
        campaign = self.campaign(n.campaign_id)
        self._require_authority(actor, campaign)
        n.resolve_objection(campaign, objection_id, upheld, reason, actor.sub, self.stamp(n.org_id), self.trace())
        self.save(n, campaign)
        return n

    # 表彰授予 and 撤销 A6 ----------------------------------------------------------------------------------
    def grant(self, actor: Identity, campaign_id: UUID) -> Campaign:
        """Every candidate at once, after 公示 and only when all objections are resolved (A5, A6)."""
        campaign = self.campaign(campaign_id)
        self._require_authority(actor, campaign)
        today, trace = self.today(), self.trace()
        candidates = [self.nomination(i) for i in campaign.candidates()]
        campaign.grant(today, actor.sub, [str(n.id) for n in candidates], self.stamp(campaign.opener_org_id), trace)
        for n in candidates:
            n.grant(campaign, actor.sub, today, self.stamp(n.org_id), trace)
        self.save(campaign, *candidates)
        return campaign

    def revoke(self, actor: Identity, nomination_id: UUID, reason: str) -> Nomination:
        n = self.nomination(nomination_id)
        self._require_authority(actor, self.campaign(n.campaign_id))
        stamp, trace = self.stamp(n.org_id), self.trace()
        n.revoke(reason, actor.sub, self.today(), stamp, trace)
        changed: list[Any] = [n]
        if self.exists(exemplar_id(n.id)):
            exemplar: Exemplar = self.repository.get(exemplar_id(n.id))
            exemplar.withdraw(reason, stamp, trace)
            changed.append(exemplar)
        self.save(*changed)
        return n

    # 先进典型 A7 --------------------------------------------------------------------------------------
    def select_exemplar(self, actor: Identity, nomination_id: UUID, citation: str) -> UUID:
        honour = self.nomination(nomination_id)
        org = self._org(honour.org_id)
        require_leading(actor, org.position, org.leading_hierarchy)
        exemplar = Exemplar.select(
            honour=honour, citation=citation, by=actor.sub, org=org.position.as_dict(), trace=self.trace()
        )
        self.save_new(exemplar, broken_rule("already-exemplar", "该对象已是先进典型", "Already an exemplar"))
        return exemplar.id

    def exemplar(self, exemplar_uuid: UUID | str) -> Exemplar:
        return self.load(UUID(str(exemplar_uuid)), "exemplar")

    def promote(self, actor: Identity, exemplar_uuid: UUID, kind: str, headline: str, on: dt.date) -> Exemplar:
        e = self.exemplar(exemplar_uuid)
        org = self._org(e.org_id)
        require_leading(actor, org.position, org.leading_hierarchy)
        e.promote(kind, headline, on, actor.sub, org.position.as_dict(), self.trace())
        self.save(e)
        return e

    def record_study(
        self, actor: Identity, exemplar_uuid: UUID, *, learner_type: str, learner_id: str, form: str, on: dt.date | None
    ) -> UUID:
        """学先进: an org (by its secretary) or a member (themself or their secretary) learnt from an exemplar."""
        e = self.exemplar(exemplar_uuid)
        if learner_type not in LEARNERS:
            raise Invalid(f"learner_type must be one of {list(LEARNERS)}", slug="learner-type")
        if learner_type == "member":
            learner_org = self.directory.member(learner_id).org_id
            require_member_or_secretary(actor, learner_org, [learner_id])
        else:
            learner_org = self._org(learner_id).org_id
            require_secretary(actor, learner_org)
        today = self.today()
        study = Study.record(
            exemplar=e,
            learner_type=learner_type,
            learner_id=learner_id,
            form=form,
            on=on or today,
            today=today,
            by=actor.sub,
            org=self.stamp(learner_org),
            trace=self.trace(),
        )
        self.save(study)
        return study.id
