"""Who may see what, on every read path of every service (DOMAIN.md E6, H3, H4), over real HTTP, a real
nats-server and one SQLite stack for the whole module.

The org concerned is BANK1 (mode b: 桥西区 leads, the bank's vertical system guides) and its member M8.
Every GET route under ``/api/{pledges,evaluations,grading,awards}`` is read by twelve identities; the
expected answer of each cell follows from the rules below, and a GET route the matrix does not know fails.

- an org's records: its members and secretary, and superiors, org depts and auditors whose scope holds it
  (leading or guiding, H3); nobody outside (H4); a downstream system only subscribes (the events feed);
- scope reports: callers holding the scope (superiors, org depts, auditors);
- a result nobody published (E6: 民主评议 55 不合格, ``publish: false``): the member evaluated (a pledge's
  pledgers), the org's secretary, superiors, org depts and auditors in scope; a fellow member sees that the
  round exists and how it stands, with the result withheld. Published results are for the org's members;
- records about one member that the member's peers need not read (an eligibility override, the facts a
  nomination was judged on) follow the unpublished-result rule;
- subtree-wide records (a grading cycle, an award campaign) are read from above or from an org inside them,
  and an org inside sees only the parts about itself.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from .awards.helpers import PUBLICITY, TODAY, at
from .directory_fixture import DIRECTORY
from .grading.schemes import make_scheme, points
from .stack import Stack

SERVICES = ("pledges", "evaluations", "grading", "awards", "branches")
COUNTY, CITY, OTHER_COUNTY, OTHER_CITY = (
    "local:13/1301/130104",
    "local:13/1301",
    "local:13/1301/130102",
    "local:13/1302",
)
BANK, TAX = "vertical:icbc/13", "vertical:tax/13"
YEAR = dt.datetime.now(dt.UTC).date().year


def read_directory() -> dict:
    """The test directory, plus a second member of BANK1 and the tax system's committees as the demo has
    them: 党委 with a domain above the branches (they lead; they are not base orgs)."""
    d = copy.deepcopy(DIRECTORY)
    for org in d["orgs"]:
        if org["id"] == "TAX13":
            org["domain"] = "机关事业"
        if org["id"] == "TAXB1":
            org["parent"] = "TAX1301"
    d["orgs"].append(
        {
            "id": "TAX1301",
            "name": "石家庄市税务局党委",
            "type": "党委",
            "domain": "机关事业",
            "local_path": "13/1301",
            "vertical_path": "tax/13/1301",
            "mode": "c",
            "parent": "TAX13",
        }
    )
    d["members"].append({"id": "M12", "org": "BANK1", "post": "客户经理"})
    return d


# identities -------------------------------------------------------------------------------------------
MEMBER, FELLOW, OTHER_MEMBER = "member M8", "fellow M12", "member M6 of COM1"
SECRETARY, OTHER_SECRETARY = "secretary of BANK1", "secretary of COM1"
LEADING, GUIDING, OUTSIDE, DEPT = "leading 桥西区", "guiding icbc/13", "superior 长安区", "org dept 桥西区"
AUDITOR_IN, AUDITOR_OUT, DOWNSTREAM = "auditor local:13/1301", "auditor local:13/1302", "downstream local:13"
IDENTITIES = (
    MEMBER,
    FELLOW,
    OTHER_MEMBER,
    SECRETARY,
    OTHER_SECRETARY,
    LEADING,
    GUIDING,
    OUTSIDE,
    DEPT,
    AUDITOR_IN,
    AUDITOR_OUT,
    DOWNSTREAM,
)


def tokens(stack: Stack) -> dict[str, dict]:
    return {
        MEMBER: stack.member("M8", "BANK1"),
        FELLOW: stack.member("M12", "BANK1"),
        OTHER_MEMBER: stack.member("M6", "COM1"),
        SECRETARY: stack.secretary("BANK1"),
        OTHER_SECRETARY: stack.secretary("COM1"),
        LEADING: stack.token("superior", "sup-130104", [COUNTY]),
        GUIDING: stack.token("superior", "sup-icbc", [BANK]),
        OUTSIDE: stack.token("superior", "sup-130102", [OTHER_COUNTY]),
        DEPT: stack.token("org_admin", "dept-130104", [COUNTY]),
        AUDITOR_IN: stack.token("auditor", "audit-1301", [CITY]),
        AUDITOR_OUT: stack.token("auditor", "audit-1302", [OTHER_CITY]),
        DOWNSTREAM: stack.token("downstream", "bi", ["local:13"]),
    }


def asked_scope(who: str) -> str:
    """The subtree holding BANK1 that each identity asks scope reports about (its guiding hierarchy for icbc)."""
    return BANK if who == GUIDING else COUNTY


# the rules -------------------------------------------------------------------------------------------
FULL, HIDDEN, REFUSED = "full", "withheld", 403
SEES_ORG = {MEMBER, FELLOW, SECRETARY, LEADING, GUIDING, DEPT, AUDITOR_IN}
SEES_PRIVATE = {MEMBER, SECRETARY, LEADING, GUIDING, DEPT, AUDITOR_IN}  # unpublished results about M8 (E6)
HOLDS_SCOPE = {LEADING, GUIDING, DEPT, AUDITOR_IN}
ORGANISES = {SECRETARY, LEADING, DEPT}  # the base org or its leading superior (H3)
INSIDE_COUNTY = {MEMBER, FELLOW, OTHER_MEMBER, SECRETARY, OTHER_SECRETARY}  # own org inside 桥西区
FROM_ABOVE_COUNTY = {LEADING, DEPT, AUDITOR_IN}  # a territorial scope at or above 桥西区


def org_record(who: str):
    return FULL if who in SEES_ORG else REFUSED


def org_result(who: str):
    """The org's record carrying M8's unpublished result."""
    if who not in SEES_ORG:
        return REFUSED
    return FULL if who in SEES_PRIVATE else HIDDEN


def scope_report(who: str):
    return FULL if who in HOLDS_SCOPE else REFUSED


def feed(who: str):
    return FULL if who in HOLDS_SCOPE | {DOWNSTREAM} else REFUSED


def organiser(who: str):
    return FULL if who in ORGANISES else REFUSED


def any_reader(who: str):
    return REFUSED if who == DOWNSTREAM else FULL


def herself(who: str):
    """What is open for M8 to rate: M8's own list."""
    return FULL if who == MEMBER else REFUSED


def everyone(who: str):
    return FULL


def from_above(who: str):
    """A record of a 桥西区-wide call: read by who holds 桥西区's territorial scope or one above it."""
    return FULL if who in FROM_ABOVE_COUNTY else REFUSED


def private(who: str):
    """About M8 alone (a member's 活动总结): M8, the secretary, and who oversees BANK1 (E6's rule)."""
    return FULL if who in SEES_PRIVATE else REFUSED


def own_notices(who: str):
    """Notices are read by their recipients: every caller gets her own list (possibly empty), no one else's."""
    return FULL


def cycle(who: str):
    """The 桥西区 cycle: read from above, from a covered org, or by a guiding superior of a covered org (H3: it
    sees, does not decide); BANK1's override and its place in the queue only by who sees BANK1."""
    if who not in INSIDE_COUNTY | FROM_ABOVE_COUNTY | {GUIDING}:
        return REFUSED
    return FULL if who in SEES_ORG else HIDDEN


def campaign(who: str):
    """The 桥西区 campaign: read from above or from an org inside; M8's override is about M8 (private)."""
    if who not in INSIDE_COUNTY | FROM_ABOVE_COUNTY:
        return REFUSED
    return FULL if who in SEES_PRIVATE else HIDDEN


# what each route is about: (path, params, rule, probe) --------------------------------------------------
def result_shown(item: dict) -> str:
    if item["score"] is None:
        assert item["grade"] is None and "score" in item.get("withheld", []), item
        return HIDDEN
    assert (item["score"], item["grade"]) == (55.0, "不合格"), item
    return FULL


def find(items: list[dict], key: str, value: str) -> dict:
    found = [i for i in items if i[key] == value]
    assert found, f"{key}={value} missing from {items}"
    return found[0]


def matrix(ids: dict) -> dict:
    ledger_eval = lambda body: evaluation_shown(find(body["items"], "pledge_id", ids["pledge"]))  # noqa: E731
    status_only = lambda body: FULL  # noqa: E731
    return {
        # pledges ----------------------------------------------------------------------------------
        "/api/pledges/pledges/{pledge_id}": (f"/api/pledges/pledges/{ids['pledge']}", {}, org_record, status_only),
        "/api/pledges/orgs/{org_id}/ledger": ("/api/pledges/orgs/BANK1/ledger", {}, org_result, ledger_eval),
        "/api/pledges/ledger": ("/api/pledges/ledger", {"scope": None}, scope_report, ledger_eval),
        "/api/pledges/pledges/{pledge_id}/progress": (
            f"/api/pledges/pledges/{ids['pledge']}/progress",
            {},
            org_record,
            status_only,
        ),
        "/api/pledges/reports/fulfilment": (
            "/api/pledges/reports/fulfilment",
            {"scope": None, "year": YEAR},
            scope_report,
            status_only,
        ),
        "/api/pledges/events": ("/api/pledges/events", {"scope": None}, feed, None),
        "/api/pledges/notices": ("/api/pledges/notices", {}, own_notices, status_only),
        "/api/pledges/orgs/{org_id}/posts": ("/api/pledges/orgs/BANK1/posts", {}, org_record, status_only),
        # evaluations ------------------------------------------------------------------------------
        "/api/evaluations/rounds/{round_id}": (
            f"/api/evaluations/rounds/{ids['unpublished']}",
            {},
            org_result,
            result_shown,
        ),
        "/api/evaluations/rounds/{round_id}/link": (
            f"/api/evaluations/rounds/{ids['published']}/link",
            {},
            organiser,
            status_only,
        ),
        "/api/evaluations/orgs/{org_id}/rounds": (
            "/api/evaluations/orgs/BANK1/rounds",
            {},
            org_result,
            lambda body: result_shown(find(body["items"], "round_id", ids["unpublished"])),
        ),
        "/api/evaluations/members/{member_id}/results": (
            "/api/evaluations/members/M8/results",
            {},
            org_result,
            lambda body: result_shown(find(body["items"], "round_id", ids["unpublished"])),
        ),
        "/api/evaluations/results": (
            "/api/evaluations/results",
            {"scope": None},
            scope_report,
            lambda body: result_shown(find(body["items"], "round_id", ids["unpublished"])),
        ),
        "/api/evaluations/orgs/{org_id}/pledge-policy": (
            "/api/evaluations/orgs/BANK1/pledge-policy",
            {},
            org_record,
            status_only,
        ),
        "/api/evaluations/contests/ranking": (
            "/api/evaluations/contests/ranking",
            {"scope": None, "contest": "skill", "label": "Q1"},
            scope_report,
            lambda body: FULL if find(body["items"], "target_id", "M8")["score"] == 88 else "wrong score",
        ),
        "/api/evaluations/orgs/{org_id}/windows": ("/api/evaluations/orgs/BANK1/windows", {}, org_record, status_only),
        "/api/evaluations/events": ("/api/evaluations/events", {"scope": None}, feed, None),
        "/api/evaluations/members/{member_id}/to-rate": (
            "/api/evaluations/members/M8/to-rate",
            {},
            herself,
            status_only,
        ),
        "/api/evaluations/notices": ("/api/evaluations/notices", {}, own_notices, status_only),
        # grading ----------------------------------------------------------------------------------
        "/api/grading/cycles/{cycle_id}": (
            f"/api/grading/cycles/{ids['cycle']}",
            {},
            cycle,
            lambda body: FULL if list(body["overrides"]) == ["BANK1"] else overrides_hidden(body),
        ),
        "/api/grading/cycles": (
            "/api/grading/cycles",
            {},
            cycle,
            lambda body: listed_cycle(body, ids["cycle"]),
        ),
        "/api/grading/cycles/{cycle_id}/orgs": (
            f"/api/grading/cycles/{ids['cycle']}/orgs",
            {},
            cycle,
            lambda body: FULL if any(o["org_id"] == "BANK1" for o in body["items"]) else HIDDEN,
        ),
        "/api/grading/cycles/{cycle_id}/orgs/{org_id}": (
            f"/api/grading/cycles/{ids['cycle']}/orgs/BANK1",
            {},
            org_record,
            status_only,
        ),
        "/api/grading/orgs/{org_id}/cycles": (
            "/api/grading/orgs/BANK1/cycles",
            {},
            org_record,
            lambda body: FULL if find(body["items"], "cycle_id", ids["cycle"])["scheme_hash"] else "no scheme",
        ),
        "/api/grading/reports/distribution": (
            "/api/grading/reports/distribution",
            {"scope": None, "year": YEAR},
            scope_report,
            status_only,
        ),
        "/api/grading/reports/movements": (
            "/api/grading/reports/movements",
            {"scope": None, "year": YEAR},
            scope_report,
            status_only,
        ),
        "/api/grading/reports/ungraded": (
            "/api/grading/reports/ungraded",
            {"scope": None, "year": YEAR},
            scope_report,
            lambda body: FULL if find(body["items"], "org_id", "BANK1") else "missing",
        ),
        "/api/grading/reports/rectification-overdue": (
            "/api/grading/reports/rectification-overdue",
            {"scope": None},
            scope_report,
            status_only,
        ),
        "/api/grading/schemes/{scheme_hash}": (
            f"/api/grading/schemes/{ids['scheme']}",
            {},
            any_reader,
            status_only,
        ),
        "/api/grading/events": ("/api/grading/events", {"scope": None}, feed, None),
        # awards -----------------------------------------------------------------------------------
        "/api/awards/campaigns": ("/api/awards/campaigns", {"scope": None}, scope_report, status_only),
        "/api/awards/campaigns/{campaign_id}": (
            f"/api/awards/campaigns/{ids['campaign']}",
            {},
            campaign,
            lambda body: FULL if list(body["overrides"]) == ["优秀共产党员|member|M8"] else overrides_hidden(body),
        ),
        "/api/awards/orgs/{org_id}/campaigns": ("/api/awards/orgs/BANK1/campaigns", {}, org_record, status_only),
        "/api/awards/nominations/{nomination_id}": (
            f"/api/awards/nominations/{ids['nomination']}",
            {},
            org_result,
            eligibility_shown,
        ),
        "/api/awards/nominations": (
            "/api/awards/nominations",
            {"scope": None},
            scope_report,
            lambda body: FULL if find(body["items"], "nomination_id", ids["nomination"]) else "missing",
        ),
        "/api/awards/orgs/{org_id}/nominations": (
            "/api/awards/orgs/BANK1/nominations",
            {},
            org_result,
            lambda body: nominee_facts_shown(find(body["items"], "nomination_id", ids["nomination"])),
        ),
        "/api/awards/honours": ("/api/awards/honours", {"scope": None}, scope_report, status_only),
        "/api/awards/exemplars": ("/api/awards/exemplars", {"scope": None}, scope_report, status_only),
        "/api/awards/studies": ("/api/awards/studies", {"scope": None}, scope_report, status_only),
        "/api/awards/events": ("/api/awards/events", {"scope": None}, feed, None),
        # branches ---------------------------------------------------------------------------------
        "/api/branches/focus": ("/api/branches/focus", {}, everyone, status_only),
        "/api/branches/institutions/{institution_id}": (
            f"/api/branches/institutions/{ids['institution']}",
            {},
            org_record,
            status_only,
        ),
        "/api/branches/orgs/{org_id}/institutions": (
            "/api/branches/orgs/BANK1/institutions",
            {},
            any_reader,
            status_only,
        ),
        "/api/branches/institutions": ("/api/branches/institutions", {"scope": None}, scope_report, status_only),
        "/api/branches/orgs/{org_id}/drafts": ("/api/branches/orgs/BANK1/drafts", {}, org_record, status_only),
        "/api/branches/orgs/{org_id}/summary-calls": (
            "/api/branches/orgs/BANK1/summary-calls",
            {},
            org_record,
            status_only,
        ),
        "/api/branches/institutions.xlsx": ("/api/branches/institutions.xlsx", {"scope": None}, scope_report, None),
        "/api/branches/summary-calls/{call_id}": (
            f"/api/branches/summary-calls/{ids['call']}",
            {},
            from_above,
            status_only,
        ),
        "/api/branches/summaries/{summary_id}": (f"/api/branches/summaries/{ids['summary']}", {}, private, status_only),
        "/api/branches/orgs/{org_id}/meetings/{year}": (
            f"/api/branches/orgs/BANK1/meetings/{YEAR}",
            {},
            org_record,
            status_only,
        ),
        "/api/branches/orgs/{org_id}/debriefs/{year}": (
            f"/api/branches/orgs/BANK1/debriefs/{YEAR}",
            {},
            org_record,
            status_only,
        ),
        "/api/branches/events": ("/api/branches/events", {"scope": None}, feed, None),
        "/api/awards/notices": ("/api/awards/notices", {}, own_notices, status_only),
    }


def evaluation_shown(pledge: dict) -> str:
    ev = pledge["evaluation"]
    assert ev is not None and ev["published"] is False, pledge
    if ev["score"] is None:
        assert ev["grade"] is None and "score" in ev["withheld"], ev
        return HIDDEN
    assert (ev["score"], ev["grade"]) == (40.0, "不合格"), ev
    return FULL


def eligibility_shown(body: dict) -> str:
    if body["eligibility"] is None:
        assert "eligibility" in body["withheld"], body
        return HIDDEN
    assert "不合格" in " ".join(body["eligibility"]["reasons"]), body
    return FULL


def nominee_facts_shown(row: dict) -> str:
    """An org's list of nominations: whether M8 was eligible (or overridden) is about M8 (A4, E6's rule)."""
    if row["eligible"] is None:
        assert {"eligible", "overridden"} <= set(row["withheld"]), row
        return HIDDEN
    assert row["eligible"] is False, row
    return FULL


def listed_cycle(body: dict, cycle_id: str):
    """The cycles a reader may read: the 桥西区 cycle listed is read (with or without BANK1's override), absent
    is what a refusal is for a list."""
    found = [c for c in body["items"] if c["cycle_id"] == cycle_id]
    if not found:
        return REFUSED
    return FULL if list(found[0]["overrides"]) == ["BANK1"] else overrides_hidden(found[0])


def overrides_hidden(body: dict) -> str:
    assert body["overrides"] == {}, body  # filtered out, not marked: their very existence is not for this reader
    return HIDDEN


# the world the matrix reads --------------------------------------------------------------------------
class World:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.who = tokens(stack)
        self.ids: dict[str, str] = {}

    async def call(self, method: str, path: str, who: str | dict, body: dict | None = None, status: int = 200):
        headers = self.who[who] if isinstance(who, str) else who
        r = await self.stack.http.request(method, path, json=body, headers=headers)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json()

    async def round_closed_with(self, body: dict, rater: str, score: float) -> str:
        opened = await self.call("POST", "/api/evaluations/rounds", SECRETARY, body, 201)
        return await self.close_after(opened["round_id"], rater, score)

    async def close_after(self, round_id: str, rater: str, score: float) -> str:
        url = f"/api/evaluations/rounds/{round_id}"
        await self.call("POST", f"{url}/ratings", rater, {"mode": "self", "score": score})
        closed = await self.call("POST", f"{url}/close", SECRETARY)
        assert closed["state"] == "completed", closed
        return round_id

    async def build(self) -> World:
        stack, ids = self.stack, self.ids
        period = {"start": dt.date.today().isoformat(), "end": (dt.date.today() + dt.timedelta(days=7)).isoformat()}
        # 承诺践诺 (P1–P7): M8's pledge, evaluated in a round its org did not publish
        pledge = await self.call(
            "POST",
            "/api/pledges/pledges",
            MEMBER,
            {
                "org_id": "BANK1",
                "pledger_kind": "individual",
                "member_ids": ["M8"],
                "kind": "annual",
                "items": [{"text": "每月走访客户", "tags": ["带头服务群众"]}],
            },
            201,
        )
        ids["pledge"] = pledge["pledge_id"]
        await stack.settle()
        one_rater = {"year": YEAR, "eligible": 1, "min_participation": 1.0, "publish": False, **period}
        ids["pledge_round"] = await self.round_closed_with(
            {"subject_type": "pledge", "subject_id": ids["pledge"], "purpose": "pledge", "modes": {"self": 1}}
            | one_rater,
            MEMBER,
            40,
        )
        # 民主评议 (E7), not published: M8 55 不合格; M12's round still open
        democratic = {"year": YEAR, "modes": {"self": 50, "peer": 50}, "min_participation": 0.5, "publish": False}
        opened = await self.call("POST", "/api/evaluations/orgs/BANK1/democratic", SECRETARY, democratic | period, 201)
        rounds = {r["subject_id"]: r["round_id"] for r in opened["rounds"]}
        ids["unpublished"] = await self.close_after(rounds["M8"], MEMBER, 55)
        ids["open"] = rounds["M12"]
        # a published round of M8 (with 群众评议, so it has a QR link)
        ids["published"] = await self.round_closed_with(
            {
                "subject_type": "member",
                "subject_id": "M8",
                "purpose": "general",
                "modes": {"self": 50, "mass": 50},
                "year": YEAR,
                "eligible": 2,
                "min_participation": 0.5,
                "publish": True,
                **period,
            },
            MEMBER,
            80,
        )
        # 三比 (E3): a window of BANK1, M8 scored
        await self.call(
            "POST",
            "/api/evaluations/windows",
            SECRETARY,
            {"window_id": "BANK1-W", "org_id": "BANK1", "name": "柜台"},
            201,
        )
        await self.call(
            "POST",
            "/api/evaluations/windows/BANK1-W/contests",
            SECRETARY,
            {"contest": "skill", "label": "Q1", "target": "M8", "score": 88},
            201,
        )
        # 晋位升级 (G1–G5): 桥西区's cycle covers BANK1 and COM1; BANK1 self-assessed, with a G5 override
        scheme = make_scheme()
        county_cycle = await self.call(
            "POST",
            "/api/grading/cycles",
            DEPT,
            {"year": YEAR, "scope": COUNTY, "issuer_org_id": "P130104", "schemes": {"国企": scheme, "社区": scheme}},
            201,
        )
        ids["cycle"] = county_cycle["cycle_id"]
        ids["scheme"] = county_cycle["schemes"]["国企"]["scheme_hash"]
        await self.call(
            "POST",
            f"/api/grading/cycles/{ids['cycle']}/orgs/BANK1/self-assessment",
            SECRETARY,
            {"items": points(0.8)},
        )
        await self.call(
            "POST",
            f"/api/grading/cycles/{ids['cycle']}/overrides",
            DEPT,
            {"org_id": "BANK1", "grade": "先进", "reason": "金融服务乡村振兴成绩突出"},
            201,
        )
        tax_dept = stack.token("org_admin", "dept-tax13", [TAX])
        tax_cycle = await self.call(
            "POST",
            "/api/grading/cycles",
            tax_dept,
            {"year": YEAR, "scope": TAX, "issuer_org_id": "TAX13", "schemes": {"窗口单位": scheme, "机关事业": scheme}},
            201,
        )
        ids["tax_cycle_covers"] = tax_cycle["orgs_in_scope"]
        # 评比表彰 (A1–A5): 桥西区's campaign; M8 (55 不合格) nominated with an override, shortlisted
        await stack.settle()  # M8's 民主评议 result reaches the awards service's facts
        at(stack, TODAY)
        opened_campaign = await self.call(
            "POST",
            "/api/awards/campaigns",
            DEPT,
            {
                "opener_org_id": "P130104",
                "scope": COUNTY,
                "name": f"{YEAR}年七一表彰",
                "kind": "qiyi",
                "year": TODAY.year,
                "titles": [{"name": "优秀共产党员", "quota": 1}],
                "nomination_until": "2026-05-31",
                "publicity_from": "2026-06-10",
                "publicity_until": "2026-06-20",
                "grant_on": "2026-06-28",
            },
            201,
        )
        ids["campaign"] = opened_campaign["campaign_id"]
        override = {"title": "优秀共产党员", "nominee_type": "member", "nominee_id": "M8", "reason": "抗洪抢险表现突出"}
        await self.call("POST", f"/api/awards/campaigns/{ids['campaign']}/overrides", DEPT, override, 201)
        nomination = await self.call(
            "POST",
            f"/api/awards/campaigns/{ids['campaign']}/nominations",
            SECRETARY,
            {"title": "优秀共产党员", "nominee_type": "member", "nominee_id": "M8", "deeds": "扎根基层，服务群众"},
            201,
        )
        ids["nomination"] = nomination["nomination_id"]
        passed = await self.call(
            "POST", f"/api/awards/nominations/{ids['nomination']}/pass", LEADING, {"comment": "同意"}
        )
        assert passed["state"] == "shortlisted", passed
        # branch life (B1, B5): BANK1's draft institution; 桥西区's call for 活动总结 and M8's summary
        draft = {
            "org_id": "BANK1",
            "title": "党员先锋岗制度",
            "focus": ["党员先锋岗"],
            "goal": "每个柜台一名党员先锋",
            "content": "党员在柜台亮身份、作表率",
            "measures": ["每月评选一次"],
        }
        ids["institution"] = (await self.call("POST", "/api/branches/institutions", SECRETARY, draft, 201))[
            "institution_id"
        ]
        call = {"scope": COUNTY, "year": YEAR, "deadline": period["end"], "min_length": 10, "issuer_org_id": "P130104"}
        ids["call"] = (await self.call("POST", "/api/branches/summary-calls", LEADING, call, 201))["call_id"]
        summary = {"author_kind": "member", "org_id": "BANK1", "text": "本年度在柜台岗位上践行承诺，服务客户。"}
        ids["summary"] = (
            await self.call("POST", f"/api/branches/summary-calls/{ids['call']}/summaries", MEMBER, summary, 201)
        )["summary_id"]
        report = {"text": "本年度支部落实承诺践诺、联系服务群众，组织党员定期学习，整改上年问题。" * 4}
        await self.call("POST", f"/api/branches/orgs/BANK1/debriefs/{YEAR}", SECRETARY, report, 201)
        step = {"step": "study", "on": dt.date.today().isoformat()}
        await self.call("POST", f"/api/branches/orgs/BANK1/meetings/{YEAR}/steps", SECRETARY, step)
        await stack.settle()
        return self


@pytest.fixture(scope="module")
async def world(tmp_path_factory):
    stack = await Stack(
        tmp_path_factory.mktemp("read-access"), "sqlite", services=SERVICES, directory=read_directory()
    ).start()
    try:
        yield await World(stack).build()
    finally:
        await stack.stop()


# the tests -------------------------------------------------------------------------------------------
async def test_e6_an_unpublished_democratic_result_is_not_for_fellow_members(world):
    """The issue's leak: M12 read M8's unpublished 55 不合格 through three routes."""
    unpublished = world.ids["unpublished"]
    for path in (
        f"/api/evaluations/rounds/{unpublished}",
        "/api/evaluations/members/M8/results",
        "/api/evaluations/orgs/BANK1/rounds",
    ):
        for who, expected in ((FELLOW, HIDDEN), (MEMBER, FULL), (SECRETARY, FULL), (LEADING, FULL)):
            body = await world.call("GET", path, who)
            item = body if "items" not in body else find(body["items"], "round_id", unpublished)
            assert item["state"] == "completed"  # the round exists and is closed: that much is the org's
            assert result_shown(item) == expected, (path, who)
            if expected == HIDDEN and "items" in body:  # a row's "modes" are its mode scores: withheld too
                assert item["modes"] is None and item["withheld"] == ["grade", "modes", "score"], item
            elif expected == HIDDEN:  # a round's "modes" are its weights: shown
                assert item["modes"] == {"self": 0.5, "peer": 0.5} and item["withheld"] == ["grade", "score"], item
    # a published result is the org's: the fellow member reads it; an open round shows its live tallies
    published = await world.call("GET", f"/api/evaluations/rounds/{world.ids['published']}", FELLOW)
    assert (published["score"], published["grade"], "withheld" in published) == (80.0, "合格", False)
    live = await world.call("GET", f"/api/evaluations/rounds/{world.ids['open']}", MEMBER)
    assert (live["state"], live["score"], live["counts"]) == ("open", None, {"self": 0, "peer": 0})


async def test_every_get_route_is_in_the_matrix(world):
    openapi = (await world.stack.http.get("/openapi.json")).json()
    routes = {
        path
        for path, operations in openapi["paths"].items()
        if "get" in operations and re.match(rf"^/api/({'|'.join(SERVICES)})/", path)
    }
    assert routes == set(matrix(world.ids)), "a GET route without its row in the read-access matrix (or a stale row)"


ROUTES = sorted(
    matrix(
        {
            k: "x"
            for k in ("pledge", "unpublished", "published", "cycle", "scheme", "campaign", "nomination")
            + ("institution", "call", "summary")
        }
    )
)


@pytest.mark.parametrize("route", ROUTES)
async def test_read_access_matrix(world, route):
    path, params, rule, probe = matrix(world.ids)[route]
    wrong = []
    for who in IDENTITIES:
        query = {k: (asked_scope(who) if v is None else v) for k, v in params.items()}
        expected = rule(who)
        if probe is None:  # a live SSE feed: the answer's status is all there is to read
            async with world.stack.http.stream("GET", path, params=query, headers=world.who[who]) as r:
                got = FULL if r.status_code == 200 else r.status_code
        else:
            r = await world.stack.http.get(path, params=query, headers=world.who[who])
            got = probe(r.json()) if r.status_code == 200 else r.status_code
            if r.status_code == 403:
                assert r.headers["content-type"] == "application/problem+json" and r.json()["title_zh"], r.text
        if got != expected:
            wrong.append(f"{who}: expected {expected}, got {got}")
    assert not wrong, f"{route}:\n" + "\n".join(wrong)


async def test_g2_ungraded_lists_the_base_orgs_a_cycle_covers_not_the_committees_above_them(world):
    """The tax system's 党委 carry a domain (as in the demo) but lead the branches; they are not base orgs.
    A county without a cycle of its own lists the orgs other cycles cover inside it (TAXB1, tax-led)."""
    assert world.ids["tax_cycle_covers"] == 1  # G5's N counts TAXB1 only
    for scope, who, expected in [
        (TAX, world.stack.token("superior", "tax", [TAX]), [("TAXB1", "vertical")]),
        (COUNTY, LEADING, [("BANK1", "local"), ("COM1", "local")]),
        (OTHER_COUNTY, OUTSIDE, [("TAXB1", "vertical")]),  # 长安区 has no cycle this year; VIL1, WIN1 are not due
    ]:
        body = await world.call("GET", f"/api/grading/reports/ungraded?scope={scope}&year={YEAR}", who)
        assert [(r["org_id"], r["leading_hierarchy"]) for r in body["items"]] == expected, scope
        assert body["total"] == len(expected)


async def test_a5_the_publicity_page_and_the_api_name_a_member_by_what_the_directory_has(world):
    """A member nominee is named by the directory's people book and her org: <姓名>（<org name>）."""
    label = "黄勇（银行桥西支行党支部）"
    at(world.stack, PUBLICITY)
    page = await world.stack.http.get(f"/awards/campaigns/{world.ids['campaign']}/publicity")
    assert page.status_code == 200 and label in page.text
    nomination = await world.call("GET", f"/api/awards/nominations/{world.ids['nomination']}", LEADING)
    assert nomination["nominee_name"] == label
    listed = await world.call("GET", f"/api/awards/nominations?scope={COUNTY}", LEADING)
    assert find(listed["items"], "nomination_id", world.ids["nomination"])["nominee_name"] == label


async def test_p6_a_mobile_members_pledge_is_read_where_it_is_listed_home_and_host(world):
    """流动党员 M5 (home VIL1, now at COM1): both ledgers list the pledge, so both orgs read it (P6, P9)."""
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": ["M5"],
        "kind": "annual",
        "items": [{"text": "在务工地参加志愿服务", "tags": ["带头服务群众"]}],
    }
    pledge = await world.call("POST", "/api/pledges/pledges", world.stack.member("M5", "VIL1"), body, 201)
    assert pledge["host_org_id"] == "COM1"
    await world.stack.settle()
    path = f"/api/pledges/pledges/{pledge['pledge_id']}"
    for who, status in [
        (world.stack.secretary("VIL1"), 200),
        (world.who[OTHER_SECRETARY], 200),  # COM1, the host
        (world.who[OTHER_MEMBER], 200),
        (world.who[SECRETARY], 403),  # BANK1
        (world.who[DOWNSTREAM], 403),
    ]:
        assert (await world.stack.http.get(path, headers=who)).status_code == status, who
    host = await world.call("GET", "/api/pledges/orgs/COM1/ledger", OTHER_SECRETARY)
    assert pledge["pledge_id"] in [p["pledge_id"] for p in host["items"]]
