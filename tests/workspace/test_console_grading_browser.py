"""分类定级 in the officers' console (issue 14), in chromium at desktop size: the county's org dept deploys a cycle
(a scheme error shown at its domain, G2), assesses and determines (G3, G4), is refused by G5 in Chinese, records
an override and determines (G5), corrects a determination with a reason (定级更正), prints the result notice,
reads the reports and exports one to Excel (read back with openpyxl); a guiding superior (长安区 for the tax
system's mode-c branch, H3) sees the org and is refused when it decides. And the queue at phone size."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.browser import screenshot
from tests.grading.bus import EvaluationsFeed
from tests.grading.schemes import points

from .conftest import page_as

YEAR = 2026
TAX = "vertical:tax/13"


async def self_assess(ws, cycle_id: str, org: str) -> None:
    r = await ws.http.post(
        f"/api/grading/cycles/{cycle_id}/orgs/{org}/self-assessment",
        json={"items": points(0.95), "evidence": {"1.1": ["支部会议记录"]}},
        headers=ws.secretary(org),
    )
    assert r.status_code == 200, r.text


async def assess_all(page, share: float) -> None:
    """上级评定: every sub-item at ``share`` of its max, then saved."""
    await page.evaluate(
        """share => document.querySelectorAll('#superior-assessment input[name^="p_"]').forEach(
             i => { i.value = String(Math.round(Number(i.max) * share * 100) / 100); })""",
        share,
    )
    await page.get_by_role("button", name="保存上级评定").click()
    assert "上级评定已保存" in await page.locator("#notice").inner_text()


async def test_the_org_dept_deploys_determines_overrides_corrects_and_exports(ws, browser):
    page = await page_as(browser, ws, "orgdept", "desktop")
    await page.goto("/ws/cycles")
    await page.get_by_role("link", name="安排部署新的定级周期").click()
    await page.fill("#year", str(YEAR))
    await page.fill("#max_top", "50")  # two orgs (VIL1 农村, WIN1 窗口单位): ≤ 1 先进, ≥ 1 后进
    await page.fill("#min_bottom", "50")
    for d in ("d0", "d7"):  # 农村, 窗口单位
        await page.evaluate(f"document.getElementById('{d}').closest('details').open = true")
        await page.check(f"#{d}")
    await page.fill('[name="s0.i0.r0.max"]', "9")  # 99 points in all
    assert "99" in await page.locator('[data-total="s0"]').inner_text()  # the live sum
    await page.get_by_role("button", name="部署").click()
    assert "合计 99" in await page.locator("#err-s0").inner_text()
    assert await page.locator('[name="s0.i0.r0.max"]').input_value() == "9"  # what was typed stays
    await screenshot(page, "console-grading-deploy-desktop")
    await page.fill('[name="s0.i0.r0.max"]', "10")
    await page.get_by_role("button", name="部署").click()
    assert "已部署" in await page.locator("#notice").inner_text()
    cycle_id = page.url.split("/ws/cycles/")[1].split("?")[0]
    assert "50%即 1 个" in await page.locator("#top-left").inner_text()

    feed = EvaluationsFeed(ws)
    for org in ("VIL1", "WIN1"):
        await feed.completed(org, YEAR, 92)
        await self_assess(ws, cycle_id, org)
    await ws.settle()

    # VIL1: 上级评定, then 定级确定 by the score: 先进 takes the one place
    await page.goto(f"/ws/cycles/{cycle_id}")
    queue = page.locator("#queue")
    assert "一村党支部" in await queue.inner_text() and "政务窗口党支部" in await queue.inner_text()
    await queue.locator("tr[data-org=VIL1]").get_by_role("link", name="评定与定级").click()
    assert "支部会议记录" in await page.locator("table.side-by-side").inner_text()  # evidence beside the points
    assert "92 分" in await page.locator("#mass").inner_text()  # the E8 result
    await assess_all(page, 1.0)
    await page.get_by_role("button", name="定级确定").click()
    assert "先进" in await page.locator("#grade").inner_text()
    assert "还剩 0 个名额" in await page.locator("#top-left").inner_text()
    await screenshot(page, "console-grading-org-desktop")

    # WIN1 as 先进: the meter warns as it is chosen, the API refuses (G5) in Chinese
    await page.goto(f"/ws/cycles/{cycle_id}/orgs/WIN1")
    await assess_all(page, 1.0)
    await page.select_option("#grade-choice", "先进")
    assert "将突破比例控制" in await page.locator("[data-meter-after]").inner_text()
    await page.get_by_role("button", name="定级确定").click()
    refusal = await page.locator("#err-determination").inner_text()
    assert "先进比例超限" in refusal and "G5" not in refusal
    assert "先进" not in await page.locator("#state").inner_text()

    # the issuing authority's override, then the determination it allows
    await page.goto(f"/ws/cycles/{cycle_id}")
    await page.select_option("#o-org", "WIN1")
    await page.select_option("#o-grade", "先进")
    await page.get_by_role("button", name="记录例外批准").click()
    assert "请写明例外批准的理由" in await page.locator("#err-override").inner_text()
    await page.fill("#o-reason", "窗口服务获省级表彰，经部务会研究同意")
    await page.get_by_role("button", name="记录例外批准").click()
    assert "已例外批准政务窗口党支部" in await page.locator("#notice").inner_text()
    await page.goto(f"/ws/cycles/{cycle_id}/orgs/WIN1")
    await page.get_by_role("button", name="定级确定").click()
    assert "先进" in await page.locator("#grade").inner_text()

    # 定级更正 of VIL1: refused without a reason, then to 后进 with one (the bottom rung G5 asked for)
    await page.goto(f"/ws/cycles/{cycle_id}/orgs/VIL1")
    await page.select_option("#c-grade", "后进")
    await page.get_by_role("button", name="更正定级").click()
    assert "理由" in await page.locator("#err-correction").inner_text()
    await page.fill("#c-reason", "复核发现上级评定分数录入有误")
    await page.get_by_role("button", name="更正定级").click()
    assert "定级已更正为「后进」" in await page.locator("#notice").inner_text()
    assert "后进" in await page.locator("#grade").inner_text()

    # the printable 定级结果通知
    await page.get_by_role("link", name="定级结果通知（打印）").click()
    notice = await page.locator("#grading-notice").inner_text()
    assert "一村党支部" in notice and "长安区委" in notice and f"{YEAR} 年度" in notice
    assert await page.locator("#notice-grade").inner_text() == "后进"
    await screenshot(page, "console-grading-notice-desktop")

    # reports, with org names, and the distribution exported to Excel
    await ws.settle()
    await page.goto(f"/ws/cycles/{cycle_id}/reports")
    assert "政务窗口党支部" in await page.locator("#report-movements").inner_text()
    async with page.expect_download() as info:
        await page.click("#export-distribution")
    download = await info.value
    sheet = load_workbook(io.BytesIO(open(await download.path(), "rb").read())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"长安区委 {YEAR} 年度等次分布" and rows[1] == ["等次", "组织数"]
    assert sorted(rows[2:]) == [["先进", 1], ["后进", 1]]
    await screenshot(page, "console-grading-reports-desktop")
    await page.goto(f"/ws/cycles/{cycle_id}/rectification")
    assert "一村党支部" in await page.locator("#plans").inner_text()
    await page.context.close()


async def test_a_guiding_superior_sees_but_is_refused_when_deciding(ws, browser):
    dept = ws.token("org_admin", "grading-taxdept", [TAX])
    body = {"year": YEAR, "scope": TAX, "issuer_org_id": "TAX13", "schemes": {"窗口单位": _scheme()}}
    r = await ws.http.post("/api/grading/cycles", json=body, headers=dept)
    assert r.status_code == 201, r.text
    cycle_id = r.json()["cycle_id"]
    await self_assess(ws, cycle_id, "TAXB1")
    await ws.settle()

    page = await page_as(browser, ws, "county", "desktop")  # 长安区委 guides TAXB1 (mode c, H3)
    await page.goto("/ws/cycles")
    assert "省税务局党委" in await page.locator("#cycles").inner_text()
    await page.goto(f"/ws/cycles/{cycle_id}")
    await page.locator("#guided").get_by_role("link", name="长安区税务局党支部").click()
    assert "支部会议记录" in await page.locator("table.side-by-side").inner_text()  # it sees
    await assess_all_refused(page)
    await page.get_by_role("button", name="定级确定").click()
    assert "指导关系" in await page.locator("#err-determination").inner_text()
    await page.context.close()

    phone = await page_as(browser, ws, "county", "phone")
    await phone.goto(f"/ws/cycles/{cycle_id}")
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 376
    await screenshot(phone, "console-grading-cycle-phone")
    await phone.context.close()


async def assess_all_refused(page) -> None:
    await page.evaluate(
        """() => document.querySelectorAll('#superior-assessment input[name^="p_"]').forEach(
             i => { i.value = i.max; })"""
    )
    await page.get_by_role("button", name="保存上级评定").click()
    refusal = await page.locator("#err-superior-assessment").inner_text()
    assert "只有指导关系" in refusal and "H3" not in refusal


def _scheme() -> dict:
    from tests.grading.schemes import make_scheme

    return make_scheme(f"{YEAR}.1")
