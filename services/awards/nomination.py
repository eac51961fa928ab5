"""Nomination 推荐对象 (DOMAIN.md A3–A6, H3): the climb up the leading chain, 公示 objections, grant, revoke.
No I/O.

A nomination climbs the *leading* hierarchy level by level (自下而上、层层推荐, A3):

    pending@L0 ──pass──▶ pending@L1 … ──pass at the top──▶ shortlisted (拟表彰, on 公示, A5) ──grant──▶ granted
       │ ▲ hold/pass                                        │ objection upheld              │ revoke
       ▼ │                                                  ▼                               ▼
      held ──reject──▶ rejected                          withdrawn                        revoked

Every public method checks its rule first and raises :class:`Refused` / :class:`Invalid`, recording nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import Refused, invalid

from .campaign import Campaign
from .domain import MAX_OPEN_OBJECTIONS, STATES, nomination_id, refuse


class Nomination(Aggregate):
    """推荐对象: an org or a member put forward for a title, recommended up the leading chain (A3, H3)."""

    class Nominated(Aggregate.Created, Stamped):
        campaign_id: str
        title: str
        nominee_type: str
        nominee_id: str
        year: int
        levels: list
        deeds: str
        nominated_by: str
        eligibility: dict

    class Passed(Stamped):
        level: str
        by: str
        comment: str
        next_level: str

        def apply(self, n: Nomination) -> None:
            n.level_index += 1
            n.state = "pending"

    class Held(Stamped):
        level: str
        by: str
        reason: str

        def apply(self, n: Nomination) -> None:
            n.state = "held"

    class Rejected(Stamped):
        level: str
        by: str
        reason: str

        def apply(self, n: Nomination) -> None:
            n.state = "rejected"

    class Shortlisted(Stamped):
        level: str
        by: str
        comment: str
        quota: dict

        def apply(self, n: Nomination) -> None:
            n.state = "shortlisted"

    class ObjectionRaised(Stamped):
        objection_id: str
        text: str  # the objector's words stay in the write model (never published)

        def apply(self, n: Nomination) -> None:
            n.objections[self.objection_id] = {
                "objection_id": self.objection_id,
                "text": self.text,
                "raised_at": self.timestamp.isoformat(),
                "status": "open",
            }

    class ObjectionResolved(Stamped):
        objection_id: str
        upheld: bool
        reason: str
        by: str

        def apply(self, n: Nomination) -> None:
            o = n.objections[self.objection_id]
            o["status"], o["reason"] = ("upheld" if self.upheld else "dismissed"), self.reason

    class Withdrawn(Stamped):
        objection_id: str
        reason: str

        def apply(self, n: Nomination) -> None:
            n.state = "withdrawn"

    class Granted(Stamped):
        campaign_id: str
        campaign_name: str
        title: str
        nominee_type: str
        nominee_id: str
        year: int
        on: str
        by: str

        def apply(self, n: Nomination) -> None:
            n.state = "granted"

    class Revoked(Stamped):
        reason: str
        by: str
        on: str

        def apply(self, n: Nomination) -> None:
            n.state, n.revoke_reason = "revoked", self.reason

    def __init__(
        self,
        *,
        campaign_id: str,
        title: str,
        nominee_type: str,
        nominee_id: str,
        year: int,
        levels: list,
        deeds: str,
        eligibility: dict,
        org: dict,
        **_: Any,
    ):
        self.campaign_id = campaign_id
        self.title = title
        self.nominee_type = nominee_type
        self.nominee_id = nominee_id
        self.org_id = org["id"]
        self.year = year
        self.levels = levels
        self.deeds = deeds
        self.eligibility = eligibility
        self.level_index = 0
        self.state = "pending"
        self.objections: dict[str, dict] = {}
        self.revoke_reason: str | None = None

    @classmethod
    def nominate(
        cls,
        *,
        campaign: Campaign,
        org: dict,
        trace: dict,
        title: str,
        nominee_type: str,
        nominee_id: str,
        levels: list[str],
        deeds: str,
        nominated_by: str,
        eligibility: dict,
        today: dt.date,
    ) -> Nomination:
        """A3: the base org puts the nominee forward; A4: ineligible without an override is refused."""
        campaign.expect_phase(today, "nominating", action="推荐申报", action_en="nominations are made")
        campaign.expect_subject(title, nominee_type)
        if not levels:
            raise invalid(
                "nomination-levels",
                "推荐须至少经过一级领导该对象的上级党组织 (A3)，目录中找不到这样的层级；请核对组织目录",
                "A nomination climbs at least one leading level (A3); the directory has none: check it",
            )
        if not deeds:
            raise invalid("nomination-deeds", "请写明推荐对象的主要事迹（deeds）(A2)", "State the nominee's deeds (A2)")
        if not eligibility["eligible"] and not eligibility.get("override"):
            raise ineligible(eligibility["reasons"], "不符合推荐条件", "Not eligible")
        return cls._create(
            cls.Nominated,
            id=nomination_id(campaign.id, title, nominee_type, nominee_id),
            org=org,
            trace=trace,
            campaign_id=str(campaign.id),
            title=title,
            nominee_type=nominee_type,
            nominee_id=nominee_id,
            year=campaign.year,
            levels=levels,
            deeds=deeds,
            nominated_by=nominated_by,
            eligibility=eligibility,
        )

    # 层层推荐 (A3) ------------------------------------------------------------------------------------
    @property
    def level(self) -> str | None:
        return self.levels[self.level_index] if self.state in ("pending", "held") else None

    @property
    def at_top(self) -> bool:
        return self.level_index == len(self.levels) - 1

    def _expect(self, *states: str, action: str, action_en: str) -> None:
        if self.state not in states:
            allowed = "、".join(STATES[s] for s in states)
            raise refuse(
                "nomination-state",
                f"推荐对象当前为「{STATES[self.state]}」，只有「{allowed}」的推荐对象才能{action}，本次无需办理",
                f"The nomination is {self.state}; only a {' or '.join(states)} nomination can be {action_en}",
                state=self.state,
            )

    def pass_level(self, by: str, comment: str, org: dict, trace: dict) -> None:
        self._expect("pending", "held", action="推荐上报", action_en="passed on")
        if self.at_top:
            raise refuse(
                "top-level",
                "已到活动发起层级，无需再上报：请确定为拟表彰对象（入围公示）",
                "At the campaign's level there is nowhere to pass it on: shortlist it instead",
            )
        self.trigger_event(
            self.Passed,
            level=self.levels[self.level_index],
            by=by,
            comment=comment,
            next_level=self.levels[self.level_index + 1],
            org=org,
            trace=trace,
        )

    def hold(self, by: str, reason: str, org: dict, trace: dict) -> None:
        self._expect("pending", action="暂缓", action_en="held")
        if not reason:
            raise invalid("hold-reason", "暂缓推荐须写明理由 (A3)", "A hold says why (A3)")
        self.trigger_event(self.Held, level=self.levels[self.level_index], by=by, reason=reason, org=org, trace=trace)

    def reject(self, by: str, reason: str, org: dict, trace: dict) -> None:
        self._expect("pending", "held", action="不予推荐", action_en="rejected")
        if not reason:
            raise invalid("reject-reason", "不予推荐须写明理由 (A3)", "A rejection says why (A3)")
        self.trigger_event(
            self.Rejected, level=self.levels[self.level_index], by=by, reason=reason, org=org, trace=trace
        )

    def shortlist(self, campaign: Campaign, by: str, comment: str, today: dt.date, org: dict, trace: dict) -> None:
        """The top level passes: the nominee becomes a candidate 拟表彰对象 and takes a quota place."""
        self._expect("pending", "held", action="确定为拟表彰对象", action_en="shortlisted")
        if not self.at_top:
            raise refuse(
                "not-top-level",
                "尚未推荐到活动发起层级，不能确定为拟表彰对象；请先逐级推荐上报",
                "The nomination has not reached the campaign's level; pass it on level by level first",
            )
        campaign.expect_phase(
            today, "nominating", "recommending", action="确定拟表彰对象", action_en="candidates are shortlisted"
        )
        quota = campaign.take_slot(self.title, str(self.id))
        self.trigger_event(
            self.Shortlisted,
            level=self.levels[self.level_index],
            by=by,
            comment=comment,
            quota=quota,
            org=org,
            trace=trace,
        )

    # 公示 (A5) ------------------------------------------------------------------------------------------
    def raise_objection(self, campaign: Campaign, text: str, today: dt.date, org: dict, trace: dict) -> str:
        self._expect("shortlisted", action="被提出异议", action_en="objected to")
        campaign.expect_phase(today, "publicity", action="提出异议", action_en="objections are raised")
        if not text:
            raise invalid("objection-text", "请写明异议的具体内容 (A5)", "Say what the objection is (A5)")
        if len(self.open_objections()) >= MAX_OPEN_OBJECTIONS:
            raise refuse(
                "too-many-objections",
                "该对象待处理的异议过多，请稍后再提",
                "Too many objections to this candidate await resolution; try again later",
            )
        objection_id = str(uuid.uuid4())
        self.trigger_event(self.ObjectionRaised, objection_id=objection_id, text=text, org=org, trace=trace)
        return objection_id

    def open_objections(self) -> list[str]:
        return [oid for oid, o in self.objections.items() if o["status"] == "open"]

    def resolve_objection(
        self, campaign: Campaign, objection_id: str, upheld: bool, reason: str, by: str, org: dict, trace: dict
    ) -> None:
        """Upheld → the nominee is withdrawn and frees its quota place; dismissed → with the reason (A5)."""
        objection = self.objections.get(objection_id)
        if objection is None:
            raise invalid(
                "objection-unknown",
                f"该推荐对象没有编号为 {objection_id} 的异议，请核对异议编号",
                f"No objection {objection_id} on this nomination; check the id",
            )
        if objection["status"] != "open":
            raise refuse("objection-resolved", "该异议已经处理，无需再处理", "The objection is already resolved")
        if not reason:
            raise invalid("objection-reason", "处理异议须写明理由 (A5)", "The resolution of an objection says why (A5)")
        self.trigger_event(
            self.ObjectionResolved, objection_id=objection_id, upheld=upheld, reason=reason, by=by, org=org, trace=trace
        )
        if upheld and self.state == "shortlisted":
            self.trigger_event(self.Withdrawn, objection_id=objection_id, reason=reason, org=org, trace=trace)
            campaign.release_slot(self.title, str(self.id))

    # 表彰授予 and 撤销 (A6) --------------------------------------------------------------------------------
    def grant(self, campaign: Campaign, by: str, today: dt.date, org: dict, trace: dict) -> None:
        self._expect("shortlisted", action="表彰授予", action_en="granted")
        if self.open_objections():
            raise refuse(
                "objections-open",
                "公示异议尚未处理完毕，不能表彰；请先处理全部异议 (A5)",
                "Objections raised during publicity are not all resolved; resolve them first (A5)",
                nomination_id=str(self.id),
            )
        self.trigger_event(
            self.Granted,
            campaign_id=self.campaign_id,
            campaign_name=campaign.name,
            title=self.title,
            nominee_type=self.nominee_type,
            nominee_id=self.nominee_id,
            year=self.year,
            on=today.isoformat(),
            by=by,
            org=org,
            trace=trace,
        )

    def revoke(self, reason: str, by: str, today: dt.date, org: dict, trace: dict) -> None:
        self._expect("granted", action="撤销表彰", action_en="revoked")
        if not reason:
            raise invalid("revoke-reason", "撤销表彰须写明理由 (A6)", "A revocation says why (A6)")
        self.trigger_event(self.Revoked, reason=reason, by=by, on=today.isoformat(), org=org, trace=trace)


def ineligible(reasons: list[str], zh: str, en: str) -> Refused:
    """A4 refused, with each reason in the language of its title (reasons are recorded as "中文 / English")."""
    halves = [r.split(" / ", 1) if " / " in r else [r, r] for r in reasons]
    return refuse(
        "ineligible",
        f"{zh} (A4)：{'；'.join(h[0] for h in halves)}。如确需推荐，请由活动发起机关记录资格特批",
        f"{en} (A4): {'; '.join(h[1] for h in halves)}. The campaign's authority may record an override",
        reasons=reasons,
    )
