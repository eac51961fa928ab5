"""自下而上、层层推荐 over real HTTP, a real nats-server and each store (A3, A4, H3): the chain of leading
levels for each management mode, quotas, and eligibility judged on grading, evaluations and pledges events
that arrive over the bus."""

from .foreign import Foreign
from .helpers import (
    MEMBER_TITLE,
    ORG_TITLE,
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


async def nominate(awards, cid: str, nominee: str, org: str, status: int = 201, title: str = ORG_TITLE) -> dict:
    body = nomination_body(nominee, title, "org" if title == ORG_TITLE else "member")
    return await post(awards, f"/campaigns/{cid}/nominations", body, awards.secretary(org), status)


async def test_a3_h3_chain_per_mode_quotas_and_a4_eligibility_from_events(awards):
    f = Foreign(awards)
    at(awards, TODAY)
    for org in ("VIL1", "BANK1", "TAXB1", "VIL2"):
        await f.graded(org, 2025, "先进")
    await f.graded("COM1", 2025, "一般")
    await f.rectification("VIL2", 2025, "整顿")
    await f.evaluated("VIL1", "member", "M1", "democratic", 2025, 88, "优秀")
    await f.evaluated("COM1", "member", "M6", "democratic", 2025, 52, "不合格")
    await f.evaluated("VIL1", "member", "M2", "democratic", 2025, 80, "合格")
    pledge = await f.pledged("VIL1", "M2")
    await f.evaluated("VIL1", "pledge", pledge, "pledge", 2026, 45, "不满意")
    await awards.settle()

    province = admin(awards, "local:13")
    campaign = await post(
        awards,
        "/campaigns",
        campaign_body("P13", "local:13", [{"name": ORG_TITLE, "quota": 2}, {"name": MEMBER_TITLE, "quota": 1}]),
        province,
        201,
    )
    cid = campaign["campaign_id"]
    assert campaign["phase"] == "nominating"

    await awards.settle()
    open_to_vil1 = await get(awards, "/orgs/VIL1/campaigns", awards.secretary("VIL1"))
    assert [c["campaign_id"] for c in open_to_vil1["items"]] == [cid]
    assert (await get(awards, f"/campaigns/{cid}", awards.secretary("VIL1")))["scope"] == "local:13"

    # mode (a): VIL1 climbs 长安区委 → 市委 → 省委
    n = await nominate(awards, cid, "VIL1", "VIL1")
    assert n["levels"] == [DISTRICT, CITY, "local:13"]
    assert n["eligibility"]["eligible"] and n["eligibility"]["facts"]["grade"]["grade"] == "先进"
    vil1 = n["nomination_id"]
    await post(awards, f"/nominations/{vil1}/pass", {}, province, 403)  # leads VIL1, but it is not its turn yet
    await post(awards, f"/nominations/{vil1}/pass", {}, superior(awards, BRIDGE), 403)  # another district
    assert (await climb(awards, vil1, [DISTRICT, CITY, province]))["state"] == "shortlisted"

    # mode (b): BANK1's business is vertical (icbc) — the bank system guides, the local committees lead
    n = await nominate(awards, cid, "BANK1", "BANK1")
    assert n["levels"] == [BRIDGE, CITY, "local:13"]
    icbc = superior(awards, "vertical:icbc/13")
    refused = await post(awards, f"/nominations/{n['nomination_id']}/pass", {}, icbc, 403)
    assert "H3" in refused["title_zh"]
    assert (await climb(awards, n["nomination_id"], [BRIDGE, CITY, province]))["state"] == "shortlisted"

    # mode (c): TAXB1 is led by the tax system — outside a territorial campaign, it climbs the system's own
    refused = await nominate(awards, cid, "TAXB1", "TAXB1", 409)
    assert refused["type"].endswith("/outside-campaign")
    tax = admin(awards, "vertical:tax/13")
    body = campaign_body("TAX13", "vertical:tax/13", [{"name": ORG_TITLE, "quota": 1}], "税务系统七一表彰")
    tcid = (await post(awards, "/campaigns", body, tax, 201))["campaign_id"]
    await awards.settle()
    open_to_taxb1 = await get(awards, "/orgs/TAXB1/campaigns", awards.secretary("TAXB1"))
    assert [c["campaign_id"] for c in open_to_taxb1["items"]] == [tcid]  # not the territorial one (H3)
    n = await nominate(awards, tcid, "TAXB1", "TAXB1")
    assert n["levels"] == ["vertical:tax/13"]
    refused = await post(awards, f"/nominations/{n['nomination_id']}/pass", {}, superior(awards, DISTRICT), 403)
    assert "指导" in refused["title_zh"]  # the local committee guides TAXB1 (H3)
    assert (await climb(awards, n["nomination_id"], [tax]))["state"] == "shortlisted"

    # A4 from the record: COM1 (graded 一般) is refused with the reason, until the province records an override
    refused = await nominate(awards, cid, "COM1", "COM1", 409)
    assert refused["type"].endswith("/ineligible") and "一般" in refused["reasons"][0]
    await post(
        awards,
        f"/campaigns/{cid}/overrides",
        {"title": ORG_TITLE, "nominee_type": "org", "nominee_id": "COM1", "reason": "疫情防控中表现突出"},
        superior(awards, CITY),
        403,
    )
    await post(
        awards,
        f"/campaigns/{cid}/overrides",
        {"title": ORG_TITLE, "nominee_type": "org", "nominee_id": "COM1", "reason": "疫情防控中表现突出"},
        province,
        201,
    )
    n = await nominate(awards, cid, "COM1", "COM1")
    assert n["eligibility"]["eligible"] is False and n["eligibility"]["override"]["reason"] == "疫情防控中表现突出"
    com1 = n["nomination_id"]
    await climb(awards, com1, [BRIDGE, CITY])
    full = await post(awards, f"/nominations/{com1}/pass", {}, province, 409)  # quota: 2 of 2 places taken
    assert full["type"].endswith("/quota-full") and (full["quota"], full["used"]) == (2, 2)

    # 整顿后进 not yet accepted makes VIL2 ineligible; the 考核验收 event arriving over NATS changes that (G8)
    refused = await nominate(awards, cid, "VIL2", "VIL2", 409)
    assert "整顿" in refused["reasons"][0]
    await f.accepted("VIL2", 2025, True)
    await awards.settle()
    n = await nominate(awards, cid, "VIL2", "VIL2")
    assert n["eligibility"]["eligible"] and n["levels"] == ["local:13/1302", "local:13"]

    # member titles: 民主评议 (E7) and pledge evaluations (P7, P8)
    for member, org, why in (("M6", "COM1", "不合格"), ("M2", "VIL1", pledge)):
        refused = await nominate(awards, cid, member, org, 409, MEMBER_TITLE)
        assert why in refused["reasons"][0]
    m1 = (await nominate(awards, cid, "M1", "VIL1", title=MEMBER_TITLE))["nomination_id"]
    again = await nominate(awards, cid, "M1", "VIL1", 409, MEMBER_TITLE)  # one per nominee and title
    assert again["type"].endswith("/already-nominated")
    held = await post(awards, f"/nominations/{m1}/hold", {"reason": "请补充事迹材料"}, superior(awards, DISTRICT))
    assert (held["state"], held["level"]) == ("held", DISTRICT)
    passed = await post(awards, f"/nominations/{m1}/pass", {"comment": "材料已补充"}, superior(awards, DISTRICT))
    assert (passed["state"], passed["level"]) == ("pending", CITY)
    rejected = await post(awards, f"/nominations/{m1}/reject", {"reason": "名额有限，择优推荐"}, superior(awards, CITY))
    assert rejected["state"] == "rejected"
    await post(awards, f"/nominations/{m1}/pass", {}, superior(awards, CITY), 409)

    # each level sees its queue (read model, over the bus)
    await awards.settle()
    queue = await get(awards, "/nominations", province, scope="local:13", awaiting="local:13")
    assert [i["nominee_id"] for i in queue["items"]] == ["COM1"]
    city_view = await get(awards, "/nominations", superior(awards, CITY), scope=CITY, campaign_id=cid)
    assert {i["nominee_id"]: i["state"] for i in city_view["items"]} == {
        "VIL1": "shortlisted",
        "BANK1": "shortlisted",
        "COM1": "pending",
        "M1": "rejected",
    }
    await get(awards, "/nominations", superior(awards, CITY), 403, scope="local:13")  # outside its subtree (H4)
