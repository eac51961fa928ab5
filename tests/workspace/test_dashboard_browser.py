"""统计分析 and 实时动态 in Debian's chromium (issue 14): the county's dashboard draws real ECharts canvases from
the local copy of ECharts with no console error and no request leaving the machine; it holds at phone width; the
live feed shows a pledge proposed after the page opened, in Chinese, newest first."""

from __future__ import annotations

from tests.browser import screenshot
from tests.workspace.conftest import page_as
from tests.workspace.dashboard_setup import dashboard_state


async def watched(page, base_url: str) -> tuple[list[str], list[str]]:
    """Console errors, and requests to anywhere but the test server (aborted, and recorded)."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    async def gate(route):
        if route.request.url.startswith(base_url):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await page.route("**/*", gate)
    return errors, outside


async def test_county_dashboard_draws_charts_locally(ws, browser):
    await dashboard_state(ws)
    page = await page_as(browser, ws, "county", "desktop")
    errors, outside = await watched(page, ws.base_url)
    await page.get_by_role("navigation", name="菜单").get_by_role("link", name="统计分析").click()
    await page.wait_for_url("**/ws/dashboard")
    await page.get_by_label("年度").fill("2026")
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_url("**/ws/dashboard?*year=2026*")
    for key in ("grades", "movements", "pledges"):
        await page.locator(f"#fig-{key} .chart canvas").first.wait_for(state="visible")
        box = await page.locator(f"#fig-{key} .chart canvas").first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
    assert await page.locator("#table-movements tbody tr").count() == 2
    await screenshot(page, "console-dashboard-desktop")
    await page.get_by_role("link", name="一村党支部").first.click()  # drill down one level
    await page.wait_for_url("**/ws/dashboard?scope=local%3A13%2F1301%2F130102%2F130102001*")
    await page.locator("#fig-grades .chart canvas").first.wait_for(state="visible")
    assert await page.locator("h1").inner_text() == "统计分析 · 一村党支部"
    assert errors == [] and outside == []
    await page.context.close()


async def test_dashboard_holds_at_phone_width(ws, browser):
    await dashboard_state(ws)
    page = await page_as(browser, ws, "county", "phone")
    errors, outside = await watched(page, ws.base_url)
    await page.goto("/ws/dashboard?year=2026")
    await page.locator("#fig-grades .chart canvas").first.wait_for(state="visible")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 376
    await screenshot(page, "console-dashboard-phone")
    assert errors == [] and outside == []
    await page.context.close()


async def test_feed_shows_a_pledge_proposed_after_the_page_opened(ws, browser):
    await dashboard_state(ws)
    page = await page_as(browser, ws, "county", "desktop")
    errors, outside = await watched(page, ws.base_url)
    await page.get_by_role("navigation", name="菜单").get_by_role("link", name="实时动态").click()
    await page.wait_for_url("**/ws/feed")
    streams = await page.evaluate("JSON.parse(document.getElementById('feed').dataset.streams).length")
    assert streams == len([s for s in ws.app.state.runtimes if s != "directory"])  # every service hosted here
    await page.get_by_text(f"已连接，正在实时接收（{streams}/{streams} 项业务）").wait_for()
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": ["M2"],
        "kind": "annual",
        "items": [{"text": "每季度开展一次政策宣讲", "tags": ["带头学习提高"]}],
    }
    r = await ws.http.post("/api/pledges/pledges", json=body, headers=ws.member("M2", "VIL1"))
    assert r.status_code == 201, r.text
    first = page.locator("#feed li.event").first
    await first.wait_for()
    assert "承诺提出" in await first.inner_text() and "一村党支部" in await first.inner_text()
    assert await page.locator("#feed-empty").is_hidden()
    await screenshot(page, "console-feed-desktop")
    assert errors == [] and outside == []
    await page.context.close()
