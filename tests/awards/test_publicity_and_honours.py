"""公示, 表彰授予, 撤销 and 先进典型 over real HTTP, a real nats-server and each store (A5, A6, A7, H4): objections
from the public page, their resolution before the grant, the roll of honour seen from both hierarchies,
exemplars and who learnt from them — and the CloudEvents on the bus that carry none of the free text."""

from cloudevents.core.bindings.http import HTTPMessage, from_binary_event

from shared.envelope import Envelope

from .foreign import Foreign
from .helpers import (
    GRANT,
    MEMBER_TITLE,
    ORG_TITLE,
    PUBLICITY,
    TODAY,
    admin,
    at,
    campaign_body,
    climb,
    get,
    nomination_body,
    post,
    superior,
)

DISTRICT, BRIDGE, CITY = "local:13/1301/130102", "local:13/1301/130104", "local:13/1301"
OBJECTION = "该村集体账目长期不公开"  # an objector's words: kept out of the bus


async def test_a5_a6_a7_publicity_objections_grant_revoke_roll_and_exemplars(awards):
    f = Foreign(awards)
    at(awards, TODAY)
    for org in ("VIL1", "BANK1"):
        await f.graded(org, 2026, "先进")
    await f.evaluated("VIL1", "member", "M1", "democratic", 2026, 91, "优秀")
    await awards.settle()

    city = admin(awards, CITY)
    cid = (
        await post(
            awards,
            "/campaigns",
            campaign_body("P1301", CITY, [{"name": ORG_TITLE, "quota": 2}, {"name": MEMBER_TITLE, "quota": 1}]),
            city,
            201,
        )
    )["campaign_id"]
    ids = {}
    for nominee, title, kind, org, chain in (
        ("VIL1", ORG_TITLE, "org", "VIL1", [DISTRICT, city]),
        ("BANK1", ORG_TITLE, "org", "BANK1", [BRIDGE, city]),
        ("M1", MEMBER_TITLE, "member", "VIL1", [DISTRICT, city]),
    ):
        n = await post(
            awards, f"/campaigns/{cid}/nominations", nomination_body(nominee, title, kind), awards.secretary(org), 201
        )
        ids[nominee] = n["nomination_id"]
        assert (await climb(awards, n["nomination_id"], chain))["state"] == "shortlisted"
    vil1, bank1, m1 = ids["VIL1"], ids["BANK1"], ids["M1"]

    # A5: objections only during 公示
    refused = await post(awards, f"/nominations/{vil1}/objections", {"text": OBJECTION}, None, 409)
    assert refused["type"].endswith("/campaign-phase")
    at(awards, PUBLICITY)
    await awards.settle()
    index = await awards.http.get("/awards/publicity")
    assert index.status_code == 200 and f"/awards/campaigns/{cid}/publicity" in index.text
    listed = await get(awards, "/campaigns", city, scope=CITY, year=2026)
    assert [(c["campaign_id"], c["opener_org_id"]) for c in listed["items"]] == [(cid, "P1301")]
    page = await awards.http.get(f"/awards/campaigns/{cid}/publicity")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for shown in (
        "一村党支部",
        "银行桥西支行党支部",
        "张伟（一村党支部）",  # a member by her name (the people book), never an id
        "VIL1 带领群众共同致富",
        "公示",
        "Publicity",
        'name="text"',
    ):
        assert shown in page.text
    sent = await awards.http.post(f"/awards/campaigns/{cid}/publicity", data={"nomination_id": vil1, "text": OBJECTION})
    assert sent.status_code == 201 and "异议已收到" in sent.text
    bad = await awards.http.post(f"/awards/campaigns/{cid}/publicity", data={"nomination_id": "nope", "text": "x"})
    assert bad.status_code == 422 and "不是本活动的拟表彰对象" in bad.text
    await post(awards, f"/nominations/{m1}/objections", {"text": "该同志存在违规经商问题"}, None, 201)

    # objections are resolved before the grant: dismissed with a reason, or upheld (withdrawn, place freed)
    at(awards, GRANT)
    refused = await post(awards, f"/campaigns/{cid}/grant", None, city, 409)
    assert refused["type"].endswith("/objections-open")
    seen_by_nominee = await get(awards, f"/nominations/{vil1}", awards.secretary("VIL1"))
    assert seen_by_nominee["objections"][0]["status"] == "open" and "text" not in seen_by_nominee["objections"][0]
    for nomination_id, upheld in ((vil1, False), (m1, True)):
        n = await get(awards, f"/nominations/{nomination_id}", city)
        assert n["objections"][0]["text"] in (OBJECTION, "该同志存在违规经商问题")
        oid = n["objections"][0]["objection_id"]
        await post(
            awards,
            f"/nominations/{nomination_id}/objections/{oid}/resolve",
            {"upheld": upheld, "reason": "经组织核实"},
            superior(awards, DISTRICT),
            403,
        )  # not the campaign's
        n = await post(
            awards,
            f"/nominations/{nomination_id}/objections/{oid}/resolve",
            {"upheld": upheld, "reason": "经组织核实"},
            city,
        )
        assert n["state"] == ("withdrawn" if upheld else "shortlisted")
    granted = await post(awards, f"/campaigns/{cid}/grant", None, city)
    assert granted["phase"] == "granted" and sorted(granted["shortlist"][ORG_TITLE]) == sorted([vil1, bank1])
    await post(awards, f"/campaigns/{cid}/grant", None, city, 409)  # once

    # A6 roll of honour per scope and year, from either hierarchy (H4)
    await awards.settle()
    roll = await get(awards, "/honours", city, scope=CITY, year=2026)
    assert sorted(h["nominee_id"] for h in roll["items"]) == ["BANK1", "VIL1"]
    icbc = await get(awards, "/honours", superior(awards, "vertical:icbc/13"), scope="vertical:icbc/13", year=2026)
    assert [h["nominee_id"] for h in icbc["items"]] == ["BANK1"]
    assert (await get(awards, "/honours", city, scope=CITY, year=2025))["items"] == []
    await get(awards, "/honours", superior(awards, DISTRICT), 403, scope=CITY)

    # A7 exemplar selected from the honoured by a leading superior, promoted, and learnt from
    await post(awards, "/exemplars", {"nomination_id": m1, "citation": "x"}, superior(awards, DISTRICT), 409)
    await post(awards, "/exemplars", {"nomination_id": vil1, "citation": "x"}, superior(awards, BRIDGE), 403)
    exemplar = await post(
        awards, "/exemplars", {"nomination_id": vil1, "citation": "扎根乡村、带富一方"}, superior(awards, DISTRICT), 201
    )
    eid = exemplar["exemplar_id"]
    await post(
        awards,
        f"/exemplars/{eid}/promotions",
        {"kind": "tour", "headline": "一村先进事迹巡回宣讲", "on": "2026-06-30"},
        city,
        201,
    )
    await post(
        awards,
        f"/exemplars/{eid}/studies",
        {"learner_type": "org", "learner_id": "COM1", "form": "专题学习", "on": "2026-06-28"},
        awards.secretary("COM1"),
        201,
    )
    await post(
        awards,
        f"/exemplars/{eid}/studies",
        {"learner_type": "member", "learner_id": "M6", "form": "观看宣讲"},
        awards.member("M6", "COM1"),
        201,
    )
    await post(
        awards,
        f"/exemplars/{eid}/studies",
        {"learner_type": "member", "learner_id": "M6", "form": "观看宣讲"},
        awards.member("M1", "VIL1"),
        403,
    )  # a member records their own study only
    await awards.settle()
    report = await get(awards, "/studies", superior(awards, BRIDGE), scope=BRIDGE, year=2026)
    learners = sorted((s["learner_type"], s["learner_id"]) for s in report["studies"])
    assert learners == [("member", "M6"), ("org", "COM1")]
    assert report["by_exemplar"] == [
        {
            "exemplar_id": eid,
            "type": "org",
            "id": "VIL1",
            "org_id": "VIL1",
            "title": ORG_TITLE,
            "studies": 2,
            "learners": ["member:M6", "org:COM1"],
        }
    ]
    assert (await get(awards, "/studies", superior(awards, DISTRICT), scope=DISTRICT))["studies"] == []
    listed = await get(awards, "/exemplars", city, scope=CITY)
    assert [(e["nominee_id"], e["promotions"], e["active"]) for e in listed["items"]] == [("VIL1", 1, True)]

    # A6 revoke with a reason: off the roll, and the exemplar goes with it
    await post(awards, f"/nominations/{vil1}/revoke", {"reason": ""}, city, 422)
    revoked = await post(awards, f"/nominations/{vil1}/revoke", {"reason": "经查事迹材料弄虚作假"}, city)
    assert revoked["state"] == "revoked"
    await post(awards, f"/nominations/{vil1}/revoke", {"reason": "again"}, city, 409)
    await awards.settle()
    assert [h["nominee_id"] for h in (await get(awards, "/honours", city, scope=CITY))["items"]] == ["BANK1"]
    with_revoked = await get(awards, "/honours", city, scope=CITY, include_revoked="true")
    assert {h["nominee_id"]: h["revoke_reason"] for h in with_revoked["items"]}["VIL1"] == "经查事迹材料弄虚作假"
    assert (await get(awards, "/exemplars", city, scope=CITY))["items"][0]["active"] is False

    # the bus: valid, chained CloudEvents about the nominee's org; no deeds, no objectors' words
    rt = awards["awards"]
    sub = await rt.js.pull_subscribe("cxzy.awards.>", stream="CXZY_AWARDS")
    msgs = await sub.fetch(200, timeout=2)
    names = [m.subject.split(".")[2] for m in msgs]
    assert names.count("granted") == 2 and names.count("objection_raised") == 2 and "revoked" in names
    for m in msgs:
        event = from_binary_event(HTTPMessage(headers=dict(m.headers), body=m.data))
        assert event.get_type().startswith("cn.cxzy.awards.")
        env = Envelope.from_message(m.headers, m.data)
        rt.spec.contract.validate(env)
        assert env.verify_link()
        assert OBJECTION.encode() not in m.data and "带领群众共同致富".encode() not in m.data
    granted_subjects = sorted(m.subject for m in msgs if m.subject.split(".")[2] == "granted")
    assert granted_subjects == [
        "cxzy.awards.granted.13.1301.130102.130102001._._._._.VIL1",
        "cxzy.awards.granted.13.1301.130104._.icbc.13.1301._.BANK1",
    ]
