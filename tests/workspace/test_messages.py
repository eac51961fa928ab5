"""消息 (issue 13): a 督促 reminder and a returned pledge reach the member — on her home page and on
/ws/messages, with the returning secretary's reasons — and she marks them read; nobody else sees them."""

from __future__ import annotations

import datetime as dt

from .conftest import csrf_of, login

ITEMS = [{"text": "汛期巡查河堤", "tags": ["带头服务群众"]}]


async def pledge(ws, due: dt.date) -> str:
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": ["M1"],
        "kind": "adhoc",
        "trigger": "防汛",
        "due": due.isoformat(),
        "items": ITEMS,
    }
    r = await ws.http.post("/api/pledges/pledges", json=body, headers=ws.member("M1", "VIL1"))
    assert r.status_code == 201, r.text
    return r.json()["pledge_id"]


async def test_a_reminder_and_a_returned_pledge_reach_the_member(ws):
    http, sec, rt = ws.http, ws.secretary("VIL1"), ws["pledges"]
    due = rt.app.today() + dt.timedelta(days=1)
    overdue = await pledge(ws, due)
    assert (await http.post(f"/api/pledges/pledges/{overdue}/approve", headers=sec)).status_code == 200
    returned = await pledge(ws, due + dt.timedelta(days=30))
    r = await http.post(f"/api/pledges/pledges/{returned}/return", json={"reasons": "请写明巡查频次"}, headers=sec)
    assert r.status_code == 200, r.text
    await ws.settle()
    rt.app.today = lambda: due + dt.timedelta(days=3)  # the approved pledge is overdue: 督促
    try:
        await rt.run_jobs_once()
    finally:
        del rt.app.today
    await ws.settle()

    member = await login(ws, "zhangwei")
    home = (await member.get("/ws/")).text
    assert "督促：您的承诺已超过践诺期限 3 天" in home and "退回意见：请写明巡查频次" in home
    assert 'href="/ws/pledges"' in home and "暂无待办事项" not in home

    page = await member.get("/ws/messages")
    assert page.status_code == 200
    assert page.text.count('class="message unread"') == 3  # returned, approved, reminded
    assert "未读 3 条" in page.text and page.text.index("督促") < page.text.index("退回意见")  # newest first

    # another member sees none of it
    other = await login(ws, "lina")
    assert "暂无消息" in (await other.get("/ws/messages")).text and "超过践诺期限" not in (await other.get("/ws/")).text

    # marking read: one, then the rest; a forged id is refused with a sentence and changes nothing
    notice_id = page.text.split('name="id" value="')[1].split('"')[0]
    r = await member.post("/ws/messages/read", data={"csrf": csrf_of(page.text), "service": "pledges", "id": "nope"})
    assert r.status_code == 404 and "请从消息列表中选择" in r.text and "未读 3 条" in r.text
    r = await member.post("/ws/messages/read", data={"csrf": csrf_of(page.text), "service": "pledges", "id": notice_id})
    assert r.status_code == 200 and "已标为已读" in r.text and "未读 2 条" in r.text
    r = await member.post("/ws/messages/read", data={"csrf": "forged", "all": "1"})
    assert r.status_code == 403 and "未读 2 条" in (await member.get("/ws/messages")).text
    r = await member.post("/ws/messages/read", data={"csrf": csrf_of(page.text), "all": "1"})
    assert "已全部标为已读" in r.text and "没有未读消息" in r.text
    assert "暂无待办事项" in (await member.get("/ws/")).text
    for client in (member, other):
        await client.aclose()


async def test_a_secretary_sees_the_rounds_to_comment_on_with_names(ws):
    today = dt.datetime.now(dt.UTC).date()
    body = {
        "year": today.year,
        "modes": {"self": 20, "peer": 50, "leader": 30},
        "start": today.isoformat(),
        "end": (today + dt.timedelta(days=7)).isoformat(),
        "min_participation": 0.5,
        "publish": True,
    }
    r = await ws.http.post("/api/evaluations/orgs/VIL1/democratic", json=body, headers=ws.secretary("VIL1"))
    assert r.status_code == 201, r.text
    await ws.settle()
    sec = await login(ws, "vil1-sec")
    page = (await sec.get("/ws/messages")).text
    assert page.count("民主评议党员已开始") == 5 and "对象：张伟（M1）" in page and 'href="/ws/rounds"' in page
    member = await login(ws, "wangfang")
    page = (await member.get("/ws/messages")).text
    assert "请在 " + body["end"] + " 前完成个人自评" in page and "对象：王芳" not in page  # her own round
    assert "对象：张伟（M1）" in page and 'href="/ws/ratings"' in page
    for client in (sec, member):
        await client.aclose()
