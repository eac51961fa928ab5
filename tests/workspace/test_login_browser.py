"""The login form in chromium, at phone and desktop sizes: a member arrives at her home page, sees her name
and her menu; a wrong password is a Chinese sentence and the username stays typed."""

from __future__ import annotations

import pytest

from tests.browser import SIZES, screenshot

from .conftest import page_as


@pytest.mark.parametrize("size", list(SIZES))
async def test_a_member_logs_in_in_the_browser(ws, browser, size):
    page = await page_as(browser, ws, "zhangwei", size)
    assert "张伟" in await page.locator("#who").inner_text()
    assert await page.get_by_role("link", name="我的承诺").count() >= 1
    await screenshot(page, f"home-member-{size}")
    await page.context.close()


async def test_a_wrong_password_says_what_to_do(ws, browser):
    context = await browser.new_context(**SIZES["phone"], base_url=ws.base_url)
    page = await context.new_page()
    await page.goto("/ws/login")
    await screenshot(page, "login-phone")
    await page.get_by_label("用户名").fill("zhangwei")
    await page.get_by_label("密码").fill("not-the-password")
    await page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in await page.locator("#error").inner_text()
    assert await page.get_by_label("用户名").input_value() == "zhangwei"
    await context.close()
