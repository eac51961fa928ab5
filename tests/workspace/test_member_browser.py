"""The member's story in chromium at phone and desktop size (issue 13): propose a pledge with the form, report
progress with an evidence file once it is publicised, rate peers of the 民主评议 by name, read the results
(screenshots of each page for the README)."""

from __future__ import annotations

import re

import pytest

from tests.browser import screenshot

from .conftest import page_as
from .member_setup import PNG, democratic, publicised

WHO = {"phone": "zhangwei", "desktop": "lina"}


@pytest.mark.parametrize("size", list(WHO))
async def test_a_member_pledges_reports_with_evidence_and_rates_in_the_browser(ws, browser, size, tmp_path):
    await democratic(ws)
    page = await page_as(browser, ws, WHO[size], size)
    await page.get_by_role("link", name="我的承诺").first.click()
    await page.get_by_label("内容").first.fill(f"每月走访困难群众两次（{size}）")
    await page.get_by_role("button", name="提交承诺").click()
    assert "第 1 项承诺事项请至少勾选一项" in await page.locator("#error").inner_text()
    assert f"（{size}）" in await page.get_by_label("内容").first.input_value()  # kept
    await page.locator("input[name=tags-0][value=带头服务群众]").check()
    await page.get_by_role("button", name="提交承诺").click()
    assert "承诺已提交" in await page.locator("#notice").inner_text()
    pledge_id = re.search(r"/ws/pledges/([0-9a-f-]{36})", page.url).group(1)
    await publicised(ws, pledge_id)
    await page.goto("/ws/pledges")
    await screenshot(page, f"member-pledges-{size}")
    await page.goto(f"/ws/pledges/{pledge_id}")
    photo = tmp_path / "走访照片.png"
    photo.write_bytes(PNG)
    await page.get_by_label("报告践诺进展").fill("走访了三户困难群众")
    await page.locator("#evidence").set_input_files(str(photo))
    await page.get_by_role("button", name="提交进展").click()
    assert "附证明材料 1 份" in await page.locator("#notice").inner_text()
    assert "走访照片.png" in await page.locator("#reports").inner_text()
    await screenshot(page, f"member-pledge-{size}")
    served = await page.request.get(await page.locator("a.evidence").first.get_attribute("href"))
    assert served.status == 200 and await served.body() == PNG

    await ws.settle()
    await page.get_by_role("link", name="待我评议").first.click()
    form = page.locator("form.rating-group").first
    assert "王芳（M3）" in await form.inner_text()
    await screenshot(page, f"member-ratings-{size}")
    await form.get_by_label("王芳（M3） 党员互评评分").fill("90")
    await form.get_by_role("button", name="提交本表评分").click()
    assert "已记录 1 项评分：王芳（M3）" in await page.locator("#notice").inner_text()
    await page.get_by_role("link", name="我的结果").first.click()
    assert "我的结果" in await page.locator("h1").inner_text()
    await screenshot(page, f"member-results-{size}")
    await page.context.close()
