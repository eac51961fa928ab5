"""One stack with every service and the workspace (/ws) per test module and store, with an account for each
role of the fixture directory's village VIL1 and its county (tests/directory_fixture.py)."""

from __future__ import annotations

import re

import httpx
import pytest

from services import SERVICES
from tests.stack import Stack, stores

PASSWORD = "test-password-1"
ACCOUNTS = {  # username: AccountBook.add arguments
    "zhangwei": dict(role="member", member_id="M1"),  # 张伟, VIL1
    "lina": dict(role="member", member_id="M2"),  # 李娜, VIL1
    "wangfang": dict(role="member", member_id="M3"),  # 王芳, VIL1, no post yet
    "vil1-sec": dict(role="secretary", org="VIL1"),
    "county": dict(role="superior", org="P130102"),  # 长安区委: local:13/1301/130102
    "orgdept": dict(role="org_admin", scopes=("local:13/1301/130102",), display_name="长安区委组织部"),
}


@pytest.fixture(scope="module", params=stores())
async def ws(request, tmp_path_factory):
    stack = Stack(
        tmp_path_factory.mktemp("ws"),
        request.param,
        services=SERVICES,
        workspace=True,
    )
    await stack.start()
    book = stack.app.state.accounts
    for username, spec in ACCOUNTS.items():
        spec = dict(spec)
        book.add(username, PASSWORD, spec.pop("role"), **spec)
    yield stack
    await stack.stop()


async def login(stack: Stack, username: str, password: str = PASSWORD) -> httpx.AsyncClient:
    """A client logged in as ``username`` (the session cookie set), following redirects."""
    client = httpx.AsyncClient(base_url=stack.base_url, timeout=30, follow_redirects=True)
    page = await client.get("/ws/login")
    response = await client.post(
        "/ws/login", data={"username": username, "password": password, "csrf": csrf_of(page.text), "next": "/ws/"}
    )
    assert response.status_code == 200, response.text
    return client


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries (every POST of the workspace needs it)."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@pytest.fixture(scope="module")
async def browser():
    """Debian's chromium, one per test module."""
    from playwright.async_api import async_playwright

    from tests.browser import CHROMIUM

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(**CHROMIUM)
        yield chromium
        await chromium.close()


async def page_as(browser, stack: Stack, username: str, size: str = "phone"):
    """A page of a new browser context (``phone`` or ``desktop``), logged in as ``username`` through the form."""
    from tests.browser import SIZES

    context = await browser.new_context(**SIZES[size], base_url=stack.base_url)
    page = await context.new_page()
    await page.goto("/ws/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/ws/")
    return page
