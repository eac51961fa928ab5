"""履诺 (P4, P5): the progress reports of one pledge, read back from the write model by whoever may read the
pledge (H4) — text and evidence as reported, in order; others are refused."""

import pytest

from tests.stack import Stack


@pytest.fixture
async def stack(tmp_path, store):
    s = await Stack(tmp_path, store, services=("pledges",)).start()
    yield s
    await s.stop()


async def test_p4_progress_reports_are_listed_for_those_who_see_the_pledge(stack):
    http, m1, sec = stack.http, stack.member("M1", "VIL1"), stack.secretary("VIL1")
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": ["M1"],
        "kind": "annual",
        "items": [{"text": "每月走访困难群众", "tags": ["带头服务群众"]}],
    }
    pledge_id = (await http.post("/api/pledges/pledges", json=body, headers=m1)).json()["pledge_id"]
    url = f"/api/pledges/pledges/{pledge_id}"
    assert (await http.get(f"{url}/progress", headers=m1)).json()["items"] == []
    for step, payload in (("approve", None), ("publicise", {"channel": "公示栏"})):
        assert (await http.post(f"{url}/{step}", json=payload, headers=sec)).status_code == 200
    reports = [("走访了三户", ["file:" + "a" * 64 + ":pdf:走访记录.pdf"]), ("又走访了两户", [])]
    for text, evidence in reports:
        r = await http.post(f"{url}/progress", json={"text": text, "evidence": evidence}, headers=m1)
        assert r.status_code == 200, r.text

    r = await http.get(f"{url}/progress", headers=sec)
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["text"], i["evidence"]) for i in items] == reports and items[0]["at"] <= items[1]["at"]
    refused = await http.get(f"{url}/progress", headers=stack.member("M6", "COM1"))
    assert refused.status_code == 403
