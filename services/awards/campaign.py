"""Campaign 表彰活动 (DOMAIN.md A1, A4, A5, A6): titles with quotas 名额, the timetable, overrides. No I/O."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import invalid

from .domain import KINDS, PHASES, STANDARD_TITLES, SUBJECTS, override_key, refuse


def check_titles(titles: list[dict]) -> list[dict]:
    """A1: the standard titles plus local ones (a local title says whether it honours orgs or members),
    each with a quota ≥ 1; names unique."""
    if not titles:
        raise invalid(
            "campaign-titles",
            f"表彰活动至少须设一个表彰称号，如 {'、'.join(STANDARD_TITLES)}",
            f"A campaign has at least one title, e.g. {', '.join(STANDARD_TITLES)} (A1)",
        )
    clean: list[dict] = []
    for t in titles:
        name = str(t.get("name") or "").strip()
        subject = t.get("subject") or STANDARD_TITLES.get(name)
        if not name or subject not in SUBJECTS:
            raise invalid(
                "campaign-titles",
                f"称号「{name}」须写明名称，自设称号还须写明表彰对象（subject：org 党组织或 member 党员）",
                f"Title {name!r}: name it, and say whom a local title honours (subject: org or member) (A1)",
            )
        if name in STANDARD_TITLES and STANDARD_TITLES[name] != subject:
            raise invalid(
                "campaign-titles",
                f"「{name}」表彰的是{SUBJECTS[STANDARD_TITLES[name]]}，请改正 subject 或删去该字段",
                f"{name} honours a {STANDARD_TITLES[name]}: correct subject or leave it out (A1)",
            )
        quota = t.get("quota")
        if not isinstance(quota, int) or quota < 1:
            raise invalid(
                "campaign-quota",
                f"称号「{name}」的名额（quota）须为不小于 1 的整数",
                f"Title {name}: the quota is a whole number ≥ 1",
            )
        clean.append({"name": name, "subject": subject, "quota": quota})
    if len({t["name"] for t in clean}) != len(clean):
        raise invalid(
            "campaign-titles", "同一表彰活动中的称号不能重名，请合并或改名", "Title names are unique within a campaign"
        )
    return clean


def check_timetable(
    nomination_until: dt.date, publicity_from: dt.date, publicity_until: dt.date, grant_on: dt.date, today: dt.date
) -> None:
    """Nomination, then level-by-level recommendation, then 公示 (A5), then the grant (A6)."""
    if nomination_until < today:
        raise invalid(
            "campaign-timetable",
            f"推荐申报截止日期 {nomination_until} 已过，请定在今天（{today}）或以后",
            f"The nomination deadline {nomination_until} is past; set it to today ({today}) or later",
        )
    if not nomination_until < publicity_from <= publicity_until < grant_on:
        raise invalid(
            "campaign-timetable",
            "日程须依次为：推荐申报截止（nomination_until）早于公示开始（publicity_from），公示开始不晚于公示结束"
            "（publicity_until），公示结束早于表彰日期（grant_on），请调整日期",
            "The timetable runs nomination_until < publicity_from ≤ publicity_until < grant_on (A5); adjust the dates",
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
            raise invalid("campaign-name", "请填写表彰活动名称", "Give the campaign a name")
        if kind not in KINDS:
            raise invalid(
                "campaign-kind",
                f"表彰类型无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in KINDS.items())} 之一",
                f"Unknown kind; choose one of {', '.join(KINDS)} (A1)",
            )
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

    def timetable_zh(self) -> str:
        return (
            f"推荐申报至 {self.nomination_until}，公示 {self.publicity_from} 至 {self.publicity_until}，"
            f"表彰 {self.grant_on}"
        )

    def expect_phase(self, today: dt.date, *phases: str, action: str, action_en: str) -> None:
        phase = self.phase(today)
        if phase not in phases:
            raise refuse(
                "campaign-phase",
                f"表彰活动当前处于「{PHASES[phase]}」阶段，不能{action}；{action}须在"
                f"「{'、'.join(PHASES[p] for p in phases)}」阶段办理（日程：{self.timetable_zh()}）",
                f"The campaign is in its {phase} phase; {action_en} only in the {' or '.join(phases)} phase",
                phase=phase,
            )

    def title(self, name: str) -> dict:
        if name not in self.titles:
            raise invalid(
                "unknown-title",
                f"本表彰活动没有「{name}」称号，请从 {'、'.join(self.titles)} 中选择",
                f"The campaign has no title {name!r}; choose one of {', '.join(self.titles)}",
            )
        return self.titles[name]

    def expect_subject(self, title: str, nominee_type: str) -> None:
        subject = self.title(title)["subject"]
        if subject != nominee_type:
            raise invalid(
                "nominee-type",
                f"「{title}」表彰的是{SUBJECTS[subject]}，请把 nominee_type 改为 {subject}",
                f"{title} honours a {subject}: set nominee_type to {subject}",
            )

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
        self.expect_phase(
            today, "nominating", "recommending", action="记录资格特批", action_en="overrides are recorded"
        )
        self.expect_subject(title, nominee_type)
        if not reason:
            raise invalid("override-reason", "资格特批须写明理由 (A4)", "An override says why (A4)")
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
                f"「{title}」名额已满（已用 {used} 个，共 {quota} 个），不能再确定拟表彰对象",
                f"The quota of {title} is full ({used}/{quota}); no more candidates",
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
        self.expect_phase(today, "awaiting_grant", action="表彰授予", action_en="the grant is made")
        if today < self.grant_on:
            raise refuse(
                "grant-date",
                f"表彰日期为 {self.grant_on}，尚未到期，请于当天或以后再授予",
                f"The grant date is {self.grant_on}; grant on or after it",
            )
        if not granted:
            raise refuse(
                "no-candidates",
                "本活动没有拟表彰对象，无从授予；请先经逐级推荐确定拟表彰对象",
                "There are no candidates to honour; shortlist some first",
            )
        self.trigger_event(self.Granted, on=today.isoformat(), by=by, granted=granted, org=org, trace=trace)
