"""践诺率 and 督促率 of a scope (P4, H4): ``GET /api/pledges/reports/fulfilment`` counts the ledger of a subtree —
what the officers' dashboards chart — and refuses a scope the caller does not hold."""

import datetime as dt
from uuid import UUID


def pledge(member: str, due: str | None = None) -> dict:
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": [member],
        "kind": "adhoc" if due else "annual",
        "items": [{"text": "每周巡河一次", "tags": ["带头服务群众"]}],
    }
    return body | ({"trigger": "防汛", "due": due} if due else {})


async def test_fulfilment_and_reminder_rates_of_a_scope(stack):
    http, sec, rt = stack.http, stack.secretary("VIL1"), stack["pledges"]
    due = rt.app.today() + dt.timedelta(days=2)
    ids = []
    for member in ("M1", "M2", "M1"):
        who = stack.member(member, "VIL1")
        r = await http.post("/api/pledges/pledges", json=pledge(member, due.isoformat()), headers=who)
        assert r.status_code == 201, r.text
        ids.append((r.json()["pledge_id"], who))
    await http.post("/api/pledges/pledges", json=pledge("M1"), headers=stack.member("M1", "VIL1"))  # still proposed
    for pid, _ in ids:
        for step, body in (("approve", None), ("publicise", {"channel": "公示栏"})):
            assert (await http.post(f"/api/pledges/pledges/{pid}/{step}", json=body, headers=sec)).status_code == 200
    pid, who = ids[0]
    r = await http.post(f"/api/pledges/pledges/{pid}/complete", json={"summary": "汛期巡河12次"}, headers=who)
    assert r.status_code == 200, r.text
    rt.app.today = lambda: due + dt.timedelta(days=3)  # the other two fall overdue; 督促 reminds one of them
    await stack.settle()
    overdue = (await http.get("/api/pledges/orgs/VIL1/ledger?overdue=true", headers=sec)).json()["items"]
    rt.app.remind(UUID(overdue[0]["pledge_id"]))
    await stack.settle()

    city = stack.token("superior", "city", ["local:13/1301"])
    r = await http.get("/api/pledges/reports/fulfilment", params={"scope": "local:13/1301"}, headers=city)
    assert r.status_code == 200, r.text
    got = r.json()
    assert {k: got[k] for k in ("in_ledger", "completed", "open", "overdue", "reminded", "overdue_unreminded")} == {
        "in_ledger": 3,
        "completed": 1,
        "open": 2,
        "overdue": 2,
        "reminded": 1,
        "overdue_unreminded": 1,
    }
    assert (got["fulfilment_rate"], got["reminder_rate"]) == (0.3333, 0.3333)
    other = {"scope": "local:13/1301/130104", "year": due.year}  # 桥西区: nothing pledged there
    empty = (await http.get("/api/pledges/reports/fulfilment", params=other, headers=city)).json()
    assert (empty["in_ledger"], empty["fulfilment_rate"]) == (0, None)

    county = stack.token("superior", "county", ["local:13/1301/130102"])
    r = await http.get("/api/pledges/reports/fulfilment", params={"scope": "local:13/1301"}, headers=county)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["title_zh"]
