"""A5: anyone may object during 公示, nobody may flood — objections are limited per client address (API and
the public form together, ``CXZY_RATE_LIMITS`` ``objection``, 5 per hour by default); one address's flood
records nothing beyond the limit and does not stop anyone else."""

import httpx

from .foreign import Foreign
from .helpers import ORG_TITLE, PUBLICITY, TODAY, admin, at, campaign_body, climb, get, nomination_body, post

DISTRICT, CITY = "local:13/1301/130102", "local:13/1301"


async def test_a5_the_sixth_objection_from_one_address_within_the_hour_is_refused(awards):
    f = Foreign(awards)
    at(awards, TODAY)
    await f.graded("VIL1", 2026, "先进")
    await awards.settle()
    city = admin(awards, CITY)
    cid = (
        await post(awards, "/campaigns", campaign_body("P1301", CITY, [{"name": ORG_TITLE, "quota": 1}]), city, 201)
    )["campaign_id"]
    n = await post(awards, f"/campaigns/{cid}/nominations", nomination_body("VIL1"), awards.secretary("VIL1"), 201)
    nid = n["nomination_id"]
    assert (await climb(awards, nid, [DISTRICT, city]))["state"] == "shortlisted"
    at(awards, PUBLICITY)
    await awards.settle()
    app = awards["awards"].app

    for k in range(5):
        await post(awards, f"/nominations/{nid}/objections", {"text": f"第{k + 1}条异议：事迹不实"}, None, 201)
    before = app.recorder.max_notification_id()
    flood = await post(awards, f"/nominations/{nid}/objections", {"text": "第6条异议"}, None, 429)
    assert flood["type"].endswith("/rate-limited") and flood["retry_after_s"] > 3500
    assert flood["title_zh"] == "操作过于频繁：每 1 小时内最多 5 次，请在 60 分钟后再试"  # what is left of the hour
    assert flood["title_en"] == "Too many requests: at most 5 per 1 h; try again in 60 min"
    page = await awards.http.post(f"/awards/campaigns/{cid}/publicity", data={"nomination_id": nid, "text": "第7条"})
    assert (
        page.status_code == 429 and "操作过于频繁" in page.text and page.headers["content-type"].startswith("text/html")
    )
    assert app.recorder.max_notification_id() == before  # the refused ones recorded nothing
    assert len((await get(awards, f"/nominations/{nid}", city))["objections"]) == 5

    # another address (127.0.0.2 is this machine too) still may object
    other = httpx.AsyncClient(
        base_url=awards.base_url, transport=httpx.AsyncHTTPTransport(local_address="127.0.0.2"), timeout=30
    )
    async with other:
        r = await other.post(f"/api/awards/nominations/{nid}/objections", json={"text": "另一处的异议：事迹不实"})
        assert r.status_code == 201, r.text
    assert len((await get(awards, f"/nominations/{nid}", city))["objections"]) == 6
