"""Campaign 表彰活动 (DOMAIN.md A1, A4, A5, A6): titles with quotas 名额, the timetable, overrides. No I/O."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import Invalid

from .domain import KINDS, PHASES, STANDARD_TITLES, SUBJECTS, override_key, refuse


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


def check_timetable(
    nomination_until: dt.date, publicity_from: dt.date, publicity_until: dt.date, grant_on: dt.date, today: dt.date
) -> None:
    """Nomination, then level-by-level recommendation, then 公示 (A5), then the grant (A6)."""
    if nomination_until < today:
        raise Invalid("the nomination period is already over", slug="campaign-timetable")
    if not nomination_until < publicity_from <= publicity_until < grant_on:
        raise Invalid(
            "the timetable runs nomination_until < publicity_from ≤ publicity_until < grant_on (A5)",
            slug="campaign-timetable",
        )


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
            c.overrides[override_key(self.title, self.nominee_type, self.nominee_id)] = {
                "reason": self.reason,
                "by": self.by,
            }

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

    def __init__(
        self,
        *,
        name: str,
        kind: str,
        year: int,
        scope: str,
        opener_org_id: str,
        titles: list,
        nomination_until: str,
        publicity_from: str,
        publicity_until: str,
        grant_on: str,
        **_: Any,
    ):
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
    def open(
        cls,
        *,
        org: dict,
        trace: dict,
        name: str,
        kind: str,
        year: int,
        scope: str,
        opener_org_id: str,
        titles: list[dict],
        nomination_until: dt.date,
        publicity_from: dt.date,
        publicity_until: dt.date,
        grant_on: dt.date,
        opened_by: str,
        today: dt.date,
    ) -> Campaign:
        if not name.strip():
            raise Invalid("a campaign has a name", slug="campaign-name")
        if kind not in KINDS:
            raise Invalid(f"kind must be one of {list(KINDS)} (A1)", slug="campaign-kind")
        check_timetable(nomination_until, publicity_from, publicity_until, grant_on, today)
        return cls._create(
            cls.Opened,
            id=uuid.uuid4(),
            org=org,
            trace=trace,
            name=name.strip(),
            kind=kind,
            year=year,
            scope=scope,
            opener_org_id=opener_org_id,
            titles=check_titles(titles),
            nomination_until=nomination_until.isoformat(),
            publicity_from=publicity_from.isoformat(),
            publicity_until=publicity_until.isoformat(),
            grant_on=grant_on.isoformat(),
            opened_by=opened_by,
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
            raise refuse(
                "campaign-phase",
                f"表彰活动当前处于「{PHASES[phase]}」阶段，不能{action}",
                f"The campaign is in its {phase} phase; {action} is not possible now",
                phase=phase,
            )

    def title(self, name: str) -> dict:
        if name not in self.titles:
            raise Invalid(f"the campaign has no title {name!r}; it has {', '.join(self.titles)}", slug="unknown-title")
        return self.titles[name]

    def override_for(self, title: str, nominee_type: str, nominee_id: str) -> dict | None:
        return self.overrides.get(override_key(title, nominee_type, nominee_id))

    # commands --------------------------------------------------------------------------------------
    def record_override(
        self,
        title: str,
        nominee_type: str,
        nominee_id: str,
        reason: str,
        by: str,
        today: dt.date,
        org: dict,
        trace: dict,
    ) -> None:
        self.expect_phase(today, "nominating", "recommending", action="记录资格特批")
        if self.title(title)["subject"] != nominee_type:
            raise Invalid(f"{title} honours a {self.titles[title]['subject']}", slug="nominee-type")
        if not reason:
            raise Invalid("an override says why (A4)", slug="override-reason")
        self.trigger_event(
            self.OverrideRecorded,
            title=title,
            nominee_type=nominee_type,
            nominee_id=nominee_id,
            reason=reason,
            by=by,
            org=org,
            trace=trace,
        )

    def take_slot(self, title: str, nomination_id: str) -> dict:
        """名额: refused with the numbers when the title's quota is used up."""
        quota, used = self.title(title)["quota"], len(self.shortlist.get(title, []))
        if used >= quota:
            raise refuse(
                "quota-full",
                f"「{title}」名额已满（{used}/{quota}）",
                f"The quota of {title} is full ({used}/{quota})",
                quota=quota,
                used=used,
            )
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
