"""支部制度与总结 in the workspace (B1, B2, B5): the secretary drafts the branch's institution in a form, a member
discusses it, the masses give an opinion through the public link, the secretary answers, has it adopted and
publishes it; officers read the 汇总表 of their scope and export it. Refusals are Chinese sentences and the form
keeps what was typed."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import load_workbook

from tests.browser import screenshot

from .conftest import csrf_of, login, page_as


def institution_id(html: str) -> str:
    found = re.search(r"/ws/branch/institutions/([0-9a-f-]{36})/discussion", html)
    assert found, "no draft on the page"
    return found.group(1)


async def test_a_branch_makes_its_institution_in_the_browser_forms(ws):
    sec = await login(ws, "vil1-sec")
    page = await sec.get("/ws/branch")
    assert page.status_code == 200 and "起草新制度" in page.text and "带领群众致富" in page.text  # the domain's focus
    no_measures = await sec.post(
        "/ws/branch/institutions",
        data={
            "csrf": csrf_of(page.text),
            "title": "党员联系农户制度",
            "focus": "带领群众致富",
            "goal": "联系 5 户",
            "content": "每月走访",
            "measures": "",
        },
    )
    assert no_measures.status_code == 422 and 'value="党员联系农户制度"' in no_measures.text  # kept what was typed
    drafted = await sec.post(
        "/ws/branch/institutions",
        data={
            "csrf": csrf_of(page.text),
            "title": "党员联系农户制度",
            "focus": "带领群众致富",
            "goal": "联系 5 户",
            "content": "每月走访",
            "measures": "建立台账\n每季度通报",
        },
    )
    assert "制度草案已保存" in drafted.text
    iid = institution_id(drafted.text)

    member = await login(ws, "zhangwei")
    mine = await member.get("/ws/branch")
    assert "提交讨论意见" in mine.text and "起草新制度" not in mine.text  # a member discusses, does not draft
    said = await member.post(
        f"/ws/branch/institutions/{iid}/discussion", data={"csrf": csrf_of(mine.text), "opinion": "建议增加帮扶困难户"}
    )
    assert "讨论意见已记录" in said.text

    early = await sec.post(
        f"/ws/branch/institutions/{iid}/adoption",
        data={"csrf": csrf_of(page.text), "meeting_on": dt.date.today().isoformat(), "attending": "9", "members": "12"},
    )
    assert early.status_code == 409 and "征求群众意见" in early.text
    opened = await sec.post(
        f"/ws/branch/institutions/{iid}/solicitation",
        data={"csrf": csrf_of(page.text), "until": dt.date.today().isoformat()},
    )
    assert f"/branches/institutions/{iid}/opinions" in opened.text
    await ws.http.post(f"/branches/institutions/{iid}/opinions", data={"text": "走访请放在晚上"})
    listed = await sec.get("/ws/branch")
    assert "走访请放在晚上" in listed.text
    await sec.post(
        f"/ws/branch/institutions/{iid}/answers", data={"csrf": csrf_of(page.text), "number": "1", "answer": "已采纳"}
    )
    adopted = await sec.post(
        f"/ws/branch/institutions/{iid}/adoption",
        data={"csrf": csrf_of(page.text), "meeting_on": dt.date.today().isoformat(), "attending": "9", "members": "12"},
    )
    assert "支部党员大会已通过" in adopted.text
    published = await sec.post(
        f"/ws/branch/institutions/{iid}/publication", data={"csrf": csrf_of(page.text), "channel": "notice_board"}
    )
    assert "制度已公布" in published.text

    await ws.settle()
    county = await login(ws, "county")
    table = await county.get("/ws/branch/table")
    assert "党员联系农户制度" in table.text and "尚未建立" in table.text
    xlsx = await county.get("/ws/branch/table.xlsx", params={"scope": "local:13/1301/130102"})
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()]
    assert any(r[1] == "VIL1" and r[3] == "党员联系农户制度" for r in rows)
    for client in (sec, member, county):
        await client.aclose()


async def test_the_branch_page_at_phone_size(ws, browser):
    page = await page_as(browser, ws, "vil1-sec", "phone")
    await page.goto("/ws/branch")
    assert "创先争优制度" in await page.locator("h1").inner_text()
    await screenshot(page, "branch-life-phone")
    await page.context.close()
