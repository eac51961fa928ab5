"""The pages the public reads without a token (issue 16): sized for a phone, in Chinese with English, an HTML
404 (never problem+json) for an unknown campaign or window, the 公示 page that shows candidates only from the
start of the publicity period and the honoured after the grant, no vote message where nobody voted, and no
rule codes. The browser test reads them as a phone does, with Debian's chromium and a CJK font."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from .awards.foreign import Foreign
from .awards.helpers import (
    GRANT,
    MEMBER_TITLE,
    ORG_TITLE,
    PUBLICITY,
    RECOMMENDING,
    TODAY,
    admin,
    at,
    campaign_body,
    climb,
    post,
)
from .browser import CHROMIUM, PHONE
from .stack import Stack

DISTRICT, CITY = "local:13/1301/130102", "local:13/1301"
AWAITING_GRANT = dt.date(2026, 6, 24)
VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width, initial-scale=1">')
MEMBER_ID = re.compile(r"\bM\d+\b")  # a member's id: the public reads names, never ids (issue 13)
RULE_CODE = re.compile(r"[（(][^（()）]*\b[PEGAHB]\d{1,2}\b[^（()）]*[)）]")
SCREENSHOT = Path("/tmp/cxzy-publicity-phone.png")


@pytest.fixture
async def public(tmp_path, store):
    s = await Stack(tmp_path, store, services=("pledges", "evaluations", "awards")).start()
    yield s
    await s.stop()


async def shortlisted_campaign(stack) -> str:
    """A campaign of 石家庄 with 一村党支部 shortlisted as its 先进基层党组织 candidate."""
    at(stack, TODAY)
    await Foreign(stack).graded("VIL1", 2026, "先进")
    await stack.settle()
    city = admin(stack, CITY)
    body = campaign_body("P1301", CITY, [{"name": ORG_TITLE, "quota": 1}], name="2026年七一表彰")
    cid = (await post(stack, "/campaigns", body, city, 201))["campaign_id"]
    n = await post(
        stack,
        f"/campaigns/{cid}/nominations",
        {"title": ORG_TITLE, "nominee_type": "org", "nominee_id": "VIL1", "deeds": "带领群众共同致富，事迹突出"},
        stack.secretary("VIL1"),
        201,
    )
    assert (await climb(stack, n["nomination_id"], [DISTRICT, city]))["state"] == "shortlisted"
    return cid


async def public_pledge(stack, member: str, channel: str) -> None:
    """A pledge of ``member`` of VIL1, approved and publicised on ``channel`` by the secretary (P4, P5)."""
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": [member],
        "kind": "annual",
        "items": [{"text": f"每周走访群众（{channel}）", "tags": ["带头服务群众"]}],
    }
    r = await stack.http.post("/api/pledges/pledges", json=body, headers=stack.member(member, "VIL1"))
    assert r.status_code == 201, r.text
    for step, data in (("approve", None), ("publicise", {"channel": channel})):
        done = await stack.http.post(
            f"/api/pledges/pledges/{r.json()['pledge_id']}/{step}", json=data, headers=stack.secretary("VIL1")
        )
        assert done.status_code == 200, done.text


async def test_public_pages_show_names_and_issuing_units_never_ids(public):
    """Issue 13: the masses read names (the people book) and issuing units, not "党员 M1" or "M10"."""
    http = public.http
    # the window page: its org as the unit, 三比 targets by name; the rating form names what is rated
    window = {"window_id": "WIN1-A", "org_id": "WIN1", "name": "政务服务中心一号窗口"}
    sec = public.secretary("WIN1")
    assert (await http.post("/api/evaluations/windows", json=window, headers=sec)).is_success
    for target in ("M10", "WIN1-A"):
        score = {"contest": "skill", "label": "2026-Q1", "target": target, "score": 90}
        assert (await http.post("/api/evaluations/windows/WIN1-A/contests", json=score, headers=sec)).is_success
    today = public["evaluations"].app.today()
    mass_round = {
        "subject_type": "window",
        "subject_id": "WIN1-A",
        "purpose": "window",
        "year": today.year,
        "modes": {"mass": 1},
        "start": today.isoformat(),
        "end": (today + dt.timedelta(days=7)).isoformat(),
        "min_participation": 0.5,
        "eligible": 3,
        "publish": True,
    }
    r = await http.post("/api/evaluations/rounds", json=mass_round, headers=sec)
    assert r.status_code == 201, r.text
    link = (await http.get(f"/api/evaluations/rounds/{r.json()['round_id']}/link", headers=sec)).json()["path"]
    # the secretary of VIL1 publicises two pledges: one on the 网络平台, one on the 公示栏 only
    await public_pledge(public, "M1", "网络平台")
    await public_pledge(public, "M2", "公示栏")
    await public.settle()
    shown = assert_public(await http.get("/evaluations/windows/WIN1-A"))
    assert "所属单位：政务窗口党支部" in shown and ">吴丽<" in shown and not MEMBER_ID.search(shown)
    form = assert_public(await http.get(link))
    assert '评议对象：<span id="subject">政务服务中心一号窗口（政务窗口党支部）' in form

    pledges = assert_public(await http.get("/pledges/public"))
    assert "一村党支部" in pledges and "张伟" in pledges and "每周走访群众（网络平台）" in pledges
    assert "李娜" not in pledges and "公示栏" not in pledges and not MEMBER_ID.search(pledges)
    assert "/pledges/public" in (await http.get("/")).text and "/awards/honours" in (await http.get("/")).text

    # 公示 and 光荣榜: a member by her name and org, the campaign's opener as the issuing unit
    at(public, TODAY)
    await Foreign(public).graded("VIL1", 2026, "先进")
    await public.settle()
    city = admin(public, CITY)
    titles = [{"name": ORG_TITLE, "quota": 1}, {"name": MEMBER_TITLE, "quota": 1}]
    cid = (await post(public, "/campaigns", campaign_body("P1301", CITY, titles), city, 201))["campaign_id"]
    override = {"title": MEMBER_TITLE, "nominee_type": "member", "nominee_id": "M1", "reason": "事迹突出，特批"}
    await post(public, f"/campaigns/{cid}/overrides", override, city, 201)
    for kind, nominee, title in (("org", "VIL1", ORG_TITLE), ("member", "M1", MEMBER_TITLE)):
        body = {"title": title, "nominee_type": kind, "nominee_id": nominee, "deeds": "带领群众共同致富"}
        n = await post(public, f"/campaigns/{cid}/nominations", body, public.secretary("VIL1"), 201)
        assert (await climb(public, n["nomination_id"], [DISTRICT, city]))["state"] == "shortlisted"
    at(public, PUBLICITY)
    during = assert_public(await http.get(f"/awards/campaigns/{cid}/publicity"))
    assert "张伟（一村党支部）" in during and '表彰单位：<strong id="issuer">市委' in during
    assert not MEMBER_ID.search(during)
    assert "暂无表彰" in assert_public(await http.get("/awards/honours"))
    at(public, GRANT)
    await post(public, f"/campaigns/{cid}/grant", None, city)
    await public.settle()
    honours = assert_public(await http.get("/awards/honours"))
    assert "张伟（一村党支部）" in honours and f"荣获「{MEMBER_TITLE}」称号" in honours and "表彰单位：市委" in honours
    assert honours.count('class="honour"') == 2 and not MEMBER_ID.search(honours)


def assert_public(page, status: int = 200) -> str:
    """A page for people: the status, HTML (not problem+json), phone-sized, and no rule codes."""
    assert page.status_code == status, page.text
    assert page.headers["content-type"].startswith("text/html"), page.headers["content-type"]
    assert VIEWPORT.search(page.text), "no mobile viewport"
    assert not RULE_CODE.search(page.text), RULE_CODE.search(page.text)
    return page.text


async def test_public_pages_are_html_for_a_phone_in_chinese_with_english(public):
    http = public.http
    index = assert_public(await http.get("/"))
    assert "创先争优" in index and "/awards/publicity" in index and "/docs" in index

    # an unknown campaign, or a link mangled by a chat app: a 404 page people can read
    for path in (f"/awards/campaigns/{uuid.uuid4()}/publicity", "/awards/campaigns/not-a-campaign/publicity"):
        text = assert_public(await http.get(path), 404)
        assert "表彰活动不存在" in text and "No such campaign" in text
    sent = await http.post(
        f"/awards/campaigns/{uuid.uuid4()}/publicity", data={"nomination_id": str(uuid.uuid4()), "text": "有异议"}
    )
    assert "表彰活动不存在" in assert_public(sent, 404)

    # an unknown window: a 404 page, and nothing about a vote nobody made
    text = assert_public(await http.get("/evaluations/windows/NO-SUCH-WINDOW"), 404)
    assert "窗口不存在" in text and "Unknown window" in text and "投票" not in text
    window = {"window_id": "WIN1-A", "org_id": "WIN1", "name": "政务服务中心一号窗口"}
    assert (await http.post("/api/evaluations/windows", json=window, headers=public.secretary("WIN1"))).is_success
    await public.settle()
    shown = assert_public(await http.get("/evaluations/windows/WIN1-A"))
    assert "政务服务中心一号窗口" in shown and "三亮" in shown and "投票" not in shown
    bad_link = assert_public(await http.get("/evaluations/rate/forged-token"), 403)
    assert "评议链接无效" in bad_link and "投票" not in bad_link
    vote = await http.post("/evaluations/rate/forged-token", data={"ballot": "b", "satisfaction": "满意"})
    assert "您的投票未被计入" in assert_public(vote, 403)

    # the 公示 page follows the timetable: nothing before, candidates during, the honoured after
    cid = await shortlisted_campaign(public)
    page = f"/awards/campaigns/{cid}/publicity"
    at(public, RECOMMENDING)
    before = assert_public(await http.get(page))
    assert "公示尚未开始，将于 2026-06-10 开始" in before and "Publicity starts on 2026-06-10" in before
    assert "一村党支部" not in before and "事迹突出" not in before and "<form" not in before
    assert "暂无拟表彰对象" not in before

    at(public, PUBLICITY)
    during = assert_public(await http.get(page))
    assert "一村党支部" in during and "事迹突出" in during and "<form" in during and "公示期" in during
    refused = await http.post(page, data={"nomination_id": "nope", "text": "x"})
    assert "不是本活动的拟表彰对象" in assert_public(refused, 422)

    at(public, AWAITING_GRANT)
    after = assert_public(await http.get(page))
    assert "公示已于 2026-06-20 结束" in after and "一村党支部" in after and "<form" not in after

    at(public, GRANT)
    await post(public, f"/campaigns/{cid}/grant", None, admin(public, CITY))
    granted = assert_public(await http.get(page))
    assert "公示已结束，已表彰" in granted and "一村党支部" in granted and ORG_TITLE in granted
    assert "暂无拟表彰对象" not in granted and "<form" not in granted
    assert_public(await http.get("/awards/publicity"))


def cjk_font_installed() -> bool:
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@pytest.mark.parametrize("store", ["sqlite"])
async def test_a_phone_reads_the_public_pages_in_chinese(public):
    assert cjk_font_installed(), "no CJK font: `make browser` installs fonts-noto-cjk"
    cid = await shortlisted_campaign(public)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**CHROMIUM)
        try:
            phone = await (await browser.new_context(**PHONE, base_url=public.base_url)).new_page()

            async def shown(path: str) -> str:
                await phone.goto(path)
                return await phone.locator("body").inner_text()

            assert "创先争优长效机制" in await shown("/")
            assert "表彰活动不存在" in await shown(f"/awards/campaigns/{uuid.uuid4()}/publicity")
            unknown_window = await shown("/evaluations/windows/NO-SUCH-WINDOW")
            assert "窗口不存在" in unknown_window and "投票" not in unknown_window

            at(public, RECOMMENDING)
            before = await shown(f"/awards/campaigns/{cid}/publicity")
            assert "公示尚未开始，将于 2026-06-10 开始" in before and "一村党支部" not in before
            at(public, PUBLICITY)
            during = await shown(f"/awards/campaigns/{cid}/publicity")
            assert "一村党支部" in during and "提交异议" in during
            # the page fits the phone: nothing wider than the screen
            assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
            await phone.screenshot(path=str(SCREENSHOT), full_page=True)
            at(public, GRANT)
            await post(public, f"/campaigns/{cid}/grant", None, admin(public, CITY))
            after = await shown(f"/awards/campaigns/{cid}/publicity")
            assert "公示已结束，已表彰" in after and "一村党支部" in after
            for text in (before, during, after, unknown_window):
                assert not RULE_CODE.search(text)
        finally:
            await browser.close()


async def test_a_wrong_address_under_a_public_page_is_a_page_and_the_api_stays_json(public):
    http = public.http
    for path in ("/awards/campaigns/x", "/evaluations/nothing-here", "/awards/publicity/extra/part"):
        text = assert_public(await http.get(path), 404)
        assert "不存在" in text, path
    api = await http.get("/api/awards/nothing-here")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
    assert "不存在" in api.json()["title_zh"]
