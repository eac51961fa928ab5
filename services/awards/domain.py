"""Campaign 表彰活动 and Nomination 推荐对象 aggregates (DOMAIN.md A1, A3–A6, H3). No I/O.

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
from shared.errors import Invalid, Refused

STANDARD_TITLES = {"先进基层党组织": "org", "优秀共产党员": "member", "优秀党务工作者": "member"}  # A1
SUBJECTS = {"org": "党组织", "member": "党员"}
KINDS = {"qiyi": "七一表彰", "regular": "定期表彰", "adhoc": "临时表彰（突发事件中表现突出者，A7）"}
STATES = {"pending": "推荐中", "held": "暂缓", "rejected": "未通过", "shortlisted": "拟表彰（公示）",
          "withdrawn": "已撤回", "granted": "已表彰", "revoked": "已撤销"}
ACTIVE = ("pending", "held", "shortlisted", "granted")
MAX_OPEN_OBJECTIONS = 50
NAMESPACE = uuid.UUID("5b7e1d2c-8a41-4f0e-9c3b-7a2f6d1e0b55")


def refuse(slug: str, zh: str, en: str, **extra: Any) -> Refused:
    return Refused(en, slug=slug, title_zh=zh, title_en=en, **extra)


def check_titles(titles: list[dict]) -> list[dict]:
    """A1: the standard titles plus local ones (a local title says whether it honours orgs or members),
    each with a quota ≥ 1; names unique."""
    if not titles:
        raise Invalid("a campaign has at least one title (A1)", slug="campaign-titles")
    clean: list[dict] = []
    for t in titles:
        name = str(t.get("name") or "").strip()
        subject = t.get("subject") or STANDARD_TITLES.get(name)
        if not name or subject not in SUBJECTS:
            raise Invalid(f"title {name!r}: a local title says its subject, org or member (A1)", slug="campaign-titles")
        if name in STANDARD_TITLES and STANDARD_TITLES[name] != subject:
            raise Invalid(f"{name} honours a {STANDARD_TITLES[name]} (A1)", slug="campaign-titles")
        quota = t.get("quota")
        if not isinstance(quota, int) or quota < 1:
            raise Invalid(f"title {name}: the quota is a whole number ≥ 1", slug="campaign-quota")
        clean.append({"name": name, "subject": subject, "quota": quota})
    if len({t["name"] for t in clean}) != len(clean):
        raise Invalid("title names are unique within a campaign", slug="campaign-titles")
    return clean


def check_timetable(nomination_until: dt.date, publicity_from: dt.date, publicity_until: dt.date,
                    grant_on: dt.date, today: dt.date) -> None:
    """Nomination, then level-by-level recommendation, then 公示 (A5), then the grant (A6)."""
    if nomination_until < today:
        raise Invalid("the nomination period is already over", slug="campaign-timetable")
    if not nomination_until < publicity_from <= publicity_until < grant_on:
        raise Invalid("the timetable runs nomination_until < publicity_from ≤ publicity_until < grant_on (A5)",
                      slug="campaign-timetable")


class Campaign(Aggregate):
    """表彰活动 (A1), opened by an org at some level for a scope; it guards the quotas (名额) of its titles."""

    class Opened(Aggregate.Created, Stamped):
        name: str
        kind: str
        year: int
        scope: str
        opener_org_id: str
        titles: list
        nomination_until: str
        publicity_from: str
        publicity_until: str
        grant_on: str
        opened_by: str

    class OverrideRecorded(Stamped):
        """A4: the opening authority lets an ineligible nominee be nominated, with its reason."""

        title: str
        nominee_type: str
        nominee_id: str
        reason: str
        by: str

        def apply(self, c: Campaign) -> None:
            c.overrides[override_key(self.title, self.nominee_type, self.nominee_id)] = {"reason": self.reason,
                                                                                         "by": self.by}

    class SlotTaken(Aggregate.Event):  # internal: a shortlisted nomination uses one quota place
        title: str
        nomination_id: str

        def apply(self, c: Campaign) -> None:
            c.shortlist.setdefault(self.title, []).append(self.nomination_id)

    class SlotReleased(Aggregate.Event):  # internal: a withdrawn candidate frees its place
        title: str
        nomination_id: str

        def apply(self, c: Campaign) -> None:
            c.shortlist[self.title].remove(self.nomination_id)

    class Granted(Stamped):
        on: str
        by: str
        granted: list

        def apply(self, c: Campaign) -> None:
            c.granted_on = self.on

    def __init__(self, *, name: str, kind: str, year: int, scope: str, opener_org_id: str, titles: list,
                 nomination_until: str, publicity_from: str, publicity_until: str, grant_on: str, **_: Any):
        self.name = name
        self.kind = kind
        self.year = year
        self.scope = scope
        self.opener_org_id = opener_org_id
        self.titles = {t["name"]: t for t in titles}
        self.nomination_until = dt.date.fromisoformat(nomination_until)
        self.publicity_from = dt.date.fromisoformat(publicity_from)
        self.publicity_until = dt.date.fromisoformat(publicity_until)
        self.grant_on = dt.date.fromisoformat(grant_on)
        self.overrides: dict[str, dict] = {}
        self.shortlist: dict[str, list[str]] = {}
        self.granted_on: str | None = None

    @classmethod
    def open(cls, *, org: dict, trace: dict, name: str, kind: str, year: int, scope: str, opener_org_id: str,
             titles: list[dict], nomination_until: dt.date, publicity_from: dt.date, publicity_until: dt.date,
             grant_on: dt.date, opened_by: str, today: dt.date) -> Campaign:
        if not name.strip():
            raise Invalid("a campaign has a name", slug="campaign-name")
        if kind not in KINDS:
            raise Invalid(f"kind must be one of {list(KINDS)} (A1)", slug="campaign-kind")
        check_timetable(nomination_until, publicity_from, publicity_until, grant_on, today)
        return cls._create(
            cls.Opened, id=uuid.uuid4(), org=org, trace=trace, name=name.strip(), kind=kind, year=year, scope=scope,
            opener_org_id=opener_org_id, titles=check_titles(titles), nomination_until=nomination_until.isoformat(),
            publicity_from=publicity_from.isoformat(), publicity_until=publicity_until.isoformat(),
            grant_on=grant_on.isoformat(), opened_by=opened_by,
        )

    # the timetable ---------------------------------------------------------------------------------
    def phase(self, today: dt.date) -> str:
        if self.granted_on:
            return "granted"
        if today <= self.nomination_until:
            return "nominating"
        if today < self.publicity_from:
            return "recommending"
        if today <= self.publicity_until:
            return "publicity"
        return "awaiting_grant"

    def expect_phase(self, today: dt.date, *phases: str, action: str) -> None:
        phase = self.phase(today)
        if phase not in phases:
            raise refuse("campaign-phase", f"表彰活动当前处于「{PHASES[phase]}」阶段，不能{action}",
                         f"The campaign is in its {phase} phase; {action} is not possible now", phase=phase)

    def title(self, name: str) -> dict:
        if name not in self.titles:
            raise Invalid(f"the campaign has no title {name!r}; it has {', '.join(self.titles)}", slug="unknown-title")
        return self.titles[name]

    def override_for(self, title: str, nominee_type: str, nominee_id: str) -> dict | None:
        return self.overrides.get(override_key(title, nominee_type, nominee_id))

    # commands --------------------------------------------------------------------------------------
    def record_override(self, title: str, nominee_type: str, nominee_id: str, reason: str, by: str, today: dt.date,
                        org: dict, trace: dict) -> None:
        self.expect_phase(today, "nominating", "recommending", action="记录资格特批")
        if self.title(title)["subject"] != nominee_type:
            raise Invalid(f"{title} honours a {self.titles[title]['subject']}", slug="nominee-type")
        if not reason:
            raise Invalid("an override says why (A4)", slug="override-reason")
        self.trigger_event(self.OverrideRecorded, title=title, nominee_type=nominee_type, nominee_id=nominee_id,
                           reason=reason, by=by, org=org, trace=trace)

    def take_slot(self, title: str, nomination_id: str) -> dict:
        """名额: refused with the numbers when the title's quota is used up."""
        quota, used = self.title(title)["quota"], len(self.shortlist.get(title, []))
        if used >= quota:
            raise refuse("quota-full", f"「{title}」名额已满（{used}/{quota}）",
                         f"The quota of {title} is full ({used}/{quota})", quota=quota, used=used)
        self.trigger_event(self.SlotTaken, title=title, nomination_id=nomination_id)
        return {"quota": quota, "used": used + 1}

    def release_slot(self, title: str, nomination_id: str) -> None:
        if nomination_id in self.shortlist.get(title, []):
            self.trigger_event(self.SlotReleased, title=title, nomination_id=nomination_id)

    def candidates(self) -> list[str]:
        return [n for ids in self.shortlist.values() for n in ids]

    def grant(self, today: dt.date, by: str, granted: list[str], org: dict, trace: dict) -> None:
        self.expect_phase(today, "awaiting_grant", action="表彰授予")
        if today < self.grant_on:
            raise refuse("grant-date", f"表彰日期为 {self.grant_on}，尚未到期", f"The grant date is {self.grant_on}")
        if not granted:
            raise refuse("no-candidates", "没有拟表彰对象", "There are no candidates to honour")
        self.trigger_event(self.Granted, on=today.isoformat(), by=by, granted=granted, org=org, trace=trace)


PHASES = {"nominating": "推荐申报", "recommending": "逐级推荐", "publicity": "公示", "awaiting_grant": "公示期满待表彰",
          "granted": "已表彰"}


def override_key(title: str, nominee_type: str, nominee_id: str) -> str:
    return f"{title}|{nominee_type}|{nominee_id}"


def nomination_id(campaign_id: uuid.UUID, title: str, nominee_type: str, nominee_id: str) -> uuid.UUID:
    """One nomination per nominee and title in a campaign: the id says so, the store enforces it."""
    return uuid.uuid5(NAMESPACE, f"{campaign_id}|{override_key(title, nominee_type, nominee_id)}")


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
            n.objections[self.objection_id] = {"objection_id": self.objection_id, "text": self.text,
                                               "raised_at": self.timestamp.isoformat(), "status": "open"}

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

    def __init__(self, *, campaign_id: str, title: str, nominee_type: str, nominee_id: str, year: int, levels: list,
                 deeds: str, eligibility: dict, org: dict, **_: Any):
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
    def nominate(cls, *, campaign: Campaign, org: dict, trace: dict, title: str, nominee_type: str, nominee_id: str,
                 levels: list[str], deeds: str, nominated_by: str, eligibility: dict, today: dt.date) -> Nomination:
        """A3: the base org puts the nominee forward; A4: ineligible without an override is refused."""
        campaign.expect_phase(today, "nominating", action="推荐申报")
        if campaign.title(title)["subject"] != nominee_type:
            raise Invalid(f"{title} honours a {SUBJECTS[campaign.titles[title]['subject']]}", slug="nominee-type")
        if not levels:
            raise Invalid("a nomination climbs at least one leading level (A3)", slug="nomination-levels")
        if not deeds:
            raise Invalid("a nomination states the nominee's deeds 主要事迹 (A2)", slug="nomination-deeds")
        if not eligibility["eligible"] and not eligibility.get("override"):
            reasons = "；".join(eligibility["reasons"])
            raise refuse("ineligible", f"不符合推荐条件 (A4)：{reasons}", f"Not eligible (A4): {reasons}",
                         reasons=eligibility["reasons"])
        return cls._create(
            cls.Nominated, id=nomination_id(campaign.id, title, nominee_type, nominee_id), org=org, trace=trace,
            campaign_id=str(campaign.id), title=title, nominee_type=nominee_type, nominee_id=nominee_id,
            year=campaign.year, levels=levels, deeds=deeds, nominated_by=nominated_by, eligibility=eligibility,
        )

    # 层层推荐 (A3) ------------------------------------------------------------------------------------
    @property
    def level(self) -> str | None:
        return self.levels[self.level_index] if self.state in ("pending", "held") else None

    @property
    def at_top(self) -> bool:
        return self.level_index == len(self.levels) - 1

    def _expect(self, *states: str, action: str) -> None:
        if self.state not in states:
            allowed = "、".join(STATES[s] for s in states)
            raise refuse("nomination-state", f"推荐对象当前为「{STATES[self.state]}」，只有「{allowed}」的才能{action}",
                         f"The nomination is {self.state}; only {'/'.join(states)} nominations can be {action}",
                         state=self.state)

    def pass_level(self, by: str, comment: str, org: dict, trace: dict) -> None:
        self._expect("pending", "held", action="推荐上报")
        if self.at_top:
            raise refuse("top-level", "已到活动发起层级：请确定拟表彰对象（入围公示）", "At the top level: shortlist instead")
        self.trigger_event(self.Passed, level=self.levels[self.level_index], by=by, comment=comment,
                           next_level=self.levels[self.level_index + 1], org=org, trace=trace)

    def hold(self, by: str, reason: str, org: dict, trace: dict) -> None:
        self._expect("pending", action="暂缓")
        if not reason:
            raise Invalid("a hold says why (A3)", slug="hold-reason")
        self.trigger_event(self.Held, level=self.levels[self.level_index], by=by, reason=reason, org=org, trace=trace)

    def reject(self, by: str, reason: str, org: dict, trace: dict) -> None:
        self._expect("pending", "held", action="不予推荐")
        if not reason:
            raise Invalid("a rejection says why (A3)", slug="reject-reason")
        self.trigger_event(self.Rejected, level=self.levels[self.level_index], by=by, reason=reason, org=org,
                           trace=trace)

    def shortlist(self, campaign: Campaign, by: str, comment: str, today: dt.date, org: dict, trace: dict) -> None:
        """The top level passes: the nominee becomes a candidate 拟表彰对象 and takes a quota place."""
        self._expect("pending", "held", action="确定为拟表彰对象")
        if not self.at_top:
            raise refuse("not-top-level", "尚未推荐到活动发起层级", "The nomination has not reached the campaign's level")
        campaign.expect_phase(today, "nominating", "recommending", action="确定拟表彰对象")
        quota = campaign.take_slot(self.title, str(self.id))
        self.trigger_event(self.Shortlisted, level=self.levels[self.level_index], by=by, comment=comment, quota=quota,
                           org=org, trace=trace)

    # 公示 (A5) ------------------------------------------------------------------------------------------
    def raise_objection(self, campaign: Campaign, text: str, today: dt.date, org: dict, trace: dict) -> str:
        self._expect("shortlisted", action="提出异议")
        campaign.expect_phase(today, "publicity", action="提出异议")
        if not text:
            raise Invalid("an objection says what is wrong (A5)", slug="objection-text")
        if len(self.open_objections()) >= MAX_OPEN_OBJECTIONS:
            raise refuse("too-many-objections", "该对象待处理异议过多，请稍后再提", "Too many open objections; try later")
        objection_id = str(uuid.uuid4())
        self.trigger_event(self.ObjectionRaised, objection_id=objection_id, text=text, org=org, trace=trace)
        return objection_id

    def open_objections(self) -> list[str]:
        return [oid for oid, o in self.objections.items() if o["status"] == "open"]

    def resolve_objection(self, campaign: Campaign, objection_id: str, upheld: bool, reason: str, by: str,
                          org: dict, trace: dict) -> None:
        """Upheld → the nominee is withdrawn and frees its quota place; dismissed → with the reason (A5)."""
        objection = self.objections.get(objection_id)
        if objection is None:
            raise Invalid(f"no objection {objection_id} on this nomination", slug="objection-unknown")
        if objection["status"] != "open":
            raise refuse("objection-resolved", "该异议已处理", "The objection is already resolved")
        if not reason:
            raise Invalid("the resolution of an objection says why (A5)", slug="objection-reason")
        self.trigger_event(self.ObjectionResolved, objection_id=objection_id, upheld=upheld, reason=reason, by=by,
                           org=org, trace=trace)
        if upheld and self.state == "shortlisted":
            self.trigger_event(self.Withdrawn, objection_id=objection_id, reason=reason, org=org, trace=trace)
            campaign.release_slot(self.title, str(self.id))

    # 表彰授予 and 撤销 (A6) --------------------------------------------------------------------------------
    def grant(self, campaign: Campaign, by: str, today: dt.date, org: dict, trace: dict) -> None:
        self._expect("shortlisted", action="表彰授予")
        if self.open_objections():
            raise refuse("objections-open", "公示异议尚未处理完毕，不能表彰 (A5)",
                         "Objections raised during publicity are not all resolved (A5)", nomination_id=str(self.id))
        self.trigger_event(self.Granted, campaign_id=self.campaign_id, campaign_name=campaign.name, title=self.title,
                           nominee_type=self.nominee_type, nominee_id=self.nominee_id, year=self.year,
                           on=today.isoformat(), by=by, org=org, trace=trace)

    def revoke(self, reason: str, by: str, today: dt.date, org: dict, trace: dict) -> None:
        self._expect("granted", action="撤销")
        if not reason:
            raise Invalid("a revocation says why (A6)", slug="revoke-reason")
        self.trigger_event(self.Revoked, reason=reason, by=by, on=today.isoformat(), org=org, trace=trace)
