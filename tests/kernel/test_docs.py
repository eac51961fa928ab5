"""``/docs`` works without internet (issue 16): Swagger UI's assets come from the app itself, not a CDN, and
Debian's chromium, with every request off this machine blocked, renders the operation list. The OpenAPI
document says what the API answers: bearer tokens where a route asks for one, errors as problem+json."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.async_api import async_playwright

from tests.browser import CHROMIUM
from tests.stack import Stack

CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.fixture
async def stack(tmp_path):
    s = await Stack(tmp_path, "sqlite").start()
    yield s
    await s.stop()


async def test_docs_load_only_same_origin_assets_and_each_is_served(stack):
    r = await stack.http.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", r.text) + re.findall(r"url: '([^']+)'", r.text)
    assert len(urls) >= 4, r.text  # stylesheet, icon, script, the OpenAPI document
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), f"{url} is not same-origin"
        asset = await stack.http.get(url)
        assert asset.status_code == 200, url
        suffix = re.search(r"\.\w+$", parts.path)
        expected = CONTENT_TYPES.get(suffix.group(0) if suffix else "", "application/json")
        assert expected in asset.headers["content-type"], (url, asset.headers["content-type"])
    assert "cdn" not in r.text.lower()
    assert (await stack.http.get("/redoc")).status_code == 404  # ReDoc would need a CDN: not offered


async def test_docs_render_the_operations_with_the_internet_blocked(stack):
    outside: list[str] = []

    async def only_this_machine(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**CHROMIUM)
        try:
            page = await browser.new_page()
            await page.route("**/*", only_this_machine)
            await page.goto(f"{stack.base_url}/docs")
            await page.locator(".opblock-summary-path", has_text="/api/pledges/pledges").first.wait_for(timeout=20000)
            assert await page.locator(".opblock").count() >= 10
            assert await page.locator("button.authorize").count() == 1  # the bearer scheme: "Authorize"
        finally:
            await browser.close()
    assert outside == [], f"/docs asked the internet for {outside}"


async def test_openapi_declares_tokens_and_problem_json_errors(stack):
    doc = (await stack.http.get("/openapi.json")).json()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    propose = doc["paths"]["/api/pledges/pledges"]["post"]
    assert propose["security"] == [{"bearer": []}]
    for status in ("422", "default"):
        content = propose["responses"][status]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "security" not in doc["paths"]["/healthz"]["get"]  # no token needed
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    refused = await stack.http.post("/api/pledges/pledges", json={}, headers=stack.secretary("VIL1"))
    problem = refused.json()
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert set(doc["components"]["schemas"]["Problem"]["required"]) <= set(problem)
