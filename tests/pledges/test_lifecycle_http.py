"""承诺践诺 over real HTTP, a real nats-server and each store: 提诺 → 审诺 → 公开 → 履诺 → 践诺, and
the ledger 承诺台账 that follows it (P4, P5, P9)."""

from cloudevents.core.bindings.http import HTTPMessage, from_binary_event

from shared.envelope import Envelope

ANNUAL = {
    "org_id": "VIL1",
    "pledger_kind": "individual",
    "member_ids": ["M1"],
    "kind": "annual",
    "items": [{"text": "每月走访困难群众两次", "tags": ["带头服务群众"]}],
}


async def test_full_lifecycle_and_ledger(stack):
    http, member, secretary = stack.http, stack.member("M1", "VIL1"), stack.secretary("VIL1")

    r = await http.post("/api/pledges/pledges", json=ANNUAL, headers=member)
    assert r.status_code == 201, r.text
    pledge = r.json()
    assert pledge["state"] == "proposed" and pledge["due"].endswith("-12-31")
    pid = pledge["pledge_id"]

    for path, body, who, state in [
        ("approve", None, secretary, "approved"),
        ("publicise", {"channel": "公示栏"}, secretary, "publicised"),
        ("progress", {"text": "已走访5户", "evidence": ["photo-1.jpg"]}, member, "publicised"),
        ("complete", {"summary": "全年走访26次"}, member, "completed"),
    ]:
        r = await http.post(f"/api/pledges/pledges/{pid}/{path}", json=body, headers=who)
        assert r.status_code == 200, r.text
        assert r.json()["state"] == state

    await stack.settle()
    ledger = (await http.get("/api/pledges/orgs/VIL1/ledger", headers=secretary)).json()
    assert ledger["total"] == 1
    row = ledger["items"][0]
    assert (row["pledge_id"], row["state"], row["channel"], row["progress_count"]) == (pid, "completed", "公示栏", 1)
    assert row["leading"] is True  # M1 is a leading cadre (P12)

    # the stream holds the six events, each a valid CloudEvent the official SDK decodes
    js = stack["pledges"].js
    sub = await js.pull_subscribe("cxzy.pledges.>", stream="CXZY_PLEDGES")
    msgs = await sub.fetch(10, timeout=2)
    assert [m.subject.split(".")[2] for m in msgs] == [
        "proposed",
        "approved",
        "publicised",
        "progress_reported",
        "completed",
    ]
    for m in msgs:
        event = from_binary_event(HTTPMessage(headers=dict(m.headers), body=m.data))
        assert event.get_type().startswith("cn.cxzy.pledges.")
        assert event.get_extension("orgid") == "VIL1"
        assert event.get_extension("localpath") == "13/1301/130102/130102001"
        env = Envelope.from_message(m.headers, m.data)
        stack["pledges"].spec.contract.validate(env)
        assert env.verify_link()
    assert m.subject == "cxzy.pledges.completed.13.1301.130102.130102001._._._._.VIL1"


async def test_illegal_transitions_are_refused_and_record_nothing(stack):
    http, member, secretary = stack.http, stack.member("M1", "VIL1"), stack.secretary("VIL1")
    pid = (await http.post("/api/pledges/pledges", json=ANNUAL, headers=member)).json()["pledge_id"]
    app = stack["pledges"].app
    before = app.recorder.max_notification_id()

    # P5: a proposed pledge cannot be publicised, fulfilled or completed
    for path, body in [
        ("publicise", {"channel": "公示栏"}),
        ("progress", {"text": "x"}),
        ("complete", {"summary": "x"}),
    ]:
        r = await http.post(f"/api/pledges/pledges/{pid}/{path}", json=body, headers=secretary)
        assert r.status_code == 409, r.text
        problem = r.json()
        assert r.headers["content-type"] == "application/problem+json"
        assert problem["type"].endswith("/pledge-state")
        assert "承诺" in problem["title_zh"] and problem["title_en"]
    # a member may not review their own pledge
    r = await http.post(f"/api/pledges/pledges/{pid}/approve", headers=member)
    assert r.status_code == 403
    assert app.recorder.max_notification_id() == before


async def test_the_correlation_id_travels_from_the_request_to_the_event_and_big_bodies_are_refused(stack):
    headers = {**stack.member("M1", "VIL1"), "X-Correlation-ID": "req-2026-0001"}
    r = await stack.http.post("/api/pledges/pledges", json=ANNUAL, headers=headers)
    assert r.status_code == 201 and r.headers["x-correlation-id"] == "req-2026-0001"
    await stack.settle()
    sub = await stack["pledges"].js.pull_subscribe("cxzy.pledges.>", stream="CXZY_PLEDGES")
    (msg,) = await sub.fetch(1, timeout=2)
    assert Envelope.from_message(msg.headers, msg.data).correlationid == "req-2026-0001"

    huge = b'{"org_id": "VIL1", "pad": "' + b"x" * (1 << 20) + b'"}'
    r = await stack.http.post(
        "/api/pledges/pledges", content=huge, headers={**headers, "content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["type"].endswith("/too-large")
    assert stack["pledges"].app.recorder.max_notification_id() == 1
