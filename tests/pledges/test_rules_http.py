"""P6, P9, P12 and 督促 over HTTP; bad input changes nothing."""

import datetime as dt

ITEMS = [{"text": "参加环境整治", "tags": ["带头服务群众"]}]


def individual(member: str, org: str = "VIL1", **kw) -> dict:
    return {"org_id": org, "pledger_kind": "individual", "member_ids": [member], "kind": "annual", "items": ITEMS, **kw}


async def test_p6_posts_exemptions_and_mobile_members(stack):
    http, sec = stack.http, stack.secretary("VIL1")
    # 设岗定责: M3 has no fixed post, so the org sets one before M3 pledges by it
    r = await http.post("/api/pledges/pledges", json=individual("M3"), headers=stack.member("M3", "VIL1"))
    assert r.status_code == 409 and r.json()["type"].endswith("/no-post")
    r = await http.post(
        "/api/pledges/orgs/VIL1/posts",
        json={"member_id": "M3", "post": "环境卫生监督岗", "duties": "每周巡查一次"},
        headers=sec,
    )
    assert r.status_code == 201, r.text
    r = await http.post("/api/pledges/pledges", json=individual("M3"), headers=stack.member("M3", "VIL1"))
    assert r.status_code == 201, r.text
    # exempt members may still pledge what they can; the pledge says so
    r = await http.post("/api/pledges/pledges", json=individual("M4"), headers=stack.member("M4", "VIL1"))
    assert r.status_code == 201, r.text
    # 流动党员 M5 (home VIL1, now at COM1) pledges where they are; both ledgers list it
    r = await http.post("/api/pledges/pledges", json=individual("M5"), headers=stack.member("M5", "VIL1"))
    assert r.status_code == 201
    mobile = r.json()
    assert mobile["host_org_id"] == "COM1"
    await stack.settle()
    home = (await http.get("/api/pledges/orgs/VIL1/ledger", headers=sec)).json()
    host = (await http.get("/api/pledges/orgs/COM1/ledger", headers=stack.secretary("COM1"))).json()
    assert home["total"] == 3
    assert [p["pledge_id"] for p in host["items"]] == [mobile["pledge_id"]]
    by_member = {p["member_ids"][0]: p for p in home["items"]}
    assert by_member["M3"]["post"] == "环境卫生监督岗"


async def test_p12_org_pledges_are_made_by_the_org_and_members_back_them(stack):
    http, sec = stack.http, stack.secretary("VIL1")
    r = await http.post(
        "/api/pledges/pledges",
        json={"org_id": "VIL1", "pledger_kind": "org", "kind": "annual", "items": ITEMS},
        headers=stack.member("M1", "VIL1"),
    )
    assert r.status_code == 403  # only the org (its secretary) makes 党组织承诺
    org_pledge = (
        await http.post(
            "/api/pledges/pledges",
            json={"org_id": "VIL1", "pledger_kind": "org", "kind": "annual", "items": ITEMS},
            headers=sec,
        )
    ).json()
    r = await http.post(
        "/api/pledges/pledges",
        json=individual("M2", supports=org_pledge["pledge_id"]),
        headers=stack.member("M2", "VIL1"),
    )
    assert r.status_code == 201, r.text
    await stack.settle()
    ledger = (await http.get("/api/pledges/orgs/VIL1/ledger?kind=annual", headers=sec)).json()
    leading = {p["pledger_kind"]: p["leading"] for p in ledger["items"]}
    assert leading == {"org": True, "individual": False}


async def test_ledger_filters_pagination_and_scopes(stack):
    http = stack.http
    for member, org in [("M1", "VIL1"), ("M2", "VIL1"), ("M6", "COM1"), ("M9", "VIL2")]:
        r = await http.post("/api/pledges/pledges", json=individual(member, org), headers=stack.member(member, org))
        assert r.status_code == 201
    await stack.settle()
    sec = stack.secretary("VIL1")
    page = (await http.get("/api/pledges/orgs/VIL1/ledger?limit=1&offset=1", headers=sec)).json()
    assert (page["total"], len(page["items"])) == (2, 1)
    assert (await http.get("/api/pledges/orgs/VIL1/ledger?member=M2", headers=sec)).json()["total"] == 1
    assert (await http.get("/api/pledges/orgs/VIL1/ledger?state=approved", headers=sec)).json()["total"] == 0
    city = stack.token("superior", "city", ["local:13/1301"])
    assert (await http.get("/api/pledges/ledger?scope=local:13/1301", headers=city)).json()["total"] == 3
    assert (await http.get("/api/pledges/ledger?scope=local:13/1301/130104", headers=city)).json()["total"] == 1
    r = await http.get("/api/pledges/ledger?scope=local:13", headers=city)  # wider than the caller's scope
    assert r.status_code == 403
    r = await http.get("/api/pledges/orgs/VIL2/ledger", headers=city)  # outside the subtree (H4)
    assert r.status_code == 403


async def test_overdue_pledges_get_reminded_by_the_scheduler(stack):
    http, sec, member = stack.http, stack.secretary("VIL1"), stack.member("M1", "VIL1")
    rt = stack["pledges"]
    today = rt.app.today()
    due = today + dt.timedelta(days=2)
    pid = (
        await http.post(
            "/api/pledges/pledges",
            json={**individual("M1"), "kind": "adhoc", "trigger": "防汛", "due": due.isoformat()},
            headers=member,
        )
    ).json()["pledge_id"]
    await http.post(f"/api/pledges/pledges/{pid}/approve", headers=sec)
    await http.post(f"/api/pledges/pledges/{pid}/publicise", json={"channel": "公示栏"}, headers=sec)
    await stack.settle()
    await rt.run_jobs_once()
    await stack.settle()
    assert (await http.get("/api/pledges/orgs/VIL1/ledger?overdue=true", headers=sec)).json()["total"] == 0

    rt.app.today = lambda: due + dt.timedelta(days=3)  # time passes
    await rt.run_jobs_once()
    await stack.settle()
    await rt.run_jobs_once()  # a second run within the interval reminds nobody again
    await stack.settle()
    overdue = (await http.get("/api/pledges/orgs/VIL1/ledger?overdue=true", headers=sec)).json()
    assert overdue["total"] == 1
    assert (overdue["items"][0]["reminders"], overdue["items"][0]["last_reminded"]) == (
        1,
        (due + dt.timedelta(days=3)).isoformat(),
    )


async def test_bad_input_changes_nothing(stack):
    http, member, sec = stack.http, stack.member("M1", "VIL1"), stack.secretary("VIL1")
    app = stack["pledges"].app
    pid = (await http.post("/api/pledges/pledges", json=individual("M1"), headers=member)).json()["pledge_id"]
    before = app.recorder.max_notification_id()
    cases = [
        (b"{not json", 422),
        (individual("M1", org="NOPE"), 404),  # unknown org
        (individual("M404"), 403),  # the caller is not that member
        (individual("M6"), 403),
        ({**individual("M1"), "items": [{"text": "长" * 5000, "tags": ["带头学习提高"]}]}, 422),  # oversize text
        ({**individual("M1"), "items": [{"text": "x", "tags": ["带头发财"]}]}, 422),  # not one of the 五带头
        ({**individual("M1"), "surprise": 1}, 422),  # unknown field
        ({**individual("M1"), "kind": "weekly"}, 422),
        ({**individual("M1"), "kind": "adhoc", "due": "2001-01-01", "trigger": "x"}, 422),
    ]
    for body, status in cases:
        kwargs = (
            {"content": body, "headers": {**member, "content-type": "application/json"}}
            if isinstance(body, bytes)
            else {"json": body, "headers": member}
        )
        r = await http.post("/api/pledges/pledges", **kwargs)
        assert r.status_code == status, (body if isinstance(body, bytes) else str(body)[:80], r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["title_zh"] and r.json()["title_en"]
    r = await http.post("/api/pledges/pledges", json=individual("M6", org="COM1"), headers=stack.member("M6", "VIL1"))
    assert r.status_code == 403  # a token for one org cannot act on another's member
    r = await http.post(f"/api/pledges/pledges/{pid}/publicise", json={"channel": "公示栏"}, headers=sec)
    assert r.status_code == 409  # wrong state
    r = await http.post(f"/api/pledges/pledges/{pid}/approve", headers={"Authorization": "Bearer forged.token.x"})
    assert r.status_code == 401
    r = await http.post("/api/pledges/pledges/00000000-0000-0000-0000-000000000000/approve", headers=sec)
    assert r.status_code == 404
    assert app.recorder.max_notification_id() == before


async def test_a_retried_proposal_with_an_idempotency_key_is_recorded_once(stack):
    http, member = stack.http, {**stack.member("M1", "VIL1"), "Idempotency-Key": "retry-42"}
    first = await http.post("/api/pledges/pledges", json=individual("M1"), headers=member)
    again = await http.post("/api/pledges/pledges", json=individual("M1"), headers=member)
    assert first.status_code == again.status_code == 201
    assert first.json()["pledge_id"] == again.json()["pledge_id"]
    assert stack["pledges"].app.recorder.max_notification_id() == 1
