"""组织目录 in chromium at phone and desktop sizes: an officer opens the tree, follows a branch and reads its
members' names; the page fits the phone."""

from __future__ import annotations

import pytest

from tests.browser import SIZES, screenshot

from .conftest import page_as


@pytest.mark.parametrize("size", list(SIZES))
async def test_an_officer_follows_the_tree_to_a_branch_and_its_members(ws, browser, size):
    page = await page_as(browser, ws, "county", size)
    await page.goto("/ws/directory")
    await screenshot(page, f"directory-{size}")
    await page.get_by_role("link", name="长安区委").click()
    await page.get_by_role("link", name="一村党支部").click()
    assert await page.locator("#org-name").inner_text() == "一村党支部"
    members = await page.locator("#members").inner_text()
    assert "张伟" in members and "网格员" in members
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["viewport"]["width"]
    await screenshot(page, f"directory-org-{size}")
    await page.context.close()
