"""The secretary's story in chromium at phone and desktop size (issue 13): approve a member's pledge in the
inbox, see it in the ledger by name, and look at each of her pages (screenshots for the README)."""

from __future__ import annotations

import pytest

from tests.browser import SIZES, screenshot

from .conftest import page_as
from .test_secretary import propose

PAGES = {
    "ledger": "承诺台账",
    "posts": "设岗定责",
    "rounds": "评议",
    "assessment": "定级自评",
    "nominations": "推荐表彰",
}


@pytest.mark.parametrize("size", list(SIZES))
async def test_a_secretary_reviews_a_pledge_in_the_browser(ws, browser, size):
    pledge_id = await propose(ws, "M2", f"每周为村民代办事项（{size}）")
    await ws.settle()
    page = await page_as(browser, ws, "vil1-sec", size)
    await page.get_by_role("link", name="待审承诺").first.click()
    card = page.locator(f"#pledge-{pledge_id}")
    assert "李娜" in await card.inner_text()
    await screenshot(page, f"secretary-review-{size}")
    await card.get_by_role("button", name="退回修改").click()
    assert "退回承诺须写明退回理由" in await page.locator("#error").inner_text()
    await page.locator(f"#pledge-{pledge_id}").get_by_role("button", name="审核通过").click()
    assert "已审核通过" in await page.locator("#notice").inner_text()
    await ws.settle()
    for path, heading in PAGES.items():
        await page.goto(f"/ws/{path}")
        assert heading in await page.locator("h1").inner_text()
        await screenshot(page, f"secretary-{path}-{size}")
    await page.goto("/ws/ledger?member=M2")
    assert f"每周为村民代办事项（{size}）" in await page.locator("#ledger").inner_text()
    await page.context.close()
