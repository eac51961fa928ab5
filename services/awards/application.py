"""The awards write model 评比表彰: commands check the actor (shared.auth, H3), the directory replica, the
facts projected from other services (A4) and the aggregates, then record events — or refuse, recording nothing."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from uuid import UUID

from shared.application import ServiceApplication
from shared.auth import (
    Identity,
    forbidden,
    require_authority,
    require_leading,
    require_member_or_secretary,
    require_scope,
    require_secretary,
    require_sees,
    sees_private,
    sees_subtree,
)
from shared.directory.people import PeopleBook
from shared.directory.replica import OrgRecord
from shared.errors import broken_rule, invalid, not_found
from shared.scope import Scope, parse_scope

from .campaign import Campaign
from .domain import SUBJECTS, leading_chain
from .eligibility import assess
from .exemplars import LEARNERS, Exemplar, Study, exemplar_id, unknown_learner
from .facts import Facts
from .nomination import Nomination, ineligible

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
            raise invalid(
                "campaign-opener",
                f"发起组织 {opener_org_id} 不在范围 {parsed} 内，或不属于该范围的领导体系 (H3)；"
                "请填写该范围内发起表彰的党委",
                f"{opener_org_id} is not an org of the {parsed} subtree in its leading hierarchy (H3); "
                "name the committee of that scope",
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
        found = self.load(UUID(str(campaign_id)), "campaign", "表彰活动")
        if not isinstance(found, Campaign):  # another aggregate's id
            raise not_found(
                "campaign-not-found",
                f"表彰活动不存在：没有编号为 {campaign_id} 的表彰活动，请核对编号",
                f"Campaign not found: there is no campaign {campaign_id}; check the id",
            )
        return found

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
        """How a nominee is named to people (A5): an org by its name; a member by the name the directory's people
        book holds, and her org (by id and org when the name was erased)."""
        org_name = self._org(org_id).name
        if nominee_type == "org":
            return org_name
        name = self.people.name(nominee_id)
        return f"{name}（{org_name}）" if name else f"党员 {nominee_id}（{org_name}）"

    @functools.cached_property
    def people(self) -> PeopleBook:
        """Members' names, in the directory's store (never in an event)."""
        return PeopleBook(self.settings)

    def _require_decider(self, actor: Identity) -> None:
        if actor.role not in DECIDERS:
            raise forbidden(
                actor,
                "只有上级党组织或组织部门可以发起表彰活动",
                "only a superior or an organisation department may open a campaign",
            )

    def _require_authority(self, actor: Identity, campaign: Campaign) -> None:
        """The campaign's opening authority: a decider holding the campaign's scope (or a wider one)."""
        require_authority(
            actor,
            Scope.parse(campaign.scope),
            f"只有发起本表彰活动的上级党组织或组织部门（管辖 {campaign.scope}）可以办理此事项",
            "only the campaign's opening authority (a superior or org dept holding its scope) may do this",
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
            raise invalid(
                "nominee-type",
                f"推荐对象类型无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in SUBJECTS.items())} 之一",
                f"Unknown nominee_type; choose one of {', '.join(SUBJECTS)}",
            )
        if nominee_type == "org":
            return self._org(nominee_id)
        return self._org(self.directory.member(nominee_id).org_id)

    def leading_levels(self, org: OrgRecord, scope: Scope) -> list[str]:
        """H3, A3: the levels a nomination climbs — every level of the nominee's *leading* hierarchy between
        the nominee and the campaign's scope where the directory has a leading org — ending at the campaign."""
        hierarchy = org.leading_hierarchy
        if scope.hierarchy != hierarchy or not scope.contains(org.position):
            raise broken_rule(
                "outside-campaign",
                f"{org.org_id} 不在本表彰活动的领导体系范围（{scope}）内 (H3)，不能在本活动中推荐；"
                "请在领导它的体系发起的表彰活动中推荐",
                f"{org.org_id} is led by the {hierarchy} hierarchy and is outside this campaign's {scope} (H3); "
                "nominate it in a campaign of its leading hierarchy",
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
        require_secretary(actor, org.org_id, ("推荐申报", "nominate"))
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
        return self.load(UUID(str(nomination_id)), "nomination", "推荐对象")

    def _require_level(self, actor: Identity, n: Nomination) -> None:
        """H3: a leading superior of the nominee, acting at the level the nomination is waiting at."""
        org = self._org(n.org_id)
        level = Scope.parse(n.level or n.levels[-1])
        require_leading(actor, org.position, level.hierarchy, ("审议该推荐", "decide on it"))
        if n.level is not None and level not in actor.scopes:
            raise forbidden(
                actor,
                f"该推荐对象正待 {level} 层级审议，尚未到您的层级；请待其逐级上报后再审议",
                f"the nomination is waiting at {level}, not at your level; it reaches you when passed on",
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
            raise ineligible(verdict["reasons"], "已不符合推荐条件", "Not eligible any more")
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
        require_leading(actor, org.position, org.leading_hierarchy, ("选树先进典型", "select an exemplar"))
        exemplar = Exemplar.select(
            honour=honour, citation=citation, by=actor.sub, org=org.position.as_dict(), trace=self.trace()
        )
        self.save_new(
            exemplar,
            broken_rule("already-exemplar", "该对象已是先进典型，无需重复选树", "Already an exemplar; select it once"),
        )
        return exemplar.id

    def exemplar(self, exemplar_uuid: UUID | str) -> Exemplar:
        return self.load(UUID(str(exemplar_uuid)), "exemplar", "先进典型")

    def promote(self, actor: Identity, exemplar_uuid: UUID, kind: str, headline: str, on: dt.date) -> Exemplar:
        e = self.exemplar(exemplar_uuid)
        org = self._org(e.org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("宣传先进典型", "promote it"))
        e.promote(kind, headline, on, actor.sub, org.position.as_dict(), self.trace())
        self.save(e)
        return e

    def record_study(
        self, actor: Identity, exemplar_uuid: UUID, *, learner_type: str, learner_id: str, form: str, on: dt.date | None
    ) -> UUID:
        """学先进: an org (by its secretary) or a member (themself or their secretary) learnt from an exemplar."""
        if learner_type not in LEARNERS:
            raise unknown_learner()
        recording = ("登记学习", "record the study")
        if learner_type == "member":
            learner_org = self.directory.member(learner_id).org_id
            learner = ("学习的党员", "the member who learnt")
            require_member_or_secretary(actor, learner_org, [learner_id], members=learner, doing=recording)
        else:
            learner_org = self._org(learner_id).org_id
            require_secretary(actor, learner_org, recording)
        e = self.exemplar(exemplar_uuid)  # who may record comes first: a stranger learns nothing of the exemplar
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
