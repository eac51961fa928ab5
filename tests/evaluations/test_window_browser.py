"""Window units' 三亮三比三评 end to end (E1–E5) over a real nats-server and each store, with Debian's chromium
driving the pages: the public window page shows the 三亮 disclosures, service users rate anonymously through
the QR link on a phone-sized screen, replayed tokens, second votes from one device and floods are refused
and count nothing, 三比 scores rank within any scope, and the masses' comments never reach the bus."""

from playwright.async_api import async_playwright

from services.evaluations.domain import Window
from shared.scope import Scope
from tests.browser import CHROMIUM, PHONE

from .conftest import round_body, stream_events

COMMENT = "窗口工作人员态度很好，办事快"


async def vote(page, satisfaction: str, comment: str = "") -> str:
    await page.get_by_label(satisfaction, exact=True).check()
    if comment:
        await page.locator("#comment").fill(comment)
    await page.get_by_role("button").click()
    return await page.locator("#outcome").get_attribute("data-outcome")


async def test_e1_e5_window_page_qr_rating_form_contests_and_refusals(stack):
    http, evals = stack.http, stack["evaluations"]
    app = evals.app
    sec, tax = stack.secretary("WIN1"), stack.token("superior", "tax13", ["vertical:tax/13"])
    county = stack.token("superior", "county", ["local:13/1301/130102"])

    # E1/E2: register the window, disclose its 三亮
    r = await http.post(
        "/api/evaluations/windows",
        json={"window_id": "WIN1-A", "org_id": "WIN1", "name": "政务服务中心一号窗口"},
        headers=sec,
    )
    assert r.status_code == 201, r.text
    for show, title, content in [
        ("standard", "办事指南", "营业执照：材料齐全 3 个工作日办结"),
        ("identity", "党员先锋岗", "本窗口设党员先锋岗 2 个"),
        ("pledge", "服务承诺", "一次告知、限时办结"),
    ]:
        r = await http.post(
            "/api/evaluations/windows/WIN1-A/disclosures",
            json={"show": show, "title": title, "content": content},
            headers=sec,
        )
        assert r.status_code == 201, r.text
    before = app.recorder.max_notification_id()
    for path, payload, who, status in [
        ("/api/evaluations/windows/WIN1-A/disclosures", {"show": "gossip", "title": "x", "content": "y"}, sec, 422),
        (
            "/api/evaluations/windows/WIN1-A/disclosures",
            {"show": "standard", "title": "x", "content": "y"},
            stack.secretary("VIL1"),
            403,
        ),
        ("/api/evaluations/windows", {"window_id": "WIN1-A", "org_id": "WIN1", "name": "重复"}, sec, 422),
        ("/api/evaluations/windows", {"window_id": "bad id!", "org_id": "WIN1", "name": "x"}, sec, 422),
        (
            "/api/evaluations/windows/WIN1-A/contests",
            {"contest": "skill", "label": "2026-Q1", "target": "M7", "score": 90},
            sec,
            422,
        ),  # M7 is not WIN1's
    ]:
        r = await http.post(path, json=payload, headers=who)
        assert r.status_code == status, (payload, r.text)
        assert r.headers["content-type"] == "application/problem+json" and r.json()["title_zh"]
    assert app.recorder.max_notification_id() == before

    # E3 三比: contest scores here and in the tax system's hall (mode c: the tax system leads), ranked by scope
    r = await http.post(
        "/api/evaluations/windows", json={"window_id": "TAX-HALL", "org_id": "TAXB1", "name": "办税服务厅"}, headers=tax
    )
    assert r.status_code == 201, r.text
    for window, target, score, who in [
        ("WIN1-A", "M10", 92, sec),
        ("WIN1-A", "M11", 88, county),
        ("TAX-HALL", "M7", 92, tax),
        ("WIN1-A", "WIN1-A", 85, sec),
    ]:
        r = await http.post(
            f"/api/evaluations/windows/{window}/contests",
            json={"contest": "skill", "label": "2026-Q1", "target": target, "score": score},
            headers=who,
        )
        assert r.status_code == 201, r.text

    # E5 群众评议: a window round with only the mass mode, and its QR link
    r = await http.post(
        "/api/evaluations/rounds",
        json=round_body("window", "WIN1-A", "window", modes={"mass": 1}, eligible=3, min_participation=0.5),
        headers=sec,
    )
    assert r.status_code == 201, r.text
    round_id = r.json()["round_id"]
    link = (await http.get(f"/api/evaluations/rounds/{round_id}/link", headers=sec)).json()["path"]
    r = await http.get(f"/api/evaluations/rounds/{Window.id_for('WIN1-A')}", headers=sec)
    assert r.status_code == 404 and r.json()["title_zh"].startswith("评议不存在")  # a window's id is not a round's
    await stack.settle()

    ranking = await http.get(
        "/api/evaluations/contests/ranking",
        headers=county,
        params={"scope": "local:13/1301/130102", "contest": "skill", "label": "2026-Q1"},
    )
    assert [(i["rank"], i["target_id"]) for i in ranking.json()["items"]] == [
        (1, "M10"),
        (1, "M7"),
        (3, "M11"),
        (4, "WIN1-A"),
    ]
    ranking = await http.get(
        "/api/evaluations/contests/ranking",
        headers=tax,
        params={"scope": "vertical:tax", "contest": "skill", "label": "2026-Q1"},
    )
    assert ranking.status_code == 403  # tax13 sees vertical:tax/13, not the whole system
    ranking = await http.get(
        "/api/evaluations/contests/ranking",
        headers=tax,
        params={"scope": "vertical:tax/13", "contest": "skill", "label": "2026-Q1"},
    )
    assert [i["target_id"] for i in ranking.json()["items"]] == ["M7"]

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**CHROMIUM)
        try:
            phone = await browser.new_context(**PHONE, base_url=stack.base_url)
            page = await phone.new_page()
            await page.goto("/evaluations/windows/WIN1-A")
            assert await page.locator("h1").inner_text() == "政务服务中心一号窗口 service window WIN1-A"
            assert "营业执照：材料齐全 3 个工作日办结" in await page.locator("#show-standard").inner_text()
            assert "党员先锋岗" in await page.locator("#show-identity").inner_text()
            assert "一次告知、限时办结" in await page.locator("#show-pledge").inner_text()
            assert await page.locator("a.rate-link").get_attribute("href") == link
            # the QR code printed at the window encodes the absolute rating link; a forged link gets none
            qr = await page.request.get(link + "/qr.svg")
            assert qr.ok and qr.headers["content-type"] == "image/svg+xml" and b"<svg" in await qr.body()
            assert await page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
            assert (await page.request.get(link[:-4] + "0000/qr.svg")).status == 403

            # a service user scans the QR code, rates, and is thanked
            await page.locator("a.rate-link").click()
            ballot = await page.locator("input[name=ballot]").input_value()
            assert await vote(page, "满意", COMMENT) == "voted"
            assert "感谢您的评议" in await page.locator("h1").inner_text()
            # the same one-time ballot replayed: refused, says why, counts nothing
            replay = await page.request.post(link, form={"ballot": ballot, "satisfaction": "不满意"})
            assert replay.status == 409 and "凭证已使用" in await replay.text()
            # the same phone with a fresh ballot: one person one vote (duplicate device)
            await page.goto(link)
            assert await vote(page, "不满意") == "duplicate-device"
            assert "该设备已在本轮评议中投过票" in await page.locator("h1").inner_text()
            # a forged link is refused
            await page.goto(link[:-4] + "0000")
            assert await page.locator("#outcome").get_attribute("data-outcome") == "bad-link"

            # a second service user on another phone
            other = await (await browser.new_context(**PHONE, base_url=stack.base_url)).new_page()
            await other.goto(link)
            assert await vote(other, "比较满意") == "voted"

            r = await http.get(f"/api/evaluations/rounds/{round_id}", headers=sec)
            assert r.json()["participation"] == {"eligible": 3, "participated": 2, "rate": 0.6667}

            # floods from one address are cut off (rating forms per client address and minute, CXZY_RATE_LIMITS)
            statuses = [(await http.get(link)).status_code for _ in range(31)]
            assert 429 in statuses and statuses[-1] == 429
            r = await http.get(link)
            assert "操作过于频繁" in r.text

            r = await http.post(f"/api/evaluations/rounds/{round_id}/close", headers=sec)
            assert r.status_code == 200 and (r.json()["score"], r.json()["grade"]) == (90.0, "满意")
            await stack.settle()
            await page.goto("/evaluations/windows/WIN1-A")
            assert "满意" in await page.locator(".result").inner_text()
            assert await page.locator("a.rate-link").count() == 0
        finally:
            await browser.close()

    # the masses' comment is kept by this service only: never on the bus
    assert evals.db.one("SELECT comment FROM ev_comments WHERE round_id = ?", [round_id])["comment"] == COMMENT
    msgs = await stream_events(evals.js, Scope.parse("local:13").filter_subject("evaluations"))
    assert msgs and not any(COMMENT.encode() in m.data for m in msgs)
    assert not any("ballot" in m.data.decode() for m in msgs)
