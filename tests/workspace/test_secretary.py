"""The secretary's pages over real HTTP on each store (issue 13): 待审承诺 with names, approve / return (reasons
required) / publicise (P4, P5); 承诺台账 with filters and its Excel export (P9); 设岗定责 (P6); 评议 with
民主评议 (E7) and a window's QR poster (E1, E5); 自评 by the scheme (G2, G3); 推荐表彰 (A3)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from tests.grading.schemes import ASSESSED, make_scheme

from .conftest import csrf_of, login

SCOPE = "local:13/1301/130102"
TODAY = dt.date.today()


def pledge(member: str, text: str) -> dict:
    return {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": [member],
        "kind": "annual",
        "items": [{"text": text, "tags": ["带头服务群众"]}],
    }


async def propose(ws, member: str, text: str) -> str:
    r = await ws.http.post("/api/pledges/pledges", json=pledge(member, text), headers=ws.member(member, "VIL1"))
    assert r.status_code == 201, r.text
    return r.json()["pledge_id"]


async def state_of(ws, pledge_id: str) -> str:
    return (await ws.http.get(f"/api/pledges/pledges/{pledge_id}", headers=ws.secretary("VIL1"))).json()["state"]


async def test_p4_p5_the_inbox_names_pledgers_and_a_return_needs_reasons(ws):
    first = await propose(ws, "M1", "每月走访困难群众两次")
    second = await propose(ws, "M2", "带头清理村道垃圾")
    await ws.settle()
    client = await login(ws, "vil1-sec")
    page = await client.get("/ws/review")
    assert page.status_code == 200 and "张伟（M1）" in page.text and "李娜（M2）" in page.text
    csrf = csrf_of(page.text)

    refused = await client.post(f"/ws/review/{first}", data={"csrf": csrf, "action": "return", "reasons": " "})
    assert refused.status_code == 422 and "退回承诺须写明退回理由" in refused.text
    assert await state_of(ws, first) == "proposed"  # a refusal changes nothing

    done = await client.post(
        f"/ws/review/{first}", data={"csrf": csrf, "action": "return", "reasons": "请写明走访对象"}
    )
    assert done.status_code == 200 and "已退回修改" in done.text
    assert await state_of(ws, first) == "returned"
    await client.post(f"/ws/review/{second}", data={"csrf": csrf, "action": "approve"})
    assert await state_of(ws, second) == "approved"

    await ws.settle()
    no_channel = await client.post(f"/ws/review/{second}", data={"csrf": csrf, "action": "publicise", "channel": ""})
    assert no_channel.status_code == 422 and "请选择公开渠道" in no_channel.text
    early = await client.post(f"/ws/review/{first}", data={"csrf": csrf, "action": "publicise", "channel": "公示栏"})
    assert early.status_code == 409 and "P5" not in early.text and "只有" in early.text  # the API's Chinese refusal
    shown = await client.post(f"/ws/review/{second}", data={"csrf": csrf, "action": "publicise", "channel": "公示栏"})
    assert "已通过“公示栏”公开承诺" in shown.text and await state_of(ws, second) == "publicised"

    member = await login(ws, "zhangwei")
    assert "本页面供党组织书记使用" in (await member.get("/ws/review")).text


async def test_p9_the_ledger_filters_pages_and_exports_to_excel(ws):
    await propose(ws, "M1", "为留守老人代办事项")
    await ws.settle()
    client = await login(ws, "vil1-sec")
    everything = await client.get("/ws/ledger")
    assert everything.status_code == 200 and "李娜（M2）" in everything.text and "为留守老人代办事项" in everything.text
    only_m2 = await client.get("/ws/ledger", params={"member": "M2", "year": str(TODAY.year)})
    assert "带头清理村道垃圾" in only_m2.text and "为留守老人代办事项" not in only_m2.text
    proposed = await client.get("/ws/ledger", params={"state": "publicised"})
    assert "带头清理村道垃圾" in proposed.text and "为留守老人代办事项" not in proposed.text
    assert "已公开" in proposed.text

    export = await client.get("/ws/ledger.xlsx", params={"member": "M2"})
    assert export.status_code == 200 and "spreadsheetml" in export.headers["content-type"]
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "一村党支部 承诺台账"
    assert rows[1][:4] == ("承诺主体", "承诺类型", "年度", "承诺事项")
    assert [r[0] for r in rows[2:]] == ["李娜（M2）"] and rows[2][3] == "带头清理村道垃圾" and rows[2][6] == "已公开"
    everyone = load_workbook(io.BytesIO((await client.get("/ws/ledger.xlsx")).content)).active
    assert everyone.max_row - 2 >= 3


async def test_p6_the_secretary_sets_a_post_for_a_member_without_one(ws):
    client = await login(ws, "vil1-sec")
    page = await client.get("/ws/posts")
    assert "王芳" in page.text and "待设岗" in page.text and "网格员" in page.text
    csrf = csrf_of(page.text)
    missing = await client.post("/ws/posts", data={"csrf": csrf, "member": "M3", "post": "环境卫生监督岗"})
    assert missing.status_code == 422 and "请填写岗位职责" in missing.text and "环境卫生监督岗" in missing.text
    stranger = await client.post("/ws/posts", data={"csrf": csrf, "member": "M6", "post": "岗", "duties": "职责"})
    assert stranger.status_code >= 400 and "COM1" in stranger.text  # M6 belongs to 一社区党支部
    done = await client.post(
        "/ws/posts", data={"csrf": csrf, "member": "M3", "post": "环境卫生监督岗", "duties": "每周巡查村道"}
    )
    assert "已设定岗位" in done.text
    posts = (await ws.http.get("/api/pledges/orgs/VIL1/posts", headers=ws.secretary("VIL1"))).json()["items"]
    assert {"member_id": "M3", "post": "环境卫生监督岗"} in posts
    assert "待设岗" not in (await client.get("/ws/posts")).text


async def test_e7_democratic_rounds_for_every_member_and_a_printable_window_poster(ws):
    client = await login(ws, "vil1-sec")
    page = await client.get("/ws/rounds")
    csrf = csrf_of(page.text)
    period = {"year": str(TODAY.year), "start": TODAY.isoformat(), "end": (TODAY + dt.timedelta(days=10)).isoformat()}
    no_modes = await client.post("/ws/rounds", data={"csrf": csrf, "kind": "democratic", **period})
    assert no_modes.status_code == 422 and "请至少为一种评议方式填写权重" in no_modes.text
    weights = {"w_self": "20", "w_peer": "50", "w_leader": "30", "min_participation": "50"}
    done = await client.post("/ws/rounds", data={"csrf": csrf, "kind": "democratic", **period, **weights})
    assert "已为每名党员开展民主评议" in done.text
    await ws.settle()
    rounds = await client.get("/ws/rounds")
    assert rounds.text.count("民主评议党员</td>") >= 3 and "李娜" in rounds.text and "评议中" in rounds.text

    r = await ws.http.post(
        "/api/evaluations/windows",
        json={"window_id": "VIL1-W1", "org_id": "VIL1", "name": "一村便民服务窗口"},
        headers=ws.secretary("VIL1"),
    )
    assert r.status_code == 201, r.text
    await ws.settle()
    assert "/ws/windows/VIL1-W1/poster" in (await client.get("/ws/rounds")).text
    mass = {"w_mass": "100", "eligible": "30", "min_participation": "10"}
    opened = await client.post("/ws/rounds", data={"csrf": csrf, "kind": "window:VIL1-W1", **period, **mass})
    assert "评议已开展" in opened.text
    await ws.settle()
    poster = await client.get("/ws/windows/VIL1-W1/poster")
    assert poster.status_code == 200
    for text in ("一村便民服务窗口", "一村党支部", "扫码评议", "<svg", "/evaluations/rate/"):
        assert text in poster.text, text
    assert "@media print" in (await client.get("/ws/static/app.css")).text
    elsewhere = await client.get("/ws/windows/NOPE/poster")
    assert elsewhere.status_code == 404 and "本组织没有这个服务窗口" in elsewhere.text


async def test_g3_the_self_assessment_asks_the_schemes_sub_items(ws):
    client = await login(ws, "vil1-sec")
    assert "上级尚未部署" in (await client.get("/ws/assessment")).text
    dept = ws.token("org_admin", "dept-130102", [SCOPE])
    body = {"year": TODAY.year, "scope": SCOPE, "issuer_org_id": "P130102", "schemes": {"农村": make_scheme()}}
    r = await ws.http.post("/api/grading/cycles", json=body, headers=dept)
    assert r.status_code == 201, r.text
    await ws.settle()
    page = await client.get("/ws/assessment")
    assert "党组织带头人" in page.text and "取自党员群众评议结果" in page.text and "长安区委" in page.text
    csrf = csrf_of(page.text)
    fields = {f"p_{code}": str(top * 0.8) for code, top in ASSESSED.items()}
    partial = await client.post("/ws/assessment", data={"csrf": csrf, **dict(list(fields.items())[1:])})
    assert partial.status_code == 422 and "尚未填写：1.1" in partial.text and 'value="4.0"' in partial.text
    too_much = await client.post("/ws/assessment", data={"csrf": csrf, **fields, "p_1.1": "99"})
    assert too_much.status_code == 422 and "子项 1.1 得分须在 0–10 之间" in too_much.text
    done = await client.post("/ws/assessment", data={"csrf": csrf, **fields, "e_1.1": "班子会议记录"})
    assert "自评已提交" in done.text and 'id="p_1.1" name="p_1.1" min="0" max="10" step="any" value="8"' in done.text


async def test_a3_the_secretary_nominates_a_member_by_name(ws):
    county = ws.token("superior", "sup-130102", [SCOPE])
    campaign = {
        "opener_org_id": "P130102",
        "scope": SCOPE,
        "name": f"{TODAY.year}年七一表彰",
        "kind": "qiyi",
        "year": TODAY.year,
        "titles": [{"name": "优秀共产党员", "subject": "member", "quota": 5}],
        "nomination_until": (TODAY + dt.timedelta(days=20)).isoformat(),
        "publicity_from": (TODAY + dt.timedelta(days=25)).isoformat(),
        "publicity_until": (TODAY + dt.timedelta(days=30)).isoformat(),
        "grant_on": (TODAY + dt.timedelta(days=35)).isoformat(),
    }
    r = await ws.http.post("/api/awards/campaigns", json=campaign, headers=county)
    assert r.status_code == 201, r.text
    campaign_id = r.json()["campaign_id"]
    await ws.settle()
    client = await login(ws, "vil1-sec")
    page = await client.get("/ws/nominations")
    assert campaign["name"] in page.text and "张伟" in page.text and "本组织还没有推荐" in page.text
    csrf = csrf_of(page.text)
    form = {"csrf": csrf, "campaign": campaign_id, "title": "优秀共产党员", "nominee": "M1"}
    missing = await client.post("/ws/nominations", data=form)
    assert missing.status_code == 422 and "请填写主要事迹" in missing.text
    form["deeds"] = "带领群众修路，事迹突出"
    ineligible = await client.post("/ws/nominations", data=form)  # no 民主评议 result yet (A4)
    assert ineligible.status_code == 409 and "不符合推荐条件" in ineligible.text and "带领群众修路" in ineligible.text
    override = {
        "title": "优秀共产党员",
        "nominee_type": "member",
        "nominee_id": "M1",
        "reason": "新任党员，经区委研究同意",
    }
    r = await ws.http.post(f"/api/awards/campaigns/{campaign_id}/overrides", json=override, headers=county)
    assert r.status_code == 201, r.text
    done = await client.post("/ws/nominations", data=form)
    assert "推荐已提交" in done.text, done.text
    await ws.settle()
    listed = await client.get("/ws/nominations")
    assert "张伟" in listed.text and "推荐中" in listed.text and "M1" not in listed.text.split('id="nominations"')[1]
