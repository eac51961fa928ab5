"""评比表彰 in the officers' console (A1–A6): the county opens a campaign in a form (a refusal keeps what was typed),
sees it with its phase, and its queue names the nominees and shows their eligibility; a hold without a reason is
refused in Chinese."""

from __future__ import annotations

import datetime as dt

from workspace.console.awards import timetable

from .conftest import csrf_of, login


async def test_the_county_opens_a_campaign_and_reads_its_queue(ws):
    county = await login(ws, "county")
    page = await county.get("/ws/campaigns")
    assert page.status_code == 200 and "发起表彰活动" in page.text
    form = {
        "csrf": csrf_of(page.text),
        "issuer": "local:13/1301/130102|P130102",
        "name": "长安区七一表彰（测试）",
        "kind": "qiyi",
        "year": str(dt.date.today().year),
        **timetable(dt.date.today()),
    }
    none = await county.post("/ws/campaigns", data=form)
    assert none.status_code == 422 and "至少为一项表彰填写名额" in none.text and "长安区七一表彰（测试）" in none.text
    opened = await county.post("/ws/campaigns", data=form | {"quota.先进基层党组织": "2"})
    assert opened.status_code == 200 and "表彰活动已发起" in opened.text, opened.text
    campaign_id = str(opened.url).rstrip("/").split("/")[-1].split("?")[0]

    authority = ws.token("superior", "county", ["local:13/1301/130102"])
    override = {"title": "先进基层党组织", "nominee_type": "org", "nominee_id": "VIL1", "reason": "新成立，无上年定级"}
    r = await ws.http.post(f"/api/awards/campaigns/{campaign_id}/overrides", json=override, headers=authority)
    assert r.status_code == 201, r.text
    nomination = {"title": "先进基层党组织", "nominee_type": "org", "nominee_id": "VIL1", "deeds": "带领群众发展合作社"}

    r = await ws.http.post(
        f"/api/awards/campaigns/{campaign_id}/nominations", json=nomination, headers=ws.secretary("VIL1")
    )
    assert r.status_code == 201, r.text
    nomination_id = r.json()["nomination_id"]
    await ws.settle()
    queue = await county.get(f"/ws/campaigns/{campaign_id}")
    assert "先进基层党组织：一村党支部" in queue.text and "不符合，已特批" in queue.text and "推荐中" in queue.text
    held = await county.post(
        f"/ws/campaigns/{campaign_id}/nominations/{nomination_id}/hold",
        data={"csrf": csrf_of(queue.text), "text": ""},
    )
    assert held.status_code == 422 and "须写明理由" in held.text
    listed = await county.get("/ws/campaigns")
    assert "长安区七一表彰（测试）" in listed.text
    await county.aclose()
