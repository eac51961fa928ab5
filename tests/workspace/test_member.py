"""The member's pages over real HTTP on each store (issue 13): 我的承诺 — 提诺 with refusals in Chinese that keep
what was typed (P1–P3, P6), a return's reasons and 修改 (P4), 履诺 with evidence files checked by content and
served only to who may see the pledge, 践诺完成 (P4, P5)."""

from __future__ import annotations

import re

from .conftest import PASSWORD, csrf_of, login
from .member_setup import PDF, PNG, docx, publicised


def propose_form(csrf: str, **fields) -> dict:
    return {"csrf": csrf, "kind": "annual", "pledger_kind": "individual", "item-0": "", "item-1": "", **fields}


async def pledge_of(ws, pledge_id: str) -> dict:
    return (await ws.http.get(f"/api/pledges/pledges/{pledge_id}", headers=ws.secretary("VIL1"))).json()


async def test_p1_p3_p6_propose_refusals_are_chinese_sentences_and_keep_what_was_typed(ws):
    client = await login(ws, "zhangwei")
    page = await client.get("/ws/pledges")
    assert page.status_code == 200 and "我的承诺" in page.text and "带头服务群众" in page.text
    csrf = csrf_of(page.text)

    untagged = await client.post("/ws/pledges", data=propose_form(csrf, **{"item-0": "每月走访困难群众"}))
    assert untagged.status_code == 422 and "第 1 项承诺事项请至少勾选一项“五带头”" in untagged.text
    assert "每月走访困难群众" in untagged.text  # kept
    adhoc = propose_form(csrf, kind="adhoc", due="2099-01-31", **{"item-0": "抗洪抢险值守", "tags-0": "带头服务群众"})
    refused = await client.post("/ws/pledges", data=adhoc)
    assert refused.status_code == 422 and "即时承诺须在“因何而诺”中写明" in refused.text
    assert "trigger" not in refused.text.split('id="error"')[1].split("</div>")[0]
    assert "抗洪抢险值守" in refused.text and 'value="2099-01-31"' in refused.text
    bad_date = await client.post("/ws/pledges", data=adhoc | {"due": "明年"})
    assert bad_date.status_code == 422 and "请按 2026-11-25 的格式填写" in bad_date.text
    ledger = await ws.http.get("/api/pledges/orgs/VIL1/ledger", params={"member": "M1"}, headers=ws.secretary("VIL1"))
    assert ledger.json()["total"] == 0  # refusals recorded nothing

    no_post = await login(ws, "wangfang")  # 王芳 has no fixed post yet (P6)
    page = await no_post.get("/ws/pledges")
    r = await no_post.post(
        "/ws/pledges", data=propose_form(csrf_of(page.text), **{"item-0": "打扫村道", "tags-0": "带头服务群众"})
    )
    assert r.status_code == 409 and "您没有固定岗位" in r.text and "M3" not in r.text.split('id="error"')[1][:200]

    done = await client.post("/ws/pledges", data=adhoc | {"trigger": "汛期防汛"})
    assert done.status_code == 200 and "承诺已提交，请等待党组织书记审核" in done.text
    pledge_id = re.search(r"/ws/pledges/([0-9a-f-]{36})", str(done.url)).group(1)
    assert (await pledge_of(ws, pledge_id))["state"] == "proposed"
    again = await client.post("/ws/pledges", data=adhoc | {"trigger": "汛期防汛", "key": "same"})
    twice = await client.post("/ws/pledges", data=adhoc | {"trigger": "汛期防汛", "key": "same"})
    assert str(again.url) == str(twice.url)  # a double submit makes one pledge
    listed = await client.get("/ws/pledges")
    assert "抗洪抢险值守" in listed.text and "已提出" in listed.text and "张伟（M1）" in listed.text


async def test_p4_a_returned_pledge_shows_its_reasons_and_is_revised(ws):
    client = await login(ws, "lina")
    page = await client.get("/ws/pledges")
    r = await client.post(
        "/ws/pledges", data=propose_form(csrf_of(page.text), **{"item-0": "监督村务公开", "tags-0": "带头遵纪守法"})
    )
    pledge_id = re.search(r"/ws/pledges/([0-9a-f-]{36})", str(r.url)).group(1)
    back = await ws.http.post(
        f"/api/pledges/pledges/{pledge_id}/return", json={"reasons": "请写明每月公开几次"}, headers=ws.secretary("VIL1")
    )
    assert back.status_code == 200
    page = await client.get(f"/ws/pledges/{pledge_id}")
    assert "退回理由：请写明每月公开几次" in page.text and "退回修改" in page.text and 'id="revise"' in page.text
    csrf = csrf_of(page.text)
    empty = await client.post(f"/ws/pledges/{pledge_id}/revise", data={"csrf": csrf, "item-0": " "})
    assert empty.status_code == 422 and "请至少填写一项承诺事项" in empty.text
    revised = await client.post(
        f"/ws/pledges/{pledge_id}/revise",
        data={"csrf": csrf, "item-0": "每月监督村务公开一次", "tags-0": ["带头遵纪守法", "带头弘扬正气"]},
    )
    assert revised.status_code == 200 and "承诺已修改并重新提交" in revised.text
    p = await pledge_of(ws, pledge_id)
    assert p["state"] == "proposed" and p["items"][0]["tags"] == ["带头遵纪守法", "带头弘扬正气"]


async def test_p4_progress_with_evidence_files_checked_stored_and_served_to_who_may_see(ws):
    client = await login(ws, "zhangwei")
    page = await client.get("/ws/pledges")
    r = await client.post(
        "/ws/pledges",
        data=propose_form(csrf_of(page.text), **{"item-0": "每月走访困难群众两次", "tags-0": "带头服务群众"}),
    )
    pledge_id = re.search(r"/ws/pledges/([0-9a-f-]{36})", str(r.url)).group(1)
    url = f"/ws/pledges/{pledge_id}"
    page = await client.get(url)
    assert "等待党组织书记审核" in page.text and 'id="progress"' not in page.text
    await publicised(ws, pledge_id)
    page = await client.get(url)
    csrf = csrf_of(page.text)
    assert 'id="progress"' in page.text and "已公开" in page.text

    refusals = [
        ([("evidence", ("走访.pdf", b"just text, not a PDF", "application/pdf"))], "类型不能接受"),
        ([("evidence", ("大图.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png"))], "超过 5 MB"),
        ([("evidence", (f"{n}.png", PNG, "image/png")) for n in range(6)], "一次最多上传 5 个"),
    ]
    for uploads, sentence in refusals:
        bad = await client.post(f"{url}/progress", data={"csrf": csrf, "text": "走访了三户"}, files=uploads)
        assert bad.status_code == 422 and sentence in bad.text and "走访了三户" in bad.text
    no_text = await client.post(f"{url}/progress", data={"csrf": csrf, "text": ""}, files=refusals[0][0])
    assert no_text.status_code == 422 and "请写明践诺进展的内容" in no_text.text
    assert (await pledge_of(ws, pledge_id))["progress_count"] == 0  # refusals recorded nothing

    good = [
        ("evidence", ("走访照片.png", PNG, "image/png")),
        ("evidence", ("走访记录.pdf", PDF, "application/pdf")),
        ("evidence", ("台账.docx", docx(), "application/octet-stream")),
    ]
    done = await client.post(f"{url}/progress", data={"csrf": csrf, "text": "走访了三户困难群众"}, files=good)
    assert done.status_code == 200 and "已报告践诺进展，附证明材料 3 份" in done.text
    assert "走访照片.png" in done.text and "PDF 文档" in done.text and "Word 文档" in done.text
    reports = await ws.http.get(f"/api/pledges/pledges/{pledge_id}/progress", headers=ws.secretary("VIL1"))
    evidence = reports.json()["items"][0]["evidence"]
    assert [e.split(":")[2] for e in evidence] == ["png", "pdf", "docx"]  # hash, type and name only
    assert all(len(e) < 200 for e in evidence)
    png_sha = evidence[0].split(":")[1]

    served = await client.get(f"/ws/files/{png_sha}")
    assert served.status_code == 200 and served.content == PNG and served.headers["content-type"] == "image/png"
    assert (await (await login(ws, "vil1-sec")).get(f"/ws/files/{png_sha}")).content == PNG
    ws.app.state.accounts.add("yanglei", PASSWORD, "member", member_id="M6")  # 杨磊 of COM1: not his pledge's org
    outsider = await login(ws, "yanglei")
    denied = await outsider.get(f"/ws/files/{png_sha}")
    assert denied.status_code == 404 and PNG not in denied.content and "找不到这个证明材料" in denied.text
    assert (await outsider.get("/ws/files/" + "0" * 64)).status_code == 404
    anonymous = await ws.http.get(f"/ws/files/{png_sha}", follow_redirects=False)
    assert anonymous.status_code == 303 and "/ws/login" in anonymous.headers["location"]

    no_summary = await client.post(f"{url}/complete", data={"csrf": csrf, "summary": ""})
    assert no_summary.status_code == 422 and "请写明践诺情况小结" in no_summary.text
    completed = await client.post(f"{url}/complete", data={"csrf": csrf, "summary": "全年走访 24 次"})
    assert completed.status_code == 200 and "已报告践诺完成" in completed.text and "已践诺" in completed.text
    again = await client.post(f"{url}/complete", data={"csrf": csrf, "summary": "再报一次"})
    assert again.status_code == 409 and "该承诺已办结" in again.text and 'id="complete"' not in again.text
    assert (await client.post(f"{url}/complete", data={"csrf": "forged", "summary": "x"})).status_code == 403
