"""One story across all four real services, over real HTTP, one real nats-server and each store:

1. 党员群众评议 (E8) of the village branch VIL1 in the evaluations service: members rate, the masses vote through
   the QR link, the county comments, the round closes → 评议完成 on the bus;
2. the county's grading cycle (G1–G5) with a 农村 scheme whose 群众评价 sub-item is filled from that result:
   自评, 上级评定, 定级确定 carrying the real round's score;
3. an awards campaign of the city (A1–A6): VIL1 is refused before its grade exists, eligible once the real
   定级确定 has arrived, climbs 长安区委 → 市委, 公示 without objections, 表彰授予, roll of honour; WIN1 (no grade)
   is refused with the reason;
4. an ad-hoc pledge of a VIL1 member completed → its round opened by the evaluations scheduler → rated →
   closed → the pledges ledger shows the result (P7);
5. every service's stream verifies (hash chain, signed checkpoints) and every message on the four streams is
   a CloudEvent the official SDK decodes.

No service's events are faked here: every event a service consumes was published by the real peer service.
"""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_binary_event

from services import SERVICES
from services.evaluations.application import pledge_round_id
from shared.audit import verify_stream
from shared.envelope import Envelope

from .awards.helpers import GRANT, ORG_TITLE, PUBLICITY, TIMETABLE, TODAY, nomination_body
from .evaluations.conftest import stream_events
from .grading.schemes import make_scheme, points
from .stack import Stack

STORY = tuple(s for s in SERVICES if s != "branches")  # the four services this story crosses
YEAR = 2026
EVAL_DAY = dt.date(2026, 3, 2)  # the evaluations and pledges clocks: inside the rounds' periods
COUNTY, CITY = "local:13/1301/130102", "local:13/1301"


async def call(stack: Stack, method: str, path: str, who: dict | None, status: int, body: dict | None = None, **params):
    r = await stack.http.request(method, path, json=body, headers=who or {}, params=params or None)
    assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
    if status >= 400:
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["title_zh"] and r.json()["title_en"]
    return r.json()


async def mass_vote(stack: Stack, path: str, satisfaction: str) -> None:
    """One person from the masses scans the QR link on their own phone (own cookie jar) and votes (E5)."""
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as phone:
        form = await phone.get(path)
        assert form.status_code == 200, form.text
        ballot = re.search(r'name="ballot" value="([^"]+)"', form.text)
        assert ballot, form.text
        voted = await phone.post(path, data={"ballot": ballot.group(1), "satisfaction": satisfaction})
        assert voted.status_code == 200 and "感谢您的评议" in voted.text, voted.text


async def all_messages(stack: Stack, service: str) -> list:
    return await stream_events(stack["evaluations"].js, f"cxzy.{service}.>", stream=f"CXZY_{service.upper()}")


async def test_e8_to_grading_to_awards_and_the_pledge_loop_across_all_four_services(tmp_path, store):
    stack = await Stack(tmp_path, store, services=STORY).start()
    try:
        await story(stack)
    finally:
        await stack.stop()


async def story(stack: Stack) -> None:
    for svc in ("evaluations", "pledges"):
        stack[svc].app.today = lambda: EVAL_DAY
    stack["awards"].app.today = lambda: TODAY  # the campaign's nomination phase (2026-05-01)

    county = stack.token("superior", "county-130102", [COUNTY])
    dept = stack.token("org_admin", "dept-130102", [COUNTY])
    city_admin = stack.token("org_admin", "adm-city", [CITY])
    sec_vil1 = stack.secretary("VIL1")

    # ---- 1. 党员群众评议 of VIL1 (E8) in the evaluations service -------------------------------------------------
    round_body = {
        "subject_type": "org",
        "subject_id": "VIL1",
        "purpose": "org_mass",
        "year": YEAR,
        "modes": {"peer": 50, "mass": 30, "leader": 20},
        "start": "2026-03-01",
        "end": "2026-03-15",
        "min_participation": 0.5,
        "eligible": 10,
        "publish": True,
    }
    opened = await call(stack, "POST", "/api/evaluations/rounds", county, 201, round_body)  # the leading superior
    e8_round = opened["round_id"]
    rounds = f"/api/evaluations/rounds/{e8_round}"
    for who, mode, score in [
        (stack.member("M2", "VIL1"), "peer", 95),
        (stack.member("M3", "VIL1"), "peer", 85),
        (county, "leader", 90),
    ]:
        await call(stack, "POST", f"{rounds}/ratings", who, 200, {"mode": mode, "score": score})
    link = await call(stack, "GET", f"{rounds}/link", county, 200)
    for satisfaction in ("满意", "比较满意"):  # 100, 80
        await mass_vote(stack, link["path"], satisfaction)
    closed = await call(stack, "POST", f"{rounds}/close", county, 200)
    e8_score = 0.5 * 90 + 0.3 * 90 + 0.2 * 90  # peer mean 90, mass mean (100 + 80) / 2, leader 90
    assert (closed["state"], closed["grade"]) == ("completed", "优秀")
    assert closed["score"] == pytest.approx(e8_score)
    assert closed["participation"] == {"eligible": 10, "participated": 5, "rate": 0.5}
    assert closed["counts"] == {"peer": 2, "mass": 2, "leader": 1}

    # ---- 2. grading: the county deploys the 2026 cycle; VIL1 self-assesses, the county assesses -----------------
    cycle = await call(
        stack,
        "POST",
        "/api/grading/cycles",
        dept,
        201,
        {
            "year": YEAR,
            "scope": COUNTY,
            "issuer_org_id": "P130102",
            "schemes": {"农村": make_scheme("2026.1")},  # 7.1 (15 points) has "source": "mass"
            "ratio": {"max_top": 1.0},
        },
    )
    cid = cycle["cycle_id"]
    assert cycle["orgs_in_scope"] == 1  # VIL1: WIN1 has no scheme for its domain, TAXB1 is led by the tax system
    scheme_hash = cycle["schemes"]["农村"]["scheme_hash"]
    base = f"/api/grading/cycles/{cid}/orgs/VIL1"
    await call(stack, "POST", f"{base}/self-assessment", sec_vil1, 200, {"items": points(0.9)})
    await call(
        stack, "POST", f"{base}/superior-assessment", county, 200, {"items": points(1.0), "comment": "经实地核查"}
    )

    # ---- 3a. the city's awards campaign opens; VIL1 has no 定级确定 yet, so it is refused -----------------------
    campaign = await call(
        stack,
        "POST",
        "/api/awards/campaigns",
        city_admin,
        201,
        {
            "opener_org_id": "P1301",
            "scope": CITY,
            "name": "2026年七一表彰",
            "kind": "qiyi",
            "year": YEAR,
            "titles": [{"name": ORG_TITLE, "quota": 2}],
            **TIMETABLE,
        },
    )
    camp = campaign["campaign_id"]
    assert campaign["phase"] == "nominating"
    nominations = f"/api/awards/campaigns/{camp}/nominations"
    refused = await call(stack, "POST", nominations, sec_vil1, 409, nomination_body("VIL1"))
    assert refused["type"].endswith("/ineligible") and "尚无定级确定记录" in refused["reasons"][0]

    # ---- 2b. the determination uses the E8 result that came over the bus from the evaluations service ----------
    await stack.settle()
    determined = await call(stack, "POST", f"{base}/determination", county, 200, {})
    self_part, superior_part = sum(points(0.9).values()), sum(points(1.0).values())  # 76.5, 85 of 85
    expected = 0.3 * self_part + 0.7 * superior_part + 15 * e8_score / 100
    assert (determined["grade"], determined["state"]) == ("先进", "determined")
    assert determined["score"] == pytest.approx(expected, abs=0.005)  # scores are kept to 2 decimals (G3)
    await stack.settle()
    shown = await call(stack, "GET", base, county, 200)
    assert shown["grade"] == "先进"

    # ---- 3b. now VIL1 is eligible on the real 定级确定; WIN1 (never graded) is refused with the reason ----------
    n = await call(stack, "POST", nominations, sec_vil1, 201, nomination_body("VIL1"))
    assert n["levels"] == [COUNTY, CITY]
    assert n["eligibility"]["eligible"] is True and n["eligibility"]["reasons"] == []
    fact = n["eligibility"]["facts"]["grade"]
    assert (fact["cycle_id"], fact["year"], fact["grade"], fact["advanced"]) == (cid, YEAR, "先进", True)
    refused = await call(stack, "POST", nominations, stack.secretary("WIN1"), 409, nomination_body("WIN1"))
    assert refused["type"].endswith("/ineligible")
    assert refused["reasons"] == ["尚无定级确定记录 / no grade (定级确定) on record"]

    # recommendation along VIL1's leading chain: 长安区委 → 市委 (the campaign's level shortlists)
    nid = n["nomination_id"]
    await call(stack, "POST", f"/api/awards/nominations/{nid}/pass", city_admin, 403, {})  # not its level's turn
    passed = await call(stack, "POST", f"/api/awards/nominations/{nid}/pass", county, 200, {"comment": "同意推荐"})
    assert (passed["state"], passed["level"]) == ("pending", CITY)
    shortlisted = await call(stack, "POST", f"/api/awards/nominations/{nid}/pass", city_admin, 200, {"comment": "同意"})
    assert shortlisted["state"] == "shortlisted"

    # 公示 with no objection, then the grant on the grant date
    stack["awards"].app.today = lambda: PUBLICITY
    await stack.settle()
    page = await stack.http.get(f"/awards/campaigns/{camp}/publicity")
    assert page.status_code == 200 and "一村党支部" in page.text
    await call(stack, "POST", f"/api/awards/campaigns/{camp}/grant", city_admin, 409)  # not yet (publicity)
    stack["awards"].app.today = lambda: GRANT
    granted = await call(stack, "POST", f"/api/awards/campaigns/{camp}/grant", city_admin, 200)
    assert granted["phase"] == "granted" and granted["shortlist"][ORG_TITLE] == [nid]
    await stack.settle()
    roll = await call(stack, "GET", "/api/awards/honours", city_admin, 200, scope=CITY, year=YEAR)
    assert [(h["nominee_type"], h["nominee_id"], h["title"]) for h in roll["items"]] == [("org", "VIL1", ORG_TITLE)]
    county_roll = await call(stack, "GET", "/api/awards/honours", county, 200, scope=COUNTY, year=YEAR)
    assert [h["nominee_id"] for h in county_roll["items"]] == ["VIL1"]

    # ---- 4. P7: an ad-hoc pledge of M2 completed → its round → rated → closed → shown in the ledger -------------
    m2 = stack.member("M2", "VIL1")
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": ["M2"],
        "kind": "adhoc",
        "trigger": "防汛抢险",
        "due": "2026-03-31",
        "items": [{"text": "汛期每日巡查堤坝", "tags": ["带头服务群众"]}],
    }
    pid = (await call(stack, "POST", "/api/pledges/pledges", m2, 201, body))["pledge_id"]
    for step, payload, who in [
        ("approve", None, sec_vil1),
        ("publicise", {"channel": "公示栏"}, sec_vil1),
        ("complete", {"summary": "汛期巡查完成"}, m2),
    ]:
        await call(stack, "POST", f"/api/pledges/pledges/{pid}/{step}", who, 200, payload)
    await stack.settle()
    await stack["evaluations"].run_jobs_once()  # 一事一评: the scheduler opens the pledge's round
    await stack.settle()
    pledge_round = str(pledge_round_id(pid))
    prounds = f"/api/evaluations/rounds/{pledge_round}"
    r = await call(stack, "GET", prounds, sec_vil1, 200)
    assert (r["subject_type"], r["subject_id"], r["purpose"], r["state"], r["eligible"]) == (
        "pledge",
        pid,
        "pledge",
        "open",
        5,
    )
    for who, mode, score in [(m2, "self", 90), (stack.member("M1", "VIL1"), "peer", 80), (sec_vil1, "leader", 100)]:
        await call(stack, "POST", f"{prounds}/ratings", who, 200, {"mode": mode, "score": score})
    pclosed = await call(stack, "POST", f"{prounds}/close", sec_vil1, 200)
    pledge_score = (0.2 * 90 + 0.3 * 80 + 0.3 * 100) / 0.8  # default weights; nobody used 群众 → renormalised
    assert pclosed["state"] == "completed" and pclosed["score"] == pytest.approx(pledge_score)
    await stack.settle()
    ledger = await call(stack, "GET", "/api/pledges/orgs/VIL1/ledger", sec_vil1, 200)
    evaluation = {row["pledge_id"]: row["evaluation"] for row in ledger["items"]}[pid]
    assert evaluation["round_id"] == pledge_round and evaluation["grade"] == "优秀"
    assert evaluation["score"] == pytest.approx(pledge_score)
    assert evaluation["participation"] == {"eligible": 5, "participated": 3, "rate": 0.6}

    # ---- 5. the bus: every service's chain and checkpoints verify; every message is a CloudEvent -------------
    await stack.settle()
    envelopes: dict[str, list[Envelope]] = {}
    for svc in STORY:
        msgs = await all_messages(stack, svc)
        assert msgs, svc
        envs = []
        for m in msgs:
            event = from_binary_event(HTTPMessage(headers=dict(m.headers), body=m.data))
            env = Envelope.from_message(m.headers, m.data)
            assert event.get_type() == env.type and env.type.startswith(f"cn.cxzy.{svc}.")
            assert (event.get_id(), event.get_source(), event.get_subject()) == (env.id, env.source, env.subject)
            assert event.get_extension("orgid") == env.orgid and m.subject.endswith(f".{env.orgid}")
            stack[svc].spec.contract.validate(env)
            assert not {"originator_topic", "originator_id", "originator_version"} & set(env.data), env.type
            envs.append(env)
        envelopes[svc] = envs
        verdict = await verify_stream(stack.settings, svc)
        assert verdict["ok"] is True and verdict["checked"] == len(msgs), verdict
    for svc in ("directory", *STORY):  # no projection choked on a peer's event (none parked for an operator)
        assert stack[svc].db.query("SELECT projection, subject, error FROM cxzy_parked") == [], svc

    # the story as the bus tells it: each consumer's input was the producer's real event
    [e8] = [
        e for e in envelopes["evaluations"] if e.type == "cn.cxzy.evaluations.completed.v1" and e.subject == e8_round
    ]
    assert (e8.orgid, e8.data["purpose"], e8.data["year"]) == ("VIL1", "org_mass", YEAR)
    assert e8.data["score"] == pytest.approx(e8_score)
    [grade] = [e for e in envelopes["grading"] if e.type == "cn.cxzy.grading.determined.v1"]
    assert (grade.orgid, grade.data["cycle_id"], grade.data["grade"], grade.data["advanced"]) == (
        "VIL1",
        cid,
        "先进",
        True,
    )
    assert grade.data["scheme_hash"] == scheme_hash
    assert grade.data["mass"]["round_id"] == e8_round and grade.data["mass"]["score"] == pytest.approx(e8_score)
    [honour] = [e for e in envelopes["awards"] if e.type == "cn.cxzy.awards.granted.v1"]
    assert (honour.orgid, honour.subject, honour.data["nominee_id"], honour.data["title"], honour.data["year"]) == (
        "VIL1",
        nid,
        "VIL1",
        ORG_TITLE,
        YEAR,
    )
    pledge_names = [e.type.split(".")[3] for e in envelopes["pledges"] if e.subject == pid]
    assert pledge_names[:4] == ["proposed", "approved", "publicised", "completed"]
    [p_opened] = [e for e in envelopes["evaluations"] if e.type.endswith(".opened.v1") and e.subject == pledge_round]
    pledge_completed = next(e for e in envelopes["pledges"] if e.subject == pid and e.type.endswith(".completed.v1"))
    assert p_opened.causationid == pledge_completed.id
